#!/bin/bash
# tlsrpt.sh - TLSRPT (RFC 8460): the smtp client's session results,
# collected by tlsrpt(8), and the reports it sends
#
# The DNSSEC test bed (lib/dnssec.sh) serves three domains whose MX hosts
# are Debian's Postfix smtpd on 127.0.0.1 (STARTTLS with a certificate
# made here): ok.secure.test, whose TLSA record (3 1 1) names the
# server's key; bad.secure.test, whose TLSA record names another key;
# mixed.secure.test with both MX hosts, the bad one preferred; and
# name.secure.test, whose MX host (no TLSA record) smtp_tls_policy_maps
# puts at level verify while the certificate names another host. Each
# has a _smtp._tls TXT record that asks for reports by mail
# (tlsrpt@reports.example.test, which the instance routes to a scripted
# SMTP server that keeps what it receives) and by HTTPS POST
# (https://mta-sts.secure.test/v1/tlsrpt, lib/https_server.py with a
# certificate of the test CA).
#
# Our instance relays at level dane with smtp_tlsrpt_enable = yes and a
# tlsrpt service: two messages to ok, one to bad (deferred), one to mixed
# (the bad MX host fails, the good one takes it), one to name (deferred).
# Each session must end in one record in the spool file of the current
# period (success, or validation-failure, under the "tlsa" policy with the
# TLSA record as policy string, with the MX host and its address; for
# name, certificate-host-mismatch under "no-policy-found"), and posttlsrpt must
# show the period's aggregate, valid under the RFC 8460 schema
# (tests/data/tlsrpt-schema.json, python3-jsonschema).
#
# An MTA-STS domain, sts.secure.test, with an enforce policy whose two MX
# hosts (each a listener of the same Postfix on an address of its own)
# present an expired certificate (mx-exp) and one from an unknown CA
# (mx-unk): its message is deferred, and the aggregate has one
# certificate-expired and one certificate-not-trusted session under the
# "sts" policy. Each failure names the server's EHLO name
# (receiving-mx-helo), not the name in its 220 greeting.
#
# A transport whose collector socket leads nowhere (lost.secure.test)
# delivers as usual and logs the record as lost.
#
# Then the instance stops, its report period becomes 2 seconds, and it
# starts again: the records survived, the period is over, and tlsrpt
# sends one report per domain to both rua URIs. Each report that arrives
# - by mail as multipart/report; report-type="tlsrpt" with the
# TLS-Report-Domain and TLS-Report-Submitter headers and an
# application/tlsrpt+gzip attachment, and by POST as
# application/tlsrpt+gzip - must be valid under the schema, and its counts
# must equal the deliveries made. The HTTPS server refuses the first POSTs
# (503): they are tried again until it accepts them, while the mails, which
# went out at once, are not sent again; a third rua of name.secure.test,
# where nothing listens, is given up after tlsrpt_report_retry_time.
#
# Before that, the collector is killed and a record cut short is appended
# to the spool file, as a crash mid-write would leave it: the next
# collector cuts it off, with a warning, and the next record is whole.
#
# Programs that read /etc/resolv.conf reach the bed through a private
# mount namespace (dnssec_namespace, dnssec_use_resolver): the test runs
# as root.
#
# The delivery lines carry Postfix 3.11's TLS feature status (tls=dane).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dnssec.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

dnssec_available || skip "$DNSSEC_MISSING"
postfix_peer_available || skip "$POSTFIX_PEER_MISSING"
python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is not installed"
dnssec_namespace "$0" "$@" || skip "$DNSSEC_MISSING"

dir=$(mktemp -d /tmp/tlsrpt.XXXXXX)
chmod 755 "$dir"
at_exit 'rm -rf "$dir"'
certs=$dir/certs
certs_make "$certs" || fail "make certificates"
# The HTTPS server's certificate for both policy hosts; an expired MX
# certificate (OpenSSL 3.4 and later: -not_after in the past; before:
# -days -1, the day before); one from a CA nobody trusts.
(
    cd "$certs" || exit 1
    leaf() { # NAME SAN CA [expired]
        printf 'basicConstraints = CA:FALSE\nsubjectAltName = %s\n' "$2" >"$1.ext" &&
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$1" \
                -keyout "$1.key" -out "$1.csr" || return 1
        set -- "$1" "$3" "$4" -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial \
            -extfile "$1.ext" -out "$1.pem"
        if [ "$3" = expired ]; then
            openssl x509 -req "${@:4}" -not_before 20200101000000Z -not_after 20200102000000Z ||
                openssl x509 -req "${@:4}" -days -1
        else
            openssl x509 -req "${@:4}" -days 2
        fi && cat "$1.key" "$1.pem" "$2.pem" >"$1-chain.pem"
    }
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -subj "/CN=Stranger CA" -days 2 -addext "basicConstraints = critical, CA:TRUE" \
        -addext "keyUsage = critical, keyCertSign" -keyout stranger.key -out stranger.pem &&
        leaf www "DNS:mta-sts.secure.test,DNS:mta-sts.sts.secure.test" int &&
        leaf exp "DNS:mx-exp.secure.test" int expired &&
        leaf unk "DNS:mx-unk.secure.test" stranger
) >"$dir/certs.log" 2>&1 || fail "make certificates: $(cat "$dir/certs.log")"
openssl x509 -in "$certs/exp.pem" -noout -checkend 0 >/dev/null
[ $? -eq 1 ]
require "the certificate of mx-exp has expired"
chmod -R a+rX "$certs"
ee=$(dnssec_tlsa_digest "$certs/rsa-chain.pem")
require "the server key's SHA2-256 digest"
ee_upper=$(tr a-f A-F <<<"$ee")
read -r pin psrv pnsd pres <<<"$(free_port 4 | tr '\n' ' ')"
DNSSEC_PORTS="$pnsd $pres"
S=$DNSSEC_SECURE
dnssec_https_addr || fail "a loopback address for the HTTPS server"
rua="v=TLSRPTv1; rua=mailto:tlsrpt@reports.example.test,https://mta-sts.$S/v1/tlsrpt"
# The addresses of mx-exp and mx-unk: two loopback addresses of their own.
addr_exp=127.45.$((RANDOM % 250 + 1)).$((RANDOM % 125 + 1))
addr_unk=${addr_exp%.*}.$((${addr_exp##*.} + 125))

rrs=("mta-sts IN A $DNSSEC_HTTPS_ADDR"
    "mx-ok IN A 127.0.0.1" "_$psrv._tcp.mx-ok IN TLSA 3 1 1 $ee"
    "mx-bad IN A 127.0.0.1" "_$psrv._tcp.mx-bad IN TLSA 3 1 1 $DNSSEC_TLSA_DIGEST"
    "ok IN MX 10 mx-ok" "bad IN MX 10 mx-bad" "mixed IN MX 10 mx-bad" "mixed IN MX 20 mx-ok"
    "name IN MX 10 mx-name" "mx-name IN A 127.0.0.1" "lost IN MX 10 mx-ok"
    "sts IN MX 10 mx-exp" "sts IN MX 20 mx-unk" "mx-exp IN A $addr_exp" "mx-unk IN A $addr_unk"
    "_mta-sts.sts IN TXT \"v=STSv1; id=1\"" "mta-sts.sts IN A $DNSSEC_HTTPS_ADDR")
for d in ok bad mixed sts; do
    rrs+=("_smtp._tls.$d IN TXT \"$rua\"")
done
# name.$S also asks for a POST to a port where nothing listens: given up.
down="https://mta-sts.$S:1/v1/tlsrpt"
rrs+=("_smtp._tls.name IN TXT \"$rua,$down\"")
dnssec_start_resolved "${rrs[@]}"

postfix_peer_create recv \
    "myhostname = mx-ok.$S" \
    "smtpd_banner = greeting.$S ESMTP" \
    "smtpd_peername_lookup = no" \
    "mynetworks = 127.0.0.0/8" \
    "smtpd_relay_restrictions = permit_mynetworks, reject" \
    "default_transport = discard" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem"
postfix_peer_master_cf recv "127.0.0.1:$psrv inet n - n - - smtpd" \
    "$addr_exp:$psrv inet n - n - - smtpd -o myhostname=mx-exp.$S -o smtpd_tls_chain_files=$certs/exp-chain.pem" \
    "$addr_unk:$psrv inet n - n - - smtpd -o myhostname=mx-unk.$S -o smtpd_tls_chain_files=$certs/unk-chain.pem"
postfix_peer_start recv "$psrv"
require "Debian's postfix (the MX hosts) starts"

# The test mailbox of the mailto: rua, and the HTTPS server of the https: one.
fake_smtpd_start "$dir/mailbox" --mode plain --maildir "$dir/mailbox" --idle 120
mkdir -p "$dir/www/mta-sts.sts.$S"
printf 'version: STSv1\nmode: enforce\nmx: mx-exp.%s\nmx: mx-unk.%s\nmax_age: 86400\n' "$S" "$S" \
    >"$dir/www/mta-sts.sts.$S/mta-sts.txt"
sts_strings="version: STSv1,mode: enforce,mx: mx-exp.$S,mx: mx-unk.$S,max_age: 86400"
python3 "$top/tests/integration/lib/https_server.py" --addr "$DNSSEC_HTTPS_ADDR" --port 443 \
    --chain "$certs/www-chain.pem" --dir "$dir/www" --port-file "$dir/www/port" --idle 120 &
https_pid=$!
at_exit 'kill "$https_pid" 2>/dev/null'
wait_file "$dir/www/port" 10 || fail "the HTTPS server starts"

instance_create
instance_master_cf_relay "$pin" "tlsrpt unix - - n 3600 1 tlsrpt" \
    "mtasts unix - - n - 1 mtasts" \
    "pickup unix n - n 60 1 pickup" \
    "nowhere unix - - n - 1 smtp -o smtp_tlsrpt_socket_name=private/nowhere"
transport=$(instance_table texthash transport \
    "reports.example.test smtp:[127.0.0.1]:$FAKE_SMTPD_PORT" "lost.$S nowhere:")
tls_policy=$(instance_table texthash tls_policy "name.$S verify")
instance_main_cf \
    "myhostname = client.example.net" "mydestination =" "mynetworks = 127.0.0.0/8" \
    "alias_maps =" \
    "transport_maps = $transport" \
    "smtp_tls_policy_maps = $tls_policy" \
    "smtp_dns_support_level = dnssec" \
    "smtp_tls_security_level = dane" \
    "smtp_tcp_port = $psrv" \
    "smtp_tls_CAfile = $certs/root.pem" \
    "smtp_tlsrpt_enable = yes" \
    "smtp_tls_mta_sts_enable = yes" \
    "mta_sts_CAfile = $certs/root.pem" \
    "mta_sts_fetch_timeout = 5s" \
    "smtp_tlsrpt_skip_reused_handshakes = no" \
    "smtp_connection_cache_on_demand = no" \
    "tlsrpt_organization_name = Example Net" \
    "tlsrpt_contact_info = tls-reports@example.net" \
    "tlsrpt_report_sender = tlsrpt-noreply@example.net" \
    "tlsrpt_report_submitter = client.example.net"
instance_start "$pin"
require "the instance starts"

# send ADDRESS - one message through the instance's smtpd
send() {
    instance_smtp_send "$pin" "$1"
}

# outcome ADDRESS - the status line of its delivery, once there is one
outcome() {
    instance_outcome "$1"
}

# records - every line of the spool files
records() {
    cat "$INSTANCE_DATA"/tlsrpt/*Z 2>/dev/null
}

for user in one two; do
    send "$user@ok.$S"
    check "the message to $user@ok.$S is accepted"
    has "and sent under DANE" "status=sent" "$(outcome "$user@ok.$S")"
done
has "its delivery line has the TLS feature status (smtp_log_tls_feature_status)" \
    "tls=dane, dsn=2.0.0, status=sent" "$(outcome "one@ok.$S")"
send "three@bad.$S"
check "the message to bad.$S is accepted"
has "and deferred: no TLSA record matches" "status=deferred" "$(outcome "three@bad.$S")"
has "its line says that dane was wanted and decided" "tls=dane, dsn=4.7.5, status=deferred" \
    "$(outcome "three@bad.$S")"
send "four@mixed.$S"
check "the message to mixed.$S is accepted"
has "and sent through its second MX host" "relay=mx-ok.$S" "$(outcome "four@mixed.$S")"

send "five@name.$S"
check "the message to name.$S is accepted"
has "and deferred: the certificate names another host" "tls=verify, dsn=4.7.5, status=deferred" \
    "$(outcome "five@name.$S")"

send "eight@sts.$S"
check "the message to sts.$S is accepted"
has "and deferred: neither MX host of its enforce policy has a valid certificate" \
    "dsn=4.7.5, status=deferred" "$(outcome "eight@sts.$S")"

wait_until 10 eval '[ "$(records | wc -l)" -ge 8 ]'
same "eight sessions, eight records" 8 "$(records | wc -l)"
ok_line=$(records | awk -F'\t' -v d="ok.$S" '$2 == d' | head -1)
bad_line=$(records | awk -F'\t' -v d="bad.$S" '$2 == d')
same "ok.$S: success under the tlsa policy, MX host, its EHLO name and address" \
    "tlsa	3+201+201+20$ee_upper		success	127.0.0.1	mx-ok.$S	mx-ok.$S	127.0.0.1" \
    "$(cut -f3-10 <<<"$ok_line")"
same "bad.$S: validation-failure under its tlsa policy" \
    "tlsa	validation-failure	mx-bad.$S	127.0.0.1	Server+20certificate+20not+20verified" \
    "$(cut -f3,6,8,10,11 <<<"$bad_line")"

# A crash of the collector mid-write: the acknowledged records stay, the
# record cut short goes (with a warning) and the next one is whole.
spool=$(ls "$INSTANCE_DATA"/tlsrpt/*Z)
pids=$(instance_procs | awk '$3 ~ /(^|\/)tlsrpt$/ { print $2 }')
[ -n "$pids" ]
require "the collector runs"
for pid in $pids; do kill -9 "$pid"; done
partial=$(printf '%s\tok.%s\ttlsa\t3+201' "$(date +%s)" "$S")
printf '%s' "$partial" >>"$spool"
send "seven@ok.$S"
check "after the crash, the message to seven@ok.$S is accepted"
has "and sent" "status=sent" "$(outcome "seven@ok.$S")"
wait_until 10 eval '[ "$(records | grep -c "^[0-9]")" -ge 9 ]'
has "the new collector cuts off the record cut short" \
    "removed ${#partial} bytes at its end: a TLSRPT record cut short" "$(instance_log)"
same "the eight records and the new one, each on a line of its own" 9 \
    "$(records | awk -F'\t' 'NF == 11' | wc -l)"

# check_reports FILE... - validate JSON reports, print "domain success failure" per policy
check_reports() {
    python3 - "$top/tests/data/tlsrpt-schema.json" "$@" <<'EOF'
import gzip, json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft7Validator(schema)
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    doc = json.loads(data)
    for report in doc if isinstance(doc, list) else [doc]:
        errors = sorted(validator.iter_errors(report), key=str)
        for e in errors:
            print("INVALID %s: %s" % (path, e.message))
        for p in report["policies"]:
            strings = ",".join(p["policy"].get("policy-string", []))
            fails = ",".join(sorted("%s:%d%s" % (d["result-type"], d["failed-session-count"],
                                                 "@" + d["receiving-mx-helo"]
                                                 if "receiving-mx-helo" in d else "")
                                    for d in p.get("failure-details", [])))
            print("%s %s %d %d %s %s" % (p["policy"]["policy-domain"], p["policy"]["policy-type"],
                  p["summary"]["total-successful-session-count"],
                  p["summary"]["total-failure-session-count"], strings, fails or "-"))
EOF
}

"$TEST_BIN/posttlsrpt" -c "$INSTANCE_CONF" >"$dir/now.json"
check "posttlsrpt shows the period's aggregate"
summary=$(check_reports "$dir/now.json" | sort)
lacks "the aggregate is valid under the RFC 8460 schema" "INVALID" "$summary"
wrong_upper=$(tr a-f A-F <<<"$DNSSEC_TLSA_DIGEST")
want="bad.$S tlsa 0 1 3 1 1 $wrong_upper validation-failure:1@mx-ok.$S
mixed.$S tlsa 0 1 3 1 1 $wrong_upper validation-failure:1@mx-ok.$S
mixed.$S tlsa 1 0 3 1 1 $ee_upper -
name.$S no-policy-found 0 1  certificate-host-mismatch:1@mx-ok.$S
ok.$S tlsa 3 0 3 1 1 $ee_upper -
sts.$S sts 0 2 $sts_strings certificate-expired:1@mx-exp.$S,certificate-not-trusted:1@mx-unk.$S"
same "its counts are the sessions: per domain and policy, successes and failures" "$want" \
    "$summary"
has "a failure names the server's EHLO name (receiving-mx-helo), not its greeting's" \
    "validation-failure:1@mx-ok.$S" "$summary"
has "sts.$S: an expired certificate and one from an unknown CA, under its sts policy" \
    "sts.$S sts 0 2 $sts_strings certificate-expired:1@mx-exp.$S,certificate-not-trusted:1@mx-unk.$S" \
    "$summary"

# A client that cannot reach the collector delivers all the same and logs the lost record.
send "six@lost.$S"
check "the message to lost.$S is accepted"
has "and sent, though its TLSRPT record cannot be sent" "tls=dane, dsn=2.0.0, status=sent" \
    "$(outcome "six@lost.$S")"
has "the lost record is logged" \
    "warning: TLSRPT record lost for policy domain lost.$S (tlsa, success): the collector at private/nowhere is not available" \
    "$(instance_log)"
same "and the spool has no record of it" 9 "$(records | wc -l)"

# The records outlive a restart; a period of two seconds ends at once. The
# HTTPS server refuses the first POSTs (503): each report is tried again
# (after a second here) until it accepts them, and the mails, which went
# out at once, are not sent again. The POST to $down fails every time and
# is given up once tlsrpt_report_retry_time has passed.
instance_stop
echo 503 >"$dir/www/status"
instance_main_cf "tlsrpt_report_interval = 2s" "tlsrpt_minimal_backoff_time = 1s" \
    "tlsrpt_maximal_backoff_time = 1s" "tlsrpt_report_retry_time = 5s"
instance_start "$pin"
require "the instance starts again, with a report period of 2 seconds"

# mail_count, post_count, refused_count - reports that arrived so far
mail_count() { ls "$dir/mailbox"/msg.* 2>/dev/null | wc -l; }
post_count() { ls "$dir/www"/post.? "$dir/www"/post.?? 2>/dev/null | wc -l; }
refused_count() { grep -c "^POST /v1/tlsrpt -> 503" "$dir/www/log"; }
wait_until 30 eval '[ "$(mail_count)" -ge 5 ] && [ "$(refused_count)" -ge 5 ]'
same "five reports by mail, one per domain" 5 "$(mail_count)"
[ "$(refused_count)" -ge 5 ]
check "the HTTPS server refused the first POSTs of the five reports"
grep -Eq "warning: TLSRPT report for ok.$S \(.*\) to https://mta-sts.$S/v1/tlsrpt: .*503.*: will try again" \
    "$INSTANCE_LOG"
check "tlsrpt logs the refused POST, and that it will try again"
rm -f "$dir/www/status"
wait_until 30 eval '[ "$(post_count)" -ge 5 ] && [ -z "$(ls "$INSTANCE_DATA/tlsrpt")" ]'
same "then five reports by HTTPS POST" 5 "$(post_count)"
same "and still five by mail: a report that went out is not sent again" 5 "$(mail_count)"
same "each mail was sent once" 5 "$(grep -c 'TLSRPT report for .* sent to mailto:' "$INSTANCE_LOG")"
grep -Eq "TLSRPT report for ok.$S \(.*\) sent to https://mta-sts.$S/v1/tlsrpt" "$INSTANCE_LOG"
check "tlsrpt logs each report sent"
grep -Eq "warning: TLSRPT report for name.$S \(.*\) to $down: .*: giving up after [0-9]+ attempts" \
    "$INSTANCE_LOG"
check "the POST to a server that is down is given up after tlsrpt_report_retry_time"
lacks "nothing else is given up" "giving up" "$(grep -v "to $down:" "$INSTANCE_LOG")"
same "the spool file and its retry state are gone once reported" "" \
    "$(ls "$INSTANCE_DATA/tlsrpt")"

# The mail: RFC 8460 section 5.3; its attachment goes to mail.N.gz.
python3 - "$dir" "$dir"/mailbox/msg.* >"$dir/mail.out" <<'EOF'
import email, sys
out = sys.argv[1]
for n, path in enumerate(sys.argv[2:]):
    msg = email.message_from_binary_file(open(path, "rb"))
    print("type %s report-type=%s" % (msg.get_content_type(), msg.get_param("report-type")))
    print("domain %s submitter %s" % (msg["TLS-Report-Domain"], msg["TLS-Report-Submitter"]))
    print("subject-ok %s" % msg["Subject"].startswith("Report Domain: %s Submitter: %s Report-ID: <"
                                                     % (msg["TLS-Report-Domain"],
                                                        msg["TLS-Report-Submitter"])))
    for part in msg.walk():
        if part.get_content_type() == "application/tlsrpt+gzip":
            print("attachment %s" % part.get_filename().endswith(".json.gz"))
            open("%s/mail.%d.gz" % (out, n), "wb").write(part.get_payload(decode=True))
EOF
check "the report mails can be read"
mail_out=$(cat "$dir/mail.out")
same "each mail is multipart/report; report-type=tlsrpt" 5 \
    "$(grep -c '^type multipart/report report-type=tlsrpt$' <<<"$mail_out")"
for d in ok bad mixed name sts; do
    has "a mail with TLS-Report-Domain: $d.$S and TLS-Report-Submitter" \
        "domain $d.$S submitter client.example.net" "$mail_out"
done
same "each Subject: names the domain, submitter and report id" 5 \
    "$(grep -c '^subject-ok True$' <<<"$mail_out")"
same "each carries an application/tlsrpt+gzip attachment (.json.gz)" 5 \
    "$(grep -c '^attachment True$' <<<"$mail_out")"
summary=$(check_reports "$dir"/mail.*.gz | sort)
lacks "the mailed reports are valid under the RFC 8460 schema" "INVALID" "$summary"
same "their counts equal the deliveries" "$want" "$summary"

same "each POST is application/tlsrpt+gzip" "application/tlsrpt+gzip" \
    "$(for f in "$dir"/www/post.*.type; do cat "$f" && echo; done | sort -u)"
summary=$(check_reports $(ls "$dir"/www/post.* | grep -v '\.type$') | sort)
lacks "the posted reports are valid under the RFC 8460 schema" "INVALID" "$summary"
same "their counts equal the deliveries" "$want" "$summary"
has "the HTTPS server answered each POST" "POST /v1/tlsrpt -> 200" "$(cat "$dir/www/log")"

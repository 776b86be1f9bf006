#!/bin/bash
# mta_sts.sh - MTA-STS (RFC 8461) in the SMTP client, with the policy cache
# of mtasts(8), against the private DNSSEC test bed (lib/dnssec.sh) and one
# HTTPS server (lib/https_server.py) that serves every case domain's policy
# with a certificate from a CA made here
#
# Each case domain under secure.test. has an MX host on 127.0.0.1 (our
# smtpd, one certificate from the same CA naming mx-enf, mx-out, mx-mal,
# mx-dane and mx-tst, but not mx-bad nor mx-tbad), an _mta-sts TXT record
# (TTL 1) and mta-sts.<domain> on the HTTPS server's address:
#
#   enf   enforce, mx: mx-enf            Verified, sent; cached, not fetched again
#   out   enforce, mx: mx-elsewhere      deferred (the MX is outside the patterns)
#   bad   enforce, mx: mx-bad            deferred (certificate-host-mismatch)
#   tbad  testing, mx: mx-tbad           sent (certificate-host-mismatch reported)
#   tst   testing, mx: mx-tst            sent
#   mal   a malformed policy             sts-policy-invalid: no policy, sent
#   dane  enforce, mx: mx-elsewhere, and DANE TLSA records: DANE wins
#         (Verified, sent), at level dane and at level may alike
#
# First, discovery alone (tests/helpers/sts_probe, as mtasts does it) for
# fetch.secure.test, whose policy host answers as the test says (404, a
# redirect, another media type, more than 64 KiB), nocert.secure.test
# (the HTTPS certificate does not name its policy host), a CA that is not
# trusted, and a domain without the TXT record.
#
# Each result is recorded for TLSRPT under the "sts" policy (posttlsrpt),
# and so are the discovery failures of domains without a cached policy:
# mal (sts-policy-invalid), nocert (the HTTPS certificate does not name the
# policy host: sts-webpki-invalid) and nohttps (no policy host at all:
# sts-policy-fetch-error), each with an MX host, delivered as without a
# policy. A REQUIRETLS message goes over the enforced hop (enf) and over
# DANE (dane), and is returned with 5.7.10 at a testing one (tst).
#
# Then: posttls-finger shows the policy and its verdict for the MX host it
# tried, or that DANE takes precedence (dane); an smtp_tls_policy_maps entry wins over a policy; a new TXT id makes
# mtasts fetch the policy again; mtasts restarted with the HTTPS server
# gone and new ids: the cached policies survive and stay in force; and an
# external resolver on smtp_tls_policy_maps = socketmap:... (written for
# this test in the manner of postfix-tlspol, lib/sts_resolver.py: DANE first)
# gives the same verdicts for the same policies, and wins where it answers;
# last, mtasts's refresh walk fetches a policy whose id changed by itself.
#
# The HTTPS host names are resolved through the C library, which reads
# /etc/resolv.conf: the test runs in a private mount namespace (root).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dnssec.sh"

dnssec_available || skip "$DNSSEC_MISSING"
dnssec_namespace "$0" "$@" || skip "$DNSSEC_MISSING"
client=$TEST_HELPERS/deliver_client

dir=$(mktemp -d /tmp/mta-sts.XXXXXX)
chmod 755 "$dir"
at_exit '[ -n "${KEEP:-}" ] || rm -rf "$dir"'
read -r p_ours p_nsd p_resolver p_plain <<<"$(free_port 4 | tr '\n' ' ')"
DNSSEC_PORTS="$p_nsd $p_resolver $p_plain"
S=$DNSSEC_SECURE
cases=(enf out bad tbad tst mal dane)

# A CA; the MX certificate (not for mx-bad and mx-tbad); the HTTPS certificate.
certs=$dir/certs
mkdir -p "$certs"
(
    cd "$certs" || exit 1
    printf 'basicConstraints = CA:FALSE\nsubjectAltName = %s\n' \
        "DNS:mx-enf.$S,DNS:mx-out.$S,DNS:mx-mal.$S,DNS:mx-dane.$S,DNS:mx-tst.$S" >mx.ext
    sans=DNS:mta-sts.fetch.$S
    for c in "${cases[@]}"; do sans="$sans,DNS:mta-sts.$c.$S"; done
    printf 'basicConstraints = CA:FALSE\nsubjectAltName = %s\n' "$sans" >www.ext
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -subj "/CN=MTA-STS Test CA" -days 2 \
        -addext "basicConstraints = critical, CA:TRUE" \
        -addext "keyUsage = critical, keyCertSign, cRLSign" -keyout ca.key -out ca.pem &&
        for n in mx www; do
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$n.$S" \
                -keyout $n.key -out $n.csr &&
                openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
                    -extfile $n.ext -out $n.pem && cat $n.key $n.pem ca.pem >$n-chain.pem || exit 1
        done &&
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -subj "/CN=Stranger CA" -days 2 -keyout stranger.key -out stranger.pem
) >/dev/null 2>&1 || fail "make certificates"
chmod -R a+rX "$certs"
ee=$(openssl x509 -in "$certs/mx.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -r | cut -d' ' -f1)

# The policies, one directory per policy host.
www=$dir/www
policy() { # CASE MODE MX... - write a policy
    local c=$1 mode=$2 mx
    shift 2
    mkdir -p "$www/mta-sts.$c.$S"
    {
        echo "version: STSv1"
        echo "mode: $mode"
        for mx in "$@"; do echo "mx: $mx"; done
        echo "max_age: 86400"
    } >"$www/mta-sts.$c.$S/mta-sts.txt"
}
policy enf enforce "mx-enf.$S"
policy out enforce "mx-elsewhere.$S"
policy bad enforce "mx-bad.$S"
policy tbad testing "mx-tbad.$S"
policy tst testing "mx-tst.$S"
policy mal sometimes "mx-mal.$S"
policy dane enforce "mx-elsewhere.$S"

# The zone: MX, host, TXT (TTL 1, ids from id_CASE) and policy host of each case.
declare -A id
for c in "${cases[@]}"; do id[$c]=1; done
dnssec_https_addr || fail "a loopback address for the HTTPS server"
rrs() {
    local c
    for c in "${cases[@]}"; do
        echo "$c IN MX 10 mx-$c"
        echo "mx-$c IN A 127.0.0.1"
        echo "_mta-sts.$c 1 IN TXT \"v=STSv1; id=${id[$c]}\""
        echo "mta-sts.$c IN A $DNSSEC_HTTPS_ADDR"
    done
    echo "_$p_ours._tcp.mx-dane IN TLSA 3 1 1 $ee"
    for c in fetch nocert; do
        echo "_mta-sts.$c IN TXT \"v=STSv1; id=1\""
        echo "mta-sts.$c IN A $DNSSEC_HTTPS_ADDR"
    done
    for c in nocert nohttps; do
        echo "$c IN MX 10 mx-$c"
        echo "mx-$c IN A 127.0.0.1"
    done
    echo "_mta-sts.nohttps IN TXT \"v=STSv1; id=1\""
}
DNSSEC_RESOLV=yes
mapfile -t zone < <(rrs)
dnssec_start "${zone[@]}"
require "the DNSSEC test bed starts"
dnssec_use_resolver
require "the bed's resolver is this namespace's /etc/resolv.conf"

# serve - (re)start the HTTPS server
https_pid=
serve() {
    [ -n "$https_pid" ] && kill "$https_pid" 2>/dev/null && wait "$https_pid" 2>/dev/null
    rm -f "$www/port"
    python3 "$top/tests/integration/lib/https_server.py" --addr "$DNSSEC_HTTPS_ADDR" --port 443 \
        --chain "$certs/www-chain.pem" --dir "$www" --port-file "$www/port" --idle 300 &
    https_pid=$!
    wait_file "$www/port" 10 || fail "the HTTPS server starts"
}
at_exit '[ -n "$https_pid" ] && kill "$https_pid" 2>/dev/null'
serve
fetches() { grep -c "GET /.well-known/mta-sts.txt -> 200 (mta-sts.$1.$S)" "$www/log" 2>/dev/null; }

# Discovery as mtasts does it (sts_fetch(3), through tests/helpers/sts_probe):
# the answers of the policy host that refuse a policy, PKIX and the host name.
probe() { # DOMAIN [CAFILE]
    bounded 30 "$TEST_HELPERS/sts_probe" -s "127.0.0.1:$DNSSEC_PORT" -C "${2:-$certs/ca.pem}" \
        -t 5 "$1" 2>&1
}
fpolicy=$www/mta-sts.fetch.$S/mta-sts.txt
mkdir -p "$www/mta-sts.fetch.$S"
printf 'version: STSv1\nmode: enforce\nmx: mx.secure.test\nmx: *.example.net\nmax_age: 86400\n' >"$fpolicy"
out=$(probe "fetch.$S")
has "probe: the TXT record's id" "id: 1" "$out"
has "probe: a valid policy, fetched and parsed" \
    "policy: ok mode=enforce max_age=86400 mx=mx.secure.test,*.example.net" "$out"
has "probe: the server saw the well-known path" "GET /.well-known/mta-sts.txt -> 200 (mta-sts.fetch.$S)" \
    "$(cat "$www/log")"
printf 'version: STSv1\nmode: sometimes\nmx: mx.secure.test\nmax_age: 86400\n' >"$fpolicy"
has "probe: a malformed policy is invalid" "policy: invalid unknown mode" "$(probe "fetch.$S")"
echo 404 >"$www/status"
has "probe: 404 is a fetch error" "policy: fetch-error HTTP status 404" "$(probe "fetch.$S")"
rm -f "$www/status"
echo "https://mta-sts.fetch.$S/elsewhere.txt" >"$www/location"
has "probe: a redirect is not followed" "policy: fetch-error HTTP status 301" "$(probe "fetch.$S")"
rm -f "$www/location"
printf 'version: STSv1\nmode: enforce\nmx: mx.secure.test\nmax_age: 86400\n' >"$fpolicy"
echo "text/html" >"$www/type"
has "probe: another media type is a fetch error" \
    "policy: fetch-error media type \"text/html\", not text/plain" "$(probe "fetch.$S")"
rm -f "$www/type"
echo 70000 >"$www/size"
has "probe: over 64 KiB is a fetch error" "policy: fetch-error response larger than 65536 bytes" \
    "$(probe "fetch.$S")"
rm -f "$www/size"
has "probe: back to a valid policy" "policy: ok mode=enforce" "$(probe "fetch.$S")"
out=$(probe "nocert.$S")
has "probe: a certificate without the policy host's name is sts-webpki-invalid" "policy: webpki-invalid" "$out"
lacks "... and no policy" "policy: ok" "$out"
out=$(probe "fetch.$S" "$certs/stranger.pem")
has "probe: a certificate from an untrusted CA is sts-webpki-invalid" "policy: webpki-invalid" "$out"
lacks "... and no policy" "policy: ok" "$out"
: >"$www/log"
out=$(probe "$DNSSEC_INSECURE")
has "probe: no TXT record, no policy" "id: none" "$out"
same "... and nothing fetched" "" "$(cat "$www/log")"

# Our smtpd as every MX host (it keeps what it accepts in the queue), and mtasts.
instance_create
instance_main_cf \
    "myhostname = mx-enf.$S" \
    "mynetworks = 127.0.0.0/8" \
    "smtpd_relay_restrictions = permit_mynetworks, reject" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_chain_files = $certs/mx-chain.pem" \
    "mta_sts_CAfile = $certs/ca.pem" \
    "mta_sts_fetch_timeout = 5s"
instance_master_cf \
    "127.0.0.1:$p_ours inet n - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup" \
    "mtasts unix - - n - 1 mtasts" \
    "tlsrpt unix - - n 3600 1 tlsrpt"
instance_start "$p_ours"
require "our smtpd and mtasts start"

# conf NAME LINE... - a configuration directory for deliver_client, beside the instance's queue
conf() {
    local name=$1
    shift
    mkdir -p "$dir/$name/conf"
    : >"$dir/$name/conf/master.cf"
    {
        echo "compatibility_level = 3.8"
        echo "queue_directory = $INSTANCE_QUEUE"
        echo "maillog_file = $dir/$name/maillog"
        echo "maillog_file_prefixes = $dir"
        echo "myhostname = client.example.net"
        echo "smtp_dns_support_level = dnssec"
        echo "smtp_tcp_port = $p_ours"
        echo "smtp_tls_loglevel = 1"
        echo "smtp_helo_timeout = 10s"
        echo "smtp_connect_timeout = 5s"
        echo "mta_sts_CAfile = $certs/ca.pem"
        echo "mta_sts_fetch_timeout = 5s"
        printf '%s\n' "$@"
    } >"$dir/$name/conf/main.cf"
}
conf sts "smtp_tls_security_level = may" "smtp_tls_mta_sts_enable = yes" \
    "smtp_tlsrpt_enable = yes" "smtp_tlsrpt_skip_reused_handshakes = no" \
    "smtp_log_tls_feature_status = yes"
conf dane "smtp_tls_security_level = dane" "smtp_tls_mta_sts_enable = yes"
echo "out.$S may" >"$dir/policy"
conf table "smtp_tls_security_level = may" "smtp_tls_mta_sts_enable = yes" \
    "smtp_tls_policy_maps = texthash:$dir/policy"

# outcome NAME DOMAIN [-R] - our client's outcome for user@DOMAIN: sent, deferred or bounced
# (the line in $line); -R: the message asks for REQUIRETLS
line=
outcome() {
    line=$(timeout 90 "$client" -q "$INSTANCE_QUEUE" -a "$TEST_LIBEXEC/smtp" -c "$dir/$1/conf" \
        -n "$2" -r ${3:-} "user@$2" 2>>"$dir/$1/stderr" | grep "^rcpt=")
    sed -n 's/^rcpt=.* outcome=\([a-z]*\) .*/\1/p' <<<"$line"
}
# expect NAME DOMAIN WANT [-R] - one delivery with the expected outcome
expect() {
    local got
    got=$(outcome "$1" "$2" "${4:-}")
    if [ "$got" = "$3" ]; then
        ok "$1: $2 $got${4:+ (REQUIRETLS)}"
    else
        not_ok "$1: $2 ${got:-nothing}, want $3" "$line" \
            "$(grep -F "$2" "$dir/$1/maillog" 2>/dev/null | tail -5)" "$(tail -3 "$dir/$1/stderr" 2>/dev/null)"
    fi
}
log() { cat "$dir/$1/maillog" 2>/dev/null; }

declare -A native=([enf]=sent [out]=deferred [bad]=deferred [tbad]=sent [tst]=sent [mal]=sent [dane]=sent)
for c in "${cases[@]}"; do
    expect sts "$c.$S" "${native[$c]}"
done
has "enforce: the policy found, logged" "MTA-STS policy of enf.$S: mode enforce, id 1 (fetched)" "$(log sts)"
has "enforce, matching MX: Verified" "Verified TLS connection established to mx-enf.$S[127.0.0.1]:$p_ours" "$(log sts)"
has "enforce, matching MX: the verdict" "MTA-STS enforce policy of enf.$S (id 1): mx-enf.$S[127.0.0.1]: success" "$(log sts)"
has "enforce, MX outside the patterns: deferred, never contacted" \
    "dsn=4.7.5, status=deferred (MX host mx-out.$S does not match the MTA-STS policy of out.$S)" \
    "$(grep "to=<user@out.$S>" "$dir/sts/maillog")"
lacks "... no TLS session with it" "established to mx-out" "$(log sts)"
has "enforce, certificate without the MX name: deferred" "dsn=4.7.5, status=deferred (Server certificate not verified)" \
    "$(grep "to=<user@bad.$S>" "$dir/sts/maillog")"
has "... certificate-host-mismatch" "MTA-STS enforce policy of bad.$S (id 1): mx-bad.$S[127.0.0.1]: certificate-host-mismatch" "$(log sts)"
has "testing, bad certificate: sent, the failure reported" \
    "MTA-STS testing policy of tbad.$S (id 1): mx-tbad.$S[127.0.0.1]: certificate-host-mismatch" "$(log sts)"
has "malformed policy: sts-policy-invalid, treated as none" "MTA-STS policy of mal.$S: none (sts-policy-invalid: unknown mode" "$(log sts)"
has "DANE and STS both present, level may: DANE used" \
    "DANE TLSA records of mx-dane.$S take precedence over the MTA-STS policy of dane.$S" "$(log sts)"
has "... Verified by DANE" "Verified TLS connection established to mx-dane.$S[127.0.0.1]:$p_ours" "$(log sts)"
has "... tls= says dane was wanted and held" "tls=dane, dsn=2.0.0" "$(grep "to=<user@dane.$S>" "$dir/sts/maillog")"
has "enforce, matching MX: tls= says secure" "tls=secure, dsn=2.0.0" "$(grep "to=<user@enf.$S>" "$dir/sts/maillog")"
lacks "... no TLSA records: no verdict of DANE for the others" "TLSA records of mx-enf" "$(log sts)"
expect sts "nocert.$S" sent
expect sts "nohttps.$S" sent
has "no policy host: sts-policy-fetch-error, treated as none" \
    "MTA-STS policy of nohttps.$S: none (sts-policy-fetch-error: " "$(log sts)"
has "HTTPS certificate without the policy host: sts-webpki-invalid, treated as none" \
    "MTA-STS policy of nocert.$S: none (sts-webpki-invalid: " "$(log sts)"
has "mtasts logs the policy host's certificate failure as such" \
    "MTA-STS policy of nocert.$S: certificate verification failed for mta-sts.nocert.$S (id 1): " \
    "$(instance_log)"

has "mtasts logs each fetch" "MTA-STS policy of enf.$S: fetched, id 1, mode enforce, max_age 86400" "$(instance_log)"

# TLSRPT: each session's result under the "sts" policy, as tlsrpt(8) aggregates it.
"$TEST_BIN/posttlsrpt" -c "$INSTANCE_CONF" >"$dir/tlsrpt.json" 2>"$dir/tlsrpt.err"
check "posttlsrpt shows the aggregate"
summary=$(python3 - "$dir/tlsrpt.json" <<'EOF2'
import json, sys
reports = json.load(open(sys.argv[1]))
for p in [p for r in (reports if isinstance(reports, list) else [reports]) for p in r["policies"]]:
    pol = p["policy"]
    fails = ",".join(sorted("%s:%d" % (f["result-type"], f["failed-session-count"])
                            for f in p.get("failure-details", [])))
    strings = pol.get("policy-string", []) + ["", ""]
    mode = (strings[1][6:] if pol["policy-type"] == "sts" else "") or "-"
    print(pol["policy-domain"], pol["policy-type"], "mode: " + mode,
          p["summary"]["total-successful-session-count"], fails or "-")
EOF2
)
has "TLSRPT: enforce, matching MX: success under the sts policy" "enf.$S sts mode: enforce 1 -" "$summary"
has "TLSRPT: MX outside the patterns: validation-failure" "out.$S sts mode: enforce 0 validation-failure:1" "$summary"
has "TLSRPT: certificate without the MX name: certificate-host-mismatch" \
    "bad.$S sts mode: enforce 0 certificate-host-mismatch:1" "$summary"
has "TLSRPT: testing mode, bad certificate: reported" "tbad.$S sts mode: testing 0 certificate-host-mismatch:1" \
    "$summary"
has "TLSRPT: DANE and STS both present: success under the tlsa policy" "dane.$S tlsa mode: - 1 -" \
    "$summary"
has "TLSRPT: malformed policy: sts-policy-invalid under the sts policy" \
    "mal.$S sts mode: - 0 sts-policy-invalid:1" "$summary"
lacks "... not as a session without a policy" "mal.$S no-policy-found" "$summary"
has "TLSRPT: HTTPS certificate without the policy host: sts-webpki-invalid" \
    "nocert.$S sts mode: - 0 sts-webpki-invalid:1" "$summary"
has "TLSRPT: no policy host: sts-policy-fetch-error" "nohttps.$S sts mode: - 0 sts-policy-fetch-error:1" \
    "$summary"
has "TLSRPT: testing mode, good certificate: success" "tst.$S sts mode: testing 1 -" "$summary"

# REQUIRETLS (RFC 8689): an enforced policy and DANE authenticate the hop, a testing one does not.
expect sts "enf.$S" sent -R
has "REQUIRETLS over the enforced hop: delivered under REQUIRETLS" "tls=secure/requiretls, dsn=2.0.0" \
    "$(grep "to=<user@enf.$S>" "$dir/sts/maillog" | tail -1)"
expect sts "dane.$S" sent -R
has "REQUIRETLS over DANE (level may, an MTA-STS policy): delivered under REQUIRETLS" "tls=dane/requiretls, dsn=2.0.0" \
    "$(grep "to=<user@dane.$S>" "$dir/sts/maillog" | tail -1)"
expect sts "tst.$S" bounced -R
has "REQUIRETLS at a testing hop: returned with 5.7.10, never sent" \
    "tls=may/requiretls!, dsn=5.7.10, status=bounced (REQUIRETLS failure: host mx-tst.$S[127.0.0.1]" \
    "$(grep "to=<user@tst.$S>" "$dir/sts/maillog" | tail -1)"

expect sts "enf.$S" sent
same "the same id: the cached policy, not fetched again" 1 "$(fetches enf)"
has "... logged as cached" "MTA-STS policy of enf.$S: mode enforce, id 1 (cached)" "$(log sts)"

expect dane "dane.$S" sent
has "DANE and MTA-STS: DANE wins" \
    "DANE TLSA records of mx-dane.$S take precedence over the MTA-STS policy of dane.$S" "$(log dane)"
has "... Verified by DANE" "Verified TLS connection established to mx-dane.$S[127.0.0.1]:$p_ours" "$(log dane)"
expect table "out.$S" sent
has "an smtp_tls_policy_maps entry wins over the policy" \
    "smtp_tls_policy_maps entry for out.$S takes precedence over its MTA-STS policy" "$(log table)"

# posttls-finger: the policy it finds, the verdict for the MX host it tried.
finger() { # DOMAIN [LEVEL]
    MAIL_CONFIG=$dir/sts/conf timeout 60 "$TEST_BIN/posttls-finger" -c -t5 -T10 -l "${2:-may}" "$1:$p_ours" 2>&1
}
out=$(finger "tbad.$S")
has "posttls-finger: the policy found" \
    "MTA-STS policy of tbad.$S: mode testing, id 1, max_age 86400, mx mx-tbad.$S" "$out"
has "posttls-finger: the verdict for the MX host" \
    "MTA-STS testing verdict for mx-tbad.$S[127.0.0.1]: certificate-host-mismatch" "$out"
has "posttls-finger, enforce, matching MX: success" \
    "MTA-STS enforce verdict for mx-enf.$S[127.0.0.1]: success" "$(finger "enf.$S")"
has "posttls-finger, MX outside the patterns: validation-failure" \
    "MTA-STS enforce verdict for mx-out.$S[127.0.0.1]: validation-failure" "$(finger "out.$S")"
has "posttls-finger, malformed policy: none" "MTA-STS policy of mal.$S: none (sts-policy-invalid" \
    "$(finger "mal.$S")"
out=$(finger "dane.$S")
has "posttls-finger, DANE and STS both present, level may: DANE takes precedence" \
    "DANE TLSA records of mx-dane.$S take precedence over the MTA-STS policy of dane.$S" "$out"
has "... Verified by DANE" "Verified TLS connection established to mx-dane.$S[127.0.0.1]:$p_ours" "$out"
lacks "... no MTA-STS verdict for the MX host" "MTA-STS enforce verdict for mx-dane" "$out"
has "posttls-finger -l none: DANE takes precedence there too, over TLS" \
    "Verified TLS connection established to mx-dane.$S[127.0.0.1]:$p_ours" "$(finger "dane.$S" none)"

# A new id: fetched again.
before=$(fetches enf)
id[enf]=2
policy enf enforce "mx-enf.$S" "mx2.$S"
mapfile -t zone < <(rrs)
dnssec_update "${zone[@]}"
require "the zone with a new id for enf"
txt_is() { drill -p "$DNSSEC_PORT" "_mta-sts.$1.$S" TXT @127.0.0.1 2>/dev/null | grep -q "id=$2"; }
wait_until 10 txt_is enf 2
check "the resolver sees the new id"
expect sts "enf.$S" sent
same "new id: fetched again" $((before + 1)) "$(fetches enf)"
has "... the new policy in force" "MTA-STS policy of enf.$S: mode enforce, id 2 (fetched)" "$(log sts)"

# mtasts restarted, the HTTPS server gone, new ids: the cached policies stay in force.
instance_stop
instance_main_cf "mta_sts_refresh_interval = 1s"
instance_start "$p_ours"
require "the instance starts again"
kill "$https_pid" 2>/dev/null && wait "$https_pid" 2>/dev/null
https_pid=
id[out]=2 id[bad]=2
mapfile -t zone < <(rrs)
dnssec_update "${zone[@]}"
require "the zone with new ids for out and bad"
new_ids() { txt_is out 2 && txt_is bad 2; }
wait_until 10 new_ids
check "the resolver sees the new ids"
expect sts "out.$S" deferred
expect sts "bad.$S" deferred
has "HTTPS unreachable, after a restart: the cached policy stays in force" \
    "MTA-STS policy of out.$S: fetch failed (id 2)" "$(instance_log)"
has "... the policy kept across the restart is used" "the cached policy (id 1) stays in force" \
    "$(grep "of bad.$S" "$INSTANCE_LOG")"
has "... and enforced" "dsn=4.7.5, status=deferred (MX host mx-out.$S does not match" \
    "$(grep "to=<user@out.$S>" "$dir/sts/maillog" | tail -1)"

# An external resolver on smtp_tls_policy_maps: the same verdicts.
serve
rm -f "$dir/resolver.port"
python3 "$top/tests/integration/lib/sts_resolver.py" --dns-port "$DNSSEC_PORT" \
    --cafile "$certs/ca.pem" --port-file "$dir/resolver.port" --log "$dir/resolver.log" \
    --tlsa-port "$p_ours" &
resolver_pid=$!
at_exit 'kill "$resolver_pid" 2>/dev/null'
wait_file "$dir/resolver.port" 10 || fail "the socketmap resolver starts"
maps="smtp_tls_policy_maps = socketmap:inet:127.0.0.1:$(cat "$dir/resolver.port"):mta-sts"
conf resolver "smtp_tls_security_level = may" "smtp_tls_CAfile = $certs/ca.pem" "$maps"
conf both "smtp_tls_security_level = may" "smtp_tls_CAfile = $certs/ca.pem" "$maps" \
    "smtp_tls_mta_sts_enable = yes"
for c in "${cases[@]}"; do
    expect resolver "$c.$S" "${native[$c]}"
done
has "the resolver was asked" "enf.$S -> OK secure match=mx-enf.$S:mx2.$S servername=hostname" \
    "$(cat "$dir/resolver.log")"
has "the resolver answers dane-only where TLSA records exist" "dane.$S -> OK dane-only" \
    "$(cat "$dir/resolver.log")"
has "resolver, enforce: Verified" "Verified TLS connection established to mx-enf.$S[127.0.0.1]:$p_ours" "$(log resolver)"
for c in enf out tbad; do
    expect both "$c.$S" "${native[$c]}"
done
has "both: the resolver's answer wins" \
    "smtp_tls_policy_maps entry for enf.$S takes precedence over its MTA-STS policy" "$(log both)"
has "both: where the resolver has no answer, the native policy applies" \
    "MTA-STS testing policy of tbad.$S (id 1): mx-tbad.$S[127.0.0.1]: certificate-host-mismatch" "$(log both)"

# The refresh walk (every second from the restart on) fetches a policy whose id changed by itself.
id[enf]=3
mapfile -t zone < <(rrs)
dnssec_update "${zone[@]}"
require "the zone with a new id for enf"
wait_until 15 grep -q "MTA-STS policy of enf.$S: fetched, id 3" "$INSTANCE_LOG"
check "the refresh walk fetched the policy with the new id, with no delivery asking for it"

same "no warnings from mtasts but those of the failed fetches" "" \
    "$(grep -E 'mtasts.*(warning|fatal|panic)' "$INSTANCE_LOG" | grep -v 'fetch failed (id 2)')"

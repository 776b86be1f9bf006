#!/bin/bash
# smtp_dane.sh - DANE (RFC 7672) in the SMTP client, against the private
# DNSSEC test bed (lib/dnssec.sh)
#
# The signed zone secure.test. gets one domain per case, each with its own
# MX host and TLSA records for the ports of two receiving servers: our
# smtpd and Debian's Postfix smtpd, both on 127.0.0.1 with the same
# certificate (signed by a CA made here, name mx-ta.secure.test; Debian's
# smtpd picks it by SNI, for every MX host name but mx-viacname, whose SNI
# gets another key: so a client must send the TLSA base domain). Our SMTP
# client delivers to every case domain at level dane (main.cf) and
# dane-only (smtp_tls_policy_maps), to both servers; Debian's Postfix SMTP
# client does the same to our smtpd (dane in main.cf, dane-only through a
# master.cf -o transport). Each outcome must be the expected one, which
# is Postfix's:
#
#   ee        3 1 1 on the server key            Verified, sent
#   ta        2 0 1 on the CA, name in the cert  Verified, sent
#   tabad     2 0 1 on the CA, name not in it    deferred
#   bad       3 1 1 with a wrong digest          deferred (num=65)
#   wild      wildcard TLSA (*._tcp.mx-wild)     sent
#   cname     the TLSA name is a CNAME           sent
#   viacname  the MX host is a CNAME to mx-ee    sent (TLSA of mx-ee)
#   unusable  only a 1 1 1 record (PKIX-EE)      dane: encrypt, sent;
#                                                dane-only: deferred
#   notlsa    no TLSA records                    dane: may, sent; dane-only: deferred
#   smins     secure MX, host in the unsigned zone  as notlsa
#   tfail     the TLSA lookup fails (a CNAME into expired.test)  deferred
#   insecure.secure.test  unsigned, with a (wrong) TLSA  as notlsa
#   half.insecure.secure.test  unsigned MX to mx-ee: dane uses mx-ee's TLSA
#             (smtp_tls_dane_insecure_mx_policy = dane): "Trusted", sent;
#             dane-only: deferred
#   expired.test  bogus (expired signatures)     deferred 4.4.3, never sent
#
# Then smtp_tls_dane_insecure_mx_policy (may, encrypt, dane) for half,
# match= names for DANE-TA, the levels as -o overrides, and posttls-finger
# (ours and Debian's) on every case.
#
# Last, the client validates by itself (smtp_dns_resolver = libunbound,
# the bed's trust anchors): the bed's validating resolver is stopped, and
# every case must give the same outcome, asking nsd directly and through
# a resolver that does not validate (DNSSEC_PLAIN); posttls-finger with
# libunbound gives the same trust word as with the system resolver.
#
# Programs that read /etc/resolv.conf reach the bed through a private mount
# namespace (dnssec_namespace, dnssec_use_resolver): the test runs as root.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dnssec.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

dnssec_available || skip "$DNSSEC_MISSING"
dnssec_namespace "$0" "$@" || skip "$DNSSEC_MISSING"
client=$TEST_HELPERS/deliver_client

dir=$(mktemp -d /tmp/smtp-dane.XXXXXX)
chmod 755 "$dir"
at_exit '[ -n "${KEEP:-}" ] || rm -rf "$dir"'
read -r p_ours p_pf p_nsd p_resolver p_plain <<<"$(free_port 5 | tr '\n' ' ')"
DNSSEC_PORTS="$p_nsd $p_resolver $p_plain"

# A CA and a server certificate for mx-ta.secure.test; the chain file holds the CA.
certs=$dir/certs
mkdir -p "$certs"
(
    cd "$certs" || exit 1
    printf 'basicConstraints = CA:FALSE\nsubjectAltName = DNS:mx-ta.secure.test\n' >leaf.ext
    openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=DANE Test CA" -days 2 \
        -addext "basicConstraints = critical, CA:TRUE" \
        -addext "keyUsage = critical, keyCertSign, cRLSign" -keyout ca.key -out ca.pem &&
        openssl req -newkey rsa:2048 -nodes -subj /CN=mx-ta.secure.test -keyout leaf.key \
            -out leaf.csr &&
        openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
            -extfile leaf.ext -out leaf.pem &&
        cat leaf.key leaf.pem ca.pem >chain.pem &&
        openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=default.invalid -days 2 \
            -keyout other.key -out other.pem &&
        cat other.key other.pem >other-chain.pem
) >/dev/null 2>&1 || fail "make certificates"
chmod -R a+rX "$certs"
ee=$(openssl x509 -in "$certs/leaf.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -r | cut -d' ' -f1)
ta=$(openssl x509 -in "$certs/ca.pem" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
wrong=$DNSSEC_TLSA_DIGEST

# The zone records: one domain per case, TLSA records for both ports.
rrs=(
    "tlsa-target IN TLSA 3 1 1 $ee"
    "*._tcp.mx-wild IN TLSA 3 1 1 $ee"
    "smins IN MX 10 mx.$DNSSEC_INSECURE."
    "viacname IN MX 10 mx-viacname"
    "mx-viacname IN CNAME mx-ee"
)
for case in ee ta tabad bad wild cname unusable notlsa; do
    rrs+=("$case IN MX 10 mx-$case" "mx-$case IN A 127.0.0.1")
done
insecure_rrs=
for p in "$p_ours" "$p_pf"; do
    rrs+=(
        "_$p._tcp.mx-ee IN TLSA 3 1 1 $ee"
        "_$p._tcp.mx-ta IN TLSA 2 0 1 $ta"
        "_$p._tcp.mx-tabad IN TLSA 2 0 1 $ta"
        "_$p._tcp.mx-bad IN TLSA 3 1 1 $wrong"
        "_$p._tcp.mx-cname IN CNAME tlsa-target"
        "_$p._tcp.mx-unusable IN TLSA 1 1 1 $ee"
    )
    insecure_rrs="${insecure_rrs}_$p._tcp.mx IN TLSA 3 1 1 $wrong
"
    rrs+=("_$p._tcp.mx-tfail IN CNAME mx.$DNSSEC_EXPIRED.")
done
insecure_rrs="${insecure_rrs}half IN MX 10 mx-ee.$DNSSEC_SECURE."
rrs+=("tfail IN MX 10 mx-tfail" "mx-tfail IN A 127.0.0.1")
DNSSEC_INSECURE_RRS=$insecure_rrs
DNSSEC_RESOLV=yes
DNSSEC_PLAIN=yes
dnssec_start "${rrs[@]}"
require "the DNSSEC test bed starts"
dnssec_use_resolver
require "the bed's resolver is this namespace's /etc/resolv.conf"

S=$DNSSEC_SECURE
cases=(ee ta tabad bad wild cname viacname unusable notlsa smins)
domains=()
for c in "${cases[@]}"; do
    domains+=("$c.$S")
done
domains+=("tfail.$S" "$DNSSEC_INSECURE" "half.$DNSSEC_INSECURE" "$DNSSEC_EXPIRED")

# want LEVEL DOMAIN - the expected outcome: sent or deferred
want() {
    case "$2" in
    ee.* | ta.* | wild.* | cname.* | viacname.*) echo sent ;;
    tabad.* | bad.* | tfail.* | "$DNSSEC_EXPIRED") echo deferred ;;
    *) if [ "$1" = dane ]; then echo sent; else echo deferred; fi ;;
    esac
}

# Our smtpd: relays for loopback clients, keeps what it accepts in the queue.
instance_create
instance_main_cf \
    "myhostname = mx-ta.secure.test" \
    "mynetworks = 127.0.0.0/8" \
    "smtpd_relay_restrictions = permit_mynetworks, reject" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_chain_files = $certs/chain.pem" \
    "smtpd_tls_loglevel = 1"
instance_master_cf \
    "127.0.0.1:$p_ours inet n - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup"
instance_start "$p_ours"
require "our smtpd starts"
tlsa_out=$(instance_postfix tls output-server-tlsa -h "mx-ee.$S" -p "$p_ours" 2>&1)
has "postfix tls output-server-tlsa: the 3 1 1 record of the key in smtpd_tls_chain_files" \
    "_$p_ours._tcp.mx-ee.$S. IN TLSA 3 1 1 $ee" "$tlsa_out"

# Debian's Postfix: a receiver on p_pf and a sender to our smtpd.
postfix_peer_available && have_pf=yes || have_pf=
if [ -n "$have_pf" ]; then
    postfix_peer_create recv \
        "myhostname = mx-ta.secure.test" \
        "smtpd_peername_lookup = no" \
        "mynetworks = 127.0.0.0/8" \
        "smtpd_relay_restrictions = permit_mynetworks, reject" \
        "default_transport = discard" \
        "smtpd_tls_security_level = may" \
        "smtpd_tls_chain_files = $certs/other-chain.pem" \
        "tls_server_sni_maps = hash:$certs/sni"
    for c in ee ta tabad bad wild cname unusable notlsa; do
        echo "mx-$c.$S $certs/chain.pem"
    done >"$certs/sni"
    /usr/sbin/postmap -c "$(postfix_peer_dir recv)/conf" -F "hash:$certs/sni" &&
        chmod a+r "$certs/sni.db"
    check "Debian's smtpd: an SNI table (postmap -F)"
    postfix_peer_master_cf recv "127.0.0.1:$p_pf inet n - n - - smtpd"
    postfix_peer_start recv "$p_pf"
    require "Debian's postfix (recv) starts"
else
    comment "Debian's Postfix is not usable here: $POSTFIX_PEER_MISSING"
fi

# Our client: one configuration per server port and level.
policy=$dir/dane-only.policy
for d in "${domains[@]}"; do
    echo "$d dane-only"
done >"$policy"
# ours_conf NAME PORT LEVEL-LINES... - a configuration directory for deliver_client
ours_conf() {
    local name=$1 port=$2
    shift 2
    mkdir -p "$dir/$name/conf" "$dir/$name/queue"
    : >"$dir/$name/conf/master.cf"
    {
        echo "compatibility_level = 3.8"
        echo "queue_directory = $dir/$name/queue"
        echo "maillog_file = $dir/$name/maillog"
        echo "maillog_file_prefixes = $dir"
        echo "myhostname = client.example.net"
        echo "smtp_dns_support_level = dnssec"
        echo "smtp_tcp_port = $port"
        echo "smtp_tls_loglevel = 1"
        echo "smtp_helo_timeout = 10s"
        echo "smtp_connect_timeout = 5s"
        printf '%s\n' "$@"
    } >"$dir/$name/conf/main.cf"
}
ours_conf ours-dane "$p_ours" "smtp_tls_security_level = dane"
ours_conf ours-only "$p_ours" "smtp_tls_security_level = may" "smtp_tls_policy_maps = texthash:$policy"
ours_conf pf-dane "$p_pf" "smtp_tls_security_level = dane"
ours_conf pf-only "$p_pf" "smtp_tls_security_level = may" "smtp_tls_policy_maps = texthash:$policy"

# deliver NAME DOMAIN - our client's outcome line for user@DOMAIN
deliver() {
    timeout 90 "$client" -q "$dir/$1/queue" -a "$TEST_LIBEXEC/smtp" -c "$dir/$1/conf" \
        -n "$2" -r "user@$2" 2>>"$dir/$1/stderr" | grep "^rcpt="
}

# check_ours NAME LEVEL SERVER - every case through one configuration
check_ours() {
    local name=$1 level=$2 server=$3 d line got
    for d in "${domains[@]}"; do
        line=$(deliver "$name" "$d")
        got=$(sed -n 's/^rcpt=.* outcome=\([a-z]*\) .*/\1/p' <<<"$line")
        if [ "$got" = "$(want "$level" "$d")" ]; then
            ok "ours, $level, $server smtpd: $d $got"
        else
            not_ok "ours, $level, $server smtpd: $d ${got:-nothing}, want $(want "$level" "$d")" \
                "$line" "$(grep -F "$d" "$dir/$name/maillog" 2>/dev/null | tail -5)" "$(tail -3 "$dir/$name/stderr" 2>/dev/null)"
        fi
        eval "out_${name//-/_}_${d//[.-]/_}=\$line"
    done
}

check_ours ours-dane dane our
check_ours ours-only dane-only our

# Log words, as Postfix's.
ours_log=$dir/ours-dane/maillog
has "3 1 1: Verified" "Verified TLS connection established to mx-ee.$S[127.0.0.1]:$p_ours" \
    "$(cat "$ours_log")"
has "2 0 1 with the name: Verified" \
    "Verified TLS connection established to mx-ta.$S[127.0.0.1]:$p_ours" "$(cat "$ours_log")"
has "wrong digest: num=65" \
    "server certificate verification failed for mx-bad.$S[127.0.0.1]:$p_ours: num=65:no matching DANE TLSA records" \
    "$(cat "$ours_log")"
has "2 0 1 without the name: hostname mismatch" \
    "server certificate verification failed for mx-tabad.$S[127.0.0.1]:$p_ours: num=62:hostname mismatch" \
    "$(cat "$ours_log")"
has "a mismatch defers with Server certificate not verified" \
    "to=<user@bad.$S>, relay=mx-bad.$S[127.0.0.1]:$p_ours, " "$(grep 'dsn=4.7.5, status=deferred (Server certificate not verified)' "$ours_log")"
has "an insecure MX with a secure, TLSA-authenticated host: Trusted, sent" \
    "Trusted TLS connection established to mx-ee.$S[127.0.0.1]:$p_ours" "$(cat "$ours_log")"
has "a failed TLSA lookup defers" "to=<user@tfail.$S>" \
    "$(grep "dsn=4.7.5, status=deferred (TLSA lookup error for mx-tfail.$S:$p_ours)" "$ours_log")"
has "the bogus domain defers with 4.4.3" "to=<user@$DNSSEC_EXPIRED>" \
    "$(grep 'dsn=4.4.3, status=deferred' "$ours_log")"
lacks "DNSSEC lookups on: no fallback warning" "needs DNSSEC support" "$(cat "$ours_log")"
has "dane-only without TLSA records defers" "to=<user@notlsa.$S>" \
    "$(grep 'dsn=4.7.5, status=deferred (no TLSA records found)' "$dir/ours-only/maillog")"
has "dane-only with an insecure host defers" "to=<user@smins.$S>" \
    "$(grep 'dsn=4.7.5, status=deferred (no TLSA records found)' "$dir/ours-only/maillog")"
has "dane-only with an insecure MX defers" "to=<user@$DNSSEC_INSECURE>" \
    "$(grep 'dsn=4.7.5, status=deferred (non DNSSEC destination)' "$dir/ours-only/maillog")"
has "a dane-only deferral is warned about" \
    "warning: TLS policy lookup for notlsa.$S/mx-notlsa.$S: no TLSA records found" \
    "$(cat "$dir/ours-only/maillog")"
has "an unusable record is warned about" \
    "warning: _${p_ours}._tcp.mx-unusable.$S unsupported TLSA certificate usage: 1 1 1 " \
    "$(cat "$dir/ours-only/maillog")"
has "dane-only with unusable records defers" "to=<user@unusable.$S>" \
    "$(grep 'dsn=4.7.5, status=deferred (TLSA records unusable)' "$dir/ours-only/maillog")"
grep -q "queued as" "$INSTANCE_LOG" 2>/dev/null || true
lacks "the bogus domain's mail never reaches the server" "expired.test" "$(cat "$INSTANCE_LOG")"

# A policy entry's match= names: more names that a DANE-TA certificate may carry.
echo "tabad.$S dane-only match=mx-ta.$S" >"$dir/match.policy"
ours_conf ours-match "$p_ours" "smtp_tls_security_level = may" \
    "smtp_tls_policy_maps = texthash:$dir/match.policy"
same "dane-only match=mx-ta.$S: 2 0 1 on a certificate for that name, sent" sent \
    "$(deliver ours-match "tabad.$S" | sed -n 's/^rcpt=.* outcome=\([a-z]*\) .*/\1/p')"
has "and Verified" "Verified TLS connection established to mx-tabad.$S[127.0.0.1]:$p_ours" \
    "$(cat "$dir/ours-match/maillog")"

# The level as a master.cf override (-o, as master(8) passes it to smtp).
ours_conf ours-may "$p_ours" "smtp_tls_security_level = may"
# deliver_o LEVEL DOMAIN - the outcome with -o smtp_tls_security_level=LEVEL
deliver_o() {
    timeout 90 "$client" -q "$dir/ours-may/queue" -a "$TEST_LIBEXEC/smtp" -c "$dir/ours-may/conf" \
        -o "smtp_tls_security_level=$1" -n "$2" -r "user@$2" 2>>"$dir/ours-may/stderr" |
        sed -n 's/^rcpt=.* outcome=\([a-z]*\) .*/\1/p'
}
same "-o smtp_tls_security_level=dane-only: 3 1 1 sent" sent "$(deliver_o dane-only "ee.$S")"
same "-o smtp_tls_security_level=dane-only: no TLSA deferred" deferred \
    "$(deliver_o dane-only "notlsa.$S")"
same "-o smtp_tls_security_level=dane: wrong digest deferred" deferred \
    "$(deliver_o dane "bad.$S")"
has "-o dane: Verified" "Verified TLS connection established to mx-ee.$S[127.0.0.1]:$p_ours" \
    "$(cat "$dir/ours-may/maillog")"

# smtp_tls_dane_insecure_mx_policy for an insecure MX whose host has TLSA records.
ours_conf ours-mx "$p_ours" "smtp_tls_security_level = dane"
mx_log=$dir/ours-mx/maillog
# deliver_mx POLICY - the outcome for half.insecure... at level dane with POLICY
deliver_mx() {
    timeout 90 "$client" -q "$dir/ours-mx/queue" -a "$TEST_LIBEXEC/smtp" -c "$dir/ours-mx/conf" \
        -o "smtp_tls_dane_insecure_mx_policy=$1" -n "half.$DNSSEC_INSECURE" \
        -r "$1@half.$DNSSEC_INSECURE" 2>>"$dir/ours-mx/stderr" |
        sed -n 's/^rcpt=.* outcome=\([a-z]*\) .*/\1/p'
}
same "insecure MX policy may: sent" sent "$(deliver_mx may)"
lacks "insecure MX policy may: no TLSA lookup, no DANE match" "Trusted TLS connection" \
    "$(cat "$mx_log")"
same "insecure MX policy encrypt: sent" sent "$(deliver_mx encrypt)"
has "insecure MX policy encrypt: TLS without authentication" \
    "Untrusted TLS connection established to mx-ee.$S[127.0.0.1]:$p_ours" "$(cat "$mx_log")"
lacks "insecure MX policy encrypt: no DANE match either" "Trusted TLS connection" \
    "$(cat "$mx_log")"
same "insecure MX policy dane: sent" sent "$(deliver_mx dane)"
has "insecure MX policy dane: the TLSA match is Trusted" \
    "Trusted TLS connection established to mx-ee.$S[127.0.0.1]:$p_ours" "$(cat "$mx_log")"

# Its default is Postfix 3.10's: dane, whatever smtp_tls_security_level says.
# (Postfix 3.6 to 3.10.0 exclusive, and so Debian 12's 3.7, had "dane with
# smtp_tls_security_level = dane, else may", which gave "may" to a dane
# entry of smtp_tls_policy_maps under main.cf may: Postfix fixed that in
# 3.10.0, 3.9.2, 3.8.8, 3.7.13 and 3.6.17.)
same "smtp_tls_dane_insecure_mx_policy: Postfix 3.10's default" \
    "smtp_tls_dane_insecure_mx_policy = dane" \
    "$("$TEST_BIN/postconf" -d smtp_tls_dane_insecure_mx_policy)"
# A dane policy entry under main.cf level may: the insecure MX's host's TLSA records count.
echo "half.$DNSSEC_INSECURE dane" >"$dir/half.policy"
ours_conf ours-mxdef "$p_ours" "smtp_tls_security_level = may" \
    "smtp_tls_policy_maps = texthash:$dir/half.policy"
same "policy entry dane, main.cf may, insecure MX: sent" sent \
    "$(deliver ours-mxdef "half.$DNSSEC_INSECURE" | sed -n 's/^rcpt=.* outcome=\([a-z]*\) .*/\1/p')"
has "and the TLSA records are used: Trusted" \
    "Trusted TLS connection established to mx-ee.$S[127.0.0.1]:$p_ours" \
    "$(cat "$dir/ours-mxdef/maillog")"
# The same as a master.cf override of the level.
same "-o smtp_tls_security_level=dane over main.cf may, insecure MX: sent" sent \
    "$(deliver_o dane "half.$DNSSEC_INSECURE")"
has "and Trusted" "Trusted TLS connection established to mx-ee.$S[127.0.0.1]:$p_ours" \
    "$(cat "$dir/ours-may/maillog")"

# disable_dns_lookups (deprecated): with smtp_dns_support_level empty, yes means disabled.
ours_conf ours-nodns "$p_ours" "smtp_tls_security_level = may" "smtp_dns_support_level =" \
    "disable_dns_lookups = yes"
line=$(deliver ours-nodns "ee.$S")
has "disable_dns_lookups = yes: no MX lookup, so ee.$S (no A record) is not found" \
    "outcome=bounced" "$line"
has "and the name was looked up as a host" "name=ee.$S type=A" "$line"
ours_conf ours-dns "$p_ours" "smtp_tls_security_level = may" "smtp_dns_support_level =" \
    "disable_dns_lookups = no"
has "disable_dns_lookups = no: the MX host gets the mail" "outcome=sent" \
    "$(deliver ours-dns "ee.$S")"
ours_conf ours-dns-wins "$p_ours" "smtp_tls_security_level = may" \
    "smtp_dns_support_level = enabled" "disable_dns_lookups = yes"
has "smtp_dns_support_level, when set, wins over disable_dns_lookups" "outcome=sent" \
    "$(deliver ours-dns-wins "ee.$S")"

# libunbound_checks - every case again, the client validating by itself
libunbound_checks() {
    local d sys ub via out
    out=$(bounded 30 "$TEST_HELPERS/dns_query" -u "$DNSSEC_ANCHORS" A "mx.$S" 2>&1)
    if grep -q "built without libunbound" <<<"$out"; then
        comment "no libunbound here: smtp_dns_resolver = libunbound is not tested ($out)"
        return
    fi
    # posttls-finger's trust word with the system resolver, for comparison.
    for d in "${domains[@]}"; do
        eval "ptf_sys_${d//[.-]/_}=\$(word \"\$(finger \"\$TEST_BIN/posttls-finger\" \"\$dir/ours-may/conf\" dane \"\$d\")\")"
    done
    dnssec_stop_resolver
    require "the bed's validating resolver stops"
    same "without the validating resolver, the system resolver path defers" deferred \
        "$(deliver ours-dane "ee.$S" | sed -n 's/^rcpt=.* outcome=\([a-z]*\) .*/\1/p')"
    for via in nsd plain; do
        mapfile -t ub_params < <(dnssec_libunbound_params "$via")
        ours_conf "ub-$via-dane" "$p_ours" "smtp_tls_security_level = dane" "${ub_params[@]}"
        ours_conf "ub-$via-only" "$p_ours" "smtp_tls_security_level = may" \
            "smtp_tls_policy_maps = texthash:$policy" "${ub_params[@]}"
        check_ours "ub-$via-dane" dane "our (libunbound via $via)"
        check_ours "ub-$via-only" dane-only "our (libunbound via $via)"
        has "libunbound via $via: the bogus domain defers with 4.4.3" "to=<user@$DNSSEC_EXPIRED>" \
            "$(grep 'dsn=4.4.3, status=deferred' "$dir/ub-$via-dane/maillog")"
        has "libunbound via $via: the bogus answer is warned about" \
            "warning: DNSSEC validation failed for name=$DNSSEC_EXPIRED type=MX: validation failure" \
            "$(cat "$dir/ub-$via-dane/maillog")"
        has "libunbound via $via: 3 1 1 Verified" \
            "Verified TLS connection established to mx-ee.$S[127.0.0.1]:$p_ours" \
            "$(cat "$dir/ub-$via-dane/maillog")"
        has "libunbound via $via: an insecure MX to a TLSA host is Trusted" \
            "Trusted TLS connection established to mx-ee.$S[127.0.0.1]:$p_ours" \
            "$(cat "$dir/ub-$via-dane/maillog")"
        has "libunbound via $via: a failed TLSA lookup defers" "to=<user@tfail.$S>" \
            "$(grep "dsn=4.7.5, status=deferred (TLSA lookup error for mx-tfail.$S:$p_ours)" \
                "$dir/ub-$via-dane/maillog")"
    done
    lacks "libunbound: the bogus domain's mail never reaches the server" "$DNSSEC_EXPIRED" \
        "$(cat "$INSTANCE_LOG")"
    if [ -n "$have_pf" ]; then
        mapfile -t ub_params < <(dnssec_libunbound_params nsd)
        ours_conf ub-pf-dane "$p_pf" "smtp_tls_security_level = dane" "${ub_params[@]}"
        check_ours ub-pf-dane dane "Postfix (libunbound via nsd)"
    fi
    for d in "${domains[@]}"; do
        eval "sys=\$ptf_sys_${d//[.-]/_}"
        ub=$(word "$(finger "$TEST_BIN/posttls-finger" "$dir/ub-nsd-dane/conf" dane "$d")")
        same "posttls-finger -l dane $d: libunbound gives the system resolver's word" "$sys" "$ub"
    done
}

# finger PROGRAM CONF LEVEL DOMAIN - posttls-finger's output
finger() {
    MAIL_CONFIG=$2 timeout 60 "$1" -c -t5 -T10 -l "$3" "$4:$p_ours" 2>&1
}
# word TEXT - the trust word of the summary line, or "none"
word() {
    local w
    w=$(grep -o '[A-Za-z]* TLS connection established' <<<"$1" | head -1 | cut -d' ' -f1)
    echo "${w:-none}"
}

if [ -z "$have_pf" ]; then
    libunbound_checks
    exit 0
fi

# Our client against Debian's smtpd, which picks its certificate by SNI.
# sni_key NAME - the public key digest of the certificate sent for SNI NAME
sni_key() {
    timeout 20 openssl s_client -starttls smtp -connect "127.0.0.1:$p_pf" -servername "$1" \
        </dev/null 2>/dev/null | openssl x509 -noout -pubkey 2>/dev/null |
        openssl pkey -pubin -outform DER 2>/dev/null | openssl dgst -sha256 -r | cut -d' ' -f1
}
same "Debian's smtpd: SNI mx-ee.$S gets the key of the TLSA records" "$ee" "$(sni_key "mx-ee.$S")"
[ "$(sni_key "mx-viacname.$S")" != "$ee" ]
check "Debian's smtpd: SNI mx-viacname.$S (the MX host) gets another key"
check_ours pf-dane dane Postfix
check_ours pf-only dane-only Postfix
has "Postfix's smtpd: 3 1 1 Verified" "Verified TLS connection established to mx-ee.$S[127.0.0.1]:$p_pf" \
    "$(cat "$dir/pf-dane/maillog")"
has "SNI is the TLSA base domain: the MX host mx-viacname gets mx-ee's key, Verified" \
    "Verified TLS connection established to mx-viacname.$S[127.0.0.1]:$p_pf" \
    "$(cat "$dir/pf-dane/maillog")"

# Debian's client against our smtpd: dane in main.cf, dane-only through master.cf -o.
postfix_peer_create send \
    "myhostname = client.example.net" \
    "smtpd_peername_lookup = no" \
    "smtp_dns_support_level = dnssec" \
    "smtp_tls_security_level = dane" \
    "smtp_tcp_port = $p_ours" \
    "smtp_tls_loglevel = 1" \
    "smtp_connect_timeout = 5s" \
    "smtp_helo_timeout = 10s" \
    "smtp_connection_cache_on_demand = no"
transport=$(postfix_peer_dir send)/conf/transport
for d in "${domains[@]}"; do
    echo "only@$d daneonly:"
done >"$transport"
postfix_peer_main_cf send "transport_maps = texthash:$transport"
postfix_peer_master_cf send "daneonly unix - - n - - smtp -o smtp_tls_security_level=dane-only"
postfix_peer_start send
require "Debian's postfix (send) starts"
send_log=$(postfix_peer_dir send)/maillog
for d in "${domains[@]}"; do
    printf 'Subject: %s\n\ndane\n' "$d" |
        postfix_peer_sendmail send -f sender@client.example.net "dane@$d" "only@$d"
done
postfix_peer_postqueue send -f

# postfix_outcome ADDRESS - sent or deferred, from Debian's log
postfix_outcome() {
    local line
    for _ in $(seq 300); do
        line=$(grep -E "to=<$1>.*status=(sent|deferred)" "$send_log" | head -1)
        if [ -n "$line" ]; then
            sed -E 's/.*status=(sent|deferred).*/\1/' <<<"$line"
            return
        fi
        sleep 0.1
    done
    echo "unknown"
}
for d in "${domains[@]}"; do
    for level in dane dane-only; do
        user=dane
        [ "$level" = dane-only ] && user=only
        got=$(postfix_outcome "$user@$d")
        if [ "$got" = "$(want "$level" "$d")" ]; then
            ok "Postfix, $level, our smtpd: $d $got"
        else
            not_ok "Postfix, $level, our smtpd: $d $got, want $(want "$level" "$d")" \
                "$(grep -F "$d" "$send_log" | tail -4)"
        fi
    done
done
# both TEXT - our client and Postfix's log the same line (our smtpd, port p_ours)
both() {
    cat "$ours_log" "$dir/ours-only/maillog" | grep -qF "$1" && grep -qF "$1" "$send_log"
    check "both clients log \"$1\""
}
both "Verified TLS connection established to mx-ee.$S[127.0.0.1]:$p_ours"
both "Verified TLS connection established to mx-ta.$S[127.0.0.1]:$p_ours"
both "server certificate verification failed for mx-bad.$S[127.0.0.1]:$p_ours: num=65:no matching DANE TLSA records"
both "server certificate verification failed for mx-tabad.$S[127.0.0.1]:$p_ours: num=62:hostname mismatch"
both "Untrusted TLS connection established to mx-bad.$S[127.0.0.1]:$p_ours"
both "warning: TLS policy lookup for smins.$S/mx.$DNSSEC_INSECURE: no TLSA records found"
both "warning: TLS policy lookup for $DNSSEC_INSECURE/mx.$DNSSEC_INSECURE: non DNSSEC destination"
both "warning: TLS policy lookup for unusable.$S/mx-unusable.$S: TLSA records unusable"
both "warning: _${p_ours}._tcp.mx-unusable.$S unsupported TLSA certificate usage: 1 1 1 "
both "status=deferred (TLSA records unusable)"
both "Trusted TLS connection established to mx-ee.$S[127.0.0.1]:$p_ours"
both "warning: TLS policy lookup for tfail.$S/mx-tfail.$S: TLSA lookup error for mx-tfail.$S:$p_ours"

# posttls-finger, ours and Debian's, against our smtpd: the same trust word.
pf_conf=$(postfix_peer_dir send)/conf
for d in "${domains[@]}"; do
    for level in dane dane-only; do
        ours=$(finger "$TEST_BIN/posttls-finger" "$dir/ours-may/conf" "$level" "$d")
        theirs=$(finger /usr/sbin/posttls-finger "$pf_conf" "$level" "$d")
        if [ "$d" = "tabad.$S" ]; then
            # A DANE-TA chain without the name: see postfix_peer_name_mismatch_word.
            if [ "$(word "$ours")" = Trusted ] && [ "$(word "$theirs")" = "$(postfix_peer_name_mismatch_word)" ]; then
                ok "posttls-finger -l $level $d: ours \"Trusted\", Postfix $(postfix_peer_version) \"$(word "$theirs")\""
            else
                not_ok "posttls-finger -l $level $d: ours \"$(word "$ours")\" (want Trusted), Postfix $(postfix_peer_version) \"$(word "$theirs")\" (want $(postfix_peer_name_mismatch_word))" \
                    "$(tail -4 <<<"$ours")" "$(tail -4 <<<"$theirs")"
            fi
        elif [ "$(word "$ours")" = "$(word "$theirs")" ]; then
            ok "posttls-finger -l $level $d: both \"$(word "$ours")\""
        else
            not_ok "posttls-finger -l $level $d: ours \"$(word "$ours")\", Debian's \"$(word "$theirs")\"" \
                "$(tail -4 <<<"$ours")" "$(tail -4 <<<"$theirs")"
        fi
        case "$level $d" in
        "dane ee.$S" | "dane-only ta.$S" | "dane-only notlsa.$S" | "dane-only unusable.$S")
            for line in "Matched DANE EE certificate at depth 0: 3 1 1 " \
                "Matched DANE TA certificate at depth 1: 2 0 1 " "matched peername: mx-ta.$S" \
                'no TLSA records found, resorting to "secure"' \
                'no usable TLSA records found, resorting to "secure"'; do
                grep -qF "$line" <<<"$theirs" || continue
                has "posttls-finger -l $level $d: ours logs \"$line\" too" "$line" "$ours"
            done
            ;;
        esac
    done
done

# DANE with RFC 7250 raw public keys: with only "3 1 1" records the client
# asks for the server's bare key, our server sends it, the record matches.
if grep -q '^TLS_FEATURES = .*raw-public-keys' "$top/Makefile"; then
    ours=$(finger "$TEST_BIN/posttls-finger" "$dir/ours-may/conf" dane "ee.$S")
    has "posttls-finger -l dane ee: our server sent its raw public key" \
        "raw public key fingerprint=" "$ours"
    has "posttls-finger -l dane ee: the 3 1 1 record matched it" \
        "Matched DANE raw public key: 3 1 1 " "$ours"
    same "posttls-finger -l dane ee: Verified" Verified "$(word "$ours")"
fi

# posttls-finger -M: the insecure MX policy, ours as Debian's, on half.insecure.secure.test.
for m in may encrypt dane; do
    case $m in
    may) line="MX RRset is insecure: try to encrypt" ;;
    encrypt) line="TLSA RRs found, MX RRset insecure: just encrypt" ;;
    dane) line="MX RRset insecure: log verified as trusted" ;;
    esac
    ours=$(MAIL_CONFIG=$dir/ours-may/conf timeout 60 "$TEST_BIN/posttls-finger" -c -t5 -T10 \
        -l dane -M "$m" "half.$DNSSEC_INSECURE:$p_ours" 2>&1)
    theirs=$(MAIL_CONFIG=$pf_conf timeout 60 /usr/sbin/posttls-finger -c -t5 -T10 \
        -l dane -M "$m" "half.$DNSSEC_INSECURE:$p_ours" 2>&1)
    same "posttls-finger -M $m: ours and Debian's give one trust word" "$(word "$theirs")" \
        "$(word "$ours")"
    has "posttls-finger -M $m: Debian's says \"$line\"" "$line" "$theirs"
    has "posttls-finger -M $m: ours says it too" "$line" "$ours"
done
same "posttls-finger -M dane: Trusted" Trusted "$(word "$ours")"
out=$("$TEST_BIN/posttls-finger" -M verify "half.$DNSSEC_INSECURE:$p_ours" 2>&1)
has "posttls-finger -M verify: refused" "bad -M value \"verify\"" "$out"

[ -z "${KEEP:-}" ] || cp "$send_log" "$dir/postfix-send.maillog"

libunbound_checks

#!/bin/bash
# tlsrpt.sh - TLSRPT (RFC 8460): the smtp client's session results,
# collected by tlsrpt(8)
#
# The DNSSEC test bed (lib/dnssec.sh) serves two domains whose MX hosts
# are Debian's Postfix smtpd on 127.0.0.1 (STARTTLS with a certificate
# made here): ok.secure.test, whose TLSA record (3 1 1) names the
# server's key, and bad.secure.test, whose TLSA record names another
# key. Our instance relays at level dane with smtp_tlsrpt_enable = yes,
# and a tlsrpt service. Each session must end in one record in the spool
# file of the current period: success under the "tlsa" policy with the
# TLSA record as policy string for ok.secure.test, a validation-failure
# for bad.secure.test, each with the MX host and its address.
#
# Programs that read /etc/resolv.conf reach the bed through a private
# mount namespace (dnssec_namespace, dnssec_use_resolver): the test runs
# as root.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dnssec.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

dnssec_available || skip "$DNSSEC_MISSING"
postfix_peer_available || skip "$POSTFIX_PEER_MISSING"
dnssec_namespace "$0" "$@" || skip "$DNSSEC_MISSING"

certs=$(mktemp -d /tmp/tlsrpt.XXXXXX)
at_exit 'rm -rf "$certs"'
certs_make "$certs" || fail "make certificates"
ee=$(openssl x509 -in "$certs/rsa-chain.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -r | cut -d' ' -f1)
[ ${#ee} -eq 64 ]
require "the server key's SHA2-256 digest"
ee_upper=$(tr a-f A-F <<<"$ee")
read -r pin psrv pnsd pres <<<"$(free_port 4 | tr '\n' ' ')"
DNSSEC_PORTS="$pnsd $pres"
S=$DNSSEC_SECURE

rrs=(
    "ok IN MX 10 mx-ok" "mx-ok IN A 127.0.0.1" "_$psrv._tcp.mx-ok IN TLSA 3 1 1 $ee"
    "bad IN MX 10 mx-bad" "mx-bad IN A 127.0.0.1"
    "_$psrv._tcp.mx-bad IN TLSA 3 1 1 $DNSSEC_TLSA_DIGEST"
)
DNSSEC_RESOLV=yes
dnssec_start "${rrs[@]}"
require "the DNSSEC test bed starts"
dnssec_use_resolver
require "the bed's resolver is this namespace's /etc/resolv.conf"

postfix_peer_create recv \
    "myhostname = mx-ok.$S" \
    "smtpd_peername_lookup = no" \
    "mynetworks = 127.0.0.0/8" \
    "smtpd_relay_restrictions = permit_mynetworks, reject" \
    "default_transport = discard" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem"
postfix_peer_master_cf recv "127.0.0.1:$psrv inet n - n - - smtpd"
postfix_peer_start recv "$psrv"
require "Debian's postfix (the MX host) starts"

instance_create
instance_master_cf_relay "$pin" "tlsrpt unix - - n - 1 tlsrpt"
instance_main_cf \
    "myhostname = client.example.net" "mydestination =" "mynetworks = 127.0.0.0/8" \
    "alias_maps =" \
    "smtp_dns_support_level = dnssec" \
    "smtp_tls_security_level = dane" \
    "smtp_tcp_port = $psrv" \
    "smtp_tlsrpt_enable = yes"
instance_start "$pin"
require "the instance starts"

# send ADDRESS - one message through the instance's smtpd
send() {
    bounded 60 python3 - "$pin" "$1" <<'EOF'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
s.sendmail("sender@example.net", [sys.argv[2]], "Subject: %s\r\n\r\nbody\r\n" % sys.argv[2])
s.quit()
EOF
}

# outcome ADDRESS - the status line of its delivery, once there is one
outcome() {
    instance_wait_log "to=<$1>.*status=(sent|deferred)" 60 >/dev/null
    grep -E "to=<$1>.*status=(sent|deferred)" "$INSTANCE_LOG" | head -1
}

# records - every line of the spool files, decoded enough to read
records() {
    cat "$INSTANCE_DATA"/tlsrpt/*Z 2>/dev/null
}

send "one@ok.$S"
check "the message to ok.$S is accepted"
has "and sent under DANE" "status=sent" "$(outcome "one@ok.$S")"
send "two@bad.$S"
check "the message to bad.$S is accepted"
has "and deferred: no TLSA record matches" "status=deferred" "$(outcome "two@bad.$S")"

wait_until 10 eval '[ "$(records | wc -l)" -ge 2 ]'
same "two sessions, two records" 2 "$(records | wc -l)"
ok_line=$(records | awk -F'\t' -v d="ok.$S" '$2 == d')
bad_line=$(records | awk -F'\t' -v d="bad.$S" '$2 == d')
same "ok.$S: success under the tlsa policy, MX host and address" \
    "tlsa	3+201+201+20$ee_upper		success	127.0.0.1	mx-ok.$S		127.0.0.1" \
    "$(cut -f3-10 <<<"$ok_line")"
same "bad.$S: validation-failure under its tlsa policy" \
    "tlsa	validation-failure	mx-bad.$S	127.0.0.1	Server+20certificate+20not+20verified" \
    "$(cut -f3,6,8,10,11 <<<"$bad_line")"

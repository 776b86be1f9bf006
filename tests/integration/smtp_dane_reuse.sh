#!/bin/bash
# smtp_dane_reuse.sh - a kept SMTP connection and a changed TLSA RRset
#
# An instance relays mail for chg.secure.test (the DNSSEC test bed,
# lib/dnssec.sh) at level dane to a scripted STARTTLS server whose key
# the TLSA record names (3 1 1, TTL 1s): Debian's Postfix smtpd (a
# server that takes connections side by side, as real ones do), with
# connection caching on for that destination. The second message travels over the first message's
# connection (conn_use=2): the DANE part of the reuse key lets a
# connection serve while the RRset stays. Then the TLSA record changes to
# a digest that matches no key (the zone is re-signed and nsd reloaded):
# the third message must not use the connection verified under the old
# record. It gets a new connection, whose verification fails, and is
# deferred ("Server certificate not verified", num=65).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dnssec.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

dnssec_available || skip "$DNSSEC_MISSING"
postfix_peer_available || skip "$POSTFIX_PEER_MISSING"
dnssec_namespace "$0" "$@" || skip "$DNSSEC_MISSING"

certs=$(mktemp -d /tmp/smtp-dane-reuse.XXXXXX)
at_exit 'rm -rf "$certs"'
certs_make "$certs" || fail "make certificates"
ee=$(dnssec_tlsa_digest "$certs/rsa-chain.pem")
require "the server key's SHA2-256 digest"
read -r pin psrv pnsd pres <<<"$(free_port 4 | tr '\n' ' ')"
DNSSEC_PORTS="$pnsd $pres"
S=$DNSSEC_SECURE
tlsa_name=_$psrv._tcp.mx-chg.$S

# zone_rrs DIGEST - the records of chg.secure.test. with this TLSA digest
zone_rrs() {
    printf '%s\n' "chg IN MX 10 mx-chg" "mx-chg IN A 127.0.0.1" \
        "_$psrv._tcp.mx-chg 1 IN TLSA 3 1 1 $1"
}
mapfile -t rrs < <(zone_rrs "$ee")
dnssec_start_resolved "${rrs[@]}"

postfix_peer_create recv \
    "myhostname = mx-chg.$S" \
    "smtpd_peername_lookup = no" \
    "mynetworks = 127.0.0.0/8" \
    "smtpd_relay_restrictions = permit_mynetworks, reject" \
    "default_transport = discard" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem" \
    "smtpd_tls_loglevel = 1"
postfix_peer_master_cf recv "127.0.0.1:$psrv inet n - n - - smtpd"
postfix_peer_start recv "$psrv"
require "Debian's postfix (the server) starts"
srv_log=$(postfix_peer_dir recv)/maillog

instance_create
instance_master_cf_relay "$pin"
instance_main_cf \
    "myhostname = client.example.net" "mydestination =" "mynetworks = 127.0.0.0/8" \
    "alias_maps =" \
    "smtp_dns_support_level = dnssec" \
    "smtp_tls_security_level = dane" \
    "smtp_tcp_port = $psrv" \
    "smtp_tls_loglevel = 1" \
    "smtp_connection_cache_destinations = chg.$S" \
    "smtp_connection_cache_time_limit = 60s"
instance_start "$pin"
require "the instance starts"

# send USER - one message to USER@chg.secure.test through the instance's smtpd
send() {
    instance_smtp_send "$pin" "$1@chg.$S"
}

# outcome USER - the status line of USER's message, once there is one
outcome() {
    instance_outcome "$1@chg.$S"
}

# connections - how many TLS connections the server has seen (the start-up probe had none)
connections() {
    grep -c 'TLS connection established from' "$srv_log" 2>/dev/null
}

send one
check "message one is accepted"
line=$(outcome one)
has "message one is sent" "status=sent" "$line"
has "under DANE: Verified" "Verified TLS connection established to mx-chg.$S[127.0.0.1]:$psrv" \
    "$(instance_log)"

send two
check "message two is accepted"
line=$(outcome two)
has "message two is sent" "status=sent" "$line"
has "over the same connection, while the TLSA RRset stays" "conn_use=2" "$line"
same "the server saw one connection" 1 "$(connections)"

mapfile -t rrs < <(zone_rrs "$DNSSEC_TLSA_DIGEST")
dnssec_update "${rrs[@]}"
require "the TLSA record changes in the zone"
# tlsa_is DIGEST - does the bed's resolver give this TLSA digest now?
tlsa_is() {
    bounded 10 "$TEST_HELPERS/dns_query" -s "127.0.0.1:$DNSSEC_PORT" TLSA "$tlsa_name" 2>/dev/null |
        grep -q "TLSA 3 1 1 $1"
}
wait_until 30 tlsa_is "$DNSSEC_TLSA_DIGEST"
require "the resolver gives the new TLSA record"

send three
check "message three is accepted"
line=$(outcome three)
has "message three is deferred" "status=deferred" "$line"
lacks "not over the connection verified under the old TLSA record" "conn_use=" "$line"
has "because a new connection matches no TLSA record" "Server certificate not verified" "$line"
has "num=65, as Postfix says" \
    "server certificate verification failed for mx-chg.$S[127.0.0.1]:$psrv: num=65:no matching DANE TLSA records" \
    "$(instance_log)"
same "the server saw a second connection" 2 "$(connections)"
lacks "and the server received no third message" "to=<three@chg.$S>" "$(cat "$srv_log")"

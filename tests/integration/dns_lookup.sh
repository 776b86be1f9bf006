#!/bin/bash
# dns_lookup.sh - the DNS module (dns_lookup, dns_answer) against the
# private DNSSEC test bed
#
# The dns_query helper asks the bed's validating unbound through the
# module, at the bed's port (dns_resolver_create's server list): records
# of the signed zone are secure (the AD bit, kept by RES_TRUSTAD), those of
# the unsigned sub-zone insecure, a broken signature is a temporary
# failure, a name that does not exist is not found (securely), and a
# server that does not answer is a temporary failure within the
# resolver's timeouts.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
. "$top/tests/integration/lib/dnssec.sh"

dnssec_available || skip "$DNSSEC_MISSING"
dnssec_start "alias2 IN CNAME mx.$DNSSEC_INSECURE."
require "the DNSSEC test bed starts"
S=$DNSSEC_SECURE I=$DNSSEC_INSECURE B=$DNSSEC_BOGUS

# q TYPE NAME - the helper's output in $out
q() {
    out=$(bounded 30 "$TEST_HELPERS/dns_query" -s "127.0.0.1:$DNSSEC_PORT" "$1" "$2" 2>&1)
}

q A "mx.$S"
has "a signed A record is secure" "status=ok secure=yes" "$out"
has "with its address" "mx.$S A 127.0.0.1" "$out"
q AAAA "mx.$S"
has "a signed AAAA record is secure" "status=ok secure=yes" "$out"
has "with its address" "mx.$S AAAA ::1" "$out"
q MX "$S"
has "a signed MX record is secure" "status=ok secure=yes" "$out"
has "with preference and exchange" "$S MX 10 mx.$S" "$out"
q TLSA "_25._tcp.mx.$S"
has "a signed TLSA record is secure" "status=ok secure=yes" "$out"
has "with usage, selector, type and data" "_25._tcp.mx.$S TLSA 3 1 1 $DNSSEC_TLSA_DIGEST" "$out"
q TXT "_mta-sts.$S"
has "a signed TXT record is secure" "status=ok secure=yes" "$out"
has "with its text" "_mta-sts.$S TXT v=STSv1; id=1" "$out"
q A "alias.$S"
has "a signed CNAME to a signed name is secure" "status=ok secure=yes" "$out"
has "the CNAME is reported" "alias.$S CNAME mx.$S" "$out"
has "with the target's address" "mx.$S A 127.0.0.1" "$out"
q A "nothere.$S"
has "a missing name is not found, securely" "status=notfound secure=yes rcode=3" "$out"
has "in Postfix's words" "Name service error for name=nothere.$S type=A: Host not found" "$out"
q TLSA "_25._tcp.nothere.$S"
has "a missing TLSA record is not found, securely" "status=notfound secure=yes" "$out"
q A "$S"
has "a name without the type is no data, securely" "status=nodata secure=yes rcode=0" "$out"

q A "mx.$I"
has "the unsigned sub-zone's record is found" "status=ok" "$out"
has "and insecure" "secure=no" "$out"
q TLSA "_25._tcp.mx.$I"
has "its TLSA record is insecure" "status=ok secure=no" "$out"
q A "alias2.$S"
has "a signed CNAME into the unsigned zone is found" "mx.$I A 127.0.0.1" "$out"
has "and insecure" "status=ok secure=no" "$out"

q A "mx.$B"
has "a broken signature is a temporary failure" "status=retry secure=no" "$out"
lacks "and its forged address is not returned" "127.0.0.2" "$out"
has "in Postfix's words" "name=mx.$B type=A: Host not found, try again" "$out"
q AAAA "mx.$B"
has "a good signature in that zone is secure" "status=ok secure=yes" "$out"

q MX "$DNSSEC_EXPIRED"
has "expired signatures are a temporary failure" "status=retry secure=no" "$out"
lacks "and give no record" " MX " "$out"

q TXT "www.example.com"
lacks "a name outside the bed is not resolved" "status=ok" "$out"

out=$(bounded 30 "$TEST_HELPERS/dns_query" -s "127.0.0.1:$DNSSEC_PORT,127.0.0.1:x" A "mx.$S" 2>&1)
has "a bad port in the server list is refused" "bad port in DNS server \"127.0.0.1:x\"" "$out"

dnssec_stop
start=$SECONDS
q A "mx.$S"
has "a resolver that does not answer is a temporary failure" "status=retry secure=no rcode=-1" "$out"
[ $((SECONDS - start)) -lt 30 ]
check "within the resolver's timeouts"

#!/bin/bash
# dns_lookup.sh - the DNS module (dns_lookup, dns_answer) against the
# private DNSSEC test bed, through each back end
#
# The dns_query helper asks through the module, three ways:
#   system  the bed's validating unbound, at the bed's port
#           (dns_resolver_create's server list): the AD bit, kept by
#           RES_TRUSTAD, says what is secure
#   nsd     libunbound (smtp_dns_resolver = libunbound) with the bed's
#           trust anchors, asking the authoritative nsd directly: the
#           process validates by itself
#   plain   the same through a resolver that does not validate
#           (DNSSEC_PLAIN), which hands on bogus data as it gets it
# Each way must give the same verdicts: records of the signed zone are
# secure, those of the unsigned sub-zone insecure, a broken signature is
# a temporary failure, a name that does not exist is not found
# (securely), and a server that does not answer is a temporary failure
# within the resolver's timeouts.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
. "$top/tests/integration/lib/dnssec.sh"

dnssec_available || skip "$DNSSEC_MISSING"
DNSSEC_PLAIN=yes
dnssec_start "alias2 IN CNAME mx.$DNSSEC_INSECURE."
require "the DNSSEC test bed starts"
S=$DNSSEC_SECURE I=$DNSSEC_INSECURE B=$DNSSEC_BOGUS

# q TYPE NAME - the helper's output in $out, through the back end $via
q() {
    case "$via" in
    system) out=$(bounded 30 "$TEST_HELPERS/dns_query" -s "127.0.0.1:$DNSSEC_PORT" "$1" "$2" 2>&1) ;;
    nsd | plain)
        out=$(bounded 60 "$TEST_HELPERS/dns_query" -u "$DNSSEC_ANCHORS" -f \
            "$(dnssec_libunbound_params "$via" | sed -n 's/^smtp_dns_forwarders = //p')" \
            "$1" "$2" 2>&1)
        ;;
    esac
}

# verdicts - every check through the back end $via
verdicts() {
    q A "mx.$S"
    has "[$via] a signed A record is secure" "status=ok secure=yes" "$out"
    has "[$via] with its address" "mx.$S A 127.0.0.1" "$out"
    q AAAA "mx.$S"
    has "[$via] a signed AAAA record is secure" "status=ok secure=yes" "$out"
    has "[$via] with its address" "mx.$S AAAA ::1" "$out"
    q MX "$S"
    has "[$via] a signed MX record is secure" "status=ok secure=yes" "$out"
    has "[$via] with preference and exchange" "$S MX 10 mx.$S" "$out"
    q TLSA "_25._tcp.mx.$S"
    has "[$via] a signed TLSA record is secure" "status=ok secure=yes" "$out"
    has "[$via] with usage, selector, type and data" "_25._tcp.mx.$S TLSA 3 1 1 $DNSSEC_TLSA_DIGEST" "$out"
    q TXT "_mta-sts.$S"
    has "[$via] a signed TXT record is secure" "status=ok secure=yes" "$out"
    has "[$via] with its text" "_mta-sts.$S TXT v=STSv1; id=1" "$out"
    q A "alias.$S"
    has "[$via] a signed CNAME to a signed name is secure" "status=ok secure=yes" "$out"
    has "[$via] the CNAME is reported" "alias.$S CNAME mx.$S" "$out"
    has "[$via] with the target's address" "mx.$S A 127.0.0.1" "$out"
    q A "nothere.$S"
    has "[$via] a missing name is not found, securely" "status=notfound secure=yes rcode=3" "$out"
    has "[$via] in Postfix's words" "Name service error for name=nothere.$S type=A: Host not found" "$out"
    q TLSA "_25._tcp.nothere.$S"
    has "[$via] a missing TLSA record is not found, securely" "status=notfound secure=yes" "$out"
    q A "$S"
    has "[$via] a name without the type is no data, securely" "status=nodata secure=yes rcode=0" "$out"

    q A "mx.$I"
    has "[$via] the unsigned sub-zone's record is found" "status=ok" "$out"
    has "[$via] and insecure" "secure=no" "$out"
    q TLSA "_25._tcp.mx.$I"
    has "[$via] its TLSA record is insecure" "status=ok secure=no" "$out"
    q A "alias2.$S"
    has "[$via] a signed CNAME into the unsigned zone is found" "mx.$I A 127.0.0.1" "$out"
    has "[$via] and insecure" "status=ok secure=no" "$out"

    q A "mx.$B"
    has "[$via] a broken signature is a temporary failure" "status=retry secure=no" "$out"
    lacks "[$via] and its forged address is not returned" "127.0.0.2" "$out"
    has "[$via] in Postfix's words" "name=mx.$B type=A: Host not found, try again" "$out"
    q AAAA "mx.$B"
    has "[$via] a good signature in that zone is secure" "status=ok secure=yes" "$out"

    q MX "$DNSSEC_EXPIRED"
    has "[$via] expired signatures are a temporary failure" "status=retry secure=no" "$out"
    lacks "[$via] and give no record" "$DNSSEC_EXPIRED MX 10" "$out"

    q TXT "www.example.com"
    lacks "[$via] a name outside the bed is not resolved" "status=ok" "$out"
}

via=system
verdicts
has "[plain] the resolver in between does not validate: the forged address passes it" \
    "mx.$B A 127.0.0.2" "$(bounded 30 "$TEST_HELPERS/dns_query" -s "127.0.0.1:$DNSSEC_PLAIN_PORT" A "mx.$B" 2>&1)"
out=$(bounded 30 "$TEST_HELPERS/dns_query" -u "$DNSSEC_ANCHORS" A "mx.$S" 2>&1)
if grep -q "built without libunbound" <<<"$out"; then
    comment "no libunbound here: the libunbound back end is not tested ($out)"
else
    for via in nsd plain; do
        verdicts
    done
    has "[nsd] a bogus answer is warned about, with libunbound's reason" \
        "warning: DNSSEC validation failed for name=mx.$B type=A: validation failure" \
        "$(via=nsd q A "mx.$B"; echo "$out")"
    out=$(bounded 30 "$TEST_HELPERS/dns_query" -u "$DNSSEC_ANCHORS" -f "127.0.0.1@x" A "mx.$S" 2>&1)
    has "libunbound: a bad port in the forwarders is refused" \
        "bad port in DNS forwarder \"127.0.0.1@x\"" "$out"
    out=$(bounded 30 "$TEST_HELPERS/dns_query" -u "$DNSSEC_DIR/nothere" A "mx.$S" 2>&1)
    has "libunbound: a missing trust anchor file is refused" \
        "cannot read the DNSSEC trust anchor file" "$out"
    echo "nonsense" >"$DNSSEC_DIR/bad-anchors"
    out=$(bounded 30 "$TEST_HELPERS/dns_query" -u "$DNSSEC_DIR/bad-anchors" A "mx.$S" 2>&1)
    has "libunbound: a malformed trust anchor is refused" \
        "libunbound refuses its settings (trust anchors from $DNSSEC_DIR/bad-anchors)" "$out"
    has "with libunbound's reason, as a warning" \
        "warning: libunbound: error: error parsing trust anchor nonsense" "$out"
    # Comments and a record spread over lines in parentheses, as zone files have them.
    {
        echo "; the test zones' keys"
        awk '{ printf "%s %s %s ( %s %s %s ; tag, algorithm, digest type\n  %s ) ; digest\n",
            $1, $2, $3, $4, $5, $6, $7 }' "$DNSSEC_ANCHORS"
    } >"$DNSSEC_DIR/paren-anchors"
    out=$(bounded 30 "$TEST_HELPERS/dns_query" -u "$DNSSEC_DIR/paren-anchors" \
        -f "127.0.0.1@$DNSSEC_NSD_PORT" A "mx.$S" 2>&1)
    has "libunbound: trust anchors in parentheses over lines, with comments" \
        "status=ok secure=yes" "$out"
fi

via=system
out=$(bounded 30 "$TEST_HELPERS/dns_query" -s "127.0.0.1:$DNSSEC_PORT,127.0.0.1:x" A "mx.$S" 2>&1)
has "a bad port in the server list is refused" "bad port in DNS server \"127.0.0.1:x\"" "$out"

dnssec_stop
start=$SECONDS
q A "mx.$S"
has "a resolver that does not answer is a temporary failure" "status=retry secure=no rcode=-1" "$out"
[ $((SECONDS - start)) -lt 30 ]
check "within the resolver's timeouts"

#!/bin/bash
# dnssec_bed.sh - the DNSSEC test bed of lib/dnssec.sh answers as its
# documentation says
#
# A private nsd and a private validating unbound are started; ldnsutils'
# drill asks the resolver with DNSSEC OK: the signed zone's answers carry
# the AD bit, the provably insecure sub-zone's do not, the zone with a
# broken signature gives SERVFAIL, names outside the zones are not
# resolved. Both servers are stopped by pid. Run by root, the bed is also
# started by an ordinary user and runs as that user.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
. "$top/tests/integration/lib/dnssec.sh"

dnssec_available || skip "$DNSSEC_MISSING"
command -v drill >/dev/null 2>&1 || skip "drill is missing (ldnsutils)"
dnssec_start "extra IN TXT \"added by the test\""
require "the DNSSEC test bed starts"

# ask NAME TYPE - the resolver's answer (drill, DO bit set) in $out
ask() {
    out=$(bounded 10 drill -D -p "$DNSSEC_PORT" "$1" "$2" @127.0.0.1 2>&1)
}
# flags - the header flags of the last answer
flags() {
    printf '%s\n' "$out" | sed -n 's/.*flags: \([a-z ]*\);.*/\1/p'
}
# rcode - the rcode of the last answer
rcode() {
    printf '%s\n' "$out" | sed -n 's/.*rcode: \([A-Z]*\),.*/\1/p'
}

ask "mx.$DNSSEC_SECURE." A
same "the signed zone answers" NOERROR "$(rcode)"
has "with the record" "127.0.0.1" "$out"
has "validated: AD bit" " ad" " $(flags)"
ask "$DNSSEC_SECURE." MX
has "the signed zone's MX is validated" " ad" " $(flags)"
ask "_25._tcp.mx.$DNSSEC_SECURE." TLSA
has "its TLSA record is served" "$DNSSEC_TLSA_DIGEST" "$(printf '%s\n' "$out" | tr -d ' ' | tr 'A-F' 'a-f')"
has "and validated" " ad" " $(flags)"
ask "alias.$DNSSEC_SECURE." A
has "the CNAME is followed" "127.0.0.1" "$out"
has "and validated" " ad" " $(flags)"
ask "extra.$DNSSEC_SECURE." TXT
has "a record given to dnssec_start is served" "added by the test" "$out"
has "and validated" " ad" " $(flags)"
ask "nothere.$DNSSEC_SECURE." A
same "a missing name is NXDOMAIN" NXDOMAIN "$(rcode)"
has "validated (NSEC)" " ad" " $(flags)"

ask "mx.$DNSSEC_INSECURE." A
same "the unsigned sub-zone answers" NOERROR "$(rcode)"
has "with the record" "127.0.0.1" "$out"
lacks "not validated: no AD bit" " ad" " $(flags)"

ask "mx.$DNSSEC_BOGUS." A
same "a broken signature gives SERVFAIL" SERVFAIL "$(rcode)"
lacks "and not the forged address" "127.0.0.2" "$out"
ask "mx.$DNSSEC_BOGUS." AAAA
same "a good signature in the same zone validates" NOERROR "$(rcode)"
has "with the AD bit" " ad" " $(flags)"

ask "mx.$DNSSEC_EXPIRED." A
same "expired signatures give SERVFAIL" SERVFAIL "$(rcode)"
ask "$DNSSEC_EXPIRED." MX
same "for every record of that zone" SERVFAIL "$(rcode)"

ask "www.example.com." A
lacks "names outside the zones are not resolved" "NOERROR" "$(rcode)"

nsd_pid=$DNSSEC_NSD_PID unbound_pid=$DNSSEC_UNBOUND_PID
dnssec_stop
! kill -0 "$nsd_pid" 2>/dev/null && ! kill -0 "$unbound_pid" 2>/dev/null
check "dnssec_stop stops both servers"

# The same bed started by an ordinary user runs as that user.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    out=$(bounded 120 setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
        env TEST_STAGE="$TEST_STAGE" bash -c '
        . "$1/tests/integration/lib/common.sh"
        . "$1/tests/integration/lib/assert.sh"
        . "$1/tests/integration/lib/dnssec.sh"
        dnssec_start >/dev/null || { dnssec_log_tail; exit 1; }
        echo "nsd pid $DNSSEC_NSD_PID runs as $(ps -o user= -p "$DNSSEC_NSD_PID")"
        echo "unbound pid $DNSSEC_UNBOUND_PID runs as $(ps -o user= -p "$DNSSEC_UNBOUND_PID")"
        drill -D -p "$DNSSEC_PORT" "mx.$DNSSEC_SECURE." A @127.0.0.1
    ' _ "$TEST_STAGE" 2>&1)
    has "an ordinary user's nsd runs as that user" "runs as nobody" \
        "$(printf '%s\n' "$out" | grep '^nsd pid')"
    has "an ordinary user's unbound runs as that user" "runs as nobody" \
        "$(printf '%s\n' "$out" | grep '^unbound pid')"
    has "and validates" " ad" "$(printf '%s\n' "$out" | grep 'flags:')"
    for name in nsd unbound; do
        upid=$(printf '%s\n' "$out" | sed -n "s/^$name pid \([0-9]*\) .*/\1/p")
        [ -n "$upid" ] && wait_gone "$upid" 15
        check "and its $name is stopped when its test ends"
    done
fi

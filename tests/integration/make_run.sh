#!/bin/bash
# make_run.sh - "make run" (tools/run-instance) as a user sees it: it exits
# 0 and shows mail received over STARTTLS and implicit TLS, relayed to the
# second instance with a "Verified TLS connection established" line, the
# second relay resuming the session ("Verified TLS connection reused"),
# and the message delivered into a Maildir with two Received: headers
# that record TLS and say Postern; no warnings. With RUN_KEEP=1 both
# instances stay up, the Maildir holds both messages and the stop
# commands it prints stop them. Without TLS in swaks (Net::SSLeay made
# unloadable) it exits non-zero at once with one line that names the
# missing TLS support and its package.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
tmp=$(mktemp -d /tmp/make-run-test.XXXXXX)
at_exit 'rm -rf "$tmp"'

# leftovers FILE - what is left of the run FILE shows: directories, masters, listeners
leftovers() {
    local dir port
    for dir in $(grep -oE '/tmp/mta-instance\.[A-Za-z0-9]+' "$1" | sort -u); do
        [ -e "$dir" ] && echo "directory $dir"
        pgrep -f -- "$dir/conf" | sed "s|^|master of $dir: pid |"
    done
    for port in $(grep -oE '127\.0\.0\.1:[0-9]+' "$1" | cut -d: -f2 | sort -u); do
        ss -Htln "sport = :$port" | grep -q . && echo "a listener on port $port"
    done
}

# 1. The plain run.
bounded 120 bash "$top/tools/run-instance" >"$tmp/out" 2>&1
status=$?
out=$(cat "$tmp/out")
same "make run exits 0" 0 "$status"
has "the greeting says Postern" "220 mail.example.net ESMTP Postern" "$out"
has "mail received over STARTTLS" "<-  220 2.0.0 Ready to start TLS" "$out"
grep -A3 '^== 3\. Receive over implicit TLS' "$tmp/out" | grep -q '=== TLS started with cipher'
check "mail received over implicit TLS: TLS before the greeting"
grep -Eq 'postfix/smtp\[[0-9]+\]: Verified TLS connection established to 127\.0\.0\.1\[127\.0\.0\.1\]:[0-9]+: TLSv1\.[23]' "$tmp/out"
check "the relay's smtp client logs Verified TLS connection established"
grep -Eq 'postfix/smtp\[[0-9]+\]: Verified TLS connection reused to 127\.0\.0\.1\[127\.0\.0\.1\]:[0-9]+' "$tmp/out"
check "the second relay resumes the session: Verified TLS connection reused"
has "the second instance logs the resumed session" "TLS connection reused from localhost[127.0.0.1]" "$out"
[ "$(grep -c 'postfix/local\[[0-9]*\]: .*status=sent (delivered to alias bob)' "$tmp/out")" -eq 2 ]
check "local delivers both messages"
headers=$(sed -n '/^   | Return-Path: /,/^   | $/p' "$tmp/out")
[ "$(grep -c '^   | Received: from ' <<<"$headers")" -eq 2 ] &&
    [ "$(grep -c '(using TLSv1\.[23] with cipher ' <<<"$headers")" -eq 2 ] &&
    [ "$(grep -Ec 'by (mail\.example\.net|mx\.example\.org) \(Postern\) with ESMTPS id ' <<<"$headers")" -eq 2 ]
check "the printed Maildir message has two Received: headers with TLS, by Postern with ESMTPS"
lacks "no warning in the output" "warning:" "$out"
[ "$(grep -c ', none a warning$' "$tmp/out")" -eq 2 ]
check "both maillogs were checked for warnings"
same "everything started was stopped and removed" "" "$(leftovers "$tmp/out")"

# 2. RUN_KEEP=1: both instances stay; look at them, then stop them as told.
RUN_KEEP=1 bounded 120 bash "$top/tools/run-instance" >"$tmp/keep" 2>&1
same "RUN_KEEP=1 make run exits 0" 0 "$?"
dirs=$(grep -oE '/tmp/mta-instance\.[A-Za-z0-9]+' "$tmp/keep" | sort -u | tr '\n' ' ')
at_exit 'for d in $dirs; do [ -s "$d/queue/pid/master.pid" ] && kill -9 -- "-$(tr -d " " <"$d/queue/pid/master.pid")" 2>/dev/null; rm -rf "$d"; done'
read -r port _ < <(sed -n 's/.*send a mail: *swaks --server 127.0.0.1 --port \([0-9]*\) .*/\1/p' "$tmp/keep")
[ -n "$port" ] && wait_port "$port" 5
check "RUN_KEEP=1: the first instance still accepts connections on port $port"
maildir=$(sed -n 's/^   the Maildir: *//p' "$tmp/keep")
files=$(ls "$maildir"/* 2>/dev/null)
[ -n "$maildir" ] && [ "$(wc -l <<<"$files")" -eq 2 ]
check "RUN_KEEP=1: the Maildir it names holds the two messages"
for f in $files; do
    hdr=$(awk '/^$/ { exit } { print }' "$f")
    [ "$(grep -c '^Received: from ' <<<"$hdr")" -eq 2 ] &&
        [ "$(grep -c '(using TLSv1\.[23] with cipher ' <<<"$hdr")" -eq 2 ] &&
        grep -q '^	by mx\.example\.org (Postern) with ESMTPS id ' <<<"$hdr" &&
        grep -q '^	by mail\.example\.net (Postern) with ESMTPS id ' <<<"$hdr"
    check "RUN_KEEP=1: $(basename "$f"): two Received: headers recording TLS, by Postern"
done
logs=$(grep -oE '/tmp/mta-instance\.[A-Za-z0-9]+/maillog' "$tmp/keep" | sort -u)
[ "$(wc -l <<<"$logs")" -eq 2 ] && [ "$(cat $logs | wc -l)" -gt 20 ] && ! grep -E '(warning|fatal|panic): ' $logs
check "RUN_KEEP=1: neither maillog it names has a warning, fatal or panic line"
stops=$(grep -oE "$top/bin/postfix -c /tmp/mta-instance\.[A-Za-z0-9]+/conf stop" "$tmp/keep")
[ "$(grep -c . <<<"$stops")" -eq 2 ]
check "RUN_KEEP=1: it prints a stop command for each instance"
while read -r cmd; do
    [ -n "$cmd" ] && bounded 30 $cmd >/dev/null 2>&1
done <<<"$stops"
for d in $dirs; do rm -rf "$d"; done
same "RUN_KEEP=1: the printed stop commands stop both instances" "" "$(leftovers "$tmp/keep")"

# 3. swaks without TLS: Net::SSLeay dies when it loads.
mkdir -p "$tmp/perl/Net"
echo 'die "Net::SSLeay made unloadable by the test\n";' >"$tmp/perl/Net/SSLeay.pm"
PERL5LIB=$tmp/perl bounded 60 bash "$top/tools/run-instance" >"$tmp/notls" 2>&1
status=$?
notls=$(cat "$tmp/notls")
[ "$status" -ne 0 ]
check "without TLS in swaks make run fails (status $status)"
same "it says so in one line" 1 "$(wc -l <"$tmp/notls")"
has "the line names the missing TLS support" "swaks has no TLS support" "$notls"
has "the line names the package" "libnet-ssleay-perl" "$notls"

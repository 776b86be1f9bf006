#!/bin/bash
# sasl_dovecot.sh - the Dovecot SASL back end of smtpd against a private
# Dovecot and against scripted servers that misbehave
#
# The back end is driven through the SMTP server's SASL interface by the
# sasl_server_try helper, as smtpd drives it: the mechanisms for EHLO,
# PLAIN right and wrong, LOGIN step by step, the empty initial response,
# security options, the UNIX socket (relative to the queue directory) and
# inet:, and what reaches Dovecot (service, addresses, "secured"). Then
# the failures that must end in a temporary failure (smtpd's 454) and a
# warning, never a crash or a hang: Dovecot stopped in the middle of a
# session (and started again: the back end reconnects), no server at all,
# garbage, a server that says nothing (the timeout), and malformed or
# oversized replies. Client data that is not base64 never reaches the
# server. Run by root, it also starts the peer as an ordinary user.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
. "$top/tests/integration/lib/dovecot.sh"

dovecot_available || skip "$DOVECOT_MISSING"
TRY=$TEST_HELPERS/sasl_server_try
dir=$(mktemp -d /tmp/sasl-dovecot.XXXXXX) || fail "a temporary directory"
at_exit "rm -rf '$dir'"
chmod 755 "$dir"
queue=$dir/queue
mkdir -p "$queue/private"

# Base64 of the credentials used below.
ALICE_PLAIN=$(printf '\0alice\0secret1' | base64)
ALICE_WRONG=$(printf '\0alice\0wrong' | base64)
BOB_PLAIN=$(printf '\0bob\0hunter2' | base64)
B64_ALICE=$(printf alice | base64)
B64_SECRET1=$(printf secret1 | base64)

# try [OPTIONS...] -- PATH COMMAND... - one helper run; output lines in $out, warnings in $err
try() {
    local opts=()
    while [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    local path=$1
    shift
    out=$(printf '%s\n' "$@" | bounded 60 "$TRY" "${opts[@]}" dovecot "$path" 2>"$dir/err")
    err=$(cat "$dir/err")
}

# nth N - line N of $out, without the time taken
nth() {
    printf '%s\n' "$out" | sed -n "${1}p" | sed 's/ ([0-9]* ms)$//'
}

# took N - the milliseconds line N of $out took
took() {
    printf '%s\n' "$out" | sed -n "${1}p" | sed -n 's/.* (\([0-9]*\) ms)$/\1/p'
}

dovecot_start "$queue/private/auth" alice:secret1 bob:hunter2
require "a private Dovecot starts with its auth socket in the queue directory"

# The UNIX socket, named relative to the queue directory, as smtpd_sasl_path = private/auth.
try -q "$queue" -- private/auth mechanisms "first PLAIN $ALICE_PLAIN"
same "private/auth: Dovecot's mechanisms for EHLO" "mechanisms: PLAIN LOGIN" "$(nth 1)"
same "private/auth: PLAIN with the right password authenticates" "OK user=alice" "$(nth 2)"

# Each failing case from its own client address: Dovecot delays repeated failures.
try -q "$queue" -c 192.0.2.11 -- private/auth "first PLAIN $ALICE_WRONG" "first PLAIN $BOB_PLAIN"
same "PLAIN with a wrong password fails (Dovecot gives no reason)" "FAIL " "$(nth 1)"
same "the same session authenticates after a failure" "OK user=bob" "$(nth 2)"

try -q "$queue" -- private/auth "first LOGIN" "next $B64_ALICE" "next $B64_SECRET1"
same "LOGIN: the user name challenge" "MORE $(printf Username: | base64)" "$(nth 1)"
same "LOGIN: the password challenge" "MORE $(printf Password: | base64)" "$(nth 2)"
same "LOGIN: right answers authenticate" "OK user=alice" "$(nth 3)"

try -q "$queue" -- private/auth "first plain =" "next $BOB_PLAIN"
same "an empty initial response gets an empty challenge" "MORE " "$(nth 1)"
same "the answer to it authenticates (mechanism name in lower case)" "OK user=bob" "$(nth 2)"

try -q "$queue" -- private/auth "first CRAM-MD5 $ALICE_PLAIN"
same "a mechanism Dovecot does not offer fails" \
    "FAIL unsupported authentication mechanism CRAM-MD5" "$(nth 1)"

try -o "noplaintext, noanonymous" -q "$queue" -- private/auth mechanisms "first PLAIN $ALICE_PLAIN"
same "noplaintext: no mechanism left for EHLO" "mechanisms: " "$(nth 1)"
same "noplaintext: PLAIN is refused without asking Dovecot" \
    "FAIL unsupported authentication mechanism PLAIN" "$(nth 2)"

try -- "inet:127.0.0.1:$DOVECOT_PORT" mechanisms "first PLAIN $BOB_PLAIN"
same "inet:host:port: Dovecot's mechanisms" "mechanisms: PLAIN LOGIN" "$(nth 1)"
same "inet:host:port: PLAIN authenticates" "OK user=bob" "$(nth 2)"

try -- "$queue/private/auth" "first PLAIN $BOB_PLAIN"
same "an absolute socket path works" "OK user=bob" "$(nth 1)"

try -s -c 192.0.2.77 -q "$queue" -- private/auth "first PLAIN $ALICE_PLAIN"
same "a TLS session authenticates" "OK user=alice" "$(nth 1)"

# Client data that is not base64 never reaches the server.
try -q "$queue" -- private/auth "first PLAIN AGFsaWNl	user=root" "first PLAIN $ALICE_PLAIN"
same "an initial response with a TAB is refused (smtpd: 501)" \
    "ABORT malformed base64 in initial response" "$(nth 1)"
same "the next AUTH works" "OK user=alice" "$(nth 2)"

# Dovecot stopped in the middle of a session, then started again.
coproc TRYP { bounded 120 "$TRY" -t 5 -q "$queue" dovecot private/auth 2>"$dir/err-stop"; }
ask() {
    echo "$1" >&"${TRYP[1]}"
    line=
    read -t 60 -r line <&"${TRYP[0]}"
    line=${line% (*ms)}
}
ask mechanisms
same "session: mechanisms before the stop" "mechanisms: PLAIN LOGIN" "$line"
ask "first PLAIN $ALICE_PLAIN"
same "session: authenticated before the stop" "OK user=alice" "$line"
dovecot_stop
ask "first PLAIN $ALICE_PLAIN"
same "session: Dovecot stopped: a temporary failure (smtpd: 454 4.7.0)" \
    "TEMP Dovecot auth server unavailable" "$line"
ask mechanisms
same "session: Dovecot stopped: the last known mechanisms stay, so AUTH can say 454" \
    "mechanisms: PLAIN LOGIN" "$line"
dovecot_start "$queue/private/auth" alice:secret1 bob:hunter2
require "Dovecot starts again"
ask "first PLAIN $BOB_PLAIN"
same "session: Dovecot back: the back end reconnects and authenticates" "OK user=bob" "$line"
ask new
ask "first PLAIN $ALICE_PLAIN"
same "session: a new session object uses the same connection" "OK user=alice" "$line"
echo quit >&"${TRYP[1]}"
wait_status "$TRYP_PID" 20 >/dev/null 2>&1
has "session: the stop was logged as a warning" \
    "warning: SASL: connect to Dovecot auth server private/auth failed" "$(cat "$dir/err-stop")"
dovecot_stop

# No server at all.
try -t 3 -q "$queue" -- private/auth mechanisms "first PLAIN $ALICE_PLAIN"
same "no server: no mechanisms for EHLO" "mechanisms: " "$(nth 1)"
same "no server: AUTH is a temporary failure" "TEMP Dovecot auth server unavailable" "$(nth 2)"
has "no server: a warning names the socket" "warning: SASL: connect to Dovecot auth server" "$err"

# Misbehaving servers, each on its own socket.
HANDSHAKE='VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nSPID\t1\nCUID\t1\nCOOKIE\tab\nDONE\n'
fake_n=0
# fake ARGS... - start a scripted server; its socket in $sock, its log in $flog
fake() {
    fake_n=$((fake_n + 1))
    sock=$dir/fake$fake_n.sock
    flog=$dir/fake$fake_n.log
    dovecot_fake_start "$sock" "$flog" "$@"
}

# misbehaves NAME WHAT-IN-THE-WARNING FAKE-ARGS... - a temporary failure, a warning, in time
misbehaves() {
    local name=$1 warning=$2
    shift 2
    fake "$@"
    try -t 2 -- "$sock" "first PLAIN $ALICE_PLAIN" "first PLAIN $ALICE_PLAIN"
    same "$name: AUTH is a temporary failure" "TEMP Dovecot auth server unavailable" "$(nth 1)"
    same "$name: and again on the next AUTH" "TEMP Dovecot auth server unavailable" "$(nth 2)"
    has "$name: a warning says why" "$warning" "$err"
    if [ -n "$(took 1)" ] && [ "$(took 1)" -lt 4500 ]; then
        ok "$name: within the 2 s timeout ($(took 1) ms)"
    else
        not_ok "$name: within the 2 s timeout" "took $(took 1) ms"
    fi
}

misbehaves "garbage" "handshake: handshake does not start with VERSION" \
    --greeting 'HELLO \xff garbage\n'
misbehaves "binary garbage" "handshake: control character 0x00 in line" \
    --greeting 'VERSION\t1\t2\n\x00\x01\x02\n'
misbehaves "silent server" "handshake: timeout while waiting for the server"
misbehaves "another protocol version" "unsupported protocol version 2.0" \
    --greeting 'VERSION\t2\t0\nDONE\n'
misbehaves "endless handshake" "handshake longer than 256 lines" \
    --greeting 'VERSION\t1\t2\n' --repeat-line 'COOKIE\tx\n' --repeat 1000
misbehaves "oversized line" "line longer than 16383 bytes" \
    --greeting 'VERSION\t1\t2\nCOOKIE\t' --repeat-line 'x' --repeat 20000
misbehaves "handshake without DONE" "handshake: timeout" \
    --greeting 'VERSION\t1\t2\nMECH\tPLAIN\tplaintext\n'
misbehaves "silent on AUTH" "authentication request: timeout" --greeting "$HANDSHAKE"
misbehaves "OK without a user" "OK reply without a user name" \
    --greeting "$HANDSHAKE" --reply 'OK\t1\n'
misbehaves "reply to another request" "reply for request 9, expected 1" \
    --greeting "$HANDSHAKE" --reply 'OK\t9\tuser=mallory\n'
misbehaves "a user name with a line break" "malformed user name in OK reply" \
    --greeting "$HANDSHAKE" --reply 'OK\t1\tuser=alice\x01nX-Injected: yes\n'
misbehaves "an unknown reply" "unexpected reply" --greeting "$HANDSHAKE" --reply 'HELLO\t1\n'

# What the server is told, as it receives it.
fake --greeting "$HANDSHAKE" --reply 'OK\t{id}\tuser=alice\n'
try -s -c 192.0.2.77 -- "$sock" "first PLAIN $ALICE_PLAIN" "first PLAIN AGFsaWNl	user=root"
same "scripted server: a TLS session authenticates" "OK user=alice" "$(nth 1)"
same "scripted server: a response with a TAB is refused" \
    "ABORT malformed base64 in initial response" "$(nth 2)"
try -c 192.0.2.78 -- "$sock" "first PLAIN"
request=$(grep -a '^AUTH	1	PLAIN	.*rip=192.0.2.77' "$flog")
same "the request, field by field (resp= last)" \
    "AUTH	1	PLAIN	service=smtp	nologin	lip=127.0.0.1	rip=192.0.2.77	lport=25	rport=54321	secured	resp=$ALICE_PLAIN" \
    "$request"
same "without TLS: no \"secured\", and no resp= without an initial response" \
    "AUTH	1	PLAIN	service=smtp	nologin	lip=127.0.0.1	rip=192.0.2.78	lport=25	rport=54321" \
    "$(grep -a '^AUTH	1	PLAIN	.*rip=192.0.2.78' "$flog")"
lacks "the response with a TAB never reached the server" "user=root" "$(cat "$flog")"
has "the client handshake: VERSION 1 and CPID" "CPID	" "$(cat "$flog")"

fake --greeting "$HANDSHAKE" --reply 'FAIL\t1\treason=backend down\ttemp\n'
try -- "$sock" "first PLAIN $ALICE_PLAIN"
same "FAIL with temp: a temporary failure with Dovecot's reason" "TEMP backend down" "$(nth 1)"
lacks "FAIL with temp: no warning (Dovecot answered)" "warning" "$err"

fake --greeting "$HANDSHAKE" --reply-first 'CONT\t{id}\t\n' \
    --reply 'FAIL\t{prev}\nOK\t{id}\tuser=alice\n'
try -- "$sock" "first PLAIN" "first PLAIN $ALICE_PLAIN"
same "an abandoned exchange: the first AUTH got a challenge" "MORE " "$(nth 1)"
same "the late answer to the abandoned request is skipped" "OK user=alice" "$(nth 2)"
lacks "and is no reason for a warning" "warning" "$err"

fake --greeting "$HANDSHAKE" --reply 'CONT\t1\tnot base64!\n'
try -- "$sock" "first PLAIN"
same "a challenge that is not base64 is a temporary failure" \
    "TEMP Dovecot auth server unavailable" "$(nth 1)"
has "and a warning" "malformed challenge in CONT reply" "$err"

# The same peer started by an ordinary user runs as that user.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    udir=$(mktemp -d /tmp/sasl-dovecot-user.XXXXXX) || fail "a temporary directory"
    at_exit "rm -rf '$udir'"
    chmod 755 "$udir"
    chown nobody "$udir"
    out=$(bounded 90 setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
        env TEST_STAGE="$TEST_STAGE" bash -c '
        . "$1/tests/integration/lib/common.sh"
        . "$1/tests/integration/lib/assert.sh"
        . "$1/tests/integration/lib/dovecot.sh"
        mkdir "$2/private"
        dovecot_start "$2/private/auth" alice:secret1 >/dev/null || exit 1
        echo "dovecot pid $DOVECOT_PID runs as $(ps -o user= -p "$DOVECOT_PID")"
        printf "first PLAIN %s\n" "$3" | "$TEST_HELPERS/sasl_server_try" dovecot "$2/private/auth"
    ' _ "$TEST_STAGE" "$udir" "$ALICE_PLAIN" 2>&1)
    has "an ordinary user's private Dovecot runs as that user" "runs as nobody" "$out"
    has "and authenticates" "OK user=alice" "$out"
    upid=$(printf '%s\n' "$out" | sed -n 's/^dovecot pid \([0-9]*\) .*/\1/p')
    [ -n "$upid" ] && wait_gone "$upid" 15
    check "and is stopped when its test ends"
fi

exit 0

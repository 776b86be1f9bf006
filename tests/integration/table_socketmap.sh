#!/bin/bash
# table_socketmap.sh - socketmap: and tcp: tables against scripted servers
# (lib/table_server.sh), as an operator sees them: postmap -q answers found,
# not found (exit 1) and failed (exit 2, with the server's reason), over TCP
# and a UNIX socket; keys travel encoded; a server that hangs, trickles,
# babbles, closes or sends garbage gives a temporary error within
# remote_table_timeout, never a hang; smtpd rejects from a socketmap:
# access table and answers 451 4.3.0 while the server hangs, and recovers
# without a restart when it answers again.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/table_server.sh"

postmap=$TEST_BIN/postmap
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
at_exit 'rm -rf "$tmp"'
echo "remote_table_timeout = 3s" >"$tmp/main.cf"

# run_pm ARGS... - postmap with remote_table_timeout = 3s; $out, $err, $rc, $secs
run_pm() {
    local start=$SECONDS
    out=$(MAIL_CONFIG=$tmp timeout 30 "$postmap" "$@" 2>"$tmp/stderr")
    rc=$?
    err=$(cat "$tmp/stderr")
    secs=$((SECONDS - start))
}

# --- socketmap over TCP ---
mkdir -p "$tmp/sm"
printf 'user@example.com OK from the map\nmulti value with  spaces\n' >"$tmp/sm/data"
table_server_start "$tmp/sm" socketmap answer --map access
sm=socketmap:inet:127.0.0.1:$TABLE_SERVER_PORT:access
run_pm -q user@example.com "$sm"
same "socketmap: a key the server has" "0:OK from the map" "$rc:$out"
same "socketmap: the request is \"name key\"" "access user@example.com" "$(tail -1 "$tmp/sm/requests")"
run_pm -q multi "$sm"
same "socketmap: a value with spaces" "value with  spaces" "$out"
run_pm -q nobody@example.com "$sm"
same "socketmap: NOTFOUND exits 1 silently" "1::" "$rc:$out:$err"
run_pm -q USER@EXAMPLE.COM "$sm"
same "socketmap: keys are sent as given (no folding)" "access USER@EXAMPLE.COM" "$(tail -1 "$tmp/sm/requests")"
for reply in "temp:TEMP:backend busy" "timeout:TIMEOUT:backend slow" "perm:PERM:backend broken"; do
    IFS=: read -r key word text <<<"$reply"
    run_pm -q "$key" "$sm"
    same "socketmap: $word is a lookup error (exit 2)" 2 "$rc"
    has "socketmap: $word names the server's reason" "server $word error for key \"$key\": $text" "$err"
done
run_pm -q x "socketmap:inet:127.0.0.1:$TABLE_SERVER_PORT:other"
has "socketmap: the server's PERM for an unknown map name" "server PERM error for key \"x\": no map other" "$rc:$err"
before=$(wc -l <"$tmp/sm/requests")
out=$(printf 'user@example.com\nnobody\nmulti\n' | MAIL_CONFIG=$tmp "$postmap" -q - "$sm")
same "socketmap: -q - asks for each key" "user@example.com	OK from the map
multi	value with  spaces" "$out"
same "... each key once" 3 "$(($(wc -l <"$tmp/sm/requests") - before))"
echo "late@example.com added while running" >>"$tmp/sm/data"
run_pm -q late@example.com "$sm"
same "socketmap: the server's answer, not a cached one" "added while running" "$out"

# --- socketmap over a UNIX socket ---
mkdir -p "$tmp/smu"
cp "$tmp/sm/data" "$tmp/smu/data"
table_server_start "$tmp/smu" socketmap answer --unix "$tmp/smu/socket"
wait_until 10 test -S "$tmp/smu/socket"
run_pm -q user@example.com "socketmap:unix:$tmp/smu/socket:any"
same "socketmap: over a UNIX socket" "0:OK from the map" "$rc:$out"

# --- tcp: ---
mkdir -p "$tmp/tcp"
printf 'user@example.com relay:[mx.example.net]\nodd%%key%%20 has%%percent and spaces\n' >"$tmp/tcp/data"
table_server_start "$tmp/tcp" tcp answer
tcp=tcp:127.0.0.1:$TABLE_SERVER_PORT
run_pm -q user@example.com "$tcp"
same "tcp: a key the server has" "0:relay:[mx.example.net]" "$rc:$out"
run_pm -q 'odd%key%20' "$tcp"
same "tcp: %XX-encoded value decoded" "has%percent and spaces" "$out"
same "tcp: the request line encodes '%'" "get odd%25key%2520" "$(tail -1 "$tmp/tcp/requests")"
run_pm -q 'a b' "$tcp"
same "tcp: 500 is not found (exit 1)" 1 "$rc"
same "tcp: the request line encodes white space" "get a%20b" "$(tail -1 "$tmp/tcp/requests")"
run_pm -q temp "$tcp"
same "tcp: 400 is a lookup error (exit 2)" 2 "$rc"
has "tcp: 400 names the server's text" "server error for key \"temp\": backend busy" "$err"

# --- servers that misbehave: a temporary error in time, never a hang ---
for proto in socketmap tcp; do
    for mode in hang trickle garbage close babble; do
        mkdir -p "$tmp/$proto-$mode"
        echo "user@example.com found" >"$tmp/$proto-$mode/data"
        table_server_start "$tmp/$proto-$mode" "$proto" "$mode"
        table=tcp:127.0.0.1:$TABLE_SERVER_PORT
        [ "$proto" = socketmap ] && table=socketmap:inet:127.0.0.1:$TABLE_SERVER_PORT:access
        run_pm -q user@example.com "$table"
        same "$proto server that does \"$mode\": lookup error, exit 2" 2 "$rc"
        case $mode in
        hang | trickle)
            has "$proto $mode: the reason is the time limit" "timed out waiting for the reply" "$err"
            [ "$secs" -ge 2 ] && [ "$secs" -le 8 ] && ok "$proto $mode: failed after remote_table_timeout (${secs}s)" ||
                not_ok "$proto $mode: failed after ${secs}s, want about 3s"
            ;;
        garbage) has "$proto garbage: the reason is a malformed reply" "malformed reply" "$err" ;;
        close) has "$proto close: the reason says so" "connection closed without a reply" "$err" ;;
        babble) [ "$secs" -le 5 ] && ok "$proto babble: refused without reading on (${secs}s)" ||
            not_ok "$proto babble: took ${secs}s" ;;
        esac
        table_server_stop "$TABLE_SERVER_PID"
    done
done
run_pm -q user@example.com "socketmap:inet:127.0.0.1:$(free_port):access"
has "socketmap: a server that is not there is a lookup error" "Connection refused" "$rc:$err"
run_pm -q x socketmap:inet:127.0.0.1:access
has "socketmap: a name without the map name is refused" "expected inet:host:port:name or unix:pathname:name" "$rc:$err"

# --- smtpd with a socketmap: access table ---
mkdir -p "$tmp/smtpd"
echo "blocked@dest.test REJECT blocked by the socketmap" >"$tmp/smtpd/data"
table_server_start "$tmp/smtpd" socketmap answer --map rcpt
good_port=$TABLE_SERVER_PORT
good_pid=$TABLE_SERVER_PID
instance_create
port=$(free_port)
instance_master_cf_relay "$port"
instance_main_cf \
    "mynetworks = 127.0.0.0/8" \
    "relayhost = [127.0.0.1]:$(free_port)" \
    "remote_table_timeout = 3s" \
    "smtpd_recipient_restrictions = check_recipient_access socketmap:inet:127.0.0.1:$good_port:rcpt, permit_mynetworks, reject"
instance_start "$port"
require "the instance starts"

# rcpt ADDRESS - the reply to RCPT TO in one session
rcpt() {
    printf 'Subject: t\n\nbody\n' |
        timeout 30 python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$port" s@src.test "$1" |
        sed -n 4p
}

same "smtpd: RCPT rejected by the socketmap server" \
    "554 5.7.1 <blocked@dest.test>: Recipient address rejected: blocked by the socketmap" "$(rcpt blocked@dest.test)"
has "smtpd: a recipient the server does not know is accepted" "250" "$(rcpt other@dest.test)"
same "smtpd: the server saw the whole address only (no partial keys)" "rcpt other@dest.test" \
    "$(grep other "$tmp/smtpd/requests" | sort -u)"

# The server hangs (a new one on the same port): a temporary error, in
# time, and the log says why.
table_server_stop "$good_pid"
table_server_start "$tmp/smtpd" socketmap hang --map rcpt --bind-port "$good_port"
hang_pid=$TABLE_SERVER_PID
start=$SECONDS
reply=$(rcpt blocked@dest.test)
secs=$((SECONDS - start))
has "smtpd: a hanging table server gives 451 4.3.0" "451 4.3.0 <blocked@dest.test>: Temporary lookup failure" "$reply"
[ "$secs" -le 15 ] && ok "smtpd: the 451 comes within the time limit (${secs}s)" || not_ok "smtpd: 451 after ${secs}s"
has "smtpd: the log says why" "timed out waiting for the reply" "$(instance_log)"
table_server_stop "$hang_pid"

# The server answers again: mail flows without a restart of smtpd.
table_server_start "$tmp/smtpd" socketmap answer --map rcpt --bind-port "$good_port"
same "smtpd: after the server comes back, its answer applies again" \
    "554 5.7.1 <blocked@dest.test>: Recipient address rejected: blocked by the socketmap" "$(rcpt blocked@dest.test)"

[ "$ASSERT_FAILURES" -eq 0 ]

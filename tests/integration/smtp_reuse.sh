#!/bin/bash
# smtp_reuse.sh - SMTP client connection reuse, end to end: an instance
# relays mail it receives on its smtpd to scripted STARTTLS servers
# (tests/helpers/fake_smtpd.py, which logs every connection and command).
# Thirty messages to one TLS destination travel over fewer connections
# than messages, with conn_use=N in the status lines and one "TLS
# connection established" line per connection; with
# smtp_connection_cache_on_demand = no every message has its own
# connection; transports at TLS levels none and encrypt to the same
# host:port never share one; a cached connection that does not fit the
# next request (another next hop) is closed before the request's own
# connection opens; a cached connection whose server went away
# does not fail the next message; an idle connection ends with QUIT after
# smtp_connection_cache_time_limit.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
certs=$(mktemp -d /tmp/smtp-reuse-certs.XXXXXX)
at_exit 'rm -rf "$certs"'
certs_make "$certs" || not_ok "certificates"

# server NAME PORT - a scripted STARTTLS server on PORT, logging in $INSTANCE_DIR/NAME
server() {
    fake_smtpd_start "$INSTANCE_DIR/$1" --mode starttls --chain "$certs/rsa-chain.pem" \
        --idle 60 --listen-port "$2"
}

read -r pin p1 p2 p3 p4 < <(free_port 5 | tr '\n' ' ')
server reuse "$p1"
reuse_pid=$FAKE_SMTPD_PID
server nocache "$p2"
server levels "$p3"
server switch "$p4"

instance_master_cf_relay "$pin" \
    "nocache unix - - n - 1 smtp -o smtp_connection_cache_on_demand=no" \
    "plain unix - - n - 1 smtp -o smtp_tls_security_level=none" \
    "enc unix - - n - 1 smtp -o smtp_tls_security_level=encrypt" \
    "switch unix - - n - 1 smtp"
instance_main_cf \
    "mydestination =" "mynetworks = 127.0.0.0/8" "alias_maps =" \
    "transport_maps = inline:{ reuse.example.test=smtp:[127.0.0.1]:$p1, nocache.example.test=nocache:[127.0.0.1]:$p2, plain.example.test=plain:[127.0.0.1]:$p3, enc.example.test=enc:[127.0.0.1]:$p3, one.example.test=switch:[127.0.0.1]:$p4, two.example.test=switch:[localhost]:$p4 }" \
    "smtp_tls_security_level = may" \
    "smtp_tls_CAfile = $certs/root.pem" \
    "smtp_tls_loglevel = 1" \
    "smtp_connection_cache_time_limit = 2s"
instance_start "$pin"
require "the instance starts"

# send COUNT RCPT... - COUNT messages over one SMTP session, recipients in turn
send() {
    bounded 120 python3 - "$pin" "$@" <<'EOF'
import smtplib, sys
port, count, rcpts = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
s = smtplib.SMTP("127.0.0.1", port, timeout=30)
for i in range(count):
    r = rcpts[i % len(rcpts)]
    s.sendmail("sender@a.example.test", [r], "Subject: reuse %d\r\n\r\nbody %d\r\n" % (i, i))
s.quit()
EOF
}

# sent REGEX - count status=sent lines matching REGEX
sent() {
    grep -E "$1" "$INSTANCE_LOG" | grep -c 'status=sent'
}

# sent_at_least REGEX N - N matching messages are sent
sent_at_least() {
    [ "$(sent "$1")" -ge "$2" ]
}

# wait_sent REGEX N - wait until N matching messages are sent
wait_sent() {
    wait_until 30 sent_at_least "$1" "$2"
}

# 1. Thirty messages to one TLS destination.
send 30 r@reuse.example.test
wait_sent 'to=<r@reuse.example.test>' 30
check "30 messages to one TLS destination are delivered"
conns=$(grep -c '^S: connection' "$INSTANCE_DIR/reuse/log")
[ "$conns" -lt 30 ] && [ "$conns" -ge 1 ]
check "they used fewer connections than messages ($conns)"
grep 'to=<r@reuse.example.test>' "$INSTANCE_LOG" | grep -Eq "relay=127\.0\.0\.1\[127\.0\.0\.1\]:$p1, conn_use=([2-9]|[1-9][0-9]), delay="
check "status lines carry conn_use=N right after relay="
est=$(grep -c "TLS connection established to 127.0.0.1\[127.0.0.1\]:$p1" "$INSTANCE_LOG")
[ "$est" -eq "$conns" ]
check "one TLS connection established line per connection ($est for $conns)"
[ "$(grep -c '^C\[tls\]: RSET' "$INSTANCE_DIR/reuse/log")" -ge 1 ]
check "a connection is kept only after RSET"

# 5. The idle connection ends with QUIT after the cache time limit.
sleep 3.5
tail -3 "$INSTANCE_DIR/reuse/log" | grep -q '^C\[tls\]: QUIT'
check "the idle cached connection was closed with QUIT"
! ss -Htn state established "dport = :$p1" | grep -q .
check "no connection to the server stays open after the time limit"

# 4. A cached connection whose server went away.
send 1 r@reuse.example.test
wait_sent 'to=<r@reuse.example.test>' 31
kill "$reuse_pid"
wait_status "$reuse_pid" 5 2>/dev/null
server reuse2 "$p1"
send 1 r@reuse.example.test
wait_sent 'to=<r@reuse.example.test>' 32
check "after the server closed the cached connection the next message is delivered"
! grep -E 'to=<r@reuse.example.test>.*status=deferred' "$INSTANCE_LOG" | grep -q .
check "and nothing was deferred"
grep -q '^C\[tls\]: RCPT TO:<r@reuse.example.test>' "$INSTANCE_DIR/reuse2/log"
check "it went over a fresh TLS connection"

# 2. smtp_connection_cache_on_demand = no.
send 5 r@nocache.example.test
wait_sent 'to=<r@nocache.example.test>' 5
check "5 messages with smtp_connection_cache_on_demand = no are delivered"
[ "$(grep -c '^S: connection' "$INSTANCE_DIR/nocache/log")" -eq 5 ]
check "one connection per message"
! grep 'to=<r@nocache.example.test>' "$INSTANCE_LOG" | grep -q conn_use=
check "no conn_use in their status lines"

# 3. Two TLS levels to the same host:port never share a connection.
send 10 p@plain.example.test e@enc.example.test
wait_sent 'to=<(p@plain|e@enc).example.test>' 10
check "10 messages at levels none and encrypt to one host:port are delivered"
! grep -q '^C: RCPT TO:<e@enc' "$INSTANCE_DIR/levels/log"
check "no encrypt delivery went over a plaintext connection"
! grep -q '^C\[tls\]: RCPT TO:<p@plain' "$INSTANCE_DIR/levels/log"
check "no level none delivery went over a TLS connection"
awk '/^S: connection/ { kind = "" }
     /RCPT TO:<e@enc/ { if (kind == "p") bad = 1; kind = "e" }
     /RCPT TO:<p@plain/ { if (kind == "e") bad = 1; kind = "p" }
     END { exit bad }' "$INSTANCE_DIR/levels/log"
check "no connection carried both levels"

# 6. A cached connection that does not fit the next request: the scripted
# server takes one connection at a time, so a connection still held would
# keep the second message waiting for the server's 30-second timeout (the
# bound below leaves room for a loaded machine).
send 2 a@one.example.test b@two.example.test
wait_until 20 sent_at_least 'to=<(a@one|b@two).example.test>' 2
check "two messages to one server under two next-hop names are delivered at once"
awk '/^S: connection/ { n++ } /^C\[tls\]: QUIT/ && n == 1 { quit = 1 } END { exit !(n == 2 && quit) }' \
    "$INSTANCE_DIR/switch/log"
check "the first connection ended with QUIT before the second one"

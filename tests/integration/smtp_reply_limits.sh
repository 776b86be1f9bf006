#!/bin/bash
# smtp_reply_limits.sh - hostile servers against the SMTP client and
# posttls-finger (tests/helpers/fake_smtpd.py):
#   - a server whose EHLO reply is an endless stream of "250-" lines: a
#     posttls-finger with -T 3 gives up after about 3 seconds (the timeout
#     is for the whole reply) and shows at most 1000 of the lines;
#   - a server that follows its RSET reply with an unasked "421" in a TLS
#     record of its own (it waits inside the client's TLS engine, the
#     socket shows nothing): the cached connection is not used again, the
#     next message goes over a new connection and is delivered.
# The deadline of the SMTP client for a whole reply, the line cap and the
# smtp_line_length_limit bounds have unit tests (smtp_chat_test,
# smtp_data_test, config_test).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
certs=$(mktemp -d /tmp/smtp-limits-certs.XXXXXX)
at_exit 'rm -rf "$certs"'
certs_make "$certs" || not_ok "certificates"

# server NAME PORT ARGS... - a scripted server on PORT, logging in $INSTANCE_DIR/NAME
server() {
    local name=$1 port=$2
    shift 2
    fake_smtpd_start "$INSTANCE_DIR/$name" --listen-port "$port" "$@"
}

read -r pin pend prset < <(free_port 3 | tr '\n' ' ')

# 1. posttls-finger and an endless EHLO reply.
server endless "$pend" --mode endless
start=$SECONDS
# At most 5 MB of output is kept (a posttls-finger that logs every line
# would fill the disk); the reply's first 1000 lines are about 80 KB.
bounded 40 "$TEST_BIN/posttls-finger" -l none -T 3 "[127.0.0.1]:$pend" 2>&1 |
    head -c 5000000 >"$certs/ptf.out"
took=$((SECONDS - start))
out=$(grep -v '^posttls-finger: < 250-' "$certs/ptf.out")
[ "$took" -le 15 ]
check "posttls-finger gives up an endless reply by itself ($took s, -T 3)"
has "it says it timed out" "timeout while reading EHLO reply" "$out"
n=$(grep -c '< 250-' "$certs/ptf.out")
[ "$n" -ge 1 ] && [ "$n" -le 1000 ]
check "it shows at most 1000 lines of the reply ($n)"
has "and says that more were not shown" "more than 1000 lines" "$out"

# 2. An unasked reply waiting inside the TLS engine of a cached connection.
server rset "$prset" --mode starttls --chain "$certs/rsa-chain.pem" \
    --maildir "$INSTANCE_DIR/rset" --after-rset "421 4.3.2 unasked, going away"
instance_master_cf_relay "$pin"
instance_main_cf \
    "mydestination =" "mynetworks = 127.0.0.0/8" "alias_maps =" \
    "transport_maps = inline:{ rset.example.test=smtp:[127.0.0.1]:$prset }" \
    "smtp_connection_cache_destinations = [127.0.0.1]:$prset" \
    "smtp_tls_security_level = encrypt" \
    "smtp_connection_cache_time_limit = 30s" \
    "minimal_backoff_time = 1h" "maximal_backoff_time = 2h" "queue_run_delay = 1h"
instance_start "$pin"
require "the instance starts"

# send - one message to r@rset.example.test
send() {
    instance_smtp_send -f s@a.example.test "$pin" r@rset.example.test
}

# sent N - N messages to r@rset.example.test are sent
sent() {
    [ "$(grep -F 'to=<r@rset.example.test>' "$INSTANCE_LOG" | grep -c 'status=sent')" -ge "$1" ]
}

send
wait_until 30 sent 1
require "the first message is delivered"
wait_until 10 grep -q '^S: 421 4.3.2 unasked' "$INSTANCE_DIR/rset/log"
require "the server sent its unasked 421 after RSET"
send
wait_until 30 sent 2
check "the second message is delivered"
! grep -F 'to=<r@rset.example.test>' "$INSTANCE_LOG" | grep -q 'status=deferred'
check "nothing was deferred"
! grep -q '421 4.3.2 unasked' "$INSTANCE_LOG"
check "the unasked 421 was never taken for a reply"
[ "$(grep -c '^S: connection' "$INSTANCE_DIR/rset/log")" -eq 2 ]
check "the second message used a new connection"
[ "$(grep -c '^C\[tls\]: MAIL FROM' "$INSTANCE_DIR/rset/log")" -eq 2 ]
check "one MAIL FROM per message"

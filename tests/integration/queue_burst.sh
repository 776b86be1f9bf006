#!/bin/bash
# queue_burst.sh - a burst of mail while the queue manager cannot keep up.
#
# qmgr is stopped (SIGSTOP) while 300 messages arrive over 4 concurrent SMTP
# connections: every cleanup's wake-up of qmgr finds the backlog of
# public/qmgr full sooner or later. A cleanup process must not wait for
# room there (master would replace every waiting one: hundreds of
# processes), and once qmgr runs again it must take the whole backlog of
# wake-ups in one go and deliver every message.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

load=$TEST_HELPERS/bench_load
messages=300
concurrency=4

instance_create
port=$(free_port)
instance_master_cf "127.0.0.1:$port inet n - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "discard unix - - n - - discard"
instance_main_cf "mydestination =" "mynetworks = 127.0.0.0/8" "alias_maps =" \
    "default_transport = discard"
instance_start "$port"
require "the instance starts"

# service_pids NAME - pids of the instance's processes of one service
service_pids() {
    instance_procs | awk -v n="$1" '$3 ~ ("/" n "$") || $3 == n { print $2 }'
}

bounded 60 "$load" -m plain -p "$port" -c 1 -n 1 >/dev/null
instance_wait_log 'status=sent' 10
check "a first message is delivered"
qmgr_pid=$(service_pids qmgr)
[ -n "$qmgr_pid" ]
check "qmgr runs (pid ${qmgr_pid:-none})"

kill -STOP "$qmgr_pid"
start=$SECONDS
out=$(bounded 120 "$load" -m plain -p "$port" -c "$concurrency" -n "$messages")
elapsed=$((SECONDS - start))
echo "# $out"
echo "$out" | grep -q "\"units\": $messages, .*\"errors\": 0"
check "$messages messages accepted while qmgr is stopped"
[ "$elapsed" -lt 20 ]
check "accepting them took ${elapsed}s (no sender waits for qmgr)"
cleanups=$(service_pids cleanup | wc -l)
[ "$cleanups" -le $((2 * concurrency + 2)) ]
check "$cleanups cleanup processes for $concurrency concurrent sessions"
ls "$INSTANCE_QUEUE/incoming" | grep -qv '^\.'
check "the messages wait in incoming"

kill -CONT "$qmgr_pid"
deadline=$((SECONDS + 30))
while [ "$(grep -c ': removed$' "$INSTANCE_LOG")" -lt $((messages + 1)) ] &&
    [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.2
done
[ "$(grep -c 'status=sent' "$INSTANCE_LOG")" -eq $((messages + 1)) ]
check "every message is delivered once qmgr runs again"
[ -z "$(find "$INSTANCE_QUEUE/incoming" "$INSTANCE_QUEUE/active" -type f)" ]
check "incoming and active are empty"
! grep -E 'warning|fatal|panic' "$INSTANCE_LOG"
check "no warnings in the log"

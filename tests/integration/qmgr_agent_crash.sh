#!/bin/bash
# qmgr_agent_crash.sh - a delivery agent that dies after it has recorded
# its deliveries and before it has reported them.
#
# The crash_agent helper marks every recipient of the request done in the
# queue file and then aborts. The queue manager gets no result for them;
# it must read the done marks from the file rather than log a deferral
# ("unknown mail transport error") for recipients that the file shows
# finished, and it must then remove the message instead of trying it
# again.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
port=$(free_port)
instance_master_cf "127.0.0.1:$port inet n - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "crashy unix - - n - - $TEST_HELPERS/crash_agent"
instance_main_cf "mydestination =" "mynetworks = 127.0.0.0/8" "alias_maps =" \
    "default_transport = crashy"
instance_start "$port"
require "the instance starts"

bounded 30 swaks --server 127.0.0.1 --port "$port" --from sender@example.org \
    --to one@example.com,two@example.com --timeout 10 >"$INSTANCE_DIR/swaks.out" 2>&1
grep -q "^<- *250 .*queued as" "$INSTANCE_DIR/swaks.out"
check "the message with two recipients is accepted"
id=$(sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' "$INSTANCE_DIR/swaks.out" | head -1)

instance_wait_log "crash_agent\\[[0-9]+\\]: crash_agent: marked 2 recipients done" 20
check "the agent marks both recipients done and aborts"
instance_wait_log "$id: removed" 20
check "qmgr removes the message (the file shows every recipient done)"
lacks "no deferral logged for a recipient that the file shows done" "status=deferred" \
    "$(instance_log)"
lacks "no 'unknown mail transport error' for them" "unknown mail transport error" \
    "$(instance_log)"
[ ! -e "$INSTANCE_QUEUE/deferred" ] || [ -z "$(find "$INSTANCE_QUEUE/deferred" -type f)" ]
check "nothing waits in the deferred queue"

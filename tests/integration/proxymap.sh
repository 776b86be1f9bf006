#!/bin/bash
# proxymap.sh - proxy: tables served by the real proxymap(8) under our
# master: postmap -q reads through the proxymap service; a table that
# proxy_read_maps does not list is refused with Postfix's warnings (a
# lookup error, never "not found"); postmap -i, -d and -s change and walk
# a btree table through proxywrite, which proxy_write_maps must list; a
# write service that may run more than one process warns;
# postscreen keeps its cache (lookups, updates, the start-up walk) in a
# proxy:btree: table; smtpd and cleanup resolve virtual aliases through
# proxy:, and answer 451 4.3.0 when the service refuses the table.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

postmap=$TEST_BIN/postmap
instance_create
cf=$INSTANCE_CONF
data=$INSTANCE_DATA
read -r smtp_port psc_port <<<"$(free_port 2 | tr '\n' ' ')"
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT

aliases=$(instance_table hash valias "team@proxy.test alice@dest.test" "old@proxy.test bob@dest.test") ||
    fail "the alias table is built"
denied=$(instance_table hash denied "x@proxy.test y@proxy.test") || fail "a second table is built"
instance_master_cf_relay "$smtp_port" \
    "proxymap unix - - n - - proxymap" \
    "proxywrite unix - - n - 1 proxymap" \
    "proxyw2 unix - - n - - proxymap -o proxywrite_service_name=proxyw2" \
    "127.0.0.1:$psc_port inet n - n - 1 postscreen -o mynetworks=127.0.0.4/32" \
    "smtpd pass - - n - - smtpd"
instance_main_cf \
    "mynetworks = 127.0.0.0/8" \
    "virtual_alias_domains = proxy.test" \
    "virtual_alias_maps = proxy:$aliases" \
    "relayhost = [127.0.0.1]:$sink_port" \
    "proxy_read_maps = \$virtual_alias_maps proxy:btree:$data/cache" \
    "proxy_write_maps = proxy:btree:$data/cache \$postscreen_cache_map" \
    "postscreen_cache_map = proxy:btree:$data/psc_cache" "postscreen_greet_wait = 1s" \
    "smtpd_recipient_restrictions = permit_mynetworks, reject" \
    "minimal_backoff_time = 300s" "maximal_backoff_time = 600s" "queue_run_delay = 300s"
instance_start "$smtp_port" "$psc_port"
require "the instance starts"

# run_pm ARGS... - postmap as the instance's user; output in $out, errors in $err, status in $rc
run_pm() {
    out=$(instance_run "$postmap" -c "$cf" "$@" 2>"$INSTANCE_DIR/stderr")
    rc=$?
    err=$(cat "$INSTANCE_DIR/stderr")
}

run_pm -q team@proxy.test "proxy:$aliases"
same "postmap -q through the proxymap service" "0:alice@dest.test" "$rc:$out"
run_pm -q nobody@proxy.test "proxy:$aliases"
same "a key the table lacks: not found, exit 1" "1:" "$rc:$out"
has "... served by a proxymap process of the instance" "proxymap -n proxymap" "$(instance_procs)"

run_pm -q x@proxy.test "proxy:$denied"
same "a table proxy_read_maps does not list: lookup error, exit 2" "2:" "$rc:$out"
has "... the client names the service and the table" \
    "proxymap service is not configured for table \"$denied\"" "$err"
wait_until 10 grep -q "request for unapproved table: \"$denied\"" "$INSTANCE_LOG"
check "... proxymap logs the request for an unapproved table"
has "... and how to approve it" \
    "to approve this table for read-only access, list proxy:$denied in main.cf:proxy_read_maps" \
    "$(instance_log)"

# --- proxywrite: a btree table changed and walked through the service ---
printf 'k1 v1\nk2 v2\n' | instance_run "$postmap" -c "$cf" -i "proxy:btree:$data/cache" 2>"$INSTANCE_DIR/stderr"
same "postmap -i through proxywrite" "0:" "$?:$(cat "$INSTANCE_DIR/stderr")"
[ -f "$data/cache.db" ]
check "... the write service created the btree file"
has "... a proxywrite process did it" "proxymap -n proxywrite" "$(instance_procs)"
run_pm -q k2 "btree:$data/cache"
same "... the file itself holds the new entry" "0:v2" "$rc:$out"
printf 'k1 new\n' | instance_run "$postmap" -c "$cf" -i "proxy:btree:$data/cache" 2>/dev/null
run_pm -q k1 "btree:$data/cache"
same "an update through proxywrite replaces the old value" "new" "$out"
run_pm -d k2 "proxy:btree:$data/cache"
same "postmap -d through proxywrite" 0 "$rc"
run_pm -q k2 "btree:$data/cache"
same "... the key is gone from the file" 1 "$rc"
run_pm -d k2 "proxy:btree:$data/cache"
same "... deleting it again: not found, exit 1" 1 "$rc"
run_pm -s "proxy:btree:$data/cache"
same "postmap -s walks the table through the service" "k1	new" "$out"
printf 'k9 v9\n' | instance_run "$postmap" -c "$cf" -i "proxy:btree:$data/other" 2>"$INSTANCE_DIR/stderr"
same "a table proxy_write_maps does not list: refused, exit 2" 2 "$?"
has "... with the service and the table" "proxywrite service is not configured for table" \
    "$(cat "$INSTANCE_DIR/stderr")"
wait_until 10 grep -q "to approve this table for read-write access, list proxy:btree:$data/other in main.cf:proxy_write_maps" "$INSTANCE_LOG"
check "... proxywrite logs how to approve it"
[ ! -e "$data/other.db" ]
check "... and creates nothing"

# --- a proxywrite service that master.cf lets run more than one process ---
lacks "proxywrite with maxproc 1 starts without a warning" "more than one process may update" \
    "$(instance_log)"
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
s.recv(100)' "$INSTANCE_QUEUE/private/proxyw2"
check "a write service without maxproc 1 answers"
wait_until 10 grep -q "warning: service proxyw2: more than one process may update the same tables at once: set the maxproc column of proxyw2 in master.cf to 1" "$INSTANCE_LOG"
check "... and warns that its updates may race"

# --- postscreen keeps its cache through proxywrite ---
# psc_greeting - connect to postscreen as 127.0.0.1 and QUIT; the greeting lines
psc_greeting() {
    PYTHONPATH=$TEST_TOP/tests/integration/lib bounded 30 python3 - "$psc_port" <<'PYEOF'
import sys
from smtp_session import Session
s = Session.connect(int(sys.argv[1]), source="127.0.0.1")
print("\n".join(s.reply()[1]))
s.cmd("QUIT")
s.close()
PYEOF
}
out=$(psc_greeting)
has "a new client waits through postscreen's greeting test" "220-mail.example.test" "$out"
wait_until 10 grep -q "postscreen\[[0-9]*\]: PASS NEW \[127.0.0.1\]" "$INSTANCE_LOG"
check "... and passes it"
has "postscreen walked its proxy: cache at start-up (a sequence through proxywrite)" \
    "cache proxy:btree:$data/psc_cache full cleanup: retained=0 dropped=0 entries" "$(instance_log)"
psc_stamps() {
    run_pm -q 127.0.0.1 "btree:$data/psc_cache"
    [[ "$out" =~ ^[0-9]+\;[0-9]+\;[0-9]+\;[0-9]+\;[0-9]+$ ]]
}
wait_until 10 psc_stamps
check "postscreen's cache update went through proxywrite into the btree file"
out=$(psc_greeting)
same "the cached client is let in at once (its entry read through proxywrite)" \
    "220 mail.example.test ESMTP Postern" "$out"

# --- daemons: smtpd and cleanup resolve virtual aliases through proxymap ---
send() {
    local subject=$1
    shift
    printf 'From: s@src.test\nSubject: %s\n\nbody of %s\n' "$subject" "$subject" |
        timeout 90 python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$smtp_port" s@src.test "$@"
}
out=$(send "to team" team@proxy.test)
has "an alias known through proxy: is accepted" "250 2.0.0 Ok: queued as" "$out"
wait_until 20 fake_smtpd_arrived "$INSTANCE_DIR/sink" "to team" >/dev/null
check "... and delivered"
has "... to the address the table gives" "to=<alice@dest.test>, orig_to=<team@proxy.test>" \
    "$(instance_log)"
out=$(send "to nobody" nobody@proxy.test)
has "an address the table lacks is rejected" "550 5.1.1 <nobody@proxy.test>" "$out"

instance_stop
instance_main_cf "virtual_alias_maps = proxy:$denied" "proxy_read_maps = proxy:$aliases"
instance_start "$smtp_port"
require "the instance starts again with a table proxymap refuses"
out=$(send "refused" x@proxy.test)
has "smtpd with a refused proxy: table answers 451 4.3.0" "451 4.3.0 <x@proxy.test>: Temporary lookup failure" "$out"
lacks "nothing bounced" "status=bounced" "$(instance_log)"

[ "$ASSERT_FAILURES" -eq 0 ]

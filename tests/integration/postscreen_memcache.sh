#!/bin/bash
# postscreen_memcache.sh - postscreen_cache_map in a private memcached
# (lib/memcached.sh), shared by two postscreen services as by two MX hosts:
# a client that passed at one ("PASS NEW", its entry in memcached under
# key_format) goes straight through at the other ("PASS OLD"); without a
# backup table the cache cannot be walked, so postscreen warns that it does
# no cleanup, and keeps working; with a backup table the cleanup walks the
# backup table.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/memcached.sh"

memcached_available || skip "$MEMCACHED_MISSING"

instance_create
memcached_start
mc_port=$MEMCACHED_PORT
read -r p_one p_two p_backup <<<"$(free_port 3 | tr '\n' ' ')"
printf 'memcache = inet:127.0.0.1:%s\nkey_format = psc:%%s\nttl = 600\n' "$mc_port" \
    >"$INSTANCE_CONF/psc_cache.cf"
printf 'memcache = inet:127.0.0.1:%s\nkey_format = pscb:%%s\nbackup = btree:%s/backup_cache\n' \
    "$mc_port" "$INSTANCE_DATA" >"$INSTANCE_CONF/psc_backup.cf"
chmod 644 "$INSTANCE_CONF/psc_cache.cf" "$INSTANCE_CONF/psc_backup.cf"
instance_master_cf \
    "127.0.0.1:$p_one inet n - n - 1 postscreen" \
    "127.0.0.1:$p_two inet n - n - 1 postscreen -o postscreen_cache_cleanup_interval=0" \
    "127.0.0.1:$p_backup inet n - n - 1 postscreen -o postscreen_cache_map=memcache:$INSTANCE_CONF/psc_backup.cf" \
    "smtpd pass - - n - - smtpd"
instance_main_cf "smtpd_banner = \$myhostname ESMTP" "postscreen_greet_wait = 1s" "postscreen_access_list =" \
    "postscreen_cache_map = memcache:$INSTANCE_CONF/psc_cache.cf"
instance_start "$p_one" "$p_two" "$p_backup"
require "the instance starts with memcache: caches"

ONE=$p_one TWO=$p_two BACKUP=$p_backup LOG=$INSTANCE_LOG PYTHONPATH=$top/tests/integration/lib \
    bounded 60 python3 - <<'PYEOF'
import os, re
from smtp_session import Session, Checks, wait_for

t = Checks()
one, two, backup = int(os.environ["ONE"]), int(os.environ["TWO"]), int(os.environ["BACKUP"])
log = os.environ["LOG"]

def logged(regex, seconds=5):
    """The first maillog line that matches, within seconds."""
    def find():
        for line in open(log, errors="replace"):
            if re.search(regex, line):
                return line.rstrip("\n")
        return None
    return wait_for(find, seconds)

def visit(port, source):
    """One session to the greeting of smtpd; its local port and greeting lines."""
    s = Session.connect(port, source=source)
    r = s.reply()
    local = s.sock.getsockname()[1]
    s.cmd("QUIT")
    s.close()
    return local, r

t.ok(logged(r"postscreen\[\d+\]: warning: cache memcache:.*psc_cache\.cf cannot be walked "
            r"\(a memcache: table needs a backup table for that\): no cache cleanup; "
            r"set postscreen_cache_cleanup_interval = 0"),
     "without a backup table, postscreen warns that it cannot clean the cache")
t.ok(not logged(r"cache memcache:.*psc_cache\.cf full cleanup", 0.1), "... and does not try")
local, r = visit(one, "127.0.0.2")
t.ok(r[1][-1] == "220 mail.example.test ESMTP", "a new client is handed to smtpd", r)
t.ok(logged(r"PASS NEW \[127\.0\.0\.2\]:%d$" % local), "postscreen logs PASS NEW")
local, r = visit(two, "127.0.0.2")
t.ok(r[1] == ["220 mail.example.test ESMTP"], "the other service gets it straight through", r)
t.ok(logged(r"PASS OLD \[127\.0\.0\.2\]:%d$" % local), "... logged PASS OLD: the cache is shared")
local, r = visit(backup, "127.0.0.3")
t.ok(logged(r"PASS NEW \[127\.0\.0\.3\]:%d$" % local), "a client passes at the service with a backup table")
t.ok(logged(r"cache memcache:.*psc_backup\.cf full cleanup: retained=0 dropped=0 entries"),
     "... whose cleanup walks the backup table without a warning")
t.summary()
PYEOF
check "the sessions ran"
value=$(memcached_get "$mc_port" psc:127.0.0.2)
case $value in
*\;*) ok "memcached holds the client's entry under key_format (psc:127.0.0.2)" ;;
*) not_ok "memcached holds the client's entry under key_format (psc:127.0.0.2)" "got: $value" ;;
esac
value=$(memcached_get "$mc_port" pscb:127.0.0.3)
case $value in
*\;*) ok "... and the other client's entry under its own prefix (pscb:127.0.0.3)" ;;
*) not_ok "... and the other client's entry under its own prefix (pscb:127.0.0.3)" "got: $value" ;;
esac
# postscreen holds the backup file's lock until it exits.
instance_stop
out=$(MAIL_CONFIG=$INSTANCE_CONF "$TEST_BIN/postmap" -q 127.0.0.3 "btree:$INSTANCE_DATA/backup_cache" 2>&1)
case $out in
*\;*) ok "the backup table has that entry too" ;;
*) not_ok "the backup table has that entry too" "got: $out" ;;
esac
[ "$ASSERT_FAILURES" -eq 0 ]

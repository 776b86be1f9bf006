#!/bin/bash
# table_memcache.sh - memcache: tables against a private memcached
# (lib/memcached.sh), as an operator sees them: a miss goes to the backup
# table and the answer is then cached (with key_format); postmap -i and -d
# update the backup table and the cache; keys that memcached cannot take
# use the backup table alone; with memcached down the backup table still
# answers (with a warning) and without a backup table the lookup fails;
# a server that hangs is a lookup error within the timeout setting; smtpd
# answers from the backup table while memcached is down.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/memcached.sh"
. "$top/tests/integration/lib/table_server.sh"

memcached_available || skip "$MEMCACHED_MISSING"

postmap=$TEST_BIN/postmap
instance_create
cf=$INSTANCE_CONF
memcached_start
port=$MEMCACHED_PORT
mc_pid=$MEMCACHED_PID

long_key=$(printf 'x%.0s' $(seq 300))@mc.test
cat >"$cf/backup" <<END
alice@mc.test     REJECT alice is blocked
$long_key         never sent to memcached
END
MAIL_CONFIG=$cf "$postmap" "btree:$cf/backup" || fail "the backup table is built"
printf 'memcache = inet:127.0.0.1:%s\nbackup = btree:%s/backup\nkey_format = acl:%%s\nttl = 600\n' \
    "$port" "$cf" >"$cf/cached.cf"
printf 'memcache = inet:127.0.0.1:%s\ntimeout = 2\n' "$port" >"$cf/plain.cf"

# run_pm ARGS... - postmap; output in $out, errors in $err, status in $rc
run_pm() {
    local start=$SECONDS
    out=$(MAIL_CONFIG=$cf timeout 60 "$postmap" "$@" 2>"$INSTANCE_DIR/stderr")
    rc=$?
    err=$(cat "$INSTANCE_DIR/stderr")
    secs=$((SECONDS - start))
}

same "nothing cached at first" "" "$(memcached_get "$port" acl:alice@mc.test)"
run_pm -q alice@mc.test "memcache:$cf/cached.cf"
same "a miss is answered by the backup table" "0:REJECT alice is blocked" "$rc:$out"
same "... and the answer is cached under key_format" "REJECT alice is blocked" \
    "$(memcached_get "$port" acl:alice@mc.test)"
run_pm -q nobody@mc.test "memcache:$cf/cached.cf"
same "not in memcached nor in the backup table: not found" "1:" "$rc:$out"
run_pm -q "$long_key" "memcache:$cf/cached.cf"
same "a key too long for memcached goes to the backup table alone" "0:never sent to memcached" "$rc:$out"

echo "bob@mc.test OK added" | MAIL_CONFIG=$cf "$postmap" -i "memcache:$cf/cached.cf"
same "postmap -i updates the backup table" "OK added" "$(MAIL_CONFIG=$cf "$postmap" -q bob@mc.test "btree:$cf/backup")"
same "... and the cache" "OK added" "$(memcached_get "$port" acl:bob@mc.test)"
run_pm -d bob@mc.test "memcache:$cf/cached.cf"
same "postmap -d removes the key" 0 "$rc"
same "... from the cache" "" "$(memcached_get "$port" acl:bob@mc.test)"
run_pm -q bob@mc.test "btree:$cf/backup"
same "... and from the backup table" 1 "$rc"

echo "carol@mc.test only cached" | MAIL_CONFIG=$cf "$postmap" -i "memcache:$cf/plain.cf"
run_pm -q carol@mc.test "memcache:$cf/plain.cf"
same "without a backup table: memcached alone" "0:only cached" "$rc:$out"

memcached_stop "$mc_pid"
run_pm -q alice@mc.test "memcache:$cf/cached.cf"
same "memcached down: the backup table still answers" "0:REJECT alice is blocked" "$rc:$out"
has "... with a warning that names the server" "inet:127.0.0.1:$port" "$err"
run_pm -q carol@mc.test "memcache:$cf/plain.cf"
same "memcached down and no backup table: a lookup error" 2 "$rc"

mkdir -p "$INSTANCE_DIR/hang"
table_server_start "$INSTANCE_DIR/hang" tcp hang
printf 'memcache = inet:127.0.0.1:%s\ntimeout = 2\n' "$TABLE_SERVER_PORT" >"$cf/hang.cf"
run_pm -q alice@mc.test "memcache:$cf/hang.cf"
same "a memcached that hangs: lookup error" 2 "$rc"
[ "$secs" -le 8 ] && ok "... within the timeout setting (${secs}s)" || not_ok "... after ${secs}s"

# --- smtpd: an access table cached in memcached ---
memcached_start "$port"
smtp_port=$(free_port)
instance_master_cf_relay "$smtp_port"
instance_main_cf \
    "mynetworks = 127.0.0.0/8" \
    "relayhost = [127.0.0.1]:$(free_port)" \
    "smtpd_recipient_restrictions = check_recipient_access memcache:$cf/cached.cf, permit_mynetworks, reject"
instance_start "$smtp_port"
require "the instance starts"

# rcpt ADDRESS - the reply to RCPT TO in one session
rcpt() {
    printf 'Subject: t\n\nbody\n' |
        timeout 60 python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$smtp_port" s@src.test "$1" |
        sed -n 4p
}
same "smtpd: the access result through memcache:" \
    "554 5.7.1 <alice@mc.test>: Recipient address rejected: alice is blocked" "$(rcpt alice@mc.test)"
memcached_stop "$MEMCACHED_PID"
same "smtpd: memcached down, the backup table answers" \
    "554 5.7.1 <alice@mc.test>: Recipient address rejected: alice is blocked" "$(rcpt alice@mc.test)"

[ "$ASSERT_FAILURES" -eq 0 ]

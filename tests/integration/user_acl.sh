#!/bin/bash
# user_acl.sh - authorized_submit_users, authorized_mailq_users and
# authorized_flush_users: who may submit mail with sendmail (and postdrop),
# list the queue with postqueue -p, mailq and sendmail -bp, and ask for
# deliveries with postqueue -f/-s/-i and sendmail -q. The instance's user
# is refused with Postfix's messages and status 77 when a list leaves it
# out (by name, by "!name", by a table), is admitted by name, by a
# /file/name pattern and by a table, and nothing is queued for a refused
# submission; a list that cannot be read gives status 75; mail_owner may
# always list and flush, and (as root) so may root; a user ID without a
# password file entry is "unknown".

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
instance_master_cf "qmgr unix n - n 300 1 qmgr"
instance_main_cf "queue_run_delay = 1h"
instance_start
require "the instance starts"
user=$(instance_run id -un)
uid=$(instance_run id -u)

# run OUT CMD... - run a command of the instance as its user; its status, stderr in OUT
run() {
    local out=$1
    shift
    instance_run "$@" </dev/null >/dev/null 2>"$INSTANCE_DIR/$out"
    echo $?
}

# submit - sendmail of one message as the instance's user; its status
submit() {
    printf 'Subject: acl\n\nbody\n' | instance_sendmail bob@example.com 2>"$INSTANCE_DIR/submit.err" >/dev/null
    echo $?
}

# maildrop_count - files in the maildrop queue (no pickup runs here)
maildrop_count() {
    find "$INSTANCE_QUEUE/maildrop" -type f | wc -l
}

pq=$TEST_BIN/postqueue

# --- the defaults admit everyone ---
[ "$(submit)" = 0 ] && [ "$(maildrop_count)" = 1 ]
check "by default the user may submit mail"
[ "$(run p.err "$pq" -c "$INSTANCE_CONF" -p)" = 0 ] && [ "$(run f.err "$pq" -c "$INSTANCE_CONF" -f)" = 0 ]
check "by default the user may list and flush the queue"

# --- authorized_submit_users ---
instance_main_cf "authorized_submit_users = !$user, static:all"
status=$(submit)
same "a user excluded with !name may not submit: status 77" 77 "$status"
has "sendmail says who may not submit, as Postfix does" \
    "fatal: User $user($uid) is not allowed to submit mail" "$(cat "$INSTANCE_DIR/submit.err")"
same "nothing is queued for the refused submission" 1 "$(maildrop_count)"
instance_wait_log "sendmail\[[0-9]+\]: fatal: User $user\($uid\) is not allowed to submit mail" 5
check "the refusal is in the mail log"
status=$(run postdrop.err "$TEST_BIN/postdrop" -c "$INSTANCE_CONF")
[ "$status" = 77 ] && grep -q "User $user($uid) is not allowed to submit mail" "$INSTANCE_DIR/postdrop.err"
check "postdrop refuses the user too, before reading input" "status $status" "$(cat "$INSTANCE_DIR/postdrop.err")"
instance_main_cf "authorized_submit_users ="
[ "$(submit)" = 77 ]
check "an empty authorized_submit_users admits nobody"
printf '# who may\nroot\n%s\n' "$user" >"$INSTANCE_DIR/submitters"
instance_main_cf "authorized_submit_users = $INSTANCE_DIR/submitters"
[ "$(submit)" = 0 ] && [ "$(maildrop_count)" = 2 ]
check "a user listed in a /file/name pattern may submit"

# --- authorized_mailq_users ---
instance_main_cf "authorized_mailq_users = root"
status=$(run p.err "$pq" -c "$INSTANCE_CONF" -p)
[ "$status" = 77 ] && grep -q "fatal: User $user($uid) is not allowed to view the mail queue" "$INSTANCE_DIR/p.err"
check "authorized_mailq_users = root: postqueue -p refuses the user with status 77" "status $status" "$(cat "$INSTANCE_DIR/p.err")"
status=$(run bp.err "$TEST_BIN/sendmail" -C "$INSTANCE_CONF" -bp)
[ "$status" = 77 ] && grep -q "is not allowed to view the mail queue" "$INSTANCE_DIR/bp.err"
check "sendmail -bp is refused the same way"
instance_main_cf "authorized_mailq_users = inline:{$user=yes}"
[ "$(run p.err "$pq" -c "$INSTANCE_CONF" -p)" = 0 ]
check "a user that is a key of a table may list the queue"

# --- authorized_flush_users ---
instance_main_cf "authorized_flush_users = inline:{root=yes}"
for args in "-f" "-s example.com" "-i 4ABCDEF"; do
    # shellcheck disable=SC2086
    status=$(run f.err "$pq" -c "$INSTANCE_CONF" $args)
    [ "$status" = 77 ] && grep -q "fatal: User $user($uid) is not allowed to flush the mail queue" "$INSTANCE_DIR/f.err"
    check "postqueue $args: a user who is not in the table may not flush (77)" "status $status" "$(cat "$INSTANCE_DIR/f.err")"
done
status=$(run q.err "$TEST_BIN/sendmail" -C "$INSTANCE_CONF" -q)
[ "$status" = 77 ] && grep -q "is not allowed to flush the mail queue" "$INSTANCE_DIR/q.err"
check "sendmail -q is refused the same way"
instance_main_cf "authorized_flush_users = root, $user"
[ "$(run f.err "$pq" -c "$INSTANCE_CONF" -f)" = 0 ]
check "a user named in the list may flush"
instance_main_cf "authorized_flush_users = $INSTANCE_DIR/no-such-file"
status=$(run f.err "$pq" -c "$INSTANCE_CONF" -f)
[ "$status" = 75 ] && grep -q "authorized_flush_users" "$INSTANCE_DIR/f.err"
check "a list that cannot be read: status 75, naming the parameter" "status $status" "$(cat "$INSTANCE_DIR/f.err")"

# --- mail_owner may always list and flush ---
owner_conf=$INSTANCE_DIR/owner-conf
mkdir "$owner_conf"
{ cat "$INSTANCE_CONF/main.cf"; printf 'mail_owner = %s\nauthorized_mailq_users =\nauthorized_flush_users =\n' "$user"; } \
    >"$owner_conf/main.cf"
chmod -R a+rX "$owner_conf"
[ "$(run p.err "$pq" -c "$owner_conf" -p)" = 0 ] && [ "$(run f.err "$pq" -c "$owner_conf" -f)" = 0 ]
check "mail_owner may list and flush whatever the lists say"

# --- as root: root always may; an ID without an account is "unknown" ---
if [ "$(id -u)" -eq 0 ]; then
    "$pq" -c "$owner_conf" -p >/dev/null 2>&1 && "$pq" -c "$INSTANCE_CONF" -p >/dev/null 2>&1
    check "root may list the queue whatever the lists say"
    nouid=3999999
    if ! getent passwd "$nouid" >/dev/null; then
        instance_main_cf "authorized_submit_users = !unknown, static:all"
        out=$(printf 'x\n' | timeout 30 setpriv --reuid="$nouid" --regid=65534 --clear-groups \
            "$TEST_BIN/sendmail" -C "$INSTANCE_CONF" bob@example.com 2>&1)
        status=$?
        [ "$status" = 77 ] && grep -q "User unknown($nouid) is not allowed to submit mail" <<<"$out"
        check "a user ID without an account is \"unknown\" (!unknown refuses it)" "status $status" "$out"
    fi
fi

instance_stop

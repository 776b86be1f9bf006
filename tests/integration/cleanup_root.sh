#!/bin/bash
# cleanup_root.sh - local submission when the mail system runs as root:
# pickup and cleanup run as mail_owner; root submits with the plain
# sendmail, an ordinary user with a sendmail that is set-group-ID
# setgid_group (maildrop is mode 0730); the submitting user ID shows in
# the log and in the Received: header; a set-group-ID sendmail refuses a
# configuration the user controls; with only postdrop set-group-ID, the
# plain sendmail and sendmail -bs of a user go through postdrop. The
# accounts are made for the test and removed at the end.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
helpers=$TEST_HELPERS

# as_user CMD... - run a command as the throwaway submitter, for at most 60 seconds
as_user() {
    timeout -k 5 60 setpriv --reuid="$submitter" --regid="$(id -g "$submitter")" --init-groups \
        --reset-env -- env PATH="$PATH" "$@"
}

# picked_id SENDER - the queue ID that pickup logged for SENDER, once in incoming
picked_id() {
    local deadline=$((SECONDS + 10)) id
    while [ "$SECONDS" -lt "$deadline" ]; do
        id=$(sed -En "s/.*: ([0-9A-Za-z]+): uid=[0-9]+ from=<$1>.*/\1/p" "$INSTANCE_LOG" | head -1)
        if [ -n "$id" ] && [ -f "$INSTANCE_QUEUE/incoming/$id" ]; then
            echo "$id"
            return 0
        fi
        sleep 0.05
    done
    return 1
}

[ "$(id -u)" -eq 0 ] || skip "the root mode needs root"

owner=mtco$$
group=mtcd$$
submitter=mtcu$$
# private_dirs - the private directories of postdrop and maildrop_post in /tmp
private_dirs() {
    ls /tmp | grep -E '^(postdrop|maildrop)\.' | sort
}
private_before=$(private_dirs)
groupadd "$group" || fail "groupadd $group"
at_exit 'groupdel "$group" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
at_exit 'userdel "$owner" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin -c "Test User" "$submitter" || fail "useradd $submitter"
at_exit 'userdel "$submitter" 2>/dev/null'
INSTANCE_MODE=root
INSTANCE_MAIL_OWNER=$owner
INSTANCE_SETGID_GROUP=$group
instance_create
instance_master_cf \
    "pickup unix n - n 60 1 pickup" \
    "cleanup unix n - n - 0 cleanup"
instance_start
require "postfix start as root"
submitter_uid=$(id -u "$submitter")

# The set-group-ID sendmail that a package would install.
sgid_sendmail=$INSTANCE_DIR/sendmail
cp "$TEST_BIN/sendmail" "$sgid_sendmail"
chgrp "$group" "$sgid_sendmail"
chmod 2755 "$sgid_sendmail"

printf 'Subject: from root\n\nhi\n' | instance_sendmail bob@example.com
check "root submits with the plain sendmail"
id=$(picked_id root)
check "pickup logs uid=0 from=<root>"
[ "$(stat -c %U "$INSTANCE_QUEUE/incoming/$id")" = "$owner" ] &&
    "$helpers/queue_dump" "$INSTANCE_QUEUE" incoming "$id" | grep -qx "sender=root@mail.example.test"
check "the queue file belongs to mail_owner and has the qualified sender"
pids=$(instance_procs | awk '$3 ~ /(^|\/)(cleanup|pickup)$/ { print $2 }')
[ "$(for p in $pids; do ps -o uid= -p "$p"; done | tr -d ' ' | sort -u)" = "$(id -u "$owner")" ]
check "pickup and cleanup run as mail_owner"

out=$(printf 'Subject: x\n\nhi\n' | as_user "$TEST_BIN/sendmail" -C "$INSTANCE_CONF" bob@example.com 2>&1)
[ $? -eq 75 ] && grep -q "cannot create a file in the maildrop queue" <<<"$out"
check "a user without the setgid sendmail gets a clear temporary error"

printf 'Subject: from a user\n\nhi\n' | as_user "$sgid_sendmail" -C "$INSTANCE_CONF" carol@example.com
check "a user submits with the set-group-ID sendmail"
id=$(picked_id "$submitter")
check "pickup logs uid=$submitter_uid from=<$submitter>"
d=$("$helpers/queue_dump" "$INSTANCE_QUEUE" incoming "$id")
grep -qx "|Received: by mail.example.test (Postern, from userid $submitter_uid)" <<<"$d" &&
    grep -qx "|From: Test User <$submitter@mail.example.test>" <<<"$d"
check "the Received: header names the user ID, From: the user's full name"
deadline=$((SECONDS + 10))
until [ "$(ls -A "$INSTANCE_QUEUE/maildrop" | wc -l)" = 0 ] || [ "$SECONDS" -ge "$deadline" ]; do
    sleep 0.05
done
[ "$(ls -A "$INSTANCE_QUEUE/maildrop" | wc -l)" = 0 ]
check "pickup removed the maildrop files"

userconf=$(as_user mktemp -d /tmp/mta-userconf.XXXXXX)
cp "$INSTANCE_CONF/main.cf" "$userconf/main.cf" && chown "$submitter" "$userconf/main.cf"
out=$(printf 'x\n' | as_user "$sgid_sendmail" -C "$userconf" bob@example.com 2>&1)
[ $? -ne 0 ] && grep -q "not trusted by a set-group-ID sendmail" <<<"$out"
check "the set-group-ID sendmail refuses a configuration the user controls"
rm -rf "$userconf"

out=$(instance_run "$TEST_BIN/mailq" -C "$INSTANCE_CONF")
grep -qE " root@mail\.example\.test$" <<<"$out" && grep -qE " $submitter@mail\.example\.test$" <<<"$out" &&
    tail -1 <<<"$out" | grep -q "in 2 Requests"
check "mailq as root lists both messages"
out=$(as_user "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -p 2>&1)
[ $? -ne 0 ] && grep -q "run it as root or as the mail_owner" <<<"$out"
check "postqueue -p by an ordinary user says why it cannot read the queue"

# Only postdrop is set-group-ID: the plain sendmail and sendmail -bs of
# an ordinary user hand their message to it. The instance's TLS key is
# readable by root only; the stand-alone SMTP server must not offer TLS.
cmddir=$INSTANCE_DIR/bin
mkdir "$cmddir" && for f in "$TEST_BIN"/*; do ln -s "$f" "$cmddir/"; done
rm "$cmddir/postdrop" && cp "$TEST_BIN/postdrop" "$cmddir/postdrop" &&
    chgrp "$group" "$cmddir/postdrop" && chmod 2755 "$cmddir/postdrop"
sed -i "s|^command_directory = .*|command_directory = $cmddir|" "$INSTANCE_CONF/main.cf"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=mail.example.test -days 2 \
    -keyout "$INSTANCE_CONF/rootonly.key" -out "$INSTANCE_CONF/rootonly.crt" 2>/dev/null &&
    chmod 600 "$INSTANCE_CONF/rootonly.key" &&
    printf 'smtpd_tls_security_level = may\nsmtpd_tls_chain_files = %s %s\n' \
        "$INSTANCE_CONF/rootonly.key" "$INSTANCE_CONF/rootonly.crt" >>"$INSTANCE_CONF/main.cf"
[ "$(stat -c %a "$INSTANCE_QUEUE/maildrop")" = 730 ] && [ "$(stat -c %a "$cmddir/postdrop")" = 2755 ]
check "maildrop is mode 0730, postdrop is set-group-ID"

out=$(printf 'EHLO client.test\r\nMAIL FROM:<bs@client.test>\r\nRCPT TO:<erin@example.com>\r\nDATA\r\nSubject: sendmail -bs as a user\r\n\r\nhello\r\n.\r\nQUIT\r\n' |
    as_user timeout 20 "$TEST_BIN/sendmail" -C "$INSTANCE_CONF" -bs 2>&1)
grep -q '^250 2.0.0 Ok: queued as' <<<"$out"
check "a user's sendmail -bs gets 250 for the message"
! grep -q STARTTLS <<<"$out"
check "a user's sendmail -bs does not offer STARTTLS (the key is root-only)"
id=$(picked_id "bs@client.test")
check "the sendmail -bs message reaches the queue through postdrop and pickup"
"$helpers/queue_dump" "$INSTANCE_QUEUE" incoming "$id" | grep -q "Subject: sendmail -bs as a user"
check "queue_dump shows the sendmail -bs message"

printf 'Subject: plain\n\nhi\n' | as_user "$TEST_BIN/sendmail" -C "$INSTANCE_CONF" frank@example.com
check "a user's plain sendmail submits through postdrop"
picked_id "$submitter" >/dev/null && [ -n "$(grep -c "uid=$submitter_uid from=<$submitter>" "$INSTANCE_LOG")" ]
check "pickup logs the postdrop message with the user's uid"

out=$(printf 'not a queue file\n' | as_user "$cmddir/postdrop" -c "$INSTANCE_CONF" 2>&1)
[ $? -eq 65 ] && grep -q "postdrop: fatal: invalid message on standard input" <<<"$out"
check "postdrop rejects a malformed input with a clear error"
scratch=$(mktemp -d)
mkdir "$scratch/incoming"
bad_id=$(printf 'Subject: x\n\nhi\n' | "$helpers/queue_inject" "$scratch" "$(printf 'a\tb')" bob@example.com 2>/dev/null)
out=$(as_user "$cmddir/postdrop" -c "$INSTANCE_CONF" <"$scratch/incoming/$bad_id" 2>&1)
[ $? -eq 65 ] && grep -q "control character in the sender" <<<"$out"
check "postdrop rejects a control character in the sender"
rm -rf "$scratch"
out=$(printf 'x\n' | as_user env MAIL_CONFIG=/tmp "$cmddir/postdrop" 2>&1)
[ $? -ne 0 ] && grep -q "not trusted by a set-group-ID postdrop" <<<"$out"
check "postdrop refuses a configuration the user controls"
# The path to the configuration must stay where it was checked: a symbolic
# link that the user could replace is refused, even when it leads to the
# trusted directory at the time; one that only root can replace is fine.
linkdir=$(as_user mktemp -d /tmp/mta-userlink.XXXXXX)
as_user ln -s "$INSTANCE_CONF" "$linkdir/conf"
out=$(printf 'x\n' | as_user "$cmddir/postdrop" -c "$linkdir/conf" 2>&1)
[ $? -ne 0 ] && grep -q "not trusted by a set-group-ID postdrop" <<<"$out"
check "postdrop refuses a configuration reached through a symbolic link the user could swap"
rm -rf "$linkdir"
ln -s "$INSTANCE_CONF" "$INSTANCE_DIR/conf-link"
out=$(printf 'not a queue file\n' | as_user "$cmddir/postdrop" -c "$INSTANCE_DIR/conf-link" 2>&1)
[ $? -eq 65 ] && grep -q "invalid message on standard input" <<<"$out"
check "postdrop accepts a configuration reached through a symbolic link only root can change"
# A postdrop ended by a signal while it reads its input leaves nothing behind.
fifo=$INSTANCE_DIR/postdrop-input
mkfifo "$fifo" && chmod 666 "$fifo"
# A simple command, not as_user: $! is then postdrop itself (setpriv and env exec it).
setpriv --reuid="$submitter" --regid="$(id -g "$submitter")" --init-groups --reset-env -- \
    env PATH="$PATH" "$cmddir/postdrop" -c "$INSTANCE_CONF" <"$fifo" >/dev/null 2>&1 &
pd_pid=$!
exec 7<>"$fifo" # read and write: the open does not wait for a reader
printf 'C' >&7
pd_dir=
for _ in $(seq 50); do
    pd_dir=$(readlink "/proc/$pd_pid/cwd" 2>/dev/null)
    case $pd_dir in /tmp/postdrop.*) break ;; esac
    sleep 0.1
done
case $pd_dir in /tmp/postdrop.*) [ -e "$pd_dir/maildrop/input" ] ;; *) false ;; esac
check "postdrop keeps its input in a private directory (${pd_dir:-none})"
kill -TERM "$pd_pid"
wait_status "$pd_pid" 10
pd_status=$?
exec 7>&-
[ "$pd_status" -eq 143 ] && [ -n "$pd_dir" ] && [ ! -e "$pd_dir" ]
check "postdrop killed by SIGTERM (status $pd_status) removes its private directory"
# Only directories made during this test count: others may come from
# other runs, and a uid from a removed test user may since have been reused.
[ -z "$(private_dirs | comm -13 <(echo "$private_before") -)" ]
check "no private directories are left behind"

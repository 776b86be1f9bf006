#!/bin/bash
# master_root.sh - the mail system started by root: master stays root,
# services drop to mail_owner after their pre-jail hook unless master.cf
# says unpriv n, chroot y jails them in the queue directory, queue
# directories and sockets belong to mail_owner, and stop leaves nothing.
# The mail_owner account and the setgid_group are made for the test and
# removed at the end.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/probe.sh"
probe=$PROBE

[ "$(id -u)" -eq 0 ] || skip "the root mode needs root"

owner=mtao$$
group=mtad$$
groupadd "$group" || fail "groupadd $group"
at_exit 'groupdel "$group" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
at_exit 'userdel "$owner" 2>/dev/null'
INSTANCE_MODE=root
INSTANCE_MAIL_OWNER=$owner
INSTANCE_SETGID_GROUP=$group
instance_create
owner_uid=$(id -u "$owner")
read -r p_drop p_root p_jail <<<"$(free_port 3 | tr '\n' ' ')"
instance_master_cf \
    "127.0.0.1:$p_drop inet n - n - - $probe" \
    "127.0.0.1:$p_root inet n n n - - $probe" \
    "127.0.0.1:$p_jail inet n - y - - $probe" \
    "wake unix - - n - 1 $probe trigger" \
    "pub unix n - n - - $probe"

instance_start
require "postfix start as root"
[ "$(ps -o user= -p "$INSTANCE_MASTER_PID")" = root ]
check "master runs as root"
instance_postfix status 2>&1 | grep -q "the Postern mail system is running: PID: $INSTANCE_MASTER_PID"
check "postfix status says it runs"
[ "$(stat -c %U:%a "$INSTANCE_QUEUE/incoming")" = "$owner:700" ] &&
    [ "$(stat -c %U:%G:%a "$INSTANCE_QUEUE/maildrop")" = "$owner:$group:730" ] &&
    [ "$(stat -c %U:%G:%a "$INSTANCE_QUEUE/public")" = "$owner:$group:710" ] &&
    [ "$(stat -c %U:%a "$INSTANCE_QUEUE/pid")" = "root:755" ]
check "postfix start creates the queue directories with owners and modes"
[ "$(stat -c %U:%A "$INSTANCE_QUEUE/private/wake")" = "$owner:srw-------" ] &&
    [ "$(stat -c %U:%A "$INSTANCE_QUEUE/public/pub")" = "$owner:srw-rw-rw-" ]
check "private sockets are owner-only, public ones open, both owned by mail_owner"

hello=$(probe_greet "$p_drop")
pid=$(probe_field "$hello" pid)
[ "$(probe_field "$hello" uid)" = "$owner_uid" ] && [ "$(ps -o user= -p "$pid")" = "$owner" ]
check "a service runs as mail_owner"
grep -q "probe_service\[$pid\]: pre-jail uid=0" "$INSTANCE_LOG" &&
    grep -q "probe_service\[$pid\]: post-jail uid=$owner_uid" "$INSTANCE_LOG"
check "the pre-jail hook runs as root, the post-jail hook as mail_owner"
hello=$(probe_greet "$p_root")
[ "$(probe_field "$hello" uid)" = 0 ] && [ "$(probe_field "$hello" privileged)" = 1 ]
check "unpriv n keeps root"
exec {c}<>"/dev/tcp/127.0.0.1/$p_jail"
read -t 5 -r hello <&"$c"
jpid=$(probe_field "$hello" pid)
[ "$(readlink "/proc/$jpid/root")" = "$INSTANCE_QUEUE" ] && [ "$(probe_field "$hello" uid)" = "$owner_uid" ]
check "chroot y jails the service in the queue directory"
echo quit >&"$c"
exec {c}>&-

instance_postfix stop >/dev/null 2>&1
check "postfix stop"
left=$(instance_procs)
[ -z "$left" ]
check "postfix stop leaves no process behind"
if [ -n "$left" ]; then echo "$left" | sed 's/^/#   /'; fi

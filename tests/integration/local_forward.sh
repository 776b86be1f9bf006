#!/bin/bash
# local_forward.sh - local(8) beyond the mailbox: .forward files
# (forward_path with .forward+extension, the user's own name, Postfix's
# ownership and permission checks), "|command" and /file/name run with
# the rights of the .forward user or, for root-owned aliases, of
# default_privs; :include: files (and allow_mail_to_commands keeping
# commands out of them); loops stopped by Delivered-To:; the forward class
# of propagate_unmatched_extensions; luser_relay; mailbox_command.
#
# The instance runs as root (local delivers as the recipients), with a
# mail_owner, a setgid group and four recipient accounts made for the
# test and removed at the end.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

[ "$(id -u)" -eq 0 ] || skip "deliveries with the rights of other accounts need root"

tag=$$
owner=mtfo$tag group=mtfg$tag
users="mtf1$tag mtf2$tag mtf3$tag mtf4$tag"
read -r u1 u2 u3 u4 <<<"$users"
groupadd "$group" || fail "groupadd $group"
at_exit 'groupdel "$group" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
at_exit 'for u in "$owner" $users; do userdel "$u" 2>/dev/null; groupdel "$u" 2>/dev/null; done'
INSTANCE_MODE=root
INSTANCE_MAIL_OWNER=$owner
INSTANCE_SETGID_GROUP=$group
instance_create
for u in $users; do
    useradd -M -U -d "$INSTANCE_DIR/home-$u" -s /bin/sh "$u" || fail "useradd $u"
    mkdir "$INSTANCE_DIR/home-$u" && chown "$u:" "$INSTANCE_DIR/home-$u"
done
h1=$INSTANCE_DIR/home-$u1 h2=$INSTANCE_DIR/home-$u2 h3=$INSTANCE_DIR/home-$u3 h4=$INSTANCE_DIR/home-$u4
spool=$INSTANCE_DIR/spool
mkdir "$spool" && chmod 1777 "$spool"
shared=$INSTANCE_DIR/shared # written by default_privs (nobody)
mkdir "$shared" && chmod 1777 "$shared"
domain=mail.example.test

# as USER FILE TEXT - a file of USER's with TEXT, mode 0644
as() {
    printf '%s\n' "$3" >"$2" && chown "$1:" "$2" && chmod 644 "$2"
}

as "$u1" "$h1/.forward" "\"|env > $h1/cmd.env; cat > $h1/cmd.out\""
as "$u1" "$h1/.forward+ext" "$h1/ext.mbox"
as "$u3" "$h3/.forward" "\\$u3, far@remote.example"
as "$u4" "$h4/.forward" "$u4@back.example"
printf 'staff: :include:%s/staff.inc\ncmdinc: :include:%s/cmd.inc\nbadinc: :include:%s/bad.inc\n' \
    "$INSTANCE_DIR" "$INSTANCE_DIR" "$INSTANCE_DIR" >"$INSTANCE_DIR/aliases"
printf 'logfile: %s/alias.log\naliascmd: "|id -un > %s/alias-cmd.who"\n' "$shared" "$shared" \
    >>"$INSTANCE_DIR/aliases"
printf 'remotelist: :include:%s/remote.inc\n' "$INSTANCE_DIR" >>"$INSTANCE_DIR/aliases"
printf '# the staff\n%s\n' "$u2" >"$INSTANCE_DIR/staff.inc"
printf 'far2@remote.example\n' >"$INSTANCE_DIR/remote.inc"
printf '"|touch %s/include-cmd-ran"\n' "$shared" >"$INSTANCE_DIR/cmd.inc"
printf '%s\n' "$u2" >"$INSTANCE_DIR/bad.inc" && chmod 666 "$INSTANCE_DIR/bad.inc"

printf '#!/bin/sh\necho "$(id -un) $(pwd) $(grep -c ^Delivered-To:)" > "$HOME/mc.who"\n' \
    >"$INSTANCE_DIR/mc.sh" && chmod 755 "$INSTANCE_DIR/mc.sh"
instance_master_cf \
    "pickup unix n - n 60 1 pickup" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "discard unix - - n - - discard" \
    "local unix - n n - - local" \
    "mboxcmd unix - n n - - local -o mailbox_command=$INSTANCE_DIR/mc.sh -o command_execution_directory=\$home -o prepend_delivered_header=file" \
    "propinc unix - n n - - local -o propagate_unmatched_extensions=alias,include" \
    "propalias unix - n n - - local -o propagate_unmatched_extensions=alias"
instance_main_cf \
    "transport_maps = inline:{ remote.example=discard, back.example=local, mc.example=mboxcmd, inc.example=propinc, noinc.example=propalias }" \
    "mail_spool_directory = $spool" "home_mailbox =" \
    "alias_maps = hash:$INSTANCE_DIR/aliases" "alias_database = hash:$INSTANCE_DIR/aliases" \
    "recipient_delimiter = +" \
    "propagate_unmatched_extensions = canonical, virtual, forward" \
    "luser_relay = \$user@remote.example" \
    "queue_run_delay = 1h" "deliver_lock_delay = 1s" "deliver_lock_attempts = 5"
instance_run "$TEST_BIN/postalias" -c "$INSTANCE_CONF" "hash:$INSTANCE_DIR/aliases"
require "postalias builds the aliases"
instance_start
require "postfix start with qmgr, local, bounce, discard"

# send RCPT SUBJECT - one message from sender@example.org
send() {
    printf 'Subject: %s\n\nbody of %s\n' "$2" "$2" | instance_sendmail -f sender@example.org "$1"
}

# logged RCPT REGEX - the delivery line of RCPT matches REGEX
logged() {
    instance_wait_log "to=<$1>.*$2" 20
}

# --- .forward with a command: runs as the user, with local(8)'s environment ---
send "$u1@$domain" "to the command"
logged "$u1@$domain" "status=sent \(delivered to command: env > "
check ".forward |command: the log says delivered to command"
wait_until 5 test -s "$h1/cmd.out"
[ "$(stat -c %U "$h1/cmd.out")" = "$u1" ] && grep -q "^body of to the command$" "$h1/cmd.out" &&
    grep -q "^Delivered-To: $u1@$domain$" "$h1/cmd.out" && grep -q "^From sender@example.org " "$h1/cmd.out"
check "the command ran as the user and read the message with its From line and Delivered-To:"
grep -qx "USER=$u1" "$h1/cmd.env" && grep -qx "RECIPIENT=$u1@$domain" "$h1/cmd.env" &&
    grep -qx "SENDER=sender@example.org" "$h1/cmd.env" && grep -qx "HOME=$h1" "$h1/cmd.env" &&
    grep -qx "PATH=/usr/bin:/bin" "$h1/cmd.env"
check "the command's environment has USER, RECIPIENT, SENDER, HOME and PATH" "$(cat "$h1/cmd.env" 2>&1)"

# --- .forward+extension: a file, written as the user in mbox format ---
send "$u1+ext@$domain" "to the file"
logged "$u1\+ext@$domain" "status=sent \(delivered to file: $h1/ext.mbox\)"
check "user+ext uses .forward+ext (forward_path): delivered to file"
[ "$(stat -c %U "$h1/ext.mbox")" = "$u1" ] && grep -q "^From sender@example.org " "$h1/ext.mbox" &&
    grep -q "^body of to the file$" "$h1/ext.mbox" && [ "$(grep -c "^body of" "$h1/cmd.out")" = 1 ]
check "the file belongs to the user, is in mbox format, and .forward was not used"

# --- the user's own name goes to the mailbox; the extension propagates (forward class) ---
send "$u3+tag@$domain" "self and far"
logged "far\+tag@remote.example" "status=sent"
check "propagate_unmatched_extensions = forward: the forwarded address gets +tag"
wait_until 10 grep -q "^body of self and far$" "$spool/$u3"
check "\\user in the user's own .forward delivers to the mailbox"
grep -q "^Delivered-To: $u3+tag@$domain$" "$spool/$u3"
check "the mailbox copy has Delivered-To: with the recipient"

# --- a forwarding loop ends at the Delivered-To: header ---
send "$u4@$domain" "round and round"
logged "$u4@back.example" "dsn=5.4.6, status=bounced \(mail forwarding loop for $u4@back.example\)"
check "mail that comes back to an address in its Delivered-To: bounces with 5.4.6"

# --- :include: in an alias; commands refused there; world-writable refused ---
send "staff@$domain" "to the staff"
logged "staff@$domain" "status=sent \(delivered to alias staff\)"
wait_until 10 grep -q "^body of to the staff$" "$spool/$u2"
check ":include: file members get the mail"
send "cmdinc@$domain" "command in include"
logged "cmdinc@$domain" "dsn=5.7.1, status=bounced \(mail to command is restricted\)"
check "allow_mail_to_commands without include: a command in an :include: file bounces"
[ ! -e "$shared/include-cmd-ran" ]
check "the command did not run"
send "badinc@$domain" "world writable include"
logged "badinc@$domain" "dsn=5.3.5, status=bounced \(mail system configuration error\)"
instance_wait_log "warning: :include: file $INSTANCE_DIR/bad.inc is world writable" 5
check "a world-writable :include: file is refused with Postfix's warning"

# --- the include class of propagate_unmatched_extensions ---
send "remotelist+x@inc.example" "include with extension"
logged "far2\+x@remote.example" "status=sent"
check "propagate_unmatched_extensions = alias, include: an :include: address gets +x"
send "remotelist+y@noinc.example" "include without extension"
logged "far2@remote.example" "status=sent"
! grep -q "to=<far2+y@" "$INSTANCE_LOG"
check "without the include class, the :include: address keeps no extension"

# --- files and commands of root-owned aliases run as default_privs (nobody) ---
send "logfile@$domain" "alias file"
logged "logfile@$domain" "status=sent \(delivered to alias logfile\)"
[ "$(stat -c %U "$shared/alias.log" 2>/dev/null)" = nobody ] && grep -q "^body of alias file$" "$shared/alias.log"
check "an alias /file is written with the rights of default_privs"
send "aliascmd@$domain" "alias command"
logged "aliascmd@$domain" "status=sent"
wait_until 5 test -s "$shared/alias-cmd.who"
same "an alias |command runs as default_privs" nobody "$(cat "$shared/alias-cmd.who" 2>&1)"

# --- a .forward file that is world-writable is ignored: the mailbox gets the mail ---
chmod 666 "$h3/.forward"
send "$u3@$domain" "writable forward"
logged "$u3@$domain" "status=sent \(delivered to mailbox\)"
instance_wait_log "warning: file $h3/.forward is world writable" 5
check "a world-writable .forward is ignored with Postfix's warning"
chown "$u1" "$h3/.forward" && chmod 644 "$h3/.forward"
send "$u3@$domain" "foreign forward"
instance_wait_log "warning: file $h3/.forward has bad owner uid $(id -u "$u1")" 20
check "a .forward owned by another user is ignored with Postfix's warning"

# --- luser_relay: unknown users go to $user@remote.example ---
send "nosuch$tag@$domain" "to nobody"
logged "nosuch$tag@remote.example" "status=sent"
check "luser_relay = \$user@remote.example takes the unknown user"

# --- mailbox_command: runs as the recipient ---
send "$u2@mc.example" "mailbox command"
logged "$u2@mc.example" "status=sent \(delivered to command: "
wait_until 5 test -s "$h2/mc.who"
same "mailbox_command runs with the recipient's rights, in command_execution_directory (\$home), without Delivered-To: when prepend_delivered_header lacks command" \
    "$u2 $h2 0" "$(cat "$h2/mc.who" 2>&1)"

instance_stop

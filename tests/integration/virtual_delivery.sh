#!/bin/bash
# virtual_delivery.sh - the virtual(8) delivery agent, run as root by a
# root instance: mailboxes under virtual_mailbox_base from
# virtual_mailbox_maps (a Maildir for a path ending in "/", an mbox file
# otherwise, "@domain" as a catch-all), owned by the uid and gid of
# virtual_uid_maps and virtual_gid_maps (static: and a table), written by
# that uid and never by root; an unknown user bounces, a uid under
# virtual_minimum_uid and uid 0 (even with virtual_minimum_uid = 0) defer
# with a warning; virtual_mailbox_limit bounces a message that would make
# an mbox file too large and leaves the file as it was; virtual_mailbox_lock
# = dotlock leaves no lock file behind.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

[ "$(id -u)" -eq 0 ] || skip "the virtual agent changes to the mailbox owner's uid: needs root"

tag=$$
owner=mtvo$tag group=mtvg$tag vmail=mtvm$tag
groupadd "$group" || fail "groupadd $group"
at_exit 'groupdel "$group" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
at_exit 'userdel "$owner" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$vmail" || fail "useradd $vmail"
at_exit 'userdel "$vmail" 2>/dev/null'
vuid=$(id -u "$vmail")
vgid=$(id -g "$vmail")

INSTANCE_MODE=root
INSTANCE_MAIL_OWNER=$owner
INSTANCE_SETGID_GROUP=$group
instance_create
base=$INSTANCE_DIR/vmail
mkdir "$base" && chown "$vmail:$vmail" "$base" && chmod 755 "$base"
cat >"$INSTANCE_CONF/vmailbox" <<EOF
alice@virt.test     virt.test/alice/
bob@virt.test       virt.test/bob
carol@small.test    small.test/carol
@catch.test         catch.test/all/
low@virt.test       virt.test/low/
root@virt.test      virt.test/root/
EOF
cat >"$INSTANCE_CONF/vuid" <<EOF
low@virt.test       50
root@virt.test      0
@virt.test          $vuid
@small.test         $vuid
@catch.test         $vuid
EOF
cat >"$INSTANCE_CONF/transport" <<EOF
virt.test     virtual:
catch.test    virtual:
small.test    vsmall:
EOF
instance_main_cf \
    "transport_maps = texthash:$INSTANCE_CONF/transport" \
    "virtual_mailbox_base = $base" \
    "virtual_mailbox_maps = texthash:$INSTANCE_CONF/vmailbox" \
    "virtual_uid_maps = texthash:$INSTANCE_CONF/vuid" \
    "virtual_gid_maps = static:$vgid" \
    "virtual_mailbox_lock = fcntl, dotlock" \
    "bounce_queue_lifetime = 0" \
    "notify_classes ="
instance_master_cf \
    "pickup unix n - n 60 1 pickup" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "defer unix - - n - 0 bounce" \
    "error unix - - n - - error" \
    "virtual unix - n n - - virtual" \
    "vsmall unix - n n - - virtual -o virtual_mailbox_limit=2000 -o virtual_uid_maps=static:$vuid"
instance_start
require "the root instance starts"

# send FROM TO... - a short message
send() {
    local from=$1
    shift
    printf 'From: %s\nSubject: virtual test\n\nvirtual body\n' "$from" |
        instance_sendmail -f "$from" "$@"
}

send sender@example.org alice@virt.test bob@virt.test anyone@catch.test nobody@virt.test
instance_wait_log "to=<nobody@virt.test>.*status=" 30
require "the virtual agent reports the unknown user"
instance_wait_log "to=<anyone@catch.test>.*status=" 10
log=$(instance_log)

has "alice: delivered to the Maildir" "to=<alice@virt.test>, relay=virtual" \
    "$(grep 'status=sent (delivered to maildir)' <<<"$log")"
has "bob: delivered to the mbox file" "to=<bob@virt.test>, relay=virtual" \
    "$(grep 'status=sent (delivered to mailbox)' <<<"$log")"
has "the @domain entry catches anyone@catch.test" "to=<anyone@catch.test>, relay=virtual" \
    "$(grep 'status=sent (delivered to maildir)' <<<"$log")"
has "an unknown user bounces" \
    'to=<nobody@virt.test>, relay=virtual, delay=' \
    "$(grep 'dsn=5.1.1, status=bounced (unknown user: "nobody@virt.test")' <<<"$log")"

file=$(ls "$base/virt.test/alice/new/"* 2>/dev/null | head -1)
[ -n "$file" ] && grep -q "virtual body" "$file"
check "alice's message is a file in new/ of her Maildir"
same "alice's message file belongs to the mapped uid and gid" "$vuid:$vgid" \
    "$(stat -c %u:%g "$file" 2>/dev/null)"
same "the Maildir that the agent made belongs to that uid too" "$vuid" \
    "$(stat -c %u "$base/virt.test/alice" 2>/dev/null)"
has "alice's message has Delivered-To:" "Delivered-To: alice@virt.test" "$(cat "$file")"
mbox=$base/virt.test/bob
has "bob's mbox file starts with a From line" "From sender@example.org" "$(head -1 "$mbox")"
same "bob's mbox file belongs to the mapped uid and gid" "$vuid:$vgid" \
    "$(stat -c %u:%g "$mbox" 2>/dev/null)"
[ ! -e "$mbox.lock" ]
check "no dotlock file is left behind"
ls "$base/catch.test/all/new/"* >/dev/null 2>&1
check "the catch-all Maildir has the message"
[ -z "$(find "$base" -user 0 -print -quit)" ]
check "nothing under virtual_mailbox_base belongs to root"

# A uid under virtual_minimum_uid, and uid 0: deferred, never written.
send sender@example.org low@virt.test root@virt.test
instance_wait_log "to=<root@virt.test>.*status=deferred" 30
check "uid 0 defers the recipient"
has "the uid 0 deferral says why" "status=deferred (mail system configuration error)" \
    "$(grep 'to=<root@virt.test>' "$INSTANCE_LOG")"
instance_wait_log "to=<low@virt.test>.*status=deferred \(mail system configuration error\)" 10
check "a uid under virtual_minimum_uid defers the recipient"
has "the warning names the uid and the table" "recipient low@virt.test: bad uid 50 in virtual_uid_maps" \
    "$(instance_log)"
[ ! -e "$base/virt.test/root" ] && [ ! -e "$base/virt.test/low" ]
check "no mailbox is made for them"

# virtual_mailbox_limit: a message that would make the mbox file too large bounces.
send sender@example.org carol@small.test
instance_wait_log "to=<carol@small.test>.*status=sent" 30
check "carol's first, small message is delivered (limit 2000 bytes)"
size=$(stat -c %s "$base/small.test/carol")
big=$(head -c 3000 /dev/zero | tr '\0' 'x' | fold -w 70)
printf 'From: sender@example.org\nSubject: big\n\n%s\n' "$big" |
    instance_sendmail -f sender@example.org carol@small.test
instance_wait_log "to=<carol@small.test>.*status=bounced" 30
check "a message over virtual_mailbox_limit bounces"
has "the bounce is 5.2.2 and names the file" "dsn=5.2.2, status=bounced (cannot append message to file $base/small.test/carol" \
    "$(grep 'to=<carol@small.test>.*bounced' "$INSTANCE_LOG")"
same "the mbox file is left as it was" "$size" "$(stat -c %s "$base/small.test/carol")"

[ "$ASSERT_FAILURES" = 0 ] || instance_log_tail 40
exit 0

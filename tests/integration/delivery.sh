#!/bin/bash
# delivery.sh - the mail path behind the queue: sendmail -> pickup ->
# cleanup -> qmgr -> local (Maildir in the home directory or in the spool
# directory, mbox), error/retry, discard, bounce;
# deferral shown by mailq and retried by postqueue -f; postsuper -d; and
# kill -9 of the local agent or of qmgr in the middle of a delivery, with
# neither loss nor a second copy for a recipient marked done.
#
# The instance runs as root (local delivers as the recipients), with a
# mail_owner, a setgid group and two recipient accounts made for the
# test and removed at the end.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

[ "$(id -u)" -eq 0 ] || skip "local delivery to other accounts needs root"

tag=$$
owner=mtqo$tag group=mtqg$tag u1=mtq1$tag u2=mtq2$tag
groupadd "$group" || fail "groupadd $group"
at_exit 'groupdel "$group" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
at_exit 'for u in "$owner" "$u1" "$u2"; do userdel "$u" 2>/dev/null; done'
INSTANCE_MODE=root
INSTANCE_MAIL_OWNER=$owner
INSTANCE_SETGID_GROUP=$group
instance_create
useradd -M -U -d "$INSTANCE_DIR/home1" -s /bin/sh "$u1" || exit 1
useradd -M -U -d "$INSTANCE_DIR/home2" -s /bin/sh "$u2" || exit 1
for u in 1 2; do
    mkdir "$INSTANCE_DIR/home$u" && chown "mtq$u$tag:" "$INSTANCE_DIR/home$u"
done
spool=$INSTANCE_DIR/spool
mkdir "$spool" && chmod 1777 "$spool"
mkdir "$INSTANCE_DIR/mdspool" && chmod 1777 "$INSTANCE_DIR/mdspool"
domain=mail.example.test

instance_master_cf \
    "pickup unix n - n 60 1 pickup" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "error unix - - n - - error" \
    "retry unix - - n - - error" \
    "discard unix - - n - - discard" \
    "local unix - n n - - local" \
    "spoolmd unix - n n - - local -o home_mailbox= -o mail_spool_directory=$INSTANCE_DIR/mdspool/" \
    "smtp unix - - n - - smtp"
closed_port=$(free_port)
instance_main_cf \
    "transport_maps = inline:{ dead.example=retry:4.4.1_host_unreachable, gone.example=discard, md.example=spoolmd, closed.example=smtp:[127.0.0.1]:$closed_port }" \
    "home_mailbox = Maildir/" \
    "mail_spool_directory = $spool" \
    "alias_maps =" \
    "minimal_backoff_time = 1s" "maximal_backoff_time = 4s" "queue_run_delay = 1s" \
    "deliver_lock_delay = 1s" "deliver_lock_attempts = 30"

# send FROM RCPT... - submit a message with sendmail; body on stdin
send() {
    local from=$1
    shift
    instance_sendmail -f "$from" "$@"
}

# qid_for RCPT - the queue ID of the latest delivery line for RCPT
qid_for() {
    grep -E ": to=<$1>" "$INSTANCE_LOG" | tail -1 | sed -E 's/.*\]: ([0-9A-Za-z]+): to=.*/\1/'
}

# count_in FILE TEXT - how many lines of FILE are exactly TEXT
count_in() {
    grep -cxF -- "$2" "$1" 2>/dev/null || true
}

instance_start
require "postfix start with qmgr, local, bounce, error, discard"

# --- Maildir delivery, end to end ---
printf 'Subject: hello maildir\n\nFrom the test\nsecond line\n' |
    send "sender@example.org" "$u1@$domain"
instance_wait_log "to=<$u1@$domain>.*status=sent \(delivered to maildir\)" 20
check "local logs delivered to maildir"
file=$(ls "$INSTANCE_DIR/home1/Maildir/new/"* 2>/dev/null | head -1)
[ -n "$file" ] && grep -q "^Delivered-To: $u1@$domain$" "$file" &&
    grep -q "^Return-Path: <sender@example.org>$" "$file" &&
    grep -q "^From the test$" "$file" && [ "$(stat -c %U "$file")" = "$u1" ]
check "the message is in the Maildir, owned by the user, with Delivered-To and Return-Path"
instance_wait_log "$(qid_for "$u1@$domain"): removed" 10
check "qmgr removes the delivered message"

# --- mail_spool_directory ending in "/": a Maildir per user in the spool ---
printf 'Subject: spool maildir\n\nin the spool\n' | send "sender@example.org" "$u2@md.example"
instance_wait_log "to=<$u2@md.example>.*status=sent \(delivered to maildir\)" 20
check "mail_spool_directory ending in /: local logs delivered to maildir"
file=$(ls "$INSTANCE_DIR/mdspool/$u2/new/"* 2>/dev/null | head -1)
[ -n "$file" ] && grep -q "^in the spool$" "$file" && [ "$(stat -c %U "$file")" = "$u2" ] &&
    [ "$(stat -c %U "$INSTANCE_DIR/mdspool/$u2")" = "$u2" ] && [ ! -e "$INSTANCE_DIR/home2/Maildir" ]
check "the message is in mail_spool_directory/user/new, made by the user, not in the home directory"

# --- Unknown user: a bounce back to the sender, with no bounce of the bounce ---
printf 'Subject: to nobody\n\nlost\n' | send "$u1@$domain" "nosuch$tag@$domain"
instance_wait_log "to=<nosuch$tag@$domain>.*dsn=5.1.1, status=bounced \(unknown user: \"nosuch$tag\"\)" 20
check "unknown user bounces with 5.1.1 unknown user"
instance_wait_log "sender non-delivery notification" 20
check "bounce sends a notification"
deadline=$((SECONDS + 20))
dsn=
while [ $SECONDS -lt $deadline ]; do
    dsn=$(grep -l "^Subject: Undelivered Mail Returned to Sender" "$INSTANCE_DIR/home1/Maildir/new/"* 2>/dev/null | head -1)
    [ -n "$dsn" ] && break
    sleep 0.1
done
[ -n "$dsn" ]
check "the notification lands in the sender's Maildir"
python3 - "$dsn" "nosuch$tag@$domain" <<'EOF'
import email, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"))
assert msg.get_content_type() == "multipart/report", msg.get_content_type()
assert msg.get_param("report-type") == "delivery-status"
parts = msg.get_payload()
types = [p.get_content_type() for p in parts]
assert types == ["text/plain", "message/delivery-status", "message/rfc822"], types
assert "unknown user" in parts[0].get_payload()
fields = parts[1].get_payload()
per_rcpt = fields[1]
assert per_rcpt["Final-Recipient"] == "rfc822; " + sys.argv[2], per_rcpt["Final-Recipient"]
assert per_rcpt["Action"] == "failed" and per_rcpt["Status"] == "5.1.1", dict(per_rcpt)
assert fields[0]["Reporting-MTA"] == "dns; mail.example.test"
assert parts[2].get_payload()[0]["Subject"] == "to nobody"
assert msg["From"].startswith("MAILER-DAEMON@")
EOF
check "the notification is a multipart/report with Status 5.1.1, Action failed and the message"
grep -q "from=<>, size=" "$INSTANCE_LOG"
check "the notification comes from the null sender"

# --- Deferral: mailq shows the reason; postqueue -f retries; postsuper -d removes ---
printf 'Subject: far away\n\nwait\n' | send "sender@example.org" "user@dead.example"
instance_wait_log "to=<user@dead.example>.*status=deferred \(4.4.1_host_unreachable\)" 20
check "mail to a dead destination is deferred"
qid=$(qid_for "user@dead.example")
deadline=$((SECONDS + 10))
while [ $SECONDS -lt $deadline ] && [ ! -e "$INSTANCE_QUEUE/deferred/$qid" ]; do sleep 0.1; done
instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -p >"$INSTANCE_DIR/mailq.out" 2>&1
grep -q "^$qid" "$INSTANCE_DIR/mailq.out" && grep -q "4.4.1_host_unreachable" "$INSTANCE_DIR/mailq.out"
check "mailq lists the deferred message with its reason"
before=$(grep -c "$qid: to=<user@dead.example>" "$INSTANCE_LOG")
sleep 2.5
after=$(grep -c "$qid: to=<user@dead.example>" "$INSTANCE_LOG")
[ "$after" -gt "$before" ]
check "the deferred message is retried with back-off"
n1=$(grep -c "$qid: to=<user@dead.example>" "$INSTANCE_LOG")
instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -f
check "postqueue -f asks the queue manager for a flush"
sleep 0.5
n2=$(grep -c "$qid: to=<user@dead.example>" "$INSTANCE_LOG")
[ "$n2" -gt "$n1" ]
check "postqueue -f makes an attempt now"
sleep 0.3
instance_run "$TEST_BIN/postsuper" -c "$INSTANCE_CONF" -d "$qid" 2>"$INSTANCE_DIR/postsuper.out"
grep -q "Deleted: 1 message" "$INSTANCE_DIR/postsuper.out" &&
    [ ! -e "$INSTANCE_QUEUE/deferred/$qid" ] && [ ! -e "$INSTANCE_QUEUE/defer/$qid" ]
check "postsuper -d removes the message and its defer log"

# --- discard ---
printf 'Subject: drop\n\nx\n' | send "sender@example.org" "a@gone.example"
instance_wait_log "to=<a@gone.example>, relay=none, .*status=sent \\(gone.example\\)" 20
check "discard reports the recipient delivered"

# --- mbox delivery with From quoting; aliases built by newaliases ---
printf 'team: %s,\n  %s\nboss: team\nbroken "\next: far@remote.example.test, %s\n' "$u1" "$u2" "$u1" \
    >"$INSTANCE_DIR/aliases"
instance_main_cf "home_mailbox =" "alias_maps = hash:$INSTANCE_DIR/aliases" \
    "alias_database = hash:$INSTANCE_DIR/aliases" "recipient_delimiter = +" \
    "propagate_unmatched_extensions = canonical, virtual, alias"
instance_run "$TEST_BIN/newaliases" -C "$INSTANCE_CONF" 2>"$INSTANCE_DIR/newaliases.out"
[ -s "$INSTANCE_DIR/aliases.db" ] && grep -q "line 4" "$INSTANCE_DIR/newaliases.out"
check "newaliases builds alias_database and names the malformed line"
[ "$(instance_run "$TEST_BIN/postalias" -c "$INSTANCE_CONF" -q BOSS "hash:$INSTANCE_DIR/aliases")" = team ]
check "postalias -q finds an alias without regard to case"
instance_postfix reload >/dev/null 2>&1
sleep 1
printf 'Subject: mbox\n\nFrom here on\nbody\n' | send "sender@example.org" "$u2@$domain"
instance_wait_log "to=<$u2@$domain>.*status=sent \(delivered to mailbox\)" 20
check "local logs delivered to mailbox"
mbox=$spool/$u2
grep -q "^From sender@example.org " "$mbox" && grep -q "^>From here on$" "$mbox" &&
    grep -q "^Delivered-To: $u2@$domain$" "$mbox" && [ "$(stat -c %U "$mbox")" = "$u2" ]
check "the mbox has the From line, >From quoting and the user as owner"

printf 'Subject: team\n\nmarker-alias\n' | send "sender@example.org" "boss@$domain"
instance_wait_log "to=<boss@$domain>.*status=sent \(delivered to alias boss\)" 20
check "an alias is expanded through another alias"
[ "$(count_in "$spool/$u1" marker-alias)" -eq 1 ] && [ "$(count_in "$spool/$u2" marker-alias)" -eq 1 ]
check "every member of the alias gets one copy"

printf 'Subject: ext\n\nmarker-ext\n' | send "sender@example.org" "ext+news@$domain"
instance_wait_log "to=<ext\+news@$domain>.*status=sent \(delivered to alias ext\+news\)" 20
check "an alias is found without the address extension"
instance_wait_log "to=<far\+news@remote\.example\.test>" 20
check "propagate_unmatched_extensions = alias: the forwarded member gets the extension"
[ "$(count_in "$spool/$u1" marker-ext)" -eq 1 ]
check "the local member with the extension gets its copy in its own mailbox"

# --- kill -9 of local while it waits for a held mailbox lock ---
touch "$spool/$u1.lock"
printf 'Subject: kill local\n\nmarker-local-kill\n' | send "sender@example.org" "$u1@$domain" "$u2@$domain"
instance_wait_log "to=<$u2@$domain>.*status=sent" 20
sleep 0.5
# The local process that waits for the lock still has the queue file open.
lpid=
deadline=$((SECONDS + 10))
while [ -z "$lpid" ] && [ $SECONDS -lt $deadline ]; do
    for pid in $(instance_procs | awk '$3 == "local" { print $2 }'); do
        if ls -l /proc/"$pid"/fd 2>/dev/null | grep -q "/active/"; then lpid=$pid; fi
    done
    [ -n "$lpid" ] || sleep 0.1
done
[ -n "$lpid" ] && kill -9 "$lpid"
check "a local process is killed in the middle of a delivery"
instance_wait_log "unknown mail transport error" 10
check "qmgr defers the recipient of the killed agent"
rm -f "$spool/$u1.lock"
instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -f
deadline=$((SECONDS + 20))
while [ $SECONDS -lt $deadline ] && [ "$(count_in "$spool/$u1" marker-local-kill)" -lt 1 ]; do sleep 0.2; done
sleep 1
[ "$(count_in "$spool/$u1" marker-local-kill)" -eq 1 ] && [ "$(count_in "$spool/$u2" marker-local-kill)" -eq 1 ]
check "after kill -9 of local: one copy each, the recipient marked done is not delivered again"

# --- kill -9 of qmgr while local waits for a held mailbox lock ---
touch "$spool/$u1.lock"
printf 'Subject: kill qmgr\n\nmarker-qmgr-kill\n' | send "sender@example.org" "$u1@$domain" "$u2@$domain"
deadline=$((SECONDS + 20))
while [ $SECONDS -lt $deadline ] && [ "$(count_in "$spool/$u2" marker-qmgr-kill)" -lt 1 ]; do sleep 0.1; done
sleep 0.5
qpid=$(instance_procs | awk '$3 == "qmgr" { print $2 }')
[ -n "$qpid" ] && kill -9 $qpid
check "qmgr is killed while local delivers"
instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -f # master starts a new qmgr for the request
sleep 1
rm -f "$spool/$u1.lock"
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ] && [ "$(count_in "$spool/$u1" marker-qmgr-kill)" -lt 1 ]; do sleep 0.2; done
sleep 2
instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -f
sleep 1
[ "$(count_in "$spool/$u1" marker-qmgr-kill)" -eq 1 ] && [ "$(count_in "$spool/$u2" marker-qmgr-kill)" -eq 1 ]
check "after kill -9 of qmgr: one copy each, nothing lost, nothing twice"
deadline=$((SECONDS + 10))
queued() { find "$INSTANCE_QUEUE/active" "$INSTANCE_QUEUE/incoming" "$INSTANCE_QUEUE/deferred" -type f; }
while [ $SECONDS -lt $deadline ] && [ -n "$(queued)" ]; do sleep 0.2; done
[ -z "$(queued)" ]
check "the queue is empty at the end"

# --- an smtp destination that refuses connections: deferred, reason in mailq ---
printf 'Subject: closed\n\nx\n' | send "sender@example.org" "user@closed.example"
instance_wait_log "to=<user@closed.example>.*status=deferred" 20
check "mail to a closed loopback port is deferred by the smtp client"
qid=$(qid_for "user@closed.example")
sleep 0.5
instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -p >"$INSTANCE_DIR/mailq2.out" 2>&1
grep -q "^$qid" "$INSTANCE_DIR/mailq2.out" && grep -qi "refused" "$INSTANCE_DIR/mailq2.out"
check "mailq shows the connection failure as the reason"

# --- maximal_queue_lifetime: the next failure returns the message ---
instance_main_cf "maximal_queue_lifetime = 0s"
instance_postfix reload >/dev/null 2>&1
sleep 1
instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -f
printf 'Subject: expire me\n\nmarker-expire\n' | send "$u1@$domain" "user@dead.example"
instance_wait_log "from=<$u1@$domain>, status=expired, returned to sender" 20
check "an expired message is returned to its sender"
deadline=$((SECONDS + 20))
while [ $SECONDS -lt $deadline ] && ! grep -q "^Subject: Undelivered Mail Returned to Sender" "$spool/$u1" 2>/dev/null; do sleep 0.2; done
grep -q "^Final-Recipient: rfc822; user@dead.example" "$spool/$u1" && grep -q "^Action: failed" "$spool/$u1"
check "the notification of the expired message reaches the sender's mailbox"
instance_run "$TEST_BIN/postsuper" -c "$INSTANCE_CONF" -d ALL 2>/dev/null

instance_stop

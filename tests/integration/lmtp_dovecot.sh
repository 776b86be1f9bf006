#!/bin/bash
# lmtp_dovecot.sh - the LMTP client (the smtp program run as "lmtp") with
# Dovecot's LMTP server as the peer, over the UNIX socket that
# transport_maps names (lmtp:unix:private/dovecot-lmtp, relative to the
# queue directory)
#
# One message to four recipients: two are delivered into their Maildirs
# (Dovecot's doveadm reads the message back), one is unknown to Dovecot
# (550 at RCPT) and one is over quota (552 after the final dot, the reply
# that LMTP gives per recipient). Each outcome is logged with the reply
# that concerns that recipient, and the bounce to the sender (herself a
# Dovecot user) carries both refusals. Later messages reuse the
# connection (conn_use=N). A socket that nobody listens on defers the
# mail with the connect error. A virtual mailbox domain reaches the same
# socket through virtual_transport = lmtp:unix:private/dovecot-lmtp.
# Success notices (NOTIFY=SUCCESS) say "Action: relayed" for Dovecot, which
# announces no DSN, and "Action: delivered" with lmtp_assume_final = yes.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dovecot.sh"

dovecot_lmtp_available || skip "$DOVECOT_MISSING"
instance_create
echo "example.test lmtp:unix:private/dovecot-lmtp" >"$INSTANCE_CONF/transport"
echo "nowhere.test lmtp:unix:private/no-such-socket" >>"$INSTANCE_CONF/transport"
echo "dave@vmail.test OK" >"$INSTANCE_CONF/vmailbox"
instance_main_cf \
    "transport_maps = texthash:$INSTANCE_CONF/transport" \
    "lmtp_connection_cache_on_demand = yes" \
    "lmtp_connection_cache_destinations = unix:private/dovecot-lmtp" \
    "lmtp_connection_cache_time_limit = 30s" \
    "bounce_queue_lifetime = 0" \
    "virtual_mailbox_domains = vmail.test" \
    "virtual_mailbox_maps = texthash:$INSTANCE_CONF/vmailbox" \
    "virtual_transport = lmtp:unix:private/dovecot-lmtp"
instance_master_cf \
    "pickup unix n - n 60 1 pickup" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "defer unix - - n - 0 bounce" \
    "trace unix - - n - 0 bounce" \
    "lmtp unix - - n - 1 lmtp"
instance_start
require "the instance starts"
dovecot_lmtp_start "$INSTANCE_QUEUE/private/dovecot-lmtp" alice@example.test bob@example.test \
    carol@example.test/full dave@vmail.test
require "Dovecot's LMTP server starts, its socket in the instance's private directory"

printf 'From: alice@example.test\nSubject: lmtp test one\n\nfirst body\n' |
    instance_sendmail -f alice@example.test bob@example.test alice@example.test \
        nobody@example.test carol@example.test
check "sendmail takes the message"

relay='relay=mail\.example\.test\[private/dovecot-lmtp\]'
instance_wait_log "to=<carol@example.test>.*status=" 30
require "the LMTP client reports every recipient"
instance_wait_log "to=<nobody@example.test>.*status=" 10
log=$(instance_log)
grep -Eq "to=<bob@example.test>, $relay, .*dsn=2\.0\.0, status=sent \(250 2\.0\.0 <bob@example.test> .*Saved\)" <<<"$log"
check "bob is delivered over the UNIX socket"
grep -Eq "to=<alice@example.test>, $relay, .*dsn=2\.0\.0, status=sent \(250 2\.0\.0 <alice@example.test> .*Saved\)" <<<"$log"
check "alice is delivered, with Dovecot's reply for alice alone"
grep -Eq "to=<nobody@example.test>, $relay, .*dsn=5\.1\.1, status=bounced \(host mail\.example\.test\[private/dovecot-lmtp\] said: 550 5\.1\.1 <nobody@example.test> User doesn't exist: nobody@example.test \(in reply to RCPT TO command\)\)" <<<"$log"
check "the unknown user bounces with Dovecot's RCPT reply"
grep -Eq "to=<carol@example.test>, $relay, .*dsn=5\.2\.2, status=bounced \(host mail\.example\.test\[private/dovecot-lmtp\] said: 552 5\.2\.2 <carol@example.test> Quota exceeded .*\(in reply to end of DATA command\)\)" <<<"$log"
check "the user over quota bounces with her own reply after the final dot"
lacks "no recipient is deferred" "status=deferred" "$log"

for who in alice bob; do
    out=$(dovecot_fetch "$who@example.test" "hdr.subject body" HEADER Subject "lmtp test one")
    has "Dovecot reads the message from $who's Maildir (doveadm fetch)" "first body" "$out"
done
ls "$(dovecot_maildir bob@example.test)/new" | grep -q .
check "the message is a file in bob's Maildir/new"
! ls "$(dovecot_maildir carol@example.test)/new" 2>/dev/null | grep -q .
check "nothing lands in carol's Maildir"

# The bounce goes to alice through the same LMTP client.
wait_until 30 sh -c "grep -q 'Subject: Undelivered Mail' '$(dovecot_maildir alice@example.test)'/new/* 2>/dev/null"
check "the bounce reaches the sender's Maildir"
bounce=$(grep -l 'Subject: Undelivered Mail' "$(dovecot_maildir alice@example.test)"/new/* | head -1)
bounce_text=$(cat "$bounce" 2>/dev/null)
has "the bounce names the unknown user" "<nobody@example.test>" "$bounce_text"
has "the bounce carries Dovecot's reply for the unknown user" \
    "550 5.1.1 <nobody@example.test> User doesn't exist" "$bounce_text"
has "the bounce carries Dovecot's reply for the user over quota" \
    "552 5.2.2 <carol@example.test> Quota exceeded" "$bounce_text"
lacks "the bounce does not list the delivered bob" "<bob@example.test>: host" "$bounce_text"

# Connection reuse: the next message to the same socket takes the cached connection.
printf 'Subject: lmtp test two\n\nsecond body\n' |
    instance_sendmail -f alice@example.test bob@example.test
instance_wait_log "to=<bob@example.test>.*conn_use=[0-9].*status=sent" 30
check "a later message reuses the LMTP connection (conn_use=N)"

# Nobody listens: deferred with the connect error, named after the socket.
printf 'Subject: lmtp test three\n\nthird body\n' |
    instance_sendmail -f alice@example.test someone@nowhere.test
instance_wait_log "to=<someone@nowhere.test>.*status=deferred" 30
check "a missing socket defers the mail"
grep -q "to=<someone@nowhere.test>.*status=deferred (connect to mail.example.test\[private/no-such-socket\]: No such file or directory)" "$INSTANCE_LOG"
check "the deferral names the socket and the error"

# The virtual mailbox domain: routed by virtual_transport, not transport_maps.
printf 'Subject: lmtp test four\n\nfourth body\n' |
    instance_sendmail -f alice@example.test dave@vmail.test
instance_wait_log "to=<dave@vmail.test>.*status=" 30
grep -Eq "to=<dave@vmail.test>, $relay.*status=sent \(250 2\.0\.0 <dave@vmail.test> " "$INSTANCE_LOG"
check "virtual_transport = lmtp:unix:private/dovecot-lmtp delivers a virtual mailbox domain"
out=$(dovecot_fetch dave@vmail.test "body" HEADER Subject "lmtp test four")
has "Dovecot reads it from dave's Maildir" "fourth body" "$out"

# Success notices: "relayed" by default, "delivered" with lmtp_assume_final.
# notice SUBJECT - the success notice for a message, from alice's Maildir
notice() {
    local file
    wait_until 30 sh -c "grep -l 'Subject: $1' '$(dovecot_maildir alice@example.test)'/new/* 2>/dev/null |
        xargs -r grep -l 'Action:' | grep -q ."
    file=$(grep -l "Subject: $1" "$(dovecot_maildir alice@example.test)"/new/* 2>/dev/null |
        xargs -r grep -l 'Action:' | head -1)
    [ -n "$file" ] && cat "$file"
}
printf 'Subject: notify one\n\nx\n' |
    instance_sendmail -f alice@example.test -N success bob@example.test
out=$(notice "Successful Mail Delivery Report")
has "a success notice for the LMTP delivery" "Final-Recipient: rfc822; bob@example.test" "$out"
has "lmtp_assume_final = no: Action: relayed" "Action: relayed" "$out"
instance_main_cf "lmtp_assume_final = yes"
instance_postfix reload >/dev/null 2>&1
check "postfix reload with lmtp_assume_final = yes"
sleep 1
for f in "$(dovecot_maildir alice@example.test)"/new/*; do
    grep -q "Action:" "$f" && rm -f "$f"
done
printf 'Subject: notify two\n\nx\n' |
    instance_sendmail -f alice@example.test -N success bob@example.test
out=$(notice "Successful Mail Delivery Report")
has "lmtp_assume_final = yes: Action: delivered" "Action: delivered" "$out"

[ "$ASSERT_FAILURES" = 0 ] || {
    instance_log_tail 30
    dovecot_log_tail 20
}
exit 0

#!/bin/bash
# cleanup_checks.sh - header_checks, mime_header_checks, nested_header_checks
# and body_checks (regexp: and pcre: tables) as an administrator sees them:
# the reply a client gets after DATA, cleanup's log lines, and where the
# mail went (a scripted relay host and a scripted filter server show what
# arrived). Messages come through smtpd and through sendmail/pickup; MIME
# structure decides which table sees a header (a part's Content-Type goes
# to mime_header_checks, an attached message's Subject to
# nested_header_checks, not to header_checks).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
port=$(free_port)
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT
fake_smtpd_start "$INSTANCE_DIR/filter" --mode plain --maildir "$INSTANCE_DIR/filter"
filter_port=$FAKE_SMTPD_PORT

cat >"$INSTANCE_CONF/header_checks" <<EOF
/^Subject: reject me/       REJECT no thanks
/^Subject: reject plain/    REJECT
/^Subject: reject dsn/      REJECT 5.7.0 go away
/^Subject: warn me/         WARN looked at
/^Subject: info me/         INFO noted
/^Subject: discard me/      DISCARD
/^Subject: hold me/         HOLD
/^X-Drop:/                  IGNORE
/^Subject: replace me/      REPLACE Subject: replaced
/^Subject: prepend me/      PREPEND X-Prepended: yes
/^Subject: redirect me/     REDIRECT catch@dest.test
/^Subject: filter me/       FILTER filt:[127.0.0.1]:$filter_port
/^Subject: bcc me/          BCC archive@dest.test
/^Subject: multi.+line two/  REJECT folded header
EOF
cat >"$INSTANCE_CONF/mime_header_checks" <<'EOF'
/^Content-(Type|Disposition):.*name="?[^"]*\.exe/  REJECT executable attachment
EOF
cat >"$INSTANCE_CONF/nested_header_checks" <<'EOF'
/^Subject: nested evil/     REJECT nested rejected
EOF
cat >"$INSTANCE_CONF/body_checks" <<'EOF'
/^forbidden body line$/     REJECT body rejected
/^secret line$/             REPLACE redacted line
/^drop this line$/          IGNORE
/^watch this line$/         WARN body seen
EOF
instance_master_cf_relay "$port" "filt unix - - n - 1 smtp" "pickup unix n - n 60 1 pickup"
instance_main_cf \
    "relayhost = [127.0.0.1]:$sink_port" \
    "mynetworks = 127.0.0.0/8" \
    "header_checks = regexp:$INSTANCE_CONF/header_checks" \
    "mime_header_checks = pcre:$INSTANCE_CONF/mime_header_checks" \
    "nested_header_checks = regexp:$INSTANCE_CONF/nested_header_checks" \
    "body_checks = pcre:$INSTANCE_CONF/body_checks" \
    "body_checks_size_limit = 2000"
instance_start "$port"
require "the instance starts"

# send_msg RCPT - the message on stdin through smtpd; prints the replies
send_msg() {
    python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$port" s@src.test "$@"
}

# send SUBJECT RCPT... - a plain message with that subject
send() {
    local subject=$1
    shift
    printf 'From: s@src.test\nSubject: %s\nX-Drop: gone\n\nbody of %s\n' "$subject" "$subject" |
        send_msg "$@"
}

# arrived DIR SUBJECT - the delivered file of that message
arrived() {
    fake_smtpd_arrived "$INSTANCE_DIR/$1" "$2"
}

# queued_id REPLIES - the queue ID of "250 2.0.0 Ok: queued as ID"
queued_id() {
    sed -n 's/^250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\)$/\1/p' <<<"$1"
}

tail_of='from localhost[127.0.0.1]; from=<s@src.test> to=<x@dest.test> proto=ESMTP helo=<client.test>'

# --- REJECT: the client's reply after DATA and cleanup's log line ---
out=$(send "reject me" x@dest.test)
has "REJECT text: 550 5.7.1 text after DATA" "550 5.7.1 no thanks" "$out"
qid=$(grep -o '[0-9A-Za-z]*: reject: header Subject: reject me' "$INSTANCE_LOG" | head -1 | cut -d: -f1)
has "REJECT: cleanup's log line" \
    "$qid: reject: header Subject: reject me $tail_of: 5.7.1 no thanks" "$(instance_log)"
lacks "REJECT: only cleanup logs it, smtpd adds no reject line (as Postfix)" \
    "$qid: reject: END-OF-MESSAGE" "$(instance_log)"
out=$(send "reject plain" x@dest.test)
has "REJECT without text: the default text" "550 5.7.1 message content rejected" "$out"
out=$(send "reject dsn" x@dest.test)
has "REJECT with an enhanced status code keeps it" "550 5.7.0 go away" "$out"
out=$(printf 'From: s@src.test\nSubject: multi\n line two\n\nbody\n' | send_msg x@dest.test)
has "a folded header is matched as one string" "550 5.7.1 folded header" "$out"

# --- WARN, INFO: logged, delivered; IGNORE removes the header ---
send "warn me" x@dest.test >/dev/null
send "info me" x@dest.test >/dev/null
has "WARN: cleanup's log line" "warning: header Subject: warn me $tail_of: looked at" \
    "$(instance_log)"
has "INFO: cleanup's log line" "info: header Subject: info me $tail_of: noted" "$(instance_log)"
wait_until 20 arrived sink "warn me" >/dev/null
check "WARN: the message is delivered"
lacks "IGNORE: the X-Drop header is gone" "X-Drop:" "$(cat "$(arrived sink "warn me")")"

# --- REPLACE, PREPEND ---
send "replace me" x@dest.test >/dev/null
send "prepend me" x@dest.test >/dev/null
wait_until 20 arrived sink replaced >/dev/null
check "REPLACE: the replaced header arrives"
has "REPLACE: cleanup's log line" "replace: header Subject: replace me $tail_of: Subject: replaced" \
    "$(instance_log)"
wait_until 20 arrived sink "prepend me" >/dev/null
file=$(arrived sink "prepend me")
same "PREPEND: the new header comes just before the matched one" "X-Prepended: yes" \
    "$(grep -B1 -x 'Subject: prepend me' "$file" | head -1)"

# --- DISCARD, HOLD ---
out=$(send "discard me" x@dest.test)
has "DISCARD: the client gets 250" "250 2.0.0 Ok: queued as" "$out"
dropped=$(queued_id "$out")
has "DISCARD: cleanup's log line" "$dropped: discard: header Subject: discard me $tail_of" \
    "$(instance_log)"
same "DISCARD: no queue file" "" "$(find "$INSTANCE_QUEUE" -name "$dropped" 2>/dev/null)"
out=$(send "hold me" x@dest.test)
held=$(queued_id "$out")
has "HOLD: cleanup's log line" "$held: hold: header Subject: hold me $tail_of" "$(instance_log)"
[ -f "$INSTANCE_QUEUE/hold/$held" ]
check "HOLD: the message is in the hold queue"
has "HOLD: mailq marks it with !" "$held!" \
    "$(instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -p)"

# --- REDIRECT, FILTER, BCC ---
send "redirect me" x@dest.test >/dev/null
send "filter me" x@dest.test >/dev/null
send "bcc me" x@dest.test >/dev/null
wait_until 20 arrived sink "redirect me" >/dev/null
check "REDIRECT: the message arrives"
same "REDIRECT: only the redirect address is a recipient" "<catch@dest.test>" \
    "$(fake_smtpd_rcpts "$INSTANCE_DIR/sink" "redirect me")"
has "REDIRECT: cleanup's log line" "redirect: header Subject: redirect me $tail_of: catch@dest.test" \
    "$(instance_log)"
wait_until 20 arrived filter "filter me" >/dev/null
check "FILTER: the message arrives at the filter's server"
has "FILTER: cleanup's log line" \
    "filter: header Subject: filter me $tail_of: filt:[127.0.0.1]:$filter_port" "$(instance_log)"
wait_until 20 arrived sink "bcc me" >/dev/null
same "BCC: the recipient and the BCC address" "<x@dest.test> <archive@dest.test>" \
    "$(fake_smtpd_rcpts "$INSTANCE_DIR/sink" "bcc me")"

# --- body_checks: REJECT, REPLACE, IGNORE, WARN, and the size limit ---
out=$(printf 'From: s@src.test\nSubject: body reject\n\nfine\nforbidden body line\n' |
    send_msg x@dest.test)
has "body REJECT: 550 after DATA" "550 5.7.1 body rejected" "$out"
has "body REJECT: cleanup's log line" "reject: body forbidden body line $tail_of: 5.7.1 body rejected" \
    "$(instance_log)"
printf 'From: s@src.test\nSubject: body edit\n\nsecret line\ndrop this line\nwatch this line\nend\n' |
    send_msg x@dest.test >/dev/null
wait_until 20 arrived sink "body edit" >/dev/null
file=$(arrived sink "body edit")
same "body REPLACE and IGNORE: what arrives" "redacted line|watch this line|end" \
    "$(sed -n '/^$/,$p' "$file" | sed 1d | paste -sd'|')"
has "body WARN: cleanup's log line" "warning: body watch this line $tail_of: body seen" \
    "$(instance_log)"
{
    printf 'From: s@src.test\nSubject: past the limit\n\n'
    for i in $(seq 1 60); do echo "filler line $i of the body, not checked any more"; done
    echo "forbidden body line"
} | send_msg x@dest.test >/dev/null
wait_until 20 arrived sink "past the limit" >/dev/null
check "body_checks_size_limit: a line past the limit is not inspected"

# --- MIME: mime_header_checks, nested_header_checks; header_checks not nested ---
mime_msg() { # SUBJECT PART-HEADERS NESTED-SUBJECT
    printf 'From: s@src.test\nSubject: %s\nMIME-Version: 1.0\n' "$1"
    printf 'Content-Type: multipart/mixed; boundary="b1"\n\npreamble\n--b1\n'
    printf 'Content-Type: text/plain\n\ntext part\n--b1\n%s\n\nattachment\n--b1\n' "$2"
    printf 'Content-Type: message/rfc822\n\nSubject: %s\nFrom: x@y.test\n\ninner body\n--b1--\n' "$3"
}
out=$(mime_msg "mime exe" 'Content-Type: application/octet-stream; name="run.exe"' "harmless" |
    send_msg x@dest.test)
has "mime_header_checks: an .exe part is refused" "550 5.7.1 executable attachment" "$out"
has "mime_header_checks: cleanup's log line" \
    'reject: header Content-Type: application/octet-stream; name="run.exe" from localhost' \
    "$(instance_log)"
out=$(mime_msg "mime nested" 'Content-Type: text/plain' "nested evil" | send_msg x@dest.test)
has "nested_header_checks: the attached message's Subject is refused" "550 5.7.1 nested rejected" \
    "$out"
out=$(printf 'From: s@src.test\nSubject: digest\nMIME-Version: 1.0\nContent-Type: multipart/digest; boundary="d1"\n\n--d1\n\nSubject: nested evil\nFrom: x@y.test\n\ninner\n--d1--\n' |
    send_msg x@dest.test)
has "nested_header_checks: a multipart/digest part is a message by default" \
    "550 5.7.1 nested rejected" "$out"
out=$(mime_msg "mime clean" 'Content-Type: text/plain' "reject me" | send_msg x@dest.test)
has "header_checks do not see an attached message's headers" "250 2.0.0 Ok: queued as" "$out"
wait_until 20 arrived sink "mime clean" >/dev/null
check "the clean MIME message is delivered"

# --- sendmail/pickup: the same checks for local submissions ---
printf 'Subject: warn me\n\nfrom sendmail\n' |
    instance_sendmail -f local@src.test x@dest.test
instance_wait_log "warning: header Subject: warn me from local; from=<local@src.test> to=<x@dest.test>: looked at" 20
check "a local submission is inspected too (logged from local)"

# A local submission that header_checks refuse goes back to its sender, as
# with Postfix: sendmail has long returned, so cleanup bounces the message
# (each recipient "status=bounced" with the refusal) and pickup forgets it.
printf 'Subject: reject me\n\nfrom sendmail, refused\n' |
    instance_sendmail -f local@src.test x@dest.test y@dest.test
check "sendmail accepts the submission that header_checks will refuse"
instance_wait_log "reject: header Subject: reject me from local; from=<local@src.test> to=<[xy]@dest.test>: 5.7.1 no thanks" 20
check "cleanup logs the refusal of the local submission"
if instance_wait_log "to=<x@dest.test>, relay=none, delay=[0-9.]*, delays=[0-9./]*, dsn=5.7.1, status=bounced \\(no thanks\\)" 20 &&
    instance_wait_log "to=<y@dest.test>, relay=none, delay=[0-9.]*, delays=[0-9./]*, dsn=5.7.1, status=bounced \\(no thanks\\)" 20; then
    ok "each recipient is logged as bounced, with the refusal's status and text"
else
    not_ok "each recipient is logged as bounced, with the refusal's status and text"
    comment "$(grep -E 'status=bounced|from local;|maildrop' "$INSTANCE_LOG")"
fi
ndr=""
wait_until 30 arrived sink "Undelivered Mail Returned to Sender" && ndr=$(arrived sink "Undelivered Mail Returned to Sender")
[ -n "$ndr" ]
check "the sender gets a non-delivery notification"
has "the notification is for the sender" "RCPT TO:<local@src.test>" \
    "$(cat "$INSTANCE_DIR/sink/log")"
has "the notification gives the reason" "no thanks" "$(cat "$ndr" 2>/dev/null)"
has "and names the refused recipients" "Final-Recipient: rfc822; x@dest.test" "$(cat "$ndr" 2>/dev/null)"
[ -z "$(ls -A "$INSTANCE_QUEUE/corrupt" 2>/dev/null)" ]
check "nothing went to the corrupt queue"
refused=$(grep -o '[0-9A-Za-z]*: reject: header Subject: reject me from local' "$INSTANCE_LOG" |
    head -1 | cut -d: -f1)
# no_files DIR... - no file left in these queue directories
no_files() {
    [ -z "$(find "$@" -type f 2>/dev/null)" ]
}
wait_until 10 no_files "$INSTANCE_QUEUE/maildrop" && [ -n "$refused" ] &&
    [ ! -e "$INSTANCE_QUEUE/hold/$refused" ] && [ ! -e "$INSTANCE_QUEUE/incoming/$refused" ]
check "the maildrop file is gone, and the refused message is not queued"

instance_stop
exit 0

#!/bin/bash
# smtp_checks.sh - smtp_header_checks, smtp_mime_header_checks and
# smtp_body_checks in the smtp client: what the next hop receives (a
# scripted server's copy), the smtp client's log lines, and the actions
# that the smtp client does not offer (HOLD: a warning, the line is sent).
# smtp_generic_maps (ADDRESS_REWRITING_README's "Generic mapping for
# outgoing SMTP mail") rewrites the envelope and the address headers on
# their way out, with generic(5)'s lookup order and
# propagate_unmatched_extensions = generic.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
port=$(free_port)
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT

cat >"$INSTANCE_CONF/smtp_header_checks" <<'EOF2'
/^X-Internal:/              IGNORE
/^Subject: strip me/        STRIP stripped
/^Subject: replace me/      REPLACE Subject: replaced
/^Subject: warn me/         WARN outbound
/^X-Tag:/                   PREPEND X-Before-Tag: yes
/^Subject: hold me/         HOLD
EOF2
cat >"$INSTANCE_CONF/smtp_mime_header_checks" <<'EOF2'
/^X-Part-Secret:/           IGNORE
EOF2
cat >"$INSTANCE_CONF/smtp_body_checks" <<'EOF2'
/^secret$/                  REPLACE [redacted]
EOF2
instance_master_cf_relay "$port"
instance_main_cf \
    "relayhost = [127.0.0.1]:$sink_port" \
    "mynetworks = 127.0.0.0/8" \
    "smtp_header_checks = regexp:$INSTANCE_CONF/smtp_header_checks" \
    "smtp_mime_header_checks = regexp:$INSTANCE_CONF/smtp_mime_header_checks" \
    "smtp_body_checks = pcre:$INSTANCE_CONF/smtp_body_checks" \
    "myorigin = mail.local" \
    "recipient_delimiter = +" \
    "propagate_unmatched_extensions = canonical, virtual, generic" \
    "smtp_generic_maps = inline:{ {his@localdomain.local=hisaccount@hisisp.example}, {@localdomain.local=hermail@hisisp.example}, {joe=joe.public@isp.example} }"
instance_start "$port"
require "the instance starts"

# send_msg - the message on stdin through smtpd to x@dest.test; prints the replies
send_msg() {
    python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$port" s@src.test x@dest.test
}

# delivered SUBJECT - the next hop's copy of that message, once it arrived
delivered() {
    wait_until 20 fake_smtpd_arrived "$INSTANCE_DIR/sink" "$1" >/dev/null &&
        cat "$(fake_smtpd_arrived "$INSTANCE_DIR/sink" "$1")"
}

printf 'Subject: plain\nX-Internal: host42\nX-Tag: t\n\nsecret\nkept\n' | send_msg >/dev/null
got=$(delivered plain)
check "a message arrives at the next hop"
lacks "IGNORE: the header is not sent" "X-Internal:" "$got"
same "PREPEND: the new header goes out before the matched one" "X-Before-Tag: yes" \
    "$(grep -B1 -x 'X-Tag: t' <<<"$got" | head -1)"
has "body REPLACE: the line is replaced" "[redacted]" "$got"
! grep -qx secret <<<"$got"
check "body REPLACE: the secret line is not sent"

printf 'Subject: strip me\n\nbody\n' | send_msg >/dev/null
printf 'Subject: warn me\n\nbody\n' | send_msg >/dev/null
printf 'Subject: replace me\n\nbody\n' | send_msg >/dev/null
printf 'Subject: hold me\n\nbody\n' | send_msg >/dev/null
wait_until 20 fake_smtpd_arrived "$INSTANCE_DIR/sink" replaced >/dev/null
check "REPLACE: the replaced Subject arrives"
wait_until 20 instance_wait_log "strip: header Subject: strip me: stripped" 1
check "STRIP: the smtp client's log line"
lacks "STRIP: the Subject is not sent" "Subject: strip me" \
    "$(cat "$INSTANCE_DIR"/sink/msg.* 2>/dev/null)"
has "WARN: the smtp client's log line" "warning: header Subject: warn me: outbound" \
    "$(instance_log)"
delivered "warn me" >/dev/null
check "WARN: the message goes out unchanged"
delivered "hold me" >/dev/null
check "HOLD is not an smtp client action: the message goes out"
has "HOLD: a warning" "unsupported action in smtp_header_checks map: HOLD" "$(instance_log)"
lacks "the queue is empty: HOLD did not hold" "!" \
    "$(instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -p | grep -v '^-')"

{
    printf 'Subject: mime\nMIME-Version: 1.0\nX-Part-Secret: top\n'
    printf 'Content-Type: multipart/mixed; boundary="b"\n\n--b\nX-Part-Secret: part\n'
    printf 'Content-Type: text/plain\n\npart body\n--b--\n'
} | send_msg >/dev/null
got=$(delivered mime)
check "the MIME message arrives"
has "smtp_header_checks do not see a part's headers; the top one stays" "X-Part-Secret: top" "$got"
lacks "smtp_mime_header_checks see the part's header" "X-Part-Secret: part" "$got"

# Generic mapping: user@domain, then user for $myorigin (the extension
# propagated), then @domain; other addresses and nested headers stay.
{
    printf 'Subject: generic\nFrom: His <his@localdomain.local>\n'
    printf 'To: joe+news@mail.local, other@dest.test\nReply-To: anyone@localdomain.local\n'
    printf 'MIME-Version: 1.0\nContent-Type: message/rfc822\n\nFrom: his@localdomain.local\n\ninner\n'
} | python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$port" \
    his@localdomain.local joe+news@mail.local other@dest.test >/dev/null
got=$(delivered generic)
check "the message with local addresses arrives"
has "From: the user@domain entry" "From: His <hisaccount@hisisp.example>" "$got"
has "To: the user entry for \$myorigin, with the unmatched extension" \
    "To: joe.public+news@isp.example, other@dest.test" "$got"
has "Reply-To: the @domain entry" "Reply-To: hermail@hisisp.example" "$got"
has "an attached message keeps its headers" "From: his@localdomain.local" "$got"
envelope=$(grep -E '^C: (MAIL FROM|RCPT TO)' "$INSTANCE_DIR/sink/log" | tail -3)
has "MAIL FROM: the envelope sender is mapped" "MAIL FROM:<hisaccount@hisisp.example>" "$envelope"
has "RCPT TO: the envelope recipient is mapped" "RCPT TO:<joe.public+news@isp.example>" "$envelope"
has "RCPT TO: an address without an entry stays" "RCPT TO:<other@dest.test>" "$envelope"
has "the log names the original recipient" "to=<joe+news@mail.local>" "$(instance_log)"

instance_stop
exit 0

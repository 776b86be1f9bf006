#!/bin/bash
# milter_opendkim.sh - DKIM signing through smtpd_milters with Debian's
# OpenDKIM: mail submitted through our smtpd leaves signed by OpenDKIM,
# and a verifier that is not ours (Python's dkim module, Debian's
# python3-dkim, with the public key that opendkim-genkey made) finds the
# delivered message's signature valid; the same message with one body
# byte changed does not verify, so the check can fail. OpenDKIM inserts its signature at the top, and with the milter gone
# mail is deferred (4xx), not lost or sent unsigned.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/milter.sh"

milter_opendkim_available || skip "$MILTER_MISSING"

instance_create
dkim=$INSTANCE_DIR/dkim
milter_opendkim_start "$dkim" example.test sel1
read -r port absent_port absent_milter < <(free_port 3 | tr '\n' ' ')
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT

instance_master_cf_relay "$port" "pickup unix n - n 60 1 pickup" \
    "127.0.0.1:$absent_port inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$absent_milter -o milter_connect_timeout=2s"
instance_main_cf \
    "relayhost = [127.0.0.1]:$sink_port" \
    "mynetworks = 127.0.0.0/8" \
    "smtpd_milters = inet:127.0.0.1:$OPENDKIM_PORT" \
    "non_smtpd_milters = inet:127.0.0.1:$OPENDKIM_PORT" \
    "milter_default_action = tempfail"
instance_start "$port" "$absent_port"
require "the instance starts"

# send PORT SUBJECT - one message from user@example.test; prints the replies
send() {
    printf 'From: User <user@example.test>\nTo: <rcpt@dest.test>\nSubject: %s\nDate: Mon, 7 Dec 2026 06:00:00 +0000\nMessage-ID: <%s@example.test>\n\nA body line.\n\n.leading dot and trailing blanks  \nLast line.\n' \
        "$2" "$2" |
        python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$1" user@example.test rcpt@dest.test
}

out=$(send "$port" signed)
has "the client gets 250 with OpenDKIM in smtpd_milters" "250 2.0.0 Ok: queued as" "$out"
queue_id=$(sed -n 's/^250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\)$/\1/p' <<<"$out")
wait_until 20 fake_smtpd_arrived "$INSTANCE_DIR/sink" signed >/dev/null
file=$(fake_smtpd_arrived "$INSTANCE_DIR/sink" signed)
test -n "$file"
check "the message arrives"
has "the delivered message carries OpenDKIM's signature" "DKIM-Signature: v=1; a=rsa-sha256" "$(cat "$file" 2>/dev/null)"
has "signed for example.test with selector sel1" "d=example.test; s=sel1" \
    "$(tr -d '\r\n\t ' <"$file" | sed 's/;/; /g')"
verdict=$(milter_dkim_verify "$file" "$dkim" sel1)
same "python3-dkim verifies the signature" "DKIM signature valid" "$verdict"
if [ -n "$file" ]; then
    sed 's/A body line\./A body line!/' "$file" >"$INSTANCE_DIR/tampered"
    verdict=$(milter_dkim_verify "$INSTANCE_DIR/tampered" "$dkim" sel1)
fi
same "the same message with a changed body does not verify" "DKIM signature INVALID" "$verdict"
same "the signature is inserted at the top, above our Received: header" "DKIM-Signature:" \
    "$(grep -v '^X-Fake-' "$file" 2>/dev/null | head -1 | cut -d' ' -f1)"
has "the queue file was written once, under the ID the client was given" \
    "$queue_id: from=<user@example.test>" "$(instance_log)"

# With the milter absent, milter_default_action = tempfail defers the mail.
out=$(send "$absent_port" unsigned)
has "milter absent: the client is told 451 4.7.1" "451 4.7.1 Service unavailable - try again later" "$out"
lacks "milter absent: nothing is queued" "queued as" "$out"
has "milter absent: the log names the milter" \
    "warning: milter inet:127.0.0.1:$absent_milter: connect:" "$(instance_log)"

# Mail from sendmail goes through non_smtpd_milters: signed as well.
printf 'From: User <user@example.test>\nTo: <rcpt@dest.test>\nSubject: from sendmail\n\nSigned on the way in.\n' |
    instance_sendmail -f user@example.test rcpt@dest.test
wait_until 30 fake_smtpd_arrived "$INSTANCE_DIR/sink" "from sendmail" >/dev/null
file=$(fake_smtpd_arrived "$INSTANCE_DIR/sink" "from sendmail")
test -n "$file"
check "sendmail: the message arrives"
has "sendmail: OpenDKIM signed it through non_smtpd_milters" "DKIM-Signature: v=1; a=rsa-sha256" \
    "$(cat "$file" 2>/dev/null)"
verdict=$([ -n "$file" ] && milter_dkim_verify "$file" "$dkim" sel1)
same "sendmail: python3-dkim verifies the signature" "DKIM signature valid" "$verdict"

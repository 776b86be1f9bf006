#!/bin/bash
# smtpd_actions.sh - access(5) actions on the whole message, seen as an
# administrator sees them: HOLD (the hold queue, "!" in mailq, postsuper
# -H and -h), DISCARD (250, logged, nothing queued or delivered), FILTER
# (the mail goes to the filter transport's server), REDIRECT (one
# recipient instead of the others, orig_to= in the log), BCC (one more
# recipient), PREPEND (a header above Received:), WARN and INFO (logged
# only), and a FILTER without transport:destination (a warning, the mail
# goes its usual way). Mail leaves through the smtp client to scripted
# servers, whose transcripts show what arrived.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
read -r port closed_port < <(free_port 2 | tr '\n' ' ')
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT
fake_smtpd_start "$INSTANCE_DIR/filter" --mode plain --maildir "$INSTANCE_DIR/filter"
filter_port=$FAKE_SMTPD_PORT

cat >"$INSTANCE_CONF/access" <<EOF
hold@dest.test        HOLD
holdtext@dest.test    HOLD please look at this one
discard@dest.test     DISCARD
filter@dest.test      FILTER filt:[127.0.0.1]:$filter_port
badfilter@dest.test   FILTER nocolon
redirect@dest.test    REDIRECT catch@dest.test
bcc@dest.test         BCC archive@dest.test
prepend@dest.test     PREPEND X-Access-Tag: tagged
warn@dest.test        WARN looks odd
info@dest.test        INFO noted
EOF
instance_master_cf_relay "$port" "filt unix - - n - 1 smtp"
instance_main_cf \
    "relayhost = [127.0.0.1]:$sink_port" \
    "transport_maps = inline:{ dead.test=smtp:[127.0.0.1]:$closed_port }" \
    "mynetworks = 127.0.0.0/8" \
    "smtpd_recipient_restrictions = check_recipient_access texthash:$INSTANCE_CONF/access, permit_mynetworks, reject" \
    "minimal_backoff_time = 300s" "maximal_backoff_time = 600s" "queue_run_delay = 300s"
instance_start "$port"
require "the instance starts"

# send SUBJECT RCPT... - one message; prints the replies, one a line
send() {
    local subject=$1
    shift
    printf 'From: s@src.test\nSubject: %s\n\nbody of %s\n' "$subject" "$subject" |
        python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$port" s@src.test "$@"
}

# queued_id REPLIES - the queue ID of "250 2.0.0 Ok: queued as ID"
queued_id() {
    sed -n 's/^250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\)$/\1/p' <<<"$1"
}

# arrived DIR SUBJECT - the file of the message with that subject, if it arrived
arrived() {
    fake_smtpd_arrived "$INSTANCE_DIR/$1" "$2"
}

# in_queue QUEUE ID - the message file is in that queue
in_queue() {
    [ -f "$INSTANCE_QUEUE/$1/$2" ]
}

# rcpts_for DIR SUBJECT - the RCPT TO lines of the session that carried SUBJECT
rcpts_for() {
    fake_smtpd_rcpts "$INSTANCE_DIR/$1" "$2"
}

log_tail='; from=<s@src.test> to=<%s> proto=ESMTP helo=<client.test>'

# --- HOLD: accepted, logged, kept in the hold queue, shown with "!" ---
out=$(send held hold@dest.test)
has "HOLD: the client gets 250" "250 2.0.0 Ok: queued as" "$out"
held=$(queued_id "$out")
has "HOLD: Postfix's log line" \
    "NOQUEUE: hold: RCPT from localhost[127.0.0.1]: <hold@dest.test>: Recipient address triggers HOLD action$(printf "$log_tail" hold@dest.test)" \
    "$(instance_log)"
wait_until 5 in_queue hold "$held"
check "HOLD: the message is in the hold queue"
mailq=$(instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -p)
has "HOLD: mailq marks it with !" "$held!" "$mailq"
out=$(send heldtext holdtext@dest.test)
has "HOLD text: the table's text is logged" \
    "<holdtext@dest.test>: Recipient address please look at this one;" "$(instance_log)"

# --- DISCARD: 250, logged, nothing kept ---
out=$(send discarded discard@dest.test)
has "DISCARD: the client gets 250" "250 2.0.0 Ok: queued as" "$out"
dropped=$(queued_id "$out")
has "DISCARD: Postfix's log line" \
    "NOQUEUE: discard: RCPT from localhost[127.0.0.1]: <discard@dest.test>: Recipient address triggers DISCARD action$(printf "$log_tail" discard@dest.test)" \
    "$(instance_log)"

# --- FILTER, REDIRECT, BCC, PREPEND, WARN, INFO ---
send filtered filter@dest.test >/dev/null
send badfiltered badfilter@dest.test >/dev/null
send redirected redirect@dest.test >/dev/null
send copied bcc@dest.test >/dev/null
send tagged prepend@dest.test >/dev/null
send warned warn@dest.test >/dev/null
send noted info@dest.test >/dev/null
send plain plain@dest.test >/dev/null
wait_until 20 arrived sink plain >/dev/null
check "a message without actions arrives at the relay host"

wait_until 20 arrived filter filtered >/dev/null
check "FILTER: the message arrives at the filter's server"
lacks "FILTER: not at the relay host" "Subject: filtered" "$(cat "$INSTANCE_DIR"/sink/msg.* 2>/dev/null)"
has "FILTER: Postfix's log line" \
    "NOQUEUE: filter: RCPT from localhost[127.0.0.1]: <filter@dest.test>: Recipient address triggers FILTER filt:[127.0.0.1]:$filter_port$(printf "$log_tail" filter@dest.test)" \
    "$(instance_log)"
has "FILTER: delivered by the filt transport to the filter's port" \
    "to=<filter@dest.test>, relay=127.0.0.1[127.0.0.1]:$filter_port" "$(instance_log)"

wait_until 20 arrived sink badfiltered >/dev/null
check "FILTER without transport:destination: the mail goes its usual way"
has "FILTER without transport:destination: a warning" \
    'entry "FILTER nocolon" requires transport:destination' "$(instance_log)"

wait_until 20 arrived sink redirected >/dev/null
check "REDIRECT: the message arrives"
same "REDIRECT: only the redirect address is a recipient" \
    "<catch@dest.test>" "$(rcpts_for sink redirected)"
has "REDIRECT: Postfix's log line" \
    "<redirect@dest.test>: Recipient address triggers REDIRECT catch@dest.test;" "$(instance_log)"
has "REDIRECT: the delivery shows the original recipient" \
    "to=<catch@dest.test>, orig_to=<redirect@dest.test>" "$(instance_log)"

wait_until 20 arrived sink copied >/dev/null
check "BCC: the message arrives"
same "BCC: the recipient and the BCC address" "<bcc@dest.test> <archive@dest.test>" \
    "$(rcpts_for sink copied)"
has "BCC: Postfix's log line" \
    "<bcc@dest.test>: Recipient address triggers BCC archive@dest.test;" "$(instance_log)"

wait_until 20 arrived sink tagged >/dev/null
file=$(arrived sink tagged)
same "PREPEND: the header comes first, above Received:" "X-Access-Tag: tagged" \
    "$(sed -n 2p "$file")"
has "PREPEND: Received: follows" "Received: from client.test" "$(sed -n 3p "$file")"

has "WARN: Postfix's log line" \
    "NOQUEUE: warn: RCPT from localhost[127.0.0.1]: looks odd$(printf "$log_tail" warn@dest.test)" \
    "$(instance_log)"
has "INFO: Postfix's log line" \
    "NOQUEUE: info: RCPT from localhost[127.0.0.1]: noted$(printf "$log_tail" info@dest.test)" \
    "$(instance_log)"
wait_until 20 arrived sink warned >/dev/null && wait_until 20 arrived sink noted >/dev/null
check "WARN and INFO: the mail is delivered"

# After all that, the held and discarded messages are still not delivered.
lacks "HOLD: the held message was not delivered" "Subject: held" \
    "$(cat "$INSTANCE_DIR"/sink/msg.* 2>/dev/null)"
lacks "DISCARD: the message was not delivered" "Subject: discarded" \
    "$(cat "$INSTANCE_DIR"/sink/msg.* 2>/dev/null)"
found=$(find "$INSTANCE_QUEUE" -name "$dropped" 2>/dev/null)
same "DISCARD: no queue file is left" "" "$found"
in_queue hold "$held"
check "HOLD: still in the hold queue"

# --- postsuper -H: release, then postqueue -f delivers ---
out=$(instance_run "$TEST_BIN/postsuper" -c "$INSTANCE_CONF" -H "$held" 2>&1)
has "postsuper -H: the count" "Released from hold: 1 message" "$out"
has "postsuper -H: the log line" "$held: released from hold" "$(instance_log)"
in_queue deferred "$held"
check "postsuper -H: the message is in the deferred queue"
instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -f
wait_until 20 arrived sink held >/dev/null
check "released and flushed: the message is delivered"

# --- postsuper -h: a deferred message goes on hold, from stdin too ---
out=$(send stuck x@dead.test)
stuck=$(queued_id "$out")
wait_until 20 in_queue deferred "$stuck"
check "a message to a dead destination is deferred"
out=$(echo "$stuck" | instance_run "$TEST_BIN/postsuper" -c "$INSTANCE_CONF" -h - 2>&1)
has "postsuper -h -: the count" "Placed on hold: 1 message" "$out"
has "postsuper -h: the log line" "$stuck: placed on hold" "$(instance_log)"
in_queue hold "$stuck"
check "postsuper -h: the message is in the hold queue"
has "postsuper -h: mailq marks it with !" "$stuck!" \
    "$(instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -p)"
instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -f
sleep 1
in_queue hold "$stuck"
check "postqueue -f leaves held mail alone"
out=$(instance_run "$TEST_BIN/postsuper" -c "$INSTANCE_CONF" -H ALL 2>&1)
# Two held: this one and "heldtext", which stayed on hold until now.
has "postsuper -H ALL: the count" "Released from hold: 2 messages" "$out"
out=$(instance_run "$TEST_BIN/postsuper" -c "$INSTANCE_CONF" -d ALL 2>&1)
has "postsuper -d ALL afterwards" "Deleted: 2 messages" "$out"

instance_stop
exit 0

#!/bin/bash
# content_filter.sh - the after-queue content filter pattern of Postfix's
# FILTER_README: content_filter sends every message (from smtpd and from
# sendmail through pickup) to a filter on a loopback port (the scripted
# lib/filter_proxy.py), which adds a header and reinjects it into a second
# smtpd that has "-o content_filter=" and receive_override_options; the
# final message carries the filter's header once and the header_checks
# PREPEND once (no_header_body_checks on the second pass), arrives once,
# and passes the filter once (no loop). An access table's FILTER action
# wins over content_filter; no_address_mappings before the filter leaves
# aliases to the reinjection. The filter transport sends XFORWARD
# (smtp_send_xforward_command), and the reinjection service, which allows
# it (smtpd_authorized_xforward_hosts), names the original client in
# Received: and the log; other clients may not use it. With the filter
# down, mail waits in the queue.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
read -r port reinject_port nomap_port < <(free_port 3 | tr '\n' ' ')
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT
fake_smtpd_start "$INSTANCE_DIR/other" --mode plain --maildir "$INSTANCE_DIR/other"
other_port=$FAKE_SMTPD_PORT

filter=$INSTANCE_DIR/filter
mkdir -p "$filter"
python3 "$TEST_TOP/tests/integration/lib/filter_proxy.py" --port-file "$filter/port" \
    --reinject "$reinject_port" --log "$filter/log" &
filter_pid=$!
at_exit "kill $filter_pid 2>/dev/null"
wait_file "$filter/port" 5 || fail "the filter starts"
filter_port=$(cat "$filter/port")

printf '/^Subject: /\tPREPEND X-Checked: once\n' >"$INSTANCE_CONF/header_checks"
printf 'other@dest.test\tFILTER smtp:[127.0.0.1]:%s\n' "$other_port" >"$INSTANCE_CONF/access"
instance_master_cf_relay "$port" "pickup unix n - n 60 1 pickup" \
    "filter unix - - n - 2 smtp -o smtp_send_xforward_command=yes" \
    "127.0.0.1:$nomap_port inet n - n - - smtpd -o receive_override_options=no_address_mappings" \
    "127.0.0.1:$reinject_port inet n - n - - smtpd -o content_filter= -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters -o smtpd_authorized_xforward_hosts=127.0.0.0/8"
instance_main_cf \
    "relayhost = [127.0.0.1]:$sink_port" \
    "mynetworks = 127.0.0.0/8" \
    "content_filter = filter:[127.0.0.1]:$filter_port" \
    "virtual_alias_maps = inline:{alias@dest.test=real@dest.test}" \
    "header_checks = regexp:$INSTANCE_CONF/header_checks" \
    "smtpd_recipient_restrictions = check_recipient_access texthash:$INSTANCE_CONF/access, permit_mynetworks, reject" \
    "minimal_backoff_time = 300s" "maximal_backoff_time = 600s" "queue_run_delay = 300s"
instance_start "$port" "$reinject_port" "$nomap_port"
require "the instance starts"

# send SUBJECT SENDER RCPT [PORT] - one message over SMTP; prints the replies
send() {
    printf 'From: %s\nSubject: %s\n\nbody of %s\n' "$2" "$1" "$1" |
        python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "${4:-$port}" "$2" "$3"
}
arrived() {
    fake_smtpd_arrived "$INSTANCE_DIR/sink" "$1"
}

out=$(send filtered one@src.test rcpt@dest.test)
has "SMTP: 250" "250 2.0.0 Ok: queued as" "$out"
first_id=$(sed -n 's/^250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\)$/\1/p' <<<"$out")
wait_until 30 arrived filtered >/dev/null
file=$(arrived filtered)
test -n "$file"
check "SMTP: the message arrives after the filter"
same "SMTP: one copy arrives" 1 "$(grep -lx 'Subject: filtered' "$INSTANCE_DIR"/sink/msg.* 2>/dev/null | wc -l)"
same "SMTP: the filter's header, once" 1 "$(grep -c '^X-Filtered: by filter_proxy' "$file" 2>/dev/null)"
same "SMTP: header_checks acted once (no_header_body_checks after the filter)" 1 \
    "$(grep -c '^X-Checked: once' "$file" 2>/dev/null)"
same "SMTP: the message passed the filter once" 1 "$(grep -c 'MAIL <one@src.test>' "$filter/log")"
has "SMTP: the filter's reinjection was accepted" "MAIL <one@src.test> RCPT <rcpt@dest.test>" \
    "$(grep '250 2.0.0 Ok: reinjected' "$filter/log")"
has "XFORWARD: the filter got the original client from our smtp client" \
    "XFORWARD NAME=localhost ADDR=127.0.0.1 PORT=" "$(grep 'MAIL <one@src.test>' "$filter/log")"
has "XFORWARD: with its HELO, protocol and queue ID" \
    "PROTO=ESMTP HELO=client.test IDENT=$first_id SOURCE=REMOTE" "$(grep 'MAIL <one@src.test>' "$filter/log")"
same "XFORWARD: the reinjection's Received: names the original client, not the filter" \
    "Received: from client.test (localhost [127.0.0.1])" \
    "$(grep -m1 '^Received:' "$file" 2>/dev/null)"
lacks "XFORWARD: no Received: names the filter" "from filter.test" "$(cat "$file" 2>/dev/null)"
has "XFORWARD: the reinjection logs the original queue ID and client" \
    "client=localhost[127.0.0.1], orig_queue_id=$first_id, orig_client=localhost[127.0.0.1]" \
    "$(instance_log)"
has "the first pass is logged with the filter as relay" "relay=127.0.0.1[127.0.0.1]:$filter_port" \
    "$(instance_log)"

printf 'From: two@src.test\nSubject: from sendmail\n\nbody\n' |
    instance_sendmail -f two@src.test rcpt@dest.test
wait_until 30 arrived "from sendmail" >/dev/null
file=$(arrived "from sendmail")
test -n "$file"
check "sendmail: the message arrives after the filter"
same "sendmail: the filter's header, once" 1 "$(grep -c '^X-Filtered: by filter_proxy' "$file" 2>/dev/null)"
same "sendmail: the message passed the filter once" 1 "$(grep -c 'MAIL <two@src.test>' "$filter/log")"

out=$(send "access filter" three@src.test other@dest.test)
has "FILTER action: 250" "250 2.0.0 Ok: queued as" "$out"
wait_until 30 fake_smtpd_arrived "$INSTANCE_DIR/other" "access filter" >/dev/null
test -n "$(fake_smtpd_arrived "$INSTANCE_DIR/other" "access filter")"
check "FILTER action: the access table's filter wins over content_filter"
same "FILTER action: the content filter did not see it" 0 "$(grep -c 'MAIL <three@src.test>' "$filter/log")"

# no_address_mappings before the filter: the filter sees the address as
# the client gave it, and the reinjection expands it.
out=$(send "alias" five@src.test alias@dest.test "$nomap_port")
has "no_address_mappings: 250" "250 2.0.0 Ok: queued as" "$out"
wait_until 30 arrived alias >/dev/null
has "no_address_mappings: the filter sees the unexpanded alias" "MAIL <five@src.test> RCPT <alias@dest.test>" \
    "$(cat "$filter/log")"
has "no_address_mappings: the reinjection expands it" "real@dest.test" \
    "$(fake_smtpd_rcpts "$INSTANCE_DIR/sink" alias)"
out=$(send "alias expanded" six@src.test alias@dest.test)
wait_until 30 arrived "alias expanded" >/dev/null
has "with mappings: the filter sees the expanded address" "MAIL <six@src.test> RCPT <real@dest.test>" \
    "$(cat "$filter/log")"

# XFORWARD from a client that smtpd_authorized_xforward_hosts does not list.
out=$(PORT=$port PYTHONPATH=$TEST_TOP/tests/integration/lib bounded 30 python3 -c '
import os
from smtp_session import Session
s = Session.connect(int(os.environ["PORT"]))
s.reply()
code, lines = s.cmd("EHLO client.test")
print("\n".join(lines))
print("\n".join(s.cmd("XFORWARD NAME=spoofed.example ADDR=192.0.2.1")[1]))
s.cmd("QUIT")
')
lacks "XFORWARD: not offered to other clients" "XFORWARD NAME" "$out"
has "XFORWARD: refused to other clients" "550 5.7.0 Error: insufficient authorization" "$out"

# With the filter down, the mail waits in the queue: deferred, not lost.
kill "$filter_pid"
wait_gone "$filter_pid" 5
out=$(send "filter down" four@src.test rcpt@dest.test)
has "filter down: 250 all the same" "250 2.0.0 Ok: queued as" "$out"
id=$(sed -n 's/^250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\)$/\1/p' <<<"$out")
instance_wait_log "$id: to=<rcpt@dest.test>, relay=none, .*status=deferred" 30
check "filter down: the message is deferred"
test -n "$(find "$INSTANCE_QUEUE/deferred" -name "$id" 2>/dev/null)"
check "filter down: it waits in the deferred queue"

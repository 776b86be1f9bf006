#!/bin/bash
# smtp_bad_dsn.sh - a server's malformed enhanced status codes cannot
# corrupt the delivery report. An instance relays one message with four
# recipients to a scripted server (tests/helpers/fake_smtpd.py) that
# answers two RCPTs with "450 4..66 ..." and "550 5.1.1234 ...", and
# accepts the other two. Each recipient is reported once, with the code
# its reply class gives (4.0.0, 5.0.0), the queue agrees with the log
# (only the deferred recipient is left), the queue manager gets no
# malformed status, and the server receives the message once.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create

read -r pin pfake < <(free_port 2 | tr '\n' ' ')
mkdir -p "$INSTANCE_DIR/fake/mail"
fake_smtpd_start "$INSTANCE_DIR/fake" --mode plain --maildir "$INSTANCE_DIR/fake/mail" \
    --idle 60 --listen-port "$pfake"

instance_master_cf_relay "$pin"
instance_main_cf \
    "mydestination =" "mynetworks = 127.0.0.0/8" "alias_maps =" \
    "transport_maps = inline:{ far.example.test=smtp:[127.0.0.1]:$pfake, sender.example.test=smtp:[127.0.0.1]:$pfake }" \
    "smtp_tls_security_level = none" \
    "minimal_backoff_time = 1h" "maximal_backoff_time = 2h" "queue_run_delay = 1h"
instance_start "$pin"
require "the instance starts"

instance_smtp_send -f s@sender.example.test "$pin" ok1@far.example.test \
    baddsn4@far.example.test baddsn5@far.example.test ok2@far.example.test
require "the message is accepted"

# lines RCPT - the instance's status lines for a recipient
lines() {
    grep -F "to=<$1>" "$INSTANCE_LOG" | grep 'status='
}

# reported - all four recipients have a status line
reported() {
    for r in ok1 baddsn4 baddsn5 ok2; do
        lines "$r@far.example.test" | grep -q . || return 1
    done
}
wait_until 60 reported
require "every recipient has a status line"
# Give a late, contradicting report time to show up.
sleep 2

for r in ok1 baddsn4 baddsn5 ok2; do
    n=$(lines "$r@far.example.test" | wc -l)
    same "$r is reported once" 1 "$n"
done
out=$(lines ok1@far.example.test; lines ok2@far.example.test)
[ "$(grep -c 'dsn=2.0.0, status=sent' <<<"$out")" -eq 2 ]
check "the accepted recipients are sent"
has "450 4..66 is deferred with 4.0.0" "dsn=4.0.0, status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4..66" "$(lines baddsn4@far.example.test)"
has "550 5.1.1234 bounces with 5.0.0" "dsn=5.0.0, status=bounced (host 127.0.0.1[127.0.0.1] said: 550 5.1.1234" "$(lines baddsn5@far.example.test)"
lacks "no unknown mail transport error" "unknown mail transport error" "$(cat "$INSTANCE_LOG")"
lacks "qmgr gets no malformed status" "malformed status" "$(cat "$INSTANCE_LOG")"

# The queue agrees: the message waits in deferred for baddsn4 alone.
queue_has_only_baddsn4() {
    local listing
    listing=$(instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -p 2>&1)
    grep -q 'baddsn4@far.example.test' <<<"$listing" &&
        ! grep -Eq '(ok1|ok2|baddsn5)@far.example.test' <<<"$listing"
}
wait_until 10 queue_has_only_baddsn4
check "the queue holds the message for the deferred recipient only"

# The server got the message once (and the bounce for baddsn5 once).
n=$(grep -l '^Subject: ok1@far.example.test baddsn4@' "$INSTANCE_DIR/fake/mail"/msg.* 2>/dev/null | wc -l)
same "the message was delivered once" 1 "$n"
n=$(grep -c '^C: RCPT TO:<ok1@far.example.test>' "$INSTANCE_DIR/fake/log")
same "ok1 was given to the server once" 1 "$n"

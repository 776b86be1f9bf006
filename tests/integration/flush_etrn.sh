#!/bin/bash
# flush_etrn.sh - ETRN and the fast flush service, with real parts: mail
# for a fast_flush_domains destination is deferred because its next hop
# (a scripted SMTP server) is down; the queue manager logs it with
# flush(8); the next hop comes up, and "ETRN customer.example" from an
# SMTP client gets "250 Queuing started" and makes the delivery happen at
# once, while queue_run_delay and the back-off are an hour. ETRN for a
# domain outside fast_flush_domains gets 459, smtpd_etrn_restrictions
# refuse (554 "Etrn command rejected"), the syntax and state errors have
# Postfix's replies, EHLO advertises ETRN unless
# smtpd_discard_ehlo_keywords hides it. "postqueue -s site" delivers the
# mail of a subdomain (parent_domain_matches_subdomains), "postqueue -i
# queue_id" one message, and postqueue and "sendmail -qR" refuse a site
# outside fast_flush_domains with Postfix's message; a policy server in
# smtpd_etrn_restrictions gets the ETRN domain. Master's periodic
# wake-up of flush(8) (sent here by the test, with the refresh and purge
# times at 0) delivers the mail of unread logs and deletes empty ones.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

. "$top/tests/integration/lib/policy.sh"

instance_create
read -r pin prej pnext < <(free_port 3 | tr '\n' ' ')
policy_server_start "$INSTANCE_DIR/policy" answer
instance_master_cf_relay "$pin" \
    "relay unix - - n - 1 smtp" "flush unix n - n 1000? 0 flush" \
    "127.0.0.1:$prej inet n - n - - smtpd -o smtpd_etrn_restrictions=check_policy_service,inet:127.0.0.1:$POLICY_PORT,permit_mynetworks,reject -o mynetworks=127.0.0.1/32 -o smtpd_discard_ehlo_keywords=etrn -o smtpd_helo_required=yes"
instance_main_cf \
    "myhostname = mail.example.test" "mydestination =" "mynetworks = 127.0.0.0/8" \
    "relay_domains = customer.example" "relayhost = [127.0.0.1]:$pnext" \
    "smtp_tls_security_level = none" "smtpd_error_sleep_time = 0" \
    "smtpd_etrn_restrictions = check_etrn_access inline:{ {locked.customer.example = REJECT no ETRN for you} }" \
    "queue_run_delay = 1h" "minimal_backoff_time = 1h" "maximal_backoff_time = 2h" \
    "fast_flush_refresh_time = 0" "fast_flush_purge_time = 0"
instance_start "$pin" "$prej"
require "the instance starts"

# send SUBJECT RCPT - a message through smtpd; prints its queue ID
send() {
    printf 'From: s@src.test\nSubject: %s\n\nbody\n' "$1" |
        python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$pin" s@src.test "$2" |
        sed -n 's/^250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\)$/\1/p'
}

# dialog PORT SOURCE CMD... - one SMTP session; each reply as "code last-line"
dialog() {
    PYTHONPATH=$TEST_TOP/tests/integration/lib python3 - "$@" <<'PYEOF'
import sys
from smtp_session import Session
port, source, cmds = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
s = Session.connect(port, source=source)
s.reply()
for c in cmds:
    code, lines = s.cmd(c)
    print(c, "=>", lines[-1] if lines else code)
PYEOF
}

# deferred_in FLUSH-LOG ID - the ID is in the fast flush log of a site
logged() {
    grep -qx "$2" "$INSTANCE_QUEUE/flush/$1" 2>/dev/null
}

# arrived SUBJECT - the next hop has the message
arrived() {
    fake_smtpd_arrived "$INSTANCE_DIR/next" "$1" >/dev/null
}

# --- next hop down: mail is deferred and logged per site ---
id_a=$(send "for customer" bob@customer.example)
id_b=$(send "for sub" carol@sub.customer.example)
id_c=$(send "for other" dave@other.example)
[ -n "$id_a" ] && [ -n "$id_b" ] && [ -n "$id_c" ]
require "three messages are queued"
wait_until 30 eval '[ -f "$INSTANCE_QUEUE/deferred/$id_a" ] && [ -f "$INSTANCE_QUEUE/deferred/$id_b" ] && [ -f "$INSTANCE_QUEUE/deferred/$id_c" ]'
require "with the next hop down, all three are deferred"
wait_until 10 logged customer.example "$id_a"
check "qmgr logs the deferred message in the fast flush log of customer.example"
logged sub.customer.example "$id_b"
check "and the subdomain's in its own log (parent_domain_matches_subdomains)"
[ ! -e "$INSTANCE_QUEUE/flush/other.example" ]
check "no log for a domain outside fast_flush_domains"

# --- the next hop comes up; ETRN delivers at once ---
fake_smtpd_start "$INSTANCE_DIR/next" --mode plain --maildir "$INSTANCE_DIR/next" --idle 60 \
    --listen-port "$pnext"
keywords=$(python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" ehlo "$pin")
has "EHLO advertises ETRN" "ETRN" "$keywords"
start=$SECONDS
out=$(dialog "$pin" 127.0.0.1 "EHLO client.test" "ETRN customer.example" "ETRN other.example" \
    "ETRN" "ETRN a b" "ETRN bad_name!" "ETRN example.org." "ETRN locked.customer.example" \
    "MAIL FROM:<s@src.test>" "ETRN customer.example" "RSET" "QUIT")
has "ETRN for a fast flush domain: 250 Queuing started" "ETRN customer.example => 250 Queuing started" "$out"
wait_until 30 arrived "for customer"
check "the deferred mail arrives at the next hop"
[ $((SECONDS - start)) -lt 30 ]
check "within seconds, though queue_run_delay and the back-off are an hour"
! arrived "for sub" && ! arrived "for other"
check "only that site's mail: the other deferred messages stay"
[ -f "$INSTANCE_QUEUE/flush/customer.example" ] && [ ! -s "$INSTANCE_QUEUE/flush/customer.example" ]
check "the site's log is emptied"
has "ETRN outside fast_flush_domains: 459" "ETRN other.example => 459 <other.example>: service unavailable" "$out"
has "and a warning" "warning: reject: ETRN other.example... from localhost[127.0.0.1]" "$(instance_log)"
has "ETRN without a domain: 500" "ETRN => 500 Syntax: ETRN domain" "$out"
has "ETRN with two words: 500" "ETRN a b => 500 Syntax: ETRN domain" "$out"
has "ETRN with a malformed domain: 501" "ETRN bad_name! => 501 Error: invalid parameter syntax" "$out"
has "ETRN with a trailing dot: 501" "ETRN example.org. => 501 Error: invalid parameter syntax" "$out"
has "check_etrn_access REJECT in smtpd_etrn_restrictions" \
    "ETRN locked.customer.example => 554 5.7.1 <locked.customer.example>: Etrn command rejected: no ETRN for you" "$out"
has "and its log line" \
    "NOQUEUE: reject: ETRN from localhost[127.0.0.1]: 554 5.7.1 <locked.customer.example>: Etrn command rejected: no ETRN for you; proto=ESMTP helo=<client.test>" \
    "$(instance_log)"
has "ETRN in a mail transaction: 503" \
    "ETRN customer.example => 503 Error: MAIL transaction in progress" "$out"
has "the disconnect line counts ETRN" "etrn=1/8" "$(instance_log)"

# --- smtpd_etrn_restrictions, smtpd_helo_required, the EHLO keyword discarded ---
out=$(dialog "$prej" 127.0.0.2 "ETRN customer.example" "EHLO client.test" "ETRN customer.example" "QUIT")
has "ETRN before HELO with smtpd_helo_required: 503" \
    "ETRN customer.example => 503 Error: send HELO/EHLO first" "$out"
has "smtpd_etrn_restrictions reject: 554" \
    "ETRN customer.example => 554 5.7.1 <customer.example>: Etrn command rejected: Access denied" "$out"
keywords=$(python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" ehlo "$prej")
lacks "smtpd_discard_ehlo_keywords hides ETRN" "ETRN" "$keywords"
out=$(dialog "$prej" 127.0.0.1 "HELO client.test" "ETRN customer.example" "QUIT")
has "a client that the restrictions permit still gets its 250" \
    "ETRN customer.example => 250 Queuing started" "$out"
grep -q '\["protocol_state", "ETRN"\].*\["etrn_domain", "customer.example"\]' "$INSTANCE_DIR/policy/requests"
check "check_policy_service in smtpd_etrn_restrictions gets protocol_state=ETRN and etrn_domain"

# --- postqueue -s, -i; sendmail -qR ---
instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -s sub.customer.example
check "postqueue -s sub.customer.example succeeds"
wait_until 30 arrived "for sub"
check "and that site's mail arrives"
out=$(instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -s other.example 2>&1)
[ $? -eq 69 ]
check "postqueue -s for a site outside fast_flush_domains: exit status 69"
has "with Postfix's message" 'Flush service is not configured for destination "other.example"' "$out"
out=$(instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -s 192.0.2.1 2>&1)
has "postqueue -s: a bare address is no site" 'Cannot flush mail queue - invalid destination: "192.0.2.1"' "$out"
out=$(instance_run "$TEST_BIN/sendmail" -C "$INSTANCE_CONF" -qRother.example 2>&1)
has "sendmail -qR asks the same way" 'Flush service is not configured for destination "other.example"' "$out"
out=$(instance_run "$TEST_BIN/sendmail" -C "$INSTANCE_CONF" -qSother.example 2>&1)
[ $? -eq 75 ]
check "sendmail -qS: not implemented, status 75"
instance_run "$TEST_BIN/sendmail" -C "$INSTANCE_CONF" -q30m
check "sendmail -q30m is accepted and ignored"
arrived "for other"
[ $? -ne 0 ]
check "the message outside fast_flush_domains is still deferred"
instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -i "$id_c"
check "postqueue -i succeeds"
wait_until 30 arrived "for other"
check "and delivers that one message"
out=$(instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -i bad/id 2>&1)
has "postqueue -i with a malformed queue ID" 'Cannot flush queue ID - invalid name: "bad/id"' "$out"
lacks "no daemon fatal or panic in the log" "fatal" "$(instance_log | grep -v 'postqueue\[')"

# --- master's wake-up: refresh unread logs, delete empty ones ---
kill "$FAKE_SMTPD_PID" && wait "$FAKE_SMTPD_PID" 2>/dev/null
id_d=$(send "after the refresh" erin@customer.example)
wait_until 30 logged customer.example "$id_d"
check "with the next hop down again, a new deferred message is logged"
fake_smtpd_start "$INSTANCE_DIR/next2" --mode plain --maildir "$INSTANCE_DIR/next2" --idle 60 \
    --listen-port "$pnext"
python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"W"); s.close()' \
    "$INSTANCE_QUEUE/public/flush"
wait_until 30 eval 'fake_smtpd_arrived "$INSTANCE_DIR/next2" "after the refresh" >/dev/null'
check "a wake-up delivers the mail of a log unread for fast_flush_refresh_time"
wait_until 10 test ! -e "$INSTANCE_QUEUE/flush/sub.customer.example"
check "and deletes a log empty for fast_flush_purge_time"

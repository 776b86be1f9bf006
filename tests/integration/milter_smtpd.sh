#!/bin/bash
# milter_smtpd.sh - smtpd_milters with a milter written on Debian's
# python3-milter (libmilter) and with a milter that breaks the protocol:
# every modification (headers added, inserted, changed and deleted,
# recipients added and deleted, the sender changed, the body replaced) in
# the delivered message and visible to the next milter in the list;
# quarantine in the hold queue; discard; rejects and tempfails of RCPT and
# of the message, with multi-line replies and enhanced status codes; the
# macros and ESMTP parameters that the milter receives; protocol 2
# negotiation; and milters that are absent, silent, too slow, close
# mid-message, answer garbage or an unknown reply, each answered with its
# default action within its time limit, logged with the milter's name,
# and with tempfail nothing queued (the client keeps the mail). Mail from
# sendmail goes through non_smtpd_milters with the same effects; what a
# milter rejects there bounces to the sender.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/milter.sh"
. "$top/tests/integration/lib/sasl.sh"

[ -x "$MILTER_PYTHON" ] && "$MILTER_PYTHON" -c 'import Milter' 2>/dev/null ||
    skip "Debian's python3-milter is not installed"

instance_create
work=$INSTANCE_DIR/milters
milter_test_start "$work/a" --slow 6
milter_a=$MILTER_PORT
milter_test_start "$work/b" --passive --rcpt-rej
milter_b=$MILTER_PORT
milter_test_start "$work/v2" --passive
milter_v2=$MILTER_PORT
for mode in garbage silent close badreply stall; do
    milter_fake_start "$work/$mode" "$mode"
    eval "fake_$mode=\$MILTER_PORT"
done
absent=$(free_port)
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT

read -r port p_slow p_absent p_silent p_garbage p_close p_badreply p_stall p_quar p_v2 p_tls p_maps p_off < <(free_port 13 | tr '\n' ' ')
printf '127.0.0.1 DISABLE\n' >"$INSTANCE_CONF/milter_off.cidr"
printf 'refused@dest.test REJECT no such user here\n' >"$INSTANCE_CONF/refused"
cat >"$INSTANCE_CONF/milter_header_checks" <<'EOF'
/^X-Hbc-Reject:/ REJECT 5.7.9 flagged by a milter
/^X-Hbc-Replace:/ REPLACE X-Hbc-Replaced: by milter_header_checks
/^X-Hbc-Ignore:/ IGNORE
EOF
printf '127.0.0.1 inet:127.0.0.1:%s\n' "$milter_b" >"$INSTANCE_CONF/milter_b.cidr"
cert_make "$INSTANCE_CONF" server /CN=mail.example.test || fail "make the certificate"
sasl_cyrus_make "$INSTANCE_DIR/sasl" example.test alice:Sesame-0pen || fail "make the sasldb"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$INSTANCE_CONF" "$INSTANCE_DIR/sasl"
svc() {
    echo "127.0.0.1:$1 inet n - n - - smtpd -o smtpd_milters=$2 ${*:3}"
}
instance_master_cf_relay "$port" "pickup unix n - n 60 1 pickup" \
    "$(svc "$p_slow" "inet:127.0.0.1:$milter_a" -o milter_content_timeout=2s)" \
    "$(svc "$p_absent" "inet:127.0.0.1:$absent")" \
    "$(svc "$p_silent" "{inet:127.0.0.1:$fake_silent,default_action=reject}" -o milter_connect_timeout=2s)" \
    "$(svc "$p_garbage" "inet:127.0.0.1:$fake_garbage")" \
    "$(svc "$p_close" "inet:127.0.0.1:$fake_close")" \
    "$(svc "$p_badreply" "inet:127.0.0.1:$fake_badreply")" \
    "$(svc "$p_stall" "{inet:127.0.0.1:$fake_stall,default_action=accept,content_timeout=2s}")" \
    "$(svc "$p_quar" "{inet:127.0.0.1:$fake_garbage,default_action=quarantine}")" \
    "$(svc "$p_v2" "inet:127.0.0.1:$milter_v2" -o milter_protocol=2)" \
    "$(svc "$p_off" "inet:127.0.0.1:$fake_garbage" -o smtpd_milter_maps=cidr:"$INSTANCE_CONF/milter_off.cidr")" \
    "$(svc "$p_maps" "inet:127.0.0.1:$fake_garbage" -o smtpd_milter_maps=cidr:"$INSTANCE_CONF/milter_b.cidr")" \
    "$(svc "$p_tls" "inet:127.0.0.1:$milter_b" -o smtpd_tls_security_level=may \
        -o smtpd_tls_cert_file="$INSTANCE_CONF/server.pem" -o smtpd_tls_key_file="$INSTANCE_CONF/server.key" \
        -o smtpd_sasl_auth_enable=yes -o cyrus_sasl_config_path="$SASL_CONFIG_DIR" \
        -o smtpd_sasl_local_domain=example.test)"
instance_main_cf \
    "relayhost = [127.0.0.1]:$sink_port" \
    "mynetworks = 127.0.0.0/8" \
    "smtpd_milters = inet:127.0.0.1:$milter_a, inet:127.0.0.1:$milter_b" \
    "non_smtpd_milters = inet:127.0.0.1:$milter_a" \
    "milter_connect_macros = j {daemon_name} {daemon_addr} v _ {client_resolve} {client_connections} {client_ptr} {daemon_port}" \
    "smtpd_recipient_restrictions = check_recipient_access texthash:$INSTANCE_CONF/refused, permit_mynetworks, reject" \
    "milter_header_checks = regexp:$INSTANCE_CONF/milter_header_checks" \
    "milter_default_action = tempfail" \
    "minimal_backoff_time = 300s" "maximal_backoff_time = 600s" "queue_run_delay = 300s"
instance_start "$port" "$p_slow" "$p_absent" "$p_silent" "$p_garbage" "$p_close" "$p_badreply" \
    "$p_stall" "$p_quar" "$p_v2" "$p_tls" "$p_off" "$p_maps"
require "the instance starts"

# send PORT SUBJECT SENDER RCPT... - one message; prints every reply line
send() {
    local p=$1 subject=$2 sender=$3
    shift 3
    printf 'From: s@src.test\nSubject: %s\nX-Edit: first\nX-Edit: second\nX-Remove-Me: yes\n\nbody of %s\n' \
        "$subject" "$subject" |
        python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" sendall "$p" "$sender" "$@"
}
queued_id() {
    sed -n 's/^250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\)$/\1/p' <<<"$1"
}
arrived() {
    fake_smtpd_arrived "$INSTANCE_DIR/sink" "$1"
}
# events DIR EVENT - the JSON lines of a test milter's log for one event
events() {
    grep "\"event\": \"$2\"" "$work/$1/log" 2>/dev/null
}

# --- Every modification, applied in order and visible to the next milter ---
out=$(send "$port" edit "s@src.test SIZE=200" kept@dest.test removed@dest.test)
has "edit: 250" "250 2.0.0 Ok: queued as" "$out"
id=$(queued_id "$out")
wait_until 20 arrived edit >/dev/null
file=$(arrived edit)
test -n "$file"
check "edit: the message arrives"
headers=$(sed '/^$/q' "$file" 2>/dev/null | grep -v '^X-Fake-')
same "edit: the inserted header is at the top" "X-Milter-Top: inserted at the top" \
    "$(head -1 <<<"$headers")"
same "edit: the added header is at the end" "X-Milter-Added: added at the end" \
    "$(grep -v '^$' <<<"$headers" | tail -1)"
has "edit: the first X-Edit: stays" "X-Edit: first" "$headers"
has "edit: the second X-Edit: is changed" "X-Edit: second one changed" "$headers"
lacks "edit: X-Remove-Me: is deleted" "X-Remove-Me" "$headers"
rcpts=$(fake_smtpd_rcpts "$INSTANCE_DIR/sink" edit)
has "edit: the added recipient gets it" "added@dest.test" "$rcpts"
has "edit: the kept recipient gets it" "kept@dest.test" "$rcpts"
lacks "edit: the deleted recipient does not" "removed@dest.test" "$rcpts"
has "edit: the sender is changed" "MAIL FROM:<changed@src.test>" "$(cat "$INSTANCE_DIR/sink/log")"
seen_b=$(events b eoh | grep '"edit"')
has "edit: the next milter sees the added header" "X-Milter-Added" "$seen_b"
lacks "edit: the next milter does not see the deleted header" "X-Remove-Me" "$seen_b"
has "edit: the log shows the final recipients" "$id: to=<added@dest.test>" "$(instance_log)"

# --- milter_header_checks: the header fields that milters add ---
out=$(send "$port" "add X-Hbc-Reject" s@src.test kept@dest.test)
has "milter_header_checks: REJECT refuses the message" "550 5.7.9 flagged by a milter" "$out"
has "milter_header_checks: the rejection is logged with the header" \
    "reject: header X-Hbc-Reject: added by the test milter from localhost[127.0.0.1]" "$(instance_log)"
send "$port" "add X-Hbc-Replace" s@src.test kept@dest.test >/dev/null
send "$port" "add X-Hbc-Ignore" s@src.test kept@dest.test >/dev/null
out=$(printf 'From: s@src.test\nSubject: own header\nX-Hbc-Reject: from the client\n\nbody\n' |
    python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$port" s@src.test kept@dest.test)
has "milter_header_checks: the client's own headers are not inspected" "250 2.0.0 Ok: queued as" "$out"
wait_until 20 arrived "own header" >/dev/null
file=$(arrived "add X-Hbc-Replace")
has "milter_header_checks: REPLACE" "X-Hbc-Replaced: by milter_header_checks" "$(cat "$file" 2>/dev/null)"
lacks "milter_header_checks: ... instead of the milter's header" "X-Hbc-Replace:" "$(cat "$file" 2>/dev/null)"
file=$(arrived "add X-Hbc-Ignore")
test -n "$file"
check "milter_header_checks: IGNORE: the message arrives"
lacks "milter_header_checks: IGNORE: without the header" "X-Hbc-Ignore: added" "$(cat "$file" 2>/dev/null)"

# --- Macros and ESMTP parameters ---
out=$(send "$port" "rcpt rej" s@src.test kept@dest.test refused@dest.test)
has "RCPT_REJ: the restrictions refuse the recipient" "554 5.7.1 <refused@dest.test>" "$out"
rej=$(events b rcpt | grep '"<refused@dest.test>"')
has "RCPT_REJ: a milter that asked for it sees the refused recipient, {rcpt_mailer} error" \
    '"{rcpt_mailer}": "error"' "$rej"
has "RCPT_REJ: {rcpt_host} is the enhanced status code" '"{rcpt_host}": "5.7.1"' "$rej"
has "RCPT_REJ: {rcpt_addr} is the text" \
    '"{rcpt_addr}": "<refused@dest.test>: Recipient address rejected: no such user here"' "$rej"
same "RCPT_REJ: a milter that did not ask does not see it" "" \
    "$(events a rcpt | grep '"<refused@dest.test>"')"
rcpt=$(events b rcpt | grep '"<kept@dest.test>"' | tail -1)
has "macros: {rcpt_mailer} of an accepted recipient" '"{rcpt_mailer}": "smtp"' "$rcpt"
has "macros: {rcpt_host}" "\"{rcpt_host}\": \"[127.0.0.1]:$sink_port\"" "$rcpt"
mail=$(events b mail | tail -1)
has "macros: {mail_mailer}" '"{mail_mailer}": "smtp"' "$mail"
has "macros: {mail_host}" "\"{mail_host}\": \"[127.0.0.1]:$sink_port\"" "$mail"
connect=$(events a connect | tail -1)
has "macros: j" '"j": "mail.example.test"' "$connect"
has "macros: {daemon_name}" '"{daemon_name}": "mail.example.test"' "$connect"
has "macros: _" '"_": "localhost [127.0.0.1]"' "$connect"
has "macros: v" '"v": "Postern' "$connect"
has "macros: {client_resolve}" '"{client_resolve}": "' "$connect"
has "macros: {client_ptr}" '"{client_ptr}": "' "$connect"
has "macros: {daemon_port}" "\"{daemon_port}\": \"$port\"" "$connect"
has "macros: {client_connections}" '"{client_connections}": "' "$connect"
has "connect: the client address" '"addr": "(' "$connect"
mail=$(events a mail | grep 'SIZE=200')
has "MAIL: ESMTP parameters arrive" '"params": ["SIZE=200"]' "$mail"
has "MAIL: {mail_addr}" '"{mail_addr}": "s@src.test"' "$mail"
rcpt=$(events a rcpt | grep 'kept@dest.test')
has "RCPT: {rcpt_addr}" '"{rcpt_addr}": "kept@dest.test"' "$rcpt"
has "RCPT: i is the queue ID" "\"i\": \"$id\"" "$rcpt"
has "end of message: i is the queue ID" "\"i\": \"$id\"" "$(events a eom | grep '"edit"')"

# --- TLS and SASL macros ---
out=$(bounded 60 swaks --server "127.0.0.1:$p_tls" --timeout 20 --tls --auth PLAIN \
    --auth-user alice --auth-password Sesame-0pen --from alice@example.test --to kept@dest.test \
    --header "Subject: tlsauth" 2>&1)
has "TLS and AUTH: the mail is accepted" "250 2.0.0 Ok: queued as" "$out"
mail=$(events b mail | grep 'alice@example.test' | tail -1)
has "macros: {tls_version}" '"{tls_version}": "TLSv1.' "$mail"
has "macros: {cipher}" '"{cipher}": "' "$mail"
has "macros: {cipher_bits}" '"{cipher_bits}": "' "$mail"
has "macros: {auth_type}" '"{auth_type}": "PLAIN"' "$mail"
has "macros: {auth_authen}" '"{auth_authen}": "alice@example.test"' "$mail"

# --- Body replacement ---
out=$(send "$port" body s@src.test kept@dest.test)
has "body: 250" "250 2.0.0 Ok: queued as" "$out"
wait_until 20 arrived body >/dev/null
file=$(arrived body)
body=$(sed '1,/^$/d' "$file" 2>/dev/null)
same "body: the body is replaced" "The body was replaced
by the test milter." "$body"

# --- Rejects and tempfails ---
out=$(send "$port" rcpts s@src.test reject@dest.test tempfail@dest.test kept@dest.test)
has "RCPT reject: the milter's reply" "550 5.7.1 recipient refused by the test milter" "$out"
has "RCPT tempfail: 451 4.7.1" "451 4.7.1 Service unavailable - try again later" "$out"
has "RCPT: the other recipient is accepted" "250 2.0.0 Ok: queued as" "$out"
has "RCPT reject: logged as milter-reject" \
    ": milter-reject: RCPT from localhost[127.0.0.1]: 550 5.7.1 recipient refused by the test milter; from=<s@src.test> to=<reject@dest.test> proto=ESMTP helo=<client.test>" \
    "$(instance_log)"
out=$(send "$port" reject s@src.test kept@dest.test)
has "message reject: multi-line reply, first line" "550-5.7.1 first line of the refusal" "$out"
has "message reject: multi-line reply, last line" "550 5.7.1 second line" "$out"
lacks "message reject: nothing queued" "queued as" "$out"
has "message reject: logged" "milter-reject: END-OF-MESSAGE from localhost[127.0.0.1]: 550 5.7.1 second line" \
    "$(instance_log)"
out=$(send "$port" tempfail s@src.test kept@dest.test)
has "message tempfail: 451 4.7.1" "451 4.7.1 Service unavailable - try again later" "$out"
lacks "message tempfail: nothing queued" "queued as" "$out"

# --- Discard and quarantine ---
out=$(send "$port" discard s@src.test kept@dest.test)
has "discard: 250" "250 2.0.0 Ok: queued as" "$out"
id=$(queued_id "$out")
has "discard: logged" "$id: milter-discard: END-OF-MESSAGE from localhost[127.0.0.1]: milter triggers DISCARD action" \
    "$(instance_log)"
out=$(send "$port" quarantine s@src.test kept@dest.test)
has "quarantine: 250" "250 2.0.0 Ok: queued as" "$out"
id=$(queued_id "$out")
test -f "$INSTANCE_QUEUE/hold/$id"
check "quarantine: the queue file is in the hold queue"
has "quarantine: logged" "$id: milter-hold: END-OF-MESSAGE from localhost[127.0.0.1]: milter triggers HOLD action" \
    "$(instance_log)"
sleep 1
test -z "$(arrived discard)"
check "discard: nothing arrives"
test -z "$(arrived quarantine)"
check "quarantine: nothing arrives"

# --- Protocol version 2 ---
out=$(send "$p_v2" version2 s@src.test kept@dest.test)
has "protocol 2: the mail is accepted" "250 2.0.0 Ok: queued as" "$out"
has "protocol 2: the milter saw the headers" '"Subject", "version2"' "$(events v2 eoh)"

# --- smtpd_milter_maps: per-client lists ---
out=$(send "$p_off" "maps off" s@src.test kept@dest.test)
has "smtpd_milter_maps DISABLE: no milter, the mail is accepted" "250 2.0.0 Ok: queued as" "$out"
out=$(send "$p_maps" "maps list" s@src.test kept@dest.test)
has "smtpd_milter_maps list: the mail is accepted" "250 2.0.0 Ok: queued as" "$out"
has "smtpd_milter_maps list: that milter saw it" '"maps list"' "$(events b eoh)"

# --- Milters that fail: each gets its default action within its time limit ---
start=$SECONDS
out=$(send "$p_slow" slow s@src.test kept@dest.test)
has "slow milter: the client is told 451 4.7.1" "451 4.7.1 Service unavailable - try again later" "$out"
lacks "slow milter: nothing queued" "queued as" "$out"
test $((SECONDS - start)) -lt 6
check "slow milter: answered within milter_content_timeout"
has "slow milter: the log says which milter and why" \
    "warning: milter inet:127.0.0.1:$milter_a: timeout while waiting for a reply; default_action=tempfail" \
    "$(instance_log)"

out=$(send "$p_absent" absent s@src.test kept@dest.test)
has "absent milter: 451 4.7.1 at MAIL FROM" "451 4.7.1 Service unavailable - try again later" "$out"
lacks "absent milter: nothing queued" "queued as" "$out"
has "absent milter: logged" "warning: milter inet:127.0.0.1:$absent: connect:" "$(instance_log)"

start=$SECONDS
out=$(send "$p_silent" silent s@src.test kept@dest.test)
has "silent milter, default_action=reject: 550 5.5.0" "550 5.5.0 Service unavailable" "$out"
test $((SECONDS - start)) -lt 8
check "silent milter: answered within milter_connect_timeout"
has "silent milter: logged" \
    "warning: milter inet:127.0.0.1:$fake_silent: connect: timeout while waiting for a reply; default_action=reject" \
    "$(instance_log)"

out=$(send "$p_garbage" garbage s@src.test kept@dest.test)
has "garbage milter: 451 4.7.1" "451 4.7.1 Service unavailable - try again later" "$out"
has "garbage milter: logged" "warning: milter inet:127.0.0.1:$fake_garbage: connect: bad packet length" \
    "$(instance_log)"

out=$(send "$p_close" close s@src.test kept@dest.test)
has "milter closing mid-message: 451 4.7.1" "451 4.7.1 Service unavailable - try again later" "$out"
lacks "milter closing mid-message: nothing queued" "queued as" "$out"
has "milter closing mid-message: logged" "warning: milter inet:127.0.0.1:$fake_close: connection closed by the milter" \
    "$(instance_log)"

out=$(send "$p_badreply" badreply s@src.test kept@dest.test)
has "unknown reply: 451 4.7.1" "451 4.7.1 Service unavailable - try again later" "$out"
has "unknown reply: logged" "warning: milter inet:127.0.0.1:$fake_badreply: unknown reply 0x5a" \
    "$(instance_log)"

start=$SECONDS
out=$(send "$p_stall" stall s@src.test kept@dest.test)
has "stalled milter, default_action=accept: the mail is accepted" "250 2.0.0 Ok: queued as" "$out"
test $((SECONDS - start)) -lt 6
check "stalled milter: answered within its content_timeout"
wait_until 20 arrived stall >/dev/null
test -n "$(arrived stall)"
check "stalled milter, accept: the message arrives"

out=$(send "$p_quar" garbage-quarantine s@src.test kept@dest.test)
has "broken milter, default_action=quarantine: 250" "250 2.0.0 Ok: queued as" "$out"
id=$(queued_id "$out")
test -f "$INSTANCE_QUEUE/hold/$id"
check "broken milter, quarantine: the queue file is in the hold queue"

# --- non_smtpd_milters: mail from sendmail ---
# submit_local SUBJECT RCPT... - submit with sendmail
submit_local() {
    local subject=$1
    shift
    printf 'From: s@src.test\nSubject: %s\nX-Edit: first\nX-Edit: second\nX-Remove-Me: yes\n\nbody of %s\n' \
        "$subject" "$subject" | instance_sendmail -f s@src.test "$@"
}
submit_local "edit local" kept@dest.test removed@dest.test
submit_local "add X-Hbc-Replace local" kept@dest.test
submit_local "reject local" kept@dest.test
wait_until 30 arrived "edit local" >/dev/null
file=$(arrived "edit local")
test -n "$file"
check "sendmail: the message arrives"
headers=$(sed '/^$/q' "$file" 2>/dev/null | grep -v '^X-Fake-')
has "sendmail: the header edits are applied" "X-Edit: second one changed" "$headers"
lacks "sendmail: the deleted header is gone" "X-Remove-Me" "$headers"
rcpts=$(fake_smtpd_rcpts "$INSTANCE_DIR/sink" "edit local")
has "sendmail: the added recipient gets it" "added@dest.test" "$rcpts"
lacks "sendmail: the deleted recipient does not" "removed@dest.test" "$rcpts"
wait_until 30 arrived "add X-Hbc-Replace local" >/dev/null
has "sendmail: milter_header_checks apply to non_smtpd_milters" "X-Hbc-Replaced: by milter_header_checks" \
    "$(cat "$(arrived "add X-Hbc-Replace local")" 2>/dev/null)"
connect=$(events a connect | grep '"localhost"' | tail -1)
has "sendmail: the milter sees a connection from localhost" '"_": "localhost [127.0.0.1]"' "$connect"
instance_wait_log "milter-reject: END-OF-MESSAGE from local: 550 5.7.1 second line" 20
has "sendmail: a milter rejection is logged" \
    "milter-reject: END-OF-MESSAGE from local: 550 5.7.1 second line; from=<s@src.test>" "$(instance_log)"
# As in Postfix, the refused message goes back to its sender, not to the corrupt queue.
wait_until 30 arrived "Undelivered Mail Returned to Sender" >/dev/null
bounce=$(arrived "Undelivered Mail Returned to Sender")
has "sendmail: the rejected message bounces to its sender" "s@src.test" \
    "$(fake_smtpd_rcpts "$INSTANCE_DIR/sink" "Undelivered Mail Returned to Sender")"
has "sendmail: the bounce gives the milter's reason" "second line" "$(cat "$bounce" 2>/dev/null)"
has "sendmail: the bounce returns the message" "Subject: reject local" "$(cat "$bounce" 2>/dev/null)"
same "sendmail: nothing in the corrupt queue" "" "$(ls "$INSTANCE_QUEUE/corrupt" 2>/dev/null)"
# pickup leaves the rest of the maildrop queue for later after a deferral:
# the deferred message goes last.
submit_local "tempfail local" kept@dest.test
instance_wait_log "milter-reject: END-OF-MESSAGE from local: 451 4.7.1" 20
has "sendmail: a tempfail leaves the mail for later" "will try again later" "$(instance_log)"
ls "$INSTANCE_QUEUE/maildrop" | grep -q .
check "sendmail: the deferred message waits in the maildrop queue"
# (the bounce carries the rejected message: only a delivery of its own counts)
check_absent() {
    local f
    for f in $(grep -lx 'Subject: reject local' "$INSTANCE_DIR"/sink/msg.* 2>/dev/null); do
        grep -qx 'Subject: Undelivered Mail Returned to Sender' "$f" || return 1
    done
    [ -z "$(arrived "tempfail local")" ]
}
check_absent
check "sendmail: rejected and deferred mail does not arrive"

lacks "no smtpd crashed" "panic\|fatal\|terminated on signal" "$(instance_log)"

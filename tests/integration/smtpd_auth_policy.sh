#!/bin/bash
# smtpd_auth_policy.sh - what smtpd's policy does with an authenticated
# client, under master(8) with a private sasldb (lib/sasl.sh) and swaks:
# with smtpd_sender_login_maps and reject_sender_login_mismatch, alice may
# send as herself and as her aliases but not as bob (553 5.7.1 ... not
# owned by user alice), check_sasl_access locks one account out, and
# smtpd_client_auth_rate_limit counts AUTH commands of one client across
# several connections and smtpd processes (450 4.7.1 Error: too many AUTH
# commands), through anvil(8).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/sasl.sh"

command -v swaks >/dev/null || fail "swaks is missing (Debian package swaks)"
instance_create
conf=$INSTANCE_CONF
read -r p_login p_rate <<<"$(free_port 2 | tr '\n' ' ')"
cert_make "$conf" server /CN=mail.example.test || fail "make the certificate"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$conf"
SASL_CYRUS_MECHS="PLAIN LOGIN" sasl_cyrus_make "$INSTANCE_DIR/sasl" example.test \
    alice:Sesame-0pen bob:hunter2-bob mallory:Mallory-pw || fail "make the sasldb"
cat >"$INSTANCE_DIR/sender_login" <<'EOF2'
alice@example.test      alice@example.test
sales@example.test      alice@example.test, bob@example.test
bob@example.test        bob@example.test
mallory@example.test    mallory@example.test
EOF2
# The login names are as Cyrus gives them with smtpd_sasl_local_domain: user@realm.
instance_run "$TEST_BIN/postmap" "hash:$INSTANCE_DIR/sender_login" || fail "postmap sender_login"

instance_main_cf \
    "mynetworks = 192.0.2.0/24" "recipient_delimiter = +" \
    "mydestination = mail.example.test" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key" \
    "smtpd_error_sleep_time = 0" \
    "smtpd_sasl_auth_enable = yes" \
    "cyrus_sasl_config_path = $SASL_CONFIG_DIR" \
    "smtpd_sasl_local_domain = example.test" \
    "smtpd_sender_login_maps = hash:$INSTANCE_DIR/sender_login" \
    "smtpd_sender_restrictions = check_sasl_access inline:{{ mallory@example.test = REJECT account locked }}, reject_sender_login_mismatch" \
    "smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination"
instance_master_cf \
    "anvil unix - - n - 1 anvil" \
    "cleanup unix n - n - 0 cleanup" \
    "127.0.0.1:$p_login inet n - n - - smtpd" \
    "127.0.0.1:$p_rate inet n - n - - smtpd -o max_use=1 -o smtpd_client_auth_rate_limit=3 -o smtpd_client_event_limit_exceptions="
instance_start "$p_login" || fail "the instance starts"

# send NAME PORT USER PASSWORD FROM - one message over STARTTLS; the transcript in $out
send() {
    out=$(bounded 60 swaks --server "127.0.0.1:$2" --tls --timeout 20 --auth PLAIN \
        --auth-user "$3" --auth-password "$4" --from "$5" --to someone@other.test \
        --header "Subject: $1" 2>&1)
}

send "alice as alice" "$p_login" alice Sesame-0pen alice@example.test
has "alice may send as alice@" "250 2.0.0 Ok: queued as" "$out"
send "alice as sales" "$p_login" alice Sesame-0pen sales@example.test
has "alice may send as her alias sales@" "250 2.0.0 Ok: queued as" "$out"
send "alice as alice+tag" "$p_login" alice Sesame-0pen alice+tag@example.test
has "alice may send with an address extension" "250 2.0.0 Ok: queued as" "$out"
send "alice as bob" "$p_login" alice Sesame-0pen bob@example.test
has "alice may not send as bob@: Postfix's 553" \
    "553 5.7.1 <bob@example.test>: Sender address rejected: not owned by user alice@example.test" "$out"
lacks "alice as bob: nothing queued" "queued as" "$out"
send "alice as a stranger" "$p_login" alice Sesame-0pen nobody@elsewhere.test
has "alice may not send as an address nobody owns" \
    "553 5.7.1 <nobody@elsewhere.test>: Sender address rejected: not owned by user alice@example.test" "$out"
send "bob as sales" "$p_login" bob hunter2-bob sales@example.test
has "bob may send as the shared sales@" "250 2.0.0 Ok: queued as" "$out"
send "mallory" "$p_login" mallory Mallory-pw mallory@example.test
has "check_sasl_access refuses a locked account" \
    "554 5.7.1 <localhost[127.0.0.1]>: Client host rejected: account locked" "$out"
out=$(bounded 60 swaks --server "127.0.0.1:$p_login" --tls --timeout 20 \
    --from alice@example.test --to postmaster@mail.example.test 2>&1)
has "without AUTH alice's address is refused: not logged in" \
    "553 5.7.1 <alice@example.test>: Sender address rejected: not logged in" "$out"
grep -q "NOQUEUE: reject: RCPT from [^ ]*\[127\.0\.0\.1\]: 553 5\.7\.1 <bob@example\.test>: Sender address rejected: not owned by user alice@example\.test; from=<bob@example\.test> to=<someone@other\.test> proto=ESMTPSA helo=<" "$INSTANCE_LOG"
check "the refusal is logged as Postfix logs it"

# AUTH rate: three AUTH commands per minute, each in a connection of its own smtpd
# process (max_use=1); the fourth, a right password or not, gets 450.
for i in 1 2 3; do
    out=$(bounded 60 swaks --server "127.0.0.1:$p_rate" --tls --timeout 20 --auth PLAIN \
        --auth-user alice --auth-password "wrong-$i" --quit-after AUTH 2>&1)
    has "auth rate: AUTH $i of 3 is answered (535)" "535 5.7.8" "$out"
done
out=$(bounded 60 swaks --server "127.0.0.1:$p_rate" --tls --timeout 20 --auth PLAIN \
    --auth-user alice --auth-password Sesame-0pen --quit-after AUTH 2>&1)
has "auth rate: the fourth AUTH gets Postfix's 450" \
    "450 4.7.1 Error: too many AUTH commands from 127.0.0.1" "$out"
lacks "auth rate: the fourth does not authenticate" "235 2.7.0" "$out"
grep -q "warning: AUTH command rate limit exceeded: 4 from [^ ]*\[127\.0\.0\.1\] for service 127\.0\.0\.1:$p_rate" "$INSTANCE_LOG"
check "auth rate: Postfix's warning line"
pids=$(grep -E "smtpd\[[0-9]+\]: connect from [^ ]*\[127\.0\.0\.1\]" "$INSTANCE_LOG" |
    sed -n 's/.*smtpd\[\([0-9]*\)\].*/\1/p' | sort -u | wc -l)
[ "$pids" -ge 4 ]
check "auth rate: the count was shared by several smtpd processes ($pids)"

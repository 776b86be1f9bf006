#!/bin/bash
# lmtp_tls.sh - LMTP over TCP with STARTTLS to Dovecot's LMTP server at
# lmtp_tls_security_level = secure
#
# Dovecot presents a certificate for mail.example.com from the test CA.
# With that CA in lmtp_tls_CAfile the lmtp client sends LHLO, STARTTLS and
# LHLO again, logs "Verified TLS connection established", and the message
# lands in the Maildir (doveadm reads it back). With another CA the same
# destination gets no mail: the message is deferred ("Server certificate
# not verified") and Dovecot never sees it, neither in TLS nor in
# plaintext. A second delivery resumes the TLS session from
# lmtp_tls_session_cache_database (tlsmgr's lmtp cache). A policy table entry (lmtp_tls_policy_maps) raises a
# destination from the main.cf level "may" to "secure" the same way, and
# a "unix:" destination, keyed "unix:pathname", to "encrypt": STARTTLS
# over Dovecot's UNIX socket.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dovecot.sh"

dovecot_lmtp_available || skip "$DOVECOT_MISSING"
command -v doveadm >/dev/null || skip "doveadm is not installed (dovecot-core)"
instance_create
certs=$INSTANCE_DIR/certs
mkdir "$certs" && certs_make "$certs" || fail "make the test certificates"
cat "$certs/rsa.pem" "$certs/int.pem" >"$certs/server-chain.pem"
cert_make "$certs" otherca "/CN=Another Test CA" || fail "make another CA"

instance_master_cf \
    "pickup unix n - n 60 1 pickup" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "defer unix - - n - 0 bounce" \
    "tlsmgr unix - - n 1000? 1 tlsmgr" \
    "lmtp unix - - n - - lmtp"
instance_start
require "the instance starts"
dovecot_lmtp_start -t "$certs/server-chain.pem" "$certs/rsa.key" \
    "$INSTANCE_QUEUE/private/dovecot-lmtp" alice@example.test
require "Dovecot's LMTP server starts with STARTTLS"
lmtp_port=$DOVECOT_PORT

printf 'example.test lmtp:inet:[127.0.0.1]:%s\n' "$lmtp_port" >"$INSTANCE_CONF/transport"
printf 'policy.test lmtp:inet:[127.0.0.1]:%s\n' "$lmtp_port" >>"$INSTANCE_CONF/transport"
printf 'unix.test lmtp:unix:private/dovecot-lmtp\n' >>"$INSTANCE_CONF/transport"
printf '[127.0.0.1]:%s secure match=mail.example.com\n' "$lmtp_port" >"$INSTANCE_CONF/lmtp_policy"
printf 'unix:private/dovecot-lmtp encrypt\n' >>"$INSTANCE_CONF/lmtp_policy"
instance_main_cf \
    "transport_maps = texthash:$INSTANCE_CONF/transport" \
    "lmtp_tls_security_level = secure" \
    "lmtp_tls_secure_cert_match = mail.example.com" \
    "lmtp_tls_CAfile = $certs/root.pem" \
    "lmtp_tls_loglevel = 1" \
    "lmtp_tls_session_cache_database = btree:$INSTANCE_DATA/lmtp_scache" \
    "lmtp_connection_cache_on_demand = no"
instance_postfix reload >/dev/null 2>&1
check "postfix reload with the LMTP settings"
sleep 1

# send SUBJECT - a message from the sender to alice
send() {
    printf 'From: sender@example.org\nSubject: %s\n\n%s body\n' "$1" "$1" |
        instance_sendmail -f sender@example.org alice@example.test
}

send "right ca"
instance_wait_log "to=<alice@example.test>.*status=" 30
require "the LMTP client reports the recipient"
log=$(instance_log)
has "secure: Verified TLS to Dovecot over LMTP" \
    "Verified TLS connection established to 127.0.0.1[127.0.0.1]:$lmtp_port" "$log"
has "secure: delivered through the TLS session" \
    "relay=127.0.0.1[127.0.0.1]:$lmtp_port" "$(grep 'status=sent' <<<"$log")"
out=$(dovecot_fetch alice@example.test "body" HEADER Subject "right ca")
has "Dovecot reads the message from the Maildir (doveadm fetch)" "right ca body" "$out"
send "right ca again"
wait_until 30 sh -c "[ \$(grep -c 'to=<alice@example.test>.*status=sent' '$INSTANCE_LOG') -ge 2 ]"
check "a second message is delivered"
has "the second connection resumes the session from lmtp_tls_session_cache_database" \
    "Verified TLS connection reused to 127.0.0.1[127.0.0.1]:$lmtp_port" "$(instance_log)"

# Another CA: the certificate does not verify, nothing is delivered.
instance_main_cf "lmtp_tls_CAfile = $certs/otherca.pem"
instance_postfix reload >/dev/null 2>&1
check "postfix reload"
sleep 1
send "wrong ca"
instance_wait_log "status=deferred \(Server certificate not verified\)" 30
check "another CA: deferred (Server certificate not verified)"
sleep 1
out=$(dovecot_fetch alice@example.test "body" HEADER Subject "wrong ca")
lacks "another CA: Dovecot never gets the message" "wrong ca body" "$out"
same "another CA: no plaintext fallback at level secure (two deliveries in all)" 2 \
    "$(grep -c 'status=sent' "$INSTANCE_LOG")"

# lmtp_tls_policy_maps: main.cf says "may", the table says "secure".
instance_main_cf \
    "lmtp_tls_CAfile = $certs/root.pem" \
    "lmtp_tls_security_level = may" \
    "lmtp_tls_secure_cert_match =" \
    "lmtp_tls_policy_maps = texthash:$INSTANCE_CONF/lmtp_policy"
instance_postfix reload >/dev/null 2>&1
check "postfix reload with a policy table"
sleep 1
: >"$INSTANCE_LOG"
printf 'Subject: policy\n\npolicy body\n' |
    instance_sendmail -f sender@example.org alice@policy.test
instance_wait_log "to=<alice@policy.test>.*status=" 30
# Dovecot knows no alice@policy.test: the point is the TLS session.
has "policy table secure: Verified TLS" \
    "Verified TLS connection established to 127.0.0.1[127.0.0.1]:$lmtp_port" "$(instance_log)"

# The UNIX socket, at level encrypt from the policy table.
: >"$INSTANCE_LOG"
printf 'Subject: over unix\n\nunix body\n' |
    instance_sendmail -f sender@example.org alice@unix.test
instance_wait_log "to=<alice@unix.test>.*status=" 30
has "unix: STARTTLS over the UNIX socket" \
    "TLS connection established to mail.example.test[private/dovecot-lmtp]" "$(instance_log)"

[ "$ASSERT_FAILURES" = 0 ] || {
    instance_log_tail 30
    dovecot_log_tail 20
}
exit 0

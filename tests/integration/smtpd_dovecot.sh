#!/bin/bash
# smtpd_dovecot.sh - SMTP AUTH in smtpd through Dovecot's auth service
# (smtpd_sasl_type = dovecot), with a private Dovecot as the peer
#
# swaks authenticates with PLAIN and LOGIN over the UNIX socket in the
# instance's queue directory (smtpd_sasl_path = private/auth) and over
# inet:host:port; a wrong password gets 535; with noplaintext, PLAIN is
# offered only after STARTTLS; a scripted auth server receives service,
# addresses, ports and "secured" for the TLS session only (the real
# Dovecot logs requests differently from version to version);
# permit_sasl_authenticated lets an authenticated client relay, and the
# log carries sasl_method and sasl_username. Then Dovecot is stopped in
# the middle of an SMTP session: AUTH gets 454 4.7.0, the session goes on
# (mail without AUTH is still taken), a warning is logged, and once
# Dovecot is back the same session authenticates.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dovecot.sh"

dovecot_available || skip "$DOVECOT_MISSING"
instance_create
read -r p_unix p_inet p_tls p_fake p_dovecot <<<"$(free_port 5 | tr '\n' ' ')"
fake_socket=$INSTANCE_DIR/fake-auth
cert_make "$INSTANCE_CONF" server /CN=mail.example.test || fail "make a certificate"
[ -z "$INSTANCE_RUN_AS" ] || chown "$INSTANCE_RUN_AS" "$INSTANCE_CONF"/server.*
instance_main_cf \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $INSTANCE_CONF/server.pem" \
    "smtpd_tls_key_file = $INSTANCE_CONF/server.key" \
    "mynetworks = 192.0.2.0/24" \
    "smtpd_error_sleep_time = 0" \
    "smtpd_sasl_auth_enable = yes" \
    "smtpd_sasl_type = dovecot" \
    "smtpd_sasl_path = private/auth" \
    "smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination"
instance_master_cf \
    "cleanup unix n - n - 0 cleanup" \
    "127.0.0.1:$p_unix inet n - n - - smtpd" \
    "127.0.0.1:$p_inet inet n - n - - smtpd -o smtpd_sasl_path=inet:127.0.0.1:$p_dovecot" \
    "127.0.0.1:$p_tls inet n - n - - smtpd -o smtpd_sasl_security_options=noplaintext -o smtpd_sasl_tls_security_options=noanonymous" \
    "127.0.0.1:$p_fake inet n - n - - smtpd -o smtpd_sasl_path=$fake_socket"
instance_start "$p_unix" "$p_inet" "$p_tls" "$p_fake"
require "the instance starts"
dovecot_start -p "$p_dovecot" "$INSTANCE_QUEUE/private/auth" alice:secret1 bob:hunter2
require "a private Dovecot starts, its auth socket in the instance's queue directory"

# swaks_auth PORT ARGS... - a swaks session; its transcript in $out
swaks_auth() {
    local port=$1
    shift
    out=$(bounded 60 swaks --server "127.0.0.1:$port" --helo client.test --timeout 30 \
        --from alice@example.test --to someone@example.net "$@" 2>&1)
}

swaks_auth "$p_unix" --quit-after EHLO
has "EHLO offers Dovecot's mechanisms" "250-AUTH PLAIN LOGIN" "$out"

swaks_auth "$p_unix" --quit-after AUTH --auth PLAIN --auth-user alice --auth-password secret1
has "private/auth: AUTH PLAIN with the right password: 235" "235 2.7.0" "$out"

swaks_auth "$p_unix" --quit-after AUTH --auth LOGIN --auth-user bob --auth-password hunter2
has "private/auth: AUTH LOGIN step by step: 235" "235 2.7.0" "$out"

swaks_auth "$p_unix" --quit-after AUTH --auth PLAIN --auth-user alice --auth-password wrong
has "a wrong password: 535 5.7.8" "535 5.7.8" "$out"
lacks "a wrong password is not accepted" "235 " "$out"

swaks_auth "$p_inet" --quit-after AUTH --auth PLAIN --auth-user bob --auth-password hunter2
has "inet:127.0.0.1:PORT: AUTH PLAIN: 235" "235 2.7.0" "$out"

swaks_auth "$p_inet" --quit-after AUTH --auth LOGIN --auth-user alice --auth-password secret1
has "inet:127.0.0.1:PORT: AUTH LOGIN: 235" "235 2.7.0" "$out"

# noplaintext without TLS: PLAIN and LOGIN only inside TLS, and Dovecot hears "secured".
swaks_auth "$p_tls" --quit-after EHLO
lacks "noplaintext: no AUTH before STARTTLS" "AUTH" "$out"
swaks_auth "$p_tls" --tls --quit-after AUTH --auth PLAIN --auth-user alice --auth-password secret1
has "noplaintext: PLAIN after STARTTLS (smtpd_sasl_tls_security_options): 235" "235 2.7.0" "$out"

# What smtpd tells the auth server, as a scripted one receives it.
dovecot_fake_start "$fake_socket" "$INSTANCE_DIR/fake-auth.log" \
    --greeting 'VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nSPID\t1\nCUID\t1\nCOOKIE\tab\nDONE\n' \
    --reply 'OK\t{id}\tuser=alice\n'
swaks_auth "$p_fake" --tls --quit-after AUTH --auth PLAIN --auth-user alice --auth-password secret1
has "scripted server, TLS: 235" "235 2.7.0" "$out"
swaks_auth "$p_fake" --quit-after AUTH --auth PLAIN --auth-user alice --auth-password secret1
has "scripted server, no TLS: 235" "235 2.7.0" "$out"
requests=$(grep -a '^AUTH' "$INSTANCE_DIR/fake-auth.log")
same "two requests reached the scripted server" 2 "$(printf '%s\n' "$requests" | grep -c .)"
has "the TLS session's request says secured, with service, addresses and ports" \
    "	service=smtp	nologin	lip=127.0.0.1	rip=127.0.0.1	lport=$p_fake	rport=" \
    "$(printf '%s\n' "$requests" | sed -n 1p)"
has "the TLS session is called secured" "	secured	resp=" "$(printf '%s\n' "$requests" | sed -n 1p)"
lacks "the session without TLS is not" "secured" "$(printf '%s\n' "$requests" | sed -n 2p)"

# Relaying: only an authenticated client may send to another domain.
swaks_auth "$p_unix" --quit-after RCPT
has "without AUTH, relaying is refused" "554 5.7.1" "$out"
swaks_auth "$p_unix" --quit-after RCPT --auth PLAIN --auth-user alice --auth-password secret1
has "with AUTH, permit_sasl_authenticated lets the client relay" "250 2.1.5" "$out"
instance_wait_log "sasl_method=PLAIN, sasl_username=alice" 10
check "the log names the mechanism and the user (sasl_method, sasl_username)"
lacks "the password is not in the log" "secret1" "$(instance_log)"

# Dovecot stopped in the middle of a session, then started again.
auth_plain=$(printf '\0alice\0secret1' | base64)
exec 3<>"/dev/tcp/127.0.0.1/$p_unix" || fail "connect to smtpd"
at_exit "exec 3>&-"
# smtp LINE - send a command, read its whole reply into $reply (last line in $last)
smtp() {
    [ -z "$1" ] || printf '%s\r\n' "$1" >&3
    reply=
    while IFS= read -r -t 30 last <&3; do
        last=${last%$'\r'}
        reply+="$last"$'\n'
        [[ "$last" =~ ^[0-9]{3}\  ]] && return 0
    done
    return 1
}
smtp ""
has "session: greeting" "220 " "$reply"
smtp "EHLO client.test"
has "session: AUTH offered" "250-AUTH PLAIN LOGIN" "$reply"
dovecot_stop
smtp "AUTH PLAIN $auth_plain"
has "session: Dovecot stopped: AUTH gets 454 4.7.0" "454 4.7.0" "$last"
smtp "MAIL FROM:<alice@example.test>"
has "session: the session goes on (MAIL FROM after the 454)" "250 " "$last"
smtp "RCPT TO:<someone@example.net>"
has "session: still unauthenticated, relaying is refused" "554 5.7.1" "$last"
smtp "RSET"
instance_wait_log "warning: SASL: connect to Dovecot auth server private/auth failed" 10
check "the log warns that Dovecot cannot be reached, naming smtpd_sasl_path"
dovecot_start -p "$p_dovecot" "$INSTANCE_QUEUE/private/auth" alice:secret1 bob:hunter2
require "Dovecot starts again"
smtp "AUTH PLAIN $auth_plain"
has "session: Dovecot back: the same session authenticates" "235 2.7.0" "$last"
smtp "MAIL FROM:<alice@example.test>"
smtp "RCPT TO:<someone@example.net>"
has "session: and may relay now" "250 2.1.5" "$last"
smtp "QUIT"
has "session: QUIT" "221 " "$last"

exit 0

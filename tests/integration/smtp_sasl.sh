#!/bin/bash
# smtp_sasl.sh - SMTP AUTH in the smtp client, against Debian's Postfix as
# the relay host (Cyrus SASL with a private sasldb; relaying only for
# authenticated clients) on a submission-like port (STARTTLS, AUTH only
# inside TLS) and on an implicit-TLS port, and against a scripted server
# that offers AUTH PLAIN without TLS:
# - the right password delivers through relayhost, and the relay host logs
#   who logged in
#   (with the default security options: CRAM-MD5, never PLAIN);
# - the same over implicit TLS (smtp_tls_wrappermode = yes);
# - smtp_sasl_tls_security_options and ..._tls_verified_... apply by the
#   TLS state: PLAIN is refused over unverified TLS by default, and used
#   over a verified connection when the verified options allow it;
# - a wrong password defers with the server's text; with
#   smtp_sasl_auth_soft_bounce = no it bounces;
# - over plaintext with the default options the password never leaves:
#   the scripted server sees no AUTH (and no MAIL), the mail is deferred;
#   with options that allow PLAIN, a response too long for the AUTH line
#   goes as the answer to an empty 334;
# - smtp_sender_dependent_authentication picks the user by sender, and a
#   cached connection never carries mail of another identity (or of none).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

postfix_peer_available || skip "$POSTFIX_PEER_MISSING"
command -v saslpasswd2 >/dev/null || skip "saslpasswd2 (sasl2-bin) is not installed"

instance_create
certs=$(mktemp -d /tmp/smtp-sasl-certs.XXXXXX)
at_exit 'rm -rf "$certs"'
certs_make "$certs" || fail "certificates"

read -r pin psub pwrap < <(free_port 3 | tr '\n' ' ')

# The relay host: Debian's Postfix, relaying only for authenticated clients.
postfix_peer_create relay "myhostname = relay.example.test" \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem" \
    "smtpd_sasl_security_options = noanonymous" \
    "smtpd_relay_restrictions = permit_sasl_authenticated, reject" \
    "default_transport = discard"
postfix_peer_sasl relay alice:alice-secret bob:bob-secret || fail "the relay host's sasldb"
postfix_peer_master_cf relay \
    "127.0.0.1:$psub inet n - n - - smtpd -o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt -o smtpd_tls_auth_only=yes -o smtpd_sasl_auth_enable=yes" \
    "127.0.0.1:$pwrap inet n - n - - smtpd -o syslog_name=postfix/smtps -o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=yes"
postfix_peer_start relay "$psub" "$pwrap"
require "Debian's postfix starts as the relay host"
rlog=$(postfix_peer_dir relay)/maillog

# The scripted server: AUTH PLAIN LOGIN offered without STARTTLS.
fake_smtpd_start "$INSTANCE_DIR/plain" --mode plain --auth "PLAIN LOGIN" --idle 120
pplain=$FAKE_SMTPD_PORT

# Our instance: one transport per case, all to the relay host but one.
cat >"$INSTANCE_CONF/sasl_passwd" <<EOF
[127.0.0.1]:$psub alice:alice-secret
[127.0.0.1]:$pwrap alice:alice-secret
[127.0.0.1]:$pplain alice:plain-secret-never-sent
EOF
long=$(head -c 600 /dev/zero | tr '\0' 'x')
cat >"$INSTANCE_CONF/sasl_passwd_long" <<EOF
[127.0.0.1]:$pplain alice:$long
EOF
cat >"$INSTANCE_CONF/sasl_passwd_wrong" <<EOF
[127.0.0.1]:$psub alice:not-the-password
EOF
cat >"$INSTANCE_CONF/sasl_passwd_sender" <<EOF
@a.example.test alice:alice-secret
@b.example.test bob:bob-secret
special@b.example.test alice:alice-secret
EOF
[ -n "$INSTANCE_RUN_AS" ] && chown "$INSTANCE_RUN_AS" "$INSTANCE_CONF"/sasl_passwd*
chmod 600 "$INSTANCE_CONF"/sasl_passwd*

instance_master_cf_relay "$pin" \
    "wrap unix - - n - 1 smtp -o smtp_tls_wrappermode=yes -o smtp_tls_security_level=encrypt" \
    "plainonly unix - - n - 1 smtp -o smtp_sasl_mechanism_filter=plain" \
    "verified unix - - n - 1 smtp -v -o smtp_sasl_mechanism_filter=plain -o smtp_tls_security_level=secure -o smtp_tls_secure_cert_match=mail.example.com -o smtp_sasl_tls_verified_security_options=noanonymous" \
    "longplain unix - - n - 1 smtp -o smtp_sasl_password_maps=texthash:$INSTANCE_CONF/sasl_passwd_long -o smtp_sasl_security_options=noanonymous -o smtp_sasl_mechanism_filter=plain" \
    "wrong unix - - n - 1 smtp -o smtp_sasl_password_maps=texthash:$INSTANCE_CONF/sasl_passwd_wrong" \
    "wrongbounce unix - - n - 1 smtp -o smtp_sasl_password_maps=texthash:$INSTANCE_CONF/sasl_passwd_wrong -o smtp_sasl_auth_soft_bounce=no" \
    "bysender unix - - n - 1 smtp -o smtp_sasl_password_maps=texthash:$INSTANCE_CONF/sasl_passwd_sender -o smtp_sender_dependent_authentication=yes -o smtp_connection_cache_destinations=[127.0.0.1]:$psub"
instance_main_cf \
    "mydestination =" "mynetworks = 127.0.0.0/8" "alias_maps =" \
    "transport_maps = inline:{ wrap.example.test=wrap:[127.0.0.1]:$pwrap, plainonly.example.test=plainonly:[127.0.0.1]:$psub, verified.example.test=verified:[127.0.0.1]:$psub, plain.example.test=smtp:[127.0.0.1]:$pplain, longplain.example.test=longplain:[127.0.0.1]:$pplain, wrong.example.test=wrong:[127.0.0.1]:$psub, wrongbounce.example.test=wrongbounce:[127.0.0.1]:$psub, sender.example.test=bysender:[127.0.0.1]:$psub }" \
    "relayhost = [127.0.0.1]:$psub" \
    "smtp_tls_security_level = may" \
    "smtp_tls_CAfile = $certs/root.pem" \
    "smtp_sasl_auth_enable = yes" \
    "smtp_sasl_password_maps = texthash:$INSTANCE_CONF/sasl_passwd" \
    "smtp_connection_cache_on_demand = no"
instance_start "$pin"
require "the instance starts"

# send SENDER RCPT - one message through our smtpd
send() {
    bounded 60 python3 - "$pin" "$1" "$2" <<'EOF'
import smtplib, sys
port, sender, rcpt = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = smtplib.SMTP("127.0.0.1", port, timeout=30)
s.sendmail(sender, [rcpt], "Subject: sasl\r\n\r\nto %s from %s\r\n" % (rcpt, sender))
s.quit()
EOF
}

# outcome RCPT - our log's status line for RCPT, once there is one
outcome() {
    local line
    line=$(grep -E "to=<$1>.* status=" "$INSTANCE_LOG" | tail -1)
    [ -n "$line" ] && printf '%s\n' "$line"
}

# wait_outcome RCPT - wait for a status line for RCPT and print it
wait_outcome() {
    wait_until 30 outcome "$1" >/dev/null
    outcome "$1"
}

# relay_user SENDER - the SASL username the relay host logged for SENDER's (last) message
relay_user() {
    local id
    id=$(grep -E "qmgr\[[0-9]+\]: [0-9A-F]+: from=<$1>" "$rlog" | tail -1 |
        sed -E 's/.*: ([0-9A-F]+): from=.*/\1/')
    [ -n "$id" ] && grep -E ": $id: client=" "$rlog" | sed -nE 's/.*sasl_username=([^, ]*).*/\1/p'
}

# relay_method SENDER - the SASL method the relay host logged for SENDER's message
relay_method() {
    local id
    id=$(grep -E "qmgr\[[0-9]+\]: [0-9A-F]+: from=<$1>" "$rlog" | tail -1 |
        sed -E 's/.*: ([0-9A-F]+): from=.*/\1/')
    [ -n "$id" ] && grep -E ": $id: client=" "$rlog" | sed -nE 's/.*sasl_method=([^, ]*).*/\1/p'
}

# 1. The relayhost: STARTTLS, then AUTH with the default options.
send one@x.example.test r@sub.example.test
line=$(wait_outcome r@sub.example.test)
has "the right password delivers over STARTTLS" "status=sent" "$line"
has "through the relay host's submission port" "relay=127.0.0.1[127.0.0.1]:$psub" "$line"
wait_until 10 relay_user one@x.example.test >/dev/null
same "the relay host logged sasl_username=alice" alice "$(relay_user one@x.example.test)"
same "the default security options chose CRAM-MD5, not PLAIN" CRAM-MD5 \
    "$(relay_method one@x.example.test)"
grep -q "postfix/submission/smtpd.*client=.*sasl_username=alice" "$rlog"
check "it authenticated on the STARTTLS port"

# 2. Implicit TLS.
send two@x.example.test r@wrap.example.test
line=$(wait_outcome r@wrap.example.test)
has "the right password delivers over implicit TLS" "status=sent" "$line"
wait_until 10 relay_user two@x.example.test >/dev/null
same "the relay host logged sasl_username=alice on the implicit-TLS port" alice \
    "$(relay_user two@x.example.test)"
grep -q "postfix/smtps/smtpd.*client=.*sasl_username=alice" "$rlog"
check "it authenticated on the implicit-TLS port"

# 3. Security options by TLS state: PLAIN only, unverified TLS, default options.
send three@x.example.test r@plainonly.example.test
line=$(wait_outcome r@plainonly.example.test)
has "PLAIN over unverified TLS is refused by default: deferred" "status=deferred" "$line"
has "with the reason" "SASL authentication failed; cannot authenticate to server 127.0.0.1[127.0.0.1]: no mechanism available" "$line"
! grep -q "from=<three@x.example.test>" "$rlog"
check "the relay host never saw that message"

# ... and over a verified connection, where the verified options allow it.
send four@x.example.test r@verified.example.test
line=$(wait_outcome r@verified.example.test)
has "PLAIN over verified TLS with smtp_sasl_tls_verified_security_options = noanonymous" \
    "status=sent" "$line"
wait_until 10 relay_method four@x.example.test >/dev/null
same "the relay host logged sasl_method=PLAIN" PLAIN "$(relay_method four@x.example.test)"
grep -q "> 127.0.0.1\[127.0.0.1\]: AUTH$" "$INSTANCE_LOG"
check "with -v the AUTH command is logged, without its response"
lacks "the password is not in our log, even with -v" "alice-secret" "$(cat "$INSTANCE_LOG")"
lacks "nor its base64 form" "$(printf '\0alice\0alice-secret' | base64)" "$(cat "$INSTANCE_LOG")"

# 4. A wrong password: deferred with the server's text, or bounced.
send five@x.example.test r@wrong.example.test
line=$(wait_outcome r@wrong.example.test)
has "a wrong password defers" "status=deferred" "$line"
has "with the server's reply" "SASL authentication failed; server 127.0.0.1[127.0.0.1] said: 535 5.7.8" "$line"
has "softened to a 4.7.8 status" "dsn=4.7.8" "$line"
send "" r@wrongbounce.example.test
line=$(wait_outcome r@wrongbounce.example.test)
has "with smtp_sasl_auth_soft_bounce = no it bounces" "status=bounced" "$line"
has "with status 5.7.8" "dsn=5.7.8" "$line"

# 5. Plaintext, AUTH PLAIN offered, default options: the password never leaves.
send six@x.example.test r@plain.example.test
line=$(wait_outcome r@plain.example.test)
has "plaintext with only PLAIN and LOGIN offered: deferred" "status=deferred" "$line"
has "with a clear reason" "SASL authentication failed; cannot authenticate to server 127.0.0.1[127.0.0.1]: no mechanism available" "$line"
transcript=$(cat "$INSTANCE_DIR/plain/log")
has "the scripted server offered AUTH PLAIN LOGIN" "250 AUTH PLAIN LOGIN" "$transcript"
lacks "it never received AUTH" "C: AUTH" "$transcript"
lacks "nor the mail unauthenticated" "C: MAIL FROM" "$transcript"
lacks "nor the password" "plain-secret-never-sent" "$transcript"
lacks "nor the password in base64" "$(printf '\0alice\0plain-secret-never-sent' | base64)" \
    "$transcript"

# ... unless the options allow plaintext mechanisms; then a response too
# long for the AUTH line (RFC 4954: 512) answers the server's empty 334.
send seven@x.example.test r@longplain.example.test
line=$(wait_outcome r@longplain.example.test)
has "PLAIN over plaintext when smtp_sasl_security_options allows it (the server says 535)" \
    "said: 535 5.7.8" "$line"
transcript=$(cat "$INSTANCE_DIR/plain/log")
grep -qx "C: AUTH PLAIN" <<<"$transcript"
check "a long initial response is not put on the AUTH line"
grep -qx "C: $(printf '\0alice\0%s' "$long" | base64 -w0)" <<<"$transcript"
check "it answers the empty 334"

# 6. Sender-dependent credentials, over one cached connection where allowed.
n=0
for who in alice bob bob alice alice special bob; do
    n=$((n + 1))
    case $who in
    alice) from=alice$n@a.example.test ;;
    bob) from=bob$n@b.example.test ;;
    special) from=special@b.example.test who=alice ;;
    esac
    send "$from" "r$n@sender.example.test"
    line=$(wait_outcome "r$n@sender.example.test")
    has "message $n from $from is delivered" "status=sent" "$line"
    wait_until 10 relay_user "$from" >/dev/null
    same "message $n from $from authenticated as $who" "$who" "$(relay_user "$from")"
done
grep -E 'to=<r[0-9]@sender.example.test>' "$INSTANCE_LOG" | grep -q "conn_use=2"
check "a cached connection was reused for the same identity"
# Mail that needs no identity (the null sender, no entry for the server or
# next hop) right after alice's: not over her cached connection, so the
# relay host refuses to relay it.
send alice9@a.example.test r9@sender.example.test
line=$(wait_outcome r9@sender.example.test)
has "one more message from alice is delivered" "status=sent" "$line"
send "" r10@sender.example.test
line=$(wait_outcome r10@sender.example.test)
has "mail without credentials does not ride on alice's connection" \
    "554 5.7.1 <r10@sender.example.test>: Recipient address rejected: Access denied" "$line"
lacks "it went over a fresh connection" "conn_use=" "$line"
# Each relay host session (connect ... disconnect of one smtpd process) saw one identity.
sessions=$(awk '/postfix\/submission\/smtpd\[/ {
        match($0, /smtpd\[[0-9]+\]/); pid = substr($0, RSTART, RLENGTH)
        if ($0 ~ / connect from /) { conn[pid]++; next }
        if (match($0, /sasl_username=[^, ]*/)) {
            key = pid "#" conn[pid]; user = substr($0, RSTART + 14, RLENGTH - 14)
            if (!(key in seen)) n++
            else if (seen[key] != user) print "mixed", key, seen[key], user
            seen[key] = user
        }
    }
    END { print "sessions", n }' "$rlog")
[ "$(sed -n 's/^sessions //p' <<<"$sessions")" -ge 5 ]
check "the relay host saw several authenticated sessions"
lacks "no relay host session carried mail of two identities" "mixed" "$sessions"

instance_stop

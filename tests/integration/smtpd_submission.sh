#!/bin/bash
# smtpd_submission.sh - the submission (587) and submissions (465) services
# exactly as conf/master.cf ships them (commented), uncommented and put on
# free loopback ports: "postfix check" accepts them without a warning;
# swaks logs in over STARTTLS and over implicit TLS and relays; a client
# without a login, or with a wrong password, relays nothing; and Debian's
# Postfix, as a SASL client with smtp_sasl_password_maps, relays through
# the submission port with STARTTLS and AUTH.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/sasl.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

command -v swaks >/dev/null || fail "swaks is missing (Debian package swaks)"
instance_create
conf=$INSTANCE_CONF
read -r p587 p465 <<<"$(free_port 2 | tr '\n' ' ')"

# shipped_service NAME LISTEN - the commented entry NAME of conf/master.cf, uncommented, on LISTEN
shipped_service() {
    awk -v name="$1" -v listen="$2" '
        $1 == "#" name { on = 1; sub("^#" name, listen); print; next }
        on && /^#  -o / { sub(/^#/, ""); print; next }
        { on = 0 }' "$top/conf/master.cf"
}
entries=$(shipped_service submission "127.0.0.1:$p587"; shipped_service submissions "127.0.0.1:$p465")
grep -q "^127.0.0.1:$p587 inet .* smtpd$" <<<"$entries" &&
    grep -q "^127.0.0.1:$p465 inet .* smtpd$" <<<"$entries" &&
    [ "$(grep -c -- '-o smtpd_sasl_auth_enable=yes' <<<"$entries")" -eq 2 ] ||
    fail "conf/master.cf ships both services, commented" "$entries"
ok "conf/master.cf ships both services, commented"
has "submission: TLS required" "-o smtpd_tls_security_level=encrypt" "$entries"
has "submission: AUTH only inside TLS" "-o smtpd_tls_auth_only=yes" "$entries"
has "submissions: implicit TLS" "-o smtpd_tls_wrappermode=yes" "$entries"
has "submission: logs as postfix/submission" "-o syslog_name=postfix/submission" "$entries"

cert_make "$conf" server /CN=mail.example.test || fail "make the certificate"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$conf"
sasl_cyrus_make "$INSTANCE_DIR/sasl" example.test alice:Sesame-0pen || fail "make the sasldb"
instance_main_cf \
    "mynetworks = 192.0.2.0/24" \
    "mydestination = mail.example.test" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key" \
    "smtpd_error_sleep_time = 0" \
    "cyrus_sasl_config_path = $SASL_CONFIG_DIR" \
    "smtpd_sasl_local_domain = example.test"
instance_master_cf "cleanup unix n - n - 0 cleanup"
printf '%s\n' "$entries" >>"$conf/master.cf"

out=$(instance_postfix check 2>&1)
check "postfix check accepts the shipped submission and submissions entries"
lacks "postfix check: no warning about them" "warning" "$out"

instance_start "$p587" "$p465"
require "instance starts with both services"

# swaks_send NAME PORT SWAKS-ARGS... - one message to another domain; the transcript in $out
swaks_send() {
    local name=$1 port=$2
    shift 2
    out=$(bounded 60 swaks --server "127.0.0.1:$port" --timeout 20 \
        --from alice@example.test --to someone@other.test --header "Subject: $name" "$@" 2>&1)
}

# AUTH in plaintext, although EHLO does not offer it (swaks would not try).
out=$(P587=$p587 PYTHONPATH=$top/tests/integration/lib bounded 30 python3 -c '
import base64, os
from smtp_session import Session
s = Session.connect(int(os.environ["P587"]))
print(s.reply())
print(s.cmd("EHLO client.test"))
print(s.cmd("AUTH PLAIN " + base64.b64encode(b"\0alice\0Sesame-0pen").decode()))
print(s.cmd("QUIT"))
' 2>&1)
lacks "587: no AUTH keyword before STARTTLS" "AUTH" "$(grep "^(250" <<<"$out")"
has "587: AUTH before STARTTLS is refused" "530 5.7.0 Must issue a STARTTLS command first" "$out"
swaks_send "587 PLAIN" "$p587" --tls --auth PLAIN --auth-user alice --auth-password Sesame-0pen
has "587: AUTH PLAIN after STARTTLS" "235 2.7.0 Authentication successful" "$out"
has "587: relayed" "250 2.0.0 Ok: queued as" "$out"
swaks_send "587 no login" "$p587" --tls
has "587: no login, no relay" "554 5.7.1" "$out"
lacks "587: no login, nothing queued" "queued as" "$out"
swaks_send "587 wrong password" "$p587" --tls --auth LOGIN --auth-user alice --auth-password nope
has "587: wrong password" "535 5.7.8 Error: authentication failed" "$out"
swaks_send "465 CRAM-MD5" "$p465" --tls-on-connect --auth CRAM-MD5 --auth-user alice \
    --auth-password Sesame-0pen
has "465: AUTH CRAM-MD5 over implicit TLS" "235 2.7.0 Authentication successful" "$out"
has "465: relayed" "250 2.0.0 Ok: queued as" "$out"
instance_wait_log "postfix/submission/smtpd\[[0-9]+\]: [0-9A-Za-z]+: client=localhost\[127\.0\.0\.1\], sasl_method=PLAIN, sasl_username=alice@example\.test$" 10
check "587: logged as postfix/submission with the login"
instance_wait_log "postfix/submissions/smtpd\[[0-9]+\]: [0-9A-Za-z]+: client=localhost\[127\.0\.0\.1\], sasl_method=CRAM-MD5, sasl_username=alice@example\.test$" 10
check "465: logged as postfix/submissions with the login"

# Debian's Postfix as a SASL client relaying through the submission port.
if ! postfix_peer_available; then
    skip "Debian's Postfix as a SASL client: $POSTFIX_PEER_MISSING"
fi
postfix_peer_create client "myhostname = client.example.test" \
    "relayhost = [127.0.0.1]:$p587" \
    "smtp_tls_security_level = encrypt" \
    "smtp_sasl_auth_enable = yes" \
    "smtp_sasl_security_options = noanonymous" \
    "smtp_sasl_tls_security_options = noanonymous" \
    "smtp_tls_loglevel = 1"
peer_conf=$(postfix_peer_dir client)/conf
printf '[127.0.0.1]:%s alice@example.test:Sesame-0pen\n' "$p587" >"$peer_conf/sasl_passwd"
chown postfix "$peer_conf/sasl_passwd" && chmod 600 "$peer_conf/sasl_passwd"
postfix_peer_main_cf client "smtp_sasl_password_maps = texthash:$peer_conf/sasl_passwd"
postfix_peer_start client
require "Debian's postfix starts as the SASL client"
printf 'Subject: through submission\n\nfrom Debian Postfix\n' |
    postfix_peer_sendmail client -f alice@example.test someone@other.test
check "Debian's postfix accepts the message"
peer_log=$(postfix_peer_dir client)/maillog
# peer_sent - Debian's Postfix handed the message to our submission port
peer_sent() {
    grep -q "relay=127\.0\.0\.1\[127\.0\.0\.1\]:$p587, .*status=sent (250 2\.0\.0 Ok: queued as" "$peer_log"
}
if wait_until 30 peer_sent; then
    ok "Debian's postfix: sent through our submission port"
else
    not_ok "Debian's postfix: sent through our submission port" "$(tail -n 20 "$peer_log")"
fi
instance_wait_log "postfix/submission/smtpd\[[0-9]+\]: connect from .*" 5 &&
    instance_log | grep -Eq "postfix/submission/smtpd\[[0-9]+\]: [0-9A-Za-z]+: client=localhost\[127\.0\.0\.1\], sasl_method=(PLAIN|LOGIN|CRAM-MD5), sasl_username=alice@example\.test$"
check "our submission port logged Debian's postfix logging in"
grep -q "TLS connection established to 127\.0\.0\.1\[127\.0\.0\.1\]:$p587: TLSv1" "$peer_log"
check "Debian's postfix used TLS"

text=$(instance_log)
lacks "the log never holds the password" "Sesame-0pen" "$text"
! grep -q 'panic\|fatal' <<<"$text"
check "no panic or fatal error in the log"
[ "$ASSERT_FAILURES" -eq 0 ]

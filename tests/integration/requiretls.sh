#!/bin/bash
# requiretls.sh - REQUIRETLS (RFC 8689) and "TLS-Required: no" end to end.
# Instance A takes mail over SMTP and relays it; instance B (our own
# server) relays what it gets to a scripted server F that announces
# REQUIRETLS inside TLS (tests/helpers/fake_smtpd.py --requiretls); G is a
# scripted server without REQUIRETLS; Debian's Postfix is another peer that
# does not announce it. Checked: REQUIRETLS is announced only inside TLS
# and refused in plaintext; a REQUIRETLS message over verified hops reaches
# F, with REQUIRETLS passed on at every hop; over a hop at level may, and
# towards Debian's Postfix, it is returned with 5.7.10 and never sent,
# and the notification carries REQUIRETLS itself and the headers only;
# "-o requiretls_enable=no" on a transport delivers without it; a
# "TLS-Required: no" header relaxes a policy that would defer the mail.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"
session="python3 $top/tests/integration/lib/smtp_session.py"

# use A|B - point the instance functions at one of the two instances
use() {
    local v
    for v in DIR CONF QUEUE DATA LOG RUN_AS MASTER_PID; do
        eval "${current}_$v=\$INSTANCE_$v"
        eval "INSTANCE_$v=\$${1}_$v"
    done
    current=$1
}
current=A

instance_create
use B
instance_create
at_exit 'use A; instance_cleanup; use B; instance_cleanup'
certs=$(mktemp -d /tmp/requiretls-certs.XXXXXX)
at_exit 'rm -rf "$certs"'
certs_make "$certs" || fail "certificates"
read -r pa pb pp < <(free_port 3 | tr '\n' ' ')
work=$(mktemp -d /tmp/requiretls.XXXXXX)
at_exit 'rm -rf "$work"'
fake_smtpd_start "$work/f" --mode starttls --chain "$certs/rsa-chain.pem" --maildir "$work/f" \
    --requiretls --idle 300
pf=$FAKE_SMTPD_PORT
fake_smtpd_start "$work/g" --mode starttls --chain "$certs/rsa-chain.pem" --maildir "$work/g" \
    --idle 300
pg=$FAKE_SMTPD_PORT

# The settings both instances share: relaying for loopback, STARTTLS with the test CA.
common=(
    "mydestination ="
    "mynetworks = 127.0.0.0/8"
    "smtpd_tls_security_level = may"
    "smtpd_tls_chain_files = $certs/rsa-chain.pem"
    "smtp_tls_CAfile = $certs/root.pem"
    "smtp_tls_loglevel = 1"
    "minimal_backoff_time = 1s" "maximal_backoff_time = 2s" "queue_run_delay = 1s"
)

# B: relays everything to F at level verify.
printf '[127.0.0.1]:%s verify match=mail.example.com\n' "$pf" >"$INSTANCE_DIR/tls_policy"
instance_master_cf_relay "$pb" "tlsmgr unix - - n 1000? 1 tlsmgr"
instance_main_cf "${common[@]}" "myhostname = b.example.test" "relayhost = [127.0.0.1]:$pf" \
    "smtp_tls_policy_maps = texthash:$INSTANCE_DIR/tls_policy"
instance_start "$pb"
require "B starts"

# A: one transport per case.
use A
{
    printf '[127.0.0.1]:%s verify match=mail.example.com\n' "$pb" "$pf" "$pp"
    printf '[127.0.0.1]:%s secure match=other.example.org\n' "$pg"
} >"$INSTANCE_DIR/tls_policy"
instance_master_cf_relay "$pa" "tlsmgr unix - - n 1000? 1 tlsmgr" \
    "maysmtp unix - - n - 1 smtp -o smtp_tls_security_level=may -o smtp_tls_policy_maps=" \
    "inside unix - - n - 1 smtp -o requiretls_enable=no -o smtp_tls_security_level=may -o smtp_tls_policy_maps="
routes="verified.test=smtp:[127.0.0.1]:$pb, may.test=maysmtp:[127.0.0.1]:$pb,"
routes="$routes inside.test=inside:[127.0.0.1]:$pb, postfix.test=smtp:[127.0.0.1]:$pp,"
routes="$routes sender.test=smtp:[127.0.0.1]:$pf, tlsreq.test=smtp:[127.0.0.1]:$pg"
instance_main_cf "${common[@]}" "transport_maps = inline:{ $routes }" \
    "smtp_tls_policy_maps = texthash:$INSTANCE_DIR/tls_policy"
instance_start "$pa"
require "A starts"

# send [--plain] SENDER RCPT SUBJECT [HEADER] - one message into A over SMTP, with REQUIRETLS
# (STARTTLS first) unless --plain; the replies, one a line
send() {
    local opts=(--starttls --mail-params REQUIRETLS)
    if [ "$1" = --plain ]; then
        opts=(--starttls)
        shift
    fi
    printf 'From: %s\nSubject: %s\n%s\nbody of %s\n' "$1" "$3" "${4:+$4
}" "$3" | bounded 30 $session send "${opts[@]}" "$pa" "$1" "$2"
}

# The extension: inside TLS only, and refused in plaintext.
has "EHLO in plaintext: answered" "PIPELINING" "$($session ehlo "$pa")"
lacks "EHLO in plaintext: no REQUIRETLS" "REQUIRETLS" "$($session ehlo "$pa")"
has "EHLO inside TLS: REQUIRETLS" "REQUIRETLS" "$($session ehlo --starttls "$pa")"
out=$(printf 'Subject: plain\n\nx\n' |
    bounded 30 $session send --mail-params REQUIRETLS "$pa" s@sender.test r@verified.test)
has "MAIL FROM REQUIRETLS in plaintext: refused" \
    "530 5.7.10 REQUIRETLS needs a TLS connection: issue STARTTLS first" "$out"

# Verified hops: A -> B -> F, REQUIRETLS passed on at each hop.
out=$(send one@sender.test rcpt@verified.test "verified hop")
has "verified: A takes the message" "250 2.0.0 Ok: queued as" "$out"
instance_wait_log "to=<rcpt@verified.test>, relay=127.0.0.1\[127.0.0.1\]:$pb, .*status=(sent|bounced|deferred)" 30
has "verified: A delivers to B" "status=sent (250 " "$(grep 'to=<rcpt@verified.test>' "$INSTANCE_LOG")"
has "verified: its line says verify and REQUIRETLS (smtp_log_tls_feature_status)" \
    "tls=verify/requiretls, dsn=2.0.0" "$(grep 'to=<rcpt@verified.test>' "$INSTANCE_LOG")"
wait_until 30 fake_smtpd_arrived "$work/f" "verified hop" >/dev/null
check "verified: F gets the message from B"
has "verified: B passes REQUIRETLS on to F" "MAIL FROM:<one@sender.test> SIZE=" "$(grep 'REQUIRETLS' "$work/f/log")"
use B
has "verified: B took it over TLS" "Verified TLS connection established to 127.0.0.1[127.0.0.1]:$pf" "$(instance_log)"
use A

# A hop at level may: returned with 5.7.10, never sent; the notification is REQUIRETLS too.
send two@sender.test rcpt@may.test "may hop" >/dev/null
instance_wait_log "to=<rcpt@may.test>, .*status=(sent|bounced|deferred)" 30
line=$(grep 'to=<rcpt@may.test>' "$INSTANCE_LOG")
has "may: bounced with 5.7.10" "dsn=5.7.10, status=bounced (REQUIRETLS failure: host 127.0.0.1[127.0.0.1]: the server was not authenticated" "$line"
has "may: its line marks REQUIRETLS as not met" "tls=may/requiretls!, dsn=5.7.10" "$line"
use B
lacks "may: B never got it" "rcpt@may.test" "$(instance_log)"
use A
# ndr_file - the notification about "may hop" that F kept
ndr_file() {
    grep -l "^Subject: may hop" "$work"/f/msg.* 2>/dev/null | head -1 | grep .
}
wait_until 30 ndr_file >/dev/null
check "may: the notification reaches the sender's server"
has "may: the notification went with REQUIRETLS" "MAIL FROM:<> " "$(grep 'REQUIRETLS' "$work/f/log")"
ndr=$(ndr_file)
has "may: the notification returns the headers" "Content-Type: text/rfc822-headers" "$(cat "$ndr" 2>/dev/null)"
has "may: the notification gives the reason" "5.7.10" "$(cat "$ndr" 2>/dev/null)"
lacks "may: the notification returns no body" "body of may hop" "$(cat "$work"/f/msg.* 2>/dev/null)"

# -o requiretls_enable=no on a transport: delivered, REQUIRETLS not passed on.
send three@sender.test rcpt@inside.test "inside hop" >/dev/null
instance_wait_log "to=<rcpt@inside.test>, .*status=(sent|bounced|deferred)" 30
has "requiretls_enable=no: sent" "status=sent" "$(grep 'to=<rcpt@inside.test>' "$INSTANCE_LOG")"
wait_until 30 fake_smtpd_arrived "$work/f" "inside hop" >/dev/null
check "requiretls_enable=no: F gets it"
has "requiretls_enable=no: F saw the sender" "MAIL FROM:<three@sender.test>" "$(cat "$work/f/log")"
lacks "requiretls_enable=no: no REQUIRETLS after it" "MAIL FROM:<three@sender.test> SIZE=.*REQUIRETLS" \
    "$(grep 'MAIL FROM:<three@sender.test>' "$work/f/log")"

# TLS-Required: no relaxes a policy that would defer (G's name does not match).
send --plain four@sender.test rcpt@tlsreq.test "strict policy" >/dev/null
instance_wait_log "to=<rcpt@tlsreq.test>, .*status=(sent|bounced|deferred)" 30
has "no header: deferred by the policy" "status=deferred (Server certificate not verified)" \
    "$(grep 'to=<rcpt@tlsreq.test>' "$INSTANCE_LOG")"
send --plain five@sender.test other@tlsreq.test "relaxed policy" "TLS-Required: no" >/dev/null
instance_wait_log "to=<other@tlsreq.test>, .*status=(sent|bounced)" 30
has "TLS-Required: no: sent" "status=sent" "$(grep 'to=<other@tlsreq.test>' "$INSTANCE_LOG")"
has "TLS-Required: no: its line shows secure lowered to may" "tls=secure:may, dsn=2.0.0" \
    "$(grep 'to=<other@tlsreq.test>' "$INSTANCE_LOG")"
has "TLS-Required: no: logged" "TLS-Required: no: opportunistic TLS (level may) for 127.0.0.1" "$(instance_log)"
has "TLS-Required: no: still over TLS" "X-Fake-TLS: yes" "$(cat "$(fake_smtpd_arrived "$work/g" "relaxed policy")" 2>/dev/null)"

# Towards Debian's Postfix (no REQUIRETLS): returned, never sent.
if postfix_peer_available; then
    postfix_peer_create recv "myhostname = mail.example.com" \
        "smtpd_tls_chain_files = $certs/rsa-chain.pem" "smtpd_tls_security_level = may" \
        "mynetworks = 127.0.0.0/8"
    postfix_peer_master_cf recv "127.0.0.1:$pp inet n - n - - smtpd"
    postfix_peer_start recv "$pp"
    require "Debian's postfix starts"
    send six@sender.test rcpt@postfix.test "postfix hop" >/dev/null
    instance_wait_log "to=<rcpt@postfix.test>, .*status=(sent|bounced|deferred)" 30
    has "Debian's Postfix: bounced with 5.7.10" \
        "dsn=5.7.10, status=bounced (REQUIRETLS failure: host 127.0.0.1[127.0.0.1]: the server does not support REQUIRETLS" \
        "$(grep 'to=<rcpt@postfix.test>' "$INSTANCE_LOG")"
    has "Debian's Postfix: A was verified" "Verified TLS connection established to 127.0.0.1[127.0.0.1]:$pp" "$(instance_log)"
    lacks "Debian's Postfix: it never got the message" "rcpt@postfix.test" \
        "$(cat "$(postfix_peer_dir recv)/maillog")"
else
    comment "skipped the Debian Postfix peer: $POSTFIX_PEER_MISSING"
fi

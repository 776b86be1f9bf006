#!/bin/bash
# smtp_relay.sh - end to end on one machine: instance A relays through its
# smtp client to instance B at TLS level secure, with a CA made by the test
# and a server certificate for the name in the policy's match list; the
# mail lands in B's Maildir, A logs "Verified TLS connection established",
# and a second delivery resumes the TLS session. Then kill -9 of A's smtp
# in the middle of a delivery (a server that stalls at the end of DATA):
# the message is delivered once on the next attempt, neither lost nor
# doubled.
#
# Root only: B's local agent delivers as the recipient.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

[ "$(id -u)" -eq 0 ] || skip "local delivery to another account needs root"

tag=$$
owner=mtso$tag group=mtsg$tag user=mtsu$tag
groupadd "$group" || fail "groupadd $group"
at_exit 'groupdel "$group" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
at_exit 'userdel "$user" 2>/dev/null; userdel "$owner" 2>/dev/null'
fake_pid=
A_DIR= B_DIR=

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

INSTANCE_MODE=root
INSTANCE_MAIL_OWNER=$owner
INSTANCE_SETGID_GROUP=$group
instance_create
use B
instance_create
at_exit 'use A; instance_cleanup; use B; instance_cleanup'
at_exit '[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null'
useradd -M -U -d "$INSTANCE_DIR/home" -s /bin/sh "$user" || fail "useradd $user"
mkdir "$INSTANCE_DIR/home" && chown "$user:" "$INSTANCE_DIR/home"
certs=$(mktemp -d /tmp/smtp-relay-certs.XXXXXX)
at_exit 'rm -rf "$certs"'
certs_make "$certs" || not_ok "certificates"

read -r pb pa_fake pa_tls < <(free_port 3 | tr '\n' ' ')

# B: the receiving instance, STARTTLS with the certificate for mail.example.com.
instance_master_cf \
    "127.0.0.1:$pb inet n - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "tlsmgr unix - - n 1000? 1 tlsmgr" \
    "local unix - n n - - local"
instance_main_cf \
    "mydestination = b.example.test" \
    "home_mailbox = Maildir/" \
    "alias_maps =" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem" \
    "smtpd_tls_loglevel = 1"
instance_start "$pb"
require "B starts"
maildir=$INSTANCE_DIR/home/Maildir/new

# A: the relaying instance, level secure for B by smtp_tls_policy_maps.
use A
printf '[127.0.0.1]:%s secure match=mail.example.com\n' "$pb" "$pa_tls" >"$INSTANCE_DIR/tls_policy"
instance_master_cf \
    "pickup unix n - n 60 1 pickup" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "tlsmgr unix - - n 1000? 1 tlsmgr" \
    "smtp unix - - n - - smtp" \
    "relay unix - - n - - smtp"
instance_main_cf \
    "mydestination =" \
    "relayhost = [127.0.0.1]:$pb" \
    "transport_maps = inline:{ stall.example.test=smtp:[127.0.0.1]:$pa_fake, resume.example.test=smtp:[127.0.0.1]:$pa_tls }" \
    "smtp_tls_security_level = may" \
    "smtp_tls_policy_maps = texthash:$INSTANCE_DIR/tls_policy" \
    "smtp_tls_CAfile = $certs/root.pem" \
    "smtp_tls_loglevel = 1" \
    "smtp_tls_session_cache_database = btree:\$data_directory/smtp_scache" \
    "smtp_connection_cache_on_demand = no" \
    "minimal_backoff_time = 1s" "maximal_backoff_time = 2s" "queue_run_delay = 1s"
instance_start
require "A starts"

# send RCPT SUBJECT - submit through A's sendmail
send() {
    printf 'From: sender@a.example.test\nSubject: %s\n\nrelayed body\n' "$2" |
        instance_sendmail -f sender@a.example.test "$1"
}

send "$user@b.example.test" "first relayed message"
instance_wait_log "to=<$user@b.example.test>, relay=127.0.0.1\[127.0.0.1\]:$pb, .*status=sent" 20
log=$(instance_log)
has "A: delivered to B" "status=sent (250 " "$log"
has "A: Verified TLS connection to B" "Verified TLS connection established to 127.0.0.1[127.0.0.1]:$pb: TLSv1.3" "$log"
for _ in $(seq 100); do [ -n "$(ls "$maildir" 2>/dev/null)" ] && break; sleep 0.1; done
has "B: the mail is in the Maildir" "Subject: first relayed message" "$(cat "$maildir"/* 2>/dev/null)"

send "$user@b.example.test" "second relayed message"
for _ in $(seq 100); do [ "$(ls "$maildir" 2>/dev/null | wc -l)" -ge 2 ] && break; sleep 0.1; done
has "B: the second mail is in the Maildir" "Subject: second relayed message" "$(cat "$maildir"/* 2>/dev/null)"
# Resuming with B needs B's smtpd to keep sessions or issue tickets through tlsmgr.
if grep -q tls_mgr_cache_ops "$top"/src/smtpd/*.c; then
    instance_wait_log "Verified TLS connection reused to 127.0.0.1\[127.0.0.1\]:$pb" 20
    has "A: the second delivery to B resumes the session (tlsmgr)" "Verified TLS connection reused to 127.0.0.1[127.0.0.1]:$pb" "$(instance_log)"
fi

# Session resumption by A's client with a server that issues tickets.
tlsdir=$INSTANCE_DIR/fake-tls
mkdir "$tlsdir"
python3 "$top/tests/helpers/fake_smtpd.py" --port-file "$tlsdir/port" --log "$tlsdir/log" \
    --mode starttls --chain "$certs/rsa-chain.pem" --maildir "$tlsdir" --idle 30 \
    --listen-port "$pa_tls" &
fake_pid=$!
wait_file "$tlsdir/port" 5 || fail "the ticket-issuing test server starts"
send "r@resume.example.test" "resumed 1"
instance_wait_log "to=<r@resume.example.test>, .*status=sent" 20
send "r@resume.example.test" "resumed 2"
instance_wait_log "Verified TLS connection reused to 127.0.0.1\[127.0.0.1\]:$pa_tls" 20
log=$(instance_log)
has "A: first session to a ticket-issuing server is new" "Verified TLS connection established to 127.0.0.1[127.0.0.1]:$pa_tls" "$log"
has "A: the second delivery resumes the session" "Verified TLS connection reused to 127.0.0.1[127.0.0.1]:$pa_tls" "$log"
kill "$fake_pid" 2>/dev/null

# kill -9 of smtp while the server holds the end of DATA.
fakedir=$INSTANCE_DIR/fake
mkdir "$fakedir"
python3 "$top/tests/helpers/fake_smtpd.py" --port-file "$fakedir/port" --log "$fakedir/log" \
    --mode plain --maildir "$fakedir" --idle 30 --listen-port "$pa_fake" --stall-first &
fake_pid=$!
wait_file "$fakedir/port" 5 || fail "the stalling test server starts"
send "x@stall.example.test" "stalled message"
for _ in $(seq 200); do grep -q "S: stalling" "$fakedir/log" 2>/dev/null && break; sleep 0.1; done
killed=0
for pid in $(ss -Htnp state established "( dport = :$pa_fake )" | grep -o 'pid=[0-9]*' | cut -d= -f2); do
    kill -9 "$pid" && killed=$((killed + 1))
done
has "kill -9 of the smtp process" "killed=1" "killed=$killed"
has "the server held the end of DATA" "S: stalling" "$(cat "$fakedir/log")"
instance_wait_log "to=<x@stall.example.test>, relay=127.0.0.1\[127.0.0.1\]:$pa_fake, .*status=sent" 30
has "after the kill: delivered on a later attempt" "status=sent (250 2.0.0 Ok: queued as FAKE1)" "$(grep stall.example "$INSTANCE_LOG")"
sleep 1
count=$(ls "$fakedir"/msg.* 2>/dev/null | wc -l)
has "after the kill: exactly one copy at the server" "copies=1" "copies=$count"

#!/bin/bash
# virtual_dovecot.sh - a mail server set up the way docker-mailserver sets
# up Postfix: the hosted domains, their mailboxes and their aliases in
# hash: tables (virtual_mailbox_domains, virtual_mailbox_maps,
# virtual_alias_maps), every mailbox delivered to Dovecot over LMTP
# (virtual_transport = lmtp:unix: with the absolute path of Dovecot's
# socket), and smtpd offering STARTTLS with TLS 1.0 and 1.1 refused.
#
# swaks sends over STARTTLS, as a client on the Internet would. An alias
# expands to two mailboxes: Dovecot delivers into both, and doveadm reads
# the message back from each, with the Received: line that says TLS was
# used. An unknown address of a hosted domain is refused at RCPT with
# Postfix's reply (550 5.1.1 ... User unknown in virtual mailbox table)
# and not queued. An alias is a listed recipient wherever it points, as in
# Postfix: one to an address that Dovecot does not know is taken, and
# bounced to the sender (a hosted mailbox) with Dovecot's reply.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dovecot.sh"

command -v swaks >/dev/null || fail "swaks is missing (Debian package swaks)"
dovecot_lmtp_available || skip "$DOVECOT_MISSING"
instance_create
port=$(free_port)
conf=$INSTANCE_CONF
cert_make "$conf" server /CN=mail.example.test || fail "make the certificate"
[ -z "$INSTANCE_RUN_AS" ] || chown "$INSTANCE_RUN_AS" "$conf"/server.*

# Dovecot's socket outside the queue directory, as /var/run/dovecot/lmtp is.
mkdir "$INSTANCE_DIR/dovecot" && chmod 755 "$INSTANCE_DIR/dovecot"
socket=$INSTANCE_DIR/dovecot/lmtp

vhost=$(instance_table hash vhost "example.test OK" "example.org OK") ||
    fail "postmap the domains table"
vmailbox=$(instance_table hash vmailbox \
    "alice@example.test example.test/alice/" \
    "bob@example.test example.test/bob/" \
    "carol@example.org example.org/carol/") || fail "postmap the mailbox table"
virtual=$(instance_table hash virtual \
    "team@example.test alice@example.test,bob@example.test" \
    "postmaster@example.org carol@example.org" \
    "gone@example.test gone@example.org") || fail "postmap the alias table"
ok "the three tables are built with postmap (hash:)"

instance_main_cf \
    "mydestination = localhost.\$mydomain, localhost" \
    "smtpd_banner = \$myhostname ESMTP" \
    "smtpd_helo_required = yes" \
    "smtpd_error_sleep_time = 0" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key" \
    "smtpd_tls_protocols = !SSLv2,!SSLv3,!TLSv1,!TLSv1.1" \
    "smtpd_tls_mandatory_protocols = !SSLv2,!SSLv3,!TLSv1,!TLSv1.1" \
    "smtpd_tls_received_header = yes" \
    "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination" \
    "smtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_pipelining, reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname" \
    "virtual_mailbox_domains = $vhost" \
    "virtual_mailbox_maps = $vmailbox" \
    "virtual_alias_maps = $virtual" \
    "virtual_transport = lmtp:unix:$socket" \
    "bounce_queue_lifetime = 0"
instance_master_cf \
    "127.0.0.1:$port inet n - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "defer unix - - n - 0 bounce" \
    "lmtp unix - - n - - lmtp"
instance_start "$port"
require "the instance starts"
dovecot_lmtp_start "$socket" alice@example.test bob@example.test carol@example.org
require "Dovecot's LMTP server starts on $socket"

# send SUBJECT RCPT... - one message over STARTTLS; the transcript in $out
send() {
    local subject=$1 rcpt
    shift
    rcpt=$(
        IFS=,
        echo "$*"
    )
    out=$(bounded 60 swaks --server "127.0.0.1:$port" --timeout 20 --tls \
        --ehlo client.example.net --from alice@example.test --to "$rcpt" \
        --header "Subject: $subject" --body "body of $subject" 2>&1)
}

send "to the team" team@example.test
has "swaks: STARTTLS" "220 2.0.0 Ready to start TLS" "$out"
has "swaks: the alias is taken" "250 2.0.0 Ok: queued as" "$out"
instance_wait_log "to=<bob@example.test>, orig_to=<team@example.test>.*status=" 30
instance_wait_log "to=<alice@example.test>, orig_to=<team@example.test>.*status=" 10
require "the alias's two mailboxes are reported"
log=$(instance_log)
relay="relay=mail\.example\.test\[$(sed 's/[].[\/]/\\&/g' <<<"$socket")\]"
for who in alice bob; do
    grep -Eq "to=<$who@example.test>, orig_to=<team@example.test>, $relay, .*status=sent \(250 2\.0\.0 <$who@example.test> .*Saved\)" <<<"$log"
    check "$who: delivered by Dovecot over LMTP, from the alias team@"
    out=$(dovecot_fetch "$who@example.test" "hdr body" HEADER Subject "to the team")
    has "$who: Dovecot reads the message back (doveadm fetch)" "body of to the team" "$out"
    grep -Eq "^[[:space:]]+\(using TLSv1\.[23] with cipher " <<<"$out"
    check "$who: its Received: line says it came over TLS 1.2 or later"
    has "$who: the Received: line names the alias as the recipient" "for <team@example.test>;" "$out"
done
[ "$(ls "$(dovecot_maildir alice@example.test)/new" | wc -l)" -eq 1 ]
check "alice's Maildir holds the message once"

send "unknown" nobody@example.test
has "an unknown address of a hosted domain is refused at RCPT, as Postfix says it" \
    "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in virtual mailbox table" \
    "$out"
lacks "and nothing is queued" "queued as" "$out"

send "to a mailbox of the second domain" postmaster@example.org
has "postmaster@ of the second domain is taken" "250 2.0.0 Ok: queued as" "$out"
instance_wait_log "to=<carol@example.org>, orig_to=<postmaster@example.org>.*status=sent" 30
check "and delivered to carol, whom the alias names"
out=$(dovecot_fetch carol@example.org "body" HEADER Subject "to a mailbox of the second domain")
has "carol's copy is in Dovecot" "body of to a mailbox of the second domain" "$out"

# An alias is a listed recipient, wherever it points (as in Postfix): taken
# at RCPT, refused by Dovecot, bounced with Dovecot's reply to the sender.
send "alias to nowhere" gone@example.test
has "an alias of a hosted domain is taken at RCPT" "250 2.0.0 Ok: queued as" "$out"
instance_wait_log "to=<gone@example.org>, orig_to=<gone@example.test>.*status=bounced" 30
check "its target, unknown to Dovecot, bounces"
has "with Dovecot's reply to RCPT" \
    "said: 550 5.1.1 <gone@example.org> User doesn't exist: gone@example.org (in reply to RCPT TO command)" \
    "$(grep 'to=<gone@example.org>' "$INSTANCE_LOG")"
wait_until 30 sh -c "grep -qs 'Subject: Undelivered Mail' '$(dovecot_maildir alice@example.test)'/new/*"
check "the bounce reaches the sender's mailbox, through the same LMTP client"
has "and carries Dovecot's reply" "550 5.1.1 <gone@example.org> User doesn't exist" \
    "$(cat "$(dovecot_maildir alice@example.test)"/new/*)"
lacks "no recipient was deferred" "status=deferred" "$(instance_log)"

[ "$ASSERT_FAILURES" = 0 ] || {
    instance_log_tail 30
    dovecot_log_tail 20
}
exit 0

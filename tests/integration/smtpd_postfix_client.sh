#!/bin/bash
# smtpd_postfix_client.sh - Debian's Postfix SMTP client delivers to our
# SMTP server over STARTTLS, at smtp_tls_security_level = encrypt and at
# verify (with our CA in smtp_tls_CAfile and the server name matched).
#
# Debian's postfix runs as a private peer (lib/postfix_peer.sh), as root
# with the postfix account as its mail_owner, and is stopped by pid.
# Without the postfix package, or not as root, the test is skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

postfix_peer_available || skip "$POSTFIX_PEER_MISSING"

instance_create
conf=$INSTANCE_CONF
port=$(free_port 1)

# Our server: a CA-signed certificate for mail.example.test.
cert_make "$conf" ca "/CN=Test CA" && cert_make "$conf" server /CN=mail.example.test ca ||
    fail "make certificates"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$conf"
instance_main_cf \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key" \
    "smtpd_tls_loglevel = 1" \
    "smtpd_tls_received_header = yes" \
    "mynetworks = 192.0.2.0/24"
instance_master_cf \
    "127.0.0.1:$port inet n - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup"
instance_start "$port"
require "our instance starts"

# Debian's postfix, privately: the client.
postfix_peer_create debian
deb=$(postfix_peer_dir debian)
cp "$conf/ca.pem" "$deb/conf/ca.pem"
postfix_peer_main_cf debian \
    "compatibility_level = 3.7" \
    "myhostname = client.example.net" \
    "relayhost = [127.0.0.1]:$port" \
    "smtp_tls_loglevel = 1" \
    "smtp_tls_CAfile = $deb/conf/ca.pem" \
    "smtp_tls_policy_maps = texthash:$deb/conf/tls_policy" \
    "transport_maps = texthash:$deb/conf/transport" \
    "smtp_host_lookup = native" \
    "smtp_connection_cache_on_demand = no"

# sent_count - how many deliveries to us Debian's log shows
sent_count() {
    grep -c "relay=[a-z0-9.]*\[127.0.0.1\]:$port.*status=sent (250 2.0.0 Ok: queued as" \
        "$deb/maillog" 2>/dev/null
}

# sent_at_least N - Debian's log shows N deliveries to us
sent_at_least() {
    [ "$(sent_count)" -ge "$1" ]
}

# wait_sent N - until Debian's log shows N deliveries to us
wait_sent() {
    wait_until 15 sent_at_least "$1"
}

# check_delivery N LEVEL CLIENT-TRUST HOST - Debian says sent, we have the message
check_delivery() {
    local n=$1 level=$2 trust=$3 host=$4 line id
    if ! wait_sent "$n"; then
        not_ok "$level: Debian's postfix delivered" "$(tail -20 "$deb/maillog")"
        return
    fi
    ok "$level: Debian's postfix delivered"
    line=$(grep "relay=[a-z0-9.]*\[127.0.0.1\]:$port.*status=sent" "$deb/maillog" | sed -n "${n}p")
    id=$(sed -n 's/.*queued as \([0-9A-Za-z]*\)).*/\1/p' <<<"$line")
    if [ -n "$id" ] && [ -f "$INSTANCE_QUEUE/incoming/$id" ] &&
        grep -q "Subject: delivered at $level" "$INSTANCE_QUEUE/incoming/$id"; then
        ok "$level: the message is in our queue as $id"
    else
        not_ok "$level: the message is in our queue" "$line"
    fi
    grep -q "(using TLSv1.3 with cipher" "$INSTANCE_QUEUE/incoming/$id" 2>/dev/null
    check "$level: Received: header has the TLS details"
    has "$level: Debian logs \"$trust TLS connection established\"" \
        "$trust TLS connection established to $host[127.0.0.1]:$port" "$(grep 'TLS connection' "$deb/maillog")"
}

# The same server under two next-hop names, one per TLS level.
printf '[127.0.0.1]:%s encrypt\n[localhost]:%s verify match=mail.example.test\n' "$port" "$port" \
    >"$deb/conf/tls_policy"
printf 'verify@mail.example.test smtp:[localhost]:%s\n' "$port" >"$deb/conf/transport"
postfix_peer_start debian
require "Debian's postfix starts"

# send LEVEL RCPT - one message through Debian's postfix
send() {
    printf 'Subject: delivered at %s\n\nhello from Debian postfix\n' "$1" |
        postfix_peer_sendmail debian -f sender@client.example.net "$2"
    postfix_peer_postqueue debian -f
}
send encrypt user@mail.example.test
check_delivery 1 encrypt Trusted 127.0.0.1
send verify verify@mail.example.test
check_delivery 2 verify Verified localhost
instance_wait_log "Anonymous TLS connection established from localhost\[127\.0\.0\.1\]" 5
check "our log: Anonymous TLS connection established from localhost[127.0.0.1]"
has "our log: disconnect line of a STARTTLS delivery" \
    "disconnect from localhost[127.0.0.1] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7" \
    "$(grep disconnect "$INSTANCE_LOG")"

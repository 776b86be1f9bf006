#!/bin/bash
# smtpd_postfix_client.sh - Debian's Postfix SMTP client delivers to our
# SMTP server over STARTTLS, at smtp_tls_security_level = encrypt and at
# verify (with our CA in smtp_tls_CAfile and the server name matched).
#
# Debian's postfix runs as a private instance in a temporary directory
# ("postfix -c", /usr/sbin and /usr/lib/postfix/sbin), as root with its
# own mail_owner; it is stopped by its pid file. Without the postfix
# package, or not as root, the test is skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

if [ "$(id -u)" -ne 0 ] || [ ! -x /usr/sbin/postfix ] || [ ! -x /usr/lib/postfix/sbin/smtp ] ||
    ! id postfix >/dev/null 2>&1; then
    echo "ok - skipped: needs root and Debian's postfix package # SKIP"
    exit 0
fi

instance_create
conf=$INSTANCE_CONF
port=$(free_port 1)

# Our server: a CA-signed certificate for mail.example.test.
openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=Test CA" -days 2 -keyout "$conf/ca.key" \
    -out "$conf/ca.pem" 2>/dev/null &&
    openssl req -newkey rsa:2048 -nodes -subj /CN=mail.example.test -keyout "$conf/server.key" \
        -out "$conf/server.csr" 2>/dev/null &&
    openssl x509 -req -in "$conf/server.csr" -CA "$conf/ca.pem" -CAkey "$conf/ca.key" \
        -CAcreateserial -days 2 -out "$conf/server.pem" 2>/dev/null || {
    echo "not ok - make certificates"
    exit 1
}
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
if ! instance_start >/dev/null 2>&1 || ! instance_wait_port "$port"; then
    echo "not ok - our instance starts"
    exit 1
fi
echo "ok - our instance starts"

# Debian's postfix, privately.
deb=$INSTANCE_DIR/debian
mkdir -p "$deb/conf" "$deb/queue" "$deb/data"
chown postfix "$deb/data"
cp "$conf/ca.pem" "$deb/conf/ca.pem"
cat >"$deb/conf/main.cf" <<EOF
compatibility_level = 3.7
queue_directory = $deb/queue
data_directory = $deb/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = client.example.net
mydestination =
relayhost = [127.0.0.1]:$port
maillog_file = $deb/maillog
maillog_file_prefixes = $deb
smtp_tls_loglevel = 1
smtp_tls_CAfile = $deb/conf/ca.pem
smtp_tls_policy_maps = texthash:$deb/conf/tls_policy
transport_maps = texthash:$deb/conf/transport
smtp_host_lookup = native
smtp_connection_cache_on_demand = no
EOF
cat >"$deb/conf/master.cf" <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
smtp      unix  -       -       n       -       -       smtp
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
postlog   unix-dgram n  -       n       -       1       postlogd
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
EOF
debian_stop() {
    local pid
    pid=$(tr -d ' \n' <"$deb/queue/pid/master.pid" 2>/dev/null)
    /usr/sbin/postfix -c "$deb/conf" stop >/dev/null 2>&1
    if [ -n "$pid" ]; then
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null
    fi
}
trap 'debian_stop; instance_cleanup' EXIT

status=0
# wait_sent N - until Debian's log shows N deliveries to us
wait_sent() {
    for _ in $(seq 150); do
        [ "$(grep -c "relay=[a-z0-9.]*\[127.0.0.1\]:$port.*status=sent (250 2.0.0 Ok: queued as" \
            "$deb/maillog" 2>/dev/null)" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# check_delivery N LEVEL CLIENT-TRUST HOST - Debian says sent, we have the message
check_delivery() {
    local n=$1 level=$2 trust=$3 host=$4 line id
    if wait_sent "$n"; then
        echo "ok - $level: Debian's postfix delivered"
    else
        echo "not ok - $level: Debian's postfix delivered"
        tail -20 "$deb/maillog"
        status=1
        return
    fi
    line=$(grep "relay=[a-z0-9.]*\[127.0.0.1\]:$port.*status=sent" "$deb/maillog" | sed -n "${n}p")
    id=$(sed -n 's/.*queued as \([0-9A-Za-z]*\)).*/\1/p' <<<"$line")
    if [ -n "$id" ] && [ -f "$INSTANCE_QUEUE/incoming/$id" ] &&
        grep -q "Subject: delivered at $level" "$INSTANCE_QUEUE/incoming/$id"; then
        echo "ok - $level: the message is in our queue as $id"
    else
        echo "not ok - $level: the message is in our queue ($line)"
        status=1
    fi
    if grep -q "(using TLSv1.3 with cipher" "$INSTANCE_QUEUE/incoming/$id" 2>/dev/null; then
        echo "ok - $level: Received: header has the TLS details"
    else
        echo "not ok - $level: Received: header has the TLS details"
        status=1
    fi
    if grep -q "$trust TLS connection established to $host\[127.0.0.1\]:$port" "$deb/maillog"; then
        echo "ok - $level: Debian logs \"$trust TLS connection established\""
    else
        echo "not ok - $level: Debian logs \"$trust TLS connection established\""
        grep 'TLS connection' "$deb/maillog"
        status=1
    fi
}

# The same server under two next-hop names, one per TLS level.
printf '[127.0.0.1]:%s encrypt\n[localhost]:%s verify match=mail.example.test\n' "$port" "$port" \
    >"$deb/conf/tls_policy"
printf 'verify@mail.example.test smtp:[localhost]:%s\n' "$port" >"$deb/conf/transport"
if ! /usr/sbin/postfix -c "$deb/conf" start >/dev/null 2>&1; then
    echo "not ok - Debian's postfix starts"
    cat "$deb/maillog"
    exit 1
fi
echo "ok - Debian's postfix starts"

send() {
    printf 'Subject: delivered at %s\n\nhello from Debian postfix\n' "$1" |
        /usr/sbin/sendmail -C "$deb/conf" -f sender@client.example.net "$2"
    /usr/sbin/postqueue -c "$deb/conf" -f
}
send encrypt user@mail.example.test
check_delivery 1 encrypt Trusted 127.0.0.1
send verify verify@mail.example.test
check_delivery 2 verify Verified localhost
if instance_wait_log "Anonymous TLS connection established from localhost\[127\.0\.0\.1\]" 5; then
    echo "ok - our log: Anonymous TLS connection established from localhost[127.0.0.1]"
else
    echo "not ok - our log: Anonymous TLS connection established"
    status=1
fi
if grep -q "disconnect from localhost\[127.0.0.1\] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7" \
    "$INSTANCE_LOG"; then
    echo "ok - our log: disconnect line of a STARTTLS delivery"
else
    echo "not ok - our log: disconnect line of a STARTTLS delivery"
    grep disconnect "$INSTANCE_LOG"
    status=1
fi
exit $status

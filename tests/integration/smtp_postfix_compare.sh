#!/bin/bash
# smtp_postfix_compare.sh - our SMTP client and Debian's Postfix SMTP client
# against the same receiving server (Debian's postfix, STARTTLS with a
# certificate for mail.example.com from a CA the test makes), with the same
# smtp_tls_policy_maps entries: levels may, encrypt, fingerprint, verify and
# secure, with matching and non-matching names and fingerprints, trust
# anchors, and a server without STARTTLS. For every entry, our outcome
# (delivered or deferred) must be Postfix's.
#
# Each case has its own server address 127.0.0.N on one port, so the
# policy key "[127.0.0.N]:port" selects the case for both clients. Debian's
# postfix runs as two private instances (receiver and sender) in temporary
# directories, as root with the postfix account; without those the test
# is skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
client=$top/obj/tests/helpers/deliver_client

if [ "$(id -u)" -ne 0 ] || [ ! -x /usr/sbin/postfix ] || [ ! -x /usr/lib/postfix/sbin/smtp ] ||
    ! id postfix >/dev/null 2>&1; then
    echo "ok - skipped: needs root and Debian's postfix package # SKIP"
    exit 0
fi

dir=$(mktemp -d /tmp/smtp-compare.XXXXXX)
chmod 755 "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# debian_stop NAME - stop one Debian instance by its pid file
debian_stop() {
    local conf=$dir/$1/conf pid
    pid=$(tr -d ' \n' <"$dir/$1/queue/pid/master.pid" 2>/dev/null)
    [ -f "$conf/main.cf" ] && /usr/sbin/postfix -c "$conf" stop >/dev/null 2>&1
    if [ -n "$pid" ]; then
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null
    fi
}
trap 'debian_stop recv; debian_stop send; [ -n "$KEEP" ] || rm -rf "$dir"' EXIT

sh "$top/tests/data/mkcerts.sh" "$dir/certs" >/dev/null 2>&1 || echo "not ok - certificates"
chmod 755 "$dir/certs" && chmod 644 "$dir/certs"/*
fp=$(openssl x509 -in "$dir/certs/rsa.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
wrong_fp=$(openssl x509 -in "$dir/certs/other.pem" -noout -fingerprint -sha256 | sed 's/.*=//')

# The cases: address suffix, policy entry. 20 and 21 are servers without STARTTLS.
cases=(
    "2|may"
    "3|encrypt"
    "4|encrypt protocols=TLSv1.2 ciphers=high"
    "5|fingerprint match=$fp"
    "6|fingerprint match=$wrong_fp"
    "7|verify match=mail.example.com"
    "8|verify"
    "9|verify match=mx.example.com:other.example.org"
    "10|secure match=mail.example.com"
    "11|secure match=other.example.org"
    "12|secure"
    "13|secure match=.example.com"
    "14|verify match=mail.example.com tafile=$dir/certs/int.pem"
    "15|secure match=mail.example.com tafile=$dir/certs/other.pem"
    "20|encrypt"
    "21|may"
)
policy=$dir/tls_policy
: >"$policy"
for c in "${cases[@]}"; do
    printf '[127.0.0.%s]:%s %s\n' "${c%%|*}" "$port" "${c#*|}" >>"$policy"
done
chmod 644 "$policy"

# debian_instance NAME - directories and the common main.cf of a Debian instance
debian_instance() {
    mkdir -p "$dir/$1/conf" "$dir/$1/queue" "$dir/$1/data"
    chown postfix "$dir/$1/data"
    cat >"$dir/$1/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/$1/queue
data_directory = $dir/$1/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = ipv4
mydestination =
alias_maps =
maillog_file = $dir/$1/maillog
maillog_file_prefixes = $dir
smtpd_peername_lookup = no
smtp_helo_timeout = 10s
smtp_connect_timeout = 5s
EOF
    cat >"$dir/$1/conf/master.cf" <<'EOF'
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
discard   unix  -       -       n       -       -       discard
postlog   unix-dgram n  -       n       -       1       postlogd
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
proxymap  unix  -       -       n       -       -       proxymap
anvil     unix  -       -       n       -       1       anvil
EOF
}

# The receiver: every case address on one port, mail discarded after it is accepted.
debian_instance recv
cat >>"$dir/recv/conf/main.cf" <<EOF
myhostname = mail.example.com
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
default_transport = discard
smtpd_tls_security_level = may
smtpd_tls_chain_files = $dir/certs/rsa-chain.pem
EOF
for c in "${cases[@]}"; do
    n=${c%%|*}
    if [ "$n" -ge 20 ]; then
        echo "127.0.0.$n:$port inet n - n - - smtpd -o smtpd_tls_security_level=none"
    else
        echo "127.0.0.$n:$port inet n - n - - smtpd"
    fi
done >>"$dir/recv/conf/master.cf"

# The Debian sender: each case domain routed to its server address.
debian_instance send
transport=$dir/send/conf/transport
for c in "${cases[@]}"; do
    printf 'case%s.example smtp:[127.0.0.%s]:%s\n' "${c%%|*}" "${c%%|*}" "$port"
done >"$transport"
cat >>"$dir/send/conf/main.cf" <<EOF
myhostname = client.example.net
transport_maps = texthash:$transport
smtp_tls_CAfile = $dir/certs/root.pem
smtp_tls_policy_maps = texthash:$policy
smtp_tls_fingerprint_digest = sha256
smtp_tls_loglevel = 1
smtp_connection_cache_on_demand = no
EOF

for i in recv send; do
    if /usr/sbin/postfix -c "$dir/$i/conf" start >/dev/null 2>&1; then
        echo "ok - Debian's postfix ($i) starts"
    else
        echo "not ok - Debian's postfix ($i) starts"
        cat "$dir/$i/maillog"
        exit 1
    fi
done
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.21/$port") 2>/dev/null && break
    sleep 0.1
done
# A greeting, not only a listener: Debian's smtpd must be able to start.
if timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.2/$port; head -1 <&3" | grep -q '^220 '; then
    echo "ok - Debian's smtpd greets"
else
    echo "not ok - Debian's smtpd greets"
    tail -5 "$dir/recv/maillog"
    exit 1
fi

# Our client: the same CA, policy table and digest.
mkdir -p "$dir/ours/conf" "$dir/ours/queue"
cat >"$dir/ours/conf/main.cf" <<EOF
compatibility_level = 3.8
queue_directory = $dir/ours/queue
maillog_file = $dir/ours/maillog
maillog_file_prefixes = $dir
myhostname = client.example.net
smtp_tls_CAfile = $dir/certs/root.pem
smtp_tls_policy_maps = texthash:$policy
smtp_tls_fingerprint_digest = sha256
smtp_tls_loglevel = 1
smtp_helo_timeout = 10s
smtp_connect_timeout = 5s
EOF
: >"$dir/ours/conf/master.cf"

# Debian's client: one message per case.
for c in "${cases[@]}"; do
    printf 'Subject: case %s\n\ncompare\n' "${c%%|*}" |
        /usr/sbin/sendmail -C "$dir/send/conf" -f sender@client.example.net "user@case${c%%|*}.example"
done
/usr/sbin/postqueue -c "$dir/send/conf" -f

# postfix_outcome N - sent or deferred, from Debian's log
postfix_outcome() {
    for _ in $(seq 300); do
        line=$(grep -E "to=<user@case$1\.example>.*status=(sent|deferred)" "$dir/send/maillog" | head -1)
        if [ -n "$line" ]; then
            sed -E 's/.*status=(sent|deferred).*/\1/' <<<"$line"
            return
        fi
        sleep 0.1
    done
    echo "unknown"
}

for c in "${cases[@]}"; do
    n=${c%%|*}
    ours=$(timeout 60 "$client" -q "$dir/ours/queue" -a "$top/libexec/smtp" -c "$dir/ours/conf" \
        -n "[127.0.0.$n]:$port" -r "user@case$n.example" 2>/dev/null |
        sed -n 's/^rcpt=.* outcome=\([a-z]*\) .*/\1/p')
    theirs=$(postfix_outcome "$n")
    if [ "$ours" = "$theirs" ] && [ -n "$ours" ]; then
        echo "ok - ${c#*|} (server 127.0.0.$n): ours $ours, Postfix $theirs"
    else
        echo "not ok - ${c#*|} (server 127.0.0.$n): ours ${ours:-nothing}, Postfix $theirs"
        grep "case$n\.example\|127.0.0.$n\]" "$dir/send/maillog" | sed 's/^/#   postfix: /' | tail -5
    fi
done

# Both clients say the same about verification.
has_both() {
    if grep -qF "$1" "$dir/ours/maillog" && grep -qF "$1" "$dir/send/maillog"; then
        echo "ok - both log \"$1\""
    else
        echo "not ok - both log \"$1\""
    fi
}
# trust_word FILE N - the trust word of the summary line for server 127.0.0.N
trust_word() {
    grep -o "[A-Za-z]* TLS connection established to 127\.0\.0\.$2\[" "$1" | head -1 | cut -d' ' -f1
}
for c in "${cases[@]}"; do
    n=${c%%|*}
    [ "$n" -ge 20 ] && continue
    ours=$(trust_word "$dir/ours/maillog" "$n")
    theirs=$(trust_word "$dir/send/maillog" "$n")
    if [ "$ours" = "$theirs" ] && [ -n "$ours" ]; then
        echo "ok - ${c#*|} (server 127.0.0.$n): both log \"$ours TLS connection established\""
    else
        echo "not ok - ${c#*|} (server 127.0.0.$n): ours \"$ours\", Postfix \"$theirs\""
    fi
done
has_both "Verified TLS connection established to 127.0.0.10[127.0.0.10]:$port"
has_both "server certificate verification failed for 127.0.0.11[127.0.0.11]:$port: num=62:hostname mismatch"
has_both "TLS is required, but was not offered by host 127.0.0.20[127.0.0.20]"
has_both "Server certificate not verified"

#!/bin/bash
# posttls_finger.sh - posttls-finger against openssl s_server (implicit TLS),
# our own STARTTLS test server (resumption with -r) and Debian's postfix as
# a private instance (STARTTLS, chain, trust, resumption through Debian's
# tlsmgr). Checks the trust word the CA file and the names warrant:
# Verified (CA and name), Trusted (CA, no name check below verify),
# Untrusted (no CA), Trusted (a wrong name at verify); the chain with -C,
# fingerprints, exit status.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"
# ptf ARGS... - posttls-finger, for at most 60 seconds
ptf() {
    bounded 60 "$TEST_BIN/posttls-finger" "$@"
}
starttls_server=$TEST_HELPERS/tls_starttls_server
dir=$(mktemp -d /tmp/posttls-finger.XXXXXX)
chmod 755 "$dir" # the Debian instance runs as postfix
pids=
at_exit 'for pid in $pids; do kill "$pid" 2>/dev/null; done; rm -rf "$dir"'

# No main.cf of the machine: an empty configuration directory.
mkdir "$dir/conf"
: >"$dir/conf/main.cf"
export MAIL_CONFIG=$dir/conf
certs_make "$dir"
require "certificates made"

# s_server [ARGS] - openssl s_server with a scripted SMTP dialogue for one
# connection, on a new port in $port
s_server() {
    port=$(free_port)
    printf '220 mail.example.com ESMTP\r\n250-mail.example.com\r\n250 8BITMIME\r\n221 2.0.0 Bye\r\n' |
        timeout 20 openssl s_server -accept "127.0.0.1:$port" -cert "$dir/rsa.pem" \
            -key "$dir/rsa.key" -cert_chain "$dir/int.pem" -quiet -naccept 1 "$@" \
            >/dev/null 2>&1 &
    pids="$pids $!"
    # Wait without connecting: a probe would use up the one connection.
    wait_listen "$port" 5 || echo "# openssl s_server does not listen on $port"
}

# Implicit TLS (-w) against openssl s_server.
s_server
out=$(ptf -w -C -d sha256 -F "$dir/root.pem" "[127.0.0.1]:$port" mail.example.com 2>&1)
status=$?
has "s_server: Verified with CA file and the right name" \
    "posttls-finger: Verified TLS connection established to 127.0.0.1[127.0.0.1]:$port: TLSv1.3" "$out"
has "s_server: the matched name" \
    "posttls-finger: 127.0.0.1[127.0.0.1]:$port: matched peername: mail.example.com" "$out"
has "s_server: greeting read inside TLS" "posttls-finger: < 220 mail.example.com ESMTP" "$out"
# The groups offered (X25519MLKEM768 first where OpenSSL has it, with an
# X25519 key share) and the one negotiated. Where OpenSSL has the hybrid,
# s_server prefers it and asks for its share in a second ClientHello.
groups="x25519 x448 secp256r1 secp521r1 secp384r1 ffdhe2048 ffdhe3072"
shares="x25519; 1 ClientHello,"
negotiated=X25519
grep -q '^TLS_FEATURES = .*group-names' "$top/Makefile" && negotiated=x25519
if grep -q '^TLS_FEATURES = .*ml-kem.*group-tuples' "$top/Makefile"; then
    groups="X25519MLKEM768 $groups"
    shares="X25519MLKEM768; 2 ClientHellos,"
    negotiated=X25519MLKEM768
fi
has "s_server: the groups offered, the key shares and the ClientHellos" \
    "127.0.0.1[127.0.0.1]:$port: key exchange groups offered: $groups; key shares: $shares" "$out"
has "s_server: the negotiated group" "bytes; negotiated: $negotiated" "$out"
has "s_server: EHLO sent" "posttls-finger: > EHLO " "$out"
has "s_server: QUIT answered" "posttls-finger: < 221 2.0.0 Bye" "$out"
[ "$status" -eq 0 ]
check "s_server: exit status 0"
has "-C: chain header" "Certificate chain" "$out"
has "-C: leaf" " 0 subject: /CN=mail.example.com" "$out"
has "-C: leaf issuer" "    issuer: /O=Test Org/CN=Test Intermediate CA" "$out"
has "-C: intermediate" " 1 subject: /O=Test Org/CN=Test Intermediate CA" "$out"
[ "$(grep -c -- '-----BEGIN CERTIFICATE-----' <<<"$out")" = 2 ]
check "-C: two PEM certificates"
fp=$(openssl x509 -in "$dir/rsa.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
has "-C: leaf certificate digest (sha256)" "   cert digest=$fp" "$out"
has "fingerprints logged with certmatch" "cert fingerprint=$fp" "$out"
sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' <<<"$out" |
    awk '/BEGIN/{n++} n==1' | openssl x509 -noout -subject 2>/dev/null | grep -q "mail.example.com"
check "-C: the PEM block is the server certificate"
# -Q: the post-quantum mode of the pq policy attribute.
s_server
out=$(ptf -w -c -l may -Q no "[127.0.0.1]:$port" 2>&1)
has "-Q no: no post-quantum group offered" \
    "key exchange groups offered: x25519 x448 secp256r1 secp521r1 secp384r1 ffdhe2048 ffdhe3072; key shares: x25519; 1 ClientHello," \
    "$out"
s_server
out=$(ptf -w -c -l may -Q only "[127.0.0.1]:$port" 2>&1)
if grep -q '^TLS_FEATURES = .*ml-kem.*group-tuples' "$top/Makefile"; then
    has "-Q only: the hybrid alone, negotiated" \
        "key exchange groups offered: X25519MLKEM768; key shares: X25519MLKEM768; 1 ClientHello, the last" \
        "$(grep 'negotiated: X25519MLKEM768' <<<"$out")"
else
    has "-Q only without post-quantum groups: no group left, no handshake" \
        "no key exchange group left for pq=only" "$out"
fi

s_server
out=$(ptf -w -c -l encrypt -F "$dir/root.pem" "[127.0.0.1]:$port" 2>&1)
has "s_server: Trusted at encrypt (CA, no name check)" "Trusted TLS connection established" "$out"
lacks "-c: no SMTP dialogue" "> EHLO" "$out"

s_server
out=$(ptf -w -c -l may -F "$dir/root.pem" "[127.0.0.1]:$port" wrong.example.net 2>&1)
has "s_server: Trusted at may with a wrong name" "Trusted TLS connection established" "$out"

s_server
out=$(ptf -w -c -l verify -F "$dir/root.pem" "[127.0.0.1]:$port" wrong.example.net 2>&1)
lacks "s_server: verify with a wrong name is not Verified" "Verified TLS" "$out"
has "s_server: verify with a wrong name is Trusted (CA-signed chain)" "Trusted TLS connection established" "$out"
lacks "s_server: verify with a wrong name is not Untrusted" "Untrusted TLS" "$out"
has "s_server: verify with a wrong name: the mismatch is logged" "num=62:hostname mismatch" "$out"

s_server
out=$(ptf -w -c -l may "[127.0.0.1]:$port" 2>&1)
has "s_server: Untrusted without a CA file" "Untrusted TLS connection established" "$out"

s_server
out=$(ptf -w -c "[127.0.0.1]:$port" mail.example.com 2>&1)
has "s_server: secure without a CA file: Untrusted" "Untrusted TLS connection established" "$out"
has "s_server: the verification failure is logged" \
    "server certificate verification failed for 127.0.0.1[127.0.0.1]:$port" "$out"

s_server
out=$(ptf -w -c -d sha256 -l fingerprint "[127.0.0.1]:$port" "$fp" 2>&1)
has "s_server: fingerprint level: Verified by the certificate digest" \
    "Verified TLS connection established" "$out"

s_server -tls1_2
out=$(ptf -w -c -l may -p '<=TLSv1.2' -F "$dir/root.pem" "[127.0.0.1]:$port" 2>&1)
has "s_server: -p limits the protocol" "TLS connection established to 127.0.0.1[127.0.0.1]:$port: TLSv1.2" "$out"

s_server -tls1_2
out=$(ptf -w -c -l encrypt -p '>=TLSv1.3' "[127.0.0.1]:$port" 2>&1)
[ $? -eq 1 ]
check "no common protocol: exit status 1"
has "no common protocol: the handshake error is logged" "SSL_connect error to 127.0.0.1[127.0.0.1]:$port" "$out"

# STARTTLS and resumption against our test server (tickets in memory).
"$starttls_server" "$dir/all-chain.pem" "$dir/root.pem" "$dir/port" 2 2>"$dir/server.log" &
pids="$pids $!"
wait_file "$dir/port" 5 || fail "the STARTTLS test server starts" "$(cat "$dir/server.log")"
port=$(cat "$dir/port")
out=$(ptf -F "$dir/root.pem" -r 1 -m 2 "[127.0.0.1]:$port" mail.example.com 2>&1)
has "STARTTLS: EHLO reply lists STARTTLS" "posttls-finger: < 250 STARTTLS" "$out"
has "STARTTLS: command sent" "posttls-finger: > STARTTLS" "$out"
has "STARTTLS: Verified" "Verified TLS connection established to 127.0.0.1[127.0.0.1]:$port" "$out"
has "-r: reconnecting" "posttls-finger: Reconnecting after 1 seconds" "$out"
has "-r: the session is reused" "posttls-finger: 127.0.0.1[127.0.0.1]:$port: Reusing old session" "$out"
has "-r: summary says reused" "Verified TLS connection reused to 127.0.0.1[127.0.0.1]:$port" "$out"
has "-r: the same server" "Found a previously used server.  Done reconnecting." "$out"

# Destinations: host:port with native lookups; refused and bad arguments.
out=$(ptf -c -h native -l may "localhost:$(free_port)" 2>&1)
[ $? -eq 1 ]
check "connection refused: exit status 1"
has "connection refused: reported" "Connection refused" "$out"
ptf -l bogus "[127.0.0.1]:25" >/dev/null 2>&1
[ $? -eq 2 ]
check "bad level: exit status 2"
ptf "[127.0.0.1" >/dev/null 2>&1
[ $? -eq 2 ]
check "bad destination: exit status 2"

# Debian's postfix as a private instance (root and the package needed).
postfix_peer_available || skip "$POSTFIX_PEER_MISSING"
dport=$(free_port)
postfix_peer_create debian \
    "compatibility_level = 3.7" \
    "myhostname = mail.example.com" \
    "local_recipient_maps =" \
    "smtpd_client_connection_count_limit = 0" \
    "smtpd_client_connection_rate_limit = 0" \
    "smtpd_tls_chain_files = $dir/rsa-chain.pem" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_loglevel = 1"
postfix_peer_master_cf debian "127.0.0.1:$dport inet n - n - - smtpd"
postfix_peer_start debian "$dport"
require "Debian's postfix starts privately on port $dport"

out=$(ptf -C -F "$dir/root.pem" -r 1 "[127.0.0.1]:$dport" mail.example.com 2>&1)
has "postfix: greeting" "posttls-finger: < 220 mail.example.com ESMTP Postfix" "$out"
has "postfix: STARTTLS accepted" "posttls-finger: < 220 2.0.0 Ready to start TLS" "$out"
has "postfix: Verified with CA file and name" \
    "Verified TLS connection established to 127.0.0.1[127.0.0.1]:$dport: TLSv1.3" "$out"
has "postfix: EHLO again inside TLS" "posttls-finger: < 250 CHUNKING" "$out"
has "postfix: chain printed" " 1 subject: /O=Test Org/CN=Test Intermediate CA" "$out"
has "postfix: session reused" "Verified TLS connection reused to 127.0.0.1[127.0.0.1]:$dport" "$out"
has "postfix: one server" "Found a previously used server.  Done reconnecting." "$out"
out=$(ptf -c -l encrypt -F "$dir/root.pem" "[127.0.0.1]:$dport" 2>&1)
has "postfix: Trusted at encrypt" "Trusted TLS connection established" "$out"
out=$(ptf -c -l may "[127.0.0.1]:$dport" 2>&1)
has "postfix: Untrusted without a CA file" "Untrusted TLS connection established" "$out"
out=$(ptf -c -l none "[127.0.0.1]:$dport" 2>&1)
lacks "postfix: level none: no TLS" "TLS connection" "$out"
grep -q "Anonymous TLS connection established from localhost\[127.0.0.1\]" "$(postfix_peer_dir debian)/maillog"
check "postfix logged our TLS connections"

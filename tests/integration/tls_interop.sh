#!/bin/bash
# tls_interop.sh - the TLS library's server engine against other TLS stacks:
# openssl s_client and gnutls-cli over SMTP STARTTLS on a loopback port
# (tests/helpers/tls_starttls_server). Checks verification, TLS 1.2 and 1.3,
# resumption, client certificates, the server's summary lines, and a client
# that sends garbage instead of a handshake.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
server=$TEST_HELPERS/tls_starttls_server
dir=$(mktemp -d /tmp/tls-interop.XXXXXX)
pid=
at_exit '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"'

certs_make "$dir"
check "certificates made"
"$server" "$dir/all-chain.pem" "$dir/root.pem" "$dir/port" 6 2>"$dir/log" &
pid=$!
wait_file "$dir/port" 5
port=$(cat "$dir/port")
[ -n "$port" ]
check "server listens on 127.0.0.1:$port"

# s_client ARGS... - one SMTP session with openssl s_client: EHLO, QUIT
s_client() {
    printf 'EHLO client.example.org\r\nQUIT\r\n' |
        timeout 20 openssl s_client -connect "127.0.0.1:$port" -starttls smtp -crlf -ign_eof \
            -CAfile "$dir/root.pem" "$@" 2>&1
}

out=$(s_client -verify_return_error -verify_hostname mail.example.com -sess_out "$dir/sess")
has "openssl: TLS 1.3 handshake" "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384" "$out"
has "openssl: chain and name verified" "Verified peername: mail.example.com" "$out"
has "openssl: EHLO answered inside TLS" "250 localhost TLSv1.3 TLS_AES_256_GCM_SHA384" "$out"
has "openssl: QUIT answered" "221 2.0.0 Bye" "$out"

out=$(s_client -sess_in "$dir/sess")
has "openssl: TLS 1.3 session resumed with a ticket" "Reused, TLSv1.3" "$out"

out=$(s_client -tls1_2 -sigalgs ECDSA+SHA256 -verify_return_error)
has "openssl: TLS 1.2 with the ECDSA key" "Cipher is ECDHE-ECDSA-" "$out"
has "openssl: TLS 1.2 EHLO answered" "250 localhost TLSv1.2 ECDHE-ECDSA-" "$out"

out=$(s_client -cert "$dir/client.pem" -key "$dir/client.key" -cert_chain "$dir/int.pem")
has "openssl: with a client certificate" "250 localhost TLSv1.3" "$out"

out=$(printf 'EHLO client.example.org\r\nQUIT\r\n' |
    timeout 20 gnutls-cli --starttls-proto=smtp --x509cafile="$dir/root.pem" \
        --verify-hostname=mail.example.com -p "$port" 127.0.0.1 2>&1)
has "gnutls-cli: certificate trusted" "The certificate is trusted" "$out"
has "gnutls-cli: EHLO answered inside TLS" "250 localhost TLSv1.3" "$out"

# A client that answers the 220 with garbage instead of a ClientHello.
exec 3<>"/dev/tcp/127.0.0.1/$port"
read -r -t 10 _ <&3
printf 'STARTTLS\r\n' >&3
read -r -t 10 reply <&3
printf 'this is not a TLS handshake\r\n' >&3
sleep 0.5
exec 3>&-
has "garbage client: STARTTLS accepted" "220 2.0.0 Ready to start TLS" "$reply"

wait_gone "$pid" 10 && wait "$pid"
check "server served all six sessions and exited"
pid=
log=$(cat "$dir/log")
# The group by its TLS name where OpenSSL offers one (makedefs: group-names), as Postfix 3.10.
# openssl s_client offers X25519MLKEM768 where it has it, and our server
# prefers it (makedefs: ml-kem and group-tuples).
kex=X25519
grep -q '^TLS_FEATURES = .*group-names' "$top/Makefile" && kex=x25519
grep -q '^TLS_FEATURES = .*ml-kem.*group-tuples' "$top/Makefile" && kex=X25519MLKEM768
has "server log: full handshake" "tls_starttls_server: Anonymous TLS connection established from localhost[127.0.0.1]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange $kex server-signature" "$log"
has "server log: resumption" "Anonymous TLS connection reused from localhost[127.0.0.1]: TLSv1.3" "$log"
has "server log: TLS 1.2" "Anonymous TLS connection established from localhost[127.0.0.1]: TLSv1.2 with cipher ECDHE-ECDSA-" "$log"
has "server log: verified client certificate" "Trusted TLS connection established from localhost[127.0.0.1]: TLSv1.3" "$log"
has "server log: client signature" "client-signature ECDSA (prime256v1) client-digest SHA256" "$log"
has "server log: garbage handshake" "SSL_accept error from localhost[127.0.0.1]: -1" "$log"

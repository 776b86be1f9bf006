#!/bin/bash
# tls_rpk.sh - RFC 7250 raw public keys with real peers: openssl s_client
# (-enable_server_rpk, -enable_client_rpk) against our server with
# smtpd_tls_enable_rpk (relay_clientcerts by public-key fingerprint, the
# fragile-policy warning for a certificate listed by its certificate
# fingerprint); our posttls-finger -x at the fingerprint level against
# openssl s_server -enable_server_rpk; Debian's Postfix with
# smtp(d)_tls_enable_rpk = yes both ways: its client delivers to our
# server at the fingerprint level by our key's fingerprint, our client
# delivers to its server the same way, each sending its own key bare.
#
# Needs OpenSSL 3.2 or later (makedefs: raw-public-keys) and, for
# Debian's Postfix, root.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

grep -q '^TLS_FEATURES = .*raw-public-keys' "$top/Makefile" ||
    skip "OpenSSL without raw public keys (makedefs: raw-public-keys)"
postfix_peer_available || skip "$POSTFIX_PEER_MISSING"

instance_create
read -r port rport < <(free_port 2 | tr '\n' ' ')
certs=$INSTANCE_DIR/certs
mkdir -p "$certs/conf" && : >"$certs/conf/main.cf"
certs_make "$certs"
require "certificates made"
pids=
at_exit 'for pid in $pids; do kill "$pid" 2>/dev/null; done'

# spki FILE / certfp FILE - SHA-256 public-key and certificate fingerprints
spki() {
    openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform DER |
        openssl dgst -sha256 -c | sed 's/.*= //' | tr a-f A-F
}
certfp() {
    openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -c | sed 's/.*= //' | tr a-f A-F
}
srv_spki=$(spki "$certs/rsa.pem")
cli_spki=$(spki "$certs/client.pem")
other_fp=$(certfp "$certs/other.pem")

# Our instance: smtpd on $port asks for client keys; relaying needs a
# listed key; our smtp client relays to Debian's server on $rport at the
# fingerprint level with its key's fingerprint.
instance_master_cf_relay "$port"
relay_cc=$(instance_table texthash relay_clientcerts "$cli_spki ok" "$other_fp other")
instance_main_cf \
    "relayhost = [127.0.0.1]:$rport" \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem" \
    "smtpd_tls_CAfile = $certs/root.pem" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_ask_ccert = yes" \
    "smtpd_tls_enable_rpk = yes" \
    "smtpd_tls_loglevel = 1" \
    "smtpd_tls_received_header = yes" \
    "relay_clientcerts = $relay_cc" \
    "smtpd_relay_restrictions = permit_tls_clientcerts reject" \
    "smtp_tls_security_level = fingerprint" \
    "smtp_tls_fingerprint_cert_match = $srv_spki" \
    "smtp_tls_enable_rpk = yes" \
    "smtp_tls_chain_files = $certs/client-chain.pem" \
    "smtp_tls_loglevel = 1"
instance_start "$port"
require "our instance starts"

# s_client_rcpt ARGS... - STARTTLS, then EHLO, MAIL, RCPT to a remote domain, one at a time
s_client_rcpt() {
    (
        printf 'EHLO client.example.org\r\n'
        sleep 1.5
        printf 'MAIL FROM:<a@client.example.org>\r\n'
        sleep 0.5
        printf 'RCPT TO:<x@remote.example>\r\n'
        sleep 0.5
        printf 'QUIT\r\n'
        sleep 0.5
    ) | bounded 30 openssl s_client -connect "127.0.0.1:$port" -starttls smtp -crlf -ign_eof \
        -enable_server_rpk "$@" 2>&1
}

out=$(s_client_rcpt -enable_client_rpk -cert "$certs/client.pem" -key "$certs/client.key")
has "s_client: our server sent its raw public key" "Server-to-client raw public key negotiated" "$out"
has "s_client: it took the client's raw public key" "Client-to-server raw public key negotiated" "$out"
has "the key is listed in relay_clientcerts: relaying permitted" "250 2.1.5" "$out"
instance_wait_log "Untrusted TLS connection established from localhost\[127\.0\.0\.1\]: .*server-signature RSA-PSS \(2048 bit raw public key\).*client-signature ECDSA \(prime256v1 raw public key\)" 10
check "our server logs both raw public keys as Postfix 3.10 does"

out=$(s_client_rcpt -cert "$certs/other.pem" -key "$certs/other.key")
has "a certificate listed by its certificate fingerprint relays" "250 2.1.5" "$out"
instance_wait_log "warning: permit_tls_clientcerts: localhost\[127\.0\.0\.1\]: relay_clientcerts: Fragile access policy: smtpd_tls_enable_rpk=yes, but public key fingerprint \"[0-9A-F:]*\" not matched, while certificate fingerprint \"$other_fp\" matched" 10
check "and is logged as a fragile policy"

out=$(s_client_rcpt)
has "a client without a key may not relay" "554 5.7.1" "$out"

# Our posttls-finger -x against openssl s_server -enable_server_rpk (TLS
# from the start, a scripted SMTP dialogue, one connection each).
s_server() {
    sport=$(free_port)
    printf '220 mail.example.com ESMTP\r\n250-mail.example.com\r\n250 8BITMIME\r\n221 2.0.0 Bye\r\n' |
        bounded 20 openssl s_server -accept "127.0.0.1:$sport" -cert "$certs/rsa.pem" \
            -key "$certs/rsa.key" -enable_server_rpk -quiet -naccept 1 >/dev/null 2>&1 &
    pids="$pids $!"
    wait_listen "$sport" 5
}
ptf() {
    MAIL_CONFIG=$certs/conf bounded 30 "$TEST_BIN/posttls-finger" -c -w -t5 -T5 -d sha256 \
        -l fingerprint "$@"
}
s_server
out=$(ptf -x "[127.0.0.1]:$sport" "$srv_spki" 2>&1)
has "posttls-finger -x: s_server's raw public key matches its public-key fingerprint" \
    "Verified TLS connection established to 127.0.0.1[127.0.0.1]:$sport" "$out"
has "and the line says raw public key" "(2048 bit raw public key)" "$out"
has "posttls-finger logs the key's fingerprint" "raw public key fingerprint=$srv_spki" "$out"
s_server
out=$(ptf -x "[127.0.0.1]:$sport" "$(certfp "$certs/rsa.pem")" 2>&1)
has "posttls-finger -x: a certificate fingerprint does not match a raw public key" \
    "Untrusted TLS connection established to 127.0.0.1[127.0.0.1]:$sport" "$out"

# Debian's Postfix: "recv" takes what our client relays, "send" relays to our server.
postfix_peer_create recv \
    "myhostname = recv.example.net" \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_loglevel = 1" \
    "smtpd_tls_ask_ccert = yes" \
    "smtpd_tls_enable_rpk = yes" \
    "smtpd_tls_received_header = yes" \
    "default_transport = discard"
recv_dir=$(postfix_peer_dir recv)
printf '%s OK\n' "$cli_spki" >"$recv_dir/conf/relay_cc"
printf '%s\n' '/^Received:.*(\(Client RPK .*\))/ WARN tls-rpk:$1' >"$recv_dir/conf/header_checks"
chmod a+r "$recv_dir"/conf/*
postfix_peer_main_cf recv \
    "relay_clientcerts = texthash:$recv_dir/conf/relay_cc" \
    "smtpd_relay_restrictions = permit_tls_clientcerts reject" \
    "header_checks = regexp:$recv_dir/conf/header_checks"
postfix_peer_master_cf recv "127.0.0.1:$rport inet n - n - - smtpd"
postfix_peer_start recv "$rport"
require "Debian's receiving postfix starts on $rport"
postfix_peer_create send \
    "myhostname = client.example.org" \
    "relayhost = [127.0.0.1]:$port" \
    "smtp_tls_security_level = fingerprint" \
    "smtp_tls_fingerprint_cert_match = $srv_spki" \
    "smtp_tls_enable_rpk = yes" \
    "smtp_tls_chain_files = $certs/client-chain.pem" \
    "smtp_tls_loglevel = 1"
postfix_peer_start send
require "Debian's sending postfix starts"
recv_log=$recv_dir/maillog
send_log=$(postfix_peer_dir send)/maillog

printf 'Subject: raw public keys\n\nhello\n' |
    postfix_peer_sendmail send -f sender@client.example.org user@remote.example
postfix_peer_postqueue send -f
wait_until 20 grep -q "relay=127.0.0.1\[127.0.0.1\]:$port.*status=sent" "$send_log"
check "Debian's client delivered to our server, relaying by its raw public key"
has "Debian's client verified our raw public key by its fingerprint" \
    "Verified TLS connection established to 127.0.0.1[127.0.0.1]:$port" \
    "$(grep '(2048 bit raw public key)' "$send_log")"
wait_until 30 grep -q "to=<user@remote.example>.*status=sent" "$recv_log"
check "our client delivered to Debian's server, relaying by our raw public key"
instance_wait_log "Verified TLS connection established to 127\.0\.0\.1\[127\.0\.0\.1\]:$rport: .*server-signature RSA-PSS \(2048 bit raw public key\).*client-signature ECDSA \(prime256v1 raw public key\)" 10
check "our client verified Debian's raw public key by its fingerprint and sent its own"
has "Debian's server logged our client's raw public key" \
    "client-signature ECDSA (prime256v1 raw public key)" "$(grep 'TLS connection established from' "$recv_log")"
# Both Received: headers name the client key: ours (Debian's client) and Debian's (our client).
same "both Received: headers say (Client RPK sha256 digest ...), ours as Debian's" 2 \
    "$(grep -c "tls-rpk:(Client RPK sha256 digest $cli_spki)" "$recv_log")"

#!/bin/bash
# tls_pq.sh - post-quantum key exchange with real peers, under the default
# group settings: openssl s_client against our server; Debian's Postfix
# both ways (its groups left to OpenSSL's configuration, which offers and
# prefers X25519MLKEM768); our Received: header as Debian's cleanup sees
# it; the tls_policy attribute pq=no and pq=only against Debian's server
# with and without the hybrid; posttls-finger against openssl s_server without the hybrid and
# against gnutls-serv (the server picks another group, no second
# ClientHello when it can use the X25519 share).
#
# Needs OpenSSL with X25519MLKEM768 and the 3.5 group syntax (makedefs:
# ml-kem, group-tuples) and, for Debian's Postfix, root.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

grep -q '^TLS_FEATURES = .*ml-kem.*group-tuples' "$top/Makefile" ||
    skip "OpenSSL without X25519MLKEM768 or the 3.5 group syntax (makedefs: ml-kem, group-tuples)"
postfix_peer_available || skip "$POSTFIX_PEER_MISSING"

# ptf ARGS... - posttls-finger with an empty configuration, at most 60 seconds
ptf() {
    MAIL_CONFIG=$certs/conf bounded 60 "$TEST_BIN/posttls-finger" "$@"
}

instance_create
read -r port rport rport2 rport3 sport gport < <(free_port 6 | tr '\n' ' ')
certs=$INSTANCE_DIR/certs
mkdir -p "$certs/conf" && : >"$certs/conf/main.cf"
certs_make "$certs"
require "certificates made"
pids=
at_exit 'for pid in $pids; do kill "$pid" 2>/dev/null; done'

# Our instance: smtpd on $port relays to Debian's receiving peer on $rport.
instance_master_cf_relay "$port"
instance_main_cf \
    "relayhost = [127.0.0.1]:$rport" \
    "mynetworks = 127.0.0.0/8" \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_loglevel = 1" \
    "smtpd_tls_received_header = yes" \
    "smtp_tls_security_level = may" \
    "smtp_tls_loglevel = 1" \
    "transport_maps = texthash:$INSTANCE_CONF/transport" \
    "smtp_tls_policy_maps = texthash:$INSTANCE_CONF/tls_policy"
# Debian's server listens on $rport and $rport3 with OpenSSL's groups, on
# $rport2 with X25519 alone; each next hop has its policy.
cat >"$INSTANCE_CONF/transport" <<EOF2
pqno.example smtp:[localhost]:$rport
pqonly.example smtp:[127.0.0.1]:$rport3
pqonly-classic.example smtp:[127.0.0.1]:$rport2
classic.example smtp:[localhost]:$rport2
EOF2
cat >"$INSTANCE_CONF/tls_policy" <<EOF2
[localhost]:$rport may pq=no
[127.0.0.1]:$rport3 encrypt pq=only
[127.0.0.1]:$rport2 encrypt pq=only
[localhost]:$rport2 may
EOF2
instance_start "$port"
require "our instance starts"

# openssl s_client offers the hybrid with its share; our server takes it.
out=$(printf 'EHLO client.example.org\r\nQUIT\r\n' |
    timeout 20 openssl s_client -connect "127.0.0.1:$port" -starttls smtp -crlf -ign_eof 2>&1)
has "s_client: X25519MLKEM768 negotiated with our server" \
    "Negotiated TLS1.3 group: X25519MLKEM768" "$out"
instance_wait_log "TLS connection established from localhost\[127\.0\.0\.1\]: TLSv1\.3 .*key-exchange X25519MLKEM768" 10
check "our server logs key-exchange X25519MLKEM768"

# Debian's Postfix: "recv" takes what our smtp client relays (and throws
# it away after its header_checks logged our Received: header); "send"
# relays to our server. Both leave the groups to OpenSSL.
postfix_peer_create recv \
    "myhostname = recv.example.net" \
    "mynetworks = 127.0.0.0/8" \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_loglevel = 1" \
    "tls_eecdh_auto_curves =" \
    "tls_ffdhe_auto_groups =" \
    "default_transport = discard"
recv_dir=$(postfix_peer_dir recv)
printf '%s\n' '/^Received: .*key-exchange/ WARN tls-received' >"$recv_dir/conf/header_checks"
postfix_peer_main_cf recv "header_checks = regexp:$recv_dir/conf/header_checks"
postfix_peer_master_cf recv "127.0.0.1:$rport inet n - n - - smtpd" \
    "127.0.0.1:$rport2 inet n - n - - smtpd -o tls_eecdh_auto_curves=X25519 -o tls_ffdhe_auto_groups=" \
    "127.0.0.1:$rport3 inet n - n - - smtpd"
postfix_peer_start recv "$rport" "$rport2" "$rport3"
require "Debian's receiving postfix starts on $rport"
postfix_peer_create send \
    "myhostname = client.example.net" \
    "relayhost = [127.0.0.1]:$port" \
    "smtp_tls_security_level = may" \
    "smtp_tls_loglevel = 1" \
    "tls_eecdh_auto_curves =" \
    "tls_ffdhe_auto_groups =" \
    "smtp_connection_cache_on_demand = no"
postfix_peer_start send
require "Debian's sending postfix starts"
recv_log=$(postfix_peer_dir recv)/maillog
send_log=$(postfix_peer_dir send)/maillog

printf 'Subject: pq both ways\n\nhello\n' |
    postfix_peer_sendmail send -f sender@client.example.net user@dest.example
postfix_peer_postqueue send -f
wait_until 20 grep -q "relay=.*\[127.0.0.1\]:$port.*status=sent" "$send_log"
check "Debian's postfix delivered to our server"
has "Debian's client logs key-exchange X25519MLKEM768 with our server" \
    "TLS connection established to 127.0.0.1[127.0.0.1]:$port: TLSv1.3" \
    "$(grep 'key-exchange X25519MLKEM768' "$send_log")"
instance_wait_log "TLS connection established from localhost\[127\.0\.0\.1\]: .*key-exchange X25519MLKEM768" 10
check "our server logs key-exchange X25519MLKEM768 for Debian's client"
wait_until 30 grep -q "to=<user@dest.example>.*status=sent" "$recv_log"
check "our smtp client relayed the message to Debian's server"
instance_wait_log "TLS connection established to 127\.0\.0\.1\[127\.0\.0\.1\]:$rport: TLSv1\.3 .*key-exchange X25519MLKEM768" 10
check "our client logs key-exchange X25519MLKEM768 with Debian's server"
has "Debian's server logs key-exchange X25519MLKEM768 for our client" \
    "TLS connection established from localhost[127.0.0.1]: TLSv1.3" \
    "$(grep 'key-exchange X25519MLKEM768' "$recv_log")"
has "our Received: header names the group" "warning: header Received: from client.example.net" \
    "$(grep 'tls-received' "$recv_log" | grep 'key-exchange X25519MLKEM768')"

# The pq attribute of the policy table.
# send_to RCPT - one message into our server
send_to() {
    printf 'Subject: to %s\n\nhello\n' "$1" |
        python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$port" s@src.example "$1" >/dev/null
}
for rcpt in a@pqno.example b@pqonly.example c@pqonly-classic.example d@classic.example; do
    send_to "$rcpt"
done
for rcpt in a@pqno.example b@pqonly.example d@classic.example; do
    wait_until 30 grep -q "to=<$rcpt>.*status=sent" "$recv_log"
    check "$rcpt: delivered to Debian's server"
done
instance_wait_log "to=<c@pqonly-classic.example>.*status=deferred" 30
check "pq=only against a server without the hybrid: deferred"
log=$(instance_log)
has "pq=only against a server without the hybrid: the reason" \
    "to=<c@pqonly-classic.example>, relay=127.0.0.1[127.0.0.1]:$rport2" \
    "$(grep 'Cannot start TLS: handshake failure' <<<"$log")"
has "pq=no: x25519 although the server prefers the hybrid" \
    "TLS connection established to localhost[127.0.0.1]:$rport: TLSv1.3" \
    "$(grep 'key-exchange x25519 ' <<<"$log")"
has "pq=only: X25519MLKEM768" "TLS connection established to 127.0.0.1[127.0.0.1]:$rport3: TLSv1.3" \
    "$(grep 'key-exchange X25519MLKEM768' <<<"$log")"
has "default against a server without the hybrid: x25519" \
    "TLS connection established to localhost[127.0.0.1]:$rport2: TLSv1.3" \
    "$(grep 'key-exchange x25519 ' <<<"$log")"

# openssl s_server without the hybrid: X25519 from the share we sent.
printf '220 s.example ESMTP\r\n250 s.example\r\n221 Bye\r\n' |
    timeout 20 openssl s_server -accept "127.0.0.1:$sport" -cert "$certs/rsa.pem" \
        -key "$certs/rsa.key" -quiet -naccept 3 -groups X25519:secp256r1 >/dev/null 2>&1 &
pids="$pids $!"
wait_listen "$sport" 5
out=$(ptf -w -c -l may "[127.0.0.1]:$sport" 2>&1)
has "s_server -groups X25519: one ClientHello, x25519 negotiated" \
    "key shares: x25519; 1 ClientHello, the last" "$out"
has "s_server -groups X25519: negotiated x25519" "bytes; negotiated: x25519" "$out"
# The pq modes of the policy table (posttls-finger -Q takes the same values).
# The greeting came once, from standard input: -t bounds the wait for more.
out=$(ptf -w -c -l may -Q no -t 2 -T 2 "[127.0.0.1]:$sport" 2>&1)
has "s_server -groups X25519, pq=no: x25519 alone offered and negotiated" \
    "key shares: x25519; 1 ClientHello," "$(grep 'negotiated: x25519' <<<"$out")"
lacks "s_server -groups X25519, pq=no: no post-quantum group offered" "MLKEM" "$out"
out=$(ptf -w -c -l may -Q only -t 2 -T 2 "[127.0.0.1]:$sport" 2>&1)
has "s_server -groups X25519, pq=only: the handshake fails" "SSL_connect error to" "$out"
lacks "s_server -groups X25519, pq=only: no TLS session, no classical fallback" \
    "TLS connection established" "$out"

# gnutls-serv: whatever it prefers, no retry unless it asks for the hybrid.
# It sends no greeting: -t bounds the wait for one (posttls-finger(1)).
timeout 30 gnutls-serv --echo -p "$gport" --x509certfile "$certs/rsa.pem" \
    --x509keyfile "$certs/rsa.key" >/dev/null 2>&1 &
pids="$pids $!"
wait_listen "$gport" 5
out=$(ptf -w -c -l may -t 3 -T 3 "[127.0.0.1]:$gport" 2>&1)
line=$(grep "key exchange groups offered" <<<"$out")
comment "gnutls-serv: $line"
if grep -q "negotiated: x25519" <<<"$line"; then
    has "gnutls-serv: x25519 from the first ClientHello" "1 ClientHello," "$line"
    gnutls_pq=no
else
    has "gnutls-serv: X25519MLKEM768 after it asked for the share" \
        "key shares: X25519MLKEM768; 2 ClientHellos," "$line"
    gnutls_pq=yes
fi
out=$(ptf -w -c -l may -Q no -t 3 -T 3 "[127.0.0.1]:$gport" 2>&1)
has "gnutls-serv, pq=no: x25519 from the first ClientHello" \
    "key shares: x25519; 1 ClientHello," "$(grep 'negotiated: x25519' <<<"$out")"
lacks "gnutls-serv, pq=no: no post-quantum group offered" "MLKEM" "$out"
out=$(ptf -w -c -l may -Q only -t 3 -T 3 "[127.0.0.1]:$gport" 2>&1)
if [ "$gnutls_pq" = yes ]; then
    has "gnutls-serv, pq=only: X25519MLKEM768 from the first ClientHello" \
        "key shares: X25519MLKEM768; 1 ClientHello," \
        "$(grep 'negotiated: X25519MLKEM768' <<<"$out")"
else
    has "gnutls-serv without the hybrid, pq=only: the handshake fails" "SSL_connect error to" "$out"
fi

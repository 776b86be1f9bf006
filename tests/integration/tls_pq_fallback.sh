#!/bin/bash
# tls_pq_fallback.sh - a server that cannot take a post-quantum ClientHello:
# Debian's Postfix (which prefers X25519MLKEM768) behind a relay that
# resets connections whose ClientHello exceeds one TCP segment, and behind
# one that resets those that offer an ML-KEM group. Our smtp client, at
# the mandatory level encrypt, retries at once without the post-quantum
# groups, delivers, logs it, and the TLS capability cache (tlsmgr) keeps
# the finding: the next delivery goes straight to classical key exchange,
# and after the entry expires the client probes again. pq=only never falls
# back. "postfix tls show-capabilities" lists the entry,
# "flush-capabilities" removes it.
#
# Needs OpenSSL with X25519MLKEM768 and the 3.5 group syntax (makedefs:
# ml-kem, group-tuples), and root for Debian's Postfix.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"
. "$top/tests/integration/lib/tls_relay.sh"

grep -q '^TLS_FEATURES = .*ml-kem.*group-tuples' "$top/Makefile" ||
    skip "OpenSSL without X25519MLKEM768 or the 3.5 group syntax (makedefs: ml-kem, group-tuples)"
postfix_peer_available || skip "$POSTFIX_PEER_MISSING"

# Debian's Postfix: groups from OpenSSL (prefers X25519MLKEM768), takes
# everything and throws it away.
tls_relay_recv_start "tls_eecdh_auto_curves =" "tls_ffdhe_auto_groups ="
rport=$TLS_RELAY_RECV_PORT
recv_log=$TLS_RELAY_RECV_LOG

tls_relay_start "$INSTANCE_DIR/size" size "$rport"
size_port=$TLS_RELAY_PORT
tls_relay_start "$INSTANCE_DIR/mlkem" mlkem "$rport"
mlkem_port=$TLS_RELAY_PORT

cat >"$INSTANCE_CONF/transport" <<EOF2
size.example smtp:[127.0.0.1]:$size_port
mlkem.example smtp:[127.0.0.1]:$mlkem_port
pqonly.example smtp:[localhost]:$size_port
EOF2
printf '[localhost]:%s encrypt pq=only\n' "$size_port" >"$INSTANCE_CONF/tls_policy"
tls_relay_instance_start "smtp_tls_capability_cache_timeout = 12s"

# delivered RCPT N - Debian's log shows N deliveries to RCPT
delivered() {
    [ "$(grep -c "to=<$1>.*status=sent" "$recv_log")" -ge "$2" ]
}

# First delivery through the size-limited relay: the fallback.
id1=$(tls_relay_send a@size.example)
wait_until 30 delivered a@size.example 1
check "size relay, first message: delivered"
log=$(tls_relay_queue_log "$id1")
has "size relay: the retry is logged" \
    "TLS handshake with 127.0.0.1[127.0.0.1]:$size_port failed after a ClientHello that offered post-quantum key exchange: trying again without it" \
    "$log"
has "size relay: the finding is remembered" \
    "TLS capability cache: 127.0.0.1:$size_port does not take a post-quantum ClientHello: remembered for 12s" \
    "$log"
has "size relay: delivered over TLS with x25519" \
    "TLS connection established to 127.0.0.1[127.0.0.1]:$size_port: TLSv1.3" \
    "$(grep 'key-exchange x25519 ' "$INSTANCE_LOG")"
lacks "size relay: never in plaintext" "trying again with TLS disabled" "$(instance_log)"
same "size relay: one ClientHello dropped" 1 "$(tls_relay_count "$INSTANCE_DIR/size" drop)"
out=$(instance_postfix tls show-capabilities 2>&1)
has "show-capabilities: the entry" "127.0.0.1:$size_port	pq-intolerant	expires in " "$out"

# Second delivery: straight to classical key exchange, nothing dropped.
id2=$(tls_relay_send b@size.example)
wait_until 30 delivered b@size.example 1
check "size relay, second message: delivered"
log=$(tls_relay_queue_log "$id2")
has "size relay, second message: the cache says classical only" \
    "TLS capability cache: 127.0.0.1:$size_port failed a post-quantum ClientHello before: offering classical key exchange only" \
    "$log"
lacks "size relay, second message: no retry" "trying again without it" "$log"
same "size relay, second message: no ClientHello dropped" 1 \
    "$(tls_relay_count "$INSTANCE_DIR/size" drop)"

# A relay that drops any ClientHello naming ML-KEM.
id3=$(tls_relay_send c@mlkem.example)
wait_until 30 delivered c@mlkem.example 1
check "ML-KEM relay: delivered"
has "ML-KEM relay: the retry is logged" "trying again without it" "$(tls_relay_queue_log "$id3")"
same "ML-KEM relay: one ClientHello dropped" 1 "$(tls_relay_count "$INSTANCE_DIR/mlkem" drop)"

# pq=only never falls back: deferred.
id4=$(tls_relay_send d@pqonly.example)
instance_wait_log "$id4: to=<d@pqonly.example>.*status=deferred" 30
check "pq=only: deferred"
lacks "pq=only: no retry without post-quantum key exchange" "trying again without it" \
    "$(tls_relay_queue_log "$id4")"

# After the entry expired (12s), the client probes again.
drops=$(tls_relay_count "$INSTANCE_DIR/size" drop)
sleep 13
id5=$(tls_relay_send e@size.example)
wait_until 30 delivered e@size.example 1
check "size relay, after expiry: delivered"
log=$(tls_relay_queue_log "$id5")
lacks "size relay, after expiry: the old entry is gone" "failed a post-quantum ClientHello before" "$log"
has "size relay, after expiry: probed with post-quantum again and retried" \
    "trying again without it" "$log"
same "size relay, after expiry: one more ClientHello dropped" $((drops + 1)) \
    "$(tls_relay_count "$INSTANCE_DIR/size" drop)"

# The cache can be listed and flushed by hand.
out=$(instance_postfix tls show-capabilities 2>&1)
has "show-capabilities after the new probe: the entry is back" "127.0.0.1:$size_port	pq-intolerant" "$out"
instance_postfix tls flush-capabilities >/dev/null 2>&1
check "flush-capabilities succeeds"
out=$(instance_postfix tls show-capabilities 2>&1)
lacks "flush-capabilities: no entry left" "pq-intolerant" "$out"

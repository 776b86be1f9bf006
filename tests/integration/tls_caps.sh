#!/bin/bash
# tls_caps.sh - the TLS capability cache beyond post-quantum intolerance:
# Debian's Postfix behind a relay that resets every ClientHello offering
# TLS 1.3 (a server whose TLS 1.3 is broken, 1.2 works), and behind one
# that resets every ClientHello (STARTTLS offered, the handshake always
# fails). Our smtp client retries the first at once with TLS 1.2 at most,
# delivers and remembers it, and later deliveries offer TLS 1.2 at once;
# a policy that allows TLS 1.3 only gets no such retry. For the second, at
# level may, the plaintext retry (after minimal_backoff_time) delivers and
# is remembered, and later deliveries at may go straight to plaintext; at
# level encrypt the entry changes nothing and the mail is deferred.
# "postfix tls show-capabilities" lists the findings. With TLS 1.3 as the
# floor (smtp_tls_mandatory_protocols), the TLS 1.3 finding is not applied
# and not logged.
#
# Needs root for Debian's Postfix; works with any OpenSSL.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"
. "$top/tests/integration/lib/tls_relay.sh"

postfix_peer_available || skip "$POSTFIX_PEER_MISSING"

# Debian's Postfix takes everything and throws it away.
tls_relay_recv_start
rport=$TLS_RELAY_RECV_PORT
recv_log=$TLS_RELAY_RECV_LOG

tls_relay_start "$INSTANCE_DIR/tls13" tls13 "$rport"
tls13_port=$TLS_RELAY_PORT
tls_relay_start "$INSTANCE_DIR/all" all "$rport"
all_port=$TLS_RELAY_PORT

cat >"$INSTANCE_CONF/transport" <<EOF2
tls13.example smtp:[127.0.0.1]:$tls13_port
tls13only.example smtp:[localhost]:$tls13_port
all.example smtp:[127.0.0.1]:$all_port
allenc.example smtp:[localhost]:$all_port
EOF2
cat >"$INSTANCE_CONF/tls_policy" <<EOF2
[localhost]:$tls13_port encrypt protocols=>=TLSv1.3
[127.0.0.1]:$all_port may
[localhost]:$all_port encrypt
EOF2
tls_relay_instance_start \
    "smtp_tls_capability_cache_timeout = 1h" \
    "minimal_backoff_time = 1s" \
    "smtp_connection_cache_on_demand = no"

# delivered RCPT - Debian's log shows the delivery to RCPT
delivered() {
    grep -q "to=<$1>.*status=sent" "$recv_log"
}

# TLS 1.3 broken, 1.2 works; level encrypt.
id1=$(tls_relay_send a@tls13.example)
wait_until 30 delivered a@tls13.example
check "TLS 1.3 relay, first message: delivered"
instance_wait_log "$id1: to=<a@tls13.example>.*status=sent" 10
log=$(tls_relay_queue_log "$id1")
has "TLS 1.3 relay: the retry with TLS 1.2 is logged" \
    "TLS handshake with 127.0.0.1[127.0.0.1]:$tls13_port failed after a TLS 1.3 ClientHello: trying again with TLS 1.2 at most" \
    "$log"
instance_wait_log "$id1: TLS capability cache: 127\.0\.0\.1:$tls13_port fails TLS 1\.3 handshakes, TLS 1\.2 works: remembered for 3600s" 10
check "TLS 1.3 relay: the finding is remembered"
has "TLS 1.3 relay: delivered over TLS 1.2 at level encrypt" \
    "TLS connection established to 127.0.0.1[127.0.0.1]:$tls13_port: TLSv1.2" "$(instance_log)"
lacks "TLS 1.3 relay: never in plaintext" "trying again with TLS disabled" "$log"
drops=$(tls_relay_count "$INSTANCE_DIR/tls13" drop)
out=$(instance_postfix tls show-capabilities 2>&1)
has "show-capabilities: the TLS 1.3 entry" "127.0.0.1:$tls13_port	tls13-broken	expires in " "$out"

id2=$(tls_relay_send b@tls13.example)
wait_until 30 delivered b@tls13.example
check "TLS 1.3 relay, second message: delivered"
instance_wait_log "$id2: to=<b@tls13.example>.*status=sent" 10
log=$(tls_relay_queue_log "$id2")
has "TLS 1.3 relay, second message: the cache says TLS 1.2" \
    "TLS capability cache: 127.0.0.1:$tls13_port failed TLS 1.3 before: offering TLS 1.2 at most" "$log"
lacks "TLS 1.3 relay, second message: no retry" "trying again" "$log"
same "TLS 1.3 relay, second message: no ClientHello dropped" "$drops" \
    "$(tls_relay_count "$INSTANCE_DIR/tls13" drop)"

# A policy that allows TLS 1.3 only never goes down to 1.2.
id3=$(tls_relay_send c@tls13only.example)
instance_wait_log "$id3: to=<c@tls13only.example>.*status=deferred" 30
check "protocols=>=TLSv1.3: deferred"
lacks "protocols=>=TLSv1.3: no TLS 1.2 retry" "TLS 1.2 at most" "$(tls_relay_queue_log "$id3")"

# STARTTLS offered, every handshake fails; level may.
id4=$(tls_relay_send d@all.example)
instance_wait_log "$id4: to=<d@all.example>.*status=deferred" 30
check "failing relay, first attempt: deferred (not yet minimal_backoff_time old)"
sleep 1
instance_postfix flush >/dev/null 2>&1
wait_until 30 delivered d@all.example
check "failing relay, next attempt: delivered in plaintext at level may"
instance_wait_log "$id4: to=<d@all.example>.*status=sent" 10
log=$(tls_relay_queue_log "$id4")
has "failing relay: the plaintext retry is logged" \
    "TLS handshake with 127.0.0.1[127.0.0.1]:$all_port failed: trying again with TLS disabled (opportunistic TLS, level may)" \
    "$log"
instance_wait_log "$id4: TLS capability cache: 127\.0\.0\.1:$all_port offers STARTTLS but fails every TLS handshake: remembered for 3600s" 10
check "failing relay: the finding is remembered"
drops=$(tls_relay_count "$INSTANCE_DIR/all" drop)
out=$(instance_postfix tls show-capabilities 2>&1)
has "show-capabilities: the plaintext entry" "127.0.0.1:$all_port	tls-fails	expires in " "$out"

id5=$(tls_relay_send e@all.example)
wait_until 30 delivered e@all.example
check "failing relay, second message: delivered at once"
instance_wait_log "$id5: to=<e@all.example>.*status=sent" 10
log=$(tls_relay_queue_log "$id5")
has "failing relay, second message: the cache says plaintext" \
    "TLS capability cache: 127.0.0.1:$all_port failed every TLS handshake before: sending without TLS (opportunistic TLS, level may)" \
    "$log"
lacks "failing relay, second message: not deferred first" "status=deferred" "$log"
same "failing relay, second message: no ClientHello dropped" "$drops" \
    "$(tls_relay_count "$INSTANCE_DIR/all" drop)"

# At level encrypt the same server gets no plaintext, whatever the cache says.
id6=$(tls_relay_send f@allenc.example)
instance_wait_log "$id6: to=<f@allenc.example>.*status=deferred" 30
check "failing relay at level encrypt: deferred"
sleep 1
instance_postfix flush >/dev/null 2>&1
instance_wait_log "$id6: to=<f@allenc.example>.*status=deferred.*" 30
lacks "failing relay at level encrypt: never in plaintext" "TLS disabled\|without TLS" \
    "$(tls_relay_queue_log "$id6")"
lacks "failing relay at level encrypt: not delivered" "to=<f@allenc.example>.*status=sent" \
    "$(cat "$recv_log")"

# With TLS 1.3 as the floor the TLS 1.3 finding changes nothing, and the
# log does not claim a TLS 1.2 offer.
instance_main_cf "smtp_tls_mandatory_protocols = >=TLSv1.3"
instance_postfix reload >/dev/null 2>&1
check "postfix reload with smtp_tls_mandatory_protocols = >=TLSv1.3"
sleep 1
id7=$(tls_relay_send g@tls13.example)
instance_wait_log "$id7: to=<g@tls13.example>.*status=deferred" 30
check "TLS 1.3 relay with TLS 1.3 as the floor: deferred"
lacks "TLS 1.3 relay with TLS 1.3 as the floor: no TLS 1.2 offer logged" "TLS 1.2 at most" \
    "$(tls_relay_queue_log "$id7")"

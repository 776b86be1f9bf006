# tls_relay.sh - a relay in front of a real TLS server that behaves like a
# peer which cannot take a post-quantum ClientHello
# (tests/helpers/tls_intolerant_relay.py)
#
# Source this file from bash after lib/common.sh.
#
#   tls_relay_start DIR MODE UPSTREAM_PORT
#       starts a relay to 127.0.0.1:UPSTREAM_PORT that resets any
#       connection whose ClientHello is larger than one TCP segment (MODE
#       "size": 1448 bytes), offers an ML-KEM group (MODE "mlkem"), offers
#       TLS 1.3 (MODE "tls13"), or any ClientHello at all (MODE "all"),
#       passing everything else both ways; its port file and its log
#       ("pass SIZE" / "drop SIZE", one line per ClientHello) in DIR.
#       TLS_RELAY_PORT is its port; it is killed, by pid, when the test
#       ends, and exits by itself after 120 seconds without a connection.
#       Ends the test (fail) when it does not listen within 5 seconds.
#
#   tls_relay_count DIR pass|drop
#       how many ClientHellos the relay in DIR passed or dropped.
#
# The test bed of the TLS capability cache tests (tls_caps, tls_pq_fallback),
# which also need lib/instance.sh and lib/postfix_peer.sh:
#
#   tls_relay_recv_start [SETTING...]
#       creates our instance (not started yet) and starts Debian's Postfix
#       "recv" behind it, which takes every message over opportunistic TLS
#       (certificates in $INSTANCE_DIR/certs) and discards it; SETTINGs
#       are more main.cf lines for recv. TLS_RELAY_SMTPD_PORT is our
#       smtpd's port, TLS_RELAY_RECV_PORT recv's (the upstream of the
#       relays), TLS_RELAY_RECV_LOG recv's log. Ends the test (fail) when a
#       step fails.
#
#   tls_relay_instance_start [SETTING...]
#       starts our instance with tlsmgr, smtp_tls_security_level = encrypt,
#       smtp_tls_loglevel = 1, the capability cache in
#       btree:$INSTANCE_DATA/tls_capabilities, transport_maps and
#       smtp_tls_policy_maps from the texthash files
#       $INSTANCE_CONF/transport and $INSTANCE_CONF/tls_policy (the test
#       writes them first), and the SETTINGs (more main.cf lines).
#
#   tls_relay_send RCPT
#       one message from s@src.example to RCPT into our smtpd; prints its
#       queue id.
#
#   tls_relay_queue_log ID
#       our log lines of one queue id.

[ -n "${TLS_RELAY_SH_LOADED:-}" ] && return 0
TLS_RELAY_SH_LOADED=1

TLS_RELAY_PORT=
TLS_RELAY_PIDS=()

# tls_relay_stop_all - kill every relay this test started
tls_relay_stop_all() {
    local pid
    for pid in "${TLS_RELAY_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
}

# tls_relay_start DIR MODE UPSTREAM_PORT - start a relay, its files in DIR
tls_relay_start() {
    local dir=$1 mode=$2 upstream=$3
    mkdir -p "$dir" && rm -f "$dir/port" && : >"$dir/log"
    [ ${#TLS_RELAY_PIDS[@]} -eq 0 ] && at_exit tls_relay_stop_all
    python3 "$TEST_TOP/tests/helpers/tls_intolerant_relay.py" --upstream "$upstream" \
        --mode "$mode" --port-file "$dir/port" --log "$dir/log" &
    TLS_RELAY_PIDS+=("$!")
    wait_file "$dir/port" 5 || fail "the $mode relay in $dir starts"
    TLS_RELAY_PORT=$(cat "$dir/port")
}

# tls_relay_count DIR VERDICT - ClientHellos passed or dropped
tls_relay_count() {
    grep -c "^$2 " "$1/log"
}

# tls_relay_recv_start [SETTING...] - our instance created, Debian's Postfix started
tls_relay_recv_start() {
    local certs
    instance_create
    read -r TLS_RELAY_SMTPD_PORT TLS_RELAY_RECV_PORT < <(free_port 2 | tr '\n' ' ')
    certs=$INSTANCE_DIR/certs
    mkdir -p "$certs"
    certs_make "$certs"
    require "certificates made"
    postfix_peer_create recv \
        "myhostname = recv.example.net" \
        "mynetworks = 127.0.0.0/8" \
        "smtpd_tls_chain_files = $certs/rsa-chain.pem" \
        "smtpd_tls_security_level = may" \
        "smtpd_tls_loglevel = 1" \
        "$@" \
        "default_transport = discard"
    postfix_peer_master_cf recv "127.0.0.1:$TLS_RELAY_RECV_PORT inet n - n - - smtpd"
    postfix_peer_start recv "$TLS_RELAY_RECV_PORT"
    require "Debian's postfix starts on $TLS_RELAY_RECV_PORT"
    TLS_RELAY_RECV_LOG=$(postfix_peer_dir recv)/maillog
}

# tls_relay_instance_start [SETTING...] - our instance with tlsmgr and the capability cache
tls_relay_instance_start() {
    instance_master_cf_relay "$TLS_RELAY_SMTPD_PORT" "tlsmgr unix - - n 1000? 1 tlsmgr"
    instance_main_cf \
        "mynetworks = 127.0.0.0/8" \
        "smtp_tls_security_level = encrypt" \
        "smtp_tls_loglevel = 1" \
        "smtp_tls_capability_cache_database = btree:$INSTANCE_DATA/tls_capabilities" \
        "$@" \
        "transport_maps = texthash:$INSTANCE_CONF/transport" \
        "smtp_tls_policy_maps = texthash:$INSTANCE_CONF/tls_policy"
    instance_start "$TLS_RELAY_SMTPD_PORT"
    require "our instance starts"
}

# tls_relay_send RCPT - one message into our smtpd; prints the queue id
tls_relay_send() {
    printf 'Subject: to %s\n\nhello\n' "$1" |
        python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$TLS_RELAY_SMTPD_PORT" \
            s@src.example "$1" |
        sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p'
}

# tls_relay_queue_log ID - our log lines of one queue id
tls_relay_queue_log() {
    grep "$1" "$INSTANCE_LOG"
}

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

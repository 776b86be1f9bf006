# haproxy.sh - Debian's HAProxy as a private TCP proxy in front of a test server
#
# Source this file from bash after lib/common.sh and lib/assert.sh
# (lib/instance.sh loads both). haproxy_start runs HAProxy in the
# foreground (-db) from a configuration in a temporary directory, in TCP
# mode, with one frontend per "LISTEN_PORT BACKEND_PORT OPTIONS" argument:
# it listens on 127.0.0.1:LISTEN_PORT and passes each connection to
# 127.0.0.1:BACKEND_PORT with the server OPTIONS (send-proxy for PROXY
# protocol version 1, send-proxy-v2 for version 2). BACKEND_PORT may also
# be a comma-separated list of ports and ADDRESS:PORTs: connections then
# go to each server in turn (round robin), as to the hosts of a cluster
# behind one address. It waits until every
# frontend port accepts connections. The proxy is stopped by pid when the
# test ends.
#
#   . "$top/tests/integration/lib/haproxy.sh"
#   haproxy_available || skip "$HAPROXY_MISSING"
#   haproxy_start "$p1 $backend send-proxy" "$p2 $backend send-proxy-v2"
#   require "HAProxy starts"
#
# Functions:
#   haproxy_available       0 when /usr/sbin/haproxy is there; otherwise
#                           HAPROXY_MISSING says why
#   haproxy_start SPEC...   write the configuration and start; 1 (with the
#                           reason as comment lines) when it fails
#   haproxy_stop            stop it (also done when the test ends)
#
# Variables: HAPROXY_BIN (/usr/sbin/haproxy), HAPROXY_PID, HAPROXY_DIR.

[ -n "${HAPROXY_SH_LOADED:-}" ] && return 0
HAPROXY_SH_LOADED=1

HAPROXY_BIN=${HAPROXY_BIN:-/usr/sbin/haproxy}
HAPROXY_PID=
HAPROXY_DIR=
HAPROXY_MISSING=

# haproxy_available - can HAProxy run here?
haproxy_available() {
    HAPROXY_MISSING=
    [ -x "$HAPROXY_BIN" ] || HAPROXY_MISSING="Debian's haproxy package is not installed"
    [ -z "$HAPROXY_MISSING" ]
}

# haproxy_stop - stop the proxy, remove its directory
haproxy_stop() {
    if [ -n "$HAPROXY_PID" ]; then
        kill "$HAPROXY_PID" 2>/dev/null
        wait_gone "$HAPROXY_PID" 5 || kill -9 "$HAPROXY_PID" 2>/dev/null
    fi
    HAPROXY_PID=
    [ -n "$HAPROXY_DIR" ] && rm -rf "$HAPROXY_DIR"
    HAPROXY_DIR=
}

# haproxy_start SPEC... - one frontend per "LISTEN_PORT BACKEND_PORT OPTIONS"
haproxy_start() {
    local spec listen backend options n=0 conf server i
    HAPROXY_DIR=$(mktemp -d /tmp/mta-haproxy.XXXXXX) || return 1
    at_exit haproxy_stop
    conf=$HAPROXY_DIR/haproxy.cfg
    printf '%s\n' "global" "    maxconn 100" "defaults" "    mode tcp" \
        "    timeout connect 5s" "    timeout client 60s" "    timeout server 60s" >"$conf"
    for spec in "$@"; do
        read -r listen backend options <<<"$spec"
        n=$((n + 1))
        printf '%s\n' "frontend f$n" "    bind 127.0.0.1:$listen" "    default_backend b$n" \
            "backend b$n" "    balance roundrobin" >>"$conf"
        i=0
        for server in ${backend//,/ }; do
            i=$((i + 1))
            [[ "$server" == *:* ]] || server=127.0.0.1:$server
            printf '%s\n' "    server s$n-$i $server $options" >>"$conf"
        done
    done
    "$HAPROXY_BIN" -db -f "$conf" >"$HAPROXY_DIR/out" 2>&1 &
    HAPROXY_PID=$!
    for spec in "$@"; do
        read -r listen backend options <<<"$spec"
        if ! wait_port "$listen" 10; then
            echo "# HAProxy does not listen on 127.0.0.1:$listen:"
            sed 's/^/#   /' "$HAPROXY_DIR/out"
            return 1
        fi
    done
    return 0
}

# table_server.sh - scripted socketmap and tcp table servers as test peers
#
# Source this file from bash after lib/common.sh (lib/instance.sh loads
# it). Every server listens on a free loopback port chosen at run time (or
# on a UNIX socket) and is killed, by pid, when the test ends.
#
#   table_server_start DIR PROTO MODE [ARGS...]
#       lib/table_server.py for PROTO (socketmap or tcp) in MODE (answer,
#       hang, garbage, close, trickle, babble; see that file). Its answers
#       are the "key value" lines of DIR/data (which the test may change at
#       any time), its request log DIR/requests. ARGS go to the server
#       (--map NAME, --unix PATH, --bind-port PORT to take over the port
#       of a server stopped before). Sets TABLE_SERVER_PORT (empty for a
#       UNIX socket) and TABLE_SERVER_PID; ends the test (fail) when the
#       server does not listen within 10 seconds.
#   table_server_stop PID   kill one server and wait for it (5 s bound)
#   table_server_stop_all   kill every server this file started (at exit)
#
# TABLE_SERVER_HELPER is the path of table_server.py in the stage.

[ -n "${TABLE_SERVER_SH_LOADED:-}" ] && return 0
TABLE_SERVER_SH_LOADED=1

TABLE_SERVER_HELPER=${TEST_STAGE:-$TEST_TOP}/tests/integration/lib/table_server.py
TABLE_SERVER_PORT=
TABLE_SERVER_PID=
TABLE_SERVER_PIDS=()

# table_server_stop PID - kill one server
table_server_stop() {
    kill "$1" 2>/dev/null
    wait_gone "$1" 5 || kill -9 "$1" 2>/dev/null
}

# table_server_stop_all - kill every table server of this test
table_server_stop_all() {
    local pid
    for pid in "${TABLE_SERVER_PIDS[@]}"; do
        table_server_stop "$pid"
    done
}

# table_server_start DIR PROTO MODE [ARGS...] - a scripted table server
table_server_start() {
    local dir=$1 proto=$2 mode=$3
    shift 3
    mkdir -p "$dir" && rm -f "$dir/port"
    chmod 755 "$dir"
    [ -f "$dir/data" ] || : >"$dir/data"
    python3 "$TABLE_SERVER_HELPER" --proto "$proto" --mode "$mode" --data "$dir/data" \
        --port-file "$dir/port" --log "$dir/requests" "$@" &
    TABLE_SERVER_PID=$!
    [ ${#TABLE_SERVER_PIDS[@]} -eq 0 ] && at_exit table_server_stop_all
    TABLE_SERVER_PIDS+=("$TABLE_SERVER_PID")
    wait_file "$dir/port" 10 || fail "the $proto $mode table server in $dir starts"
    TABLE_SERVER_PORT=$(cat "$dir/port")
    [ "$TABLE_SERVER_PORT" = 0 ] && TABLE_SERVER_PORT=
    return 0
}

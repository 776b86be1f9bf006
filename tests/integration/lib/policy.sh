# policy.sh - policy servers as test peers of check_policy_service
#
# Source this file from bash after lib/common.sh (lib/instance.sh loads
# it). Every server listens on a free loopback port chosen at run time and
# is killed, by pid, when the test ends.
#
#   policy_server_start DIR MODE
#       the scripted server lib/fake_policy.py in MODE (answer, garbage,
#       close, slow, babble; see that file), its port file, its request
#       log (one JSON line per request) and its connection log (one line
#       per accepted connection) in DIR: DIR/port, DIR/requests,
#       DIR/connections.
#       Sets POLICY_PORT and POLICY_PID; ends the test (fail) when it does
#       not listen within 5 seconds.
#   policy_postgrey_available
#       0 when Debian's postgrey is installed (and we are root, which it
#       needs to drop to its account); otherwise POLICY_MISSING says why
#   policy_postgrey_start DIR DELAY
#       Debian's postgrey (greylisting) on a free port with its database in
#       DIR and a greylisting delay of DELAY seconds; sets POSTGREY_PORT
#       and POSTGREY_PID; ends the test (fail) when it does not listen
#       within 10 seconds.
#   policy_stop_all     kill every server this file started (done at exit)
#
# POLICY_HELPER is the path of fake_policy.py in the stage, which every
# user can read (for spawn(8) services that run it as another user).

[ -n "${POLICY_SH_LOADED:-}" ] && return 0
POLICY_SH_LOADED=1

POLICY_HELPER=${TEST_STAGE:-$TEST_TOP}/tests/integration/lib/fake_policy.py
POLICY_PORT=
POLICY_PID=
POLICY_PIDS=()
POLICY_MISSING=
POSTGREY_BIN=${POSTGREY_BIN:-/usr/sbin/postgrey}

# policy_stop_all - kill every policy server of this test
policy_stop_all() {
    local pid
    for pid in "${POLICY_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
        wait_gone "$pid" 5 || kill -9 "$pid" 2>/dev/null
    done
}

# policy_track PID - remember a server for policy_stop_all
policy_track() {
    [ ${#POLICY_PIDS[@]} -eq 0 ] && at_exit policy_stop_all
    POLICY_PIDS+=("$1")
}

# policy_server_start DIR MODE - a scripted policy server
policy_server_start() {
    local dir=$1 mode=$2
    mkdir -p "$dir" && rm -f "$dir/port"
    chmod 755 "$dir"
    python3 "$POLICY_HELPER" --mode "$mode" --port-file "$dir/port" --log "$dir/requests" \
        --connections "$dir/connections" &
    POLICY_PID=$!
    policy_track "$POLICY_PID"
    wait_file "$dir/port" 5 || fail "the $mode policy server in $dir starts"
    POLICY_PORT=$(cat "$dir/port")
}

# policy_postgrey_available - can postgrey run here?
policy_postgrey_available() {
    POLICY_MISSING=
    if [ ! -x "$POSTGREY_BIN" ]; then
        POLICY_MISSING="Debian's postgrey is not installed"
    elif [ "$(id -u)" -ne 0 ]; then
        POLICY_MISSING="postgrey as a peer needs root (it drops to its account)"
    elif ! id postgrey >/dev/null 2>&1; then
        POLICY_MISSING="there is no postgrey account"
    fi
    [ -z "$POLICY_MISSING" ]
}

# policy_postgrey_start DIR DELAY - Debian's postgrey on a free port
policy_postgrey_start() {
    local dir=$1 delay=$2
    mkdir -p "$dir/db" && chown postgrey "$dir/db"
    : >"$dir/whitelist"
    POSTGREY_PORT=$(free_port)
    "$POSTGREY_BIN" --inet="127.0.0.1:$POSTGREY_PORT" --dbdir="$dir/db" --delay="$delay" \
        --user=postgrey --group=postgrey --whitelist-clients="$dir/whitelist" \
        --whitelist-recipients="$dir/whitelist" --auto-whitelist-clients=0 \
        --hostname=postgrey.test --syslog-facility=none >"$dir/log" 2>&1 &
    POSTGREY_PID=$!
    policy_track "$POSTGREY_PID"
    wait_port "$POSTGREY_PORT" 10 || {
        sed 's/^/# postgrey: /' "$dir/log"
        fail "postgrey starts"
    }
}

# memcached.sh - private memcached servers as test peers of memcache: tables
#
# Source this file from bash after lib/common.sh (lib/instance.sh loads
# it). Each server listens on 127.0.0.1 at a free port (no UDP), runs as
# the caller or as "nobody" when the caller is root, and is stopped by pid
# when the test ends.
#
#   memcached_available
#       0 when Debian's memcached is installed; otherwise MEMCACHED_MISSING
#       says why (for skip)
#   memcached_start [PORT]
#       a new server (on PORT, to take the place of one stopped before);
#       sets MEMCACHED_PORT and MEMCACHED_PID; ends the test (fail) when it
#       does not listen within 10 seconds
#   memcached_get PORT KEY
#       the value of KEY as memcached has it ("" when absent)
#   memcached_set PORT KEY VALUE
#       store VALUE under KEY directly (as a foreign writer would); fails
#       unless memcached answers STORED
#   memcached_stop PID      stop one server and wait for it

[ -n "${MEMCACHED_SH_LOADED:-}" ] && return 0
MEMCACHED_SH_LOADED=1

MEMCACHED_MISSING=
MEMCACHED_PORT=
MEMCACHED_PID=
MEMCACHED_PIDS=()

# memcached_available - can a private memcached run here?
memcached_available() {
    MEMCACHED_MISSING=
    command -v memcached >/dev/null || MEMCACHED_MISSING="Debian's memcached is not installed (memcached)"
    [ -z "$MEMCACHED_MISSING" ]
}

# memcached_stop PID - stop one server
memcached_stop() {
    kill "$1" 2>/dev/null
    wait_gone "$1" 10 || kill -9 "$1" 2>/dev/null
}

# memcached_stop_all - stop every server of this test
memcached_stop_all() {
    local pid
    for pid in "${MEMCACHED_PIDS[@]}"; do
        memcached_stop "$pid"
    done
}

# memcached_start [PORT] - a private memcached
memcached_start() {
    local -a as_user=()
    MEMCACHED_PORT=${1:-$(free_port)}
    [ "$(id -u)" -eq 0 ] && as_user=(-u nobody)
    memcached -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m 16 "${as_user[@]}" >/dev/null 2>&1 &
    MEMCACHED_PID=$!
    [ ${#MEMCACHED_PIDS[@]} -eq 0 ] && at_exit memcached_stop_all
    MEMCACHED_PIDS+=("$MEMCACHED_PID")
    wait_port "$MEMCACHED_PORT" 10 || fail "memcached starts on port $MEMCACHED_PORT"
}

# memcached_set PORT KEY VALUE - store a value behind the tables' back
memcached_set() {
    python3 - "$1" "$2" "$3" <<'END'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
value = sys.argv[3].encode()
s.sendall(b"set %s 0 0 %d\r\n%s\r\n" % (sys.argv[2].encode(), len(value), value))
buf = b""
while not buf.endswith(b"\r\n"):
    data = s.recv(4096)
    if not data:
        break
    buf += data
sys.exit(0 if buf == b"STORED\r\n" else 1)
END
}

# memcached_get PORT KEY - a value as memcached has it
memcached_get() {
    python3 - "$1" "$2" <<'END'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"get " + sys.argv[2].encode() + b"\r\n")
buf = b""
while not (buf.endswith(b"END\r\n")):
    data = s.recv(4096)
    if not data:
        break
    buf += data
lines = buf.split(b"\r\n")
print(lines[1].decode() if lines[0].startswith(b"VALUE ") else "")
END
}

# milter.sh - milters as test peers of smtpd_milters and non_smtpd_milters
#
# Source this file from bash after lib/common.sh (lib/instance.sh loads
# it). Every milter listens on a free loopback port chosen at run time and
# is killed, by pid, when the test ends.
#
#   milter_opendkim_available
#       0 when Debian's opendkim, opendkim-genkey and python3-dkim are
#       installed; otherwise MILTER_MISSING says why
#   milter_opendkim_start DIR DOMAIN SELECTOR
#       Debian's OpenDKIM signing mail from DOMAIN with a key that
#       opendkim-genkey makes in DIR (DIR/SELECTOR.private, and the DNS
#       record in DIR/SELECTOR.txt); sets OPENDKIM_PORT and OPENDKIM_PID;
#       ends the test (fail) when it does not listen within 10 seconds
#   milter_dkim_verify FILE DIR SELECTOR
#       verifies the DKIM signature of the message in FILE with Python's
#       dkim module (Debian's python3-dkim), the public key taken from
#       DIR/SELECTOR.txt instead of DNS; prints the verdict, 0 when valid
#   milter_test_start DIR [ARGS...]
#       lib/test_milter.py (Debian's python3-milter): events and macros
#       logged to DIR/log as JSON lines; sets MILTER_PORT and MILTER_PID
#   milter_fake_start DIR MODE
#       lib/fake_milter.py in MODE (garbage, silent, close, badreply,
#       stall, ok); sets MILTER_PORT and MILTER_PID
#   milter_stop_all     kill every milter this file started (done at exit)

[ -n "${MILTER_SH_LOADED:-}" ] && return 0
MILTER_SH_LOADED=1

MILTER_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MILTER_PIDS=()
MILTER_MISSING=
MILTER_PYTHON=/usr/bin/python3
OPENDKIM_BIN=${OPENDKIM_BIN:-/usr/sbin/opendkim}

# milter_stop_all - kill every milter of this test
milter_stop_all() {
    local pid
    for pid in "${MILTER_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
        wait_gone "$pid" 5 || kill -9 "$pid" 2>/dev/null
    done
}

# milter_track PID - remember a milter for milter_stop_all
milter_track() {
    [ ${#MILTER_PIDS[@]} -eq 0 ] && at_exit milter_stop_all
    MILTER_PIDS+=("$1")
}

# milter_opendkim_available - can OpenDKIM and the verifier run here?
milter_opendkim_available() {
    MILTER_MISSING=
    if [ ! -x "$OPENDKIM_BIN" ]; then
        MILTER_MISSING="Debian's opendkim is not installed"
    elif ! command -v opendkim-genkey >/dev/null 2>&1; then
        MILTER_MISSING="opendkim-genkey (opendkim-tools) is not installed"
    elif ! "$MILTER_PYTHON" -c 'import dkim' 2>/dev/null; then
        MILTER_MISSING="Python's dkim module (python3-dkim) is not installed"
    fi
    [ -z "$MILTER_MISSING" ]
}

# milter_opendkim_start DIR DOMAIN SELECTOR - OpenDKIM signing for DOMAIN
milter_opendkim_start() {
    local dir=$1 domain=$2 selector=$3
    mkdir -p "$dir" && chmod 755 "$dir"
    opendkim-genkey -b 2048 -D "$dir" -d "$domain" -s "$selector" ||
        fail "opendkim-genkey makes a key"
    # A port that was free a moment ago may be taken when opendkim binds
    # it ("smfi_opensocket() failed"): then another port, three times.
    local try
    for try in 1 2 3; do
        milter_opendkim_try "$dir" "$domain" "$selector" && return 0
        grep -q "smfi_opensocket" "$dir/log" || break
    done
    sed 's/^/# opendkim: /' "$dir/log"
    fail "opendkim starts"
}

# milter_opendkim_try DIR DOMAIN SELECTOR - one start on a free port
milter_opendkim_try() {
    local dir=$1 domain=$2 selector=$3
    OPENDKIM_PORT=$(free_port)
    cat >"$dir/opendkim.conf" <<CONF
Syslog no
Background no
Mode sv
Domain $domain
Selector $selector
KeyFile $dir/$selector.private
Socket inet:$OPENDKIM_PORT@127.0.0.1
PidFile $dir/opendkim.pid
InternalHosts 127.0.0.1
RequireSafeKeys false
Canonicalization relaxed/simple
CONF
    "$OPENDKIM_BIN" -f -x "$dir/opendkim.conf" >"$dir/log" 2>&1 &
    OPENDKIM_PID=$!
    milter_track "$OPENDKIM_PID"
    wait_port "$OPENDKIM_PORT" 10
}

# milter_dkim_verify FILE DIR SELECTOR - check a message's DKIM signature
milter_dkim_verify() {
    "$MILTER_PYTHON" - "$1" "$2/$3.txt" <<'PY'
import re, sys
import dkim
record = open(sys.argv[2]).read()
txt = "".join(re.findall(r'"([^"]*)"', record)).encode()
message = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
ok = dkim.verify(message, dnsfunc=lambda name, timeout=5: txt)
print("DKIM signature valid" if ok else "DKIM signature INVALID")
sys.exit(0 if ok else 1)
PY
}

# milter_test_start DIR [ARGS...] - the python3-milter test milter
milter_test_start() {
    local dir=$1
    shift
    mkdir -p "$dir" && rm -f "$dir/port"
    chmod 755 "$dir"
    "$MILTER_PYTHON" "$MILTER_LIB/test_milter.py" --port-file "$dir/port" --log "$dir/log" "$@" \
        >"$dir/stderr" 2>&1 &
    MILTER_PID=$!
    milter_track "$MILTER_PID"
    wait_file "$dir/port" 10 || {
        sed 's/^/# test_milter: /' "$dir/stderr"
        fail "the test milter in $dir starts"
    }
    MILTER_PORT=$(cat "$dir/port")
}

# milter_fake_start DIR MODE - the misbehaving milter
milter_fake_start() {
    local dir=$1 mode=$2
    mkdir -p "$dir" && rm -f "$dir/port"
    python3 "$MILTER_LIB/fake_milter.py" --mode "$mode" --port-file "$dir/port" \
        --log "$dir/log" &
    MILTER_PID=$!
    milter_track "$MILTER_PID"
    wait_file "$dir/port" 5 || fail "the $mode fake milter in $dir starts"
    MILTER_PORT=$(cat "$dir/port")
}

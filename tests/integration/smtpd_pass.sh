#!/bin/bash
# smtpd_pass.sh - master.cf type "pass" and "smtpd pass": a sender (the
# pass_send helper) hands accepted TCP clients to smtpd through the pass
# socket under private/, and smtpd serves them as it serves inet clients:
# a mail transaction end to end into the queue, the client address taken
# from the passed socket, or from the facts that came with it (as
# postscreen sends them); a hand-over with bad facts is refused and logged.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
read -r p_plain p_facts p_bad <<<"$(free_port 3 | tr '\n' ' ')"
instance_main_cf "mynetworks = 127.0.0.0/8, 192.0.2.0/24" "smtpd_client_port_logging = yes"
instance_master_cf \
    "smtpd pass - - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup"
instance_start
require "the instance starts"
sock=$INSTANCE_QUEUE/private/smtpd
wait_until 10 test -S "$sock"
check "master makes the pass socket private/smtpd"
[ "$(stat -c %a "$sock")" = 600 ]
check "the pass socket has mode 0600"

# pass_start PORT COUNT [FACTS...] - the sender in the background; its output in $out
pass_start() {
    local port=$1 count=$2
    shift 2
    out=$INSTANCE_DIR/pass_send.$port
    bounded 60 "$TEST_HELPERS/pass_send" "$sock" "$port" "$count" "$@" >"$out" 2>&1 &
    pass_pid=$!
    at_exit "kill $pass_pid 2>/dev/null"
    wait_file "$out" 10 && wait_until 10 grep -q listening "$out"
}

msg=$'Subject: passed\n\nhello\n'
pass_start "$p_plain" 1
require "the sender listens"
reply=$(printf '%s' "$msg" | PYTHONPATH=$top/tests/integration/lib bounded 30 \
    python3 "$top/tests/integration/lib/smtp_session.py" send "$p_plain" a@example.test b@example.test)
has "a passed client gets its mail queued" "250 2.0.0 Ok: queued as" "$reply"
wait_until 10 grep -q "passed 1" "$out"
check "the receiver closes the hand-over connection"
instance_wait_log "smtpd\[[0-9]+\]: connect from [^ ]*\[127\.0\.0\.1\]:[0-9]+$"
check "smtpd logs the client address of the passed socket"
instance_procs | grep -q -- "smtpd -n smtpd -t pass"
check "master runs smtpd with -t pass"

pass_start "$p_facts" 1 192.0.2.7 4242 198.51.100.1 25
require "the sender listens (with facts)"
reply=$(printf '%s' "$msg" | PYTHONPATH=$top/tests/integration/lib bounded 30 \
    python3 "$top/tests/integration/lib/smtp_session.py" send "$p_facts" a@example.test b@example.test)
has "a client with facts gets its mail queued" "250 2.0.0 Ok: queued as" "$reply"
instance_wait_log "connect from unknown\[192\.0\.2\.7\]:4242"
check "smtpd takes the client address and port from the facts"
instance_wait_log "client=unknown\[192\.0\.2\.7\]:4242"
check "the queue file's client is the one of the facts"

# Bad facts: pass_send refuses them itself, so send them with python.
python3 - "$sock" <<'PYEOF'
import socket, struct, sys
a, b = socket.socketpair()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
socket.send_fds(s, [b"\0"], [b.fileno()])
def attr(name, value):
    return bytes([3, len(name)]) + name + struct.pack(">I", len(value)) + value
s.sendall(attr(b"client_address", b"not-an-address") + attr(b"client_port", b"1")
          + attr(b"server_address", b"127.0.0.1") + attr(b"server_port", b"25") + b"\0")
s.recv(1)
PYEOF
instance_wait_log "warning: bad connection attributes: client not-an-address"
check "a hand-over with a bad client address is refused and logged"

instance_stop
! grep -Eq "panic|fatal" "$INSTANCE_LOG"
check "no panic or fatal error"

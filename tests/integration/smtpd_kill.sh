#!/bin/bash
# smtpd_kill.sh - kill -9 of smtpd or of cleanup in the middle of DATA, on
# a running instance: nothing partial appears in incoming, no temporary
# file is left behind, the client never gets 250 for the broken message,
# every message that was answered 250 is in the queue and complete, and
# the next connection is served again.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
helpers=$TEST_HELPERS

instance_create || exit 1
port=$(free_port)
instance_master_cf "127.0.0.1:$port inet n - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup"
# The kills below also hit idle processes that never took a client; master
# takes that for a broken program and pauses the service for
# service_throttle_time (60s by default), which would stall the next session.
instance_main_cf "mydestination = \$myhostname" "smtpd_error_sleep_time = 0" \
    "service_throttle_time = 1s"
instance_start "$port" || fail "the instance starts"

# The Python side finds the pids of a program of this instance (by its
# process group, through instance_procs) with pids_of.
pids_of() {
    instance_procs | awk -v p="$1" '$3 ~ ("(^|/)" p "$") { print $2 }'
}
export -f pids_of instance_procs group_procs
export INSTANCE_MASTER_PID

PORT=$port QUEUE=$INSTANCE_QUEUE DUMP=$helpers/queue_dump \
    PYTHONPATH=$top/tests/integration/lib python3 - <<'PYEOF'
import os, re, signal, subprocess, time
from smtp_session import Session, Checks, wait_for

t = Checks()
port, queue, dump = int(os.environ["PORT"]), os.environ["QUEUE"], os.environ["DUMP"]
incoming = os.path.join(queue, "incoming")

def pids_of(program):
    out = subprocess.run(["bash", "-c", "pids_of " + program], capture_output=True, text=True,
                         timeout=30)
    return [int(p) for p in out.stdout.split()]

def temp_files():
    return [f for f in os.listdir(incoming) if f.startswith(".")]

def queue_ids():
    return sorted(f for f in os.listdir(incoming) if not f.startswith("."))

def complete(qid):
    return subprocess.run([dump, queue, "incoming", qid], capture_output=True,
                          timeout=30).returncode == 0

def start_message(s, subject):
    s.reply()
    s.cmd("EHLO client.example")
    s.cmd("MAIL FROM:<alice@client.example>")
    s.cmd("RCPT TO:<bob@mail.example.test>")
    code, _ = s.cmd("DATA")
    s.send("Subject: %s\r\n\r\n" % subject)
    return code

def send_whole(subject):
    s = Session.connect(port)
    start_message(s, subject)
    s.send("all of it\r\n.\r\n")
    code, lines = s.reply()
    s.cmd("QUIT")
    s.close()
    m = re.search(r"queued as (\S+)", " ".join(lines))
    return code, m.group(1) if m else None

accepted = []
for i in range(3):
    code, qid = send_whole("before %d" % i)
    t.ok(code == 250 and qid, "message %d before the kills is answered 250 with a queue ID" % i)
    accepted.append(qid)

# kill -9 of smtpd in the middle of DATA.
s = Session.connect(port)
code = start_message(s, "cut off")
t.ok(code == 354, "DATA is answered 354")
s.send("".join("line %d of a message that never ends\r\n" % i for i in range(200)))
t.ok(wait_for(lambda: len(temp_files()) == 1), "cleanup holds a temporary file mid-DATA")
before = queue_ids()
for pid in pids_of("smtpd"):
    os.kill(pid, signal.SIGKILL)
code, _ = s.reply()
t.ok(code != 250, "the client of a killed smtpd never gets 250 (got %d)" % code)
s.close()
t.ok(wait_for(lambda: temp_files() == []), "cleanup removes its temporary file when smtpd dies")
t.ok(queue_ids() == before, "nothing partial appears in incoming after kill -9 of smtpd")

# kill -9 of cleanup in the middle of DATA.
s = Session.connect(port)
start_message(s, "cleanup dies")
s.send("first line\r\n")
t.ok(wait_for(lambda: len(temp_files()) == 1), "a new smtpd is served and cleanup has a temp file")
before = queue_ids()
for pid in pids_of("cleanup"):
    os.kill(pid, signal.SIGKILL)
s.send("rest of the message\r\n.\r\n")
code, lines = s.reply()
t.ok(400 <= code < 500, "after kill -9 of cleanup the end of DATA gets a 4xx, not 250 (%s)"
     % " ".join(lines))
s.cmd("QUIT")
s.close()
t.ok(queue_ids() == before, "nothing partial appears in incoming after kill -9 of cleanup")

# After both kills the service goes on, and nothing answered 250 is lost.
code, qid = send_whole("after")
t.ok(code == 250 and qid, "a message after the kills is answered 250")
accepted.append(qid)
for qid in accepted:
    t.ok(qid in queue_ids() and complete(qid), "message %s answered 250 is queued and complete" % qid)
t.summary()
PYEOF
status=$?
echo "# orphaned temporary files: $(ls -A "$INSTANCE_QUEUE/incoming" | grep -c '^\.')"
exit $status

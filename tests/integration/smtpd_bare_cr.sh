#!/bin/bash
# smtpd_bare_cr.sh - a client that ends its input right after a bare CR:
# "NOOP\r" (or a DATA line "body\r"), then a half-close, a TCP reset, or
# silence until smtpd_timeout, in plain text, after STARTTLS, and inside
# DATA (plain and TLS). smtpd must end each session as a lost connection
# or a timeout: it does not die by a signal (no "panic" and no "killed by
# signal" in the maillog), the next session is served normally, and every
# message that was answered 250 is queued and complete.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
helpers=$TEST_HELPERS

instance_create || exit 1
conf=$INSTANCE_CONF
port=$(free_port)
cert_make "$conf" ca "/CN=Test CA" && cert_make "$conf" server /CN=mail.example.test ca ||
    fail "make certificates"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$conf"
# No queue manager: what smtpd accepted stays in incoming for the checks.
instance_master_cf "127.0.0.1:$port inet n - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup"
instance_main_cf "mydestination = \$myhostname" "smtpd_error_sleep_time = 0" \
    "smtpd_timeout = 2s" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key"
instance_start "$port"
require "the instance starts"

PORT=$port QUEUE=$INSTANCE_QUEUE MAILLOG=$INSTANCE_LOG DUMP=$helpers/queue_dump \
    PYTHONPATH=$top/tests/integration/lib python3 - <<'PYEOF'
import os, re, socket, ssl, struct, subprocess
from smtp_session import Session, Checks, wait_for

t = Checks()
port, queue, maillog, dump = (int(os.environ["PORT"]), os.environ["QUEUE"],
                              os.environ["MAILLOG"], os.environ["DUMP"])
incoming = os.path.join(queue, "incoming")
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE

def log():
    with open(maillog, errors="replace") as f:
        return f.read()

def ended():
    """Sessions that smtpd ended, and smtpd processes that died."""
    text = log()
    return (len(re.findall(r"smtpd\[\d+\]: disconnect from ", text)),
            len(re.findall(r"panic|killed by signal|terminated with signal", text)))

def complete(qid):
    return subprocess.run([dump, queue, "incoming", qid], capture_output=True,
                          timeout=30).returncode == 0

def greet(use_tls):
    s = Session.connect(port, timeout=15)
    s.reply()
    s.cmd("EHLO client.example")
    if use_tls:
        code, _ = s.cmd("STARTTLS")
        if code != 220:
            return s, False
        s.starttls(tls)
        s.cmd("EHLO client.example")
    return s, True

def finished(before):
    """Wait until smtpd has ended one more session or died; the new counts."""
    return wait_for(lambda: ended() != before and ended(), 20)

def send_whole(what):
    """A complete message in a new session; the queue ID, or None."""
    before = ended()
    s, _ = greet(False)
    s.cmd("MAIL FROM:<alice@client.example>")
    s.cmd("RCPT TO:<bob@mail.example.test>")
    s.cmd("DATA")
    code, lines = s.cmd("Subject: %s\r\n\r\nbody\r\n." % what)
    s.cmd("QUIT")
    s.close()
    finished(before)
    m = re.search(r"queued as (\S+)", " ".join(lines))
    return m.group(1) if code == 250 and m else None

def end_input(s, how):
    """End the client's input after the bare CR."""
    if how == "half-close":
        s.sock.shutdown(socket.SHUT_WR)
        s.reply()
    elif how == "reset":
        s.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    elif how == "timeout":
        code, _ = s.reply()
        t.ok(code == 421, "%s: smtpd answers the silence with 421 (got %d)" % (name, code))
    s.close()

accepted = []
for context in ("plain", "STARTTLS", "DATA", "DATA after STARTTLS"):
    for how in ("half-close", "reset", "timeout"):
        name = "%s, bare CR then %s" % (context, how)
        before = ended()
        s, ready = greet("STARTTLS" in context)
        if not t.ok(ready, "%s: the session reaches the bare CR" % name):
            s.close()
            continue
        if context.startswith("DATA"):
            s.cmd("MAIL FROM:<alice@client.example>")
            s.cmd("RCPT TO:<bob@mail.example.test>")
            code, _ = s.cmd("DATA")
            t.ok(code == 354, "%s: DATA is answered 354" % name)
            s.send("Subject: cut off\r\n\r\nbody\r")
        else:
            s.send("NOOP\r")
        end_input(s, how)
        after = finished(before)
        t.ok(after and after[1] == before[1],
             "%s: smtpd does not die by a signal" % name,
             ([l for l in log().splitlines() if re.search(r"panic|signal", l)] or [""])[-1])
        t.ok(after and after[0] == before[0] + 1, "%s: smtpd ends the session itself" % name)
        qid = send_whole(name)
        t.ok(qid is not None, "%s: the next session is served and its mail accepted" % name)
        accepted.append(qid)

text = log()
t.ok(not re.search(r"panic|killed by signal|terminated with signal", text),
     "the maillog has no panic and no process killed by a signal")
t.ok(len(re.findall(r"(lost connection|timeout) after (NOOP|CONNECT|EHLO|STARTTLS|DATA)", text))
     >= 12, "each hostile session is logged as a lost connection or a timeout")
queued = os.listdir(incoming)
for qid in accepted:
    if qid:
        t.ok(qid in queued and complete(qid), "message %s answered 250 is queued and complete"
             % qid)
t.ok(len([f for f in queued if not f.startswith(".")]) == len([q for q in accepted if q]),
     "no cut-off message was queued")
t.summary()
PYEOF

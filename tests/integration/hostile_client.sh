#!/bin/bash
# hostile_client.sh - scripted hostile clients against smtpd. Each case
# is one session: bare CR and LF, NUL and 8-bit bytes in commands and
# content, overlong lines and commands, pipelining abuse (a whole session
# in one write, a flood that never reads its replies, commands before the
# greeting), a slow trickle and silence past smtpd_timeout (2 s here: a
# line must arrive whole within it, a byte now and then is not enough), a
# TCP half-close at every protocol state, TLS close_notify, alerts and
# forged records at every state, renegotiation and key updates (openssl
# s_client), and STARTTLS command injection. For each case:
#   - every hostile line gets a reply with a code, or the session ends
#     with a clean close (smtpd logs "lost connection" or "timeout");
#   - smtpd ends the session itself, within a bound (half-close and TLS
#     closes well before smtpd_timeout, silence just after it);
#   - nothing in the maillog says that a process crashed (panic, fatal,
#     killed by signal, a non-zero exit or throttling);
# and at the end every message that was answered "250 ... queued as ID"
# is in the queue once and complete, and nothing else is.
# Port 1 has smtpd_timeout = 2s (trickle, silence, floods) and no
# practical smtpd_junk_command_limit (the floods are of NOOPs); port 2 has
# smtpd_timeout = 30s, so that a close that only the timeout would notice
# shows up as slow, and the default junk command limit.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create || exit 1
conf=$INSTANCE_CONF
read -r port port_slow port_forbid < <(free_port 3 | tr '\n' ' ')
cert_make "$conf" ca "/CN=Test CA" && cert_make "$conf" server /CN=mail.example.test ca ||
    fail "make certificates"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$conf"
# No queue manager: what smtpd accepted stays in incoming for the checks.
instance_master_cf "127.0.0.1:$port inet n - n - - smtpd -o smtpd_junk_command_limit=100000" \
    "127.0.0.1:$port_slow inet n - n - - smtpd -o smtpd_timeout=30s" \
    "127.0.0.1:$port_forbid inet n - n - - smtpd -o smtpd_forbid_unauth_pipelining=yes" \
    "cleanup unix n - n - 0 cleanup"
instance_main_cf "mydestination = \$myhostname" "smtpd_error_sleep_time = 0" \
    "smtpd_timeout = 2s" "smtpd_starttls_timeout = 4s" \
    "smtpd_forbid_bare_newline = normalize" "smtpd_forbid_bare_newline_exclusions =" \
    "smtpd_forbid_unauth_pipelining = no" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key"
instance_start "$port" "$port_slow" "$port_forbid"
require "the instance starts"

PORT=$port PORT_SLOW=$port_slow PORT_FORBID=$port_forbid QUEUE=$INSTANCE_QUEUE MAILLOG=$INSTANCE_LOG \
    DUMP=$TEST_HELPERS/queue_dump CA=$conf/ca.pem \
    PYTHONPATH=$top/tests/integration/lib bounded 500 python3 - <<'PYEOF'
import os, re, select, socket, ssl, subprocess, time
from smtp_session import Session, Checks, wait_for

t = Checks()
port, port_slow = int(os.environ["PORT"]), int(os.environ["PORT_SLOW"])
# Most cases look past the default disconnect for improper pipelining
# (smtpd_forbid_unauth_pipelining = no); this port keeps it.
port_forbid = int(os.environ["PORT_FORBID"])
queue, maillog, dump = os.environ["QUEUE"], os.environ["MAILLOG"], os.environ["DUMP"]
incoming = os.path.join(queue, "incoming")
CRASH = re.compile(r"panic|fatal:|killed by signal|exit status [1-9]|throttling")
FROM, TO = "MAIL FROM:<alice@client.example>", "RCPT TO:<bob@mail.example.test>"
queued = []  # queue IDs that smtpd answered "250 ... queued as"


def log():
    with open(maillog, errors="replace") as f:
        return f.read()


def counts():
    """Sessions that smtpd ended, and crash lines, so far."""
    text = log()
    return (len(re.findall(r"smtpd\[\d+\]: disconnect from ", text)), len(CRASH.findall(text)))


def note_queued(reply):
    m = re.search(r"queued as (\S+)", " ".join(reply[1]))
    if reply[0] == 250 and m:
        queued.append(m.group(1))
        return m.group(1)
    return None


class Case:
    """One hostile session: smtpd ends it by itself, within a bound, and nothing crashes."""

    def __init__(self, name, bound=8):
        self.name, self.bound = name, bound

    def __enter__(self):
        self.before = counts()
        return self

    def __exit__(self, kind, value, trace):
        if kind is not None:
            t.ok(False, "%s: the client script ran" % self.name, "%s: %s" % (kind.__name__, value))
        after = wait_for(lambda: counts()[0] > self.before[0] and counts(), self.bound)
        t.ok(after, "%s: smtpd ends the session by itself within %d s" % (self.name, self.bound))
        crashes = [l for l in log().splitlines() if CRASH.search(l)]
        t.ok(counts()[1] == self.before[1], "%s: no crash in the maillog" % self.name,
             crashes[-1] if crashes else "")
        return True


def is_reply(reply):
    return 200 <= reply[0] <= 599


def closed(sock, seconds):
    """The peer closes within seconds (anything it sends first is read and dropped)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        ready, _, _ = select.select([sock], [], [], max(0, deadline - time.time()))
        if not ready:
            break
        try:
            if not sock.recv(65536):
                return True
        except OSError:
            return True
    return False


def greet(p=port, ehlo=True):
    s = Session.connect(p, timeout=15)
    s.reply()
    if ehlo:
        s.cmd("EHLO client.example")
    return s


def still_serves(s, name):
    t.reply(s.cmd("NOOP"), 250, "%s: the session goes on (NOOP)" % name)
    t.reply(s.cmd("QUIT"), 221, "%s: QUIT" % name)
    s.close()


# 1. Hostile command lines: a reply each, and the session goes on.
lines = [
    ("bare LF", b"EHLO client.example\n"),
    ("bare CR inside a command", b"NOOP a\rb\r\n"),
    ("bare CR before CR LF", b"NOOP\r\r\n"),
    ("NUL in a command", b"NOOP \x00nul\r\n"),
    ("NUL in EHLO", b"EHLO a\x00b.example\r\n"),
    ("NUL as the verb", b"\x00\x00\x00\x00\r\n"),
    ("8-bit in MAIL FROM", b"MAIL FROM:<\xff\xfe@client.example>\r\n"),
    ("8-bit EHLO", b"EHLO \xc3\xa9t\xc3\xa9.example\r\n"),
    ("an empty line", b"\r\n"),
    ("a command of 100000 bytes", b"NOOP " + b"x" * 100000 + b"\r\n"),
    ("a verb of 5000 bytes", b"X" * 5000 + b"\r\n"),
    ("an address of 10000 bytes", b"MAIL FROM:<" + b"a" * 10000 + b"@client.example>\r\n"),
    ("a TLS ClientHello as a command", b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00\r\n"),
    ("an HTTP request", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
]
for name, data in lines:
    with Case(name):
        s = greet()
        s.send(data)
        first = s.reply()
        t.ok(is_reply(first), "%s: smtpd replies with a code" % name, first)
        if first[0] in (221, 421):
            # A forbidden command (smtpd_forbidden_commands) ends the session.
            t.ok(closed(s.sock, 5), "%s: smtpd closes after %d" % (name, first[0]))
            s.close()
            continue
        # Whatever the line brought (an HTTP request is three lines), one reply each.
        s.buf = s.pending(0.5)
        while b"\n" in s.buf:
            t.ok(is_reply(s.reply()), "%s: a further reply has a code" % name)
        s.cmd("RSET")
        still_serves(s, name)

# 2. Overlong input without a line end, then silence: 421 after smtpd_timeout.
with Case("1 MB without a line end, then silence", 12):
    s = greet()
    s.send(b"NOOP " + b"y" * 1000000)
    start = time.time()
    got = s.reply()
    t.ok(got[0] == 421 and re.search("timeout", " ".join(got[1])),
         "1 MB without a line end: 421 timeout", got)
    t.ok(time.time() - start < 10, "1 MB without a line end: the 421 comes in time")
    t.ok(closed(s.sock, 5), "1 MB without a line end: smtpd closes after the 421")
    s.close()

# 3. Hostile content: NUL, 8-bit, bare CR and LF, a 1 MB line; one message.
with Case("hostile content"):
    s = greet()
    s.cmd(FROM)
    s.cmd(TO)
    t.reply(s.cmd("DATA"), 354, "hostile content: DATA")
    s.send(b"Subject: hostile\r\n\r\nnul \x00 here\r\n8-bit \xff\xfe\x80\r\nbare\rCR\r\n"
           b"bare LF\nline\r\n" + b"z" * 1000000 + b"\r\n..dot stuffed\r\n.\r\n")
    got = s.reply()
    t.ok(note_queued(got), "hostile content: queued (250)", got)
    still_serves(s, "hostile content")

# 4. Smuggling attempts: only CR LF . CR LF ends a message (smtpd_forbid_bare_newline).
for name, end in (("LF . LF", b"\n.\n"), ("LF . CR LF", b"\n.\r\n"), ("CR LF . LF", b"\r\n.\n"),
                  ("CR . CR", b"\r.\r")):
    name = "smuggling with " + name
    with Case(name):
        s = greet()
        s.cmd(FROM)
        s.cmd(TO)
        s.cmd("DATA")
        s.send(b"Subject: outer\r\n\r\nbody" + end +
               b"MAIL FROM:<evil@client.example>\r\nRCPT TO:<bob@mail.example.test>\r\n"
               b"DATA\r\nSubject: smuggled\r\n\r\nsmuggled\r\n.\r\n")
        replies = []
        while True:
            got = s.reply()
            if got[0] <= 0:
                break
            replies.append(got)
            note_queued(got)
            if got[0] == 250 and "queued" in " ".join(got[1]):
                break
        t.ok(len(replies) == 1 and replies[0][0] == 250,
             "%s: one message, one reply" % name, replies)
        still_serves(s, name)

# 5. Pipelining abuse.
with Case("a whole session in one write"):
    s = Session.connect(port, timeout=15)
    s.send("EHLO client.example\r\n%s\r\n%s\r\nDATA\r\nSubject: one write\r\n\r\nbody\r\n"
           ".\r\nQUIT\r\n" % (FROM, TO))
    codes = [s.reply() for _ in range(7)]
    t.ok([c[0] for c in codes] == [220, 250, 250, 250, 354, 250, 221],
         "a whole session in one write: every command is answered in order",
         [c[0] for c in codes])
    note_queued(codes[5])
    t.ok(closed(s.sock, 5), "a whole session in one write: smtpd closes after QUIT")
    s.close()

with Case("2000 pipelined NOOPs"):
    s = greet()
    s.send(b"NOOP\r\n" * 2000)
    n = sum(1 for _ in range(2000) if s.reply()[0] == 250)
    t.ok(n == 2000, "2000 pipelined NOOPs: 2000 replies 250 (%d)" % n)
    still_serves(s, "2000 pipelined NOOPs")

with Case("a NOOP flood past smtpd_junk_command_limit"):
    s = greet(port_slow)
    s.send(b"NOOP\r\n" * 2000)
    codes = []
    while len(codes) < 2000:
        code = s.reply()[0]
        if code == 0:
            break
        codes.append(code)
    t.ok(100 <= codes.count(250) < 2000 and codes[-1] == 421 and closed(s.sock, 5),
         "a NOOP flood past smtpd_junk_command_limit: answered, then 421 and a close",
         "%d replies 250, the last %s" % (codes.count(250), codes[-3:]))
    s.close()

with Case("a flood that never reads its replies", 15):
    mark = len(log())
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    sent, stuck, gone = 0, None, False
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            sent += sock.send(b"NOOP\r\n" * 1000)
            stuck = None
        except BlockingIOError:
            stuck = stuck or time.time()
            if time.time() - stuck > 1:
                break
            time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            gone = True
            break
    t.ok(stuck is not None or gone,
         "a flood that never reads: smtpd stops reading or hangs up (%d bytes)" % sent)
    # smtpd_timeout ends it when the replies back up, the error limits
    # when smtpd gets through 100000 NOOPs first.
    ended = wait_for(lambda: re.search(r"(timeout|too many errors) after NOOP", log()[mark:]), 10)
    t.ok(ended, "a flood that never reads: smtpd gives up (timeout or too many errors)")
    sock.close()

with Case("commands before the greeting"):
    s = Session.connect(port, timeout=15)
    s.send("EHLO client.example\r\nNOOP\r\n")
    got = s.reply()
    t.ok(is_reply(got), "commands before the greeting: a reply with a code", got)
    rest = [s.reply() for _ in range(2)]
    t.ok(all(is_reply(r) or r[0] == 0 for r in rest),
         "commands before the greeting: answered or closed", rest)
    s.close()

with Case("1100 pipelined RCPTs"):
    s = greet()
    s.cmd(FROM)
    s.send(("RCPT TO:<bob@mail.example.test>\r\n" * 1100).encode())
    codes = [s.reply()[0] for _ in range(1100)]
    answered = [c for c in codes if c != 0]
    t.ok(answered.count(250) == 1000,
         "1100 pipelined RCPTs: smtpd_recipient_limit accepts 1000 (%d)" % answered.count(250))
    t.ok(all(200 <= c <= 599 for c in answered) and
         (len(answered) == 1100 or (answered[-1] == 421 and closed(s.sock, 5))),
         "1100 pipelined RCPTs: a reply each, or 421 and a close after too many errors",
         answered[1000:1010] + answered[-3:])
    s.close()

# 6. Trickle and silence on the port with smtpd_timeout = 2s.
with Case("a command trickled within smtpd_timeout"):
    s = greet()
    start = time.time()
    for b in b"NOOP\r\n":
        s.send(bytes([b]))
        time.sleep(0.15)
    t.reply(s.reply(), 250, "a command trickled over %.1f s is answered" % (time.time() - start))
    still_serves(s, "a command trickled within smtpd_timeout")

# smtpd_timeout bounds the whole line, not each read: a byte every 0.5 s
# does not keep a session alive.
for where in ("a command", "DATA content"):
    name = "a trickle past smtpd_timeout in " + where
    with Case(name, 12):
        s = greet()
        if where == "DATA content":
            s.cmd(FROM)
            s.cmd(TO)
            s.cmd("DATA")
        start, got = time.time(), b""
        try:
            while time.time() - start < 10 and not got:
                s.send(b"x")
                got = s.pending(0.5)
        except OSError:
            pass
        took = time.time() - start
        t.ok(got.startswith(b"421 ") and b"timeout" in got and took < 6,
             "%s: 421 timeout after %.1f s" % (name, took), got)
        t.ok(closed(s.sock, 5), "%s: then the connection closes" % name)
        s.close()

for where in ("a command", "DATA content", "the greeting"):
    name = "silence in " + where
    with Case(name, 12):
        s = greet(ehlo=where != "the greeting")
        if where == "a command":
            s.send("NOO")
        elif where == "DATA content":
            s.cmd(FROM)
            s.cmd(TO)
            s.cmd("DATA")
            s.send("Subject: cut\r\n\r\npart")
        start = time.time()
        got = s.reply()
        took = time.time() - start
        t.ok(got[0] == 421 and 1 <= took <= 10,
             "%s: 421 after smtpd_timeout (%.1f s)" % (name, took), got)
        t.ok(closed(s.sock, 5), "%s: then the connection closes" % name)
        s.close()


# 7. TLS over a memory BIO, so that raw records can go between TLS ones.
class TlsSession(Session):
    """A session whose bytes go through an SSLObject; raw() writes under TLS."""

    def __init__(self, plain, context):
        super().__init__(plain.sock, None, 15)
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.obj = context.wrap_bio(self.inc, self.out, server_hostname=None)

    def _pump(self):
        data = self.out.read()
        if data:
            self.sock.sendall(data)

    def _feed(self):
        data = self.sock.recv(65536)
        if not data:
            self.inc.write_eof()
        self.inc.write(data)
        return bool(data)

    def handshake(self):
        while True:
            try:
                self.obj.do_handshake()
                self._pump()
                return True
            except ssl.SSLWantReadError:
                self._pump()
                if not self._feed():
                    return False
            except ssl.SSLError:
                self._pump()  # the alert that says why
                raise

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.obj.write(data)
        self._pump()

    def _fill(self):
        while True:
            try:
                data = self.obj.read(65536)
                self.buf += data
                return len(data) > 0
            except ssl.SSLWantReadError:
                try:
                    if not self._feed():
                        return False
                except OSError:
                    return False
            except (ssl.SSLError, OSError):
                return False

    def raw(self, data):
        self.sock.sendall(data)

    def close_notify(self):
        try:
            self.obj.unwrap()
        except (ssl.SSLError, OSError):
            pass
        self._pump()


tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE


def tls_session(p=port_slow, context=tls):
    s = greet(p)
    got = s.cmd("STARTTLS")
    if got[0] != 220:
        return None
    ts = TlsSession(s, context)
    return ts if ts.handshake() else None


def go_to(s, state):
    """Walk a session to a protocol state."""
    steps = {"EHLO": ["EHLO client.example"], "MAIL": ["EHLO client.example", FROM],
             "RCPT": ["EHLO client.example", FROM, TO],
             "DATA": ["EHLO client.example", FROM, TO, "DATA"]}
    for cmd in steps.get(state.split()[0], []):
        s.cmd(cmd)
    if state == "DATA content":
        s.send("Subject: cut off\r\n\r\npart of a line")


STATES = ["the handshake", "EHLO", "MAIL", "RCPT", "DATA", "DATA content"]

# 7a. TCP half-close at every state, plain and inside TLS; port 2 (smtpd_timeout 30 s).
for state in ["connect", "greeting"] + STATES[1:] + ["STARTTLS"]:
    name = "half-close after %s" % state
    with Case(name, 10):
        s = Session.connect(port_slow, timeout=15)
        if state != "connect":
            s.reply()
        if state == "STARTTLS":
            s.cmd("EHLO client.example")
            s.cmd("STARTTLS")
        elif state != "connect" and state != "greeting":
            go_to(s, state)
        s.sock.shutdown(socket.SHUT_WR)
        t.ok(closed(s.sock, 5), "%s: smtpd closes at once" % name)
        s.close()
for state in STATES:
    name = "half-close inside TLS after %s" % state
    with Case(name, 10):
        s = tls_session()
        if t.ok(s is not None, "%s: TLS is up" % name):
            go_to(s, state)
            s.sock.shutdown(socket.SHUT_WR)
            t.ok(closed(s.sock, 5), "%s: smtpd closes at once" % name)
            s.close()

# A half-close after the final dot: the message is still answered and kept.
with Case("half-close after the final dot"):
    s = greet(port_slow)
    s.cmd(FROM)
    s.cmd(TO)
    s.cmd("DATA")
    s.send("Subject: last words\r\n\r\nbody\r\n.\r\n")
    s.sock.shutdown(socket.SHUT_WR)
    got = s.reply()
    t.ok(note_queued(got), "half-close after the final dot: the message is queued", got)
    s.close()

# 7b. close_notify, a forged plaintext alert, a record with a bad MAC, an
# oversized record header, at every state inside TLS.
abuses = [("close_notify", None),
          ("a plaintext fatal alert", b"\x15\x03\x03\x00\x02\x02\x28"),
          ("a record with a bad MAC", b"\x17\x03\x03\x00\x20" + os.urandom(32)),
          ("an oversized record header", b"\x17\x03\x03\xff\xff" + b"\x00" * 64)]
for what, raw in abuses:
    for state in STATES:
        name = "%s inside TLS after %s" % (what, state)
        with Case(name, 10):
            s = tls_session()
            if t.ok(s is not None, "%s: TLS is up" % name):
                go_to(s, state)
                if raw is None:
                    s.close_notify()
                else:
                    s.raw(raw)
                t.ok(closed(s.sock, 5), "%s: smtpd closes at once" % name)
                s.close()

# 7c. The handshake itself: a client that refuses the server certificate
# (a fatal alert), an alert, garbage or half a ClientHello instead.
with Case("a client that refuses the certificate", 10):
    strict = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    strict.check_hostname = False
    s = greet(port_slow)
    s.cmd("STARTTLS")
    ts = TlsSession(s, strict)
    try:
        up = ts.handshake()
    except ssl.SSLError:
        up = False
    t.ok(not up, "a client that refuses the certificate: no TLS session")
    t.ok(closed(s.sock, 5), "a client that refuses the certificate: smtpd closes at once")
    s.close()
hello = ssl.MemoryBIO(), ssl.MemoryBIO()
obj = tls.wrap_bio(hello[0], hello[1])
try:
    obj.do_handshake()
except ssl.SSLWantReadError:
    pass
client_hello = hello[1].read()
for what, data in (("an alert", b"\x15\x03\x01\x00\x02\x02\x28"),
                   ("plaintext", b"NOOP\r\n"),
                   ("half a ClientHello, then a half-close", client_hello[:len(client_hello) // 2]),
                   ("a ClientHello with a wrong length", b"\x16\x03\x01\x40\x00" + client_hello[5:]),
                   ("an SSLv2 hello", b"\x80\x2e\x01\x00\x02\x00\x15" + b"\x00" * 0x2c)):
    name = "%s instead of the handshake" % what
    with Case(name, 12):
        s = greet(port_slow)
        s.cmd("STARTTLS")
        s.send(data)
        if "half-close" in what:
            s.sock.shutdown(socket.SHUT_WR)
        t.ok(closed(s.sock, 9), "%s: smtpd closes within smtpd_starttls_timeout" % name)
        s.close()

# 8. STARTTLS injection: what is pipelined after STARTTLS never runs inside TLS.
for what, inject in (("NOOP", "NOOP\r\n"), ("MAIL and RCPT", "%s\r\n%s\r\n" % (FROM, TO)),
                     ("EHLO and QUIT", "EHLO evil.example\r\nQUIT\r\n")):
    name = "STARTTLS with %s pipelined" % what
    with Case(name):
        s = greet(port_slow)
        s.send("STARTTLS\r\n" + inject)
        t.reply(s.reply(), 220, "%s: 220 to STARTTLS" % name)
        ts = TlsSession(s, tls)
        if t.ok(ts.handshake(), "%s: TLS is up" % name):
            t.ok(ts.pending(0.5) == b"", "%s: nothing pipelined is answered inside TLS" % name)
            ts.cmd("EHLO client.example")
            t.reply(ts.cmd(TO), 503, "%s: no mail transaction carried over" % name)
            still_serves(ts, name)
with Case("STARTTLS with an argument"):
    s = greet(port_slow)
    t.reply(s.cmd("STARTTLS now"), 501, "STARTTLS with an argument: 501")
    still_serves(s, "STARTTLS with an argument")
with Case("STARTTLS inside a mail transaction"):
    s = greet(port_slow)
    s.cmd(FROM)
    t.reply(s.cmd("STARTTLS"), 503, "STARTTLS inside a mail transaction: 503")
    still_serves(s, "STARTTLS inside a mail transaction")
with Case("STARTTLS inside TLS"):
    s = tls_session()
    if t.ok(s is not None, "STARTTLS inside TLS: TLS is up"):
        s.cmd("EHLO client.example")
        t.reply(s.cmd("STARTTLS"), 554, "STARTTLS inside TLS: 554")
        still_serves(s, "STARTTLS inside TLS")
with Case("STARTTLS and the ClientHello in one write", 12):
    s = greet(port_slow)
    s.send(b"STARTTLS\r\n" + client_hello)
    t.reply(s.reply(), 220, "STARTTLS and the ClientHello in one write: 220")
    t.ok(closed(s.sock, 9),
         "STARTTLS and the ClientHello in one write: the purged hello ends in a close "
         "within smtpd_starttls_timeout")
    s.close()


# 8b. smtpd_forbid_unauth_pipelining = yes: talking ahead where RFC 2920
# forbids it ends the session at once; pipelining after EHLO does not.
for what, first, ahead in (("STARTTLS", "STARTTLS", "NOOP"), ("HELO", "HELO client.example", FROM),
                           ("a NOOP flood", "NOOP", "NOOP\r\n" * 200)):
    name = "smtpd_forbid_unauth_pipelining: %s with commands ahead" % what
    with Case(name):
        s = greet(port_forbid, ehlo=what != "HELO")
        s.send("%s\r\n%s\r\n" % (first, ahead.rstrip("\r\n")))
        t.reply(s.reply(), 554, "%s: 554" % name, r"^554 5\.5\.0 Error: SMTP protocol synchronization$")
        t.ok(closed(s.sock, 5), "%s: smtpd closes" % name)
        s.close()
with Case("smtpd_forbid_unauth_pipelining: MAIL and RCPT pipelined after EHLO"):
    s = greet(port_forbid)
    s.send("%s\r\n%s\r\n" % (FROM, TO))
    t.ok([s.reply()[0], s.reply()[0]] == [250, 250],
         "smtpd_forbid_unauth_pipelining: MAIL and RCPT pipelined after EHLO are accepted")
    still_serves(s, "smtpd_forbid_unauth_pipelining: after legal pipelining")
t.ok(re.search(r"improper command pipelining after STARTTLS from [^:]*: NOOP", log()) is not None,
     "smtpd_forbid_unauth_pipelining: the log names what was sent ahead")


# 9. Renegotiation and key updates, with openssl s_client.
def s_client(proto, command):
    """s_client over STARTTLS: EHLO, the command letter, NOOP; its output."""
    proc = subprocess.Popen(["openssl", "s_client", "-starttls", "smtp", "-crlf", proto,
                             "-connect", "127.0.0.1:%d" % port_slow],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = b""
    try:
        for line in (b"ehlo client.example\n", command + b"\n", b"noop\n"):
            time.sleep(1)
            proc.stdin.write(line)
            proc.stdin.flush()
        time.sleep(1.5)
    except OSError:
        pass
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out.decode(errors="replace")


for proto, command, what in (("-tls1_2", b"R", "renegotiation (TLS 1.2)"),
                             ("-tls1_3", b"K", "a key update that asks for one back"),
                             ("-tls1_3", b"k", "a key update")):
    with Case(what, 10):
        out = s_client(proto, command)
        after = out.split("RENEGOTIATING" if command == b"R" else "KEYUPDATE", 1)
        t.ok(len(after) == 2, "%s: s_client asked for it" % what, out[-300:])
        answered = len(after) == 2 and re.search(r"^250 2\.0\.0 Ok", after[1], re.M)
        if command == b"R":
            refused = len(after) == 2 and re.search(r"no renegotiation|alert", after[1])
            t.ok(answered or refused, "%s: refused with an alert, or the session goes on" % what,
                 out[-300:])
            print("# %s: %s" % (what, "the session goes on" if answered else "refused"))
        else:
            t.ok(answered, "%s: the session goes on" % what, out[-300:])

# 10. The queue holds exactly the messages answered 250, each complete.
files = sorted(f for f in os.listdir(incoming) if not f.startswith("."))
t.ok(sorted(queued) == files, "the queue holds exactly the %d messages answered 250" %
     len(queued), "queued %s, files %s" % (sorted(queued), files))
for qid in queued:
    t.ok(subprocess.run([dump, queue, "incoming", qid], capture_output=True,
                        timeout=30).returncode == 0, "message %s is complete" % qid)
t.ok(not CRASH.search(log()), "the maillog has no crash at all")
raise SystemExit(t.summary())
PYEOF

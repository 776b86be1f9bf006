"""smtp_session.py - drive an SMTP server over a real socket, for integration tests

    from smtp_session import Session, Checks
    t = Checks()
    s = Session.spawn([smtpd, "-S", "-c", conf])     # inetd style, on a TCP socket
    t.reply(s.reply(), 220, "greeting")
    t.reply(s.cmd("EHLO client.test"), 250, "EHLO")
    s.starttls(ssl_context)                           # after "220 2.0.0 Ready"
    s.close(); t.ok(s.wait() == 0, "server exited")
    sys.exit(t.summary())

Session.spawn() makes a loopback TCP connection and gives the server end to
the command as standard input and output, as inetd would; Session.connect()
talks to a listening server. Replies are (code, [text lines]); a closed
connection reads as (0, []). Checks prints "ok - ..." / "not ok - ..." lines
for tests/run.
"""

import re
import select
import socket
import ssl
import subprocess
import time


class Session:
    """One client connection."""

    def __init__(self, sock, proc=None, timeout=10):
        self.sock = sock
        self.proc = proc
        self.buf = b""
        self.sock.settimeout(timeout)

    @classmethod
    def spawn(cls, argv, timeout=10, preexec_fn=None, env=None):
        """Run argv with a connected TCP socket on stdin and stdout."""
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        client = socket.create_connection(lsock.getsockname())
        server, _ = lsock.accept()
        lsock.close()
        proc = subprocess.Popen(argv, stdin=server, stdout=server, stderr=subprocess.PIPE,
                                preexec_fn=preexec_fn, env=env)
        server.close()
        return cls(client, proc, timeout)

    @classmethod
    def spawn_pipe(cls, argv, timeout=10, preexec_fn=None, env=None):
        """Run argv with plain pipes (as "sendmail -bs" has); returns a PipeSession."""
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, preexec_fn=preexec_fn, env=env)
        return PipeSession(proc, timeout)

    @classmethod
    def connect(cls, port, host="127.0.0.1", timeout=10, source=None):
        """Connect to a listening server (from the local address source, when given)."""
        return cls(socket.create_connection((host, port), timeout=timeout,
                                            source_address=(source, 0) if source else None),
                   None, timeout)

    def send(self, data):
        """Send bytes (or text) as they are; no line ending is added."""
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def _fill(self):
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, ConnectionError, ssl.SSLError, OSError):
            data = b""
        self.buf += data
        return len(data) > 0

    def line(self):
        """One reply line without CRLF, or None when the connection closed."""
        while b"\n" not in self.buf:
            if not self._fill():
                return None
        raw, self.buf = self.buf.split(b"\n", 1)
        return raw.rstrip(b"\r").decode("latin-1")

    def reply(self):
        """(code, [lines]) of one possibly multi-line reply; (0, []) at end of input."""
        lines = []
        while True:
            text = self.line()
            if text is None:
                return (0, lines)
            lines.append(text)
            if len(text) < 4 or text[3] != "-":
                break
        try:
            return (int(lines[-1][:3]), lines)
        except ValueError:
            return (-1, lines)

    def cmd(self, text):
        """Send one command line and read its reply."""
        self.send(text + "\r\n")
        return self.reply()

    def pending(self, wait=0.3):
        """Bytes that arrive within wait seconds without a request."""
        self.sock.settimeout(wait)
        try:
            self._fill()
        finally:
            self.sock.settimeout(10)
        data, self.buf = self.buf, b""
        return data

    def starttls(self, context, server_hostname=None):
        """Upgrade to TLS (after "220 Ready to start TLS")."""
        self.buf = b""
        self.sock = context.wrap_socket(self.sock, server_hostname=server_hostname)
        return self.sock

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def wait(self, timeout=15):
        """The server's exit status, or None when it is still running after timeout."""
        if self.proc is None:
            return 0
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class PipeSession(Session):
    """A server on plain pipes (sendmail -bs)."""

    def __init__(self, proc, timeout):
        self.proc = proc
        self.buf = b""
        self.timeout = timeout

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def _fill(self):
        # read1 after select: all that a read returns, at most timeout seconds of waiting.
        ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout)
        if not ready:
            return False
        data = self.proc.stdout.read1(65536)
        self.buf += data
        return len(data) > 0

    def pending(self, wait=0.3):
        ready, _, _ = select.select([self.proc.stdout], [], [], wait)
        if ready:
            self._fill()
        data, self.buf = self.buf, b""
        return data

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass


class Checks:
    """ok/not ok lines and a count."""

    def __init__(self):
        self.failed = 0

    def ok(self, cond, name, detail=""):
        if cond:
            print("ok - " + name, flush=True)
        else:
            self.failed += 1
            print("not ok - " + name + (": " + str(detail) if detail else ""), flush=True)
        return cond

    def reply(self, got, code, name, text=None):
        """The reply has this code (and its last line matches text, a regex)."""
        good = got[0] == code and (text is None or re.search(text, " ".join(got[1])))
        return self.ok(good, name, "got %r" % (got,))

    def summary(self):
        return 1 if self.failed else 0


def queue_records(path):
    """A queue file as a list of (type, text) records."""
    data = open(path, "rb").read()
    i, out = 0, []
    while i < len(data):
        typ = chr(data[i])
        i += 1
        n = shift = 0
        while True:
            b = data[i]
            i += 1
            n |= (b & 0x7f) << shift
            shift += 7
            if not b & 0x80:
                break
        out.append((typ, data[i:i + n].decode("latin-1")))
        i += n
    return out


def queue_content(records):
    """The content lines of a queue file's records, continuations joined."""
    lines, part, inside = [], "", False
    for typ, text in records:
        if typ == "M":
            inside = True
        elif typ == "X":
            inside = False
        elif inside and typ == "L":
            part += text
        elif inside and typ == "N":
            lines.append(part + text)
            part = ""
    return lines


def wait_for(predicate, seconds=10, step=0.05):
    """Poll until predicate() is true; returns its last value."""
    deadline = time.time() + seconds
    while True:
        value = predicate()
        if value or time.time() > deadline:
            return value
        time.sleep(step)


def ehlo_keywords(port, starttls=False, helo="client.test", host="127.0.0.1", timeout=10):
    """The EHLO keywords of a server (after STARTTLS when asked), upper case."""
    s = Session.connect(port, host, timeout)
    s.reply()
    lines = s.cmd("EHLO " + helo)[1]
    if starttls:
        s.cmd("STARTTLS")
        s.starttls(unverified_context())
        lines = s.cmd("EHLO " + helo)[1]
    s.cmd("QUIT")
    s.close()
    return [line[4:].split(" ")[0].upper() for line in lines[1:]]


def unverified_context():
    """A client TLS context that takes any server certificate (the tests' own)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def send_mail(port, sender, rcpts, message, helo="client.test", host="127.0.0.1", timeout=10,
              starttls=False, mail_params="", all_lines=False):
    """One mail transaction on a new connection; the last line of each reply.

    Returns [greeting, EHLO, MAIL, RCPT..., DATA, end of data, QUIT] as the
    final line of each reply (DATA and what follows stop at the first
    refusal); with all_lines, every line of the MAIL and later replies.
    message is the content with LF line endings, dot-stuffed here.
    With starttls, STARTTLS comes after EHLO, and EHLO again inside TLS (its
    reply is the one returned); mail_params follow MAIL FROM:<sender>, and
    so do any words after the address in sender ("a@b SIZE=10").
    """
    s = Session.connect(port, host, timeout)
    keep = (lambda lines: lines) if all_lines else (lambda lines: lines[-1:])
    address, _, more = sender.partition(" ")
    params = " ".join(p for p in (more, mail_params) if p)
    out = [s.reply()[1][-1:]]
    ehlo = s.cmd("EHLO " + helo)[1][-1:]
    if starttls:
        s.cmd("STARTTLS")
        s.starttls(unverified_context())
        ehlo = s.cmd("EHLO " + helo)[1][-1:]
    out.append(ehlo)
    mail = "MAIL FROM:<%s>%s" % (address, " " + params if params else "")
    for command in [mail] + ["RCPT TO:<%s>" % r for r in rcpts]:
        out.append(keep(s.cmd(command)[1]))
    code, lines = s.cmd("DATA")
    out.append(keep(lines))
    if code == 354:
        body = "".join("." + line if line.startswith(".") else line
                       for line in message.splitlines(True))
        s.send(body.replace("\r\n", "\n").replace("\n", "\r\n") + ".\r\n")
        out.append(keep(s.reply()[1]))
    out.append(s.cmd("QUIT")[1][-1:])
    s.close()
    return [line for lines in out for line in (lines or [""])]


if __name__ == "__main__":
    # smtp_session.py send [--starttls] [--mail-params P] [--host H] PORT SENDER RCPT... < message:
    #     the replies, one a line (sendall: every line of multi-line replies from MAIL on);
    #     the server is at H (a loopback address, 127.0.0.1 unless given)
    # smtp_session.py ehlo [--starttls] PORT: the EHLO keywords, one a line
    import sys
    args, tls, params, host = sys.argv[1:], False, "", "127.0.0.1"
    verb = args.pop(0) if args else ""
    while args and args[0].startswith("--"):
        option = args.pop(0)
        if option == "--starttls":
            tls = True
        elif option == "--mail-params" and args:
            params = args.pop(0)
        elif option == "--host" and args:
            host = args.pop(0)
        else:
            sys.exit("unknown option " + option)
    if verb == "ehlo" and len(args) == 1:
        print("\n".join(ehlo_keywords(int(args[0]), starttls=tls)))
    elif verb in ("send", "sendall") and len(args) >= 3:
        for reply_line in send_mail(int(args[0]), args[1], args[2:], sys.stdin.read(),
                                    starttls=tls, mail_params=params, host=host,
                                    all_lines=verb == "sendall"):
            print(reply_line)
    else:
        sys.exit("usage: smtp_session.py send|sendall [--starttls] [--mail-params P] [--host H] PORT "
                 "SENDER RCPT..."
                 " < message | ehlo [--starttls] PORT")

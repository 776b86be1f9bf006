#!/usr/bin/env python3
"""fake_smtpd - a scripted SMTP server for the SMTP client tests.

Usage: fake_smtpd.py --port-file F --log F --mode MODE [--chain PEM]
                     [--maildir DIR] [--count N] [--idle SECONDS]
                     [--listen-port PORT] [--stall-first]
                     [--after-rset TEXT] [--dsn]
                     [--close-at WHEN] [--auth MECHS]

Listens on an ephemeral port of 127.0.0.1, writes the port number to the
port file, and serves up to N connections (default: until idle for
--idle seconds, default 60). LHLO (LMTP) is answered as EHLO is; the
end of DATA gets one reply, as in SMTP. Every line the client sends is appended to
the log as "C: line", or "C[tls]: line" inside TLS; what the server does
as "S: ...". Each accepted message goes to DIR/msg.N.

Modes (what STARTTLS does; "plain" does not offer it):
  plain       no STARTTLS in the EHLO reply
  starttls    220 Ready to start TLS, then the handshake
  inject      "220 Ready to start TLS" and a forged "250 forged" reply in
              the same packet, then the handshake
  break       220, then bytes that are not TLS, then close: the
              handshake fails (later connections see a plaintext client)
  reject454   454 4.7.0 TLS not available due to local problem
  reply354    354 (a reply that is no success)
  wrapper     TLS from the first byte (port 465 style)
  endless     plain; the EHLO reply is "250-" lines without end (until the
              client goes away or 60 s pass)
  trickle     plain; the EHLO reply is "250-" lines, one every half second,
              without end (until the client goes away or 60 s pass)
  greet-trickle  the greeting is "220-" lines, one every half second,
              without end
  bad-greeting   the greeting is not SMTP ("SSH-2.0-OpenSSH_9.2"), and
              every command gets the same
  garbage     plain; the greeting is followed by lines that are not SMTP
              replies (NUL, 8-bit, no code) in the same write
  huge-line   plain; the EHLO reply has a line of 2 MB (then the usual lines)
  big-reply   plain; the MAIL FROM reply is 5000 "250-" lines, then "250 Ok"
  forged-alert   220 to STARTTLS, then a TLS fatal alert record instead of
              the handshake, then close
  forged-record  220 to STARTTLS, then a TLS handshake record header that
              announces 64 KB, then bytes that are no handshake, then close
With --close-at WHEN the server closes the connection without a reply at
that point: connect (before the greeting), EHLO, MAIL, RCPT, DATA (the
command), DOT (the message's final "."; nothing is kept).
With --after-rset TEXT, the RSET reply is followed by TEXT (a line sent
unasked) in a write of its own, both in one TCP segment: inside TLS a
record of its own, which then waits inside the client's TLS engine while
its socket shows nothing.
With --stall-first, the first message's final "." gets no reply: the
server logs "S: stalling", waits for the client to go away and keeps
nothing (a client killed in the middle of DATA).
With --dsn, the EHLO reply offers DSN.
With --requiretls, the EHLO reply inside TLS offers REQUIRETLS (RFC 8689).
With --auth MECHS, the EHLO reply offers "AUTH MECHS" (in every mode, with
or without TLS), and an AUTH command (logged like every line) gets
535 5.7.8; AUTH without an initial response first gets an empty 334, and
the line that answers it is logged.
RCPT TO addresses that start with "reject" get 550 5.1.1, "defer" 450 4.2.0,
"baddsn4" 450 with the malformed status code 4..66, "baddsn5" 550 with the
malformed status code 5.1.1234.
"""

import argparse
import os
import socket
import ssl
import sys
import time


class Conn:
    """One client connection with a line reader that survives STARTTLS."""

    def __init__(self, sock, log):
        self.sock = sock
        self.buf = b""
        self.log = log
        self.tls = False

    def send(self, data):
        self.log.write("S: " + data.decode(errors="replace").replace("\r\n", "\\r\\n") + "\n")
        self.log.flush()
        self.sock.sendall(data)

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        text = line.rstrip(b"\r").decode(errors="replace")
        self.log.write(("C[tls]: " if self.tls else "C: ") + text + "\n")
        self.log.flush()
        return text

    def start_tls(self, ctx):
        self.buf = b""  # plaintext pipelined after STARTTLS is discarded
        self.sock = ctx.wrap_socket(self.sock, server_side=True)
        self.tls = True
        self.log.write("S: TLS established %s\n" % self.sock.version())
        self.log.flush()


def endless_ehlo(conn):
    """Returns False: the connection ends."""
    conn.log.write("S: endless EHLO reply\n")
    conn.log.flush()
    deadline = time.monotonic() + 60
    line = b"250-" + b"x" * 70 + b"\r\n"
    try:
        while time.monotonic() < deadline:
            conn.sock.sendall(line * 50)
    except OSError as err:
        conn.log.write("S: endless reply ended: %s\n" % err)
    return False


# Modes whose EHLO reply offers no STARTTLS.
NO_STARTTLS = ("plain", "wrapper", "endless", "trickle", "greet-trickle", "bad-greeting",
               "garbage", "huge-line", "big-reply")


def trickle(conn, prefix):
    """Reply lines PREFIX..., one every half second; returns False: the connection ends."""
    conn.log.write("S: trickle %s\n" % prefix.decode())
    conn.log.flush()
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            conn.sock.sendall(prefix + b"slowly\r\n")
            time.sleep(0.5)
    except OSError as err:
        conn.log.write("S: trickle ended: %s\n" % err)
    return False


def ehlo_reply(conn, mode, dsn=False, auth=None, requiretls=False):
    lines = ["mail.example.com", "PIPELINING", "SIZE 10240000", "8BITMIME"] + (["DSN"] if dsn else [])
    if requiretls and conn.tls:
        lines.append("REQUIRETLS")
    if mode == "huge-line":
        lines.insert(1, "X" * 2000000)
    if auth:
        lines.append("AUTH " + auth)
    if mode not in NO_STARTTLS and not conn.tls:
        lines.append("STARTTLS")
    text = "".join("250-%s\r\n" % l for l in lines[:-1]) + "250 %s\r\n" % lines[-1]
    conn.send(text.encode())


def starttls(conn, mode, ctx):
    """Returns False when the connection must end."""
    if mode == "reject454":
        conn.send(b"454 4.7.0 TLS not available due to local problem\r\n")
        return True
    if mode == "reply354":
        conn.send(b"354 go ahead\r\n")
        return True
    if mode == "inject":
        conn.send(b"220 Ready to start TLS\r\n250 forged\r\n")
    else:
        conn.send(b"220 2.0.0 Ready to start TLS\r\n")
    if mode == "break":
        conn.send(b"this is not a TLS handshake\r\n")
        return False
    if mode == "forged-alert":
        conn.sock.sendall(b"\x15\x03\x03\x00\x02\x02\x28")
        conn.log.write("S: forged alert\n")
        return False
    if mode == "forged-record":
        conn.sock.sendall(b"\x16\x03\x03\xff\xff\x02\xff\xff\xff" + b"\x00" * 4096)
        conn.log.write("S: forged record\n")
        return False
    try:
        conn.start_tls(ctx)
    except (ssl.SSLError, OSError) as err:
        conn.log.write("S: handshake failed: %s\n" % err)
        return False
    return True


def data(conn, args, state):
    conn.send(b"354 End data with <CR><LF>.<CR><LF>\r\n")
    body = []
    while True:
        line = conn.line()
        if line is None:
            return False
        if line == ".":
            if close_at(conn, args, "DOT"):
                return False
            break
        body.append(line[1:] if line.startswith(".") else line)
    if args.stall_first and not state.get("stalled"):
        state["stalled"] = True
        conn.log.write("S: stalling\n")
        conn.log.flush()
        conn.sock.settimeout(None)
        while conn.sock.recv(4096):
            pass
        return False
    state["count"] += 1
    if args.maildir:
        path = os.path.join(args.maildir, "msg.%d" % state["count"])
        with open(path, "w") as f:
            f.write("X-Fake-TLS: %s\n" % ("yes" if conn.tls else "no"))
            f.write("\n".join(body) + "\n")
    conn.send(b"250 2.0.0 Ok: queued as FAKE%d\r\n" % state["count"])
    return True


def rcpt(conn, line):
    addr = line[8:].strip().lstrip("<")
    if addr.startswith("reject"):
        conn.send(b"550 5.1.1 <%s>: Recipient address rejected\r\n" % addr.split(">")[0].encode())
    elif addr.startswith("baddsn4"):
        conn.send(b"450 4..66 <%s>: try again later\r\n" % addr.split(">")[0].encode())
    elif addr.startswith("baddsn5"):
        conn.send(b"550 5.1.1234 <%s>: no such user\r\n" % addr.split(">")[0].encode())
    elif addr.startswith("defer"):
        conn.send(b"450 4.2.0 <%s>: Recipient address deferred\r\n" % addr.split(">")[0].encode())
    else:
        conn.send(b"250 2.1.5 Ok\r\n")


def close_at(conn, args, when):
    """True when the server must close here (--close-at)."""
    if args.close_at != when:
        return False
    conn.log.write("S: closing at %s\n" % when)
    conn.log.flush()
    return True


def session(conn, args, ctx, state):
    if close_at(conn, args, "connect"):
        return
    if args.mode == "wrapper":
        try:
            conn.start_tls(ctx)
        except (ssl.SSLError, OSError) as err:
            conn.log.write("S: handshake failed: %s\n" % err)
            return
    if args.mode == "greet-trickle":
        trickle(conn, b"220-")
        return
    if args.mode == "bad-greeting":
        conn.send(b"SSH-2.0-OpenSSH_9.2\r\n")
    elif args.mode == "garbage":
        conn.send(b"220 mail.example.com ESMTP fake\r\n\x00\xff\xfe garbage\r\nno code\r\n"
                  b"\r\n-\r\n2\r\n")
    else:
        conn.send(b"220 mail.example.com ESMTP fake\r\n")
    while True:
        line = conn.line()
        if line is None:
            return
        verb = line.split(" ", 1)[0].upper()
        # LMTP's LHLO gets what EHLO gets (a peer for the lmtp client).
        if verb == "LHLO":
            verb = "EHLO"
        if close_at(conn, args, verb):
            return
        if args.mode == "bad-greeting":
            conn.send(b"SSH-2.0-OpenSSH_9.2\r\n")
        elif verb == "EHLO" and args.mode == "endless":
            if not endless_ehlo(conn):
                return
        elif verb == "EHLO" and args.mode == "trickle":
            if not trickle(conn, b"250-"):
                return
        elif verb == "MAIL" and args.mode == "big-reply":
            conn.sock.sendall(b"250-2.1.0 lots of text\r\n" * 5000 + b"250 2.1.0 Ok\r\n")
            conn.log.write("S: 5000-line reply to MAIL\n")
        elif verb == "EHLO":
            ehlo_reply(conn, args.mode, args.dsn, args.auth, args.requiretls)
        elif verb == "HELO":
            conn.send(b"250 mail.example.com\r\n")
        elif verb == "STARTTLS" and args.mode not in ("plain", "wrapper") and not conn.tls:
            if not starttls(conn, args.mode, ctx):
                return
        elif verb == "AUTH" and args.auth:
            if len(line.split()) == 2:
                conn.send(b"334 \r\n")
                if conn.line() is None:
                    return
            conn.send(b"535 5.7.8 Error: authentication failed\r\n")
        elif verb == "MAIL":
            conn.send(b"250 2.1.0 Ok\r\n")
        elif verb == "RCPT":
            rcpt(conn, line)
        elif verb == "DATA":
            if not data(conn, args, state):
                return
        elif verb == "RSET" and args.after_rset:
            # Corked: both records leave in one segment and arrive together.
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
            conn.send(b"250 2.0.0 Ok\r\n")
            conn.send(args.after_rset.encode() + b"\r\n")
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
        elif verb == "RSET" or verb == "NOOP":
            conn.send(b"250 2.0.0 Ok\r\n")
        elif verb == "QUIT":
            conn.send(b"221 2.0.0 Bye\r\n")
            return
        else:
            conn.send(b"502 5.5.2 Error: command not recognized\r\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--mode", default="starttls")
    parser.add_argument("--chain")
    parser.add_argument("--maildir")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--idle", type=float, default=60)
    parser.add_argument("--listen-port", type=int, default=0)
    parser.add_argument("--stall-first", action="store_true")
    parser.add_argument("--after-rset")
    parser.add_argument("--dsn", action="store_true")
    parser.add_argument("--requiretls", action="store_true")
    parser.add_argument("--close-at", choices=["connect", "EHLO", "MAIL", "RCPT", "DATA", "DOT"])
    parser.add_argument("--auth")
    args = parser.parse_args()

    ctx = None
    if args.chain:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.chain)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.listen_port))
    listener.listen(5)
    listener.settimeout(args.idle)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    state = {"count": 0}
    served = 0
    with open(args.log, "a") as log:
        while args.count == 0 or served < args.count:
            try:
                sock, _ = listener.accept()
            except socket.timeout:
                break
            sock.settimeout(30)
            log.write("S: connection %d\n" % (served + 1))
            try:
                session(Conn(sock, log), args, ctx, state)
            except (OSError, ssl.SSLError) as err:
                log.write("S: connection error: %s\n" % err)
            finally:
                sock.close()
            served += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

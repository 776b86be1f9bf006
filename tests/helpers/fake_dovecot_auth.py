#!/usr/bin/env python3
"""fake_dovecot_auth.py - a scripted, misbehaving Dovecot auth server for tests

Listens on a UNIX-domain socket. On each connection it sends the greeting,
then answers every line that the client sends with the reply (when one is
given), and otherwise stays silent; it never closes a connection first.
Texts are given with Python escapes ("\\t", "\\n", "\\x00"). Every line
received is appended to the log file, so that a test can see what reached
the server. The server exits after --idle seconds without a connection or
a line, so a test that forgets it cannot leave it behind for long.

Usage: fake_dovecot_auth.py --socket PATH --log FILE [--greeting TEXT]
       [--reply TEXT] [--reply-first TEXT] [--repeat-line TEXT --repeat N]
       [--idle SECONDS]

In a reply, {id} stands for the request id of the client's line and
{prev} for one less. --reply-first, when given, answers the first
request of a connection instead of --reply.

--repeat-line and --repeat append N copies of a line to the greeting (a
handshake that never ends, an oversized line).
"""

import argparse
import codecs
import os
import socket
import threading
import time


def unescape(text):
    return codecs.decode(text, "unicode_escape").encode("latin-1")


def answer(template, line):
    fields = line.split(b"\t")
    rid = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0
    return template.replace(b"{id}", b"%d" % rid).replace(b"{prev}", b"%d" % (rid - 1))


def serve(conn, args, greeting, replies, touch):
    with conn:
        try:
            if greeting:
                conn.sendall(greeting)
            pending = b""
            requests = 0
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                touch()
                pending += data
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    with open(args.log, "ab") as log:
                        log.write(line + b"\n")
                    if line.startswith((b"VERSION", b"CPID")):
                        continue
                    reply = replies[0] if requests == 0 else replies[1]
                    requests += 1
                    if reply:
                        conn.sendall(answer(reply, line))
        except OSError:
            return


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--greeting", default="")
    parser.add_argument("--reply", default="")
    parser.add_argument("--reply-first", default=None)
    parser.add_argument("--repeat-line", default="")
    parser.add_argument("--repeat", type=int, default=0)
    parser.add_argument("--idle", type=float, default=60)
    args = parser.parse_args()
    greeting = unescape(args.greeting) + unescape(args.repeat_line) * args.repeat
    reply = unescape(args.reply)
    first = reply if args.reply_first is None else unescape(args.reply_first)
    last = [time.monotonic()]

    def touch():
        last[0] = time.monotonic()

    if os.path.exists(args.socket):
        os.unlink(args.socket)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(args.socket)
    os.chmod(args.socket, 0o666)
    server.listen(16)
    server.settimeout(0.2)
    open(args.log, "ab").close()
    while time.monotonic() - last[0] < args.idle:
        try:
            conn, _ = server.accept()
        except socket.timeout:
            continue
        touch()
        threading.Thread(
            target=serve, args=(conn, args, greeting, (first, reply), touch), daemon=True
        ).start()
    os.unlink(args.socket)


if __name__ == "__main__":
    main()

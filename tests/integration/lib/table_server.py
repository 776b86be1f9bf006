#!/usr/bin/python3
"""table_server.py - a scripted server of socketmap_table(5) or tcp_table(5) lookups

    table_server.py --proto socketmap|tcp --mode MODE --data FILE
                    (--port-file FILE | --unix PATH) [--map NAME] [--log FILE] [--idle SECONDS]
                    [--bind-port PORT]

Listens on a free loopback TCP port (or --bind-port; written to
--port-file) or on a UNIX socket, and answers any number of requests per connection. --data holds
"key value" lines, read again for every request, so a test can change the
answers while the server runs. Each request is appended to --log as one
line: the map name and the key for socketmap ("name key"), the request line
as received for tcp ("get user%40example.com").

Modes:
  answer   a key in --data: "OK value" / "200 value" (%XX-encoded);
           the key "temp": "TEMP backend busy" / "400 backend busy";
           "timeout": "TIMEOUT backend slow"; "perm": "PERM backend
           broken"; anything else "NOTFOUND " / "500 not found". A
           socketmap request for another map than --map: "PERM no map".
  hang     reads the request and never answers (until the client leaves)
  garbage  answers with bytes that are no valid reply
  close    closes the connection without answering
  trickle  answers correctly, one byte every 2 seconds
  babble   sends an endless reply that never ends its frame

Without --idle the server exits after 120 idle seconds.
"""

import argparse
import os
import re
import socket
import threading
import time


def answers(path):
    """key -> value from the data file"""
    result = {}
    try:
        with open(path) as f:
            for line in f:
                key, _, value = line.strip().partition(" ")
                if key:
                    result[key] = value.strip()
    except OSError:
        pass
    return result


def tcp_encode(text):
    return "".join(c if c.isprintable() and not c.isspace() and c != "%" else "%%%02X" % ord(c)
                   for c in text)


def tcp_decode(text):
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def netstring(data):
    return b"%d:%s," % (len(data), data)


class Conn:
    """One client connection: read requests, send replies."""

    def __init__(self, sock, args):
        self.sock = sock
        self.args = args
        self.buf = b""

    def fill(self):
        data = self.sock.recv(4096)
        if not data:
            raise EOFError
        self.buf += data

    def read_socketmap(self):
        while True:
            m = re.match(rb"(\d+):", self.buf)
            if m and len(self.buf) >= m.end() + int(m.group(1)) + 1:
                n = int(m.group(1))
                data = self.buf[m.end():m.end() + n]
                self.buf = self.buf[m.end() + n + 1:]
                return data.decode(errors="replace")
            self.fill()

    def read_tcp(self):
        while b"\n" not in self.buf:
            self.fill()
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode(errors="replace")

    def log(self, text):
        if self.args.log:
            with open(self.args.log, "a") as f:
                f.write(text + "\n")

    def reply_for(self, request):
        data = answers(self.args.data)
        if self.args.proto == "socketmap":
            name, _, key = request.partition(" ")
            if self.args.map and name != self.args.map:
                return netstring(b"PERM no map " + name.encode())
            if key in data:
                return netstring(("OK " + data[key]).encode())
            special = {"temp": "TEMP backend busy", "timeout": "TIMEOUT backend slow",
                       "perm": "PERM backend broken"}
            return netstring((special.get(key, "NOTFOUND ")).encode())
        key = tcp_decode(request[4:]) if request.startswith("get ") else None
        if key in data:
            return ("200 %s\n" % tcp_encode(data[key])).encode()
        if key == "temp":
            return b"400 backend%20busy\n"
        return b"500 not%20found\n"

    def serve(self):
        mode = self.args.mode
        while True:
            request = self.read_socketmap() if self.args.proto == "socketmap" else self.read_tcp()
            self.log(request)
            if mode == "close":
                return
            if mode == "hang":
                while True:
                    self.fill()
            if mode == "garbage":
                self.sock.sendall(b"hello world\r\n" if self.args.proto == "tcp" else b"OK hello\n")
                continue
            if mode == "babble":
                head = b"" if self.args.proto == "tcp" else b"100000:"
                self.sock.sendall(head)
                while True:
                    self.sock.sendall(b"x" * 4096)
            reply = self.reply_for(request)
            if mode == "trickle":
                for i in range(len(reply)):
                    self.sock.sendall(reply[i:i + 1])
                    time.sleep(2)
            else:
                self.sock.sendall(reply)


def serve_conn(sock, args):
    try:
        Conn(sock, args).serve()
    except (EOFError, OSError):
        pass
    sock.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proto", choices=["socketmap", "tcp"], required=True)
    ap.add_argument("--mode", default="answer")
    ap.add_argument("--data", required=True)
    ap.add_argument("--map")
    ap.add_argument("--port-file")
    ap.add_argument("--unix")
    ap.add_argument("--log")
    ap.add_argument("--bind-port", type=int, default=0)
    ap.add_argument("--idle", type=int, default=120)
    args = ap.parse_args()
    if args.unix:
        ls = socket.socket(socket.AF_UNIX)
        ls.bind(args.unix)
        os.chmod(args.unix, 0o666)
    else:
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", args.bind_port))
    ls.listen(20)
    ls.settimeout(args.idle)
    if args.port_file:
        with open(args.port_file + ".new", "w") as f:
            f.write("%d\n" % (ls.getsockname()[1] if not args.unix else 0))
        os.rename(args.port_file + ".new", args.port_file)
    while True:
        try:
            conn, _ = ls.accept()
        except socket.timeout:
            return
        conn.settimeout(args.idle)
        threading.Thread(target=serve_conn, args=(conn, args), daemon=True).start()


if __name__ == "__main__":
    main()

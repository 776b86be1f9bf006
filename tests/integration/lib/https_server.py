"""https_server.py - an HTTPS server for MTA-STS policies (and other files) and TLSRPT
reports, for tests

    python3 https_server.py --addr 127.44.1.2 --port 443 --chain sts-chain.pem \
        --dir DIR --port-file DIR/port [--idle SECONDS]

Serves GET PATH from DIR/PATH's last component (the policy of
/.well-known/mta-sts.txt is DIR/mta-sts.txt), or from DIR/HOST/ when a
directory named as the request's Host (without a port) exists there (one
server for several MTA-STS domains), over TLS with the key and
certificates of the chain file (key first, then the leaf and its chain).
What the test puts beside the file changes the answer, read afresh for
each request:

    DIR/status    an HTTP status code to send instead of 200 (no body)
    DIR/location  a redirect: 301 with this Location
    DIR/type      the Content-Type (default text/plain)
    DIR/size      send this many "x" bytes as the body instead of the file

A POST (a TLSRPT report, RFC 8460 section 5.2) is kept: its body as
DIR/post.N (N = 1, 2, ...) and its Content-Type as DIR/post.N.type, written
before the answer (200) goes out; a POST that DIR/status refuses (its
answer is that status) is only logged.

Each request is logged to DIR/log as "GET PATH -> STATUS (HOST)" (or POST). The port file
is written once the server listens; the server exits after --idle seconds
(default 120) without a request, and on SIGTERM.
"""

import argparse
import http.server
import os
import ssl
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    """One request: the file, or what the control files say."""

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body=b"", headers=(), method="GET"):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with open(os.path.join(self.server.dir, "log"), "a") as log:
            log.write("%s %s -> %d (%s)\n" % (method, self.path, status,
                                              self.headers.get("Host") or "-"))

    def control(self, name):
        try:
            with open(os.path.join(self.server.dir, name)) as f:
                return f.read().strip()
        except OSError:
            return None

    def do_GET(self):
        self.server.last = time.monotonic()
        status, location = self.control("status"), self.control("location")
        ctype = self.control("type") or "text/plain"
        size = self.control("size")
        if location:
            return self.answer(301, b"", [("Location", location)])
        if status:
            return self.answer(int(status))
        if size:
            return self.answer(200, b"x" * int(size), [("Content-Type", ctype)])
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        base = self.server.dir
        if host and "/" not in host and os.path.isdir(os.path.join(base, host)):
            base = os.path.join(base, host)
        try:
            with open(os.path.join(base, os.path.basename(self.path)), "rb") as f:
                body = f.read()
        except OSError:
            return self.answer(404)
        return self.answer(200, body, [("Content-Type", ctype)])


    def do_POST(self):
        self.server.last = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        status = self.control("status")
        if status:
            return self.answer(int(status), b"", method="POST")
        with self.server.lock:
            self.server.posts += 1
            name = os.path.join(self.server.dir, "post.%d" % self.server.posts)
        with open(name + ".type.tmp", "w") as f:
            f.write(self.headers.get("Content-Type") or "")
        os.rename(name + ".type.tmp", name + ".type")
        with open(name + ".tmp", "wb") as f:
            f.write(body)
        os.rename(name + ".tmp", name)
        return self.answer(200, b"", method="POST")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--addr", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=443)
    parser.add_argument("--chain", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--idle", type=float, default=120)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer((args.addr, args.port), Handler)
    server.dir = args.dir
    server.posts = 0
    server.lock = threading.Lock()
    server.last = time.monotonic()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.chain)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    while time.monotonic() - server.last < args.idle:
        time.sleep(0.5)
    sys.exit(0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""tls_intolerant_relay.py - a TCP relay that behaves like a server or a
middlebox that cannot take a post-quantum ClientHello

    tls_intolerant_relay.py --upstream PORT --mode size|mlkem|tls13|all
        --port-file FILE --log FILE [--limit BYTES] [--idle SECONDS]

It listens on a free loopback port (written to --port-file), and relays
each connection to 127.0.0.1:PORT both ways, plaintext SMTP included.
The client's TLS handshake records are looked at as they pass: in mode
"size" a ClientHello record larger than --limit bytes (default 1448, one
TCP segment of a 1500-byte MTU with TCP timestamps) ends the connection
at once with a reset, in mode "mlkem" a ClientHello whose supported_groups
names an ML-KEM group (0x0200-0x0202, 0x11eb-0x11ed) does, in mode
"tls13" one whose supported_versions offers TLS 1.3 (a server that
cannot do TLS 1.3 but 1.2), and in mode "all" every ClientHello (a
server that offers STARTTLS but whose handshakes always fail). One line per
ClientHello goes to --log: "pass SIZE" or "drop SIZE". The relay exits
after --idle seconds without a connection (default 120).
"""

import argparse
import select
import socket
import struct
import sys
import threading

MLKEM_GROUPS = {0x0200, 0x0201, 0x0202, 0x11EB, 0x11EC, 0x11ED}


def hello_extension(body, wanted):
    """the data of one extension of a ClientHello handshake message, or b"" """
    try:
        off = 4 + 2 + 32
        off += 1 + body[off]
        off += 2 + struct.unpack(">H", body[off:off + 2])[0]
        off += 1 + body[off]
        end = off + 2 + struct.unpack(">H", body[off:off + 2])[0]
        off += 2
        while off + 4 <= end:
            etype, elen = struct.unpack(">HH", body[off:off + 4])
            if etype == wanted:
                return body[off + 4:off + 4 + elen]
            off += 4 + elen
    except (IndexError, struct.error):
        pass
    return b""


def hello_groups(body):
    """the supported_groups of a ClientHello handshake message"""
    data = hello_extension(body, 10)[2:]
    return {struct.unpack(">H", data[i:i + 2])[0] for i in range(0, len(data) - 1, 2)}


def hello_offers_tls13(body):
    """does the supported_versions extension of a ClientHello list TLS 1.3"""
    data = hello_extension(body, 43)[1:]
    return any(data[i:i + 2] == b"\x03\x04" for i in range(0, len(data) - 1, 2))


class Inspector:
    """follows the client's bytes; says when a ClientHello must be dropped"""

    def __init__(self, mode, limit, log):
        self.mode, self.limit, self.log = mode, limit, log
        self.buf = b""
        self.tls = False

    def feed(self, data):
        """False when the connection must die"""
        if not self.tls:
            # Plaintext SMTP until the first byte of a handshake record.
            pos = data.find(b"\x16\x03")
            if pos < 0 or not (pos == 0 or data[pos - 1:pos] == b"\n"):
                return True
            self.tls = True
            data = data[pos:]
        self.buf += data
        while len(self.buf) >= 5:
            rtype = self.buf[0]
            rlen = struct.unpack(">H", self.buf[3:5])[0]
            if len(self.buf) < 5 + rlen:
                # A large record: decide as soon as the header says its size.
                if rtype == 22 and self.mode == "size" and 5 + rlen > self.limit:
                    return self.verdict(False, 5 + rlen)
                return True
            record, self.buf = self.buf[:5 + rlen], self.buf[5 + rlen:]
            if rtype == 22 and record[5:6] == b"\x01":
                if self.mode == "size":
                    ok = len(record) <= self.limit
                elif self.mode == "tls13":
                    ok = not hello_offers_tls13(record[5:])
                elif self.mode == "all":
                    ok = False
                else:
                    ok = not (hello_groups(record[5:]) & MLKEM_GROUPS)
                if not self.verdict(ok, len(record)):
                    return False
        return True

    def verdict(self, ok, size):
        with open(self.log, "a") as f:
            f.write("%s %d\n" % ("pass" if ok else "drop", size))
        return ok


def reset(sock):
    """close with a TCP reset"""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


def serve(client, args):
    upstream = socket.create_connection(("127.0.0.1", args.upstream), timeout=10)
    inspector = Inspector(args.mode, args.limit, args.log)
    socks = [client, upstream]
    try:
        while True:
            ready, _, _ = select.select(socks, [], [], 300)
            if not ready:
                break
            for s in ready:
                data = s.recv(65536)
                if not data:
                    raise EOFError
                if s is client:
                    if not inspector.feed(data):
                        reset(client)
                        reset(upstream)
                        return
                    upstream.sendall(data)
                else:
                    client.sendall(data)
    except (EOFError, OSError):
        pass
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", type=int, required=True)
    p.add_argument("--mode", choices=["size", "mlkem", "tls13", "all"], required=True)
    p.add_argument("--limit", type=int, default=1448)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--idle", type=int, default=120)
    args = p.parse_args()
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(16)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % lsock.getsockname()[1])
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    lsock.settimeout(args.idle)
    while True:
        try:
            client, _ = lsock.accept()
        except socket.timeout:
            return 0
        threading.Thread(target=serve, args=(client, args), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())

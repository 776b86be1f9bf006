"""fake_milter.py - a milter that misbehaves, for integration tests

    python3 fake_milter.py --mode MODE --port-file FILE [--log FILE]

Speaks the milter protocol itself (no library) on a free loopback port,
written to the port file once it listens, so that it can break the
protocol on purpose:

  garbage    answers the negotiation with bytes that are no packet
  silent     accepts the connection and never answers
  close      negotiates, answers "continue" to everything, and closes
             the connection at the first body chunk
  badreply   negotiates, and answers the end of the message with a packet
             of an unknown type
  stall      negotiates, and never answers the end of the message
  ok         negotiates and answers "continue" to everything (a control)

Each connection's packets are logged as one line each ("C <type>") to the
log file when one is given.
"""

import argparse
import os
import socket
import struct
import sys
import threading
import time

ARGS = None


def send(conn, cmd, data=b""):
    """One packet."""
    conn.sendall(struct.pack("!I", len(data) + 1) + cmd + data)


def recv_exact(conn, n):
    """Exactly n bytes, or None at the end."""
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def recv(conn):
    """One packet as (cmd, data), or (None, None) at the end."""
    head = recv_exact(conn, 4)
    if head is None:
        return None, None
    size = struct.unpack("!I", head)[0]
    body = recv_exact(conn, size)
    if body is None:
        return None, None
    return body[:1], body[1:]


def note(text):
    """Log one line."""
    if ARGS.log:
        with open(ARGS.log, "a") as out:
            out.write(text + "\n")


def serve(conn):
    """One MTA connection."""
    mode = ARGS.mode
    try:
        while True:
            cmd, data = recv(conn)
            if cmd is None:
                return
            note("C " + cmd.decode("latin-1"))
            if cmd == b"O":
                if mode == "garbage":
                    conn.sendall(b"\xff\xff\xff\xffthis is no milter\r\n")
                    time.sleep(1)
                    return
                if mode == "silent":
                    time.sleep(3600)
                    return
                send(conn, b"O", struct.pack("!III", 6, 0x1ff & ~0x100, 0))
            elif cmd in (b"D", b"A"):
                continue
            elif cmd == b"Q":
                return
            elif cmd == b"B" and mode == "close":
                conn.close()
                return
            elif cmd == b"E" and mode == "badreply":
                send(conn, b"Z", b"what")
            elif cmd == b"E" and mode == "stall":
                time.sleep(3600)
                return
            else:
                send(conn, b"c")
    except OSError:
        return
    finally:
        try:
            conn.close()
        except OSError:
            pass


def main():
    """Listen, announce the port, serve each connection in a thread."""
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", required=True,
                        choices=["garbage", "silent", "close", "badreply", "stall", "ok"])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log")
    ARGS = parser.parse_args()
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(20)
    with open(ARGS.port_file + ".tmp", "w") as out:
        out.write("%d\n" % lsock.getsockname()[1])
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    while True:
        conn, _ = lsock.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())

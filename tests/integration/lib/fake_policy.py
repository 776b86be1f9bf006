#!/usr/bin/python3
"""fake_policy.py - a scripted policy server (Postfix's policy delegation protocol)

    fake_policy.py --mode MODE [--port-file FILE] [--log FILE] [--connections FILE]
                   [--stdio] [--idle SECONDS]

Listens on a free loopback TCP port (written to --port-file), or with
--stdio serves one client on standard input and output (as spawn(8) runs
it). Each request (name=value lines up to an empty line) is appended to
--log as one line of JSON, the attributes in the order received; each
accepted connection adds a line to --connections (its client's port), so
that a test can count how many connections the requests came over. Modes:

  answer   the action depends on the recipient's local part: reject@,
           defer@, dunno@, ok@, code@ (551 5.7.0 no way), dip@
           (DEFER_IF_PERMIT), dir@ (DEFER_IF_REJECT), list@ (a restriction
           list), anything else DUNNO
  garbage  answers a line without "action=", then an empty line
  close    closes the connection without answering
  slow     answers after 30 seconds
  babble   sends an endless answer line

Without --idle the server exits after 90 idle seconds.
"""

import argparse
import json
import socket
import sys
import threading
import time

ACTIONS = {
    "reject": "REJECT go away",
    "defer": "DEFER try later",
    "dunno": "DUNNO",
    "ok": "OK",
    "code": "551 5.7.0 no way",
    "dip": "DEFER_IF_PERMIT 4.2.0 Greylisted",
    "dir": "DEFER_IF_REJECT",
    "list": "reject_unknown_sender_domain",
}


def serve(rfile, wfile, mode, log):
    """Answer requests until the client goes away."""
    while True:
        attrs = []
        while True:
            line = rfile.readline()
            if not line:
                return
            line = line.rstrip(b"\r\n").decode(errors="replace")
            if not line:
                break
            name, _, value = line.partition("=")
            attrs.append([name, value])
        if log:
            with open(log, "a") as f:
                f.write(json.dumps(attrs) + "\n")
        if mode == "close":
            return
        if mode == "slow":
            time.sleep(30)
        if mode == "garbage":
            wfile.write(b"hello world\n\n")
        elif mode == "babble":
            try:
                while True:
                    wfile.write(b"x" * 4096)
            except OSError:
                return
        else:
            rcpt = dict(attrs).get("recipient", "")
            action = ACTIONS.get(rcpt.split("@")[0], "DUNNO")
            wfile.write(("action=%s\n\n" % action).encode())
        wfile.flush()


def serve_conn(conn, mode, log):
    """One TCP client; the connection is closed when serve() returns."""
    f = conn.makefile("rwb")
    try:
        serve(f, f, mode, log)
    except OSError:
        pass
    try:
        f.close()
    except OSError:
        pass
    conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="answer")
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--stdio", action="store_true")
    ap.add_argument("--connections")
    ap.add_argument("--idle", type=int, default=90)
    args = ap.parse_args()
    if args.stdio:
        serve(sys.stdin.buffer, sys.stdout.buffer, args.mode, args.log)
        return
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(20)
    ls.settimeout(args.idle)
    with open(args.port_file + ".new", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    import os
    os.rename(args.port_file + ".new", args.port_file)
    while True:
        try:
            conn, _ = ls.accept()
        except socket.timeout:
            return
        conn.settimeout(None)
        if args.connections:
            with open(args.connections, "a") as f:
                f.write("%d\n" % conn.getpeername()[1])
        threading.Thread(target=serve_conn, args=(conn, args.mode, args.log), daemon=True).start()


if __name__ == "__main__":
    main()

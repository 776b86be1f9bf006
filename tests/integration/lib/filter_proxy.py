"""filter_proxy.py - an after-queue content filter for integration tests

    python3 filter_proxy.py --port-file FILE --reinject PORT --log FILE [--header TEXT]

An SMTP server on a free loopback port (written to the port file once it
listens) that takes each message, puts the --header line on top of it
(default "X-Filtered: by filter_proxy") and sends it on with the same
envelope to the SMTP server on 127.0.0.1:PORT, as Postfix's FILTER_README
has a content filter do. It answers the end of DATA with the reinjecting
server's reply, so that a refusal travels back and nothing is lost: the
mail stays queued before the filter until the reinjection has accepted
it. Each transaction is logged as one line: "MAIL <sender> RCPT <r>...
XFORWARD <args> -> <reply>". XFORWARD is announced and its arguments
are passed on when the reinjecting server announces it too.
"""

import argparse
import os
import smtplib
import socket
import sys
import threading

ARGS = None
LOCK = threading.Lock()


def log(text):
    """One line of the transaction log."""
    with LOCK, open(ARGS.log, "a") as out:
        out.write(text + "\n")


def reinject(sender, rcpts, data, xforward):
    """Send the message on; the reply as (code, text)."""
    try:
        client = smtplib.SMTP("127.0.0.1", ARGS.reinject, timeout=30)
        client.ehlo("filter.test")
        if xforward and client.has_extn("xforward"):
            code, text = client.docmd("XFORWARD", " ".join(xforward))
            if code != 250:
                return code, text.decode("latin-1")
        refused = client.sendmail(sender, rcpts, data)
        client.quit()
        if refused:
            return 450, "some recipients refused"
        return 250, "2.0.0 Ok: reinjected"
    except smtplib.SMTPResponseException as exc:
        return exc.smtp_code, exc.smtp_error.decode("latin-1")
    except (OSError, smtplib.SMTPException) as exc:
        return 451, "4.3.0 reinjection failed: %s" % exc


def serve(conn):
    """One SMTP session."""
    rfile = conn.makefile("rb")

    def reply(text):
        conn.sendall((text + "\r\n").encode("latin-1"))

    reply("220 filter.test ESMTP filter_proxy")
    sender, rcpts, xforward = None, [], []
    while True:
        line = rfile.readline()
        if not line:
            return
        cmd = line.decode("latin-1").rstrip("\r\n")
        verb = cmd.split(" ", 1)[0].upper()
        if verb in ("EHLO", "HELO"):
            reply("250-filter.test\r\n250-8BITMIME\r\n250-XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT LOGIN\r\n250 PIPELINING")
        elif verb == "XFORWARD":
            xforward.append(cmd.split(" ", 1)[1])
            reply("250 2.0.0 Ok")
        elif verb == "MAIL":
            sender = cmd[cmd.index("<") + 1:cmd.index(">")]
            reply("250 2.1.0 Ok")
        elif verb == "RCPT":
            rcpts.append(cmd[cmd.index("<") + 1:cmd.index(">")])
            reply("250 2.1.5 Ok")
        elif verb == "DATA":
            reply("354 go ahead")
            lines = []
            while True:
                raw = rfile.readline()
                if not raw or raw in (b".\r\n", b".\n"):
                    break
                if raw.startswith(b".."):
                    raw = raw[1:]
                lines.append(raw)
            data = (ARGS.header + "\r\n").encode("latin-1") + b"".join(lines)
            code, text = reinject(sender, rcpts, data, xforward)
            log("MAIL <%s> RCPT %s XFORWARD %s -> %d %s"
                % (sender, " ".join("<%s>" % r for r in rcpts), " ".join(xforward), code, text))
            reply("%d %s" % (code, text))
            sender, rcpts, xforward = None, [], []
        elif verb == "RSET":
            sender, rcpts, xforward = None, [], []
            reply("250 2.0.0 Ok")
        elif verb == "QUIT":
            reply("221 2.0.0 Bye")
            return
        else:
            reply("250 2.0.0 Ok")


def main():
    """Listen, announce the port, serve each connection in a thread."""
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--reinject", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--header", default="X-Filtered: by filter_proxy")
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

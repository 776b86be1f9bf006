"""test_milter.py - a milter for integration tests, on Debian's python3-milter

    /usr/bin/python3 test_milter.py --port-file FILE --log FILE

Listens on a free loopback port (written to the port file once it
listens) and logs, one JSON object a line, every event it sees with the
macros that came with it. What it does with a message is chosen by the
message itself (the first word of its Subject:), so that one milter
serves every case of a test:

  RCPT TO:<reject@...>      550 5.7.1 (the recipient only)
  RCPT TO:<tempfail@...>    451 4.7.1 (the recipient only)
  Subject: reject           multi-line 550 with an enhanced status code
  Subject: tempfail         TEMPFAIL at the end of the message
  Subject: discard          DISCARD
  Subject: quarantine       QUARANTINE with a reason
  Subject: edit             adds X-Milter-Added: at the end, inserts
                            X-Milter-Top: at the top, changes the second
                            X-Edit: header, deletes X-Remove-Me:, adds the
                            recipient added@dest.test, deletes
                            removed@dest.test, changes the sender to
                            <changed@src.test>
  Subject: body             replaces the body
  Subject: add NAME         adds the header NAME: added by the test milter
  Subject: slow             sleeps --slow seconds before the final reply

With --passive it only logs (and asks only to add headers, so that it
also works with milter_protocol = 2). With --rcpt-rej it asks to see the
recipients that the MTA refused too (RCPT_REJ).
"""

import argparse
import json
import socket
import sys
import threading
import time

import Milter

ARGS = None
LOCK = threading.Lock()


def log(event, ctx, **fields):
    """One JSON line for an event, with the macros that the MTA sent."""
    macros = {}
    for name in ("i", "j", "_", "v", "{daemon_name}", "{daemon_addr}", "{client_addr}",
                 "{client_name}", "{client_port}", "{auth_type}", "{auth_authen}",
                 "{mail_addr}", "{rcpt_addr}", "{tls_version}", "{cipher}", "{cipher_bits}",
                 "{cert_subject}", "{cert_issuer}", "{client_ptr}", "{client_resolve}",
                 "{client_connections}", "{daemon_port}", "{auth_author}", "{mail_host}",
                 "{mail_mailer}", "{rcpt_host}", "{rcpt_mailer}"):
        value = ctx.getsymval(name)
        if value is not None:
            macros[name] = value
    fields.update(event=event, macros=macros)
    with LOCK, open(ARGS.log, "a") as out:
        out.write(json.dumps(fields) + "\n")


class TestMilter(Milter.Base):
    """The test milter: actions chosen by the message."""

    def __init__(self):
        self.headers = []
        self.subject = ""
        self.rcpts = []

    @Milter.noreply
    def connect(self, hostname, family, hostaddr):
        log("connect", self, hostname=hostname, addr=str(hostaddr))
        return Milter.CONTINUE

    def hello(self, name):
        log("helo", self, helo=name)
        return Milter.CONTINUE

    def envfrom(self, sender, *params):
        self.headers, self.subject, self.rcpts = [], "", []
        log("mail", self, sender=sender, params=list(params))
        return Milter.CONTINUE

    def envrcpt(self, rcpt, *params):
        log("rcpt", self, rcpt=rcpt, params=list(params))
        if ARGS.passive:
            return Milter.CONTINUE
        if rcpt.lower().startswith("<reject@"):
            self.setreply("550", "5.7.1", "recipient refused by the test milter")
            return Milter.REJECT
        if rcpt.lower().startswith("<tempfail@"):
            return Milter.TEMPFAIL
        self.rcpts.append(rcpt)
        return Milter.CONTINUE

    def header(self, name, value):
        self.headers.append((name, value))
        if name.lower() == "subject":
            self.subject = value.strip()
        return Milter.CONTINUE

    def eoh(self):
        log("eoh", self, headers=self.headers)
        return Milter.CONTINUE

    def body(self, chunk):
        return Milter.CONTINUE

    def eom(self):
        log("eom", self, subject=self.subject)
        subject = "" if ARGS.passive else (self.subject.split() or [""])[0]
        if subject == "slow":
            time.sleep(ARGS.slow)
        if subject == "reject":
            self.setreply("550", "5.7.1", "first line of the refusal", "second line")
            return Milter.REJECT
        if subject == "tempfail":
            return Milter.TEMPFAIL
        if subject == "discard":
            return Milter.DISCARD
        if subject == "quarantine":
            self.quarantine("held by the test milter")
        if subject == "edit":
            self.addheader("X-Milter-Added", "added at the end")
            self.addheader("X-Milter-Top", "inserted at the top", 0)
            self.chgheader("X-Edit", 2, "second one changed")
            self.chgheader("X-Remove-Me", 1, "")
            self.addrcpt("<added@dest.test>")
            self.delrcpt("<removed@dest.test>")
            self.chgfrom("<changed@src.test>")
        if subject == "add" and len(self.subject.split()) > 1:
            self.addheader(self.subject.split()[1], "added by the test milter")
        if subject == "body":
            self.replacebody(b"The body was replaced\r\nby the test milter.\r\n")
        return Milter.CONTINUE

    def abort(self):
        log("abort", self)
        return Milter.CONTINUE

    def close(self):
        return Milter.CONTINUE


def main():
    """Find a port, write it, run the milter."""
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--slow", type=float, default=5)
    parser.add_argument("--passive", action="store_true")
    parser.add_argument("--rcpt-rej", action="store_true")
    ARGS = parser.parse_args()
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    Milter.factory = Milter.rejected_recipients(TestMilter) if ARGS.rcpt_rej else TestMilter
    if ARGS.passive:
        Milter.set_flags(Milter.ADDHDRS)
    else:
        Milter.set_flags(Milter.ADDHDRS | Milter.CHGHDRS | Milter.ADDRCPT | Milter.DELRCPT
                         | Milter.CHGFROM | Milter.CHGBODY | Milter.QUARANTINE)

    def announce():
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        with open(ARGS.port_file + ".tmp", "w") as out:
            out.write("%d\n" % port)
        import os
        os.rename(ARGS.port_file + ".tmp", ARGS.port_file)

    threading.Thread(target=announce, daemon=True).start()
    Milter.runmilter("test_milter", "inet:%d@127.0.0.1" % port, 60)
    return 0


if __name__ == "__main__":
    sys.exit(main())

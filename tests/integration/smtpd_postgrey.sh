#!/bin/bash
# smtpd_postgrey.sh - greylisting with Debian's postgrey through
# check_policy_service: the first attempt of a new client, sender and
# recipient gets postgrey's 450, a retry before the delay again, a retry
# after it is accepted, and a second message then passes at once; mail
# from mynetworks never reaches postgrey.
#
# postgrey runs on a free loopback port with its database in the test's
# directory, as its own account (so the test needs root and the postgrey
# package; otherwise it is skipped), and is stopped by pid.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/policy.sh"

policy_postgrey_available || skip "$POLICY_MISSING"

instance_create
delay=3
policy_postgrey_start "$INSTANCE_DIR/postgrey" "$delay"
port=$(free_port)
instance_main_cf "mydestination = mail.example.test" "local_recipient_maps =" \
    "smtpd_error_sleep_time = 0" "mynetworks = 127.0.0.1/32" \
    "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, check_policy_service inet:127.0.0.1:$POSTGREY_PORT"
instance_master_cf "cleanup unix n - n - 0 cleanup" "127.0.0.1:$port inet n - n - - smtpd"
instance_start "$port"
require "our instance starts"

PORT=$port DELAY=$delay LOG=$INSTANCE_LOG PYTHONPATH=$top/tests/integration/lib \
    bounded 120 python3 - <<'PYEOF'
import os, re, socket, time
from smtp_session import Checks, wait_for

t = Checks()
port = int(os.environ["PORT"])
delay = int(os.environ["DELAY"])

def attempt(rcpt, src="127.0.0.2", sender="a@sender.example"):
    s = socket.socket()
    s.settimeout(20)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    f = s.makefile("rwb")
    def reply():
        lines = []
        while True:
            line = f.readline().decode().rstrip("\r\n")
            lines.append(line)
            if len(line) < 4 or line[3] != "-":
                return lines[-1]
    out = [reply()]
    for c in ("EHLO client.example", "MAIL FROM:<%s>" % sender, "RCPT TO:<%s>" % rcpt):
        f.write((c + "\r\n").encode())
        f.flush()
        out.append(reply())
    f.write(b"QUIT\r\n")
    f.flush()
    s.close()
    return out[-1]

greylisted = ("450 4.2.0 <user@mail.example.test>: Recipient address rejected: Greylisted, see "
              "http://postgrey.schweikert.ch/help/mail.example.test.html")
first = attempt("user@mail.example.test")
t.ok(first == greylisted, "the first attempt is greylisted: %s" % greylisted, first)
early = attempt("user@mail.example.test")
t.ok(early == greylisted, "a retry before the delay is greylisted again", early)
time.sleep(delay + 1)
later = attempt("user@mail.example.test")
t.ok(later == "250 2.1.5 Ok", "a retry after the delay is accepted", later)
again = attempt("user@mail.example.test")
t.ok(again == "250 2.1.5 Ok", "the next message passes at once", again)
other = attempt("other@mail.example.test")
t.ok(other.startswith("450 4.2.0 <other@mail.example.test>"), "another recipient is greylisted",
     other)
mine = attempt("user2@mail.example.test", src="127.0.0.1")
t.ok(mine == "250 2.1.5 Ok", "mynetworks does not reach postgrey", mine)
log = open(os.environ["LOG"], errors="replace").read()
t.ok(re.search(r"NOQUEUE: reject: RCPT from unknown\[127\.0\.0\.2\]: 450 4\.2\.0 "
               r"<user@mail\.example\.test>: Recipient address rejected: Greylisted", log),
     "the greylisting is logged as a reject")
raise SystemExit(t.summary())
PYEOF
check "the python part ran to its end"

#!/bin/bash
# address_rewriting.sh - what cleanup does to addresses, as the next hop
# sees the mail: sender_canonical_maps rewrites the envelope sender and
# From:, recipient_canonical_maps the envelope recipient and To:/Cc:,
# masquerade_domains strips subdomains (not for masquerade_exceptions),
# virtual_alias_maps expands an alias into two recipients (orig_to= in
# the log), recipient_bcc_maps adds a copy, bare names get @$myorigin, and
# headers from a client that is not local (local_header_rewrite_clients)
# are left alone while its envelope is rewritten. The mail goes through
# relayhost to a scripted SMTP server whose transcript is the evidence.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
read -r pin pfake < <(free_port 2 | tr '\n' ' ')
fake_smtpd_start "$INSTANCE_DIR/fake" --mode plain --idle 60 --listen-port "$pfake"

instance_master_cf_relay "$pin"
instance_main_cf \
    "mydestination = mail.example.test" "mynetworks = 127.0.0.0/8" "alias_maps =" \
    "myorigin = example.test" \
    "relayhost = [127.0.0.1]:$pfake" "smtp_tls_security_level = none" \
    "sender_canonical_maps = inline:{ alice@example.test=Alice.Smith@example.test }" \
    "recipient_canonical_maps = inline:{ bob@old.example=bob@new.example }" \
    "masquerade_domains = example.test" "masquerade_exceptions = root" \
    "virtual_alias_domains = alias.example.test" \
    "virtual_alias_maps = inline:{ {team@alias.example.test = x@dest.example, y@dest.example} }" \
    "recipient_bcc_maps = inline:{ audit@dest.example=archive@dest.example }" \
    "minimal_backoff_time = 1h" "maximal_backoff_time = 2h" "queue_run_delay = 1h"
instance_start "$pin"
require "the instance starts"

PIN=$pin FAKE_LOG=$INSTANCE_DIR/fake/log OUR_LOG=$INSTANCE_LOG \
    PYTHONPATH=$top/tests/integration/lib bounded 120 python3 - <<'PYEOF'
import os, re, socket
from smtp_session import Session, Checks, wait_for

t = Checks()
port = int(os.environ["PIN"])

def send(sender, rcpts, headers, source=None):
    if source:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10,
                                        source_address=(source, 0))
        s = Session(sock)
    else:
        s = Session.connect(port)
    s.reply()
    s.cmd("EHLO client.example")
    s.cmd("MAIL FROM:<%s>" % sender)
    for r in rcpts:
        code, text = s.cmd("RCPT TO:<%s>" % r)
        t.ok(code == 250, "RCPT TO:<%s> accepted" % r, text)
    s.cmd("DATA")
    code, text = s.cmd("\r\n".join(headers) + "\r\n\r\nbody\r\n.")
    t.ok(code == 250, "message from <%s> queued" % sender, text)
    s.cmd("QUIT")
    s.close()

def session_of(marker):
    """The client lines of the transaction (MAIL FROM to the final dot) that carried marker."""
    client = [l[3:] for l in open(os.environ["FAKE_LOG"]).read().splitlines()
              if l.startswith("C: ")]
    starts = [i for i, l in enumerate(client) if l.startswith("MAIL FROM:")] + [len(client)]
    for a, b in zip(starts, starts[1:]):
        lines = [re.sub(r"^(MAIL FROM:<[^>]*>) .*", r"\1", l) for l in client[a:b]]
        if marker in lines and "." in lines:
            return lines
    return None

def lines_of(marker):
    return wait_for(lambda: session_of(marker), 30) or []

send("alice", ["bob@old.example"],
     ["Subject: one", "From: Alice <alice>", "To: Bob <bob@old.example>",
      "Cc: bob@old.example (Bob again), other@elsewhere.example"])
got = lines_of("Subject: one")
t.ok("MAIL FROM:<Alice.Smith@example.test>" in got,
     "a bare sender gets @myorigin, then sender_canonical_maps: envelope", got)
t.ok("From: Alice <Alice.Smith@example.test>" in got,
     "sender_canonical_maps rewrites From:, the display name stays", got)
t.ok("RCPT TO:<bob@new.example>" in got,
     "recipient_canonical_maps rewrites the envelope recipient", got)
t.ok("To: Bob <bob@new.example>" in got, "recipient_canonical_maps rewrites To:", got)
t.ok("Cc: bob@new.example (Bob again), other@elsewhere.example" in got,
     "recipient_canonical_maps rewrites Cc:, comments and other addresses stay", got)

send("carol@host.example.test", ["team@alias.example.test", "audit@dest.example"],
     ["Subject: two", "From: carol@host.example.test", "To: dave@deep.host.example.test",
      "Reply-To: root@host.example.test"])
got = lines_of("Subject: two")
t.ok("MAIL FROM:<carol@example.test>" in got, "masquerade_domains: envelope sender", got)
t.ok("From: carol@example.test" in got, "masquerade_domains: From:", got)
t.ok("To: dave@example.test" in got, "masquerade_domains: To: (header_recipient)", got)
t.ok("Reply-To: root@host.example.test" in got, "masquerade_exceptions: root stays", got)
rcpts = sorted(l for l in got if l.startswith("RCPT TO:"))
t.ok(rcpts == ["RCPT TO:<archive@dest.example>", "RCPT TO:<audit@dest.example>",
               "RCPT TO:<x@dest.example>", "RCPT TO:<y@dest.example>"],
     "the virtual alias expands to two recipients, the bcc table adds one", rcpts)
log = wait_for(lambda: open(os.environ["OUR_LOG"]).read().count("orig_to=<team@alias") >= 2
               and open(os.environ["OUR_LOG"]).read(), 30) or ""
t.ok(re.search(r"to=<x@dest\.example>, orig_to=<team@alias\.example\.test>, .*status=sent", log)
     is not None, "the log names the alias as orig_to= of x@dest.example")

send("erin@host.example.test", ["bob@old.example"],
     ["Subject: three", "From: erin@host.example.test", "To: bob@old.example"],
     source="127.0.0.2")
got = lines_of("Subject: three")
t.ok("MAIL FROM:<erin@example.test>" in got,
     "a client that is not local: its envelope is rewritten", got)
t.ok("From: erin@host.example.test" in got and "To: bob@old.example" in got,
     "but its headers are not (local_header_rewrite_clients, no remote_header_rewrite_domain)",
     got)
raise SystemExit(t.summary())
PYEOF

#!/bin/bash
# smtpd_client_text.sh - text that the client chooses reaches Received: and
# the queue file only as printable US-ASCII: an EHLO name with a CR, an ESC,
# comment parentheses and an 8-bit byte ("EHLO evil\rX-Injected:\x1byes(\xff)")
# is stored as "evil?X-Injected:?yes???", as Postfix stores it; no header
# line is injected; a client certificate whose CN holds 8-bit UTF-8 and a
# control character gives a printable tls_peer_cn attribute. The message
# is accepted in each case.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create || exit 1
conf=$INSTANCE_CONF
port=$(free_port)
cert_make "$conf" ca "/CN=Test CA" && cert_make "$conf" server /CN=mail.example.test ca &&
    openssl req -x509 -newkey rsa:2048 -nodes -utf8 -days 2 \
        -subj "/CN=caf$(printf '\303\251\033')client" \
        -keyout "$conf/client.key" -out "$conf/client.pem" 2>/dev/null ||
    fail "make certificates"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$conf"
# No queue manager: what smtpd accepted stays in incoming for the checks.
instance_master_cf "127.0.0.1:$port inet n - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup"
instance_main_cf "mydestination = \$myhostname" "smtpd_error_sleep_time = 0" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key" \
    "smtpd_tls_ask_ccert = yes" \
    "smtpd_tls_received_header = yes"
instance_start "$port"
require "the instance starts"

PORT=$port QUEUE=$INSTANCE_QUEUE CONF=$conf \
    PYTHONPATH=$top/tests/integration/lib python3 - <<'PYEOF'
import os, re, ssl
from smtp_session import Session, Checks, queue_records

t = Checks()
port, queue, conf = int(os.environ["PORT"]), os.environ["QUEUE"], os.environ["CONF"]
incoming = os.path.join(queue, "incoming")

def send(helo, tls=None):
    """One message after EHLO helo; its queue file records, or None."""
    s = Session.connect(port, timeout=15)
    s.reply()
    t.reply(s.cmd(helo), 250, "%r is answered 250" % helo)
    if tls:
        t.reply(s.cmd("STARTTLS"), 220, "STARTTLS")
        s.starttls(tls)
        s.cmd("EHLO client.example")
    s.cmd("MAIL FROM:<alice@client.example>")
    s.cmd("RCPT TO:<bob@mail.example.test>")
    s.cmd("DATA")
    code, lines = s.cmd("Subject: text\r\n\r\nbody\r\n.")
    s.cmd("QUIT")
    s.close()
    m = re.search(r"queued as (\S+)", " ".join(lines))
    if not t.ok(code == 250 and m, "%r: the message is accepted" % helo, lines):
        return None
    return queue_records(os.path.join(incoming, m.group(1)))

def attrs(records):
    return dict(text.split("=", 1) for typ, text in records if typ == "A" and "=" in text)

def headers(records):
    """The header lines as stored, up to the first empty line."""
    out = []
    for typ, text in records:
        if typ in "NL":
            if text == "":
                break
            out.append(text)
    return out

def clean(text):
    """Printable US-ASCII; a tab only where a header line is folded."""
    return all(0x20 <= ord(c) <= 0x7e for c in text.lstrip("\t"))

records = send("EHLO evil\rX-Injected:\x1byes(\xff)")
if records:
    a, h = attrs(records), headers(records)
    t.ok(a.get("helo_name") == "evil?X-Injected:?yes???",
         "the helo_name attribute is masked as Postfix masks it", repr(a.get("helo_name")))
    t.ok(all(clean(v) for v in a.values()), "every queue-file attribute is printable ASCII",
         [v for v in a.values() if not clean(v)])
    received = [l for l in h if l.startswith("Received:")]
    t.ok(received and received[0].startswith("Received: from evil?X-Injected:?yes??? ("),
         "Received: names the masked HELO", received)
    t.ok(all(clean(l) for l in h), "no header line holds a control or 8-bit byte",
         [l for l in h if not clean(l)])
    t.ok(not any(l.startswith("X-Injected") for l in h) and
         not any("\r" in text or "\x1b" in text or "\xff" in text for typ, text in records),
         "nothing in the queue file carries the HELO's CR, ESC or 8-bit byte")

for helo in ("HELO a\x07b", "EHLO caf\xc3\xa9.example"):
    records = send(helo)
    if records:
        a = attrs(records)
        t.ok(clean(a.get("helo_name", "")) and all(clean(l) for l in headers(records)),
             "%r: the HELO reaches the queue file as printable ASCII" % helo, repr(a.get("helo_name")))

tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE
tls.load_cert_chain(os.path.join(conf, "client.pem"), os.path.join(conf, "client.key"))
records = send("EHLO client.example", tls)
if records:
    a = attrs(records)
    t.ok(a.get("tls_peer_cn") == "caf???client",
         "a client certificate CN with 8-bit and control bytes is stored printable",
         repr(a.get("tls_peer_cn")))
    t.ok(all(clean(l) for l in headers(records)), "the TLS Received: lines are printable ASCII",
         [l for l in headers(records) if not clean(l)])
t.summary()
PYEOF

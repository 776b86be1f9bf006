#!/bin/bash
# postscreen_proxy.sh - postscreen_upstream_proxy_protocol = haproxy behind
# Debian's HAProxy, with PROXY protocol version 1 (send-proxy) and 2
# (send-proxy-v2): postscreen logs the original client address and port,
# and so does smtpd after the hand-over, and the mail is delivered end to
# end with that client in its Received: header; a connection without a
# header (one that waits, one that talks SMTP at once) is logged and
# closed before any CONNECT line. Each client has its own loopback source
# address.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/haproxy.sh"

haproxy_available || skip "$HAPROXY_MISSING"
instance_create
read -r p_psc p_v1 p_v2 <<<"$(free_port 3 | tr '\n' ' ')"
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
instance_master_cf \
    "127.0.0.1:$p_psc inet n - n - 1 postscreen" \
    "smtpd pass - - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "defer unix - - n - 0 bounce" \
    "smtp unix - - n - 1 smtp"
instance_main_cf "relayhost = [127.0.0.1]:$FAKE_SMTPD_PORT" "smtp_tls_security_level = none" \
    "mynetworks = 127.0.0.0/8" "postscreen_access_list =" "smtpd_banner = \$myhostname ESMTP" \
    "postscreen_greet_wait = 1s" "postscreen_upstream_proxy_protocol = haproxy" \
    "postscreen_upstream_proxy_timeout = 2s" "smtpd_client_port_logging = yes"
instance_start
require "the instance starts"
wait_port "$p_psc" 10
require "postscreen listens"
haproxy_start "$p_v1 $p_psc send-proxy" "$p_v2 $p_psc send-proxy-v2"
require "HAProxy starts"

PSC=$p_psc V1=$p_v1 V2=$p_v2 LOG=$INSTANCE_LOG SINK=$INSTANCE_DIR/sink \
    PYTHONPATH=$top/tests/integration/lib bounded 120 python3 - <<'PYEOF'
import glob, os, re, socket, time
from smtp_session import Session, Checks, wait_for

t = Checks()
psc, v1, v2 = int(os.environ["PSC"]), int(os.environ["V1"]), int(os.environ["V2"])
log = os.environ["LOG"]

def logged(regex, seconds=5):
    def find():
        for line in open(log, errors="replace"):
            if re.search(regex, line):
                return line.rstrip("\n")
        return None
    return wait_for(find, seconds)

for version, port, source in [(1, v1, "127.0.0.11"), (2, v2, "127.0.0.12")]:
    s = Session.connect(port, source=source)
    cport = s.sock.getsockname()[1]
    r = s.reply()
    t.ok(r[0] == 220, "v%d: the client is greeted through HAProxy" % version, r)
    s.cmd("EHLO client.test")
    s.cmd("MAIL FROM:<a@client.test>")
    s.cmd("RCPT TO:<b@far.test>")
    s.cmd("DATA")
    subject = "proxied v%d" % version
    s.send("Subject: %s\r\n\r\nhello\r\n.\r\n" % subject)
    t.reply(s.reply(), 250, "v%d: the mail is queued" % version, "queued as")
    s.cmd("QUIT")
    s.close()
    addr = re.escape(source)
    t.ok(logged(r"postscreen\[\d+\]: CONNECT from \[%s\]:%d to \[127\.0\.0\.1\]:%d$"
                % (addr, cport, port)),
         "v%d: postscreen logs the original client and the proxy's front address" % version)
    t.ok(logged(r"PASS NEW \[%s\]:%d$" % (addr, cport)), "v%d: PASS NEW for the original client"
         % version)
    t.ok(logged(r"smtpd\[\d+\]: connect from unknown\[%s\]:%d$" % (addr, cport)),
         "v%d: smtpd logs the original client" % version)

    def arrived():
        for f in glob.glob(os.environ["SINK"] + "/msg.*"):
            text = open(f, errors="replace").read()
            if "Subject: " + subject in text:
                return text
        return None
    text = wait_for(arrived, 20)
    t.ok(text and re.search(r"Received: from client\.test \(unknown \[%s\]\)" % addr, text),
         "v%d: the Received: header names the original client" % version,
         (text or "")[:300])

# No header at all: the client waits for a greeting that never comes.
s = Session.connect(psc, source="127.0.0.13")
cport = s.sock.getsockname()[1]
start = time.time()
t.ok(s.line() is None and time.time() - start < 6,
     "without a header: closed after postscreen_upstream_proxy_timeout")
s.close()
t.ok(logged(r"warning: haproxy read: time limit exceeded from \[127\.0\.0\.13\]:%d$" % cport),
     "without a header: a warning")
t.ok(not logged(r"CONNECT from \[127\.0\.0\.13\]", 0), "without a header: no CONNECT line")
# SMTP instead of a header.
s = Session.connect(psc, source="127.0.0.14")
cport = s.sock.getsockname()[1]
s.send("EHLO direct.test\r\n")
t.ok(s.line() is None, "SMTP instead of a header: closed")
s.close()
t.ok(logged(r"warning: haproxy read: not a PROXY protocol header from \[127\.0\.0\.14\]:%d$"
            % cport), "SMTP instead of a header: a warning")
PYEOF
! grep -Eq "panic|fatal" "$INSTANCE_LOG"
check "no panic or fatal error in the log"

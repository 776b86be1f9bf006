#!/bin/bash
# postscreen.sh - postscreen(8) in front of "smtpd pass", with real master,
# postscreen, smtpd, cleanup, qmgr and smtp processes on loopback: a patient
# client passes ("PASS NEW"), is handed to smtpd and its mail is delivered
# end to end; it passes straight through next time ("PASS OLD"), also
# after a restart (the btree cache); a client that talks first is logged
# "PREGREET" and refused at RCPT (enforce); postscreen_access_list (cidr:
# and permit_mynetworks): "DENYLISTED" with drop and enforce, "ALLOWLISTED";
# the deep protocol tests: a clean client is told 450 and passes on its
# next connection, pipelining, a non-SMTP command and a bare newline fail.
# Each client has its own loopback source address, so that the cache of
# one does not hide another.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
read -r p_main p_deep p_drop <<<"$(free_port 3 | tr '\n' ' ')"
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT
printf '%s\n' "127.0.0.3 reject" "127.0.0.9 reject" "127.0.0.0/8 dunno" >"$INSTANCE_CONF/access.cidr"
chmod 644 "$INSTANCE_CONF/access.cidr"
deep="-o postscreen_cache_map=btree:$INSTANCE_DATA/deep_cache -o postscreen_pipelining_enable=yes"
deep="$deep -o postscreen_non_smtp_command_enable=yes -o postscreen_bare_newline_enable=yes"
deep="$deep -o postscreen_bare_newline_action=enforce"
instance_master_cf \
    "127.0.0.1:$p_main inet n - n - 1 postscreen -o mynetworks=127.0.0.4/32" \
    "127.0.0.1:$p_deep inet n - n - 1 postscreen -o mynetworks=127.0.0.4/32 $deep" \
    "127.0.0.1:$p_drop inet n - n - 1 postscreen -o mynetworks=127.0.0.4/32 -o postscreen_denylist_action=drop -o postscreen_cache_map=" \
    "smtpd pass - - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "defer unix - - n - 0 bounce" \
    "smtp unix - - n - 1 smtp"
instance_main_cf "relayhost = [127.0.0.1]:$sink_port" "smtp_tls_security_level = none" \
    "mynetworks = 127.0.0.0/8" "smtpd_banner = \$myhostname ESMTP" \
    "postscreen_greet_wait = 1s" "postscreen_greet_action = enforce" \
    "postscreen_denylist_action = enforce" "smtpd_client_port_logging = yes" \
    "postscreen_access_list = permit_mynetworks, cidr:$INSTANCE_CONF/access.cidr"
instance_start "$p_main" "$p_deep" "$p_drop"
require "the instance starts"

# run_sessions PHASE - the Python part; its checks are printed as they run
run_sessions() {
    PHASE=$1 MAIN=$p_main DEEP=$p_deep DROP=$p_drop LOG=$INSTANCE_LOG SINK=$INSTANCE_DIR/sink \
        PYTHONPATH=$top/tests/integration/lib bounded 120 python3 - <<'PYEOF'
import glob, os, re, time
from smtp_session import Session, Checks, wait_for

t = Checks()
phase = os.environ["PHASE"]
main, deep, drop = int(os.environ["MAIN"]), int(os.environ["DEEP"]), int(os.environ["DROP"])
log = os.environ["LOG"]

def logged(regex, seconds=5):
    """The first maillog line that matches, within seconds."""
    def find():
        for line in open(log, errors="replace"):
            if re.search(regex, line):
                return line.rstrip("\n")
        return None
    return wait_for(find, seconds)

_connect = Session.connect
def connect(port, source):
    """A session that remembers its local port."""
    s = _connect(port, source=source)
    s.port = s.sock.getsockname()[1]
    return s
Session.connect = lambda port, source: connect(port, source)

def deliver(port, source, subject):
    """A whole mail transaction; the greeting and the end-of-data reply."""
    s = Session.connect(port, source=source)
    greeting = s.reply()
    s.cmd("EHLO client.test")
    s.cmd("MAIL FROM:<a@client.test>")
    s.cmd("RCPT TO:<b@far.test>")
    s.cmd("DATA")
    s.send("Subject: %s\r\n\r\nhello\r\n.\r\n" % subject)
    end = s.reply()
    s.cmd("QUIT")
    s.close()
    return greeting, end

def port_of(s):
    return str(s.port)

if phase == "first":
    # A patient client: postscreen's 220- line, then smtpd's 220 line.
    greeting, end = deliver(main, "127.0.0.1", "clean one")
    t.ok(greeting[0] == 220 and greeting[1][:1] == ["220-mail.example.test ESMTP"]
         and greeting[1][-1] == "220 mail.example.test ESMTP",
         "a new client gets postscreen's 220- line, then smtpd's 220 line", greeting)
    t.reply(end, 250, "its mail is queued by smtpd", "queued as")
    t.ok(logged(r"postscreen\[\d+\]: CONNECT from \[127\.0\.0\.1\]:\d+ to \[127\.0\.0\.1\]:%d$" % main),
         "postscreen logs CONNECT from [addr]:port to [addr]:port")
    t.ok(logged(r"postscreen\[\d+\]: PASS NEW \[127\.0\.0\.1\]:\d+$"), "postscreen logs PASS NEW")
    t.ok(logged(r"smtpd\[\d+\]: connect from [^ ]+\[127\.0\.0\.1\]:\d+$"),
         "smtpd serves the handed-over client")
    t.ok(wait_for(lambda: glob.glob(os.environ["SINK"] + "/msg.*"), 20),
         "the mail is delivered end to end")
    # The same client again: straight to smtpd.
    s = Session.connect(main, source="127.0.0.1")
    r = s.reply()
    t.ok(r[1] == ["220 mail.example.test ESMTP"], "a cached client gets smtpd's greeting at once", r)
    t.ok(logged(r"PASS OLD \[127\.0\.0\.1\]:%s$" % port_of(s)), "postscreen logs PASS OLD")
    s.cmd("QUIT")
    s.close()

    # A pregreeting client (enforce): logged, then refused at RCPT.
    s = Session.connect(main, source="127.0.0.2")
    s.send("EHLO pre\r\n")
    r = s.line()
    t.ok(r == "220-mail.example.test ESMTP", "the pregreeter sees the 220- line", r)
    r = s.reply()
    t.reply(r, 250, "its early EHLO is answered by postscreen")
    t.ok("PIPELINING" not in " ".join(r[1]), "postscreen announces no PIPELINING", r)
    t.reply(s.cmd("MAIL FROM:<spam@bot.test>"), 250, "MAIL is accepted")
    t.reply(s.cmd("RCPT TO:<b@far.test>"), 550, "RCPT gets 550 5.5.1 Protocol error",
            "^550 5.5.1 Protocol error$")
    t.reply(s.cmd("QUIT"), 221, "QUIT gets 221")
    s.close()
    p = port_of(s)
    t.ok(logged(r"postscreen\[\d+\]: PREGREET 10 after [0-9.]+ from \[127\.0\.0\.2\]:%s: EHLO pre\\r\\n$" % p),
         "postscreen logs PREGREET 10 after T from [addr]:port: EHLO pre\\r\\n")
    t.ok(logged(r"NOQUEUE: reject: RCPT from \[127\.0\.0\.2\]:%s: 550 5\.5\.1 Protocol error; "
                r"from=<spam@bot\.test>, to=<b@far\.test>, proto=ESMTP, helo=<pre>$" % p),
         "postscreen logs the NOQUEUE reject line")
    t.ok(logged(r"DISCONNECT \[127\.0\.0\.2\]:%s$" % p), "postscreen logs DISCONNECT")

    # postscreen_access_list: a denylisted client (enforce), an allowlisted one.
    s = Session.connect(main, source="127.0.0.3")
    r = s.reply()
    t.ok(r[1] == ["220-mail.example.test ESMTP", "220 mail.example.test ESMTP"],
         "a denylisted client (enforce) gets postscreen's whole greeting", r)
    s.cmd("EHLO deny.test")
    s.cmd("MAIL FROM:<a@deny.test>")
    t.reply(s.cmd("RCPT TO:<b@far.test>"), 550, "RCPT gets 550 5.3.2",
            "^550 5.3.2 Service currently unavailable$")
    t.reply(s.cmd("DATA"), 554, "DATA gets 554 and the session ends", "no valid recipients")
    t.ok(s.line() is None, "postscreen hangs up after DATA")
    s.close()
    t.ok(logged(r"DENYLISTED \[127\.0\.0\.3\]:%s$" % port_of(s)), "postscreen logs DENYLISTED")
    t.ok(logged(r"DATA without valid RCPT from \[127\.0\.0\.3\]:%s$" % port_of(s)),
         "postscreen logs DATA without valid RCPT")
    s = Session.connect(main, source="127.0.0.4")
    r = s.reply()
    t.ok(r[1] == ["220 mail.example.test ESMTP"], "an allowlisted client goes to smtpd at once", r)
    t.ok(logged(r"ALLOWLISTED \[127\.0\.0\.4\]:%s$" % port_of(s)), "postscreen logs ALLOWLISTED")
    s.cmd("QUIT")
    s.close()
    # drop: 521 at once.
    s = Session.connect(drop, source="127.0.0.9")
    r = s.reply()
    t.ok(r == (521, ["521 5.3.2 Service currently unavailable"]),
         "a denylisted client (drop) gets 521 5.3.2 at once", r)
    t.ok(s.line() is None, "and is disconnected")
    s.close()

    # The deep protocol tests.
    s = Session.connect(deep, source="127.0.0.5")
    r = s.reply()
    t.ok(r[1] == ["220-mail.example.test ESMTP", "220 mail.example.test ESMTP"],
         "deep tests: postscreen's whole greeting", r)
    s.cmd("EHLO good.test")
    s.cmd("MAIL FROM:<a@good.test>")
    t.reply(s.cmd("RCPT TO:<b@far.test>"), 450, "deep tests: RCPT gets 450 4.3.2",
            "^450 4.3.2 Service currently unavailable$")
    t.reply(s.cmd("QUIT"), 221, "deep tests: QUIT")
    s.close()
    t.ok(logged(r"PASS NEW \[127\.0\.0\.5\]:%s$" % port_of(s)),
         "deep tests: the client passes (PASS NEW) after the forced reconnect")
    greeting, end = deliver(deep, "127.0.0.5", "clean deep")
    t.ok(greeting[1] == ["220 mail.example.test ESMTP"], "deep tests: on reconnect straight to smtpd",
         greeting)
    t.reply(end, 250, "deep tests: the reconnected client's mail is queued", "queued as")

    s = Session.connect(deep, source="127.0.0.6")
    s.reply()
    s.send("EHLO p\r\nMAIL FROM:<a@b.test>\r\n")
    s.reply()
    s.reply()
    t.reply(s.cmd("RCPT TO:<b@far.test>"), 550, "pipelining: RCPT gets 550 5.5.1",
            "^550 5.5.1 Protocol error$")
    s.cmd("QUIT")
    s.close()
    t.ok(logged(r"COMMAND PIPELINING from \[127\.0\.0\.6\]:%s after EHLO: MAIL FROM:<a@b\.test>\\r\\n$"
                % port_of(s)), "postscreen logs COMMAND PIPELINING")

    s = Session.connect(deep, source="127.0.0.7")
    s.reply()
    s.cmd("EHLO p")
    r = s.cmd("GET / HTTP/1.0")
    t.ok(r == (521, ["521 5.7.0 Error: I can break rules, too. Goodbye."]),
         "non-SMTP command (drop): 521 and goodbye", r)
    t.ok(s.line() is None, "non-SMTP command: disconnected")
    s.close()
    t.ok(logged(r"NON-SMTP COMMAND from \[127\.0\.0\.7\]:%s after EHLO: GET / HTTP/1\.0$"
                % port_of(s)), "postscreen logs NON-SMTP COMMAND")

    s = Session.connect(deep, source="127.0.0.8")
    s.reply()
    s.send("EHLO bare\n")
    s.reply()
    s.cmd("MAIL FROM:<a@b.test>")
    t.reply(s.cmd("RCPT TO:<b@far.test>"), 550, "bare newline (enforce): RCPT gets 550")
    s.cmd("QUIT")
    s.close()
    t.ok(logged(r"BARE NEWLINE from \[127\.0\.0\.8\]:%s after EHLO bare$" % port_of(s)),
         "postscreen logs BARE NEWLINE")
else:
    s = Session.connect(main, source="127.0.0.1")
    r = s.reply()
    t.ok(r[1] == ["220 mail.example.test ESMTP"], "after a restart the cache still lets the client in",
         r)
    t.ok(logged(r"PASS OLD \[127\.0\.0\.1\]:%s$" % port_of(s)), "PASS OLD after the restart")
    s.cmd("QUIT")
    s.close()
    s = Session.connect(main, source="127.0.0.2")
    r = s.reply()
    t.ok(r[1][:1] == ["220-mail.example.test ESMTP"], "a client that failed is tested again", r)
    s.close()
PYEOF
}

run_sessions first
[ -s "$INSTANCE_DATA/postscreen_cache" ] || [ -s "$INSTANCE_DATA/postscreen_cache.db" ]
check "the cache is a btree file in data_directory"
instance_stop
instance_start "$p_main"
require "the instance starts again"
run_sessions again
grep -q "postscreen\[[0-9]*\]: cache btree:$INSTANCE_DATA/postscreen_cache full cleanup: retained=[1-9][0-9]* dropped=0 entries" "$INSTANCE_LOG"
check "postscreen sweeps its cache at start-up and keeps fresh entries"
! grep -Eq "panic|fatal|warning" "$INSTANCE_LOG"
check "no panic, fatal error or warning in the log"

#!/bin/bash
# postscreen_postfix_compare.sh - our postscreen and Debian's side by side,
# with the same main.cf and master.cf services: the same client sessions
# (a pregreeter, a denylisted client under enforce that tries every
# command, an allowlisted one, a clean client through the deep protocol
# tests and back, pipelining, a non-SMTP command, a bare newline) must get
# byte for byte the same replies, and postscreen must log the same lines
# (ports and times aside), so that log tools see no difference.
#
# Needs root and Debian's postfix (lib/postfix_peer.sh); otherwise skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

postfix_peer_available || skip "$POSTFIX_PEER_MISSING"
instance_create
read -r o_main o_deep t_main t_deep <<<"$(free_port 4 | tr '\n' ' ')"
postfix_peer_create debian
deb=$(postfix_peer_dir debian)
printf '%s\n' "127.0.0.3 reject" >"$INSTANCE_DIR/access.cidr"
chmod 755 "$INSTANCE_DIR"
chmod 644 "$INSTANCE_DIR/access.cidr"
main_cf=("myhostname = mail.example.test" "smtpd_banner = \$myhostname ESMTP"
    "mynetworks = 127.0.0.4/32" "postscreen_greet_wait = 1s" "postscreen_greet_action = enforce"
    "postscreen_denylist_action = enforce"
    "postscreen_access_list = permit_mynetworks, cidr:$INSTANCE_DIR/access.cidr")
deep="-o postscreen_pipelining_enable=yes -o postscreen_non_smtp_command_enable=yes"
deep="$deep -o postscreen_bare_newline_enable=yes -o postscreen_bare_newline_action=enforce"
# services MAIN DEEP DATA - the master.cf lines
services() {
    printf '%s\n' "127.0.0.1:$1 inet n - n - 1 postscreen" \
        "127.0.0.1:$2 inet n - n - 1 postscreen -o postscreen_cache_map=btree:$3/deep_cache $deep" \
        "smtpd pass - - n - - smtpd"
}
instance_main_cf "${main_cf[@]}"
services "$o_main" "$o_deep" "$INSTANCE_DATA" >>"$INSTANCE_CONF/master.cf"
instance_start "$o_main" "$o_deep"
require "our instance starts"
postfix_peer_main_cf debian "${main_cf[@]}"
services "$t_main" "$t_deep" "$deb/data" >>"$deb/conf/master.cf"
postfix_peer_start debian "$t_main" "$t_deep"
require "Debian's postfix starts"

OURS="$o_main $o_deep" THEIRS="$t_main $t_deep" OUR_LOG=$INSTANCE_LOG THEIR_LOG=$deb/maillog \
    PYTHONPATH=$top/tests/integration/lib bounded 180 python3 - <<'PYEOF'
import os, re, socket, time
from smtp_session import Checks

t = Checks()
ours = [int(p) for p in os.environ["OURS"].split()]
theirs = [int(p) for p in os.environ["THEIRS"].split()]

def drain(sock, wait):
    """What arrives within wait seconds after the last byte (or until the end)."""
    out = b""
    sock.settimeout(wait)
    while True:
        try:
            data = sock.recv(65536)
        except (socket.timeout, OSError):
            return out
        if not data:
            return out + b"<closed>"
        out += data

def session(port, source, steps):
    """The transcript of one session: each step sends bytes, then reads."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    transcript = []
    for data, wait in steps:
        if data:
            try:
                s.sendall(data)
            except OSError:
                transcript.append(b"<send failed>")
                break
        got = drain(s, wait)
        transcript.append(got)
        if got.endswith(b"<closed>"):
            break
    s.close()
    return transcript

C = lambda text: (text.encode() + b"\r\n", 0.5)
GREET = (b"", 1.8)
cases = [
    ("pregreet", 0, "127.0.0.2", [(b"EHLO pre\r\n", 1.8), C("MAIL FROM:<a@bot.test>"),
                                   C("RCPT TO:<b@far.test>"), C("QUIT")]),
    ("denylisted", 0, "127.0.0.3", [GREET, C("EHLO deny.test"), C("MAIL FROM:<a@deny.test>"),
                                     C("RCPT TO:<b@far.test>"), C("RSET"), C("NOOP"), C("VRFY x"),
                                     C("ETRN x"), C("HELP"), C("HELO h"), C("RCPT TO:<c@far.test>"),
                                     C("MAIL FROM:<a@deny.test>"), C("DATA")]),
    ("no HELO", 0, "127.0.0.6", [GREET, C("MAIL FROM:<x@y.test>"), C("RCPT TO:<z@far.test>"),
                                  C("QUIT")]),
    ("allowlisted", 0, "127.0.0.4", [(b"", 0.5), C("QUIT")]),
    ("deep pass", 1, "127.0.0.5", [GREET, C("EHLO good.test"), C("MAIL FROM:<a@good.test>"),
                                    C("RCPT TO:<b@far.test>"), C("QUIT")]),
    ("deep again", 1, "127.0.0.5", [(b"", 0.5), C("QUIT")]),
    ("pipelining", 1, "127.0.0.7", [GREET, (b"EHLO p\r\nMAIL FROM:<a@b.test>\r\n", 0.5),
                                     C("RCPT TO:<b@far.test>"), C("QUIT")]),
    ("non-SMTP", 1, "127.0.0.8", [GREET, C("EHLO p"), C("GET / HTTP/1.0")]),
    ("bare newline", 1, "127.0.0.9", [GREET, (b"EHLO bare\n", 0.5), C("MAIL FROM:<a@b.test>"),
                                       C("RCPT TO:<b@far.test>"), C("QUIT")]),
]
for name, which, source, steps in cases:
    a = session(ours[which], source, steps)
    b = session(theirs[which], source, steps)
    t.ok(a == b, "%s: the same replies as Debian's postscreen" % name,
         "ours %r, Debian's %r" % (a, b))

def lines(path):
    """postscreen's log lines, ports, times and pids aside."""
    out = []
    for line in open(path, errors="replace"):
        m = re.search(r"postscreen\[\d+\]: (.*)", line)
        if not m:
            continue
        text = m.group(1)
        # The start-up probes (from 127.0.0.1) of two processes interleave at random.
        if re.match(r"cache .* full cleanup", text) or re.search(r"(from|DISCONNECT) \[127\.0\.0\.1\]", text):
            continue
        text = re.sub(r"\]:\d+", "]:PORT", text)
        text = re.sub(r"after [0-9.]+ from", "after T from", text)
        out.append(text)
    return out

time.sleep(1)
a, b = lines(os.environ["OUR_LOG"]), lines(os.environ["THEIR_LOG"])
t.ok(len(a) > 20, "postscreen logged the sessions", len(a))
t.ok(a == b, "postscreen logs the same lines as Debian's",
     "\n".join("%-80s | %s" % pair for pair in zip(a + [""] * (len(b) - len(a)),
                                                    b + [""] * (len(a) - len(b)))))
PYEOF

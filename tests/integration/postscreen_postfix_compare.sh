#!/bin/bash
# postscreen_postfix_compare.sh - our postscreen and Debian's side by side,
# with the same main.cf and master.cf services: the same client sessions
# (a pregreeter, a denylisted client under enforce that tries every
# command, an allowlisted one, a clean client through the deep protocol
# tests and back, pipelining, a non-SMTP command, a bare newline, STARTTLS
# through tlsproxy, with and without plaintext injected after it) must get
# byte for byte the same replies, and postscreen (and tlsproxy) must log
# the same lines per client (ports and times aside), so that log tools see
# no difference. The sessions run at once, each against both servers; each
# step reads exactly the replies it asks for, so nothing waits for silence.
#
# Needs root and Debian's postfix (lib/postfix_peer.sh); otherwise skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

postfix_peer_available || skip "$POSTFIX_PEER_MISSING"
instance_create
read -r o_main o_deep o_tls o_veto o_fail t_main t_deep t_tls t_veto t_fail <<<"$(free_port 10 | tr '\n' ' ')"
postfix_peer_create debian
deb=$(postfix_peer_dir debian)
printf '%s\n' "127.0.0.3 reject" >"$INSTANCE_DIR/access.cidr"
printf '%s\n' '/^NOOP filtered$/ VRFY replaced' >"$INSTANCE_DIR/command_filter"
printf '%s\n' '/^550 5\.5\.1 / \c (protocol error at $$server_name)' >"$INSTANCE_DIR/footer_maps"
printf '%s\n' "127.0.0.13 starttls, DSN" "127.0.0.16 enhancedstatuscodes 8bitmime" \
    "127.0.0.18 etrn smtputf8" >"$INSTANCE_DIR/discard.cidr"
cp "$INSTANCE_DIR/command_filter" "$INSTANCE_DIR/footer_maps" "$INSTANCE_DIR/discard.cidr" "$deb/conf/"
chmod 755 "$INSTANCE_DIR"
chmod 644 "$INSTANCE_DIR/access.cidr" "$INSTANCE_DIR/command_filter" "$deb/conf/command_filter" \
    "$INSTANCE_DIR/footer_maps" "$deb/conf/footer_maps" "$INSTANCE_DIR/discard.cidr" \
    "$deb/conf/discard.cidr"
# One certificate; each side reads its own copy of the key.
cert_make "$INSTANCE_DIR" server /CN=mail.example.test || fail "make a certificate"
cp "$INSTANCE_DIR/server.pem" "$INSTANCE_DIR/server.key" "$deb/conf/"
chmod 644 "$INSTANCE_DIR/server.pem" "$deb/conf/server.pem"
[ -n "$INSTANCE_RUN_AS" ] && chown "$INSTANCE_RUN_AS" "$INSTANCE_DIR/server.key"
main_cf=("myhostname = mail.example.test" "smtpd_banner = \$myhostname ESMTP"
    "mynetworks = 127.0.0.4/32" "postscreen_greet_wait = 1s" "postscreen_greet_action = enforce"
    "postscreen_denylist_action = enforce"
    "postscreen_access_list = permit_mynetworks, cidr:$INSTANCE_DIR/access.cidr"
    "tlsproxy_tls_security_level = may"
    'smtpd_reject_footer = Contact postmaster@$server_name\nClient [$client_address]')
deep="-o postscreen_pipelining_enable=yes -o postscreen_non_smtp_command_enable=yes"
deep="$deep -o postscreen_bare_newline_enable=yes -o postscreen_bare_newline_action=enforce"
# The TLS service discards EHLO keywords; one more lets no client earn
# allowlist status at its address, one more cannot look up what to discard.
discard="-o postscreen_discard_ehlo_keywords=etrn,smtputf8"
veto="-o postscreen_allowlist_interfaces=!127.0.0.1,static:all"
# services MAIN DEEP TLS VETO FAIL DATA CONF - the master.cf lines
services() {
    printf '%s\n' "127.0.0.1:$1 inet n - n - 1 postscreen" \
        "127.0.0.1:$2 inet n - n - 1 postscreen -o postscreen_cache_map=btree:$6/deep_cache $deep -o postscreen_command_filter=regexp:$7/command_filter" \
        "127.0.0.1:$3 inet n - n - 1 postscreen -o postscreen_cache_map= -o postscreen_non_smtp_command_enable=yes -o postscreen_tls_security_level=may $discard -o postscreen_discard_ehlo_keyword_address_maps=cidr:$7/discard.cidr" \
        "127.0.0.1:$4 inet n - n - 1 postscreen -o postscreen_cache_map=btree:$6/veto_cache $veto" \
        "127.0.0.1:$5 inet n - n - 1 postscreen -o postscreen_cache_map= $deep -o postscreen_discard_ehlo_keyword_address_maps=fail:x" \
        "smtpd pass - - n - - smtpd -o smtpd_reject_footer=" "tlsproxy unix - - n - 0 tlsproxy"
}
instance_main_cf "${main_cf[@]}" "tlsproxy_tls_cert_file = $INSTANCE_DIR/server.pem" \
    "tlsproxy_tls_key_file = $INSTANCE_DIR/server.key" \
    "postscreen_reject_footer_maps = regexp:$INSTANCE_DIR/footer_maps"
services "$o_main" "$o_deep" "$o_tls" "$o_veto" "$o_fail" "$INSTANCE_DATA" "$INSTANCE_DIR" \
    >>"$INSTANCE_CONF/master.cf"
instance_start "$o_main" "$o_deep" "$o_tls" "$o_veto" "$o_fail"
require "our instance starts"
postfix_peer_main_cf debian "${main_cf[@]}" "tlsproxy_tls_cert_file = $deb/conf/server.pem" \
    "tlsproxy_tls_key_file = $deb/conf/server.key" \
    "postscreen_reject_footer_maps = regexp:$deb/conf/footer_maps"
services "$t_main" "$t_deep" "$t_tls" "$t_veto" "$t_fail" "$deb/data" "$deb/conf" >>"$deb/conf/master.cf"
postfix_peer_start debian "$t_main" "$t_deep" "$t_tls" "$t_veto" "$t_fail"
require "Debian's postfix starts"

OURS="$o_main $o_deep $o_tls $o_veto $o_fail" THEIRS="$t_main $t_deep $t_tls $t_veto $t_fail" OUR_LOG=$INSTANCE_LOG \
    THEIR_LOG=$deb/maillog PYTHONPATH=$top/tests/integration/lib bounded 120 python3 - <<'PYEOF'
import os, re, socket, ssl, threading
from smtp_session import Checks, wait_for, unverified_context

t = Checks()
ours = [int(p) for p in os.environ["OURS"].split()]
theirs = [int(p) for p in os.environ["THEIRS"].split()]
STEP_LIMIT = 8  # seconds for the replies of one step (the greeting waits 1s)

class Conn:
    """A client connection that reads whole replies."""
    def __init__(self, port, source):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=STEP_LIMIT,
                                             source_address=(source, 0))
        self.buf = b""
        self.closed = False

    def fill(self):
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, OSError, ssl.SSLError):
            data = b""
        if not data:
            self.closed = True
        self.buf += data
        return bool(data)

    def replies(self, count):
        """The bytes of count replies (each ends with a line whose 4th byte is not '-')."""
        out = b""
        while count > 0:
            while b"\n" not in self.buf:
                if self.closed or not self.fill():
                    out, self.buf = out + self.buf, b""
                    return out + b"<closed>"
            line, self.buf = self.buf.split(b"\n", 1)
            out += line + b"\n"
            if len(line) < 4 or line[3:4] != b"-":
                count -= 1
        return out

    def rest(self):
        """What is left when the client is done: the end of input, or nothing more soon."""
        self.sock.settimeout(0.3)
        while not self.closed and self.fill():
            pass
        data, self.buf = self.buf, b""
        return data + (b"<closed>" if self.closed else b"")

def session(port, source, steps):
    """The transcript of one session: each step sends bytes, then reads its replies."""
    c = Conn(port, source)
    transcript = []
    for data, count in steps:
        if data == "TLS":
            c.sock = unverified_context().wrap_socket(c.sock)
            continue
        if data:
            try:
                c.sock.sendall(data)
            except OSError:
                transcript.append(b"<send failed>")
                break
        got = c.replies(count)
        transcript.append(got)
        if got.endswith(b"<closed>"):
            break
    if not transcript or not transcript[-1].endswith(b"<closed>"):
        transcript.append(c.rest())
    c.sock.close()
    return transcript

C = lambda text, count=1: (text.encode() + b"\r\n", count)
GREET = (b"", 1)
cases = [
    ("pregreet", 0, "127.0.0.2", [(b"EHLO pre\r\n", 1), C("MAIL FROM:<a@bot.test>"),
                                   C("RCPT TO:<b@far.test>"), C("QUIT")]),
    ("denylisted", 0, "127.0.0.3", [GREET, C("EHLO deny.test"), C("MAIL FROM:<a@deny.test>"),
                                     C("RCPT TO:<b@far.test>"), C("RSET"), C("NOOP"), C("VRFY x"),
                                     C("ETRN x"), C("HELP"), C("HELO h"), C("RCPT TO:<c@far.test>"),
                                     C("MAIL FROM:<a@deny.test>"), C("DATA")]),
    ("no HELO", 0, "127.0.0.6", [GREET, C("MAIL FROM:<x@y.test>"), C("RCPT TO:<z@far.test>"),
                                  C("QUIT")]),
    ("allowlisted", 0, "127.0.0.4", [GREET, C("QUIT")]),
    ("deep pass", 1, "127.0.0.5", [GREET, C("EHLO good.test"), C("MAIL FROM:<a@good.test>"),
                                    C("RCPT TO:<b@far.test>"), C("QUIT")]),
    ("deep again", 1, "127.0.0.5", [GREET, C("QUIT")]),
    ("pipelining", 1, "127.0.0.7", [GREET, (b"EHLO p\r\nMAIL FROM:<a@b.test>\r\n", 2),
                                     C("RCPT TO:<b@far.test>"), C("QUIT")]),
    ("non-SMTP", 1, "127.0.0.8", [GREET, C("EHLO p"), C("GET / HTTP/1.0")]),
    ("bare newline", 1, "127.0.0.9", [GREET, (b"EHLO bare\n", 1), C("MAIL FROM:<a@b.test>"),
                                       C("RCPT TO:<b@far.test>"), C("QUIT")]),
    ("command filter", 1, "127.0.0.12", [GREET, C("EHLO filter.test"), C("NOOP filtered"),
                                          C("NOOP"), C("QUIT")]),
    ("STARTTLS", 2, "127.0.0.10", [GREET, C("EHLO tls.test"), C("STARTTLS"), ("TLS", 0),
                                    C("EHLO tls.test"), C("STARTTLS"), C("MAIL FROM:<a@tls.test>"),
                                    C("RCPT TO:<b@far.test>"), C("QUIT")]),
    ("STARTTLS injection", 2, "127.0.0.11", [GREET, C("EHLO inject.test"),
                                              (b"STARTTLS\r\nVRFY injected\r\n", 1), ("TLS", 0),
                                              C("NOOP"), C("QUIT")]),
    ("discard by address", 2, "127.0.0.13", [GREET, C("EHLO d.test"), C("STARTTLS"), C("QUIT")]),
    ("discard quietly", 2, "127.0.0.16", [GREET, C("EHLO q.test"), C("QUIT")]),
    ("discard the default", 2, "127.0.0.18", [GREET, C("EHLO q.test"), C("QUIT")]),
    ("discard lookup fails", 4, "127.0.0.17", [GREET, C("EHLO f.test"), C("NOOP")]),
    ("veto", 3, "127.0.0.14", [GREET, C("EHLO veto.test"), C("MAIL FROM:<a@veto.test>"),
                               C("RCPT TO:<b@far.test>"), C("QUIT")]),
    ("veto again", 3, "127.0.0.14", [GREET, C("EHLO veto.test"), C("QUIT")]),
    ("veto pregreet", 3, "127.0.0.15", [(b"EHLO pre\r\n", 1), C("QUIT")]),
    ("veto allowlisted", 3, "127.0.0.4", [GREET, C("QUIT")]),
]
# Sessions of one client address run in order (the cache); the rest at once.
chains = {}
for case in cases:
    chains.setdefault(case[2], []).append(case)
results = {}

def run_chain(chain, ports, side):
    for name, which, source, steps in chain:
        try:
            results[(name, side)] = session(ports[which], source, steps)
        except OSError as e:
            results[(name, side)] = ["<%s>" % e]

threads = [threading.Thread(target=run_chain, args=(chain, ports, side))
           for chain in chains.values() for ports, side in ((ours, "ours"), (theirs, "theirs"))]
for th in threads:
    th.start()
for th in threads:
    th.join(60)
for name, which, source, steps in cases:
    a, b = results.get((name, "ours")), results.get((name, "theirs"))
    if name == "discard lookup fails":
        # Debian's postscreen exits (fatal), dropping every client; ours answers
        # this one client 421 and carries on.
        t.ok(a is not None and len(a) == 3 and a[0] == b[0] and
             a[1].startswith(b"421-4.3.0 mail.example.test Server local data error\r\n") and
             a[2] == b"<closed>", "%s: 421 and the end of the session" % name, repr(a))
        continue
    t.ok(a is not None and a == b, "%s: the same replies as Debian's postscreen" % name,
         "ours %r, Debian's %r" % (a, b))

def lines(path):
    """postscreen's and tlsproxy's log lines per program and client, ports and times aside."""
    out = {}
    for line in open(path, errors="replace"):
        m = re.search(r"(postscreen|tlsproxy)\[\d+\]: (.*)", line)
        if not m:
            continue
        program, text = m.groups()
        # Start-up probes come from 127.0.0.1; the TLS summary line is the TLS library's own.
        if re.match(r"cache .* full cleanup", text) or "[127.0.0.1]" in text or \
                "TLS connection established" in text or "tlsmgr" in text:
            continue
        addr = re.search(r"\[(127\.0\.0\.\d+)\]", text)
        if "127.0.0.17" in text:
            continue  # the lookup failure, checked above
        text = re.sub(r"\]:\d+", "]:PORT", text)
        # Postfix writes "[addr]port: discarding EHLO keywords", without a colon.
        text = re.sub(r"\]\d+: discarding", "]PORT: discarding", text)
        text = re.sub(r"after [0-9.]+ from", "after T from", text)
        out.setdefault((program, addr.group(1) if addr else ""), []).append(text)
    return out

def show(a, b):
    rows = []
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key, []), b.get(key, [])
        for i in range(max(len(x), len(y))):
            rows.append("%-80s | %s" % (x[i] if i < len(x) else "", y[i] if i < len(y) else ""))
    return "\n".join(rows)

# Both logs are complete when they agree, or after a bound.
same = wait_for(lambda: lines(os.environ["OUR_LOG"]) == lines(os.environ["THEIR_LOG"]), 10, 0.2)
a, b = lines(os.environ["OUR_LOG"]), lines(os.environ["THEIR_LOG"])
t.ok(sum(len(v) for v in a.values()) > 30, "postscreen and tlsproxy logged the sessions",
     sum(len(v) for v in a.values()))
t.ok(("tlsproxy", "127.0.0.10") in a, "tlsproxy logged the STARTTLS session")
t.ok(same, "postscreen and tlsproxy log the same lines per client as Debian's", show(a, b))
t.summary()
PYEOF
check "the sessions ran"

#!/bin/bash
# smtpd_limits.sh - the per-client limits that anvil(8) counts for all
# smtpd processes of a service: connection count (held connections in
# several processes), connection rate (one process per connection),
# message and recipient rates across connections, new TLS sessions
# (the handshake over the limit ends the session, then STARTTLS is
# refused; resumed sessions do not count; on an implicit-TLS port no
# handshake at all), the exceptions list; smtpd_junk_command_limit; and
# anvil killed or hung in the middle: mail still flows, with a warning.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create || exit 1
certs=$INSTANCE_DIR/certs
certs_make "$certs"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$certs"
read -r p_plain p_count p_rate p_mail p_exc p_junk p_tls p_resume p_wrap <<<"$(free_port 9 | tr '\n' ' ')"

# Loopback is in $mynetworks, the default exceptions: the limited services clear the list.
noexc="-o smtpd_client_event_limit_exceptions="
instance_main_cf "mydestination = \$myhostname" "smtpd_error_sleep_time = 0" \
    "service_throttle_time = 1s" "anvil_status_update_time = 2s"
instance_master_cf \
    "anvil unix - - n - 1 anvil" \
    "cleanup unix n - n - 0 cleanup" \
    "127.0.0.1:$p_plain inet n - n - - smtpd" \
    "127.0.0.1:$p_count inet n - n - - smtpd $noexc -o smtpd_client_connection_count_limit=2" \
    "127.0.0.1:$p_rate inet n - n - - smtpd $noexc -o max_use=1 -o smtpd_client_connection_rate_limit=3" \
    "127.0.0.1:$p_mail inet n - n - - smtpd $noexc -o max_use=1 -o smtpd_client_message_rate_limit=2 -o smtpd_client_recipient_rate_limit=3" \
    "127.0.0.1:$p_exc inet n - n - - smtpd -o smtpd_client_event_limit_exceptions=127.0.0.0/8 -o smtpd_client_connection_rate_limit=1" \
    "127.0.0.1:$p_junk inet n - n - - smtpd -o smtpd_junk_command_limit=5 -o smtpd_hard_error_limit=3" \
    "127.0.0.1:$p_tls inet n - n - - smtpd $noexc -o smtpd_client_new_tls_session_rate_limit=2 -o smtpd_tls_security_level=may -o smtpd_tls_chain_files=$certs/rsa-chain.pem -o tls_ssl_options=NO_TICKET" \
    "tlsmgr unix - - n 1000? 1 tlsmgr" \
    "127.0.0.1:$p_resume inet n - n - - smtpd $noexc -o smtpd_client_new_tls_session_rate_limit=1 -o smtpd_tls_security_level=may -o smtpd_tls_chain_files=$certs/rsa-chain.pem" \
    "127.0.0.1:$p_wrap inet n - n - - smtpd $noexc -o smtpd_client_new_tls_session_rate_limit=1 -o smtpd_tls_wrappermode=yes -o smtpd_tls_chain_files=$certs/rsa-chain.pem -o tls_ssl_options=NO_TICKET"
instance_start "$p_plain" || fail "the instance starts"

anvil_pid() {
    instance_procs | awk '$3 ~ /(^|\/)anvil$/ { print $2; exit }'
}
export -f anvil_pid instance_procs group_procs
export INSTANCE_MASTER_PID

P_RESUME=$p_resume P_WRAP=$p_wrap P_PLAIN=$p_plain P_COUNT=$p_count P_RATE=$p_rate P_MAIL=$p_mail P_EXC=$p_exc P_JUNK=$p_junk \
    P_TLS=$p_tls LOG=$INSTANCE_LOG PYTHONPATH=$top/tests/integration/lib bounded 240 python3 - <<'PYEOF'
import os, re, signal, socket, ssl, subprocess, time
from smtp_session import Session, Checks, wait_for

t = Checks()
port = {k: int(os.environ["P_" + k])
        for k in ("PLAIN", "COUNT", "RATE", "MAIL", "EXC", "JUNK", "TLS", "RESUME", "WRAP")}
host = "mail.example.test"

def log():
    with open(os.environ["LOG"], errors="replace") as f:
        return f.read()

def greet(p):
    s = Session.connect(p)
    return s, s.reply()

def anvil_pid():
    out = subprocess.run(["bash", "-c", "anvil_pid"], capture_output=True, text=True, timeout=30)
    return int(out.stdout) if out.stdout.strip() else None

def send_mail(s, rcpts=("postmaster@mail.example.test",)):
    s.cmd("EHLO client.example")
    if s.cmd("MAIL FROM:<alice@client.example>")[0] != 250:
        return False
    if any(s.cmd("RCPT TO:<%s>" % r)[0] != 250 for r in rcpts):
        return False
    if s.cmd("DATA")[0] != 354:
        return False
    return s.cmd("Subject: limits\r\n\r\nbody\r\n.")[0] == 250

# Connection count: two open connections, in two smtpd processes; the third is refused.
a, ga = greet(port["COUNT"])
b, gb = greet(port["COUNT"])
t.ok(ga[0] == 220 and gb[0] == 220, "count: two connections are greeted", (ga, gb))
c, gc = greet(port["COUNT"])
t.reply(gc, 421, "count: the third connection gets Postfix's 421",
        r"^421 4\.7\.0 %s Error: too many connections from 127\.0\.0\.1$" % re.escape(host))
t.ok(c.reply()[0] == 0, "count: and is closed")
c.close()
t.ok(wait_for(lambda: re.search(r"warning: Connection concurrency limit exceeded: 3 from "
                                r"\S+\[127\.0\.0\.1\] for service 127\.0\.0\.1:%d" % port["COUNT"],
                                log())),
     "count: the warning names the count, the client and the service")
a.cmd("QUIT")
a.close()
time.sleep(0.5)
d, gd = greet(port["COUNT"])
t.reply(gd, 220, "count: after one QUIT a new connection is greeted (shared count went down)")
# A client that vanishes without QUIT is forgotten too (its smtpd reports the disconnect).
b.close()
d.close()
time.sleep(0.5)
e, ge = greet(port["COUNT"])
f, gf = greet(port["COUNT"])
t.reply(ge, 220, "count: closed connections are forgotten (1)")
t.reply(gf, 220, "count: closed connections are forgotten (2)")
e.close()
f.close()

# Connection rate: max_use=1, so each connection is another smtpd process.
for i in range(3):
    s, g = greet(port["RATE"])
    t.reply(g, 220, "rate: connection %d of 3 is greeted" % (i + 1))
    s.cmd("QUIT")
    s.close()
s, g = greet(port["RATE"])
t.reply(g, 421, "rate: the fourth connection within the time unit gets 421",
        r"^421 4\.7\.0 %s Error: too many connections from 127\.0\.0\.1$" % re.escape(host))
s.close()
t.ok(wait_for(lambda: re.search(r"warning: Connection rate limit exceeded: 4 from \S+\[127\.0\.0\.1\] "
                                r"for service 127\.0\.0\.1:%d" % port["RATE"], log())),
     "rate: Postfix's warning line")

# Message and recipient rates, across two connections and two processes.
s, g = greet(port["MAIL"])
t.ok(send_mail(s, ["postmaster@mail.example.test", "root@mail.example.test"]),
     "mail: message 1 with 2 recipients is accepted")
s.cmd("QUIT")
s.close()
s, g = greet(port["MAIL"])
s.cmd("EHLO client.example")
t.reply(s.cmd("MAIL FROM:<alice@client.example>"), 250, "mail: message 2 is accepted")
t.reply(s.cmd("RCPT TO:<postmaster@mail.example.test>"), 250, "mail: recipient 3 is accepted")
t.reply(s.cmd("RCPT TO:<root@mail.example.test>"), 450, "mail: recipient 4 gets Postfix's 450",
        r"^450 4\.7\.1 Error: too many recipients from 127\.0\.0\.1$")
s.cmd("RSET")
t.reply(s.cmd("MAIL FROM:<alice@client.example>"), 450, "mail: message 3 gets Postfix's 450",
        r"^450 4\.7\.1 Error: too much mail from 127\.0\.0\.1$")
s.cmd("QUIT")
s.close()
t.ok(re.search(r"warning: Recipient address rate limit exceeded: 4 from \S+\[127\.0\.0\.1\] for service",
               log()), "mail: the recipient rate warning")
t.ok(re.search(r"warning: Message delivery request rate limit exceeded: 3 from \S+\[127\.0\.0\.1\] for service",
               log()), "mail: the message rate warning")

# The exceptions list: a limit of 1 connection per minute does not apply.
good = 0
for i in range(3):
    s, g = greet(port["EXC"])
    good += g[0] == 220
    s.cmd("QUIT")
    s.close()
t.ok(good == 3, "exceptions: three connections from an excepted client are greeted", good)

# Junk commands: 5 free NOOPs and one more, then each one is an error; 3 errors end it.
s, g = greet(port["JUNK"])
codes = [s.cmd("NOOP")[0] for _ in range(9)]
t.ok(codes == [250] * 9, "junk: nine NOOPs are answered", codes)
t.reply(s.reply(), 421, "junk: then the session ends with too many errors",
        r"^421 4\.7\.0 %s Error: too many errors$" % re.escape(host))
s.close()

# With the defaults (100 junk commands, hard error limit 20) a NOOP flood ends after
# 101 free NOOPs and 20 that count as errors.
s, g = greet(port["PLAIN"])
codes = []
while len(codes) < 2200:
    r = s.cmd("NOOP")
    codes.append(r[0])
    if r[0] != 250:
        break
s.close()
t.ok(codes == [250] * 121 + [421], "junk: a NOOP flood with the defaults gets 121 replies, then 421",
     "%d replies, last %r" % (len(codes), codes[-3:]))

# New TLS sessions: two full handshakes; the third ends its session with 421; then 454.
def tls_session():
    s, g = greet(port["TLS"])
    s.cmd("EHLO client.example")
    r = s.cmd("STARTTLS")
    if r[0] != 220:
        return s, r
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        s.starttls(ctx)
    except (ssl.SSLError, OSError) as e:
        return s, (-1, [str(e)])
    return s, s.cmd("EHLO client.example")

for i in range(2):
    s, r = tls_session()
    t.reply(r, 250, "newtls: full handshake %d of 2 is served" % (i + 1))
    s.cmd("QUIT")
    s.close()
s, r = tls_session()
t.reply(r, 421, "newtls: the third full handshake ends the session",
        r"^421 4\.7\.0 %s Error: too many new TLS sessions from \S+\[127\.0\.0\.1\]$" % re.escape(host))
s.close()
s, r = tls_session()
t.reply(r, 454, "newtls: then STARTTLS is refused with Postfix's 454",
        r"^454 4\.7\.0 Error: too many new TLS sessions from \S+\[127\.0\.0\.1\]$")
s.close()
t.ok(re.search(r"warning: New TLS session rate limit exceeded: 3 from \S+\[127\.0\.0\.1\] for service", log())
     and re.search(r"warning: Refusing STARTTLS request from \S+\[127\.0\.0\.1\] for service", log()),
     "newtls: both warnings are logged")

# Resumed sessions are not new ones: at the limit (1) they still work; the next full
# handshake goes over it and ends its session, and then STARTTLS is refused.
def tls12():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx

def resume_session(ctx, session):
    s, g = greet(port["RESUME"])
    s.cmd("EHLO client.example")
    r = s.cmd("STARTTLS")
    if r[0] != 220:
        return s, r, None
    s.buf = b""
    try:
        s.sock = ctx.wrap_socket(s.sock, session=session)
    except (ssl.SSLError, OSError) as e:
        return s, (-1, [str(e)]), None
    return s, s.cmd("EHLO client.example"), s.sock

ctx = tls12()
s, r, sock = resume_session(ctx, None)
t.reply(r, 250, "resume: the first full handshake is served")
saved = sock.session if sock else None
s.cmd("QUIT")
s.close()
for i in range(2):
    s, r, sock = resume_session(ctx, saved)
    t.ok(r[0] == 250 and sock is not None and sock.session_reused,
         "resume: resumed session %d works at the limit" % (i + 1), r)
    s.cmd("QUIT")
    s.close()
s, r, sock = resume_session(tls12(), None)
t.reply(r, 421, "resume: a second full handshake goes over the limit",
        r"too many new TLS sessions from \S+\[127\.0\.0\.1\]$")
s.close()
s, r, sock = resume_session(ctx, saved)
t.reply(r, 454, "resume: then STARTTLS is refused, even to a client that would resume")
s.close()

# Implicit TLS: the handshake over the limit gets 421; then no handshake at all.
def wrapped():
    raw = socket.create_connection(("127.0.0.1", port["WRAP"]), timeout=10)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        s = Session(ctx.wrap_socket(raw))
    except (ssl.SSLError, OSError) as e:
        raw.close()
        return (-1, [str(e)])
    r = s.reply()
    s.close()
    return r

t.reply(wrapped(), 220, "wrapper: the first implicit-TLS connection is greeted")
t.reply(wrapped(), 421, "wrapper: the second full handshake gets 421",
        r"too many new TLS sessions from \S+\[127\.0\.0\.1\]$")
r = wrapped()
t.ok(r[0] in (-1, 0), "wrapper: the third connection gets no handshake and no greeting", r)
t.ok(wait_for(lambda: re.search(r"warning: Refusing TLS service request from \S+\[127\.0\.0\.1\] "
                                r"for service 127\.0\.0\.1:%d" % port["WRAP"], log())),
     "wrapper: Postfix's warning line")

# Statistics every anvil_status_update_time.
t.ok(wait_for(lambda: re.search(r"anvil\[\d+\]: statistics: max connection rate \d+/60s for "
                                r"\(127\.0\.0\.1:\d+:127\.0\.0\.1\) at \w{3} [ \d]\d \d\d:\d\d:\d\d",
                                log()), seconds=10),
     "anvil logs its statistics")
t.ok(re.search(r"statistics: max connection count 3 for \(127\.0\.0\.1:%d:127\.0\.0\.1\)" % port["COUNT"],
               log()), "anvil logs the connection count maximum (3, the refused one included)")

# anvil hung (stopped): the next session waits at most the client's time limit, then
# goes on without limits, with a warning.
pid = anvil_pid()
t.ok(pid is not None, "anvil runs (pid %s)" % pid)
if pid:
    os.kill(pid, signal.SIGSTOP)
    start = time.time()
    s, g = greet(port["COUNT"])
    t.reply(g, 220, "anvil stopped: the client is greeted")
    t.ok(send_mail(s), "anvil stopped: mail is accepted")
    s.cmd("QUIT")
    s.close()
    t.ok(time.time() - start < 20, "anvil stopped: within the bounded wait", time.time() - start)
    t.ok(re.search(r"warning: private/anvil: connect request to the anvil service failed: no "
                   r"client connection or rate limits in this process", log()),
         "anvil stopped: smtpd logged a warning")
    os.kill(pid, signal.SIGCONT)
    # anvil killed: master starts another; mail flows all along.
    os.kill(pid, signal.SIGKILL)
    s, g = greet(port["PLAIN"])
    t.ok(g[0] == 220 and send_mail(s), "anvil killed: mail is accepted")
    s.cmd("QUIT")
    s.close()
    # The new anvil starts from zero: the rate-limited service greets again.
    s, g = greet(port["RATE"])
    t.reply(g, 220, "anvil killed: a new anvil counts from zero")
    s.close()
    t.ok(wait_for(lambda: anvil_pid() not in (None, pid), seconds=15),
         "anvil killed: master started another anvil")
raise SystemExit(t.summary())
PYEOF
check "the python part ran to its end"

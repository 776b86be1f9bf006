#!/bin/bash
# smtpd.sh - the SMTP server's protocol engine on real sockets: replies,
# limits, timeouts, the bare-LF (SMTP smuggling) defence, restrictions and
# their log lines, and the stand-alone mode of "sendmail -bs" (maildrop,
# no policy, no TLS even with a root-only key configured).
#
# Sessions run "smtpd -S" on a TCP connection, as inetd would. Run by
# root, a session is a network session; run by an ordinary user other than
# mail_owner, it is the stand-alone mode.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
smtpd=$TEST_LIBEXEC/smtpd
[ -x "$smtpd" ] || fail "$top/libexec/smtpd is not built"
[ "$(id -u)" -eq 0 ] || skip "needs root to run sessions as another user"

dir=$(mktemp -d /tmp/smtpd-test.XXXXXX) || exit 1
at_exit 'rm -rf "$dir"'
chmod 755 "$dir"
mkdir -p "$dir/conf" "$dir/queue/maildrop"
chmod 1777 "$dir/queue/maildrop"
: >"$dir/maillog"
chmod 666 "$dir/maillog"
cert_make "$dir/conf" server /CN=mx.example.test
chmod 600 "$dir/conf/server.key"
cat >"$dir/conf/main.cf" <<EOF
compatibility_level = 3.8
queue_directory = $dir/queue
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = mx.example.test
mydomain = example.test
mydestination = \$myhostname, example.test
mynetworks = 192.0.2.0/24
smtpd_forbid_unauth_pipelining = no
mail_owner = daemon
smtpd_error_sleep_time = 0
smtpd_peername_lookup = yes
EOF

SMTPD=$smtpd CONF=$dir/conf QUEUE=$dir/queue MAILLOG=$dir/maillog \
    PYTHONPATH=$top/tests/integration/lib python3 - <<'EOF'
import glob, os, pwd, re, sys, time
from smtp_session import Session, Checks, wait_for, queue_records, queue_content

t = Checks()
smtpd, conf, queue, maillog = (os.environ[k] for k in ("SMTPD", "CONF", "QUEUE", "MAILLOG"))
nobody = pwd.getpwnam("nobody")

def log():
    with open(maillog, errors="replace") as f:
        return f.read()

def session(*overrides):
    argv = [smtpd, "-S", "-c", conf]
    for o in overrides:
        argv += ["-o", o]
    s = Session.spawn(argv)
    t.reply(s.reply(), 220, "greeting", r"^220 mx\.example\.test ESMTP Postern$")
    return s

def as_nobody():
    os.setgid(nobody.pw_gid)
    os.setgroups([])
    os.setuid(nobody.pw_uid)

def finish(s, name):
    s.close()
    t.ok(s.wait() == 0, name + ": server exits cleanly")

records, content = queue_records, queue_content

# --- Replies of a network session (run by root) ---
s = session()
code, lines = s.cmd("EHLO client.test")
t.reply((code, lines), 250, "EHLO")
keywords = [l[4:] for l in lines[1:]]
t.ok(keywords == ["PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN"],
     "EHLO keywords", repr(keywords))
t.reply(s.cmd("HELO"), 501, "HELO needs a name", r"^501 Syntax: HELO hostname$")
t.reply(s.cmd("RCPT TO:<u@example.test>"), 503, "RCPT before MAIL", "need MAIL command")
t.reply(s.cmd("DATA"), 503, "DATA before RCPT", "need RCPT command")
t.reply(s.cmd("MAIL FROM:<a b@c.test>"), 501, "bad sender", "5.1.7 Bad sender address syntax")
t.reply(s.cmd("MAIL FROM:a@b.test SIZE=99999999"), 552, "declared size too big", "5.3.4")
t.reply(s.cmd("MAIL FROM:<a@b.test> FOO=1"), 555, "unknown parameter", "Unsupported option: FOO=1")
t.reply(s.cmd("MAIL FROM:<a@b.test> BODY=8BITMIME RET=HDRS ENVID=x+2By SIZE=10"), 250, "MAIL", "2.1.0 Ok")
t.reply(s.cmd("MAIL FROM:<a@b.test>"), 503, "nested MAIL", "nested MAIL command")
t.reply(s.cmd("RCPT TO:<x@other.test>"), 454, "stranger may not relay",
        r"^454 4\.7\.1 <x@other\.test>: Relay access denied$")
t.reply(s.cmd("RCPT TO:<u@example.test> NOTIFY=NEVER,SUCCESS"), 501, "bad NOTIFY", "NOTIFY")
t.reply(s.cmd("RCPT TO:<>"), 501, "empty recipient", "5.1.3")
t.reply(s.cmd("DATA"), 554, "DATA without valid recipients", "no valid recipients")
t.reply(s.cmd("RSET x"), 501, "RSET with arguments", r"^501 5\.5\.4 Syntax: RSET$")
t.reply(s.cmd("RSET"), 250, "RSET")
t.reply(s.cmd("NOOP anything"), 250, "NOOP ignores arguments")
t.reply(s.cmd("NOOP " + "x" * 5000), 250, "over-long command is cut, not fatal")
t.reply(s.cmd("VRFY postmaster"), 252, "VRFY")
t.reply(s.cmd("STARTTLS"), 502, "STARTTLS without TLS", "command not implemented")
t.reply(s.cmd("AUTH PLAIN"), 503, "AUTH without SASL", "authentication not enabled")
t.reply(s.cmd("XYZZY"), 502, "unknown command", r"^502 5\.5\.2 Error: command not recognized$")
t.reply(s.cmd(""), 500, "empty line", r"^500 5\.5\.2 Error: bad syntax$")
t.reply(s.cmd("NOOP\0MAIL"), 500, "NUL in a command", "bad syntax")
s.send("NOOP\nNOOP\r\n")
t.ok(s.reply()[0] == 250 and s.reply()[0] == 250, "bare LF command is normalized")
s.send("RSET\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<x@other.test>\r\nNOOP\r\n")
got = [s.reply()[0] for _ in range(4)]
t.ok(got == [250, 250, 454, 250], "pipelined commands get replies in order", repr(got))
t.reply(s.cmd("quit"), 221, "QUIT (lower case)", r"^221 2\.0\.0 Bye$")
finish(s, "network session")
text = log()
t.ok("connect from localhost[127.0.0.1]" in text, "connect line")
t.ok("NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 454 4.7.1 <x@other.test>: Relay access "
     "denied; from=<a@b.test> to=<x@other.test> proto=ESMTP helo=<client.test>" in text,
     "relay reject log line")
t.ok(re.search(r"disconnect from localhost\[127\.0\.0\.1\] helo=0/1 ehlo=1 starttls=0/1 auth=0/1 "
               r"mail=2/6 rcpt=0/5 data=0/2 rset=2/3 noop=5 vrfy=1 quit=1 unknown=0/1 "
               r"commands=12/28", text), "disconnect line counts",
     [l for l in text.splitlines() if "disconnect" in l][-1:])

# --- DSN parameters: RFC 3461 syntax, printable US-ASCII once decoded ---
s = session()
t.reply(s.cmd("EHLO client.test"), 250, "EHLO before the DSN checks")
for envid in ["a+0D+0ARCPT+20TO:<x@evil.test>", "a+00b", "a+C3+A9", "a+4", "x" * 101, ""]:
    t.reply(s.cmd("MAIL FROM:<a@b.test> ENVID=" + envid), 501, "ENVID=%s refused" % envid[:24],
            r"^501 5\.5\.4 Bad ENVID parameter syntax$")
t.reply(s.cmd("MAIL FROM:<a@b.test> ENVID=x+2By+20z"), 250, "ENVID with encoded '+' and space")
for orcpt in ["rfc822;u+0D+0ANOOP@example.test", "rfc822;u+00@example.test", "rfc822;u+7F",
              ";u@example.test", "rfc822;", "u@example.test", "rfc(822);u@example.test"]:
    t.reply(s.cmd("RCPT TO:<u@example.test> ORCPT=" + orcpt), 501, "ORCPT=%s refused" % orcpt,
            r"^501 5\.5\.4 Error: Bad ORCPT parameter syntax$")
code, lines = s.cmd("RCPT TO:<u@example.test> ORCPT=rfc822;u+2Bx@example.test")
# No cleanup service runs here: the parameter passes, the queue then answers 451.
t.ok(code != 501 and not any("ORCPT" in l for l in lines), "ORCPT with an encoded '+' passes",
     repr(lines))
t.reply(s.cmd("QUIT"), 221, "QUIT after the DSN checks")
finish(s, "DSN parameter session")

# --- Discarded EHLO keywords ---
s = session("smtpd_discard_ehlo_keywords=vrfy, enhancedstatuscodes, dsn")
code, lines = s.cmd("EHLO client.test")
keywords = [l[4:] for l in lines[1:]]
t.ok(keywords == ["PIPELINING", "SIZE 10240000", "ETRN", "8BITMIME"], "discarded EHLO keywords",
     repr(keywords))
t.reply(s.cmd("NOOP"), 250, "enhanced status codes stay, as in Postfix", r"^250 2\.0\.0 Ok$")
t.reply(s.cmd("VRFY postmaster"), 252, "VRFY stays, as in Postfix")
s.cmd("MAIL FROM:<a@b.test>")
t.reply(s.cmd("RCPT TO:<u@example.test> NOTIFY=NEVER"), 501, "discarded DSN is refused",
        r"^501 5\.7\.1 DSN support is disabled$")
s.cmd("QUIT")
finish(s, "discard session")
t.ok("discarding EHLO keywords" not in log(),
     "no discard log line with ENHANCEDSTATUSCODES among them, as in Postfix")
s = session("smtpd_discard_ehlo_keyword_address_maps=inline:{ {127.0.0.1=Pipelining Size} }",
            "smtpd_discard_ehlo_keywords=vrfy")
keywords = [l[4:] for l in s.cmd("EHLO client.test")[1][1:]]
t.ok(keywords == ["VRFY", "ETRN", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN"],
     "smtpd_discard_ehlo_keyword_address_maps: the client address's entry wins", repr(keywords))
s.cmd("QUIT")
finish(s, "discard by address session")
t.ok("discarding EHLO keywords: PIPELINING SIZE\n" in log(),
     "discard log line, in Postfix's words and case")

# --- Restrictions, VRFY switch, early rejection ---
open(conf + "/access", "w").write("127.0.0.1 REJECT go away\n")
s = session("disable_vrfy_command=yes")
t.reply(s.cmd("VRFY postmaster"), 502, "VRFY disabled", "VRFY command is disabled")
s.cmd("QUIT")
finish(s, "VRFY session")
s = Session.spawn([smtpd, "-S", "-c", conf, "-o", "smtpd_delay_reject=no", "-o",
                   "smtpd_client_restrictions=check_client_access texthash:" + conf + "/access"])
t.reply(s.reply(), 554, "client rejected instead of the greeting",
        r"^554 5\.7\.1 <localhost\[127\.0\.0\.1\]>: Client host rejected: go away$")
t.reply(s.cmd("EHLO client.test"), 503, "refused client: every command refused",
        r"^503 5\.7\.0 Error: access denied for localhost\[127\.0\.0\.1\]$")
t.reply(s.cmd("QUIT"), 221, "refused client: QUIT")
finish(s, "early reject session")
t.ok("NOQUEUE: reject: CONNECT from localhost[127.0.0.1]: 554 5.7.1 <localhost[127.0.0.1]>: Client "
     "host rejected: go away; proto=SMTP" in log(), "CONNECT reject log line")

s = session("smtpd_delay_reject=no",
            "smtpd_sender_restrictions=check_sender_access inline:{{ spam@b.test = REJECT }}",
            "smtpd_helo_restrictions=reject_non_fqdn_helo_hostname")
t.reply(s.cmd("EHLO localhost"), 504, "HELO restriction at EHLO", "need fully-qualified hostname")
t.reply(s.cmd("EHLO client.test"), 250, "EHLO with a good name")
t.reply(s.cmd("MAIL FROM:<spam@b.test>"), 554, "sender restriction at MAIL",
        r"^554 5\.7\.1 <spam@b\.test>: Sender address rejected: Access denied$")
s.cmd("QUIT")
finish(s, "early sender reject session")
t.ok("NOQUEUE: reject: MAIL from localhost[127.0.0.1]: 554 5.7.1 <spam@b.test>: Sender address "
     "rejected: Access denied; from=<spam@b.test> proto=ESMTP helo=<client.test>" in log(),
     "MAIL reject log line")

# --- Timeouts, lost connections, error limits, non-SMTP ---
s = session("smtpd_timeout=1s")
start = time.time()
t.reply(s.reply(), 421, "idle client times out", r"^421 4\.4\.2 mx\.example\.test Error: timeout exceeded$")
t.ok(time.time() - start < 5, "timeout is smtpd_timeout")
finish(s, "timeout session")
t.ok("timeout after CONNECT from localhost[127.0.0.1]" in log(), "timeout log line")

s = session()
s.cmd("EHLO client.test")
s.cmd("MAIL FROM:<a@b.test>")
s.close()
s.wait()
t.ok("lost connection after MAIL from localhost[127.0.0.1]" in log(), "lost connection log line")

s = session("smtpd_hard_error_limit=3")
for _ in range(2):
    s.cmd("BOGUS")
t.reply(s.cmd("BOGUS"), 502, "third error still answered")
t.reply(s.reply(), 421, "hard error limit", r"^421 4\.7\.0 mx\.example\.test Error: too many errors$")
t.ok(s.reply()[0] == 0, "connection closed after too many errors")
finish(s, "error limit session")
t.ok("too many errors after UNKNOWN from localhost[127.0.0.1]" in log(), "too many errors log line")

s = session()
t.reply(s.cmd("GET / HTTP/1.0"), 221, "HTTP request", "2.7.0 Error: I can break rules, too")
t.ok(s.reply()[0] == 0, "connection closed after a non-SMTP command")
finish(s, "non-SMTP session")
t.ok("warning: non-SMTP command from localhost[127.0.0.1]: GET / HTTP/1.0" in log(), "non-SMTP log line")

s = session("smtpd_forbid_bare_newline=reject")
t.reply(s.cmd("EHLO client.test"), 250, "EHLO before bare LF")
s.send("NOOP\n")
t.reply(s.reply(), 550, "bare LF rejected", r"^550 5\.5\.2 Error: bare <LF> received$")
t.ok(s.reply()[0] == 0, "connection closed after a bare LF")
finish(s, "bare LF reject session")

# --- Stand-alone mode: sendmail -bs as an ordinary user ---
def standalone(*overrides):
    argv = [smtpd, "-S", "-c", conf]
    for o in overrides:
        argv += ["-o", o]
    s = Session.spawn_pipe(argv, preexec_fn=as_nobody)
    t.reply(s.reply(), 220, "stand-alone greeting")
    return s

def maildrop():
    return sorted(glob.glob(queue + "/maildrop/*"))

before = log()
s = standalone("smtpd_tls_security_level=may", "smtpd_tls_cert_file=" + conf + "/server.pem",
               "smtpd_tls_key_file=" + conf + "/server.key")
code, lines = s.cmd("EHLO client.test")
t.ok(code == 250 and not any("STARTTLS" in l for l in lines), "stand-alone: no STARTTLS", repr(lines))
t.reply(s.cmd("MAIL FROM:<me@example.test> RET=FULL"), 250, "stand-alone MAIL")
t.reply(s.cmd("RCPT TO:<friend@other.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;friend@other.test"),
        250, "stand-alone relays without policy")
s.send("DATA\r\n")
t.reply(s.reply(), 354, "DATA", r"^354 End data with <CR><LF>\.<CR><LF>$")
long_line = "y" * 5000
s.send("Subject: test\r\n\r\nline one\r\n..stuffed\r\n" + long_line + "\r\n.\r\n")
code, lines = s.reply()
t.reply((code, lines), 250, "message queued", r"Ok: queued as \w+")
qid = lines[-1].split()[-1] if code == 250 else "?"
t.reply(s.cmd("QUIT"), 221, "stand-alone QUIT")
finish(s, "stand-alone session")
files = maildrop()
t.ok(files == [queue + "/maildrop/" + qid], "maildrop file named by the queue ID", repr(files))
if files:
    st = os.stat(files[0])
    t.ok(st.st_uid == nobody.pw_uid, "maildrop file belongs to the submitting user")
    recs = records(files[0])
    body = content(recs)
    t.ok(body[0] == "Received: from client.test (localhost [127.0.0.1])", "Received: from line", body[0])
    t.ok(body[1] == "\tby mx.example.test (Postern) with ESMTP id " + qid, "Received: by line", body[1])
    t.ok(body[2].startswith("\tfor <friend@other.test>; "), "Received: for line", body[2])
    t.ok(body[3:] == ["Subject: test", "", "line one", ".stuffed", long_line],
         "content with dot-stuffing removed and a long line intact")
    t.ok(("S", "me@example.test") in recs and ("R", "friend@other.test") in recs, "envelope")
    t.ok(("o", "rfc822;friend@other.test") in recs and ("n", "6") in recs and
         ("A", "dsn_ret=FULL") in recs, "DSN fields stored")
    for f in files:
        os.unlink(f)
new = log()[len(before):]
t.ok(not re.search(r"TLS|tls|key", new), "stand-alone: nothing logged about TLS or keys", new)

# --- SMTP smuggling: only <CR><LF>.<CR><LF> ends the message ---
s = standalone()
s.cmd("EHLO client.test")
s.cmd("MAIL FROM:<me@example.test>")
s.cmd("RCPT TO:<u@example.test>")
s.send("DATA\r\n")
s.reply()
s.send("Subject: one\r\n\r\nfirst\n.\nMAIL FROM:<evil@example.test>\r\nRCPT TO:<v@example.test>\r\n"
       "DATA\r\n\r\nsmuggled\r\n.\r\n")
code, lines = s.reply()
t.reply((code, lines), 250, "smuggling attempt: one message")
t.ok(s.pending() == b"", "smuggling attempt: no reply to the smuggled commands")
s.cmd("QUIT")
finish(s, "smuggling session")
files = maildrop()
t.ok(len(files) == 1, "smuggling attempt: exactly one queue file", repr(files))
if files:
    body = content(records(files[0]))
    t.ok("MAIL FROM:<evil@example.test>" in body and "smuggled" in body,
         "smuggled commands stay content of the first message", repr(body))
    for f in files:
        os.unlink(f)

s = standalone("smtpd_forbid_bare_newline=reject", "smtpd_forbid_bare_newline_exclusions=")
s.cmd("EHLO client.test")
s.cmd("MAIL FROM:<me@example.test>")
s.cmd("RCPT TO:<u@example.test>")
s.send("DATA\r\n")
s.reply()
s.send("Subject: two\r\n\r\nbare\n.\r\n")
t.reply(s.reply(), 550, "bare LF in content rejected", "bare <LF> received")
finish(s, "bare LF content session")
t.ok(maildrop() == [], "nothing queued after a bare LF rejection")

s = standalone("smtpd_recipient_limit=2")
s.cmd("EHLO client.test")
s.cmd("MAIL FROM:<me@example.test>")
got = [s.cmd("RCPT TO:<u%d@example.test>" % i)[0] for i in range(3)]
t.ok(got == [250, 250, 452], "smtpd_recipient_limit", repr(got))
t.reply(s.cmd("RCPT TO:<u9@example.test>"), 452, "over the limit", r"^452 4\.5\.3 Error: too many recipients$")
s.cmd("QUIT")
finish(s, "recipient limit session")
t.ok(maildrop() == [], "abandoned transaction leaves no maildrop file")

s = standalone("message_size_limit=1000")
s.cmd("EHLO client.test")
s.cmd("MAIL FROM:<me@example.test>")
s.cmd("RCPT TO:<u@example.test>")
s.send("DATA\r\n")
s.reply()
s.send(("z" * 70 + "\r\n") * 30 + ".\r\n")
t.reply(s.reply(), 552, "message over message_size_limit", "5.3.4 Error: message file too big")
t.reply(s.cmd("NOOP"), 250, "session goes on after 552")
s.cmd("QUIT")
finish(s, "size limit session")
t.ok(maildrop() == [], "nothing queued after 552")

sys.exit(t.summary())
EOF
status=$?
[ "${SMTPD_TEST_KEEP_LOG:-}" ] && cp "$dir/maillog" "$SMTPD_TEST_KEEP_LOG"
exit $status

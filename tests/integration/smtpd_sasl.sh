#!/bin/bash
# smtpd_sasl.sh - SMTP AUTH in the SMTP server with the Cyrus SASL back end,
# under master(8): a private sasldb (lib/sasl.sh), swaks with PLAIN, LOGIN
# and CRAM-MD5 (right and wrong passwords) over STARTTLS and on the
# implicit-TLS port, relaying by permit_sasl_authenticated, the EHLO AUTH
# keyword under smtpd_tls_auth_only and the security options, the
# replies to misplaced, cancelled, malformed and over-long AUTH, the
# STARTTLS reset and the plaintext-injection defence, the error limits,
# MAIL FROM AUTH=, the queue file, Received: and the log (which never
# holds a password).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/sasl.sh"

command -v swaks >/dev/null || fail "swaks is missing (Debian package swaks)"
instance_create
conf=$INSTANCE_CONF
read -r p_sub p_enc p_wrap p_plain p_exc p_bad p_sleep p_filt <<<"$(free_port 8 | tr '\n' ' ')"

cert_make "$conf" server /CN=mail.example.test || fail "make the certificate"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$conf"
SASL_CYRUS_MECHS="PLAIN LOGIN CRAM-MD5" sasl_cyrus_make "$INSTANCE_DIR/sasl" example.test \
    alice:Sesame-0pen bob:hunter2-bob || fail "make the sasldb"

instance_main_cf \
    "mynetworks = 192.0.2.0/24" \
    "mydestination = mail.example.test" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key" \
    "smtpd_error_sleep_time = 0" \
    "smtpd_sasl_auth_enable = yes" \
    "cyrus_sasl_config_path = $SASL_CONFIG_DIR" \
    "smtpd_sasl_local_domain = example.test" \
    "smtpd_sasl_authenticated_header = yes" \
    "smtpd_forbid_unauth_pipelining = no" \
    "smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination"
instance_master_cf \
    "cleanup unix n - n - 0 cleanup" \
    "127.0.0.1:$p_sub inet n - n - - smtpd -o smtpd_tls_auth_only=yes" \
    "127.0.0.1:$p_enc inet n - n - - smtpd -o smtpd_tls_security_level=encrypt" \
    "127.0.0.1:$p_wrap inet n - n - - smtpd -o smtpd_tls_wrappermode=yes" \
    "127.0.0.1:$p_plain inet n - n - - smtpd -o broken_sasl_auth_clients=yes -o smtpd_hard_error_limit=3 -o smtpd_sasl_security_options=noanonymous,noplaintext -o smtpd_sasl_tls_security_options=noanonymous" \
    "127.0.0.1:$p_exc inet n - n - - smtpd -v -o smtpd_sasl_exceptions_networks=127.0.0.0/8" \
    "127.0.0.1:$p_bad inet n - n - - smtpd -o smtpd_sasl_type=nonesuch" \
    "127.0.0.1:$p_sleep inet n - n - - smtpd -o smtpd_soft_error_limit=1 -o smtpd_error_sleep_time=2s" \
    "127.0.0.1:$p_filt inet n - n - - smtpd -o smtpd_sasl_mechanism_filter=!login,static:rest"
instance_start "$p_sub" "$p_sleep"
require "instance starts"

# swaks_send NAME PORT TLS-OPTION SWAKS-ARGS... - one message; the transcript in $out
swaks_send() {
    local name=$1 port=$2 tls=$3
    shift 3
    out=$(bounded 60 swaks --server "127.0.0.1:$port" "$tls" --timeout 20 \
        --from alice@example.test --to someone@other.test \
        --header "Subject: $name" "$@" 2>&1)
}

# Every mechanism, right and wrong password, over STARTTLS and implicit TLS.
for mech in PLAIN LOGIN CRAM-MD5; do
    swaks_send "$mech over STARTTLS" "$p_sub" --tls --auth "$mech" --auth-user alice \
        --auth-password Sesame-0pen
    has "$mech over STARTTLS: 235" "235 2.7.0 Authentication successful" "$out"
    has "$mech over STARTTLS: relayed to another domain" "250 2.0.0 Ok: queued as" "$out"
    swaks_send "$mech wrong password" "$p_sub" --tls --auth "$mech" --auth-user alice \
        --auth-password Sesame-0pem
    has "$mech wrong password: 535" "535 5.7.8 Error: authentication failed: authentication failure" "$out"
    lacks "$mech wrong password: nothing queued" "queued as" "$out"
done
swaks_send "unknown user" "$p_sub" --tls --auth PLAIN --auth-user mallory --auth-password Sesame-0pen
has "unknown user: the same 535 as a wrong password" \
    "535 5.7.8 Error: authentication failed: authentication failure" "$out"
swaks_send "PLAIN on port 465" "$p_wrap" --tls-on-connect --auth PLAIN --auth-user bob@example.test \
    --auth-password hunter2-bob
has "implicit TLS: 235 for user@realm" "235 2.7.0 Authentication successful" "$out"
has "implicit TLS: relayed" "250 2.0.0 Ok: queued as" "$out"
swaks_send "no login" "$p_sub" --tls
has "no login: relay refused" "554 5.7.1 <someone@other.test>: Relay access denied" "$out"
swaks_send "LOGIN on port 587 style" "$p_enc" --tls --auth LOGIN --auth-user alice \
    --auth-password Sesame-0pen
has "level encrypt: LOGIN after STARTTLS" "235 2.7.0 Authentication successful" "$out"

for mech in PLAIN LOGIN CRAM-MD5; do
    instance_wait_log "client=localhost\[127\.0\.0\.1\], sasl_method=$mech, sasl_username=alice@example\.test$" 10
    check "$mech: client= log line with sasl_method and sasl_username"
done
instance_wait_log "warning: localhost\[127\.0\.0\.1\]: SASL CRAM-MD5 authentication failed: authentication failure$" 10
check "a failed AUTH is logged with the client and the mechanism"

CONF=$conf QUEUE=$INSTANCE_QUEUE MAILLOG=$INSTANCE_LOG P_SUB=$p_sub P_ENC=$p_enc P_WRAP=$p_wrap \
    P_PLAIN=$p_plain P_EXC=$p_exc P_BAD=$p_bad P_SLEEP=$p_sleep P_FILT=$p_filt \
    PYTHONPATH=$top/tests/integration/lib python3 - <<'EOF'
import base64, glob, os, re, ssl, sys, time
from smtp_session import Session, Checks, wait_for, queue_records, queue_content

t = Checks()
maillog, queue = os.environ["MAILLOG"], os.environ["QUEUE"]
port = {k: int(os.environ["P_" + k.upper()]) for k in ("sub", "enc", "wrap", "plain", "exc", "bad", "sleep", "filt")}
PLAIN = base64.b64encode(b"\0alice\0Sesame-0pen").decode()
BAD_PLAIN = base64.b64encode(b"\0alice\0nope").decode()

def log():
    with open(maillog, errors="replace") as f:
        return f.read()

def context():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c

def connect(name, wrapped=False):
    s = Session.connect(port[name])
    if wrapped:
        s.starttls(context())
    t.reply(s.reply(), 220, name + ": greeting")
    return s

def ehlo(s):
    code, lines = s.cmd("EHLO client.test")
    return [l[4:] for l in lines[1:]] if code == 250 else []

def auth_lines(keywords):
    return [k for k in keywords if k.startswith("AUTH")]

def tls(s, name):
    t.reply(s.cmd("STARTTLS"), 220, name + ": STARTTLS")
    s.starttls(context())

def relay(s, name, allowed):
    t.reply(s.cmd("MAIL FROM:<alice@example.test>"), 250, name + ": MAIL")
    code, lines = s.cmd("RCPT TO:<x@other.test>")
    if allowed:
        t.reply((code, lines), 250, name + ": relay allowed")
    else:
        t.reply((code, lines), 554, name + ": relay refused", "Relay access denied")
    s.cmd("RSET")

# smtpd_tls_auth_only: no AUTH keyword and no AUTH before TLS, nothing read.
s = connect("sub")
t.reply(s.cmd("AUTH PLAIN %s" % PLAIN), 503, "AUTH before EHLO", r"^503 5\.5\.1 Error: send HELO/EHLO first$")
t.ok(auth_lines(ehlo(s)) == [], "auth only: no AUTH keyword before STARTTLS")
s.send("AUTH PLAIN %s\r\nNOOP\r\n" % PLAIN)
t.reply(s.reply(), 504, "auth only: AUTH before STARTTLS refused",
        r"^504 5\.5\.4 Encryption required for requested authentication mechanism$")
t.reply(s.reply(), 250, "auth only: the next command is a command, not a response")
s.send("AUTH LOGIN\r\n")
t.reply(s.reply(), 504, "auth only: AUTH LOGIN without a response refused, no 334")
relay(s, "auth only: plaintext", False)
tls(s, "auth only")
kw = auth_lines(ehlo(s))
t.ok(kw == ["AUTH PLAIN LOGIN CRAM-MD5"], "auth only: AUTH keyword inside TLS", repr(kw))
t.reply(s.cmd("AUTH PLAIN %s" % BAD_PLAIN), 535, "PLAIN initial response, wrong password",
        r"^535 5\.7\.8 Error: authentication failed: authentication failure$")
t.reply(s.cmd("AUTH PLAIN"), 334, "PLAIN without initial response: empty challenge", r"^334 $")
t.reply(s.cmd(PLAIN), 235, "PLAIN response to the challenge", r"^235 2\.7\.0 Authentication successful$")
t.reply(s.cmd("AUTH PLAIN %s" % PLAIN), 503, "AUTH twice refused", r"^503 5\.5\.1 Error: already authenticated$")
t.reply(s.cmd("EHLO again.test"), 250, "EHLO after AUTH")
relay(s, "EHLO keeps the login", True)
t.reply(s.cmd("MAIL FROM:<alice@example.test> AUTH=<>"), 250, "MAIL AUTH=<> accepted")
s.cmd("RSET")
t.reply(s.cmd("MAIL FROM:<alice@example.test> AUTH=alice@example.test"), 250, "MAIL AUTH=address")
t.reply(s.cmd("RCPT TO:<x@other.test>"), 250, "RCPT after AUTH")
t.reply(s.cmd("DATA"), 354, "DATA")
code, lines = s.cmd("Subject: received\r\n\r\nbody\r\n.")
t.reply((code, lines), 250, "queued", r"^250 2\.0\.0 Ok: queued as \w+$")
qid = lines[-1].split()[-1] if code == 250 else "none"
path = queue + "/incoming/" + qid
if t.ok(os.path.exists(path), "queue file in incoming", path):
    recs = queue_records(path)
    body = queue_content(recs)
    t.ok("\t(Authenticated sender: alice@example.test)" in body[:6], "Received: Authenticated sender",
         repr(body[:6]))
    t.ok(any(re.match(r"^\tby mail\.example\.test \(Postern\) with ESMTPSA id " + qid + "$", l)
             for l in body[:6]), "Received: with ESMTPSA", repr(body[:6]))
    raw = open(path, "rb").read()
    t.ok(b"sasl_method=PLAIN" in raw and b"sasl_username=alice@example.test" in raw
         and b"sasl_sender=alice@example.test" in raw,
         "queue file: sasl_method, sasl_username and sasl_sender")
t.ok(wait_for(lambda: qid + ": client=localhost[127.0.0.1], sasl_method=PLAIN, "
              "sasl_username=alice@example.test, sasl_sender=alice@example.test" in log()),
     "client= log line with sasl_sender")
t.reply(s.cmd("MAIL FROM:<alice@example.test>"), 250, "MAIL without AUTH=")
t.reply(s.cmd("AUTH PLAIN %s" % PLAIN), 503, "AUTH inside a transaction refused",
        r"^503 5\.5\.1 Error: MAIL transaction in progress$")
s.cmd("RSET")
t.reply(s.cmd("MAIL FROM:<a@example.test> AUTH=<> AUTH=<>"), 503, "MAIL with two AUTH= refused",
        r"^503 5\.5\.4 Error: multiple AUTH= options$")
s.cmd("QUIT")
s.close()

# A new session: the exchange replies.
s = connect("sub")
ehlo(s)
tls(s, "exchange")
ehlo(s)
t.reply(s.cmd("AUTH LOGIN"), 334, "LOGIN: user name prompt", r"^334 VXNlcm5hbWU6$")
t.reply(s.cmd("*"), 501, "LOGIN: * cancels", r"^501 5\.7\.0 Authentication aborted$")
t.reply(s.cmd("AUTH PLAIN not*base64"), 501, "bad base64 initial response",
        r"^501 5\.5\.2 Invalid base64 data in initial response$")
t.reply(s.cmd("AUTH LOGIN"), 334, "LOGIN again")
t.reply(s.cmd("%%%"), 501, "bad base64 response", r"^501 5\.5\.2 Invalid base64 data in continued response$")
t.reply(s.cmd("AUTH PLAIN ="), 535, "PLAIN with an empty initial response fails")
t.reply(s.cmd("AUTH"), 501, "AUTH without a mechanism", r"^501 5\.5\.4 Syntax: AUTH mechanism$")
t.reply(s.cmd("AUTH PLAIN a b"), 501, "AUTH with three words")
t.reply(s.cmd("AUTH NO/SUCH"), 501, "a mechanism name that RFC 4422 does not allow")
t.reply(s.cmd("AUTH KERBEROS_V9"), 535, "an unknown mechanism fails")
t.reply(s.cmd("AUTH PLAIN"), 334, "PLAIN: challenge before an over-long response")
s.send("A" * 13000 + "\r\n")
t.reply(s.reply(), 500, "a response over smtpd_sasl_response_limit",
        r"^500 5\.5\.6 SASL response limit exceeded$")
t.reply(s.cmd("NOOP"), 250, "the session goes on after an over-long response")
t.reply(s.cmd("auth plain %s" % PLAIN), 235, "lower-case verb and mechanism")
s.cmd("QUIT")
s.close()
t.ok(wait_for(lambda: re.search(r"warning: localhost\[127\.0\.0\.1\]: SASL LOGIN authentication aborted$",
                                log(), re.M)), "a cancelled AUTH is logged")

# Plaintext pipelined after STARTTLS never authenticates inside TLS.
s = connect("sub")
ehlo(s)
s.send("STARTTLS\r\nAUTH PLAIN %s\r\n" % PLAIN)
t.reply(s.reply(), 220, "injection: STARTTLS accepted")
t.ok(s.buf == b"", "injection: no plaintext reply to the injected AUTH", repr(s.buf))
s.starttls(context())
t.ok(s.pending(0.5) == b"", "injection: no reply to the injected AUTH inside TLS")
ehlo(s)
relay(s, "injection: not logged in", False)
s.cmd("QUIT")
s.close()

# A plaintext login (allowed here) is forgotten by STARTTLS; security options per TLS state.
s = connect("plain")
kw = auth_lines(ehlo(s))
t.ok(kw == ["AUTH CRAM-MD5", "AUTH=CRAM-MD5"],
     "noplaintext before TLS: only CRAM-MD5, also as AUTH= (broken_sasl_auth_clients)", repr(kw))
t.reply(s.cmd("AUTH PLAIN %s" % PLAIN), 535, "noplaintext: PLAIN refused before TLS")
code, lines = s.cmd("AUTH CRAM-MD5")
t.reply((code, lines), 334, "CRAM-MD5 challenge in plaintext")
import hmac, hashlib
challenge = base64.b64decode(lines[-1][4:]) if code == 334 else b""
digest = hmac.new(b"Sesame-0pen", challenge, hashlib.md5).hexdigest()
t.reply(s.cmd(base64.b64encode(b"alice " + digest.encode()).decode()), 235, "CRAM-MD5 in plaintext")
relay(s, "plaintext login", True)
tls(s, "plaintext login")
kw = auth_lines(ehlo(s))
t.ok(kw == ["AUTH PLAIN LOGIN CRAM-MD5", "AUTH=PLAIN LOGIN CRAM-MD5"],
     "smtpd_sasl_tls_security_options inside TLS", repr(kw))
relay(s, "STARTTLS forgets the login", False)
t.reply(s.cmd("AUTH PLAIN %s" % PLAIN), 235, "AUTH again inside TLS")
s.cmd("QUIT")
s.close()

# smtpd_hard_error_limit counts failed AUTH commands.
s = connect("plain")
ehlo(s)
t.reply(s.cmd("AUTH PLAIN %s" % BAD_PLAIN), 535, "error limit: failure 1")
t.reply(s.cmd("AUTH PLAIN %s" % BAD_PLAIN), 535, "error limit: failure 2")
code, lines = s.cmd("AUTH PLAIN %s" % BAD_PLAIN)
t.ok(code == 535 and s.reply()[0] == 421 or code == 421, "error limit: 421 after the third failure",
     repr((code, lines)))
s.close()
t.ok(wait_for(lambda: "too many errors after AUTH from localhost[127.0.0.1]" in log()),
     "error limit: logged")

# smtpd_error_sleep_time after smtpd_soft_error_limit failures.
s = connect("sleep")
ehlo(s)
t.reply(s.cmd("AUTH PLAIN %s" % BAD_PLAIN), 535, "sleep: first failure")
start = time.time()
t.reply(s.cmd("AUTH PLAIN %s" % BAD_PLAIN), 535, "sleep: second failure")
elapsed = time.time() - start
t.ok(elapsed >= 1.8, "sleep: the second failure waited smtpd_error_sleep_time", "%.2f s" % elapsed)
s.cmd("QUIT")
s.close()

# smtpd_sasl_exceptions_networks hides the keyword, AUTH still works.
s = connect("exc")
ehlo(s)
tls(s, "exceptions")
t.ok(auth_lines(ehlo(s)) == [], "exceptions networks: no AUTH keyword")
t.reply(s.cmd("AUTH PLAIN %s" % PLAIN), 235, "exceptions networks: AUTH accepted")
s.cmd("QUIT")
s.close()
t.ok(wait_for(lambda: "< localhost[127.0.0.1]: AUTH PLAIN ...\n" in log()),
     "smtpd -v logs the AUTH command without its initial response")

# smtpd_sasl_mechanism_filter: what it keeps out is neither announced nor used.
s = connect("filt")
ehlo(s)
tls(s, "mechanism filter")
kw = auth_lines(ehlo(s))
t.ok(kw == ["AUTH PLAIN CRAM-MD5"], "mechanism filter !login: LOGIN not announced", repr(kw))
t.reply(s.cmd("AUTH LOGIN"), 504, "mechanism filter: AUTH LOGIN refused",
        r"^504 5\.5\.4 Unrecognized authentication type$")
t.reply(s.cmd("auth login"), 504, "mechanism filter: in lower case too")
t.reply(s.cmd("AUTH PLAIN %s" % PLAIN), 235, "mechanism filter: PLAIN still works")
s.cmd("QUIT")
s.close()

# Level encrypt: AUTH before STARTTLS is refused like any command.
s = connect("enc")
t.ok(auth_lines(ehlo(s)) == [], "encrypt: no AUTH keyword before STARTTLS")
t.reply(s.cmd("AUTH PLAIN %s" % PLAIN), 530, "encrypt: AUTH before STARTTLS",
        r"^530 5\.7\.0 Must issue a STARTTLS command first$")
s.cmd("QUIT")
s.close()

# Implicit TLS: the keyword at once.
s = connect("wrap", wrapped=True)
t.ok(auth_lines(ehlo(s)) == ["AUTH PLAIN LOGIN CRAM-MD5"], "implicit TLS: AUTH keyword")
s.cmd("QUIT")
s.close()

# A back end that does not start: no AUTH, mail still flows.
s = connect("bad")
ehlo(s)
tls(s, "no back end")
t.ok(auth_lines(ehlo(s)) == [], "no back end: no AUTH keyword")
t.reply(s.cmd("AUTH PLAIN %s" % PLAIN), 503, "no back end: AUTH not enabled",
        r"^503 5\.5\.1 Error: authentication not enabled$")
t.reply(s.cmd("MAIL FROM:<a@example.test> AUTH=<>"), 555, "no back end: MAIL AUTH= unsupported")
t.reply(s.cmd("MAIL FROM:<a@example.test>"), 250, "no back end: MAIL")
t.reply(s.cmd("RCPT TO:<user@mail.example.test>"), 250, "no back end: local mail accepted")
s.cmd("QUIT")
s.close()
t.ok(wait_for(lambda: "unsupported SASL server implementation: nonesuch" in log()),
     "no back end: the reason is logged")

sys.exit(t.summary())
EOF
status=$?
[ $status -ne 0 ] && instance_log_tail 40

# The password never reaches the log, in clear or in base64.
text=$(instance_log)
lacks "the log never holds a password" "Sesame-0pen" "$text"
lacks "the log never holds a PLAIN response" "$(printf '\0alice\0Sesame-0pen' | base64)" "$text"
lacks "the log never holds the wrong password either" "Sesame-0pem" "$text"
! grep -q 'panic\|fatal' <<<"$text"
check "no panic or fatal error in the log"
exit $status

#!/bin/bash
# smtpd_tls.sh - STARTTLS (RFC 3207) and implicit TLS (RFC 8314) in the SMTP
# server, under master(8), with real clients (a Python TLS client, openssl
# s_client with TLS 1.2 and 1.3, gnutls-cli): the plaintext injection
# defence and the state reset, the replies to misplaced STARTTLS commands,
# level encrypt, an unreadable key, the implicit-TLS port (with plaintext
# on it), client certificates (relay_clientcerts fingerprints,
# permit_tls_all_clientcerts with smtpd_tls_CAfile, smtpd_tls_req_ccert),
# and the TLS log line.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
conf=$INSTANCE_CONF
read -r p_may p_enc p_wrap p_bad p_req p_reqmay <<<"$(free_port 6 | tr '\n' ' ')"

# Certificates: a CA, the server, a client signed by the CA, a self-signed client.
cert_make "$conf" ca "/CN=Test CA" && cert_make "$conf" server /CN=mail.example.test ca &&
    cert_make "$conf" client "/CN=client.example" ca &&
    cert_make "$conf" selfsigned /CN=selfsigned.example || fail "make certificates"
fprint=$(openssl x509 -in "$conf/selfsigned.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
echo "$fprint selfsigned" >"$conf/relay_clientcerts"
cp "$conf/server.key" "$conf/rootonly.key"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$conf"
chmod 600 "$conf/rootonly.key"
[ -n "$INSTANCE_RUN_AS" ] && chown root "$conf/rootonly.key"
[ -z "$INSTANCE_RUN_AS" ] && chmod 000 "$conf/rootonly.key"

instance_main_cf \
    "mynetworks = 192.0.2.0/24" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key" \
    "smtpd_tls_CAfile = $conf/ca.pem" \
    "smtpd_tls_ask_ccert = yes" \
    "smtpd_forbid_unauth_pipelining = no" \
    "smtpd_tls_loglevel = 1" \
    "smtpd_tls_received_header = yes" \
    "smtpd_starttls_timeout = 3s" \
    "smtpd_error_sleep_time = 0" \
    "relay_clientcerts = texthash:$conf/relay_clientcerts" \
    "smtpd_relay_restrictions = permit_mynetworks, permit_tls_clientcerts, permit_tls_all_clientcerts, reject_unauth_destination"
instance_master_cf \
    "cleanup unix n - n - 0 cleanup" \
    "pickup unix n - n 60 1 pickup" \
    "127.0.0.1:$p_may inet n - n - - smtpd" \
    "127.0.0.1:$p_enc inet n - n - - smtpd -o smtpd_tls_security_level=encrypt" \
    "127.0.0.1:$p_wrap inet n - n - - smtpd -o smtpd_tls_wrappermode=yes" \
    "127.0.0.1:$p_bad inet n - n - - smtpd -o smtpd_tls_key_file=$conf/rootonly.key" \
    "127.0.0.1:$p_req inet n - n - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_tls_req_ccert=yes" \
    "127.0.0.1:$p_reqmay inet n - n - - smtpd -o smtpd_tls_req_ccert=yes"
instance_start "$p_req" "$p_reqmay"
require "instance starts"

CONF=$conf QUEUE=$INSTANCE_QUEUE MAILLOG=$INSTANCE_LOG P_REQMAY=$p_reqmay P_MAY=$p_may P_ENC=$p_enc P_WRAP=$p_wrap P_BAD=$p_bad \
    P_REQ=$p_req PYTHONPATH=$top/tests/integration/lib python3 - <<'EOF'
import glob, os, re, ssl, sys, time
from smtp_session import Session, Checks, wait_for, queue_records, queue_content

t = Checks()
conf, maillog, queue = os.environ["CONF"], os.environ["MAILLOG"], os.environ["QUEUE"]
port = {k: int(os.environ["P_" + k.upper()]) for k in ("may", "enc", "wrap", "bad", "req", "reqmay")}

def log():
    with open(maillog, errors="replace") as f:
        return f.read()

def context(cert=None, version=None):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    if cert:
        c.load_cert_chain(conf + "/" + cert + ".pem", conf + "/" + cert + ".key")
    if version:
        c.minimum_version = c.maximum_version = version
    return c

def connect(name):
    s = Session.connect(port[name])
    t.reply(s.reply(), 220, name + ": greeting")
    return s

def starttls(s, name, cert=None):
    t.reply(s.cmd("STARTTLS"), 220, name + ": STARTTLS", r"^220 2\.0\.0 Ready to start TLS$")
    try:
        s.starttls(context(cert))
        return t.ok(True, name + ": handshake")
    except (ssl.SSLError, OSError) as e:
        return t.ok(False, name + ": handshake", str(e))

def ehlo_keywords(s):
    code, lines = s.cmd("EHLO client.test")
    return [l[4:] for l in lines[1:]] if code == 250 else None

# STARTTLS offered once; the state resets; TLS twice is refused.
s = connect("may")
t.ok("STARTTLS" in (ehlo_keywords(s) or []), "may: EHLO offers STARTTLS")
t.reply(s.cmd("STARTTLS now"), 501, "may: STARTTLS with an argument", r"^501 5\.5\.4 Syntax: STARTTLS$")
t.reply(s.cmd("MAIL FROM:<a@b.test>"), 250, "may: MAIL in plaintext")
t.reply(s.cmd("STARTTLS"), 503, "may: STARTTLS inside a transaction", "MAIL transaction in progress")
t.reply(s.cmd("RSET"), 250, "may: RSET")
starttls(s, "may")
# As Postfix without smtpd_helo_required: the EHLO is forgotten, but MAIL needs none.
t.reply(s.cmd("MAIL FROM:<a@b.test>"), 250, "may: MAIL after TLS starts a fresh transaction")
t.reply(s.cmd("RSET"), 250, "may: RSET inside TLS")
kw = ehlo_keywords(s)
t.ok(kw is not None and "STARTTLS" not in kw, "may: no STARTTLS inside TLS", repr(kw))
t.reply(s.cmd("STARTTLS"), 554, "may: STARTTLS inside TLS", r"^554 5\.5\.1 Error: TLS already active$")
t.reply(s.cmd("QUIT"), 221, "may: QUIT over TLS")
s.close()
t.ok(wait_for(lambda: "ehlo=2 starttls=1/4 mail=2 rset=2 quit=1 commands=8/11" in log()),
     "may: disconnect line counts STARTTLS")

# Plaintext pipelined after STARTTLS is discarded, in either packet shape.
for injected, name in (("RSET", "RSET"), ("MAIL FROM:<a@b.test>", "MAIL")):
    s = connect("may")
    ehlo_keywords(s)
    s.send("STARTTLS\r\n" + injected + "\r\n")
    t.reply(s.reply(), 220, "injection %s: STARTTLS accepted" % name)
    t.ok(s.buf == b"", "injection %s: no second plaintext reply" % name, repr(s.buf))
    s.starttls(context())
    t.ok(s.pending(0.5) == b"", "injection %s: no reply to the injected command inside TLS" % name)
    t.reply(s.cmd("MAIL FROM:<a@b.test>"), 250,
            "injection %s: MAIL inside TLS starts the only transaction" % name)
    t.reply(s.cmd("RSET"), 250, "injection %s: RSET inside TLS" % name)
    t.reply(s.cmd("EHLO client.test"), 250, "injection %s: EHLO inside TLS" % name)
    s.cmd("QUIT")
    s.close()

# No delayed-ACK stall after the handshake: the first reply comes at once.
best = None
for _ in range(5):
    s = connect("may")
    ehlo_keywords(s)
    s.cmd("STARTTLS")
    s.starttls(context())
    start = time.time()
    ehlo_keywords(s)
    elapsed = time.time() - start
    best = elapsed if best is None else min(best, elapsed)
    s.cmd("QUIT")
    s.close()
t.ok(best < 0.035, "first reply after the handshake without a 40 ms stall", "%.1f ms" % (best * 1e3))

# STARTTLS before EHLO is allowed and starts the session over.
s = connect("may")
starttls(s, "STARTTLS before EHLO")
t.reply(s.cmd("EHLO client.test"), 250, "STARTTLS before EHLO: EHLO after")
s.cmd("QUIT")
s.close()

# Relay by client certificate: strangers are refused, listed or verified certificates are not.
for cert, name, allowed in ((None, "no certificate", False),
                            ("selfsigned", "relay_clientcerts fingerprint", True),
                            ("client", "certificate verified by smtpd_tls_CAfile", True)):
    s = connect("may")
    ehlo_keywords(s)
    starttls(s, name, cert)
    ehlo_keywords(s)
    s.cmd("MAIL FROM:<a@b.test>")
    code, lines = s.cmd("RCPT TO:<x@other.test>")
    if allowed:
        t.reply((code, lines), 250, name + ": relay allowed")
        s.send("DATA\r\n")
        t.reply(s.reply(), 354, name + ": DATA")
        s.send("Subject: %s\r\n\r\nrelayed\r\n.\r\n" % name)
        code, lines = s.reply()
        t.reply((code, lines), 250, name + ": queued", r"^250 2\.0\.0 Ok: queued as \w+$")
        qid = lines[-1].split()[-1]
        path = queue + "/incoming/" + qid
        t.ok(os.path.exists(path), name + ": queue file in incoming", path)
        if os.path.exists(path):
            body = queue_content(queue_records(path))
            t.ok(body[1].startswith("\t(using TLSv1.3 with cipher "), name + ": Received: TLS comment",
                 repr(body[:6]))
            cn = "selfsigned.example" if cert == "selfsigned" else "client.example"
            verified = "not verified" if cert == "selfsigned" else "verified OK"
            t.ok(any(l == '\t(Client CN "%s", Issuer "%s" (%s))'
                     % (cn, cn if cert == "selfsigned" else "Test CA", verified) for l in body),
                 name + ": Received: client certificate comment", repr(body[:6]))
            t.ok(any(re.match(r"^\tby mail\.example\.test \(Postern\) with ESMTPS id " + qid + "$", l)
                     for l in body), name + ": Received: with ESMTPS", repr(body[:6]))
            t.ok(wait_for(lambda: qid + ": client=localhost[127.0.0.1]" in log()),
                 name + ": client= log line")
    else:
        t.reply((code, lines), 554, name + ": relay refused",
                r"^554 5\.7\.1 <x@other\.test>: Relay access denied$")
    s.cmd("QUIT")
    s.close()
text = log()
t.ok(re.search(r"Anonymous TLS connection established from localhost\[127\.0\.0\.1\]: TLSv1\.3 "
               r"with cipher \S+ \(\d+/\d+ bits\)", text), "Anonymous TLS log line")
t.ok("Untrusted TLS connection established from localhost[127.0.0.1]" in text,
     "Untrusted TLS log line (self-signed client certificate)")
t.ok("Trusted TLS connection established from localhost[127.0.0.1]" in text,
     "Trusted TLS log line (CA-signed client certificate)")

# Level encrypt: nothing but HELO, EHLO, STARTTLS, NOOP, QUIT before TLS.
s = connect("enc")
t.ok("STARTTLS" in (ehlo_keywords(s) or []), "encrypt: EHLO offers STARTTLS")
for command in ("MAIL FROM:<a@b.test>", "RCPT TO:<u@example.test>", "DATA", "AUTH PLAIN"):
    t.reply(s.cmd(command), 530, "encrypt: %s before STARTTLS" % command.split()[0],
            r"^530 5\.7\.0 Must issue a STARTTLS command first$")
t.reply(s.cmd("NOOP"), 250, "encrypt: NOOP before STARTTLS")
starttls(s, "encrypt")
ehlo_keywords(s)
t.reply(s.cmd("MAIL FROM:<a@b.test>"), 250, "encrypt: MAIL after STARTTLS")
s.cmd("QUIT")
s.close()

# An unreadable key: 454 and the session goes on in plaintext.
s = connect("bad")
t.ok("STARTTLS" in (ehlo_keywords(s) or []), "unreadable key: STARTTLS still offered")
t.reply(s.cmd("STARTTLS"), 454, "unreadable key: STARTTLS",
        r"^454 4\.7\.0 TLS not available due to local problem$")
t.reply(s.cmd("MAIL FROM:<a@b.test>"), 250, "unreadable key: session continues in plaintext")
s.cmd("QUIT")
s.close()
t.ok(re.search(r"rootonly\.key.*disabling TLS support", log()), "unreadable key: warning names the file")

# Implicit TLS: handshake before the greeting; plaintext or silence is dropped.
s = Session.connect(port["wrap"])
s.starttls(context())
t.reply(s.reply(), 220, "wrappermode: greeting inside TLS")
kw = ehlo_keywords(s)
t.ok(kw is not None and "STARTTLS" not in kw, "wrappermode: no STARTTLS", repr(kw))
t.reply(s.cmd("STARTTLS"), 554, "wrappermode: STARTTLS", "TLS already active")
t.reply(s.cmd("QUIT"), 221, "wrappermode: QUIT")
s.close()
s = Session.connect(port["wrap"])
start = time.time()
s.send("EHLO client.test\r\n")
t.ok(s.reply()[0] == 0 and time.time() - start < 5, "wrappermode: plaintext gets a clean close")
s.close()
s = Session.connect(port["wrap"])
start = time.time()
t.ok(s.reply()[0] == 0 and time.time() - start < 6, "wrappermode: a silent client is closed after "
     "smtpd_starttls_timeout")
s.close()

# smtpd_tls_req_ccert at level encrypt.
s = connect("req")
ehlo_keywords(s)
starttls(s, "req_ccert without a certificate")
t.reply(s.cmd("EHLO client.test"), 421, "req_ccert: refused after one more command",
        r"^421 4\.7\.1 mail\.example\.test Error: No client certificate presented$")
s.close()
t.ok(wait_for(lambda: "NOQUEUE: abort: TLS from localhost[127.0.0.1]: No client certificate "
              "presented" in log()), "req_ccert: abort log line")
s = connect("reqmay")
ehlo_keywords(s)
starttls(s, "req_ccert at level may")
t.reply(s.cmd("EHLO client.test"), 250, "req_ccert at level may: no certificate needed")
s.cmd("QUIT")
s.close()
t.ok(wait_for(lambda: "smtpd_tls_req_ccert = yes has effect only with smtpd_tls_security_level = "
              "encrypt: treated as smtpd_tls_ask_ccert = yes" in log()),
     "req_ccert at level may: treated as ask_ccert, with a log line")
s = connect("req")
ehlo_keywords(s)
starttls(s, "req_ccert with a CA-signed certificate", "client")
t.reply(s.cmd("EHLO client.test"), 250, "req_ccert: trusted certificate accepted")
s.cmd("QUIT")
s.close()
sys.exit(t.summary())
EOF
status=$?

# Real TLS clients send a message each; every one is queued.
msg='MAIL FROM:<sender@client.test>\r\nRCPT TO:<user@mail.example.test>\r\nDATA\r\n'
msg="${msg}Subject: %s\r\n\r\nsent with %s\r\n.\r\nQUIT\r\n"
# queued NAME OUTPUT - the client saw "queued as ID" and the file is in incoming
queued() {
    local id
    id=$(sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' <<<"$2" | head -1)
    if [ -n "$id" ] && [ -f "$INSTANCE_QUEUE/incoming/$id" ]; then
        ok "$1: message queued as $id"
    else
        not_ok "$1: no queued message" "$2"
    fi
}
for v in 1_2 1_3; do
    out=$( (sleep 1; printf 'EHLO client.test\r\n'; sleep 0.3; printf "$msg" "tls$v" "openssl") |
        timeout 10 openssl s_client -connect "127.0.0.1:$p_may" -starttls smtp -tls$v -quiet \
            -nocommands 2>/dev/null)
    queued "openssl s_client -tls$v" "$out"
done
instance_wait_log "Anonymous TLS connection established from localhost\[127\.0\.0\.1\]: TLSv1\.2 with cipher" 10
check "TLSv1.2 log line"
out=$( (sleep 1; printf 'EHLO client.test\r\n'; sleep 0.3; printf "$msg" gnutls gnutls-cli) |
    timeout 10 gnutls-cli --insecure --starttls-proto=smtp --port "$p_may" 127.0.0.1 2>/dev/null)
queued "gnutls-cli --starttls-proto=smtp" "$out"
out=$(timeout 20 swaks --server "127.0.0.1:$p_may" --tls --helo client.test --from sender@client.test \
    --to user@mail.example.test --header "Subject: swaks --tls" 2>&1)
queued "swaks --tls" "$out"
out=$(timeout 20 swaks --server "127.0.0.1:$p_wrap" --tlsc --helo client.test \
    --from sender@client.test --to user@mail.example.test --header "Subject: swaks --tlsc" 2>&1)
queued "swaks --tlsc (implicit TLS)" "$out"
# sendmail -bs as an ordinary user, with TLS configured on a key only root can read.
bs_conf=$INSTANCE_DIR/conf-bs
mkdir "$bs_conf"
cp "$conf/main.cf" "$conf/master.cf" "$bs_conf/"
echo "smtpd_tls_key_file = $conf/rootonly.key" >>"$bs_conf/main.cf"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$bs_conf"
lines_before=$(wc -l <"$INSTANCE_LOG")
out=$(printf 'EHLO client.test\r\nMAIL FROM:<me@client.test>\r\nRCPT TO:<user@mail.example.test>\r\nDATA\r\nSubject: sendmail -bs\r\n\r\nhello\r\n.\r\nQUIT\r\n' |
    instance_run timeout 10 "$TEST_BIN/sendmail" -C "$bs_conf" -bs 2>&1)
lacks "sendmail -bs: no STARTTLS" STARTTLS "$out"
if grep -q 'connect from\|warning' <<<"$out"; then
    not_ok "sendmail -bs: no log on stderr" "$out"
else
    ok "sendmail -bs: no log on stderr"
fi
has "sendmail -bs: accepted" "250 2.0.0 Ok: queued as" "$out"
# queued_bs - the sendmail -bs message is in incoming
queued_bs() {
    grep -q "Subject: sendmail -bs" "$INSTANCE_QUEUE"/incoming/* 2>/dev/null
}
wait_until 10 queued_bs
check "sendmail -bs: queued through maildrop and pickup"
new_log=$(tail -n +"$((lines_before + 1))" "$INSTANCE_LOG")
! grep -Eqi 'tls|rootonly|key' <<<"$new_log"
check "sendmail -bs: nothing about TLS or the key in the log"
! instance_log | grep -q 'warning: .*TLS.*smtpd_tls_req_ccert\|panic\|fatal'
check "no panic or fatal error in the log"
exit $status

#!/bin/bash
# postscreen_tls.sh - STARTTLS in postscreen's SMTP engine through
# tlsproxy(8): postscreen holds no keys (the key file is root's, mode 600:
# tlsproxy reads it before it drops privileges), it hands the client to
# tlsproxy and talks plaintext to it. openssl s_client and gnutls-cli get
# "220 2.0.0 Ready to start TLS", then the engine inside TLS (EHLO without
# STARTTLS, 450 for RCPT); tlsproxy logs "CONNECT from", the TLS library's
# "Anonymous TLS connection established from [addr]:port: ..." and
# "DISCONNECT" as Postfix's does. Plaintext pipelined after STARTTLS is
# thrown away (command injection); at postscreen_tls_security_level =
# encrypt MAIL before STARTTLS gets 530; without tlsproxy STARTTLS gets
# 454 (with postscreen_reject_footer, its macro value limited to
# postscreen_expansion_filter). Debian's Postfix smtp client at encrypt goes through tlsproxy
# (450), passes, and on its next attempt is handed to smtpd, which
# receives the mail over its own STARTTLS (Received: header with the TLS
# details); at verify it verifies our certificate through tlsproxy.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

root=no
if [ "$(id -u)" -eq 0 ]; then
    root=yes
    owner=mtao$$
    group=mtad$$
    groupadd "$group" || fail "groupadd $group"
    at_exit 'groupdel "$group" 2>/dev/null'
    useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
    at_exit 'userdel "$owner" 2>/dev/null'
    INSTANCE_MODE=root
    INSTANCE_MAIL_OWNER=$owner
    INSTANCE_SETGID_GROUP=$group
fi
instance_create
conf=$INSTANCE_CONF
read -r p_may p_enc p_pass p_none <<<"$(free_port 4 | tr '\n' ' ')"
cert_make "$conf" ca "/CN=Test CA" && cert_make "$conf" server /CN=mail.example.test ca &&
    cert_make "$conf" sni /CN=sni.example.test ca || fail "make certificates"
cat "$conf/sni.key" "$conf/sni.pem" >"$conf/sni-chain.pem"
chmod 644 "$conf/ca.pem" "$conf/server.pem"
chmod 600 "$conf/server.key" "$conf/sni.key" "$conf/sni-chain.pem"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$conf"

# p_may and p_enc have no cache: every client meets the engine. p_pass
# caches, so that a client that passed goes to smtpd next time.
engine="-o postscreen_non_smtp_command_enable=yes -o postscreen_command_time_limit=20s"
instance_master_cf \
    "127.0.0.1:$p_may inet n - n - 1 postscreen $engine -o postscreen_cache_map=" \
    "127.0.0.1:$p_enc inet n - n - 1 postscreen $engine -o postscreen_cache_map= -o postscreen_tls_security_level=encrypt" \
    "127.0.0.1:$p_pass inet n - n - 1 postscreen $engine" \
    "127.0.0.1:$p_none inet n - n - 1 postscreen $engine -o postscreen_cache_map= -o tlsproxy_service_name=absent -o postscreen_expansion_filter=0123456789 -o postscreen_reject_footer=client_\$client_address" \
    "smtpd pass - - n - - smtpd" \
    "tlsproxy unix - - n - 0 tlsproxy" \
    "cleanup unix n - n - 0 cleanup"
instance_main_cf "smtpd_banner = \$myhostname ESMTP" "mynetworks = 127.0.0.4/32" \
    "postscreen_greet_wait = 1s" "postscreen_tls_security_level = may" \
    "smtpd_tls_security_level = may" "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key" "smtpd_tls_loglevel = 1" \
    "smtpd_tls_received_header = yes" \
    "tls_server_sni_maps = inline:{ {sni.example.test = $conf/sni-chain.pem} }"
instance_start "$p_may" "$p_enc" "$p_pass" "$p_none"
require "our instance starts"

# A session through s_client: the engine's replies inside TLS.
out=$(printf 'EHLO sclient.test\nMAIL FROM:<a@sclient.test>\nRCPT TO:<b@far.test>\nQUIT\n' |
    bounded 20 openssl s_client -connect "127.0.0.1:$p_may" -starttls smtp -crlf -quiet \
        -verify_return_error -CAfile "$conf/ca.pem" -verify_hostname mail.example.test 2>&1)
has "openssl s_client: the certificate verifies (tlsproxy has the key)" "verify return:1" "$out"
has "openssl s_client: EHLO inside TLS" "250-mail.example.test" "$out"
lacks "openssl s_client: no STARTTLS offered inside TLS" "STARTTLS" "$out"
has "openssl s_client: RCPT gets the engine's 450" "450 4.3.2 Service currently unavailable" "$out"
has "openssl s_client: QUIT" "221 2.0.0 Bye" "$out"
# tls_server_sni_maps in tlsproxy: the chain of the name the client sends.
out=$(printf 'QUIT\n' | bounded 20 openssl s_client -connect "127.0.0.1:$p_may" -starttls smtp \
    -crlf -servername sni.example.test 2>/dev/null | openssl x509 -noout -subject 2>&1 |
    sed 's/ = /=/g')
has "tlsproxy: SNI sni.example.test selects its chain from tls_server_sni_maps" \
    "CN=sni.example.test" "$out"
instance_wait_log "postscreen.*PASS NEW \[127\.0\.0\.1\]" 10
check "postscreen: PASS NEW after the session in TLS"
log=$(instance_log)
has "postscreen: the RCPT of the TLS session" \
    "NOQUEUE: reject: RCPT from [127.0.0.1]:" "$log"
has "tlsproxy: CONNECT from [127.0.0.1]:PORT" "tlsproxy[" "$(grep -E 'tlsproxy\[[0-9]+\]: CONNECT from \[127\.0\.0\.1\]:[0-9]+$' <<<"$log")"
grep -qE 'tlsproxy\[[0-9]+\]: Anonymous TLS connection established from \[127\.0\.0\.1\]:[0-9]+: TLSv1\.3 with cipher [A-Z0-9_]+ \([0-9]+/[0-9]+ bits\)' <<<"$log"
check "tlsproxy: \"Anonymous TLS connection established from [127.0.0.1]:PORT: TLSv1.3 ...\""
instance_wait_log "tlsproxy\[[0-9]+\]: DISCONNECT \[127\.0\.0\.1\]:[0-9]+" 10
check "tlsproxy: DISCONNECT [127.0.0.1]:PORT"
lacks "postscreen holds no key: its log names none" "server.key" "$(grep postscreen <<<"$log")"

# gnutls-cli (TLS 1.2 for a change), command injection, encrypt, and no
# tlsproxy: the sessions in Python.
MAY=$p_may ENC=$p_enc NONE=$p_none CA=$conf/ca.pem LOG=$INSTANCE_LOG \
    PYTHONPATH=$top/tests/integration/lib bounded 60 python3 - <<'PYEOF'
import os, re, select, shutil, signal, ssl, subprocess, time
from smtp_session import Session, Checks, wait_for, unverified_context

t = Checks()
may, enc, none = int(os.environ["MAY"]), int(os.environ["ENC"]), int(os.environ["NONE"])

def logged(regex, seconds=10):
    return wait_for(lambda: re.search(regex, open(os.environ["LOG"], errors="replace").read(),
                                      re.M), seconds)

class Gnutls:
    """gnutls-cli --starttls: lines in, output read until a reply line."""
    def __init__(self, port):
        self.proc = subprocess.Popen(
            ["gnutls-cli", "--starttls", "--port", str(port), "--x509cafile", os.environ["CA"],
             "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2", "--verify-hostname",
             "mail.example.test", "127.0.0.1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = b""

    def until(self, regex, seconds=10):
        """Output until a whole line matches (its end arrived too); the output so far."""
        deadline = time.time() + seconds
        whole = rb"(?:" + regex + rb")[^\n]*\n"
        while not re.search(whole, self.out, re.M) and time.time() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                data = os.read(self.proc.stdout.fileno(), 65536)
                if not data:
                    break
                self.out += data
        return self.out.decode("latin-1")

    def cmd(self, text, regex):
        self.proc.stdin.write(text.encode() + b"\r\n")
        self.proc.stdin.flush()
        return self.until(regex)

    def close(self):
        self.proc.kill()
        self.proc.wait()

if shutil.which("gnutls-cli"):
    g = Gnutls(may)
    g.until(rb"^220 ")
    g.cmd("EHLO gnutls.test", rb"^250 ")
    out = g.cmd("STARTTLS", rb"^220 2\.0\.0")
    t.ok("220 2.0.0 Ready to start TLS" in out, "gnutls-cli: STARTTLS accepted", out[-300:])
    g.proc.send_signal(signal.SIGALRM)
    out = g.until(rb"^- Options:|Handshake has failed")
    t.ok("The certificate is trusted" in out and "(TLS1.2" in out,
         "gnutls-cli: TLS 1.2 with tlsproxy, certificate verified", out[-600:])
    g.cmd("EHLO gnutls.test", rb"^250 ")
    g.cmd("MAIL FROM:<a@gnutls.test>", rb"^250 2\.1\.0")
    out = g.cmd("RCPT TO:<b@far.test>", rb"^450 ")
    t.ok("450 4.3.2 Service currently unavailable" in out, "gnutls-cli: RCPT inside TLS gets 450",
         out[-300:])
    g.cmd("QUIT", rb"^221 ")
    g.close()
    t.ok(logged(r"tlsproxy\[\d+\]: Anonymous TLS connection established from "
                r"\[127\.0\.0\.1\]:\d+: TLSv1\.2 with cipher"),
         "tlsproxy logs the TLS 1.2 session of gnutls-cli")
else:
    print("# gnutls-cli is not installed: skipped")

def greet(port):
    s = Session.connect(port)
    s.reply()
    return s

# Plaintext after STARTTLS in the same packet must not reach the TLS session.
s = greet(may)
s.cmd("EHLO inject.test")
s.send("STARTTLS\r\nVRFY injected\r\n")
t.reply(s.reply(), 220, "injection: STARTTLS accepted")
s.starttls(unverified_context())
t.reply(s.cmd("NOOP"), 250, "injection: the first reply inside TLS answers NOOP, not the injected VRFY")
t.ok(s.pending() == b"", "injection: nothing else comes inside TLS")
code, lines = s.cmd("EHLO inject.test")
t.ok(code == 250 and not any("STARTTLS" in l for l in lines), "EHLO inside TLS offers no STARTTLS", lines)
t.reply(s.cmd("STARTTLS"), 554, "STARTTLS inside TLS", "554 5.5.1 Error: TLS already active")
t.reply(s.cmd("QUIT"), 221, "QUIT inside TLS")
s.close()

# encrypt: mail commands need TLS first; STARTTLS is offered.
s = greet(enc)
code, lines = s.cmd("EHLO enc.test")
t.ok(any(l[4:] == "STARTTLS" for l in lines), "encrypt: EHLO offers STARTTLS", lines)
t.reply(s.cmd("MAIL FROM:<a@enc.test>"), 530, "encrypt: MAIL before STARTTLS",
        "530 5.7.0 Must issue a STARTTLS command first")
t.reply(s.cmd("STARTTLS"), 220, "encrypt: STARTTLS")
s.starttls(unverified_context())
s.cmd("EHLO enc.test")
t.reply(s.cmd("MAIL FROM:<a@enc.test>"), 250, "encrypt: MAIL inside TLS")
t.reply(s.cmd("RCPT TO:<b@far.test>"), 450, "encrypt: RCPT inside TLS gets the engine's 450")
s.cmd("QUIT")
s.close()

# No tlsproxy service: 454, and the session goes on in plaintext.
s = greet(none)
s.cmd("EHLO none.test")
code, lines = s.cmd("STARTTLS")
t.ok(code == 454 and lines == ["454-4.7.0 TLS not available due to local problem",
                               "454 4.7.0 client_127_0_0_1"],
     "no tlsproxy: STARTTLS gets 454, with the reject footer (dots outside "
     "postscreen_expansion_filter become _)", lines)
t.reply(s.cmd("NOOP"), 250, "no tlsproxy: the session goes on in plaintext")
s.cmd("QUIT")
s.close()
t.ok(wait_for(lambda: re.search(r"warning: connect to private/absent service",
                                open(os.environ["LOG"], errors="replace").read()), 5),
     "no tlsproxy: postscreen warns that it cannot reach the service")
t.summary()
PYEOF
check "the Python sessions ran"

# Debian's Postfix smtp client through postscreen and tlsproxy.
if [ "$root" = yes ] && postfix_peer_available; then
    postfix_peer_create debian
    deb=$(postfix_peer_dir debian)
    cp "$conf/ca.pem" "$deb/conf/ca.pem"
    chmod 644 "$deb/conf/ca.pem"
    postfix_peer_main_cf debian "compatibility_level = 3.7" "myhostname = client.example.net" \
        "relayhost = [127.0.0.1]:$p_pass" "smtp_bind_address = 127.0.0.5" \
        "smtp_tls_loglevel = 1" "smtp_tls_CAfile = $deb/conf/ca.pem" \
        "smtp_tls_policy_maps = texthash:$deb/conf/tls_policy" \
        "transport_maps = texthash:$deb/conf/transport" "smtp_host_lookup = native" \
        "smtp_connection_cache_on_demand = no"
    printf '[127.0.0.1]:%s encrypt\n[localhost]:%s verify match=mail.example.test\n' \
        "$p_pass" "$p_may" >"$deb/conf/tls_policy"
    printf 'verify@mail.example.test smtp:[localhost]:%s\n' "$p_may" >"$deb/conf/transport"
    postfix_peer_start debian
    require "Debian's postfix starts"
    printf 'Subject: through postscreen\n\nhello\n' |
        postfix_peer_sendmail debian -f sender@client.example.net user@mail.example.test
    wait_until 20 grep -q "relay=.*\[127.0.0.1\]:$p_pass.*status=deferred.*450 4.3.2" "$deb/maillog"
    check "Debian's postfix: the first attempt gets the engine's 450 (deferred)"
    has "Debian's postfix: encrypt through tlsproxy" \
        "Trusted TLS connection established to 127.0.0.1[127.0.0.1]:$p_pass" "$(cat "$deb/maillog")"
    instance_wait_log "PASS NEW \[127\.0\.0\.5\]" 10
    check "postscreen: PASS NEW for Debian's client"
    postfix_peer_postqueue debian -f
    wait_until 20 grep -q "relay=.*\[127.0.0.1\]:$p_pass.*status=sent" "$deb/maillog"
    check "Debian's postfix: the next attempt is delivered"
    instance_wait_log "PASS OLD \[127\.0\.0\.5\]" 10
    check "postscreen: PASS OLD, handed to smtpd"
    instance_wait_log "smtpd\[[0-9]+\]: Anonymous TLS connection established from [^ ]*\[127\.0\.0\.5\]" 10
    check "smtpd: its own STARTTLS for the handed-over client" "$(grep "TLS connection" "$INSTANCE_LOG")"
    id=$(sed -n "s/.*relay=.*\[127.0.0.1\]:$p_pass.*status=sent (250 2.0.0 Ok: queued as \([0-9A-Za-z]*\)).*/\1/p" \
        "$deb/maillog" | head -1)
    if [ -n "$id" ] && grep -q "(using TLSv1.3 with cipher" "$INSTANCE_QUEUE/incoming/$id" 2>/dev/null; then
        ok "the Received: header has the TLS details"
    else
        not_ok "the Received: header has the TLS details" "queue id '$id'"
    fi
    printf 'Subject: verify\n\nhello\n' |
        postfix_peer_sendmail debian -f sender@client.example.net verify@mail.example.test
    wait_until 20 grep -q "Verified TLS connection established to localhost\[127.0.0.1\]:$p_may" \
        "$deb/maillog"
    check "Debian's postfix: verify through tlsproxy (\"Verified TLS connection established\")"
else
    comment "Debian's postfix as a client needs root and the postfix package: skipped"
fi

#!/bin/bash
# smtpd_limits_postfix_compare.sh - the per-client limits and the sender
# login restriction of our smtpd against Debian's Postfix smtpd on the
# same settings: the same client actions get the same reply, byte for
# byte, and the same warning in the log (connection count and rate,
# message and recipient rate, AUTH rate, new TLS sessions, the junk command limit,
# message_size_limit at MAIL (SIZE=) and at the end of DATA, a sender
# address that needs a login, with SMTP AUTH enabled and without it, an
# authenticated user and the addresses she owns or not).
#
# Debian's postfix runs as a private peer (lib/postfix_peer.sh), as root
# with the postfix account as its mail_owner, and is stopped by pid.
# Without the postfix package, or not as root, the test is skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

postfix_peer_available || skip "$POSTFIX_PEER_MISSING"

# The same main.cf settings and the same services on both sides.
main_cf=(
    "myhostname = mail.example.test"
    "mydestination = mail.example.test"
    "local_recipient_maps ="
    "smtpd_error_sleep_time = 0"
    "smtpd_sasl_local_domain = mail.example.test"
    "smtpd_client_event_limit_exceptions ="
    "smtpd_sender_login_maps = inline:{ { alice@mail.example.test = alice@mail.example.test }, { bob@mail.example.test = bob@mail.example.test } }"
)
# services PORT... - master.cf lines: count, rate, mail, rcpt, junk, login, login_sasl, auth,
# tls, mismatch, size
services() {
    printf '%s\n' \
        "127.0.0.1:$1 inet n - n - - smtpd -o smtpd_client_connection_count_limit=2" \
        "127.0.0.1:$2 inet n - n - - smtpd -o smtpd_client_connection_rate_limit=2" \
        "127.0.0.1:$3 inet n - n - - smtpd -o smtpd_client_message_rate_limit=1" \
        "127.0.0.1:$4 inet n - n - - smtpd -o smtpd_client_recipient_rate_limit=1" \
        "127.0.0.1:$5 inet n - n - - smtpd -o smtpd_junk_command_limit=3 -o smtpd_hard_error_limit=2" \
        "127.0.0.1:$6 inet n - n - - smtpd -o smtpd_sender_restrictions=reject_unauthenticated_sender_login_mismatch" \
        "127.0.0.1:$7 inet n - n - - smtpd -o smtpd_sender_restrictions=reject_unauthenticated_sender_login_mismatch -o smtpd_sasl_auth_enable=yes" \
        "127.0.0.1:$8 inet n - n - - smtpd -o smtpd_sasl_auth_enable=yes -o smtpd_client_auth_rate_limit=2" \
        "127.0.0.1:$9 inet n - n - - smtpd -o smtpd_tls_security_level=may -o smtpd_tls_chain_files=$certs/rsa-chain.pem -o tls_ssl_options=NO_TICKET -o smtpd_client_new_tls_session_rate_limit=1" \
        "127.0.0.1:${10} inet n - n - - smtpd -o smtpd_sasl_auth_enable=yes -o smtpd_sender_restrictions=reject_sender_login_mismatch" \
        "127.0.0.1:${11} inet n - n - - smtpd -o message_size_limit=2000"
}

instance_create
# One call for both sets, so that no port is handed out twice.
ports=$(free_port 22 | tr '\n' ' ')
ours=$(cut -d' ' -f1-11 <<<"$ports")
theirs=$(cut -d' ' -f12-22 <<<"$ports")
certs=$INSTANCE_DIR/certs
certs_make "$certs" || fail "make the certificates"
# shellcheck disable=SC2086
read -r o_count _ <<<"$ours"
read -r t_count _ <<<"$theirs"

sasl_cyrus_make "$INSTANCE_DIR/sasl" mail.example.test alice:Sesame-0pen || fail "make the sasldb"
instance_main_cf "${main_cf[@]}" "cyrus_sasl_config_path = $SASL_CONFIG_DIR"
instance_master_cf "anvil unix - - n - 1 anvil" "cleanup unix n - n - 0 cleanup"
# shellcheck disable=SC2086
services $ours >>"$INSTANCE_CONF/master.cf"
instance_start "$o_count"
require "our instance starts"

postfix_peer_create debian "${main_cf[@]}"
postfix_peer_sasl debian alice:Sesame-0pen || fail "make the peer's sasldb"
deb=$(postfix_peer_dir debian)
# shellcheck disable=SC2086
services $theirs >>"$deb/conf/master.cf"
postfix_peer_start debian "$t_count"
require "Debian's postfix starts"

OURS=$ours THEIRS=$theirs OUR_LOG=$INSTANCE_LOG THEIR_LOG=$deb/maillog \
    PYTHONPATH=$top/tests/integration/lib bounded 180 python3 - <<'PYEOF'
import base64, os, re, ssl, time
from smtp_session import Session, Checks, wait_for

t = Checks()
names = ("count", "rate", "mail", "rcpt", "junk", "login", "login_sasl", "auth", "tls",
         "mismatch", "size")

def scenarios(ports):
    """The decisive reply (or replies) of each scenario, by name."""
    p = dict(zip(names, ports))
    got = {}
    held = []
    for _ in range(2):
        s = Session.connect(p["count"])
        s.reply()
        held.append(s)
    s = Session.connect(p["count"])
    got["count"] = s.reply()[1]
    s.close()
    for s in held:
        s.close()
    for _ in range(2):
        s = Session.connect(p["rate"])
        s.reply()
        s.cmd("QUIT")
        s.close()
    s = Session.connect(p["rate"])
    got["rate"] = s.reply()[1]
    s.close()
    s = Session.connect(p["mail"])
    s.reply()
    s.cmd("EHLO client.example")
    first = s.cmd("MAIL FROM:<a@client.example>")[1]
    s.cmd("RSET")
    got["mail"] = first + s.cmd("MAIL FROM:<a@client.example>")[1]
    s.close()
    s = Session.connect(p["rcpt"])
    s.reply()
    s.cmd("EHLO client.example")
    s.cmd("MAIL FROM:<a@client.example>")
    first = s.cmd("RCPT TO:<postmaster@mail.example.test>")[1]
    got["rcpt"] = first + s.cmd("RCPT TO:<postmaster@mail.example.test>")[1]
    s.close()
    s = Session.connect(p["junk"])
    s.reply()
    codes = []
    while len(codes) < 50:
        r = s.cmd("NOOP")
        codes.append(r[0])
        if r[0] != 250:
            got["junk"] = ["%d NOOP replies, then" % (len(codes) - 1)] + r[1]
            break
    s.close()
    for name in ("login", "login_sasl"):
        s = Session.connect(p[name])
        s.reply()
        s.cmd("EHLO client.example")
        s.cmd("MAIL FROM:<alice@mail.example.test>")
        got[name] = s.cmd("RCPT TO:<postmaster@mail.example.test>")[1]
        s.close()
    got["auth"] = []
    for _ in range(3):
        s = Session.connect(p["auth"])
        s.reply()
        s.cmd("EHLO client.example")
        got["auth"] += s.cmd("AUTH PLAIN " + base64.b64encode(b"\0alice\0wrong").decode())[1]
        s.close()
    got["mismatch"] = []
    for sender in ("alice@mail.example.test", "bob@mail.example.test", "carol@elsewhere.test"):
        s = Session.connect(p["mismatch"])
        s.reply()
        s.cmd("EHLO client.example")
        got["mismatch"] += s.cmd("AUTH PLAIN " +
                                 base64.b64encode(b"\0alice\0Sesame-0pen").decode())[1]
        s.cmd("MAIL FROM:<%s>" % sender)
        got["mismatch"] += s.cmd("RCPT TO:<postmaster@mail.example.test>")[1]
        s.close()
    s = Session.connect(p["size"])
    s.reply()
    s.cmd("EHLO client.example")
    got["size"] = s.cmd("MAIL FROM:<a@client.example> SIZE=5000")[1]
    s.cmd("MAIL FROM:<a@client.example> SIZE=1000")
    s.cmd("RCPT TO:<postmaster@mail.example.test>")
    s.cmd("DATA")
    got["size"] += s.cmd("Subject: big\r\n\r\n" + "x" * 70 + ("\r\n" + "x" * 70) * 60 + "\r\n.")[1]
    got["size"] += s.cmd("QUIT")[1]
    s.close()
    got["tls"] = []
    for _ in range(3):
        s = Session.connect(p["tls"])
        s.reply()
        s.cmd("EHLO client.example")
        r = s.cmd("STARTTLS")
        if r[0] == 220:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s.starttls(ctx)
            r = s.cmd("EHLO client.example")
        got["tls"].append("250 (EHLO)" if r[0] == 250 else " ".join(r[1]) or "(closed)")
        s.close()
    return got

ours = scenarios([int(x) for x in os.environ["OURS"].split()])
theirs = scenarios([int(x) for x in os.environ["THEIRS"].split()])
# The handshake that goes over the new-session limit: Postfix means to say 421 and
# then closes (TLS_CHANGES: the 421 reaches our client); the rest must be the same.
tls_ours, tls_theirs = ours.pop("tls"), theirs.pop("tls")
t.ok(tls_ours[0] == tls_theirs[0] == "250 (EHLO)", "tls: the first full handshake is served by both")
t.ok(re.match(r"421 4\.7\.0 mail\.example\.test Error: too many new TLS sessions from "
              r"\S+\[127\.0\.0\.1\]$", tls_ours[1]) and
     tls_theirs[1] in ("(closed)", tls_ours[1]),
     "tls: the second ends the session (Postfix: %s)" % tls_theirs[1], tls_ours[1])
t.ok(tls_ours[2] == tls_theirs[2], "tls: then the same STARTTLS refusal as Postfix: %s" % tls_theirs[2],
     tls_ours[2])
for name in [n for n in names if n != "tls"]:
    t.ok(ours.get(name) is not None and ours.get(name) == theirs.get(name),
         "%s: the same replies as Postfix: %s" % (name, theirs.get(name)),
         "ours %r" % (ours.get(name),))

def warnings(path, ports):
    """The smtpd warnings, with the service names made the same."""
    with open(path, errors="replace") as f:
        text = f.read()
    lines = re.findall(r"smtpd\[\d+\]: (warning: .* limit exceeded: .*|warning: restriction .*"
                       r"|warning: Refusing .*|NOQUEUE: reject: MAIL .*size.*)",
                       text)
    lines += ["warning: QUEUEID: queue file size limit exceeded"] * len(
        re.findall(r"smtpd\[\d+\]: warning: \w+: queue file size limit exceeded", text))
    for i, port in enumerate(ports.split()):
        lines = [l.replace("127.0.0.1:%s" % port, "SERVICE-%s" % names[i]) for l in lines]
    return sorted(lines)

time.sleep(1)
ours_w = warnings(os.environ["OUR_LOG"], os.environ["OURS"])
theirs_w = warnings(os.environ["THEIR_LOG"], os.environ["THEIRS"])
t.ok(len(theirs_w) >= 5 and ours_w == theirs_w, "the same limit warnings as Postfix: %s" % theirs_w,
     "ours %r" % (ours_w,))
raise SystemExit(t.summary())
PYEOF
check "the python part ran to its end"

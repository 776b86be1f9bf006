#!/bin/bash
# smtpd_limits_postfix_compare.sh - the per-client limits and the sender
# login restriction of our smtpd against Debian's Postfix smtpd on the
# same settings: the same client actions get the same reply, byte for
# byte, and the same warning in the log (connection count and rate,
# message and recipient rate, the junk command limit, a sender address
# that needs a login, with SMTP AUTH enabled and without it).
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
    "smtpd_client_event_limit_exceptions ="
    "smtpd_sender_login_maps = inline:{ { alice@mail.example.test = alice } }"
)
# services PORT... - master.cf lines: count, rate, mail, rcpt, junk, login, login_sasl
services() {
    printf '%s\n' \
        "127.0.0.1:$1 inet n - n - - smtpd -o smtpd_client_connection_count_limit=2" \
        "127.0.0.1:$2 inet n - n - - smtpd -o smtpd_client_connection_rate_limit=2" \
        "127.0.0.1:$3 inet n - n - - smtpd -o smtpd_client_message_rate_limit=1" \
        "127.0.0.1:$4 inet n - n - - smtpd -o smtpd_client_recipient_rate_limit=1" \
        "127.0.0.1:$5 inet n - n - - smtpd -o smtpd_junk_command_limit=3 -o smtpd_hard_error_limit=2" \
        "127.0.0.1:$6 inet n - n - - smtpd -o smtpd_sender_restrictions=reject_unauthenticated_sender_login_mismatch" \
        "127.0.0.1:$7 inet n - n - - smtpd -o smtpd_sender_restrictions=reject_unauthenticated_sender_login_mismatch -o smtpd_sasl_auth_enable=yes"
}

instance_create
ours=$(free_port 7 | tr '\n' ' ')
theirs=$(free_port 7 | tr '\n' ' ')
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
import os, re, time
from smtp_session import Session, Checks, wait_for

t = Checks()
names = ("count", "rate", "mail", "rcpt", "junk", "login", "login_sasl")

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
    return got

ours = scenarios([int(x) for x in os.environ["OURS"].split()])
theirs = scenarios([int(x) for x in os.environ["THEIRS"].split()])
for name in names:
    t.ok(ours.get(name) is not None and ours.get(name) == theirs.get(name),
         "%s: the same replies as Postfix: %s" % (name, theirs.get(name)),
         "ours %r" % (ours.get(name),))

def warnings(path, ports):
    """The smtpd warnings, with the service names made the same."""
    with open(path, errors="replace") as f:
        text = f.read()
    lines = re.findall(r"smtpd\[\d+\]: (warning: .* limit exceeded: .*|warning: restriction .*)",
                       text)
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

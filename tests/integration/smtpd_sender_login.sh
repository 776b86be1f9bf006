#!/bin/bash
# smtpd_sender_login.sh - smtpd_sender_login_maps with the sender login
# restrictions on a running instance with SMTP AUTH enabled: a client that
# did not authenticate may not use an address that has an owner (553
# 5.7.1 ... not logged in) but may use any other, and the refusal is
# logged as Postfix logs it. Without smtpd_sasl_auth_enable the
# restriction is ignored, with Postfix's warning.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/sasl.sh"

instance_create || exit 1
read -r p_all p_unauth p_nosasl <<<"$(free_port 3 | tr '\n' ' ')"
sasl_cyrus_make "$INSTANCE_DIR/sasl" mail.example.test alice:Sesame-0pen || fail "make the sasldb"
instance_main_cf "mydestination = \$myhostname" "smtpd_error_sleep_time = 0" \
    "mynetworks = 127.0.0.0/8" "smtpd_sasl_auth_enable = yes" \
    "cyrus_sasl_config_path = $SASL_CONFIG_DIR" \
    "smtpd_sender_login_maps = inline:{ { alice@mail.example.test = alice }, { @team.example.test = carol } }"
instance_master_cf \
    "cleanup unix n - n - 0 cleanup" \
    "127.0.0.1:$p_all inet n - n - - smtpd -o smtpd_sender_restrictions=reject_sender_login_mismatch" \
    "127.0.0.1:$p_unauth inet n - n - - smtpd -o smtpd_sender_restrictions=reject_unauthenticated_sender_login_mismatch" \
    "127.0.0.1:$p_nosasl inet n - n - - smtpd -o smtpd_sender_restrictions=reject_sender_login_mismatch -o smtpd_sasl_auth_enable=no"
instance_start "$p_all" "$p_unauth" || fail "the instance starts"

P_ALL=$p_all P_UNAUTH=$p_unauth P_NOSASL=$p_nosasl LOG=$INSTANCE_LOG PYTHONPATH=$top/tests/integration/lib \
    bounded 120 python3 - <<'PYEOF'
import os, re
from smtp_session import Session, Checks, wait_for

t = Checks()

def log():
    with open(os.environ["LOG"], errors="replace") as f:
        return f.read()

def rcpt_reply(port, sender):
    s = Session.connect(port)
    s.reply()
    s.cmd("EHLO client.example")
    mail = s.cmd("MAIL FROM:<%s>" % sender)
    rcpt = s.cmd("RCPT TO:<postmaster@mail.example.test>")
    s.cmd("QUIT")
    s.close()
    return mail, rcpt

for name, port in (("reject_sender_login_mismatch", int(os.environ["P_ALL"])),
                   ("reject_unauthenticated_sender_login_mismatch", int(os.environ["P_UNAUTH"]))):
    mail, rcpt = rcpt_reply(port, "alice@mail.example.test")
    t.reply(mail, 250, "%s: MAIL FROM alice is taken (smtpd_delay_reject)" % name)
    t.reply(rcpt, 553, "%s: without AUTH, alice's address is refused" % name,
            r"^553 5\.7\.1 <alice@mail\.example\.test>: Sender address rejected: not logged in$")
    mail, rcpt = rcpt_reply(port, "dave@team.example.test")
    t.reply(rcpt, 553, "%s: an address owned through @domain is refused too" % name,
            r"^553 5\.7\.1 <dave@team\.example\.test>: Sender address rejected: not logged in$")
    mail, rcpt = rcpt_reply(port, "someone@elsewhere.example")
    t.reply(rcpt, 250, "%s: an address without an owner is accepted" % name)
    mail, rcpt = rcpt_reply(port, "")
    t.reply(rcpt, 250, "%s: the null sender is accepted" % name)

mail, rcpt = rcpt_reply(int(os.environ["P_NOSASL"]), "alice@mail.example.test")
t.reply(rcpt, 250, "without smtpd_sasl_auth_enable the restriction is ignored")
t.ok(wait_for(lambda: "warning: restriction `reject_sender_login_mismatch' ignored: no SASL support"
              in log()), "with Postfix's warning")

t.ok(wait_for(lambda: re.search(
    r"NOQUEUE: reject: RCPT from \S+\[127\.0\.0\.1\]: 553 5\.7\.1 <alice@mail\.example\.test>: "
    r"Sender address rejected: not logged in; from=<alice@mail\.example\.test> "
    r"to=<postmaster@mail\.example\.test> proto=ESMTP helo=<client\.example>", log())),
     "the refusal is logged as Postfix logs it")
raise SystemExit(t.summary())
PYEOF
check "the python part ran to its end"

#!/bin/bash
# address_classes.sh - the address classes at RCPT time and in routing:
# local (mydestination, our address literals; local_recipient_maps with
# its default of passwd and aliases), virtual alias, virtual mailbox,
# relay and default domains; smtpd_reject_unlisted_recipient and
# smtpd_reject_unlisted_sender with Postfix's replies; relocated_maps;
# a virtual mailbox domain delivered through virtual_transport; a
# master.cf with Postfix's trivial-rewrite entry; a quoted localpart
# with an "@" routed on (resolve_dequoted_address), and a bare IP
# address (resolve_numeric_domain = no) refused at RCPT with 501 and, sent
# with sendmail, bounced as bad address syntax. When
# Debian's Postfix can run here (root), its smtpd gets the same main.cf
# and the same dialogues, and every reply must be the same, byte for byte.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

main_cf=(
    "myhostname = mail.example.test"
    "mydestination = mail.example.test, localhost"
    "mynetworks = 127.0.0.0/8"
    "local_recipient_maps = proxy:unix:passwd.byname \$alias_maps"
    "alias_maps = inline:{ staff=root }"
    "virtual_alias_domains = alias.example.test"
    "virtual_alias_maps = inline:{ info@alias.example.test=bob@vmail.example.test }"
    "virtual_mailbox_domains = vmail.example.test"
    "virtual_mailbox_maps = inline:{ bob@vmail.example.test=bob/ }"
    "virtual_transport = discard:virtual-mailbox"
    "relay_domains = relay.example.test"
    "relay_recipient_maps = inline:{ carol@relay.example.test=ok }"
    "relocated_maps = inline:{ old@mail.example.test=new@elsewhere.example }"
    "smtpd_error_sleep_time = 0"
)
# services PLAIN SENDER LAX - the default smtpd, one that refuses unlisted
# senders, one that accepts unlisted recipients
services() {
    printf '%s\n' \
        "127.0.0.1:$1 inet n - n - - smtpd" \
        "127.0.0.1:$2 inet n - n - - smtpd -o smtpd_reject_unlisted_sender=yes" \
        "127.0.0.1:$3 inet n - n - - smtpd -o smtpd_reject_unlisted_recipient=no"
}

instance_create
ports=$(free_port 6 | tr '\n' ' ')
ours=$(cut -d' ' -f1-3 <<<"$ports")
theirs=$(cut -d' ' -f4-6 <<<"$ports")
read -r o_plain _ <<<"$ours"
read -r t_plain _ <<<"$theirs"

same "local_recipient_maps defaults to the passwd file and the aliases" \
    "local_recipient_maps = proxy:unix:passwd.byname \$alias_maps" \
    "$(instance_run "$TEST_BIN/postconf" -c "$INSTANCE_CONF" -d local_recipient_maps)"
instance_main_cf "${main_cf[@]}"
instance_master_cf "cleanup unix n - n - 0 cleanup" "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" "defer unix - - n - 0 bounce" \
    "discard unix - - n - - discard" "error unix - - n - - error" \
    "rewrite unix - - n - - trivial-rewrite" "proxymap unix - - n - - proxymap" \
    "pickup unix n - n 60 1 pickup"
# shellcheck disable=SC2086
services $ours >>"$INSTANCE_CONF/master.cf"
out=$(instance_postfix check 2>&1)
lacks "postfix check accepts Postfix's trivial-rewrite entry (the resolver is built in)" \
    "trivial-rewrite" "$out"
instance_start "$o_plain"
require "our instance starts, with the trivial-rewrite entry in master.cf"

compare=no
if postfix_peer_available; then
    postfix_peer_create debian "${main_cf[@]}"
    deb=$(postfix_peer_dir debian)
    # shellcheck disable=SC2086
    services $theirs >>"$deb/conf/master.cf"
    postfix_peer_start debian "$t_plain"
    require "Debian's postfix starts"
    compare=yes
else
    comment "no comparison with Debian's Postfix: $POSTFIX_PEER_MISSING"
fi

printf 'Subject: numeric\n\nhello\n' | instance_sendmail -f a@client.example joe@192.0.2.1
check "sendmail queues a message to joe@192.0.2.1 (the resolver judges it later)"

OURS=$ours THEIRS=$theirs COMPARE=$compare OUR_LOG=$INSTANCE_LOG \
    PYTHONPATH=$top/tests/integration/lib bounded 180 python3 - <<'PYEOF'
import os
from smtp_session import Session, Checks, wait_for

t = Checks()
U = "Recipient address rejected: User unknown in"
# (service, sender, recipient, the reply we want)
cases = [
    ("plain", "a@client.example", "root@mail.example.test", "250 2.1.5 Ok"),
    ("plain", "a@client.example", "staff@mail.example.test", "250 2.1.5 Ok"),
    ("plain", "a@client.example", "postmaster@mail.example.test", "250 2.1.5 Ok"),
    ("plain", "a@client.example", "Root@Mail.Example.Test", "250 2.1.5 Ok"),
    ("plain", "a@client.example", "nosuchuser@mail.example.test",
     "550 5.1.1 <nosuchuser@mail.example.test>: %s local recipient table" % U),
    ("plain", "a@client.example", "root@[127.0.0.1]", "250 2.1.5 Ok"),
    ("plain", "a@client.example", "nosuchuser@[127.0.0.1]",
     "550 5.1.1 <nosuchuser@[127.0.0.1]>: %s local recipient table" % U),
    ("plain", "a@client.example", "bob@vmail.example.test", "250 2.1.5 Ok"),
    ("plain", "a@client.example", "eve@vmail.example.test",
     "550 5.1.1 <eve@vmail.example.test>: %s virtual mailbox table" % U),
    ("plain", "a@client.example", "info@alias.example.test", "250 2.1.5 Ok"),
    ("plain", "a@client.example", "nobody@alias.example.test",
     "550 5.1.1 <nobody@alias.example.test>: %s virtual alias table" % U),
    ("plain", "a@client.example", "carol@relay.example.test", "250 2.1.5 Ok"),
    ("plain", "a@client.example", "dave@relay.example.test",
     "550 5.1.1 <dave@relay.example.test>: %s relay recipient table" % U),
    ("plain", "a@client.example", "old@mail.example.test",
     "550 5.1.6 <old@mail.example.test>: Recipient address rejected: "
     "User has moved to new@elsewhere.example"),
    ("plain", "a@client.example", "someone@elsewhere.example", "250 2.1.5 Ok"),
    ("plain", "nosuchuser@mail.example.test", "root@mail.example.test", "250 2.1.5 Ok"),
    ("sender", "nosuchuser@mail.example.test", "root@mail.example.test",
     "550 5.1.0 <nosuchuser@mail.example.test>: Sender address rejected: "
     "User unknown in local recipient table"),
    ("sender", "eve@vmail.example.test", "root@mail.example.test",
     "550 5.1.0 <eve@vmail.example.test>: Sender address rejected: "
     "User unknown in virtual mailbox table"),
    ("sender", "staff@mail.example.test", "root@mail.example.test", "250 2.1.5 Ok"),
    ("sender", "", "root@mail.example.test", "250 2.1.5 Ok"),
    ("lax", "a@client.example", "nosuchuser@mail.example.test", "250 2.1.5 Ok"),
    ("lax", "a@client.example", "eve@vmail.example.test", "250 2.1.5 Ok"),
    # resolve_dequoted_address: the quoted localpart routes on to elsewhere.example.
    ("plain", "a@client.example", '"joe@elsewhere.example"@mail.example.test', "250 2.1.5 Ok"),
    ("plain", "a@client.example", '"nosuchuser"@mail.example.test',
     "550 5.1.1 <nosuchuser@mail.example.test>: %s local recipient table" % U),
    # A bare IP address is no domain (resolve_numeric_domain = no).
    ("plain", "a@client.example", "joe@192.0.2.1", "501 5.1.3 Bad recipient address syntax"),
]

def run(ports):
    p = dict(zip(("plain", "sender", "lax"), ports))
    got = []
    for service, sender, rcpt, _ in cases:
        s = Session.connect(p[service])
        s.reply()
        s.cmd("EHLO client.example")
        s.cmd("MAIL FROM:<%s>" % sender)
        code, text = s.cmd("RCPT TO:<%s>" % rcpt)
        got.append(" / ".join(text))
        s.cmd("QUIT")
        s.close()
    return got

ours = run([int(x) for x in os.environ["OURS"].split()])
for (service, sender, rcpt, want), reply in zip(cases, ours):
    t.ok(reply == want, "%s: MAIL FROM:<%s> RCPT TO:<%s>: %s" % (service, sender, rcpt, want),
         "got: %s" % reply)
if os.environ["COMPARE"] == "yes":
    theirs = run([int(x) for x in os.environ["THEIRS"].split()])
    for (service, sender, rcpt, _), a, b in zip(cases, ours, theirs):
        t.ok(a == b, "%s: RCPT TO:<%s> from <%s>: the same reply as Debian's Postfix" %
             (service, rcpt, sender), "ours: %s; theirs: %s" % (a, b))

# The virtual mailbox domain goes to virtual_transport.
s = Session.connect(int(os.environ["OURS"].split()[0]))
s.reply()
s.cmd("EHLO client.example")
s.cmd("MAIL FROM:<a@client.example>")
s.cmd("RCPT TO:<bob@vmail.example.test>")
s.cmd("DATA")
code, text = s.cmd("Subject: virtual\r\n\r\nhello\r\n.")
t.ok(code == 250, "the message to a virtual mailbox is queued", "got: %d %s" % (code, text))
s.cmd("QUIT")
s.close()
log = os.environ["OUR_LOG"]
line = wait_for(lambda: next((l for l in open(log) if "to=<bob@vmail.example.test>" in l and
                              "status=" in l), None), 30)
t.ok(line is not None and "status=sent (virtual-mailbox)" in line,
     "bob@vmail.example.test is delivered by virtual_transport (discard:virtual-mailbox)",
     "log: %s" % line)

# A malformed domain that a local user submits bounces with "bad address syntax".
line = wait_for(lambda: next((l for l in open(log) if "to=<joe@192.0.2.1>" in l and
                              "status=" in l), None), 30)
t.ok(line is not None and "dsn=5.1.3, status=bounced (bad address syntax)" in line,
     "joe@192.0.2.1 bounces: resolve_numeric_domain = no", "log: %s" % line)
raise SystemExit(t.summary())
PYEOF

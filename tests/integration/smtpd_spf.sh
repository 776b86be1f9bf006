#!/bin/bash
# smtpd_spf.sh - SPF through check_policy_service with Debian's
# postfix-policyd-spf-python (policyd-spf), which spawn(8) runs as
# Debian's documentation shows. The senders' SPF records are TXT
# records in the DNS test bed (lib/dnssec.sh), which policyd-spf finds
# through /etc/resolv.conf in a private mount namespace: a sender whose
# record lists 127.0.0.1 passes (the message gets the policy's
# Received-SPF: Pass header, through the PREPEND action), one whose
# record excludes it is refused with the policy's own text, and one
# with "~all" (softfail) is accepted with a Received-SPF: Softfail
# header.
#
# Needs root, unshare, nsd, unbound, ldnsutils and policyd-spf;
# otherwise skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dnssec.sh"

SPF_BIN=/usr/bin/policyd-spf
[ -x "$SPF_BIN" ] || skip "policyd-spf is missing (Debian package postfix-policyd-spf-python)"
dnssec_available || skip "$DNSSEC_MISSING"
dnssec_namespace "$0" "$@" || skip "$DNSSEC_MISSING"
DNSSEC_RESOLV=yes
dnssec_start \
    'pass IN TXT "v=spf1 ip4:127.0.0.1 -all"' \
    'fail IN TXT "v=spf1 ip4:192.0.2.1 -all"' \
    'soft IN TXT "v=spf1 ip4:192.0.2.1 ~all"'
require "the DNS test bed starts"
dnssec_use_resolver
require "/etc/resolv.conf is the bed's (in this namespace)"

instance_create
port=$(free_port)
user=${INSTANCE_RUN_AS:-$(id -un)}
# Debian's configuration, except that the loopback client is not skipped.
cat >"$INSTANCE_CONF/policyd-spf.conf" <<'EOF'
debugLevel = 1
TestOnly = 1
HELO_reject = Fail
Mail_From_reject = Fail
PermError_reject = False
TempError_Defer = False
skip_addresses = 192.0.2.255/32
EOF
chmod 644 "$INSTANCE_CONF/policyd-spf.conf"
instance_main_cf \
    "myhostname = mail.example.test" \
    "mydestination = mail.example.test" \
    "local_recipient_maps =" \
    "mynetworks = 192.0.2.0/24" \
    "smtpd_error_sleep_time = 0" \
    "policyd-spf_time_limit = 3600" \
    "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, check_policy_service unix:private/policyd-spf"
instance_master_cf \
    "cleanup unix n - n - 0 cleanup" \
    "policyd-spf unix - n n - 0 spawn user=$user argv=$SPF_BIN $INSTANCE_CONF/policyd-spf.conf" \
    "127.0.0.1:$port inet n - n - - smtpd"
instance_start "$port"
require "the instance starts"

PORT=$port QUEUE=$INSTANCE_QUEUE PYTHONPATH=$top/tests/integration/lib \
    bounded 120 python3 - <<'PYEOF'
import os, re
from smtp_session import Checks, queue_records, queue_content, send_mail

t = Checks()
port, queue = int(os.environ["PORT"]), os.environ["QUEUE"]
R = "x@mail.example.test"

def send(domain):
    msg = "From: a@%s\nSubject: spf %s\n\nhello\n" % (domain, domain)
    return send_mail(port, "a@" + domain, [R], msg, helo="client.example", timeout=30)

def queued_headers(replies):
    m = re.search(r"queued as (\w+)", " ".join(replies))
    if not m:
        return []
    path = os.path.join(queue, "incoming", m.group(1))
    if not os.path.exists(path):
        return []
    return [l for l in queue_content(queue_records(path)) if l.startswith("Received-SPF:")]

passed = send("pass.secure.test")
t.ok(passed[-2].startswith("250 2.0.0 Ok: queued as"),
     "SPF pass: the message is accepted", repr(passed))
h = queued_headers(passed)
t.ok(len(h) == 1 and h[0].startswith("Received-SPF: Pass (mailfrom) identity=mailfrom; "
                                      "client-ip=127.0.0.1;")
     and "envelope-from=a@pass.secure.test;" in h[0],
     "SPF pass: policyd-spf's Received-SPF: Pass header is in the message", repr(h))

failed = send("fail.secure.test")
rcpt = failed[3] if len(failed) > 3 else ""
t.ok(rcpt.startswith("550 5.7.23 <%s>: Recipient address rejected: Message rejected due to: "
                     "SPF fail - not authorized. Please see http://www.openspf.net/Why?"
                     "s=mfrom;id=a@fail.secure.test;ip=127.0.0.1;" % R),
     "SPF fail: refused with the policy's code and text", repr(rcpt))
t.ok(not any(x.startswith("250 2.0.0") for x in failed),
     "SPF fail: nothing is queued", repr(failed))

soft = send("soft.secure.test")
t.ok(soft[-2].startswith("250 2.0.0 Ok: queued as"),
     "SPF softfail: the message is accepted", repr(soft))
h = queued_headers(soft)
t.ok(len(h) == 1 and h[0].startswith("Received-SPF: Softfail (mailfrom) identity=mailfrom; "
                                      "client-ip=127.0.0.1;"),
     "SPF softfail: a Received-SPF: Softfail header", repr(h))
raise SystemExit(t.summary())
PYEOF
check "the python part ran to its end"

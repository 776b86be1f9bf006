#!/bin/bash
# smtpd_end_of_data.sh - smtpd_end_of_data_restrictions: evaluated after
# the client's final "." and before the 250, our smtpd beside Debian's
# Postfix smtpd on the same main.cf and services. A policy server
# (lib/policy.sh) at end of data decides by the single recipient (REJECT,
# DEFER, a code, DEFER_IF_PERMIT, OK) and gets protocol_state
# END-OF-MESSAGE, the real message size and the recipient count;
# reject_multi_recipient_bounce and check_sender_access work there too.
# Every reply is compared with Postfix's; a refused message is not queued,
# the refusal is logged as Postfix logs it (also a refusal by
# smtpd_data_restrictions: to=<...> only for a single recipient), and the
# session goes on with the next message.
#
# Without Debian's postfix (or not as root) the comparisons are skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"
. "$top/tests/integration/lib/policy.sh"

instance_create
work=$INSTANCE_DIR/eod
mkdir -p "$work" && chmod 755 "$work"
policy_server_start "$work/ours" answer
ours_policy=$POLICY_PORT
policy_server_start "$work/theirs" answer
theirs_policy=$POLICY_PORT

main_cf=(
    "myhostname = mail.example.test"
    "mydestination = mail.example.test"
    "local_recipient_maps ="
    "smtpd_banner = \$myhostname ESMTP"
    "smtpd_error_sleep_time = 0"
    "smtpd_policy_service_timeout = 5s"
)
# services POLICY-PORT PORT... - the services of one side
services() {
    local policy=$1
    printf '%s\n' \
        "127.0.0.1:$2 inet n - n - - smtpd -o smtpd_end_of_data_restrictions=check_policy_service,inet:127.0.0.1:$policy" \
        "127.0.0.1:$3 inet n - n - - smtpd -o smtpd_end_of_data_restrictions=reject_multi_recipient_bounce" \
        "127.0.0.1:$4 inet n - n - - smtpd -o smtpd_end_of_data_restrictions=check_sender_access,inline:{spam@example.test=REJECT,later@example.test=DEFER},permit" \
        "127.0.0.1:$5 inet n - n - - smtpd -o smtpd_data_restrictions=check_sender_access,inline:{spam@example.test=REJECT}"
}
read -r -a ports <<<"$(free_port 8 | tr '\n' ' ')"
ours="${ports[*]:0:4}"
theirs="${ports[*]:4:4}"

instance_main_cf "${main_cf[@]}"
instance_master_cf "cleanup unix n - n - 0 cleanup"
# shellcheck disable=SC2086
services "$ours_policy" $ours >>"$INSTANCE_CONF/master.cf"
# shellcheck disable=SC2086
instance_start $ours
require "our instance starts"

peer=no
if postfix_peer_available; then
    postfix_peer_create debian "${main_cf[@]}"
    deb=$(postfix_peer_dir debian)
    # shellcheck disable=SC2086
    services "$theirs_policy" $theirs >>"$deb/conf/master.cf"
    # shellcheck disable=SC2086
    postfix_peer_start debian $theirs
    require "Debian's postfix starts"
    peer=yes
else
    comment "the comparisons with Postfix are skipped: $POSTFIX_PEER_MISSING"
fi

PEER=$peer PEER_LOG=${deb:+$deb/maillog} OURS=$ours THEIRS=$theirs WORK=$work OUR_LOG=$INSTANCE_LOG \
    OUR_QUEUE=$INSTANCE_QUEUE PYTHONPATH=$top/tests/integration/lib \
    bounded 200 python3 - <<'PYEOF'
import json, os, re
from smtp_session import Session, Checks, wait_for

t = Checks()
D = "mail.example.test"
BODY = "Subject: eod\r\n\r\nline one\r\n.dot stuffed\r\n" + "x" * 70 + "\r\n"

def transactions(port, items, one_session=False):
    """Transactions (sender, [recipients]), each in a session of its own
    unless one_session; the last reply line of MAIL, each RCPT, DATA and
    the end of data."""
    s = None
    out = []
    for sender, rcpts in items:
        if s is None or not one_session:
            if s is not None:
                s.cmd("QUIT")
                s.close()
            s = Session.connect(port, timeout=30)
            s.reply()
            s.cmd("EHLO client.example")
        got = [s.cmd("MAIL FROM:<%s>" % sender)[1][-1]]
        got += [s.cmd("RCPT TO:<%s>" % r)[1][-1] for r in rcpts]
        code, lines = s.cmd("DATA")
        got.append(lines[-1])
        if code == 354:
            s.send(BODY.replace("\r\n.", "\r\n..") + ".\r\n")
            end = s.reply()[1]
            got.append(re.sub(r"queued as \w+", "queued as ID", end[-1] if end else "(closed)"))
        out.append(got)
    s.cmd("QUIT")
    s.close()
    return out

scenarios = [
    [("a@example.test", ["reject@" + D]), ("a@example.test", ["defer@" + D]),
     ("a@example.test", ["code@" + D]), ("a@example.test", ["dip@" + D]),
     ("a@example.test", ["ok@" + D]), ("a@example.test", ["reject@" + D, "other@" + D])],
    [("", ["one@" + D]), ("", ["one@" + D, "two@" + D]), ("b@example.test", ["one@" + D, "two@" + D])],
    [("spam@example.test", ["x@" + D]), ("later@example.test", ["x@" + D]),
     ("fine@example.test", ["x@" + D])],
    [("spam@example.test", ["x@" + D]), ("spam@example.test", ["x@" + D, "y@" + D])],
]

def run(ports):
    return [transactions(int(p), sc) for p, sc in zip(ports.split(), scenarios)]

ours = run(os.environ["OURS"])
pol, mrb, acc, dat = ours
Q = "250 2.0.0 Ok: queued as ID"
t.ok([x[-1] for x in pol] == [
    "554 5.7.1 <END-OF-MESSAGE>: End-of-data rejected: go away",
    "450 4.7.1 <END-OF-MESSAGE>: End-of-data rejected: try later",
    "551 5.7.0 <END-OF-MESSAGE>: End-of-data rejected: no way",
    "450 4.2.0 <END-OF-MESSAGE>: End-of-data rejected: Greylisted",
    Q, Q], "the policy server's action at end of data replaces the 250", repr(pol))
t.ok(all(x[-2].startswith("354 ") for x in pol), "DATA itself was accepted (354)", repr(pol))
t.ok([x[-1] for x in dat] == ["554 5.7.1 <spam@example.test>: Sender address rejected: Access denied"] * 2,
     "smtpd_data_restrictions refuse at DATA, before the content", repr(dat))
t.ok([x[-1] for x in mrb] == [Q, "550 5.5.3 <END-OF-MESSAGE>: End-of-data rejected: "
                              "Multi-recipient bounce", Q],
     "reject_multi_recipient_bounce at end of data", repr(mrb))
t.ok([x[-1] for x in acc] == [
    "554 5.7.1 <spam@example.test>: Sender address rejected: Access denied",
    "450 4.7.1 <spam@example.test>: Sender address rejected: Access denied".replace("spam", "later"),
    Q], "check_sender_access at end of data", repr(acc))

def requests(path):
    with open(path) as f:
        return [dict(r) for r in (json.loads(l) for l in f)
                if dict(r).get("protocol_state") == "END-OF-MESSAGE"]

reqs = requests(os.environ["WORK"] + "/ours/requests")
size = len(BODY)
t.ok(len(reqs) == 6, "one policy request per message, at END-OF-MESSAGE", len(reqs))
t.ok(reqs and reqs[0].get("size") == str(size) and reqs[0].get("recipient_count") == "1"
     and reqs[0].get("recipient") == "reject@" + D and reqs[0].get("queue_id")
     and reqs[0].get("sender") == "a@example.test",
     "the request has the real size (%d), the recipient count, the queue ID" % size, repr(reqs[:1]))
t.ok(len(reqs) == 6 and reqs[5].get("recipient") == "" and reqs[5].get("recipient_count") == "2",
     "with two recipients, no recipient and a count of 2", repr(reqs[5:]))

log = open(os.environ["OUR_LOG"], errors="replace").read()
t.ok(re.search(r"smtpd\[\d+\]: [0-9A-Za-z]+: reject: END-OF-MESSAGE from [^ ]*\[127\.0\.0\.1\]: "
               r"554 5\.7\.1 <END-OF-MESSAGE>: End-of-data rejected: go away; "
               r"from=<a@example\.test> to=<reject@mail\.example\.test> proto=ESMTP "
               r"helo=<client\.example>", log), "the refusal is logged with the queue ID",
     [l for l in log.splitlines() if "END-OF-MESSAGE" in l][:2])
# RFC 5321 4.1.1.4: the end of data consumes the transaction, refused or
# not; the next one starts afresh (Postfix 3.7 keeps parts of a refused one).
same = transactions(int(os.environ["OURS"].split()[0]), scenarios[0][:2] + scenarios[0][4:5], True)
t.ok([x[0] for x in same] == ["250 2.1.0 Ok"] * 3 and same[2][-1] == Q,
     "in one session, the next transaction after a refusal starts afresh", repr(same))
reqs2 = requests(os.environ["WORK"] + "/ours/requests")[6:]
t.ok([(r.get("recipient_count"), r.get("size")) for r in reqs2] == [("1", str(len(BODY)))] * 3,
     "and its policy request counts only its own recipient and content", repr(reqs2))
queued = sum(len(fs) for d in ("incoming", "active", "deferred", "hold")
             for _, _, fs in os.walk(os.path.join(os.environ["OUR_QUEUE"], d)))
t.ok(queued == 6, "refused messages were not queued (6 accepted, %d files)" % queued)

if os.environ["PEER"] == "yes":
    theirs = run(os.environ["THEIRS"])
    for name, o, th in zip(("policy", "multi-recipient bounce", "sender access", "at DATA"), ours,
                           theirs):
        t.ok(o == th, "%s: every reply is Postfix's: %r" % (name, th), "ours %r" % (o,))
    # The seven refusals of the comparison: four of the policy server, the
    # multi-recipient bounce (two recipients), two of the sender table.
    def eod_lines(path, stage="END-OF-MESSAGE", count=7):
        return [re.sub(r".*?: [0-9A-Za-z]+: (reject: %s from )" % stage, r"\1", l)
                for l in open(path, errors="replace").read().splitlines()
                if ": reject: %s from " % stage in l][:count]
    # Each log is written by its own processes: wait until both are complete.
    for log_path in (os.environ["OUR_LOG"], os.environ["PEER_LOG"]):
        wait_for(lambda: len(eod_lines(log_path)) == 7 and len(eod_lines(log_path, "DATA", 2)) == 2)
    t.ok(eod_lines(os.environ["OUR_LOG"]) == eod_lines(os.environ["PEER_LOG"]),
         "the refusals are logged as Postfix logs them: %r" % eod_lines(os.environ["PEER_LOG"]),
         repr(eod_lines(os.environ["OUR_LOG"])))
    t.ok(eod_lines(os.environ["OUR_LOG"], "DATA", 2) == eod_lines(os.environ["PEER_LOG"], "DATA", 2),
         "the refusals at DATA are logged as Postfix logs them: %r"
         % eod_lines(os.environ["PEER_LOG"], "DATA", 2), repr(eod_lines(os.environ["OUR_LOG"], "DATA", 2)))
    their_reqs = requests(os.environ["WORK"] + "/theirs/requests")
    for k in ("size", "recipient_count", "recipient", "protocol_state", "sender"):
        t.ok([r.get(k) for r in reqs] == [r.get(k) for r in their_reqs],
             "the policy requests' %s as Postfix's" % k,
             "%r vs %r" % ([r.get(k) for r in reqs], [r.get(k) for r in their_reqs]))
raise SystemExit(t.summary())
PYEOF
check "the python part ran to its end"

#!/bin/bash
# smtpd_policy.sh - check_policy_service: the policy delegation protocol
# against scripted policy servers (lib/policy.sh), our smtpd beside
# Debian's Postfix smtpd on the same main.cf and master.cf services:
# every reply the same as Postfix's (the server's actions: REJECT, DEFER,
# a code, OK, DUNNO, DEFER_IF_PERMIT, DEFER_IF_REJECT, a restriction list;
# servers that talk garbage, close early, answer too slowly, send an
# endless line or are not there at all get the default action within the
# time limit), the same request attributes as Postfix sends, and a policy
# program that spawn(8) runs per connection, with its time limit.
#
# Debian's postfix runs as a private peer (lib/postfix_peer.sh); without
# it (or not as root) the comparisons are skipped and the rest runs.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"
. "$top/tests/integration/lib/policy.sh"

instance_create
work=$INSTANCE_DIR/policy
mkdir -p "$work" && chmod 755 "$work"
policy_server_start "$work/ours" answer
ours_answer=$POLICY_PORT
policy_server_start "$work/theirs" answer
theirs_answer=$POLICY_PORT
policy_server_start "$work/garbage" garbage
garbage=$POLICY_PORT
policy_server_start "$work/close" close
close=$POLICY_PORT
policy_server_start "$work/slow" slow
slow=$POLICY_PORT
policy_server_start "$work/babble" babble
babble=$POLICY_PORT
absent=$(free_port)

main_cf=(
    "myhostname = mail.example.test"
    "mydestination = mail.example.test"
    "local_recipient_maps ="
    "smtpd_banner = \$myhostname ESMTP"
    "smtpd_error_sleep_time = 0"
    "smtpd_policy_service_timeout = 2s"
    "smtpd_policy_service_retry_delay = 1s"
)
rcpt_list() {
    echo "-o smtpd_recipient_restrictions=check_policy_service,$1,permit_mynetworks,reject_unauth_destination"
}
# services ANSWER-PORT PORT... - the services of one side
services() {
    local answer=$1
    shift
    printf '%s\n' \
        "127.0.0.1:$1 inet n - n - - smtpd $(rcpt_list "inet:127.0.0.1:$answer") -o smtpd_policy_service_policy_context=submission" \
        "127.0.0.1:$2 inet n - n - - smtpd $(rcpt_list "inet:127.0.0.1:$garbage")" \
        "127.0.0.1:$3 inet n - n - - smtpd $(rcpt_list "inet:127.0.0.1:$close")" \
        "127.0.0.1:$4 inet n - n - - smtpd $(rcpt_list "inet:127.0.0.1:$slow")" \
        "127.0.0.1:$5 inet n - n - - smtpd $(rcpt_list "inet:127.0.0.1:$absent")" \
        "127.0.0.1:$6 inet n - n - - smtpd $(rcpt_list "{inet:127.0.0.1:$absent,default_action=DUNNO}")" \
        "127.0.0.1:$7 inet n - n - - smtpd $(rcpt_list "unix:private/nopolicy")" \
        "127.0.0.1:$8 inet n - n - - smtpd $(rcpt_list "inet:127.0.0.1:$babble")" \
        "127.0.0.1:$9 inet n - n - - smtpd -o smtpd_client_restrictions=check_policy_service,inet:127.0.0.1:$answer -o smtpd_delay_reject=no"
}
ports=$(free_port 20 | tr '\n' ' ')
ours=$(cut -d' ' -f1-9 <<<"$ports")
theirs=$(cut -d' ' -f10-18 <<<"$ports")
spawn_port=$(cut -d' ' -f19 <<<"$ports")
spawn_slow_port=$(cut -d' ' -f20 <<<"$ports")
user=${INSTANCE_RUN_AS:-$(id -un)}
: >"$work/spawn_requests"
chmod 666 "$work/spawn_requests"

instance_main_cf "${main_cf[@]}" "policy_slow_time_limit = 2s"
instance_master_cf "cleanup unix n - n - 0 cleanup" \
    "policy unix - n n - 0 spawn user=$user argv=/usr/bin/python3 $POLICY_HELPER --stdio --mode answer --log $work/spawn_requests" \
    "policy_slow unix - n n - 0 spawn user=$user argv=/usr/bin/python3 $POLICY_HELPER --stdio --mode slow" \
    "127.0.0.1:$spawn_port inet n - n - - smtpd $(rcpt_list unix:private/policy)" \
    "127.0.0.1:$spawn_slow_port inet n - n - - smtpd $(rcpt_list unix:private/policy_slow) -o smtpd_policy_service_timeout=10s -o smtpd_policy_service_try_limit=1"
# shellcheck disable=SC2086
services "$ours_answer" $ours >>"$INSTANCE_CONF/master.cf"
# shellcheck disable=SC2086
instance_start $ours $spawn_port
require "our instance starts"

peer=no
if postfix_peer_available; then
    postfix_peer_create debian "${main_cf[@]}"
    deb=$(postfix_peer_dir debian)
    # shellcheck disable=SC2086
    services "$theirs_answer" $theirs >>"$deb/conf/master.cf"
    # shellcheck disable=SC2086
    postfix_peer_start debian $theirs
    require "Debian's postfix starts"
    peer=yes
else
    comment "the comparisons with Postfix are skipped: $POSTFIX_PEER_MISSING"
fi

PEER=$peer OURS=$ours THEIRS=$theirs SPAWN=$spawn_port SPAWN_SLOW=$spawn_slow_port \
    WORK=$work OUR_LOG=$INSTANCE_LOG PYTHONPATH=$top/tests/integration/lib \
    bounded 300 python3 - <<'PYEOF'
import json, os, re, threading, time
from smtp_session import Session, Checks, wait_for

t = Checks()
names = ["answer", "garbage", "close", "slow", "absent", "absent_dunno", "absent_unix", "babble",
         "client"]
M = "MAIL FROM:<a@mail.example.test>"

def rcpts(*locals_):
    return ["RCPT TO:<%s@mail.example.test>" % l for l in locals_]

scenarios = {
    "answer": [["EHLO client.example", M] + rcpts("reject", "defer", "code", "dunno", "ok", "dip",
                                                  "dir", "list", "other"),
               ["EHLO client.example", "MAIL FROM:<a@nonexistent.invalid>"] + rcpts("list", "dip")],
    "garbage": [["EHLO client.example", M] + rcpts("a")],
    "close": [["EHLO client.example", M] + rcpts("a")],
    "slow": [["EHLO client.example", M] + rcpts("a")],
    "absent": [["EHLO client.example", M] + rcpts("a")],
    "absent_dunno": [["EHLO client.example", M] + rcpts("a")],
    "absent_unix": [["EHLO client.example", M] + rcpts("a")],
    "babble": [["EHLO client.example", M] + rcpts("a")],
    "client": [["EHLO client.example", M] + rcpts("a")],
}

def session(port, cmds):
    s = Session.connect(port, timeout=30)
    out = [s.reply()]
    for c in cmds:
        out.append(s.cmd(c))
    s.close()
    return ["250 (EHLO)" if len(r[1]) > 1 else (r[1][-1] if r[1] else "(closed)")
            for r in out][1:]

def run(ports, skip=()):
    """Every scenario of one side at once: most of them wait for a time limit."""
    got, took = {}, {}
    def one(name, port):
        start = time.time()
        got[name] = [session(port, cmds) for cmds in scenarios[name]]
        took[name] = time.time() - start
    threads = [threading.Thread(target=one, args=(n, p))
               for n, p in zip(names, ports) if n not in skip]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return got, took

# Postfix's side runs beside ours; the comparisons come after ours are checked.
# An endless answer line makes Postfix's smtpd drop the client only at its
# own timeout; ours gives the default action (checked below).
their_run = {}
if os.environ["PEER"] == "yes":
    their_thread = threading.Thread(target=lambda: their_run.update(
        zip(("got", "took"), run([int(p) for p in os.environ["THEIRS"].split()], ("babble",)))))
    their_thread.start()
ours, our_time = run([int(p) for p in os.environ["OURS"].split()])
answer = ours["answer"][0]
t.ok(answer[2:] == [
    "554 5.7.1 <reject@mail.example.test>: Recipient address rejected: go away",
    "450 4.7.1 <defer@mail.example.test>: Recipient address rejected: try later",
    "551 5.7.0 <code@mail.example.test>: Recipient address rejected: no way",
    "250 2.1.5 Ok", "250 2.1.5 Ok",
    "450 4.2.0 <dip@mail.example.test>: Recipient address rejected: Greylisted",
    "250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok"],
    "the policy server's actions decide", repr(answer))
t.ok(ours["answer"][1][2:] == [
    "450 4.1.8 <a@nonexistent.invalid>: Sender address rejected: Domain not found",
    "450 4.2.0 <dip@mail.example.test>: Recipient address rejected: Greylisted"],
    "a restriction list as the action is evaluated", repr(ours["answer"][1]))
default = "451 4.3.5 <a@mail.example.test>: Recipient address rejected: Server configuration problem"
for name in ("garbage", "close", "slow", "absent", "absent_unix", "babble"):
    t.ok(ours[name][0][-1] == default, "%s: the default action" % name, repr(ours[name]))
t.ok(ours["absent_dunno"][0][-1] == "250 2.1.5 Ok", "default_action=DUNNO in the braced form",
     repr(ours["absent_dunno"]))
t.ok(our_time["slow"] < 8, "slow: two tries of 2 seconds and one retry delay, no more",
     "%.1fs" % our_time["slow"])
for name in ("garbage", "close", "absent", "absent_unix", "babble"):
    t.ok(our_time[name] < 4, "%s: the default action within the time limit" % name,
         "%.1fs" % our_time[name])
t.ok(ours["client"][0][0] == "250 (EHLO)" and ours["client"][0][-1] == "250 2.1.5 Ok",
     "at connect time with smtpd_delay_reject = no", repr(ours["client"]))

def requests(path):
    """The RCPT requests a server got (the waits for the ports made CONNECT ones)."""
    with open(path) as f:
        return [r for r in (json.loads(l) for l in f) if dict(r).get("protocol_state") == "RCPT"]

our_reqs = requests(os.environ["WORK"] + "/ours/requests")
first = dict(our_reqs[0])
t.ok(first.get("request") == "smtpd_access_policy" and first.get("protocol_state") == "RCPT"
     and first.get("protocol_name") == "ESMTP" and first.get("client_address") == "127.0.0.1"
     and first.get("helo_name") == "client.example" and first.get("sender") == "a@mail.example.test"
     and first.get("recipient") == "reject@mail.example.test"
     and first.get("policy_context") == "submission" and first.get("recipient_count") == "0",
     "the request describes the session", repr(first))
inst = [dict(r).get("instance") for r in our_reqs[:9]]
t.ok(len(set(inst)) == 1 and inst[0] and dict(our_reqs[9]).get("instance") != inst[0],
     "instance: one per message", repr(inst + [dict(our_reqs[9]).get("instance")]))

if os.environ["PEER"] == "yes":
    their_thread.join()
    theirs = their_run["got"]
    for name in [n for n in names if n != "babble"]:
        t.ok(ours[name] == theirs[name], "%s: every reply is Postfix's: %s" % (name, theirs[name]),
             "ours %r" % (ours[name],))
    their_reqs = requests(os.environ["WORK"] + "/theirs/requests")
    newer = {"compatibility_level", "mail_version"}
    our_names = [a[0] for a in our_reqs[0]]
    their_names = [a[0] for a in their_reqs[0]]
    t.ok([n for n in our_names if n not in newer or n in their_names] == their_names,
         "the attributes Postfix sends, in its order: %s" % their_names, repr(our_names))
    same = ("request", "protocol_state", "protocol_name", "client_address", "client_name",
            "reverse_client_name", "server_address", "helo_name", "sender", "recipient",
            "recipient_count", "queue_id", "size", "sasl_method", "sasl_username", "sasl_sender",
            "encryption_protocol", "encryption_keysize", "policy_context")
    for i in range(len(their_reqs)):
        o = dict(our_reqs[i]) if i < len(our_reqs) else {}
        th = dict(their_reqs[i])
        diff = [k for k in same if o.get(k) != th.get(k) and not (k == "queue_id" and o.get(k) and th.get(k))]
        t.ok(not diff, "request %d: the same values as Postfix's" % (i + 1),
             "differ: %r" % ([(k, o.get(k), th.get(k)) for k in diff],))

# spawn(8): a policy program per connection, as the instance's user.
r = session(int(os.environ["SPAWN"]), ["EHLO client.example", M] + rcpts("reject", "ok"))
t.ok(r[2:] == ["554 5.7.1 <reject@mail.example.test>: Recipient address rejected: go away",
               "250 2.1.5 Ok"], "spawn: the spawned program's actions decide", repr(r))
t.ok(len(requests(os.environ["WORK"] + "/spawn_requests")) == 2,
     "spawn: one program serves the connection's requests")
start = time.time()
r = session(int(os.environ["SPAWN_SLOW"]), ["EHLO client.example", M] + rcpts("a"))
took = time.time() - start
t.ok(r[-1] == default and took < 6, "spawn: a program past policy_slow_time_limit is killed "
     "and the default action decides", "%r after %.1fs" % (r, took))
log = lambda: open(os.environ["OUR_LOG"], errors="replace").read()
t.ok(wait_for(lambda: re.search(r"spawn\[\d+\]: warning: service policy_slow: command "
                                r"/usr/bin/python3 killed after 2 seconds", log()), 5),
     "spawn: the kill is logged")
t.ok(re.search(r"warning: problem talking to server 127\.0\.0\.1:\d+: Connection timed out", log())
     and re.search(r"warning: missing attribute action in input from 127\.0\.0\.1:\d+", log())
     and re.search(r"warning: connect to private/nopolicy: ", log()),
     "the failures are logged as Postfix logs them")
raise SystemExit(t.summary())
PYEOF
check "the python part ran to its end"

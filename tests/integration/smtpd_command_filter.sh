#!/bin/bash
# smtpd_command_filter.sh - smtpd_command_filter: a pcre table rewrites
# client commands before smtpd reads them (a bare "HELO" gets a name, a
# RCPT with junk after the address loses it), each replacement is logged,
# a command the table does not match is served as sent, and a table that
# cannot answer ends the session with 421 instead of letting the raw
# command through.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create || exit 1
conf=$INSTANCE_CONF
read -r port port_bad <<<"$(free_port 2 | tr '\n' ' ')"
cat >"$conf/command_filter" <<'EOF'
/^HELO\s*$/ HELO domain.invalid
/^(RCPT\s+TO:\s*<[^>]*>)\s+NOTIFY=NEVERMIND$/ $1
EOF
# A hash: table whose file does not exist: every lookup fails.
instance_master_cf "127.0.0.1:$port inet n - n - - smtpd" \
    "127.0.0.1:$port_bad inet n - n - - smtpd -o smtpd_command_filter=hash:$conf/missing" \
    "cleanup unix n - n - 0 cleanup"
instance_main_cf "mydestination = \$myhostname, example.test" "smtpd_error_sleep_time = 0" \
    "local_recipient_maps =" \
    "smtpd_command_filter = pcre:$conf/command_filter"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$conf"
instance_start "$port" "$port_bad"
require "the instance starts"

PORT=$port PORT_BAD=$port_bad MAILLOG=$INSTANCE_LOG \
    PYTHONPATH=$top/tests/integration/lib python3 - <<'PYEOF'
import os
from smtp_session import Session, Checks, wait_for

t = Checks()
port, port_bad, maillog = int(os.environ["PORT"]), int(os.environ["PORT_BAD"]), os.environ["MAILLOG"]

def log():
    with open(maillog, errors="replace") as f:
        return f.read()

s = Session.connect(port, timeout=15)
t.reply(s.reply(), 220, "greeting")
t.reply(s.cmd("HELO"), 250, "a bare HELO is rewritten and accepted")
t.reply(s.cmd("MAIL FROM:<a@example.org>"), 250, "MAIL, not in the table")
t.reply(s.cmd("RCPT TO:<user@example.test> NOTIFY=NEVERMIND"), 250,
        "RCPT with junk after the address: the junk is removed")
t.reply(s.cmd("RCPT TO:<other@example.test> NOTIFY=ALWAYS"), 501,
        "a RCPT the table does not match is served as sent (bad NOTIFY)")
t.reply(s.cmd("QUIT"), 221, "QUIT")
s.close()
t.ok(wait_for(lambda: 'localhost[127.0.0.1]: replacing command "HELO" with "HELO domain.invalid"'
              in log()), "the HELO replacement is logged")
t.ok(wait_for(lambda: 'replacing command "RCPT TO:<user@example.test> NOTIFY=NEVERMIND" with '
              '"RCPT TO:<user@example.test>"' in log()), "the RCPT replacement is logged")
t.ok("replacing command \"MAIL" not in log(), "a command the table does not match is not logged")

s = Session.connect(port_bad, timeout=15)
t.reply(s.reply(), 220, "missing table: greeting")
t.reply(s.cmd("EHLO client.test"), 421, "missing table: the command is not served",
        r"^421 4\.3\.0 \S+ Server configuration error$")
s.close()
t.ok(wait_for(lambda: "smtpd_command_filter lookup error for \"EHLO client.test\"" in log()),
     "the lookup error is logged")
PYEOF
check "the session checks ran"

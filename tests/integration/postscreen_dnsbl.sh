#!/bin/bash
# postscreen_dnsbl.sh - postscreen's DNSBL and DNSWL scoring through
# dnsblog(8), against zones of the DNS test bed (lib/dnssec.sh): a client
# listed over postscreen_dnsbl_threshold is logged "DNSBL rank N" and
# refused at RCPT with the name from postscreen_dnsbl_reply_map; a client
# on a DNSWL under a negative postscreen_dnsbl_allowlist_threshold passes
# at once, without the rest of the greet wait, and delivers; a listing
# that the reply filter excludes counts nothing; a slow dnsblog
# (postscreen_dnsbl_timeout) counts nothing either.
#
# dnsblog finds the bed through /etc/resolv.conf in a private mount
# namespace, so the test needs root, unshare, nsd, unbound and ldnsutils.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dnssec.sh"

dnssec_available || skip "$DNSSEC_MISSING"
dnssec_namespace "$0" "$@" || skip "$DNSSEC_MISSING"
DNSSEC_RESOLV=yes
dnssec_start \
    '3.0.0.127.zen IN A 127.0.0.2' \
    '3.0.0.127.zen IN A 127.0.0.10' \
    '3.0.0.127.bl2 IN A 127.0.0.2' \
    '4.0.0.127.wl IN A 127.0.0.5' \
    '5.0.0.127.zen IN A 127.0.0.9' \
    '6.0.0.127.zen IN A 127.0.0.2'
require "the DNS test bed starts"
dnssec_use_resolver
require "/etc/resolv.conf is the bed's (in this namespace)"

instance_create
read -r p_main p_slow <<<"$(free_port 2 | tr '\n' ' ')"
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
printf '%s\n' "zen.secure.test zen.example" >"$INSTANCE_CONF/dnsbl_reply"
chmod 644 "$INSTANCE_CONF/dnsbl_reply"
instance_master_cf \
    "127.0.0.1:$p_main inet n - n - 1 postscreen" \
    "127.0.0.1:$p_slow inet n - n - 1 postscreen -o postscreen_cache_map= -o dnsblog_service_name=slowdnsblog -o postscreen_dnsbl_timeout=1s" \
    "smtpd pass - - n - - smtpd" \
    "dnsblog unix - - n - 0 dnsblog" \
    "slowdnsblog unix - - n - 0 dnsblog -o dnsblog_reply_delay=4s" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "defer unix - - n - 0 bounce" \
    "smtp unix - - n - 1 smtp"
instance_main_cf "relayhost = [127.0.0.1]:$FAKE_SMTPD_PORT" "smtp_tls_security_level = none" \
    "mynetworks = 127.0.0.0/8" "postscreen_access_list =" "smtpd_banner = \$myhostname ESMTP" \
    "postscreen_greet_wait = 3s" "postscreen_dnsbl_threshold = 3" \
    "postscreen_dnsbl_allowlist_threshold = -1" "postscreen_dnsbl_action = enforce" \
    "postscreen_dnsbl_sites = zen.secure.test=127.0.0.[2..3]*2, bl2.secure.test, wl.secure.test*-2" \
    "postscreen_dnsbl_reply_map = texthash:$INSTANCE_CONF/dnsbl_reply" \
    "smtpd_client_port_logging = yes"
instance_start "$p_main" "$p_slow"
require "the instance starts"

MAIN=$p_main SLOW=$p_slow LOG=$INSTANCE_LOG SINK=$INSTANCE_DIR/sink \
    PYTHONPATH=$top/tests/integration/lib bounded 120 python3 - <<'PYEOF'
import glob, os, re, time
from smtp_session import Session, Checks, wait_for

t = Checks()
main, slow = int(os.environ["MAIN"]), int(os.environ["SLOW"])
log = os.environ["LOG"]

def logged(regex, seconds=5):
    def find():
        for line in open(log, errors="replace"):
            if re.search(regex, line):
                return line.rstrip("\n")
        return None
    return wait_for(find, seconds)

# Listed by zen (weight 2, its filter matches 127.0.0.2) and bl2 (1): rank 3.
s = Session.connect(main, source="127.0.0.3")
port = s.sock.getsockname()[1]
r = s.reply()
t.ok(r[1] == ["220-mail.example.test ESMTP", "220 mail.example.test ESMTP"],
     "a listed client gets postscreen's whole greeting", r)
s.cmd("EHLO bot.test")
s.cmd("MAIL FROM:<a@bot.test>")
t.reply(s.cmd("RCPT TO:<b@far.test>"), 550, "a listed client is refused at RCPT",
        r"^550 5\.7\.1 Service unavailable; client \[127\.0\.0\.3\] blocked using zen\.example$")
s.cmd("QUIT")
s.close()
t.ok(logged(r"postscreen\[\d+\]: DNSBL rank 3 for \[127\.0\.0\.3\]:%d$" % port),
     "postscreen logs DNSBL rank 3 for [addr]:port")
t.ok(logged(r"NOQUEUE: reject: RCPT from \[127\.0\.0\.3\]:%d: 550 5\.7\.1 Service unavailable; "
            r"client \[127\.0\.0\.3\] blocked using zen\.example; from=<a@bot\.test>, "
            r"to=<b@far\.test>, proto=ESMTP, helo=<bot\.test>$" % port),
     "postscreen logs the NOQUEUE reject line with the reply map's name")
t.ok(logged(r"dnsblog\[\d+\]: addr 127\.0\.0\.3 listed by domain zen\.secure\.test as 127\.0\.0\.2$"),
     "dnsblog logs the listing")

# On the DNSWL (weight -2): through at once, and delivered.
start = time.time()
s = Session.connect(main, source="127.0.0.4")
port = s.sock.getsockname()[1]
r = s.reply()
took = time.time() - start
t.ok(r[1] == ["220-mail.example.test ESMTP", "220 mail.example.test ESMTP"],
     "an allowlisted client gets smtpd's 220 line after postscreen's", r)
t.ok(took < 2.5, "the allowlisted client does not wait for the whole greet wait (3s)",
     "%.1fs" % took)
t.reply(s.cmd("EHLO good.test"), 250, "smtpd answers the allowlisted client's EHLO")
s.cmd("MAIL FROM:<a@good.test>")
s.cmd("RCPT TO:<b@far.test>")
s.cmd("DATA")
s.send("Subject: allowlisted\r\n\r\nhi\r\n.\r\n")
t.reply(s.reply(), 250, "the allowlisted client's mail is queued", "queued as")
s.cmd("QUIT")
s.close()
t.ok(logged(r"PASS NEW \[127\.0\.0\.4\]:%d$" % port), "the allowlisted client: PASS NEW")
t.ok(wait_for(lambda: glob.glob(os.environ["SINK"] + "/msg.*"), 20),
     "the allowlisted client's mail is delivered end to end")

# Listed, but with a record that zen's filter excludes: score 0.
s = Session.connect(main, source="127.0.0.5")
port = s.sock.getsockname()[1]
r = s.reply()
t.ok(r[1] == ["220-mail.example.test ESMTP", "220 mail.example.test ESMTP"],
     "a client whose listing the filter excludes passes", r)
s.cmd("QUIT")
s.close()
t.ok(logged(r"PASS NEW \[127\.0\.0\.5\]:%d$" % port), "the excluded listing: PASS NEW")
t.ok(not logged(r"DNSBL rank \d+ for \[127\.0\.0\.5\]", 0), "the excluded listing: no DNSBL rank")

# Listed by zen only (weight 2 < 3): passes.
s = Session.connect(main, source="127.0.0.6")
s.reply()
s.close()
t.ok(not logged(r"DNSBL rank \d+ for \[127\.0\.0\.6\]", 3), "under the threshold: no DNSBL rank")

# dnsblog slower than postscreen_dnsbl_timeout: the listing counts nothing.
s = Session.connect(slow, source="127.0.0.3")
port = s.sock.getsockname()[1]
r = s.reply()
t.ok(r[1] == ["220-mail.example.test ESMTP", "220 mail.example.test ESMTP"],
     "a listed client whose lookups time out passes", r)
s.cmd("QUIT")
s.close()
t.ok(logged(r"PASS NEW \[127\.0\.0\.3\]:%d$" % port), "timed-out lookups: PASS NEW")
t.ok(logged(r"warning: dnsblog reply timeout 1s for 127\.0\.0\.3$"),
     "postscreen warns about the dnsblog timeout")
PYEOF
! grep -Eq "panic|fatal" "$INSTANCE_LOG"
check "no panic or fatal error in the log"

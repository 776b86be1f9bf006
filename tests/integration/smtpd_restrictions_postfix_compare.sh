#!/bin/bash
# smtpd_restrictions_postfix_compare.sh - the restrictions of our smtpd
# against Debian's Postfix smtpd on the same main.cf and the same
# master.cf services: each restriction gets a client that passes and one
# that fails, and every reply of both sessions must be the same as
# Postfix's, byte for byte (reply code, enhanced code, text), also with
# the *_reject_code parameters changed; so must the replies to malformed
# MAIL and RCPT addresses (strict_rfc821_envelopes, a bare IP address or a
# bad literal as domain) and with smtpd_discard_ehlo_keywords. The log
# lines that a user reads for them (reject_warning, improper command
# pipelining, illegal address syntax, discarded EHLO keywords) must be the
# same too, and so must the reject footers of smtpd_reject_footer_maps
# (which the log lines never show).
#
# Both servers use the system resolver, where the test names do not
# exist; the client name of 127.0.0.1 is "localhost" (/etc/hosts), and
# 127.0.0.2 has none. Debian's postfix runs as a private peer
# (lib/postfix_peer.sh), as root with the postfix account as its
# mail_owner, and is stopped by pid. Without the postfix package, or not
# as root, the test is skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

postfix_peer_available || skip "$POSTFIX_PEER_MISSING"

main_cf=(
    "myhostname = mail.example.test"
    "mydestination = mail.example.test"
    "local_recipient_maps ="
    "smtpd_banner = \$myhostname ESMTP"
    "smtpd_error_sleep_time = 0"
    "inet_interfaces = 127.0.0.1"
    "mynetworks = 127.0.0.0/8"
    "relay_domains = relay.example.test"
    "smtpd_restriction_classes = sender_class"
    "sender_class = reject_unknown_sender_domain"
)
# The services, one a line: a name and its master.cf options.
services=(
    "helo_invalid -o smtpd_helo_restrictions=reject_invalid_helo_hostname"
    "helo_unknown -o smtpd_helo_restrictions=reject_unknown_helo_hostname"
    "sender_unknown -o smtpd_sender_restrictions=reject_unknown_sender_domain"
    "rcpt_unknown -o smtpd_recipient_restrictions=reject_unknown_recipient_domain,permit_mynetworks,reject_unauth_destination"
    "client_unknown -o smtpd_client_restrictions=reject_unknown_client_hostname"
    "reverse_unknown -o smtpd_client_restrictions=reject_unknown_reverse_client_hostname"
    "pipelining -o smtpd_client_restrictions=reject_unauth_pipelining -o smtpd_forbid_unauth_pipelining=no"
    "data_pipelining -o smtpd_data_restrictions=reject_unauth_pipelining -o smtpd_forbid_unauth_pipelining=no"
    "forbid_pipelining -o smtpd_forbid_unauth_pipelining=yes"
    "bounce_rcpt -o smtpd_recipient_restrictions=reject_multi_recipient_bounce,permit_mynetworks,reject_unauth_destination"
    "bounce_data -o smtpd_data_restrictions=reject_multi_recipient_bounce"
    "plaintext -o smtpd_client_restrictions=reject_plaintext_session"
    "inet -o smtpd_client_restrictions=permit_inet_interfaces,reject"
    "defer_if_permit -o smtpd_client_restrictions=defer_if_permit,permit_mynetworks -o smtpd_sender_restrictions=reject_unknown_sender_domain"
    "defer_if_reject -o smtpd_client_restrictions=defer_if_reject,reject_unknown_client_hostname -o unknown_client_reject_code=550"
    "defer_if_reject_lists -o smtpd_client_restrictions=defer_if_reject -o smtpd_sender_restrictions=reject_unknown_sender_domain -o unknown_address_reject_code=550"
    "warn_if_reject -o smtpd_client_restrictions=warn_if_reject,reject_unknown_client_hostname"
    "sleep -o smtpd_client_restrictions=sleep,1,reject_non_fqdn_helo_hostname"
    "helo_required -o smtpd_helo_required=yes"
    "helo_optional -o smtpd_helo_restrictions=reject_invalid_helo_hostname,reject_non_fqdn_helo_hostname,reject_unknown_helo_hostname"
    "no_delay -o smtpd_delay_reject=no -o smtpd_helo_restrictions=reject_invalid_helo_hostname -o smtpd_client_restrictions=reject_unknown_client_hostname"
    "class -o smtpd_sender_restrictions=sender_class"
    "codes -o smtpd_helo_restrictions=reject_invalid_helo_hostname,reject_unknown_helo_hostname -o smtpd_sender_restrictions=reject_unknown_sender_domain -o smtpd_client_restrictions=reject_unknown_client_hostname -o invalid_hostname_reject_code=550 -o unknown_hostname_reject_code=554 -o unknown_address_reject_code=553 -o unknown_client_reject_code=551"
    "unlisted -o smtpd_recipient_restrictions=reject_unlisted_recipient,permit_mynetworks,reject_unauth_destination -o smtpd_sender_restrictions=reject_unlisted_sender -o smtpd_reject_unlisted_recipient=no -o smtpd_reject_unlisted_sender=no -o local_recipient_maps=texthash:USERS"
    "syntax -o resolve_numeric_domain=no"
    "strict -o strict_rfc821_envelopes=yes"
    "discard -o smtpd_discard_ehlo_keywords=Vrfy,dsn,enhancedstatuscodes"
    "discard_logged -o smtpd_discard_ehlo_keywords=Vrfy,dsn"
    "codes2 -o smtpd_recipient_restrictions=reject_multi_recipient_bounce,permit_mynetworks,reject_unauth_destination -o multi_recipient_bounce_reject_code=553 -o smtpd_client_restrictions=reject_plaintext_session -o plaintext_reject_code=530"
    "etrn -o smtpd_helo_required=yes"
    "etrn_restrictions -o smtpd_etrn_restrictions=reject_unknown_client_hostname,check_etrn_access,texthash:ETRN"
    "etrn_delayed -o smtpd_client_restrictions=reject_unknown_client_hostname"
    "footer -o smtpd_reject_footer_maps=regexp:FOOTERS -o smtpd_recipient_restrictions=reject_unknown_recipient_domain,permit_mynetworks,reject_unauth_destination"
)
count=${#services[@]}

# master_cf PORT... - the services on these ports
master_cf() {
    local i=0 port
    for port in "$@"; do
        set -- ${services[$i]//USERS/$users}
        set -- "${@//ETRN/$etrn}"
        set -- "${@//FOOTERS/$footers}"
        shift
        echo "127.0.0.1:$port inet n - n - - smtpd $*"
        i=$((i + 1))
    done
}

instance_create
users=$INSTANCE_DIR/users
printf '%s\n' "postmaster x" "a x" >"$users"
etrn=$INSTANCE_DIR/etrn
printf '%s\n' "locked.relay.example.test REJECT no ETRN here" >"$etrn"
footers=$INSTANCE_DIR/footers
# In a regexp table "$$" is a literal "$": the templates name $client_address.
printf '%s\n' '/^5/ \c (ask postmaster; your address is $$client_address)' \
    '/^4/ Help: https://help.example.test/ for $$client_address at $$server_name' >"$footers"
chmod 644 "$users" "$etrn" "$footers"
ports=$(free_port $((2 * count)) | tr '\n' ' ')
ours=$(cut -d' ' -f1-$count <<<"$ports")
theirs=$(cut -d' ' -f$((count + 1))-$((2 * count)) <<<"$ports")
instance_main_cf "${main_cf[@]}"
instance_master_cf "cleanup unix n - n - 0 cleanup" "flush unix n - n 1000? 0 flush"
# shellcheck disable=SC2086
master_cf $ours >>"$INSTANCE_CONF/master.cf"
# shellcheck disable=SC2086
instance_start $ours
require "our instance starts"

postfix_peer_create debian "${main_cf[@]}"
deb=$(postfix_peer_dir debian)
# shellcheck disable=SC2086
master_cf $theirs >>"$deb/conf/master.cf"
postfix_peer_master_cf debian "flush unix n - n 1000? 0 flush"
# shellcheck disable=SC2086
postfix_peer_start debian $theirs
require "Debian's postfix starts"

NAMES=$(for s in "${services[@]}"; do echo "${s%% *}"; done | tr '\n' ' ') \
    OURS=$ours THEIRS=$theirs OUR_LOG=$INSTANCE_LOG THEIR_LOG=$deb/maillog \
    PYTHONPATH=$top/tests/integration/lib bounded 240 python3 - <<'PYEOF'
import os, re, socket, time
from smtp_session import Checks

t = Checks()
names = os.environ["NAMES"].split()
M = "MAIL FROM:<a@mail.example.test>"
R = "RCPT TO:<postmaster@mail.example.test>"
R2 = "RCPT TO:<abuse@mail.example.test>"
BAD_MAIL = "MAIL FROM:<a@nonexistent.invalid>"

# Per service: sessions (source address, pipelined?, commands) and the
# codes of the last reply of each session (0: the server had closed), so
# that every service has a case that passes and one that fails. pipe=True
# sends all commands at once; pipe="after_first" sends the first alone
# and the rest at once, as a client does after EHLO.
def S(cmds, src="127.0.0.1", pipe=False):
    return (src, pipe, cmds)

scenarios = {
    "helo_invalid": ([S(["HELO bad_name!", M, R]), S(["HELO -bad.example", M, R]),
                      S(["HELO 123", M, R]), S(["HELO [1.2.3]", M, R]),
                      S(["HELO under_score.example", M, R]), S(["HELO [1.2.3.4]", M, R]),
                      S(["HELO 192.0.2.1", M, R]), S(["HELO [IPv6:::1]", M, R])],
                     [501, 501, 501, 501, 250, 250, 250, 250]),
    "helo_unknown": ([S(["HELO nonexistent.invalid", M, R]), S(["HELO [127.0.0.1]", M, R]),
                      S(["HELO [foo]", M, R])], [450, 250, 501]),
    "sender_unknown": ([S(["HELO x", BAD_MAIL, R]), S(["HELO x", M, R]),
                        S(["HELO x", "MAIL FROM:<>", R]), S(["HELO x", "MAIL FROM:<a@[192.0.2.1]>", R]),
                        S(["HELO x", "MAIL FROM:<a@MAIL.example.test.>", R])],
                       [450, 250, 250, 250, 250]),
    "rcpt_unknown": ([S(["HELO x", M, "RCPT TO:<b@nonexistent.invalid>"]), S(["HELO x", M, R])],
                     [450, 250]),
    "client_unknown": ([S(["HELO x", M, R], "127.0.0.2"), S(["HELO x", M, R])], [450, 250]),
    "reverse_unknown": ([S(["HELO x", M, R], "127.0.0.2"), S(["HELO x", M, R])], [450, 250]),
    "pipelining": ([S(["HELO x", M, R], pipe=True), S(["EHLO x", M, R], pipe=True),
                    S(["HELO x", M, R]), S(["EHLO x", M, R])], [503, 503, 250, 250]),
    "data_pipelining": ([S(["HELO x", M, R, "DATA"], pipe=True), S(["HELO x", M, R, "DATA"])],
                        [503, 354]),
    "forbid_pipelining": ([S(["HELO x", M, R], pipe=True), S(["EHLO x", M, R], pipe=True),
                           S(["EHLO x", M, R, "DATA"], pipe="after_first"),
                           S(["HELO x", M, R])], [0, 0, 354, 250]),
    "bounce_rcpt": ([S(["HELO x", "MAIL FROM:<>", R, R2]), S(["HELO x", M, R, R2])], [550, 250]),
    "bounce_data": ([S(["HELO x", "MAIL FROM:<>", R, R2, "DATA"]),
                     S(["HELO x", "MAIL FROM:<>", R, "DATA"])], [550, 354]),
    "plaintext": ([S(["HELO x", M, R])], [450]),
    "inet": ([S(["HELO x", M, R]), S(["HELO x", M, R], "127.0.0.2")], [250, 554]),
    "defer_if_permit": ([S(["HELO x", M, R]), S(["HELO x", BAD_MAIL, R])], [450, 450]),
    "defer_if_reject": ([S(["HELO x", M, R], "127.0.0.2"), S(["HELO x", M, R])], [450, 250]),
    "defer_if_reject_lists": ([S(["HELO x", BAD_MAIL, R]), S(["HELO x", M, R])], [550, 250]),
    "warn_if_reject": ([S(["HELO x", M, R], "127.0.0.2")], [250]),
    "sleep": ([S(["HELO x", M, R]), S(["HELO x.example", M, R])], [504, 250]),
    "helo_required": ([S([M, "HELO x", M, R])], [250]),
    "helo_optional": ([S([M, R, "DATA"]), S(["HELO x", M, R])], [354, 504]),
    "no_delay": ([S(["HELO bad_name!", "HELO good.example", M, R]), S(["HELO x", M], "127.0.0.2")],
                 [250, 503]),
    "class": ([S(["HELO x", BAD_MAIL, R]), S(["HELO x", M, R])], [450, 250]),
    "codes": ([S(["HELO bad_name!", M, R]), S(["HELO nonexistent.invalid", M, R]),
               S(["HELO [1.2]", M, R]), S(["HELO [127.0.0.1]", BAD_MAIL, R]),
               S(["HELO [127.0.0.1]", M, R], "127.0.0.2")], [550, 554, 550, 553, 551]),
    "syntax": ([S(["HELO x", M, "RCPT TO:<%s>" % a]) for a in
                ["joe@192.0.2.1", "joe@[mail]", "joe@[192.0.2.1]", "joe@-bad.example",
                 "joe@a..example", "joe@", "joe@123", "joe@under_score.example.",
                 "joe@example.test..", "joe@[IPv6:2001:db8::1]", "joe@[1.2.3]", "joe@[IPv6:1.2.3.4]"]]
               + [S(["HELO x", "MAIL FROM:<a@192.0.2.1>"]), S(["HELO x", "MAIL FROM:<a@[mail]>"]),
                  S(["HELO x", "MAIL FROM:<a@[192.0.2.1]>", R]), S(["HELO x", "MAIL FROM:<a@>"]),
                  S(["HELO x", M, "RCPT TO:joe@example.test"]),
                  S(["HELO x", M, "RCPT TO: <joe@example.test>"])],
               [501, 501, 250, 501, 501, 501, 501, 250, 501, 250, 501, 501,
                501, 501, 250, 501, 250, 250]),
    "discard": ([S(["EHLO x", M, "RCPT TO:<joe@example.test> NOTIFY=NEVER", R, "VRFY a"]),
                 S(["EHLO x", M, "RCPT TO:<joe@example.test> NOTIFY=NEVER"])], [252, 501]),
    "discard_logged": ([S(["EHLO x", "VRFY a"])], [252]),
    "strict": ([S(["HELO x", "MAIL FROM:a@mail.example.test"]),
                S(["HELO x", "MAIL FROM: <a@mail.example.test>", R]),
                S(["HELO x", M, "RCPT TO:postmaster@mail.example.test"]),
                S(["HELO x", M, "RCPT TO:<@relay.example:joe@example.test>"]),
                S(["HELO x", M, R])], [501, 250, 501, 250, 250]),
    "codes2": ([S(["HELO x", "MAIL FROM:<>", R, R2])], [530]),
    "unlisted": ([S(["HELO x", M, "RCPT TO:<nobody@mail.example.test>"]), S(["HELO x", M, R]),
                  S(["HELO x", "MAIL FROM:<ghost@mail.example.test>", R]),
                  S(["HELO x", "MAIL FROM:<a@elsewhere.example>", R])], [550, 250, 550, 250]),
    "etrn": ([S(["ETRN relay.example.test", "HELO x", "ETRN sub.relay.example.test",
                 "ETRN Relay.Example.TEST", "ETRN @relay.example.test", "ETRN #relay.example.test",
                 "ETRN other.test", "ETRN Other.TEST", "ETRN", "ETRN a b", "ETRN bad_name!",
                 "ETRN x.test.", "ETRN [192.0.2.1]", "ETRN [1.2.3]", "ETRN 192.0.2.1",
                 "ETRN .relay.example.test", "ETRN @[192.0.2.1]", "ETRN [[192.0.2.1]",
                 "ETRN _x.example", "ETRN [IPv6:::1]", "ETRN @", M,
                 "ETRN relay.example.test", "RSET", "ETRN relay.example.test"]),
              S(["EHLO x", "ETRN other.test"])], [250, 459]),
    "etrn_restrictions": ([S(["HELO x", "ETRN relay.example.test"], "127.0.0.2"),
                           S(["HELO x", "ETRN locked.relay.example.test", "ETRN relay.example.test"])],
                          [450, 250]),
    "etrn_delayed": ([S(["HELO x", "ETRN relay.example.test"], "127.0.0.2"),
                      S(["HELO x", "ETRN relay.example.test"])], [450, 250]),
    "footer": ([S(["HELO x", M, "RCPT TO:<b@nonexistent.invalid>"]), S(["HELO bad_name!", M, R]),
                S(["HELO x", M, "RCPT TO:<joe@[mail]>"]), S(["HELO x", M, R])],
               [450, 250, 501, 250]),
}

def session(port, src, pipe, cmds):
    """The replies of one session (the last line of each; EHLO as one word)."""
    s = socket.socket()
    s.settimeout(15)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    f = s.makefile("rb")
    def reply():
        lines = []
        while True:
            line = f.readline()
            if not line:
                return lines[-1] if lines else "(closed)"
            line = line.decode(errors="replace").rstrip("\r\n")
            lines.append(line)
            if len(line) < 4 or line[3] != "-":
                return "250 (EHLO)" if len(lines) > 1 and line.startswith("250") else line
    out = [reply()]
    try:
        if pipe == "after_first":
            s.sendall((cmds[0] + "\r\n").encode())
            out.append(reply())
            s.sendall("".join(c + "\r\n" for c in cmds[1:]).encode())
            out += [reply() for _ in cmds[1:]]
        elif pipe:
            s.sendall("".join(c + "\r\n" for c in cmds).encode())
            out += [reply() for _ in cmds]
        else:
            for c in cmds:
                s.sendall((c + "\r\n").encode())
                out.append(reply())
    except OSError as e:
        out.append("(%s)" % e)
    s.close()
    return out

def run(ports):
    got, took = {}, {}
    for name, port in zip(names, ports):
        start = time.time()
        got[name] = [session(port, *sess) for sess in scenarios[name][0]]
        took[name] = time.time() - start
    return got, took

ours, our_time = run([int(p) for p in os.environ["OURS"].split()])
theirs, _ = run([int(p) for p in os.environ["THEIRS"].split()])
for name in names:
    want = scenarios[name][1]
    codes = [int(r[-1][:3]) if r[-1][:3].isdigit() else 0 for r in ours[name]]
    t.ok(codes == want, "%s: the decisive replies are %s" % (name, want), "ours %r" % (ours[name],))
    t.ok(ours[name] == theirs[name], "%s: every reply is Postfix's: %s" % (name, theirs[name]),
         "ours %r" % (ours[name],))
t.ok(ours["footer"][0][-1].startswith("450 4.1.2 Help: https://help.example.test/ for 127.0.0.1 at "
                                      "mail.example.test")
     and ours["footer"][2][-1].endswith(" (ask postmaster; your address is 127.0.0.1)"),
     "footer: the footers of smtpd_reject_footer_maps", "ours %r" % (ours["footer"],))
t.ok(our_time["sleep"] >= 2, "sleep: each session waited a second", "%.2fs" % our_time["sleep"])

def log_lines(path):
    """What a user reads: reject_warning and improper pipelining lines."""
    time.sleep(0.5)
    with open(path, errors="replace") as f:
        text = f.read()
    return sorted(re.findall(r"smtpd\[\d+\]: (NOQUEUE: reject_warning: .*|warning: Illegal address .*|discarding EHLO .*|improper command "
                             r"pipelining after .*)", text))

ours_l, theirs_l = log_lines(os.environ["OUR_LOG"]), log_lines(os.environ["THEIR_LOG"])
t.ok(len(theirs_l) >= 3 and ours_l == theirs_l, "the same log lines as Postfix: %s" % theirs_l,
     "ours %r" % (ours_l,))
t.ok("discarding EHLO keywords: VRFY DSN" in ours_l and
     any(l.startswith("warning: Illegal address syntax") for l in ours_l),
     "among them: the discarded EHLO keywords and the illegal addresses", "ours %r" % (ours_l,))
with open(os.environ["OUR_LOG"], errors="replace") as f:
    rejects = [l for l in f if "reject: RCPT from" in l and "nonexistent.invalid" in l]
t.ok(rejects and not any("help.example.test" in l for l in rejects),
     "footer: the reject log lines show the reply without its footer", repr(rejects[:2]))
raise SystemExit(t.summary())
PYEOF
check "the python part ran to its end"

#!/bin/bash
# smtpd_shapes.sh - the smtpd restriction lists that four mail-server
# projects ship (docker-mailserver's target/postfix/main.cf,
# Mail-in-a-Box's setup/mail-postfix.sh, mailcow's
# data/conf/postfix/main.cf, iRedMail's samples/postfix/main.cf), each
# as one smtpd service of our instance and of Debian's Postfix beside it:
# each service starts, accepts a legitimate message, and refuses what
# its lists refuse, every reply the same as Postfix's.
#
# What stands in for the projects' surroundings: the DNS is the DNS test
# bed (lib/dnssec.sh, through /etc/resolv.conf in a private mount
# namespace), with zen.secure.test and dbl.secure.test for Spamhaus'
# zones; their policy services (postgrey, iRedAPD, Dovecot's quota
# service, Mail-in-a-Box's 12340) are scripted policy servers that answer
# DUNNO (lib/policy.sh); mailcow's MySQL table is a texthash table;
# iRedMail's pcre tables are pcre tables with a few of its entries;
# mynetworks is 192.0.2.0/24, so that the test clients are strangers;
# SASL is off (port 25). Needs root, unshare, nsd, unbound, ldnsutils and
# Debian's postfix; otherwise skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dnssec.sh"
. "$top/tests/integration/lib/postfix_peer.sh"
. "$top/tests/integration/lib/policy.sh"

dnssec_available || skip "$DNSSEC_MISSING"
postfix_peer_available || skip "$POSTFIX_PEER_MISSING"
dnssec_namespace "$0" "$@" || skip "$DNSSEC_MISSING"
DNSSEC_RESOLV=yes
dnssec_start \
    '2.0.0.127.zen IN A 127.0.0.2' \
    'mx.secure.test.dbl IN A 127.0.1.2'
require "the DNS test bed starts"
dnssec_use_resolver
require "/etc/resolv.conf is the bed's (in this namespace)"

instance_create
work=$INSTANCE_DIR/shapes
mkdir -p "$work" && chmod 755 "$work"
for side in ours theirs; do
    for svc in postgrey miab iredapd quota; do
        policy_server_start "$work/$side-$svc" answer
        eval "${side}_$svc=\$POLICY_PORT"
    done
done
names=(dms miab mailcow iredmail)
read -r -a ports <<<"$(free_port 8 | tr '\n' ' ')"
ours=("${ports[@]:0:4}")
theirs=("${ports[@]:4:4}")

printf '%s\n' "user@example.test x" >"$work/vmailbox"
# mailcow: mysql_tls_enforce_in_policy.cf as a table
printf '%s\n' "secure@example.test 450 4.7.1 TLS required (test stand-in)" >"$work/tls_enforce_in"
# iRedMail: a few entries of its helo_access.pcre and sender_access.pcre
cat >"$work/helo_access.pcre" <<'EOF'
/^(localhost|localhost\.localdomain)$/ REJECT ACCESS DENIED. Your email was rejected because the sending mail server claims to be localhost
/(\.local)$/ REJECT ACCESS DENIED. Your email was rejected because the sending mail server identifies itself with a .local name
EOF
cat >"$work/sender_access.pcre" <<'EOF'
/^bad-sender@/ REJECT sender refused by sender_access.pcre
EOF
chmod 644 "$work"/*
t=texthash:$work

main_cf=(
    "myhostname = mail.example.test"
    "mydestination = mail.example.test, localhost"
    "virtual_mailbox_domains = example.test"
    "virtual_mailbox_maps = $t/vmailbox"
    "mynetworks = 192.0.2.0/24"
    "smtpd_banner = \$myhostname ESMTP"
    "smtpd_error_sleep_time = 0"
    "recipient_delimiter = +"
    "disable_vrfy_command = yes"
    # docker-mailserver
    "dms_helo = permit_mynetworks, reject_invalid_helo_hostname, permit"
    "dms_relay = permit_mynetworks permit_sasl_authenticated defer_unauth_destination"
    "dms_recipient = permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination, reject_unauth_pipelining, reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname, reject_unknown_recipient_domain"
    "dms_client = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination, reject_unauth_pipelining"
    "dms_smtpd_sender_restrictions = permit_sasl_authenticated, permit_mynetworks, reject_unknown_sender_domain"
    # Mail-in-a-Box
    "miab_relay = permit_sasl_authenticated,permit_mynetworks,reject_unauth_destination"
    "miab_sender = reject_non_fqdn_sender,reject_unknown_sender_domain,reject_authenticated_sender_login_mismatch,reject_rhsbl_sender dbl.secure.test=127.0.1.[2..99]"
    # mailcow
    "mailcow_relay = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"
    "mailcow_recipient = permit_sasl_authenticated, permit_mynetworks, check_recipient_access $t/tls_enforce_in, reject_invalid_helo_hostname, reject_unknown_reverse_client_hostname, reject_unauth_destination"
    "mailcow_sender = reject_authenticated_sender_login_mismatch, permit_mynetworks, permit_sasl_authenticated, reject_unlisted_sender, reject_unknown_sender_domain"
    # iRedMail
    "iredmail_helo = permit_mynetworks permit_sasl_authenticated check_helo_access pcre:$work/helo_access.pcre reject_non_fqdn_helo_hostname reject_unknown_helo_hostname"
    "iredmail_sender = reject_non_fqdn_sender reject_unlisted_sender permit_mynetworks permit_sasl_authenticated check_sender_access pcre:$work/sender_access.pcre reject_unknown_sender_domain"
)
# services POSTGREY MIAB IREDAPD QUOTA PORT... - one side's services
services() {
    local postgrey=$1 miab=$2 iredapd=$3 quota=$4
    shift 4
    printf '%s\n' \
        "127.0.0.1:$1 inet n - n - - smtpd -o smtpd_helo_required=yes -o smtpd_delay_reject=yes -o smtpd_helo_restrictions=\$dms_helo -o smtpd_relay_restrictions=\$dms_relay -o smtpd_recipient_restrictions=\$dms_recipient -o smtpd_client_restrictions=\$dms_client -o smtpd_sender_restrictions=\$dms_smtpd_sender_restrictions -o smtpd_discard_ehlo_keywords=silent-discard,dsn" \
        "127.0.0.1:$2 inet n - n - - smtpd -o smtpd_relay_restrictions=\$miab_relay -o smtpd_sender_restrictions=\$miab_sender -o smtpd_recipient_restrictions=permit_sasl_authenticated,permit_mynetworks,reject_rbl_client,zen.secure.test=127.0.0.[2..11],reject_unlisted_recipient,check_policy_service,inet:127.0.0.1:$postgrey,check_policy_service,inet:127.0.0.1:$miab" \
        "127.0.0.1:$3 inet n - n - - smtpd -o smtpd_relay_restrictions=\$mailcow_relay -o smtpd_recipient_restrictions=\$mailcow_recipient -o smtpd_sender_restrictions=\$mailcow_sender -o smtpd_data_restrictions=reject_unauth_pipelining,permit -o smtpd_helo_required=yes -o plaintext_reject_code=550" \
        "127.0.0.1:$4 inet n - n - - smtpd -o smtpd_helo_required=yes -o smtpd_helo_restrictions=\$iredmail_helo -o smtpd_sender_restrictions=\$iredmail_sender -o smtpd_recipient_restrictions=reject_non_fqdn_recipient,reject_unlisted_recipient,check_policy_service,inet:127.0.0.1:$iredapd,permit_mynetworks,permit_sasl_authenticated,reject_unauth_destination,check_policy_service,inet:127.0.0.1:$quota -o smtpd_end_of_data_restrictions=check_policy_service,inet:127.0.0.1:$iredapd -o smtpd_data_restrictions=reject_unauth_pipelining -o smtpd_reject_unlisted_recipient=yes -o smtpd_reject_unlisted_sender=yes -o unknown_local_recipient_reject_code=550"
}
instance_main_cf "${main_cf[@]}"
instance_master_cf "cleanup unix n - n - 0 cleanup"
services "$ours_postgrey" "$ours_miab" "$ours_iredapd" "$ours_quota" "${ours[@]}" \
    >>"$INSTANCE_CONF/master.cf"
instance_start "${ours[@]}"
require "our instance starts with the four shapes"

postfix_peer_create debian "${main_cf[@]}"
deb=$(postfix_peer_dir debian)
services "$theirs_postgrey" "$theirs_miab" "$theirs_iredapd" "$theirs_quota" "${theirs[@]}" \
    >>"$deb/conf/master.cf"
postfix_peer_start debian "${theirs[@]}" || postfix_peer_start debian "${theirs[@]}"
require "Debian's postfix starts with the four shapes"

NAMES="${names[*]}" OURS="${ours[*]}" THEIRS="${theirs[*]}" WORK=$work \
    PYTHONPATH=$top/tests/integration/lib bounded 200 python3 - <<'PYEOF'
import json, os, re, socket
from smtp_session import Checks

t = Checks()
names = os.environ["NAMES"].split()
ours = dict(zip(names, [int(p) for p in os.environ["OURS"].split()]))
theirs = dict(zip(names, [int(p) for p in os.environ["THEIRS"].split()]))
H = "EHLO mx.secure.test"
M = "MAIL FROM:<a@secure.test>"
R = "RCPT TO:<user@example.test>"
MSG = "From: a@secure.test\r\nSubject: shape\r\n\r\nhello\r\n.\r\n"

def last(port, cmds, src="127.0.0.1"):
    """The last reply line of a session; "DATA" also sends a message."""
    s = socket.socket()
    s.settimeout(30)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    f = s.makefile("rwb")
    def reply():
        line = ""
        while True:
            line = f.readline().decode(errors="replace").rstrip("\r\n")
            if len(line) < 4 or line[3] != "-":
                return line
    r = reply()
    for c in cmds:
        f.write((c + "\r\n").encode())
        f.flush()
        r = reply()
        if c == "DATA" and r.startswith("354"):
            f.write(MSG.encode())
            f.flush()
            r = reply()
        if not r.startswith(("2", "3")):
            break
    s.close()
    return re.sub(r"queued as \w+", "queued as ID", r)

Q = "250 2.0.0 Ok: queued as ID"
cases = [
    ("dms", [H, M, R, "DATA"], "127.0.0.1", Q, "a legitimate message"),
    ("dms", [M], "127.0.0.1", "503 5.5.1 Error: send HELO/EHLO first", "smtpd_helo_required"),
    ("dms", ["EHLO bad_name!", M, R], "127.0.0.1",
     "501 5.5.2 <bad_name!>: Helo command rejected: Invalid name", "reject_invalid_helo_hostname"),
    ("dms", [H, M, "RCPT TO:<x@other.test>"], "127.0.0.1",
     "554 5.7.1 <x@other.test>: Relay access denied",
     "reject_unauth_destination in the client restrictions, before the relay restrictions"),
    ("dms", [H, "MAIL FROM:<a@nonexistent.invalid>", R], "127.0.0.1",
     "450 4.1.8 <a@nonexistent.invalid>: Sender address rejected: Domain not found",
     "reject_unknown_sender_domain"),
    ("miab", [H, M, R, "DATA"], "127.0.0.1", Q, "a legitimate message"),
    ("miab", [H, M, R], "127.0.0.2",
     "554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using zen.secure.test",
     "reject_rbl_client zen=127.0.0.[2..11]"),
    ("miab", [H, "MAIL FROM:<a@mx.secure.test>", R], "127.0.0.1",
     "554 5.7.1 Service unavailable; Sender address [a@mx.secure.test] blocked using "
     "dbl.secure.test", "reject_rhsbl_sender dbl=127.0.1.[2..99]"),
    ("miab", [H, M, "RCPT TO:<nobody@example.test>"], "127.0.0.1",
     "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in virtual "
     "mailbox table", "reject_unlisted_recipient"),
    ("miab", [H, "MAIL FROM:<a>", R], "127.0.0.1",
     "504 5.5.2 <a>: Sender address rejected: need fully-qualified address",
     "reject_non_fqdn_sender"),
    ("mailcow", [H, M, R, "DATA"], "127.0.0.1", Q, "a legitimate message"),
    ("mailcow", [H, M, R], "127.0.0.2",
     "450 4.7.1 Client host rejected: cannot find your reverse hostname, [127.0.0.2]",
     "reject_unknown_reverse_client_hostname"),
    ("mailcow", [H, M, "RCPT TO:<secure@example.test>"], "127.0.0.1",
     "450 4.7.1 <secure@example.test>: Recipient address rejected: TLS required (test stand-in)",
     "check_recipient_access"),
    ("mailcow", [H, "MAIL FROM:<ghost@example.test>", R], "127.0.0.1",
     "550 5.1.0 <ghost@example.test>: Sender address rejected: User unknown in virtual mailbox "
     "table", "reject_unlisted_sender"),
    ("iredmail", [H, M, R, "DATA"], "127.0.0.1", Q,
     "a legitimate message (the policy services, at RCPT and at end of data, say DUNNO)"),
    ("iredmail", ["EHLO localhost", M, R], "127.0.0.1",
     "554 5.7.1 <localhost>: Helo command rejected: ACCESS DENIED. Your email was rejected "
     "because the sending mail server claims to be localhost", "check_helo_access pcre:"),
    ("iredmail", ["EHLO nonexistent.invalid", M, R], "127.0.0.1",
     "450 4.7.1 <nonexistent.invalid>: Helo command rejected: Host not found",
     "reject_unknown_helo_hostname"),
    ("iredmail", [H, "MAIL FROM:<bad-sender@secure.test>", R], "127.0.0.1",
     "554 5.7.1 <bad-sender@secure.test>: Sender address rejected: sender refused by "
     "sender_access.pcre", "check_sender_access pcre:"),
    ("iredmail", [H, M, "RCPT TO:<nobody@example.test>"], "127.0.0.1",
     "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in virtual "
     "mailbox table", "reject_unlisted_recipient"),
]
for name, cmds, src, want, what in cases:
    got = last(ours[name], cmds, src)
    t.ok(got == want, "%s: %s: %s" % (name, what, want), got)
    th = last(theirs[name], cmds, src)
    t.ok(got == th, "%s: %s: the same as Postfix's" % (name, what), "ours %r, Postfix's %r" % (got, th))

def count(name, state):
    path = "%s/ours-%s/requests" % (os.environ["WORK"], name)
    if not os.path.exists(path):
        return 0
    return sum(1 for l in open(path) if dict(json.loads(l)).get("protocol_state") == state)

t.ok(count("iredapd", "RCPT") > 0 and count("iredapd", "END-OF-MESSAGE") == 1
     and count("quota", "RCPT") > 0 and count("postgrey", "RCPT") > 0 and count("miab", "RCPT") > 0,
     "the shapes' policy services were asked (iRedAPD also at end of data)",
     [count(n, "RCPT") for n in ("postgrey", "miab", "iredapd", "quota")])
raise SystemExit(t.summary())
PYEOF
check "the python part ran to its end"

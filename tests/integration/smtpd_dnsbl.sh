#!/bin/bash
# smtpd_dnsbl.sh - the restrictions that ask the DNS, through the DNS
# test bed (lib/dnssec.sh): reject_rbl_client with and without an
# =filter, permit_dnswl_client, reject_rhsbl_client, _reverse_client,
# _helo, _sender and _recipient, permit_rhswl_client, the TXT record as
# $rbl_reason, rbl_reply_maps, a lookup that fails (SERVFAIL), which
# defers instead of accepting or rejecting; check_*_mx_access,
# check_*_ns_access and check_*_a_access (mail exchangers, name servers of
# the name or its parent, addresses; OK is a configuration error there) and
# check_reverse_client_hostname_access; reject_unknown_sender_domain and
# reject_unknown_recipient_domain for a domain with a null MX (RFC 7505).
# Each has a client that is listed and one that is not, with the exact
# reply.
#
# Every reply is compared with Debian's Postfix smtpd on the same main.cf
# and services, except for the failed lookup, where Postfix takes the
# name as not listed (a deliberate difference, SMTPD_ACCESS_README).
#
# Both servers find the bed through /etc/resolv.conf in a private mount
# namespace (lib/dnssec.sh), so the test needs root, unshare, nsd,
# unbound, ldnsutils and Debian's postfix; otherwise it is skipped.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dnssec.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

dnssec_available || skip "$DNSSEC_MISSING"
postfix_peer_available || skip "$POSTFIX_PEER_MISSING"
dnssec_namespace "$0" "$@" || skip "$DNSSEC_MISSING"
DNSSEC_RESOLV=yes
dnssec_start \
    '2.0.0.127.zen IN A 127.0.0.2' \
    '2.0.0.127.zen IN TXT "listed for testing"' \
    '3.0.0.127.zen IN A 127.0.0.10' \
    '2.0.0.127.wl IN A 127.0.0.5' \
    'localhost.wl IN A 127.0.0.5' \
    'spammer.example.rhs IN A 127.0.0.2' \
    'localhost.rhs IN A 127.0.0.2' \
    'badmx IN MX 10 evil.secure.test.' \
    'evil IN A 192.0.2.66' \
    'nomx IN A 192.0.2.67' \
    'primary IN A 192.0.2.10' \
    'backup IN MX 10 primary.secure.test.' \
    'backup IN MX 20 mx.secure.test.' \
    'primaryus IN MX 10 mx.secure.test.' \
    'primaryus IN MX 20 primary.secure.test.' \
    'elsewhere IN MX 10 primary.secure.test.' \
    'other IN A 198.51.100.10' \
    'backup2 IN MX 10 other.secure.test.' \
    'backup2 IN MX 20 mx.secure.test.' \
    'nullmx IN MX 0 .'
require "the DNS test bed starts"
dnssec_use_resolver
require "/etc/resolv.conf is the bed's (in this namespace)"

instance_create
names=(rbl filter dnswl rhsbl client reverse rhswl replies failed failed_reject mx ns a helo_rcpt
    mx_ok reverse_access mx_backup mx_backup_networks mx_backup_failed nullmx)
count=${#names[@]}
ports=($(free_port $((2 * count))))
ours=("${ports[@]:0:$count}")
theirs=("${ports[@]:$count:$count}")
printf '%s\n' "zen.secure.test 550 5.7.0 \$client_address is listed in \$rbl_domain\${rbl_reason?: \$rbl_reason}" \
    >"$INSTANCE_DIR/rbl_reply"
printf '%s\n' "evil.secure.test REJECT bad mail exchanger" "192.0.2.67 REJECT bad address" \
    "ns.secure.test 550 5.7.1 bad name server" >"$INSTANCE_DIR/servers"
printf '%s\n' "127.0.0.1 OK" >"$INSTANCE_DIR/servers_ok"
printf '%s\n' "localhost REJECT no localhost" >"$INSTANCE_DIR/reverse"
chmod 644 "$INSTANCE_DIR/rbl_reply" "$INSTANCE_DIR/servers" "$INSTANCE_DIR/servers_ok" \
    "$INSTANCE_DIR/reverse"
t=texthash:$INSTANCE_DIR
main_cf=("mydestination = mail.example.test" "smtpd_error_sleep_time = 0"
    "smtpd_banner = \$myhostname ESMTP" "myhostname = mail.example.test" "local_recipient_maps =")
# services PORT... - the master.cf lines, one service per name
services() {
    local s=smtpd
    printf '%s\n' \
        "127.0.0.1:$1 inet n - n - - $s -o smtpd_client_restrictions=reject_rbl_client,zen.secure.test" \
        "127.0.0.1:$2 inet n - n - - $s -o smtpd_client_restrictions=reject_rbl_client,zen.secure.test=127.0.0.[2..5]" \
        "127.0.0.1:$3 inet n - n - - $s -o smtpd_client_restrictions=permit_dnswl_client,wl.secure.test,reject_rbl_client,zen.secure.test" \
        "127.0.0.1:$4 inet n - n - - $s -o smtpd_helo_restrictions=reject_rhsbl_helo,rhs.secure.test -o smtpd_sender_restrictions=reject_rhsbl_sender,rhs.secure.test -o smtpd_recipient_restrictions=reject_rhsbl_recipient,rhs.secure.test,permit_mynetworks,reject_unauth_destination" \
        "127.0.0.1:$5 inet n - n - - $s -o smtpd_client_restrictions=reject_rhsbl_client,rhs.secure.test" \
        "127.0.0.1:$6 inet n - n - - $s -o smtpd_client_restrictions=reject_rhsbl_reverse_client,rhs.secure.test" \
        "127.0.0.1:$7 inet n - n - - $s -o smtpd_client_restrictions=permit_rhswl_client,wl.secure.test,reject" \
        "127.0.0.1:$8 inet n - n - - $s -o smtpd_client_restrictions=reject_rbl_client,zen.secure.test -o rbl_reply_maps=texthash:$INSTANCE_DIR/rbl_reply" \
        "127.0.0.1:$9 inet n - n - - $s -o smtpd_helo_restrictions=reject_rhsbl_helo,bogus.test" \
        "127.0.0.1:${10} inet n - n - - $s -o smtpd_helo_restrictions=reject_rhsbl_helo,bogus.test -o smtpd_sender_restrictions=reject" \
        "127.0.0.1:${11} inet n - n - - $s -o smtpd_sender_restrictions=check_sender_mx_access,$t/servers" \
        "127.0.0.1:${12} inet n - n - - $s -o smtpd_sender_restrictions=check_sender_ns_access,$t/servers" \
        "127.0.0.1:${13} inet n - n - - $s -o smtpd_sender_restrictions=check_sender_a_access,$t/servers" \
        "127.0.0.1:${14} inet n - n - - $s -o smtpd_helo_restrictions=check_helo_mx_access,$t/servers -o smtpd_recipient_restrictions=check_recipient_a_access,$t/servers,permit_mynetworks,reject_unauth_destination" \
        "127.0.0.1:${15} inet n - n - - $s -o smtpd_sender_restrictions=check_sender_mx_access,$t/servers_ok,reject" \
        "127.0.0.1:${16} inet n - n - - $s -o smtpd_client_restrictions=check_reverse_client_hostname_access,$t/reverse" \
        "127.0.0.1:${17} inet n - n - - $s -o smtpd_relay_restrictions=permit_mx_backup,reject" \
        "127.0.0.1:${18} inet n - n - - $s -o smtpd_relay_restrictions=permit_mx_backup,reject -o permit_mx_backup_networks=192.0.2.0/24" \
        "127.0.0.1:${19} inet n - n - - $s -o smtpd_relay_restrictions=permit_mx_backup,permit_mynetworks,reject" \
        "127.0.0.1:${20} inet n - n - - $s -o smtpd_sender_restrictions=reject_unknown_sender_domain -o smtpd_recipient_restrictions=reject_unknown_recipient_domain,permit_mynetworks,reject_unauth_destination"
}
instance_main_cf "${main_cf[@]}"
instance_master_cf "cleanup unix n - n - 0 cleanup"
services "${ours[@]}" >>"$INSTANCE_CONF/master.cf"
instance_start "${ours[@]}"
require "our instance starts"

postfix_peer_create debian "${main_cf[@]}"
deb=$(postfix_peer_dir debian)
services "${theirs[@]}" >>"$deb/conf/master.cf"
postfix_peer_start debian "${theirs[@]}"
require "Debian's postfix starts"

NAMES="${names[*]}" OURS="${ours[*]}" THEIRS="${theirs[*]}" PYTHONPATH=$top/tests/integration/lib \
    bounded 120 python3 - <<'PYEOF'
import os, socket
from smtp_session import Checks

t = Checks()
names = os.environ["NAMES"].split()
our_port = dict(zip(names, [int(p) for p in os.environ["OURS"].split()]))
their_port = dict(zip(names, [int(p) for p in os.environ["THEIRS"].split()]))
M = "MAIL FROM:<a@mail.example.test>"
R = "RCPT TO:<postmaster@mail.example.test>"

def last(port, cmds, src="127.0.0.1"):
    """The last reply of a session."""
    s = socket.socket()
    s.settimeout(30)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    f = s.makefile("rwb")
    def reply():
        line = ""
        while True:
            line = f.readline().decode().rstrip("\r\n")
            if len(line) < 4 or line[3] != "-":
                return line
    r = reply()
    for c in cmds:
        f.write((c + "\r\n").encode())
        f.flush()
        r = reply()
    s.close()
    return r

cases = [
    ("rbl", ["HELO x.example", M, R], "127.0.0.2",
     "554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using zen.secure.test; "
     "listed for testing", "reject_rbl_client: a listed client, with the TXT reason"),
    ("rbl", ["HELO x.example", M, R], "127.0.0.3",
     "554 5.7.1 Service unavailable; Client host [127.0.0.3] blocked using zen.secure.test",
     "reject_rbl_client: any A record, without a TXT record"),
    ("rbl", ["HELO x.example", M, R], "127.0.0.1", "250 2.1.5 Ok",
     "reject_rbl_client: a client that is not listed"),
    ("filter", ["HELO x.example", M, R], "127.0.0.2",
     "554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using zen.secure.test; "
     "listed for testing", "=filter: an answer in the range"),
    ("filter", ["HELO x.example", M, R], "127.0.0.3", "250 2.1.5 Ok",
     "=filter: an answer outside the range"),
    ("dnswl", ["HELO x.example", M, R], "127.0.0.2", "250 2.1.5 Ok",
     "permit_dnswl_client: a listed client is permitted"),
    ("dnswl", ["HELO x.example", M, R], "127.0.0.3",
     "554 5.7.1 Service unavailable; Client host [127.0.0.3] blocked using zen.secure.test",
     "permit_dnswl_client: an unlisted one goes on"),
    ("rhsbl", ["HELO spammer.example", M, R], "127.0.0.1",
     "554 5.7.1 Service unavailable; Helo command [spammer.example] blocked using rhs.secure.test",
     "reject_rhsbl_helo"),
    ("rhsbl", ["HELO x.example", "MAIL FROM:<a@spammer.example>", R], "127.0.0.1",
     "554 5.7.1 Service unavailable; Sender address [a@spammer.example] blocked using "
     "rhs.secure.test", "reject_rhsbl_sender"),
    ("rhsbl", ["HELO x.example", M, "RCPT TO:<b@spammer.example>"], "127.0.0.1",
     "554 5.7.1 Service unavailable; Recipient address [b@spammer.example] blocked using "
     "rhs.secure.test", "reject_rhsbl_recipient"),
    ("rhsbl", ["HELO x.example", M, R], "127.0.0.1", "250 2.1.5 Ok",
     "reject_rhsbl_*: names that are not listed"),
    ("client", ["HELO x.example", M, R], "127.0.0.1",
     "554 5.7.1 Service unavailable; Client host [localhost] blocked using rhs.secure.test",
     "reject_rhsbl_client: the client name is listed"),
    ("client", ["HELO x.example", M, R], "127.0.0.2", "250 2.1.5 Ok",
     "reject_rhsbl_client: a client without a name"),
    ("reverse", ["HELO x.example", M, R], "127.0.0.1",
     "554 5.7.1 Service unavailable; Unverified Client host [localhost] blocked using "
     "rhs.secure.test", "reject_rhsbl_reverse_client"),
    ("reverse", ["HELO x.example", M, R], "127.0.0.2", "250 2.1.5 Ok",
     "reject_rhsbl_reverse_client: a client without a name"),
    ("rhswl", ["HELO x.example", M, R], "127.0.0.1", "250 2.1.5 Ok",
     "permit_rhswl_client: a listed name is permitted"),
    ("rhswl", ["HELO x.example", M, R], "127.0.0.2",
     "554 5.7.1 <unknown[127.0.0.2]>: Client host rejected: Access denied",
     "permit_rhswl_client: an unlisted client goes on"),
    ("replies", ["HELO x.example", M, R], "127.0.0.2",
     "550 5.7.0 127.0.0.2 is listed in zen.secure.test: listed for testing",
     "rbl_reply_maps: the template of the zone"),
    ("replies", ["HELO x.example", M, R], "127.0.0.3",
     "550 5.7.0 127.0.0.3 is listed in zen.secure.test", "rbl_reply_maps: ${rbl_reason?...}"),
    ("failed", ["HELO mx", M, R], "127.0.0.1",
     "450 4.7.1 <mx>: Helo command rejected: DNS lookup of bogus.test failed, try again",
     "a failed lookup defers"),
    ("failed", ["HELO x.example", M, R], "127.0.0.1", "250 2.1.5 Ok",
     "a failed lookup zone: a name that is not listed"),
    ("failed_reject", ["HELO mx", M, R], "127.0.0.1",
     "554 5.7.1 <a@mail.example.test>: Sender address rejected: Access denied",
     "a failed lookup, then a rejection: the rejection"),
    ("mx", ["HELO x.example", "MAIL FROM:<a@badmx.secure.test>", R], "127.0.0.1",
     "554 5.7.1 <a@badmx.secure.test>: Sender address rejected: bad mail exchanger",
     "check_sender_mx_access: a listed mail exchanger"),
    ("mx", ["HELO x.example", "MAIL FROM:<a@nomx.secure.test>", R], "127.0.0.1",
     "554 5.7.1 <a@nomx.secure.test>: Sender address rejected: bad address",
     "check_sender_mx_access: without MX, the domain's own address"),
    ("mx", ["HELO x.example", "MAIL FROM:<a@secure.test>", R], "127.0.0.1", "250 2.1.5 Ok",
     "check_sender_mx_access: a mail exchanger that is not listed"),
    ("ns", ["HELO x.example", "MAIL FROM:<a@mx.secure.test>", R], "127.0.0.1",
     "550 5.7.1 <a@mx.secure.test>: Sender address rejected: bad name server",
     "check_sender_ns_access: the name servers of the parent domain"),
    ("ns", ["HELO x.example", "MAIL FROM:<a@insecure.secure.test>", R], "127.0.0.1",
     "250 2.1.5 Ok", "check_sender_ns_access: name servers that are not listed"),
    ("a", ["HELO x.example", "MAIL FROM:<a@nomx.secure.test>", R], "127.0.0.1",
     "554 5.7.1 <a@nomx.secure.test>: Sender address rejected: bad address",
     "check_sender_a_access: a listed address"),
    ("a", ["HELO x.example", "MAIL FROM:<a@mx.secure.test>", R], "127.0.0.1", "250 2.1.5 Ok",
     "check_sender_a_access: an address that is not listed"),
    ("helo_rcpt", ["HELO badmx.secure.test", M, R], "127.0.0.1",
     "554 5.7.1 <badmx.secure.test>: Helo command rejected: bad mail exchanger",
     "check_helo_mx_access"),
    ("helo_rcpt", ["HELO x.example", M, "RCPT TO:<b@nomx.secure.test>"], "127.0.0.1",
     "554 5.7.1 <b@nomx.secure.test>: Recipient address rejected: bad address",
     "check_recipient_a_access"),
    ("helo_rcpt", ["HELO x.example", M, R], "127.0.0.1", "250 2.1.5 Ok",
     "check_helo_mx_access, check_recipient_a_access: nothing listed"),
    ("mx_ok", ["HELO x.example", "MAIL FROM:<a@secure.test>", R], "127.0.0.1",
     "451 4.3.5 Server configuration error", "check_sender_mx_access: OK is a configuration error"),
    ("reverse_access", ["HELO x.example", M, R], "127.0.0.1",
     "554 5.7.1 <localhost>: Unverified Client host rejected: no localhost",
     "check_reverse_client_hostname_access: a listed name"),
    ("reverse_access", ["HELO x.example", M, R], "127.0.0.2", "250 2.1.5 Ok",
     "check_reverse_client_hostname_access: no name"),
    ("mx_backup", ["HELO x.example", M, "RCPT TO:<b@backup.secure.test>"], "127.0.0.1",
     "250 2.1.5 Ok", "permit_mx_backup: we are a backup MX"),
    ("mx_backup", ["HELO x.example", M, "RCPT TO:<b@primaryus.secure.test>"], "127.0.0.1",
     "554 5.7.1 <b@primaryus.secure.test>: Recipient address rejected: Access denied",
     "permit_mx_backup: not when we are the primary MX"),
    ("mx_backup", ["HELO x.example", M, "RCPT TO:<b@elsewhere.secure.test>"], "127.0.0.1",
     "554 5.7.1 <b@elsewhere.secure.test>: Recipient address rejected: Access denied",
     "permit_mx_backup: not when we are no MX at all"),
    ("mx_backup", ["HELO x.example", M, R], "127.0.0.1", "250 2.1.5 Ok",
     "permit_mx_backup: our own domain"),
    ("mx_backup_networks", ["HELO x.example", M, "RCPT TO:<b@backup2.secure.test>"], "127.0.0.1",
     "554 5.7.1 <b@backup2.secure.test>: Recipient address rejected: Access denied",
     "permit_mx_backup_networks: a primary MX outside them"),
    ("mx_backup_networks", ["HELO x.example", M, "RCPT TO:<b@backup.secure.test>"], "127.0.0.1",
     "250 2.1.5 Ok", "permit_mx_backup_networks: a primary MX inside them"),
    ("mx_backup", ["HELO x.example", M, "RCPT TO:<b@expired.test>"], "127.0.0.1",
     "450 4.4.4 <b@expired.test>: Recipient address rejected: Unable to look up mail exchanger "
     "information: Host not found, try again",
     "permit_mx_backup: a failed MX lookup makes the rejection a deferral"),
    ("mx_backup_failed", ["HELO x.example", M, "RCPT TO:<b@expired.test>"], "127.0.0.1",
     "250 2.1.5 Ok", "permit_mx_backup: a failed MX lookup, then a permit"),
    ("nullmx", ["HELO x.example", "MAIL FROM:<a@nullmx.secure.test>", R], "127.0.0.1",
     "550 5.7.27 <a@nullmx.secure.test>: Sender address rejected: Domain nullmx.secure.test "
     "does not accept mail (nullMX)", "reject_unknown_sender_domain: a null MX (RFC 7505)"),
    ("nullmx", ["HELO x.example", M, "RCPT TO:<b@nullmx.secure.test>"], "127.0.0.1",
     "556 5.1.10 <b@nullmx.secure.test>: Recipient address rejected: Domain nullmx.secure.test "
     "does not accept mail (nullMX)", "reject_unknown_recipient_domain: a null MX (RFC 7505)"),
    ("nullmx", ["HELO x.example", "MAIL FROM:<a@secure.test>", "RCPT TO:<b@mx.secure.test>"],
     "127.0.0.1", "250 2.1.5 Ok", "reject_unknown_*_domain: domains with an MX, an address"),
]
for name, cmds, src, want, what in cases:
    got = last(our_port[name], cmds, src)
    t.ok(got == want, "%s: %s" % (what, want), got)
    theirs = last(their_port[name], cmds, src)
    if name == "failed" and want.startswith("450"):
        t.ok(theirs == "250 2.1.5 Ok", "%s: Postfix takes it as not listed (the difference)" % what,
             theirs)
    else:
        t.ok(got == theirs, "%s: the same reply as Postfix's: %s" % (what, theirs), got)
raise SystemExit(t.summary())
PYEOF
check "the python part ran to its end"

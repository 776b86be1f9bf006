#!/bin/bash
# smtpd_xclient.sh - XCLIENT as Postfix's XCLIENT_README has it, driven by
# Python's smtplib: a client in smtpd_authorized_xclient_hosts sees XCLIENT
# in the EHLO reply and may make the server take it for another client
# (NAME, ADDR, PORT, PROTO, HELO, LOGIN, ...); the server answers with its
# greeting again, and from then on the access restrictions, the Received:
# header and the log lines see that client; LOGIN counts as a SASL login.
# Malformed attributes get 501 and change nothing, XCLIENT inside a
# transaction 503, and a client that is not authorized 550 5.7.0.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
read -r port xclient_port < <(free_port 2 | tr '\n' ' ')
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT

printf '192.0.2.66\tREJECT blocked by address\n' >"$INSTANCE_CONF/clients"
instance_master_cf_relay "$port" \
    "127.0.0.1:$xclient_port inet n - n - - smtpd -o smtpd_authorized_xclient_hosts=127.0.0.0/8"
instance_main_cf \
    "relayhost = [127.0.0.1]:$sink_port" \
    "mynetworks = 127.0.0.0/8" \
    "relay_domains = dest.test" "relay_transport = smtp" \
    "smtpd_banner = \$myhostname ESMTP xclient-test" \
    "smtpd_client_restrictions = check_client_access cidr:$INSTANCE_CONF/clients" \
    "smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination" \
    "smtpd_sasl_authenticated_header = yes" \
    "smtpd_client_port_logging = yes"
instance_start "$port" "$xclient_port"
require "the instance starts"

out=$(PORT=$port XPORT=$xclient_port bounded 60 python3 - <<'EOF'
import os
import smtplib

port, xport = int(os.environ["PORT"]), int(os.environ["XPORT"])

def say(tag, reply):
    code, text = reply
    print("%s: %d %s" % (tag, code, text.decode("latin-1").replace("\n", " | ")))

# Not authorized: no XCLIENT in the EHLO reply, and the command is refused.
s = smtplib.SMTP("127.0.0.1", port, timeout=10)
s.ehlo("client.test")
print("plain-ehlo: " + " | ".join(sorted(s.esmtp_features)))
say("plain-xclient", s.docmd("XCLIENT", "NAME=spoofed.example ADDR=192.0.2.1"))
s.quit()

s = smtplib.SMTP("127.0.0.1", xport, timeout=10)
s.ehlo("proxy.test")
say("ehlo", (250, ("xclient " + s.esmtp_features.get("xclient", "(none)")).encode()))
say("bad-name", s.docmd("XCLIENT", "NAME=x FOO=bar"))
say("bad-addr", s.docmd("XCLIENT", "ADDR=192.0.2.300"))
say("bad-port", s.docmd("XCLIENT", "PORT=65536"))
say("bad-proto", s.docmd("XCLIENT", "PROTO=LMTP"))
say("empty", s.docmd("XCLIENT", ""))
s.mail("a@src.test")
say("in-transaction", s.docmd("XCLIENT", "NAME=x.example"))
s.rset()
# After the failures nothing changed: still the proxy, relaying as mynetworks.
s.mail("a@src.test")
say("still-proxy-rcpt", s.rcpt("rcpt@remote.test"))
s.rset()

# A remote client through the proxy: restrictions and headers see it.
# The message follows XCLIENT without a new HELO: the HELO attribute stands.
say("xclient", s.docmd("XCLIENT", "NAME=spike.example ADDR=192.0.2.7 PORT=4711 "
                       "HELO=remote.example PROTO=ESMTP"))
s.mail("b@src.test")
say("relay-denied", s.rcpt("rcpt@remote.test"))
s.rset()
msg = b"From: b@src.test\r\nSubject: through xclient\r\n\r\nbody\r\n"
s.mail("b@src.test")
say("local-rcpt", s.rcpt("rcpt@dest.test"))
say("data", s.data(msg))

# LOGIN: the session counts as authenticated and may relay.
say("login", s.docmd("XCLIENT", "LOGIN=alice"))
s.ehlo("second.example")
s.mail("c@src.test")
say("login-rcpt", s.rcpt("rcpt@remote.test"))
say("login-data", s.data(b"From: c@src.test\r\nSubject: with login\r\n\r\nbody\r\n"))

# An address that the client restrictions reject; an IPv6 client address.
say("blocked", s.docmd("XCLIENT", "ADDR=192.0.2.66 NAME=[UNAVAILABLE] LOGIN=[UNAVAILABLE]"))
s.ehlo("third.example")
s.mail("d@src.test")
say("blocked-rcpt", s.rcpt("rcpt@dest.test"))
s.rset()
say("ipv6", s.docmd("XCLIENT", "ADDR=IPv6:2001:db8::5 NAME=[TEMPUNAVAIL]"))
s.quit()
EOF
)
comment "$out"
line() { grep "^$1: " <<<"$out"; }

lacks "not authorized: EHLO does not announce XCLIENT" "xclient" "$(line plain-ehlo)"
same "not authorized: 550 5.7.0" "plain-xclient: 550 5.7.0 Error: insufficient authorization" \
    "$(line plain-xclient)"
same "authorized: EHLO announces the attributes" \
    "ehlo: 250 xclient NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN DESTADDR DESTPORT" "$(line ehlo)"
same "an unknown attribute: 501" "bad-name: 501 5.5.4 Bad XCLIENT attribute name: FOO" "$(line bad-name)"
same "a malformed address: 501" "bad-addr: 501 5.5.4 Bad XCLIENT ADDR syntax: 192.0.2.300" \
    "$(line bad-addr)"
has "a port out of range: 501" "bad-port: 501 5.5.4" "$(line bad-port)"
has "a protocol other than SMTP or ESMTP: 501" "bad-proto: 501 5.5.4" "$(line bad-proto)"
has "no attributes: 501" "empty: 501 5.5.4" "$(line empty)"
same "inside a transaction: 503" "in-transaction: 503 5.5.1 Error: MAIL transaction in progress" \
    "$(line in-transaction)"
has "a refused XCLIENT changes nothing" "still-proxy-rcpt: 250" "$(line still-proxy-rcpt)"
has "accepted: the greeting again" "xclient: 220 " "$(line xclient)"
has "accepted: with smtpd_banner" "ESMTP xclient-test" "$(line xclient)"
has "the new client is not in mynetworks: relay denied" "relay-denied: 454 4.7.1" "$(line relay-denied)"
has "the rejection is logged for the new client, with the HELO attribute" \
    "NOQUEUE: reject: RCPT from spike.example[192.0.2.7]:4711: 454 4.7.1 <rcpt@remote.test>: Relay access denied; from=<b@src.test> to=<rcpt@remote.test> proto=ESMTP helo=<remote.example>" \
    "$(instance_log)"
has "mail to a relay domain is accepted" "data: 250 " "$(line data)"
has "LOGIN: relaying permitted" "login-rcpt: 250" "$(line login-rcpt)"
has "LOGIN: logged as a SASL login" \
    "client=spike.example[192.0.2.7]:4711, sasl_method=XCLIENT, sasl_username=alice" "$(instance_log)"
has "client restrictions see the new address" "blocked-rcpt: 554 5.7.1" "$(line blocked-rcpt)"
has "... with the table's text" "blocked by address" "$(line blocked-rcpt)"
has "an IPv6 address is accepted" "ipv6: 220 " "$(line ipv6)"
disconnect=$(grep "disconnect from unknown\[2001:db8::5\]:4711 " "$INSTANCE_LOG")
test -n "$disconnect"
check "the disconnect line names the last client"
has "... and counts XCLIENT commands" " xclient=4/10 " "$disconnect"

wait_until 30 fake_smtpd_arrived "$INSTANCE_DIR/sink" "with login" >/dev/null
file=$(fake_smtpd_arrived "$INSTANCE_DIR/sink" "through xclient")
test -n "$file"
check "the message from the XCLIENT client arrives"
same "Received: names the XCLIENT client, its HELO and protocol" \
    "Received: from remote.example (spike.example [192.0.2.7])" \
    "$(grep -m1 '^Received:' "$file" 2>/dev/null)"
has "... ESMTP" "with ESMTP id" "$(sed -n '/^Received:/,/^[^ \t]/p' "$file" 2>/dev/null | head -4)"
file=$(fake_smtpd_arrived "$INSTANCE_DIR/sink" "with login")
has "the LOGIN message: Authenticated sender in Received:" "(Authenticated sender: alice)" \
    "$(cat "$file" 2>/dev/null)"
has "the LOGIN message: protocol ESMTPA" "with ESMTPA id" "$(cat "$file" 2>/dev/null)"

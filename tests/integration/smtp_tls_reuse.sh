#!/bin/bash
# smtp_tls_reuse.sh - smtp_tls_connection_reuse: the smtp client's TLS
# handshakes through tlsproxy(8), the plaintext side kept and reused.
#
# An instance relays to Debian's Postfix smtpd (one listener, STARTTLS
# with the test chain). With smtp_tls_connection_reuse = yes:
# - at encrypt, several messages travel over one TLS connection: Postfix
#   logs one "TLS connection established from" and receives them all,
#   our status lines say conn_use=2.., our log has one summary line
#   ("Trusted TLS connection established to ...", written by smtp, not by
#   tlsproxy) and tlsproxy's "CONNECT to" line;
# - at verify (a policy table entry with match=), the same, with
#   "Verified TLS connection established";
# - messages that alternate between the two policies (two next hops to the
#   same server) never share a connection: one TLS connection per message;
# - with tlsproxy absent (tlsproxy_service_name names no service) the
#   client warns and does the handshake itself: the mail goes out over
#   TLS, never in plaintext;
# - a transport whose TLS engine settings differ from tlsproxy_client_*
#   gets an engine built at request time, without privileges (as root:
#   the root-only key cannot be read, tlsproxy refuses, the client does
#   the handshake itself, over TLS).
# Status lines keep conn_use= and the tls= field (smtp_log_tls_feature_status).
# The client has a certificate (smtp_tls_chain_files) whose file only its
# owner may read: run as root, the instance runs as root with a private
# mail_owner, and the file is root's, mode 600. The server asks for client
# certificates and trusts the test CA: its "Trusted TLS connection
# established from" lines show that tlsproxy presented the certificate,
# which it read before dropping privileges (it did not have to build an
# engine later, which would fail to read the key).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/postfix_peer.sh"

postfix_peer_available || skip "$POSTFIX_PEER_MISSING"

if [ "$(id -u)" -eq 0 ]; then
    owner=mtao$$
    group=mtad$$
    groupadd "$group" || fail "groupadd $group"
    at_exit 'groupdel "$group" 2>/dev/null'
    useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
    at_exit 'userdel "$owner" 2>/dev/null'
    INSTANCE_MODE=root
    INSTANCE_MAIL_OWNER=$owner
    INSTANCE_SETGID_GROUP=$group
fi

certs=$(mktemp -d /tmp/smtp-tls-reuse.XXXXXX)
at_exit 'rm -rf "$certs"'
certs_make "$certs" || fail "make certificates"
read -r pin psrv <<<"$(free_port 2 | tr '\n' ' ')"

postfix_peer_create recv \
    "myhostname = mail.example.com" \
    "smtpd_peername_lookup = no" \
    "mynetworks = 127.0.0.0/8" \
    "smtpd_relay_restrictions = permit_mynetworks, reject" \
    "default_transport = discard" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem" \
    "smtpd_tls_ask_ccert = yes" \
    "smtpd_tls_CAfile = $certs/root.pem" \
    "smtpd_tls_loglevel = 1"
postfix_peer_master_cf recv "127.0.0.1:$psrv inet n - n - - smtpd"
postfix_peer_start recv "$psrv"
require "Debian's postfix (the server) starts"
srv_log=$(postfix_peer_dir recv)/maillog

instance_create
cp "$certs/client-chain.pem" "$INSTANCE_CONF/client-chain.pem"
[ -n "$INSTANCE_RUN_AS" ] && chown "$INSTANCE_RUN_AS" "$INSTANCE_CONF/client-chain.pem"
chmod 600 "$INSTANCE_CONF/client-chain.pem"
instance_master_cf_relay "$pin" \
    "tlsproxy unix - - n - 0 tlsproxy" \
    "noproxy unix - - n - 1 smtp -o tlsproxy_service_name=absent" \
    "owncfg unix - - n - 1 smtp -o smtp_tls_scert_verifydepth=5"
instance_main_cf \
    "myhostname = client.example.net" "mydestination =" "mynetworks = 127.0.0.0/8" \
    "alias_maps =" \
    "relayhost = [127.0.0.1]:$psrv" \
    "smtp_tls_connection_reuse = yes" \
    "smtp_tls_security_level = encrypt" \
    "smtp_tls_CAfile = $certs/root.pem" \
    "smtp_tls_chain_files = $INSTANCE_CONF/client-chain.pem" \
    "smtp_tls_policy_maps = inline:{ {[localhost]:$psrv = verify match=mail.example.com} }" \
    "smtp_tls_loglevel = 1" \
    "smtp_log_tls_feature_status = yes" \
    "smtp_connection_cache_time_limit = 5s"
# Messages to ver.example.test go to [localhost] (the verify policy).
instance_main_cf \
    "transport_maps = inline:{ noproxy.example.test=noproxy:[127.0.0.1]:$psrv, ver.example.test=smtp:[localhost]:$psrv, owncfg.example.test=owncfg:[127.0.0.1]:$psrv }"
instance_start "$pin"
require "the instance starts"

# send RCPT... - one message per recipient, all in one SMTP session
send() {
    bounded 60 python3 - "$pin" "$@" <<'EOF'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
for i, r in enumerate(sys.argv[2:]):
    s.sendmail("sender@example.net", [r], "Subject: reuse %d\r\n\r\nbody %d\r\n" % (i, i))
s.quit()
EOF
}

# sent REGEX - our status=sent lines matching REGEX
sent() {
    grep -E "$1" "$INSTANCE_LOG" | grep 'status=sent'
}

# sent_count_is REGEX N - N of our status=sent lines match REGEX
sent_count_is() {
    [ "$(sent "$1" | wc -l)" -ge "$2" ]
}

# srv_tls - TLS connections the server has seen
srv_tls() {
    grep -c 'TLS connection established from' "$srv_log"
}

# srv_delivered N - the server handed at least N messages to discard
srv_delivered() {
    [ "$(grep -Ec 'postfix/discard\[[0-9]+\]: .*status=sent' "$srv_log")" -ge "$1" ]
}

# 1. encrypt: four messages, one TLS connection.
send a@enc.example.test b@enc.example.test c@enc.example.test d@enc.example.test
check "four messages at encrypt are accepted"
wait_until 30 sent_count_is 'to=<[a-d]@enc.example.test>' 4
check "they are sent"
wait_until 10 srv_delivered 4
check "the server received all four"
same "the server saw one TLS connection" 1 "$(srv_tls)"
# qmgr may hand the four over in any order: the fourth use is one of them.
has "our status lines show the reuse" "conn_use=4" "$(sent 'to=<[a-d]@enc.example.test>')"
has "and keep their TLS feature field" "tls=encrypt," "$(sent 'to=<d@enc.example.test>')"
same "our log has one summary line for it" 1 \
    "$(grep -Ec 'smtp\[[0-9]+\]: (Trusted|Untrusted) TLS connection established to 127\.0\.0\.1\[127\.0\.0\.1\]' "$INSTANCE_LOG")"
! grep -Eq 'tlsproxy\[[0-9]+\]: .*TLS connection established' "$INSTANCE_LOG"
check "tlsproxy did not log the summary line itself"
has "the handshake went through tlsproxy" "CONNECT to 127.0.0.1[127.0.0.1]:$psrv" \
    "$(grep -E 'tlsproxy\[[0-9]+\]' "$INSTANCE_LOG")"
has "the server trusted the client certificate that tlsproxy presented" \
    "Trusted TLS connection established from" "$(cat "$srv_log")"
lacks "tlsproxy used its engine built in advance (the same settings as smtp's)" \
    "building the TLS client engine" "$(grep -E 'tlsproxy\[[0-9]+\]' "$INSTANCE_LOG")"
grep -E 'smtp\[[0-9]+\]: (Trusted|Untrusted) TLS connection established' "$INSTANCE_LOG" |
    grep -Eq 'TLSv1\.[23] with cipher [A-Z0-9_-]+ \([0-9]+/[0-9]+ bits\)'
check "the summary line names protocol and cipher, as the in-process client's"

# 2. verify: three messages, one more TLS connection, Verified.
before=$(srv_tls)
send a@ver.example.test b@ver.example.test c@ver.example.test
check "three messages at verify are accepted"
wait_until 30 sent_count_is 'to=<[a-c]@ver.example.test>' 3
check "they are sent"
wait_until 10 srv_delivered 7
same "the server saw one more TLS connection" $((before + 1)) "$(srv_tls)"
has "our status lines show the reuse" "conn_use=3" "$(sent 'to=<[a-c]@ver.example.test>')"
has "and keep their TLS feature field" "tls=verify," "$(sent 'to=<c@ver.example.test>')"
same "one Verified summary line" 1 \
    "$(grep -Ec 'smtp\[[0-9]+\]: Verified TLS connection established to localhost\[127\.0\.0\.1\]' "$INSTANCE_LOG")"

# 3. Alternating policies never share a connection (each message waits for the one before).
before=$(srv_tls)
n=0
for r in e@enc e@ver f@enc f@ver; do
    n=$((n + 1))
    send "$r.example.test" && wait_until 30 sent_count_is 'to=<[ef]@(enc|ver).example.test>' "$n" ||
        break
done
[ "$n" -eq 4 ] && sent_count_is 'to=<[ef]@(enc|ver).example.test>' 4
check "four messages that alternate between encrypt and verify are sent one after the other"
wait_until 10 srv_delivered 11
same "the server saw one TLS connection per message" $((before + 4)) "$(srv_tls)"
lacks "none of them went over a kept connection" "conn_use=" \
    "$(sent 'to=<[ef]@(enc|ver).example.test>')"

# 4. No tlsproxy: a warning, the handshake in the process, TLS all the same.
before=$(srv_tls)
send a@noproxy.example.test
check "a message for the transport without tlsproxy is accepted"
wait_until 30 sent_count_is 'to=<a@noproxy.example.test>' 1
check "it is sent"
has "the client says why it does the handshake itself" \
    "connect to private/absent service" "$(grep warning "$INSTANCE_LOG")"
same "over TLS" $((before + 1)) "$(srv_tls)"

# 5. A transport whose TLS engine settings differ from tlsproxy_client_*
# (smtp_tls_scert_verifydepth): tlsproxy builds that engine when asked,
# without privileges. As root the client key is root's alone: that fails,
# tlsproxy refuses, and the client does the handshake itself; otherwise
# tlsproxy builds it and takes the handshake.
before=$(srv_tls)
send a@owncfg.example.test
check "a message for the transport with its own TLS settings is accepted"
wait_until 30 sent_count_is 'to=<a@owncfg.example.test>' 1
check "it is sent"
same "over TLS" $((before + 1)) "$(srv_tls)"
proxy_log=$(grep -E 'tlsproxy\[[0-9]+\]' "$INSTANCE_LOG")
if [ "$INSTANCE_MODE" = root ]; then
    has "tlsproxy cannot read the root-only key once it runs unprivileged" \
        "cannot build the TLS client engine of the smtp client" "$proxy_log"
    has "the client says so and does the handshake itself" \
        "service refused the TLS client role for 127.0.0.1[127.0.0.1]:$psrv" \
        "$(grep warning "$INSTANCE_LOG")"
else
    has "tlsproxy builds an engine for those settings and logs it" \
        "building the TLS client engine of the smtp client's settings" "$proxy_log"
fi

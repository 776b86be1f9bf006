#!/bin/bash
# smtpd_policy_session.sh - what a policy server learns about a session,
# and how smtpd keeps its connection to the server. A scripted policy
# server (lib/policy.sh) records every request; the sessions are
# plaintext, STARTTLS with a client certificate that smtpd_tls_CAfile
# verifies and SMTP AUTH (a private sasldb, lib/sasl.sh), and STARTTLS
# with a self-signed certificate. The TLS and SASL attributes must carry
# the real values, computed here apart from smtpd: the protocol, cipher
# and key size that the client negotiated, the certificate's subject and
# issuer names (verified certificate only), its SHA-256 fingerprints
# (certificate and public key), the SASL mechanism and login name.
#
# Then the policy client's connection management, counted by the
# connections the server accepted: one connection serves every request
# by default; smtpd_policy_service_request_limit = 2 opens a new one
# every two requests; smtpd_policy_service_max_idle and _max_ttl close
# one that was idle, or open, too long before the next request.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/policy.sh"
. "$top/tests/integration/lib/sasl.sh"

instance_create
conf=$INSTANCE_CONF
work=$INSTANCE_DIR/policy
mkdir -p "$work" && chmod 755 "$work"
for name in attrs reuse limit idle ttl; do
    policy_server_start "$work/$name" answer
    eval "pp_$name=\$POLICY_PORT"
done
read -r p_attrs p_reuse p_limit p_idle p_ttl <<<"$(free_port 5 | tr '\n' ' ')"

cert_make "$conf" ca "/CN=Test CA" && cert_make "$conf" server /CN=mail.example.test ca &&
    cert_make "$conf" client "/CN=client.example" ca &&
    cert_make "$conf" selfsigned /CN=selfsigned.example || fail "make certificates"
# What the policy server must be told, computed with openssl rather than by smtpd.
fp_cert=$(openssl x509 -in "$conf/client.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
fp_pkey=$(openssl x509 -in "$conf/client.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -binary | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F | sed 's/../&:/g; s/:$//')
fp_self=$(openssl x509 -in "$conf/selfsigned.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
[ -n "$fp_cert" ] && [ ${#fp_pkey} -eq 95 ] && [ -n "$fp_self" ]
require "the expected fingerprints are computed"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$conf"
SASL_CYRUS_MECHS="PLAIN LOGIN" sasl_cyrus_make "$INSTANCE_DIR/sasl" example.test \
    alice:Sesame-0pen || fail "make the sasldb"

policy() {
    echo "-o smtpd_recipient_restrictions=check_policy_service,inet:127.0.0.1:$1,permit_sasl_authenticated,reject_unauth_destination"
}
instance_main_cf \
    "myhostname = mail.example.test" \
    "mydestination = mail.example.test" \
    "local_recipient_maps =" \
    "smtpd_error_sleep_time = 0" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key" \
    "smtpd_tls_CAfile = $conf/ca.pem" \
    "smtpd_tls_ask_ccert = yes" \
    "smtpd_tls_fingerprint_digest = sha256" \
    "smtpd_sasl_auth_enable = yes" \
    "cyrus_sasl_config_path = $SASL_CONFIG_DIR" \
    "smtpd_sasl_local_domain = example.test"
# One process per service (process limit 1), so that every session of a
# service meets the same policy client.
instance_master_cf \
    "cleanup unix n - n - 0 cleanup" \
    "127.0.0.1:$p_attrs inet n - n - 1 smtpd $(policy "$pp_attrs")" \
    "127.0.0.1:$p_reuse inet n - n - 1 smtpd $(policy "$pp_reuse")" \
    "127.0.0.1:$p_limit inet n - n - 1 smtpd $(policy "$pp_limit") -o smtpd_policy_service_request_limit=2" \
    "127.0.0.1:$p_idle inet n - n - 1 smtpd $(policy "$pp_idle") -o smtpd_policy_service_max_idle=2s" \
    "127.0.0.1:$p_ttl inet n - n - 1 smtpd $(policy "$pp_ttl") -o smtpd_policy_service_max_ttl=3s"
instance_start "$p_attrs" "$p_reuse" "$p_limit" "$p_idle" "$p_ttl"
require "the instance starts"

CONF=$conf WORK=$work FP_CERT=$fp_cert FP_PKEY=$fp_pkey FP_SELF=$fp_self \
    PORTS="$p_attrs $p_reuse $p_limit $p_idle $p_ttl" PYTHONPATH=$top/tests/integration/lib \
    bounded 200 python3 - <<'PYEOF'
import base64, json, os, ssl, time
from smtp_session import Session, Checks

t = Checks()
conf, work = os.environ["CONF"], os.environ["WORK"]
p_attrs, p_reuse, p_limit, p_idle, p_ttl = [int(p) for p in os.environ["PORTS"].split()]
D = "mail.example.test"

def context(cert=None):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    if cert:
        c.load_cert_chain(conf + "/" + cert + ".pem", conf + "/" + cert + ".key")
    return c

def requests(name):
    path = "%s/%s/requests" % (work, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [dict(r) for r in (json.loads(l) for l in f) if dict(r).get("protocol_state") == "RCPT"]

def connections(name):
    path = "%s/%s/connections" % (work, name)
    return len(open(path).read().split()) if os.path.exists(path) else 0

def session(port, rcpts, tls=None, auth=False, pause=0):
    """One session; the last reply line of each RCPT, and the TLS facts."""
    s = Session.connect(port, timeout=20)
    s.reply()
    s.cmd("EHLO client.example")
    facts = None
    if tls is not None:
        if s.cmd("STARTTLS")[0] != 220:
            return ["STARTTLS refused"], None
        sock = s.starttls(context(tls))
        facts = (sock.version(), sock.cipher()[0], sock.cipher()[2])
        s.cmd("EHLO client.example")
    if auth:
        plain = base64.b64encode(b"\0alice\0Sesame-0pen").decode()
        t.reply(s.cmd("AUTH PLAIN " + plain), 235, "AUTH PLAIN as alice")
    s.cmd("MAIL FROM:<alice@example.test>")
    out = []
    for i, r in enumerate(rcpts):
        if i and pause:
            time.sleep(pause)
        out.append(s.cmd("RCPT TO:<%s>" % r)[1][-1])
    s.cmd("QUIT")
    s.close()
    return out, facts

# --- the attributes ---
session(p_attrs, ["dunno@" + D])
r, tls = session(p_attrs, ["ok@" + D], tls="client", auth=True)
t.ok(r == ["250 2.1.5 Ok"], "STARTTLS, client certificate and AUTH: the RCPT is accepted", repr(r))
r, tls_self = session(p_attrs, ["ok@" + D], tls="selfsigned")
reqs = requests("attrs")
t.ok(len(reqs) == 3, "one request per RCPT", len(reqs))
plain, full, self_signed = (reqs + [{}, {}, {}])[:3]
empty = ("sasl_method", "sasl_username", "ccert_subject", "ccert_issuer", "ccert_fingerprint",
         "ccert_pubkey_fingerprint", "encryption_protocol", "encryption_cipher")
t.ok(all(plain.get(k) == "" for k in empty) and plain.get("encryption_keysize") == "0",
     "plaintext: no TLS or SASL attributes", repr({k: plain.get(k) for k in empty}))
want = {
    "sasl_method": "PLAIN",
    "sasl_username": "alice@example.test",
    "ccert_subject": "client.example",
    "ccert_issuer": "Test CA",
    "ccert_fingerprint": os.environ["FP_CERT"],
    "ccert_pubkey_fingerprint": os.environ["FP_PKEY"],
    "encryption_protocol": tls[0] if tls else "?",
    "encryption_cipher": tls[1] if tls else "?",
    "encryption_keysize": str(tls[2]) if tls else "?",
}
for k, v in want.items():
    t.ok(full.get(k) == v, "TLS and AUTH: %s is the real value (%s)" % (k, v), repr(full.get(k)))
t.ok(self_signed.get("ccert_fingerprint") == os.environ["FP_SELF"]
     and self_signed.get("ccert_subject") == "" and self_signed.get("ccert_issuer") == ""
     and self_signed.get("sasl_username") == ""
     and self_signed.get("encryption_protocol") == (tls_self[0] if tls_self else "?"),
     "an unverified certificate: its fingerprint, but no subject or issuer",
     repr({k: self_signed.get(k) for k in empty}))

# --- the connection to the policy server ---
for i in range(2):
    session(p_reuse, ["a@" + D, "b@" + D, "c@" + D])
t.ok(len(requests("reuse")) == 6 and connections("reuse") == 1,
     "by default one connection serves every request, across sessions",
     "%d requests, %d connections" % (len(requests("reuse")), connections("reuse")))
session(p_limit, ["a@" + D, "b@" + D, "c@" + D, "d@" + D, "e@" + D])
t.ok(len(requests("limit")) == 5 and connections("limit") == 3,
     "request_limit = 2: five requests over three connections",
     "%d requests, %d connections" % (len(requests("limit")), connections("limit")))
r, _ = session(p_idle, ["a@" + D, "b@" + D, "c@" + D], pause=0)
t.ok(connections("idle") == 1, "max_idle = 2s: requests in a row share a connection",
     connections("idle"))
r, _ = session(p_idle, ["a@" + D, "b@" + D], pause=3.5)
t.ok(len(requests("idle")) == 5 and connections("idle") == 2 and r[-1] == "250 2.1.5 Ok",
     "max_idle = 2s: after 3.5 idle seconds the next request has a new connection",
     "%d requests, %d connections, %r" % (len(requests("idle")), connections("idle"), r))
r, _ = session(p_ttl, ["a@" + D, "b@" + D, "c@" + D, "d@" + D, "e@" + D], pause=1)
t.ok(len(requests("ttl")) == 5 and connections("ttl") == 2,
     "max_ttl = 3s: a request every second, a new connection after 3 seconds",
     "%d requests, %d connections" % (len(requests("ttl")), connections("ttl")))
raise SystemExit(t.summary())
PYEOF
check "the python part ran to its end"

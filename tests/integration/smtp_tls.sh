#!/bin/bash
# smtp_tls.sh - the SMTP client (libexec/smtp) against scripted servers
# (tests/helpers/fake_smtpd.py) on loopback, one delivery request at a time
# through tests/helpers/deliver_client: per-recipient outcomes and log
# lines, the TLS levels (may, encrypt, fingerprint, verify, secure), policy
# table entries, the STARTTLS response-injection defence, a broken
# handshake with and without plaintext fallback, a refused STARTTLS,
# wrapper mode, and a server that is not there.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
client=$TEST_HELPERS/deliver_client
fake=$top/tests/helpers/fake_smtpd.py
agent=$TEST_LIBEXEC/smtp
dir=$(mktemp -d /tmp/smtp-tls.XXXXXX)
pids=()
at_exit 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$dir"'

# server NAME MODE [CHAIN] - start a fake server; sets port and slog
server() {
    local name=$1 mode=$2 chain=${3:-$dir/certs/rsa-chain.pem}
    mkdir -p "$dir/$name"
    python3 "$fake" --port-file "$dir/$name/port" --log "$dir/$name/log" --mode "$mode" \
        --chain "$chain" --maildir "$dir/$name" --idle 30 &
    pids+=($!)
    wait_file "$dir/$name/port" 5 || fail "the test server $name starts"
    port=$(cat "$dir/$name/port")
    slog=$dir/$name/log
}

# config LINE... - a fresh main.cf for the client
config() {
    mkdir -p "$dir/conf" "$dir/queue"
    : >"$dir/maillog"
    {
        echo "compatibility_level = 3.8"
        echo "queue_directory = $dir/queue"
        echo "maillog_file = $dir/maillog"
        echo "maillog_file_prefixes = $dir"
        echo "myhostname = client.example.test"
        echo "smtp_tls_loglevel = 1"
        echo "smtp_tls_CAfile = $dir/certs/root.pem"
        echo "smtp_connect_timeout = 5s"
        printf '%s\n' "$@"
    } >"$dir/conf/main.cf"
    : >"$dir/conf/master.cf"
}

# deliver NEXTHOP [OPTIONS] RCPT... - one request; output and maillog in $out
deliver() {
    local nexthop=$1
    shift
    out=$(timeout 60 "$client" -q "$dir/queue" -a "$agent" -c "$dir/conf" -n "$nexthop" -r "$@" 2>&1
          echo "--- maillog"; cat "$dir/maillog")
}

certs_make "$dir/certs" || not_ok "certificates"
fprint=$(openssl x509 -in "$dir/certs/rsa.pem" -noout -fingerprint -sha256 | sed 's/.*=//')

# Plain delivery, per-recipient outcomes, Postfix log lines.
server plain plain
config "smtp_tls_security_level = may"
deliver "[127.0.0.1]:$port" rcpt@example.com reject@example.com defer@example.com
has "plain: delivered" "rcpt=rcpt@example.com outcome=sent dsn=2.0.0 relay=127.0.0.1[127.0.0.1]:$port reason=250 2.0.0 Ok: queued as FAKE1" "$out"
has "plain: 550 bounces" "rcpt=reject@example.com outcome=bounced dsn=5.1.1" "$out"
has "plain: 450 defers" "rcpt=defer@example.com outcome=deferred dsn=4.2.0" "$out"
has "plain: status=sent log line" "to=<rcpt@example.com>, relay=127.0.0.1[127.0.0.1]:$port, delay=" "$out"
has "plain: status=bounced log line" "status=bounced (host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <reject@example.com>: Recipient address rejected (in reply to RCPT TO command))" "$out"
has "plain: pipelined MAIL, RCPT, DATA" "C: DATA" "$(cat "$slog")"
has "plain: dot-stuffed body" "C: ..a line that starts with a dot" "$(cat "$slog")"
lacks "plain: no STARTTLS without an offer" "STARTTLS" "$(grep '^C' "$slog")"

# Level encrypt and no STARTTLS offered: deferred, nothing sent.
config "smtp_tls_security_level = encrypt"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "encrypt, no offer: deferred" "outcome=deferred dsn=4.7.4" "$out"
has "encrypt, no offer: reason" "status=deferred (TLS is required, but was not offered by host 127.0.0.1[127.0.0.1])" "$out"
lacks "encrypt, no offer: no MAIL in clear" "MAIL FROM" "$(tail -5 "$slog")"

# smtp_tls_note_starttls_offer at level none.
server tls starttls
config "smtp_tls_security_level = none" "smtp_tls_note_starttls_offer = yes"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "none: delivered in plaintext" "outcome=sent" "$out"
has "none: STARTTLS offer noted" "Host offered STARTTLS: [127.0.0.1]" "$out"

# Level may: TLS, summary line.
config "smtp_tls_security_level = may"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "may: delivered" "outcome=sent" "$out"
has "may: TLS summary logged" "Trusted TLS connection established to 127.0.0.1[127.0.0.1]:$port: TLSv1.3" "$out"
has "may: EHLO again inside TLS" "C[tls]: EHLO client.example.test" "$(cat "$slog")"

# Level secure with a policy table: match, the verified summary line.
printf '[127.0.0.1]:%s secure match=mail.example.com\n' "$port" >"$dir/policy"
config "smtp_tls_security_level = may" "smtp_tls_policy_maps = texthash:$dir/policy"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "secure (policy): delivered" "outcome=sent" "$out"
has "secure (policy): Verified" "Verified TLS connection established to 127.0.0.1[127.0.0.1]:$port" "$out"

# Level secure, name mismatch: deferred, nothing sent.
printf '[127.0.0.1]:%s secure match=other.example.org\n' "$port" >"$dir/policy"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "secure, wrong name: deferred" "outcome=deferred dsn=4.7.5" "$out"
has "secure, wrong name: reason" "status=deferred (Server certificate not verified)" "$out"

# Level verify with the default hostname match: the host is 127.0.0.1, not in the certificate.
config "smtp_tls_security_level = verify"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "verify, hostname mismatch: deferred" "status=deferred (Server certificate not verified)" "$out"
config "smtp_tls_security_level = verify" "smtp_tls_verify_cert_match = mx.example.com"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "verify, matching name: delivered" "outcome=sent" "$out"

# Untrusted CA at verify: deferred.
config "smtp_tls_security_level = verify" "smtp_tls_verify_cert_match = mx.example.com" \
    "smtp_tls_CAfile = $dir/certs/self.pem"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "verify, untrusted CA: deferred" "status=deferred (Server certificate not verified)" "$out"

# Trust anchor file: replaces the CAfile.
printf '[127.0.0.1]:%s verify match=mail.example.com tafile=%s\n' "$port" "$dir/certs/int.pem" >"$dir/policy"
config "smtp_tls_CAfile = $dir/certs/self.pem" "smtp_tls_policy_maps = texthash:$dir/policy"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "verify, tafile: delivered" "outcome=sent" "$out"

# Fingerprint level: main.cf list and policy table.
config "smtp_tls_security_level = fingerprint" "smtp_tls_fingerprint_cert_match = $fprint"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "fingerprint: delivered" "outcome=sent" "$out"
printf '[127.0.0.1]:%s fingerprint match=00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF|AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\n' "$port" >"$dir/policy"
config "smtp_tls_policy_maps = texthash:$dir/policy"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "fingerprint, wrong digests: deferred" "status=deferred (Server certificate not verified)" "$out"

# Invalid policy entries defer the mail.
printf '[127.0.0.1]:%s encrypt match=mail.example.com\n' "$port" >"$dir/policy"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "invalid policy: deferred" "outcome=deferred dsn=4.7.5" "$out"
has "invalid policy: reason" "status=deferred (client TLS configuration problem)" "$out"
has "invalid policy: warning names the table" "smtp_tls_policy_maps, next-hop destination \"[127.0.0.1]:$port\"" "$out"

# Response injection: the forged 250 after "220 Ready to start TLS" is not believed.
server inject inject
config "smtp_tls_security_level = encrypt"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "injection: delivered" "outcome=sent" "$out"
first_tls=$(grep '^C\[tls\]' "$slog" | head -1)
has "injection: first command inside TLS is EHLO" "C[tls]: EHLO client.example.test" "$first_tls"
has "injection: EHLO answered inside TLS before MAIL" "MAIL FROM" "$(grep '^C\[tls\]' "$slog" | sed -n 2p)"

# A broken handshake: at may, retried in plaintext when the message is old enough.
server broken break
config "smtp_tls_security_level = may" "minimal_backoff_time = 300s"
deliver "[127.0.0.1]:$port" -A 3600 rcpt@example.com
has "may, broken handshake: delivered" "outcome=sent" "$out"
has "may, broken handshake: fallback logged" "failed: trying again with TLS disabled" "$out"
has "may, broken handshake: plaintext message" "X-Fake-TLS: no" "$(cat "$dir/broken/msg.1" 2>/dev/null)"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "may, broken handshake, new message: deferred" "status=deferred (Cannot start TLS: handshake failure)" "$out"
config "smtp_tls_security_level = encrypt"
deliver "[127.0.0.1]:$port" -A 3600 rcpt@example.com
has "encrypt, broken handshake: deferred" "status=deferred (Cannot start TLS: handshake failure)" "$out"
lacks "encrypt, broken handshake: no fallback" "trying again with TLS disabled" "$out"

# STARTTLS refused: plaintext at may, deferred at encrypt.
server refuse reject454
config "smtp_tls_security_level = may"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "may, 454 to STARTTLS: delivered in plaintext" "outcome=sent" "$out"
config "smtp_tls_security_level = encrypt"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "encrypt, 454 to STARTTLS: deferred" "status=deferred (TLS is required, but host 127.0.0.1[127.0.0.1] refused to start TLS: 454 4.7.0 TLS not available due to local problem)" "$out"
server r354 reply354
deliver "[127.0.0.1]:$port" rcpt@example.com
has "encrypt, 354 to STARTTLS: deferred" "refused to start TLS: 354 go ahead" "$out"

# Wrapper mode (TLS from the first byte).
server wrap wrapper
config "smtp_tls_wrappermode = yes" "smtp_tls_security_level = encrypt"
deliver "[127.0.0.1]:$port" rcpt@example.com
has "wrappermode: delivered" "outcome=sent" "$out"
has "wrappermode: TLS summary" "TLS connection established to 127.0.0.1[127.0.0.1]:$port" "$out"

# Nobody listening.
free=$(free_port)
config
deliver "[127.0.0.1]:$free" rcpt@example.com
has "refused: deferred" "outcome=deferred dsn=4.4.1" "$out"
has "refused: logged" "connect to 127.0.0.1[127.0.0.1]:$free: Connection refused" "$out"
has "refused: the next hop is reported unusable" "end status=1 connect to 127.0.0.1[127.0.0.1]:$free: Connection refused" "$out"

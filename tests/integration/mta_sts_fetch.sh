#!/bin/bash
# mta_sts_fetch.sh - MTA-STS discovery (RFC 8461 section 3) as the policy
# cache does it (sts_fetch(3), through tests/helpers/sts_probe): the
# _mta-sts TXT record from the private DNSSEC test bed (lib/dnssec.sh),
# then the policy from https://mta-sts.secure.test/.well-known/mta-sts.txt,
# served on port 443 of a loopback address named in the zone by
# lib/https_server.py with a certificate from the test CA.
#
# Cases: a valid policy (fetched, parsed); 404, a redirect, a wrong media
# type and a body over 64 KiB (fetch errors); a malformed policy
# (invalid); the certificate of another name, and an untrusted CA (fetch
# errors: PKIX and the host name are checked); a domain without the TXT
# record (no policy, nothing fetched).
#
# The HTTPS host name is resolved through the C library, which reads
# /etc/resolv.conf: the test runs in a private mount namespace (root).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
. "$top/tests/integration/lib/dnssec.sh"

dnssec_available || skip "$DNSSEC_MISSING"
dnssec_namespace "$0" "$@" || skip "$DNSSEC_MISSING"
probe=$TEST_HELPERS/sts_probe

dir=$(mktemp -d /tmp/mta-sts-fetch.XXXXXX)
chmod 755 "$dir"
at_exit 'rm -rf "$dir"'
certs_make "$dir/certs" || fail "certificates"
dnssec_https_addr || fail "a loopback address for the HTTPS server"
DNSSEC_RESOLV=yes
dnssec_start "mta-sts IN A $DNSSEC_HTTPS_ADDR"
require "the DNSSEC test bed starts"
dnssec_use_resolver
require "the bed's resolv.conf is in use"

# serve CHAIN - (re)start the HTTPS server with this certificate chain
https_pid=
serve() {
    [ -n "$https_pid" ] && kill "$https_pid" 2>/dev/null && wait "$https_pid" 2>/dev/null
    rm -f "$dir/www/port"
    mkdir -p "$dir/www"
    python3 "$top/tests/integration/lib/https_server.py" --addr "$DNSSEC_HTTPS_ADDR" --port 443 \
        --chain "$1" --dir "$dir/www" --port-file "$dir/www/port" --idle 120 &
    https_pid=$!
    wait_file "$dir/www/port" 10 || fail "the HTTPS server starts"
}
at_exit '[ -n "$https_pid" ] && kill "$https_pid" 2>/dev/null'

# probe_out - sts_probe for secure.test with the test CA
probe_out() {
    bounded 30 "$probe" -s "127.0.0.1:$DNSSEC_PORT" -C "$dir/certs/root.pem" -t 5 secure.test 2>&1
}

serve "$dir/certs/sts-chain.pem"
printf 'version: STSv1\nmode: enforce\nmx: mx.secure.test\nmx: *.example.net\nmax_age: 86400\n' \
    >"$dir/www/mta-sts.txt"
out=$(probe_out)
has "TXT record: the id" "id: 1" "$out"
has "valid policy: fetched and parsed" "policy: ok mode=enforce max_age=86400 mx=mx.secure.test,*.example.net" "$out"
has "the server saw the well-known path" "GET mta-sts.secure.test /.well-known/mta-sts.txt -> 200" "$(cat "$dir/www/log")"

printf 'version: STSv1\nmode: sometimes\nmx: mx.secure.test\nmax_age: 86400\n' >"$dir/www/mta-sts.txt"
has "malformed policy: invalid" "policy: invalid unknown mode" "$(probe_out)"

echo 404 >"$dir/www/status"
has "404: fetch error" "policy: fetch-error HTTP status 404" "$(probe_out)"
rm -f "$dir/www/status"

echo "https://mta-sts.secure.test/elsewhere.txt" >"$dir/www/location"
has "redirect: not followed" "policy: fetch-error HTTP status 301" "$(probe_out)"
rm -f "$dir/www/location"

printf 'version: STSv1\nmode: enforce\nmx: mx.secure.test\nmax_age: 86400\n' >"$dir/www/mta-sts.txt"
echo "text/html" >"$dir/www/type"
has "wrong media type: fetch error" "policy: fetch-error media type \"text/html\", not text/plain" "$(probe_out)"
rm -f "$dir/www/type"

echo 70000 >"$dir/www/size"
has "over 64 KiB: fetch error" "policy: fetch-error response larger than 65536 bytes" "$(probe_out)"
rm -f "$dir/www/size"
has "back to a valid policy" "policy: ok mode=enforce" "$(probe_out)"

serve "$dir/certs/other-chain.pem"
out=$(probe_out)
has "certificate for another name: fetch error" "policy: fetch-error" "$out"
lacks "certificate for another name: no policy" "policy: ok" "$out"
serve "$dir/certs/sts-chain.pem"
out=$(bounded 30 "$probe" -s "127.0.0.1:$DNSSEC_PORT" -C "$dir/certs/self.pem" -t 5 secure.test 2>&1)
has "untrusted CA: fetch error" "policy: fetch-error" "$out"
lacks "untrusted CA: no policy" "policy: ok" "$out"

: >"$dir/www/log"
out=$(bounded 30 "$probe" -s "127.0.0.1:$DNSSEC_PORT" -C "$dir/certs/root.pem" -t 5 insecure.secure.test 2>&1)
has "no TXT record: no policy" "id: none" "$out"
same "no TXT record: nothing fetched" "" "$(cat "$dir/www/log")"

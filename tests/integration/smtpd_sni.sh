#!/bin/bash
# smtpd_sni.sh - tls_server_sni_maps in smtpd with real clients: openssl
# s_client -servername for a name listed in the table, a name under a
# listed parent domain (".example.org") and an unlisted one gets three
# different certificates; a table built with "postmap -F" (the chains
# inline, base64) works the same; a bad entry is logged with the table and
# key and the default chain is served.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
read -r port fport < <(free_port 2 | tr '\n' ' ')
certs=$INSTANCE_DIR/certs
mkdir -p "$certs"
certs_make "$certs"
require "certificates made"
cert_make "$certs" org "/CN=wild.example.org"
cat "$certs/org.key" "$certs/org.pem" >"$certs/org-chain.pem"
printf 'this is not a PEM file\n' >"$certs/junk.pem"
chmod a+r "$certs"/*

entries=("other.example.net $certs/other-chain.pem" ".example.org $certs/org-chain.pem"
    "bad.example.net $certs/junk.pem")
sni_text=$(instance_table texthash sni "${entries[@]}")
printf '%s\n' "${entries[@]}" >"$INSTANCE_CONF/sni_b64"
[ -z "$INSTANCE_RUN_AS" ] || chown "$INSTANCE_RUN_AS" "$INSTANCE_CONF/sni_b64"
instance_run "$TEST_BIN/postmap" -F -c "$INSTANCE_CONF" "hash:$INSTANCE_CONF/sni_b64"
check "postmap -F builds the table with the chains inline"
has "postmap -F: the value is the file's content in base64" \
    "$(base64 -w0 <"$certs/org-chain.pem")" \
    "$(instance_run "$TEST_BIN/postmap" -c "$INSTANCE_CONF" -q .example.org "hash:$INSTANCE_CONF/sni_b64")"

instance_master_cf "127.0.0.1:$port inet n - n - - smtpd" \
    "127.0.0.1:$fport inet n - n - - smtpd -o tls_server_sni_maps=hash:$INSTANCE_CONF/sni_b64"
instance_main_cf \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_loglevel = 1" \
    "tls_server_sni_maps = $sni_text"
instance_start "$port" "$fport"
require "our instance starts"

# subject PORT NAME - the certificate subject a client that sends SNI NAME gets
subject() {
    printf 'QUIT\r\n' | bounded 20 openssl s_client -connect "127.0.0.1:$1" -starttls smtp \
        -servername "$2" -crlf 2>/dev/null | openssl x509 -noout -subject 2>/dev/null |
        sed 's/^subject= *//; s/ = /=/g'
}

for p in "$port" "$fport"; do
    case $p in
    "$port") table=texthash ;;
    *) table="postmap -F hash" ;;
    esac
    same "$table: a listed name gets its chain" "CN=other.example.net" \
        "$(subject "$p" other.example.net)"
    same "$table: a name under a listed parent domain gets that chain" "CN=wild.example.org" \
        "$(subject "$p" mx.example.org)"
    same "$table: an unlisted name gets the default chain" "CN=mail.example.com" \
        "$(subject "$p" unlisted.example.com)"
    same "$table: a bad entry: the default chain" "CN=mail.example.com" \
        "$(subject "$p" bad.example.net)"
done
instance_wait_log "warning: .*SNI bad\.example\.net: texthash:$INSTANCE_CONF/sni: bad value for key \"bad\.example\.net\": .*using the default chain" 10
check "the bad entry is logged with the table and the key"
instance_wait_log "TLS SNI unlisted\.example\.com from .* not matched, using default chain" 10
check "the unlisted name is logged"
instance_wait_log "Anonymous TLS connection established from .* to mx\.example\.org: TLSv1" 10
check "the summary line names the SNI that chose a chain"

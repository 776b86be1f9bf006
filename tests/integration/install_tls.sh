#!/bin/bash
# install_tls.sh - "postfix tls" on a fresh installed copy: enable-server
# makes a mode 0600 key and a self-signed certificate and turns on
# opportunistic TLS, which openssl s_client -starttls smtp then
# negotiates; output-server-tlsa prints "3 1 1" records whose digests
# are those of the certificates' public keys; new-server-key,
# deploy-server-cert (refusing a certificate of another key),
# new-server-cert, output-server-csr, enable-client, all-default-*; and
# set-permissions taking others' access away from a private key.
#
# As root the installed copy runs as root with a mail_owner made for the
# test (removed at the end); otherwise as the calling user.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/installed.sh"

# spki_of_cert FILE - SHA-256 of the certificate's public key, as the TLSA data
spki_of_cert() {
    openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum |
        cut -d' ' -f1
}

# fingerprint FILE - the certificate's SHA-256 fingerprint
fingerprint() {
    openssl x509 -in "$1" -noout -fingerprint -sha256
}

tag=$$
owner=pto$tag group=ptg$tag
root=false
[ "$(id -u)" -eq 0 ] && root=true
if $root; then
    groupadd "$group" || fail "groupadd $group"
    at_exit 'groupdel "$group" 2>/dev/null'
    useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
    at_exit 'userdel "$owner" 2>/dev/null'
fi
installed_create
require "a staging directory"
if $root; then
    installed_make install mail_owner="$owner" setgid_group="$group"
else
    installed_make install
fi
require "make install DESTDIR=..."
port=$(free_port)
installed_localize && installed_smtp_port "$port"
require "the installed copy is set up on a free loopback port"
if $root; then
    installed_postfix post-install
    require "postfix post-install"
fi
conf=$INSTALLED_CONF
tls() {
    installed_postfix tls "$@"
}

# --- enable-server on a fresh install ---
tls all-default-server
check "all-default-server: the fresh install has no server TLS settings"
tls enable-server >"$INSTALLED_WORK/enable.out" 2>&1
check "postfix tls enable-server"
key=$(installed_postconf -h smtpd_tls_key_file)
cert=$(installed_postconf -h smtpd_tls_cert_file)
case $key in "$conf"/key-*.pem) true ;; *) false ;; esac &&
    case $cert in "$conf"/cert-*.pem) true ;; *) false ;; esac
check "enable-server deploys key-STAMP.pem and cert-STAMP.pem in config_directory"
[ "$(stat -c %a "$key")" = 600 ] && [ "$(stat -c %u "$key")" = "$(id -u)" ]
check "the private key file has mode 0600"
openssl pkey -in "$key" -noout -check >/dev/null 2>&1 &&
    [ "$(openssl x509 -in "$cert" -noout -subject -nameopt RFC2253)" = "subject=CN=mail.example.test" ] &&
    [ "$(openssl x509 -in "$cert" -noout -issuer -nameopt RFC2253)" = "issuer=CN=mail.example.test" ] &&
    openssl x509 -in "$cert" -noout -ext subjectAltName | grep -q "DNS:mail.example.test" &&
    openssl verify -CAfile "$cert" -purpose sslserver "$cert" >/dev/null 2>&1 &&
    [ "$(spki_of_cert "$cert")" = "$(openssl pkey -in "$key" -pubout -outform DER | sha256sum | cut -d' ' -f1)" ]
check "a self-signed server certificate for myhostname, of that key"
[ "$(installed_postconf -h smtpd_tls_security_level)" = may ] &&
    [ "$(installed_postconf -h smtpd_tls_loglevel)" = 1 ] &&
    [ "$(installed_postconf -h smtpd_tls_received_header)" = yes ]
check "enable-server sets smtpd_tls_security_level, _loglevel and _received_header"
! tls all-default-server
check "all-default-server fails once the server has TLS settings"
before=$(md5sum <"$conf/main.cf")
tls enable-server >"$INSTALLED_WORK/enable2.out" 2>&1 &&
    [ "$(md5sum <"$conf/main.cf")" = "$before" ] &&
    [ "$(find "$conf" -name 'key-*.pem' | wc -l)" = 1 ] &&
    grep -q "not at their defaults" "$INSTALLED_WORK/enable2.out"
check "a second enable-server changes nothing and says why"

# --- a real client negotiates TLS ---
installed_start
require "the installed copy starts"
wait_port "$port" 10
require "smtpd listens on 127.0.0.1:$port"
echo QUIT | bounded 20 openssl s_client -starttls smtp -connect "127.0.0.1:$port" \
    -servername mail.example.test >"$INSTALLED_WORK/s_client.out" 2>&1
grep -Eq "^(New|Reused), TLSv1\.[23], Cipher is" "$INSTALLED_WORK/s_client.out"
check "openssl s_client -starttls smtp negotiates TLS"
openssl x509 -in "$INSTALLED_WORK/s_client.out" -out "$INSTALLED_WORK/peer.pem" 2>/dev/null &&
    [ "$(fingerprint "$INSTALLED_WORK/peer.pem")" = "$(fingerprint "$cert")" ]
check "the server presents the certificate that enable-server made"
wait_until 10 grep -q "TLS connection established from" "$INSTALLED_LOG"
check "smtpd logs the TLS connection (smtpd_tls_loglevel = 1)"

# --- TLSA records ---
tls output-server-tlsa >"$INSTALLED_WORK/tlsa.out"
check "postfix tls output-server-tlsa"
[ "$(grep -c ' IN TLSA ' "$INSTALLED_WORK/tlsa.out")" = 1 ] &&
    grep -qx "_25._tcp.mail.example.test. IN TLSA 3 1 1 $(spki_of_cert "$cert")" "$INSTALLED_WORK/tlsa.out" &&
    grep -qx "; $key" "$INSTALLED_WORK/tlsa.out"
check "output-server-tlsa: one 3 1 1 record whose digest is the certificate's public key"

tls new-server-key -a ecdsa >"$INSTALLED_WORK/newkey.out" 2>&1
check "postfix tls new-server-key -a ecdsa"
eckey=$(find "$conf" -name 'eckey-*.pem')
eccert=$(find "$conf" -name 'eccert-*.pem')
[ -n "$eckey" ] && [ -n "$eccert" ] && [ "$(stat -c %a "$eckey")" = 600 ] &&
    openssl pkey -in "$eckey" -noout -text 2>/dev/null | grep -q "prime256v1" &&
    [ -z "$(installed_postconf -xh smtpd_tls_eckey_file)" ] &&
    grep -q "tls deploy-server-cert $eccert $eckey" "$INSTALLED_WORK/newkey.out"
check "new-server-key makes a P-256 key (mode 0600) and certificate, not deployed, and says how"
before=$(md5sum <"$conf/main.cf")
! tls deploy-server-cert "$cert" "$eckey" 2>"$INSTALLED_WORK/mismatch.out" &&
    grep -q "does not match" "$INSTALLED_WORK/mismatch.out" &&
    [ "$(md5sum <"$conf/main.cf")" = "$before" ]
check "deploy-server-cert refuses a certificate of another key"
tls deploy-server-cert "$(basename "$eccert")" "$(basename "$eckey")" 2>/dev/null &&
    [ "$(installed_postconf -h smtpd_tls_eckey_file)" = "$eckey" ] &&
    [ "$(installed_postconf -h smtpd_tls_eccert_file)" = "$eccert" ]
check "deploy-server-cert deploys the ECDSA pair, names relative to config_directory"
tls output-server-tlsa -h mx.example.test >"$INSTALLED_WORK/tlsa2.out" &&
    [ "$(grep -c ' IN TLSA ' "$INSTALLED_WORK/tlsa2.out")" = 2 ] &&
    grep -qx "_25._tcp.mx.example.test. IN TLSA 3 1 1 $(spki_of_cert "$cert")" "$INSTALLED_WORK/tlsa2.out" &&
    grep -qx "_25._tcp.mx.example.test. IN TLSA 3 1 1 $(spki_of_cert "$eccert")" "$INSTALLED_WORK/tlsa2.out"
check "output-server-tlsa -h: a record for each server key, digests matching"
tls output-server-tlsa "$(basename "$eckey")" >"$INSTALLED_WORK/tlsa3.out" &&
    [ "$(grep -c ' IN TLSA ' "$INSTALLED_WORK/tlsa3.out")" = 1 ] &&
    grep -q "3 1 1 $(spki_of_cert "$eccert")" "$INSTALLED_WORK/tlsa3.out"
check "output-server-tlsa KEYFILE: that key only"

sleep 1 # new file names carry the time in seconds
tls new-server-cert mail.example.test mx.example.test >/dev/null 2>&1
check "postfix tls new-server-cert with two host names"
newcert=$(find "$conf" -name 'cert-*.pem' ! -path "$cert")
newkey=$(find "$conf" -name 'key-*.pem' ! -path "$key")
[ -n "$newcert" ] && [ "$(spki_of_cert "$newcert")" = "$(spki_of_cert "$cert")" ] &&
    [ "$(stat -c %a "$newkey")" = 600 ] &&
    openssl x509 -in "$newcert" -noout -ext subjectAltName | grep -q "DNS:mail.example.test, DNS:mx.example.test"
check "new-server-cert keeps the deployed key (same TLSA data) with the new names"

# served_cert FILE - the certificate that smtpd presents now, in FILE
served_cert() {
    echo QUIT | bounded 20 openssl s_client -starttls smtp -connect "127.0.0.1:$port" \
        -servername mail.example.test -sigalgs rsa_pss_rsae_sha256:rsa_pkcs1_sha256 2>/dev/null |
        openssl x509 -out "$1" 2>/dev/null
}
# served_is CERT - smtpd presents CERT
served_is() {
    served_cert "$INSTALLED_WORK/served.pem" &&
        [ "$(fingerprint "$INSTALLED_WORK/served.pem")" = "$(fingerprint "$1")" ]
}
tls deploy-server-cert "$newcert" "$newkey" 2>/dev/null && installed_postfix reload 2>/dev/null &&
    wait_until 20 served_is "$newcert"
check "after deploy-server-cert and postfix reload, smtpd presents the new certificate"

tls output-server-csr -k rsa mail.example.test smtp.example.test >"$INSTALLED_WORK/csr.pem" &&
    openssl req -in "$INSTALLED_WORK/csr.pem" -noout -verify >/dev/null 2>&1 &&
    openssl req -in "$INSTALLED_WORK/csr.pem" -noout -text | grep -q "DNS:mail.example.test, DNS:smtp.example.test" &&
    [ "$(openssl req -in "$INSTALLED_WORK/csr.pem" -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum)" = \
        "$(openssl pkey -in "$key" -pubout -outform DER | sha256sum)" ]
check "output-server-csr -k rsa: a signed request for the deployed RSA key with the names"

# --- client side ---
tls all-default-client && tls enable-client >/dev/null 2>&1 &&
    [ "$(installed_postconf -h smtp_tls_security_level)" = may ] &&
    [ "$(installed_postconf -h smtp_tls_loglevel)" = 1 ] &&
    [ "$(installed_postconf -h smtp_tls_session_cache_database)" = "btree:\${data_directory}/smtp_scache" ] &&
    ! tls all-default-client
check "enable-client turns on opportunistic TLS in the SMTP client"

if $root; then
    chmod 644 "$eckey"
    installed_postfix set-permissions 2>"$INSTALLED_WORK/perms.out"
    [ "$(stat -c %a "$eckey")" = 640 ] && grep -q "removed access by others" "$INSTALLED_WORK/perms.out"
    check "set-permissions takes others' access away from a deployed private key"
fi

installed_postfix stop >/dev/null 2>&1
check "postfix stop"
same "postfix stop leaves no process behind" "" "$(installed_procs)"

#!/bin/sh
# mkcerts.sh - generate the certificates the TLS tests use
#
# Usage: sh tests/data/mkcerts.sh DIR
#
# Everything is made fresh in DIR (valid for 30 days), so no certificate
# in the tree can expire. A root CA signs an intermediate CA, which signs:
#   rsa, ecdsa, ed25519   server leaves for mail.example.com (SAN
#                         mail.example.com, mx.example.com)
#   other                 a leaf for other.example.net (wrong name)
#   client                a client leaf for client.example.org
#   sts                   an HTTPS leaf for mta-sts.secure.test (MTA-STS
#                         policy host of the DNSSEC test bed's zone)
# plus a self-signed leaf (self) and a CA with no CN (noncn-ca) that signs
# noncn-leaf. Files:
#   NAME.key NAME.pem           key and leaf certificate
#   NAME-chain.pem              key, leaf, intermediate (a chain file)
#   all-chain.pem               RSA, ECDSA and Ed25519 groups in one file
#   root.pem                    the CAfile
# Exit status is non-zero when openssl fails.

set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
OPENSSL=${OPENSSL:-openssl}

cat >ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:mail.example.com, DNS:mx.example.com
[other]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example.net
[sts]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:mta-sts.secure.test
[client]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth
subjectAltName = DNS:client.example.org
[plain]
basicConstraints = CA:FALSE
CNF

key() { # key NAME TYPE
    case $2 in
    rsa) $OPENSSL genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null ;;
    ec) $OPENSSL genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
    ed25519) $OPENSSL genpkey -algorithm ED25519 -out "$1.key" ;;
    esac
}

sign() { # sign NAME SUBJECT ISSUER EXTSECTION
    $OPENSSL req -new -key "$1.key" -subj "$2" -out "$1.csr"
    $OPENSSL x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial \
        -days 30 -extfile ext.cnf -extensions "$4" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr"
}

key root ec
$OPENSSL req -x509 -new -key root.key -subj "/CN=Test Root CA" -days 30 -out root.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
key int ec
sign int "/O=Test Org/CN=Test Intermediate CA" root ca

key rsa rsa
sign rsa "/CN=mail.example.com" int server
key ecdsa ec
sign ecdsa "/CN=mail.example.com" int server
key ed25519 ed25519
sign ed25519 "/CN=mail.example.com" int server
key other ec
sign other "/CN=other.example.net" int other
key client ec
sign client "/CN=client.example.org" int client
key sts ec
sign sts "/CN=mta-sts.secure.test" int sts

for name in rsa ecdsa ed25519 other client sts; do
    cat "$name.key" "$name.pem" int.pem >"$name-chain.pem"
done
cat rsa-chain.pem ecdsa-chain.pem ed25519-chain.pem >all-chain.pem

key self ec
$OPENSSL req -x509 -new -key self.key -subj "/CN=mail.example.com" -days 30 \
    -addext "subjectAltName=DNS:mail.example.com" -out self.pem 2>/dev/null
cat self.key self.pem >self-chain.pem

key noncn-ca ec
$OPENSSL req -x509 -new -key noncn-ca.key -subj "/O=No CN Org" -days 30 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
    -out noncn-ca.pem 2>/dev/null
key noncn-leaf ec
sign noncn-leaf "/CN=mail.example.com" noncn-ca server
cat noncn-leaf.key noncn-leaf.pem >noncn-leaf-chain.pem
rm -f ./*.srl ext.cnf

#!/bin/bash
# postconf.sh - bin/postconf against a temporary configuration directory:
# -d, -n, named parameters, -h, -x, -e, -X, -#, -M, -U, -c, MAIL_CONFIG, and the
# reports about misspelled names and malformed values.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
postconf=$TEST_BIN/postconf
dir=$(mktemp -d /tmp/postconf-test.XXXXXX)
at_exit 'rm -rf "$dir"'
unset MAIL_CONFIG

cat >"$dir/main.cf" <<'CF'
# Site settings.
myhostname = mail.example.com

# Where mail is accepted.
mydestination = $myhostname,
    localhost.$mydomain,
	localhost
relayhost =   [smtp.example.net]:587
smtpd_tls_chain_files = /etc/ssl/private/mail.pem
compatibility_level = 3.8
CF
cat >"$dir/master.cf" <<'CF'
# service type  private unpriv  chroot  wakeup  maxproc command + args
smtp      inet  n       -       n       -       -       smtpd
submission inet n       -       n       -       -       smtpd
  -o syslog_name=postfix/submission
  -o { smtpd_tls_security_level = encrypt }
  -o smtpd_client_restrictions=$mua_client_restrictions
pickup    unix  n       -       n       60      1       pickup
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
        -o syslog_name=postfix/$service_name
local     unix  -       n       n       -       -       local
postlog   unix-dgram n  -       n       -       1       postlogd
CF
echo 'mua_client_restrictions = permit_sasl_authenticated, reject' >>"$dir/main.cf"

# -d: built-in defaults, as Postfix prints them.
out=$("$postconf" -c "$dir" -d)
check "postconf -d exits 0"
for line in \
    'smtpd_tls_cert_file =' \
    'smtpd_tls_key_file = $smtpd_tls_cert_file' \
    'smtpd_tls_loglevel = 0' \
    'smtpd_tls_protocols = >=TLSv1' \
    'smtpd_timeout = ${stress?{10}:{300}}s' \
    'smtpd_starttls_timeout = ${stress?{10}:{300}}s' \
    'smtpd_tls_fingerprint_digest = ${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}' \
    'smtp_tls_secure_cert_match = nexthop, dot-nexthop' \
    'lmtp_tls_secure_cert_match = nexthop' \
    'tls_random_exchange_name = ${data_directory}/prng_exch' \
    'tls_eecdh_auto_curves = X25519MLKEM768 X25519 X448 prime256v1 secp521r1 secp384r1' \
    'tlsmgr_service_name = tlsmgr' \
    'postscreen_tls_security_level = $smtpd_tls_security_level' \
    'mydestination = $myhostname, localhost.$mydomain, localhost' \
    'smtpd_banner = $myhostname ESMTP $mail_name' \
    'maximal_queue_lifetime = 5d' \
    'compatibility_level = 0' \
    'config_directory = /etc/postfix' \
    'relay_destination_concurrency_limit = $default_destination_concurrency_limit' \
    'local_destination_concurrency_limit = 2'; do
    grep -qxF -- "$line" <<<"$out"
    check "postconf -d prints: $line"
done
sorted=$(cut -d' ' -f1 <<<"$out" | LC_ALL=C sort -c 2>&1)
same "postconf -d is sorted by name" "" "$sorted"
n=$(grep -c . <<<"$out")
[ "$n" -gt 800 ]
check "postconf -d lists every parameter ($n)"
grep -q '^pickup_destination_concurrency_limit' <<<"$out"
[ $? -ne 0 ]
check "no per-transport names for services that are not delivery agents"

# -n: only main.cf settings, sorted, values as written with white space folded.
want='compatibility_level = 3.8
config_directory = '"$dir"'
mua_client_restrictions = permit_sasl_authenticated, reject
mydestination = $myhostname, localhost.$mydomain, localhost
myhostname = mail.example.com
relayhost = [smtp.example.net]:587
smtpd_tls_chain_files = /etc/ssl/private/mail.pem'
got=$("$postconf" -c "$dir" -n 2>"$dir/err")
check "postconf -n exits 0 on a clean main.cf"
same "postconf -n output" "$want" "$got"
same "postconf -n reports nothing" "" "$(cat "$dir/err")"
got=$(MAIL_CONFIG=$dir "$postconf" -n 2>/dev/null)
same "MAIL_CONFIG chooses the directory" "$want" "$got"

# Named parameters, -h, -x, -o.
got=$("$postconf" -c "$dir" myhostname smtpd_tls_cert_file relayhost)
same "named parameters in command-line order" 'myhostname = mail.example.com
smtpd_tls_cert_file =
relayhost = [smtp.example.net]:587' "$got"
same "-h prints the value only" "example.com" "$("$postconf" -c "$dir" -h mydomain)"
same "-x expands" "mydestination = mail.example.com, localhost.example.com, localhost" \
    "$("$postconf" -c "$dir" -x mydestination)"
same "-x expands the CL36 digest" "sha256" "$("$postconf" -c "$dir" -xh smtpd_tls_fingerprint_digest)"
same "-o overrides" "md5" \
    "$("$postconf" -c "$dir" -o compatibility_level=2 -xh smtpd_tls_fingerprint_digest)"
same "-x with stress" "10s" "$("$postconf" -c "$dir" -o stress=yes -xh smtpd_timeout)"
got=$("$postconf" -c "$dir" smtpd_foo 2>&1)
check "unknown queried name exits 0"
same "unknown queried name warns" "postconf: warning: smtpd_foo: unknown parameter" "$got"

# -e: replace in place (continuation lines included), append new names,
# keep comments and order.
cp "$dir/main.cf" "$dir/main.cf.orig"
"$postconf" -c "$dir" -e 'mydestination = $myhostname' 'smtpd_tls_loglevel=1' relayhost=
check "postconf -e exits 0"
want='# Site settings.
myhostname = mail.example.com

# Where mail is accepted.
mydestination = $myhostname
relayhost = 
smtpd_tls_chain_files = /etc/ssl/private/mail.pem
compatibility_level = 3.8
mua_client_restrictions = permit_sasl_authenticated, reject
smtpd_tls_loglevel = 1'
same "postconf -e keeps comments and order" "$want" "$(cat "$dir/main.cf")"
ls "$dir" | grep -q tmp
[ $? -ne 0 ]
check "postconf -e leaves no temporary file"
"$postconf" -c "$dir" myorigin=example.com
same "name=value without -e edits too" "myorigin = example.com" "$(tail -n 1 "$dir/main.cf")"

cp "$dir/main.cf" "$dir/before"
out=$("$postconf" -c "$dir" -e smtpd_timeout=5x 2>&1)
[ $? -ne 0 ]
check "postconf -e refuses a malformed value"
grep -q 'bad value "5x" for parameter smtpd_timeout' <<<"$out"
check "the refusal names parameter and value"
cmp -s "$dir/main.cf" "$dir/before"
check "main.cf unchanged after a refused edit"

# -X and -#.
"$postconf" -c "$dir" -X relayhost myorigin
grep -q -e '^relayhost' -e '^myorigin' "$dir/main.cf"
[ $? -ne 0 ]
check "postconf -X removes settings"
grep -q '^# Where mail is accepted.$' "$dir/main.cf"
check "postconf -X keeps comments"
cp "$dir/main.cf.orig" "$dir/main.cf"
"$postconf" -c "$dir" -# mydestination
want='# Site settings.
myhostname = mail.example.com

# Where mail is accepted.
#mydestination = $myhostname,
#    localhost.$mydomain,
#	localhost
relayhost =   [smtp.example.net]:587'
same "postconf -# comments out a setting and its continuation lines" "$want" \
    "$(head -n 8 "$dir/main.cf")"
cp "$dir/main.cf.orig" "$dir/main.cf"

# -M: master.cf in Postfix's column layout.
want='smtp       inet  n       -       n       -       -       smtpd
submission inet  n       -       n       -       -       smtpd -o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt -o smtpd_client_restrictions=$mua_client_restrictions
pickup     unix  n       -       n       60      1       pickup
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
smtp       unix  -       -       n       -       -       smtp
relay      unix  -       -       n       -       -       smtp -o syslog_name=postfix/$service_name
local      unix  -       n       n       -       -       local
postlog    unix-dgram n  -       n       -       1       postlogd'
same "postconf -M" "$want" "$("$postconf" -c "$dir" -M)"
same "postconf -M service/type" "smtp       inet  n       -       n       -       -       smtpd" \
    "$("$postconf" -c "$dir" -M smtp/inet)"
same "postconf -M service" "2" "$("$postconf" -c "$dir" -M smtp | grep -c .)"
want='submission inet  n       -       n       -       -       smtpd
    -o syslog_name=postfix/submission
    -o smtpd_tls_security_level=encrypt
    -o smtpd_client_restrictions=$mua_client_restrictions'
same "postconf -Mf folds -o settings" "$want" "$("$postconf" -c "$dir" -Mf submission/inet)"
got=$("$postconf" -c "$dir" -M nosuch/unix 2>&1)
same "unmatched -M request" 'postconf: warning: unmatched request: "nosuch/unix"' "$got"

# A misspelled name and a malformed value: reported with file and line;
# postconf -n still prints, and exits 1.
cat >>"$dir/main.cf" <<'CF'
smtpd_tls_cert_flie = /etc/ssl/certs/mail.pem
smtpd_tls_loglevel = high
CF
got=$("$postconf" -c "$dir" -n 2>"$dir/err")
[ $? -eq 1 ]
check "postconf -n exits 1 when main.cf has errors"
grep -qxF 'smtpd_tls_cert_flie = /etc/ssl/certs/mail.pem' <<<"$got"
check "postconf -n still prints every setting"
same "misspelled name reported with file, line and suggestion" \
    "postconf: error: $dir/main.cf, line 12: unknown parameter \"smtpd_tls_cert_flie\"; did you mean \"smtpd_tls_cert_file\"?" \
    "$(grep smtpd_tls_cert_flie "$dir/err")"
grep -q "postconf: error: $dir/main.cf, line 13: bad value \"high\" for parameter smtpd_tls_loglevel: expected" "$dir/err"
check "malformed value reported with the parameter name"
grep -q mua_client_restrictions "$dir/err"
[ $? -ne 0 ]
check "user-defined name used in master.cf is not reported"
"$postconf" -c "$dir" -h myhostname >/dev/null 2>&1
check "a query exits 0 despite unrelated errors"

# A master.cf -o misspelling, and a missing main.cf.
printf 'smtp inet n - n - - smtpd\n  -o smtpd_tls_secrity_level=may\n' >"$dir/master.cf"
"$postconf" -c "$dir" -n 2>&1 >/dev/null | grep -q "master.cf, line 1: -o smtpd_tls_secrity_level: unknown parameter \"smtpd_tls_secrity_level\"; did you mean \"smtpd_tls_security_level\"?"
check "misspelled -o name in master.cf reported"
out=$("$postconf" -c "$dir/nonexistent" -n 2>&1)
[ $? -ne 0 ] && grep -q "open $dir/nonexistent/main.cf: No such file" <<<"$out"
check "missing main.cf is a clear fatal error"
printf 'smtp inet n - n - - smtpd\nbad unix - - q - - cmd\n' >"$dir/master.cf"
out=$("$postconf" -c "$dir" -M 2>&1)
[ $? -ne 0 ] && grep -q "master.cf, line 2: invalid chroot field \"q\"" <<<"$out"
check "malformed master.cf names file and line"

# Not implemented parameters: postconf -n warns on standard error (file and
# line; master.cf: line and service), standard output is unchanged.
cat >"$dir/main.cf" <<'CF'
myhostname = mail.example.com
smtpd_proxy_filter = 127.0.0.1:10025
html_directory = /srv/html
CF
printf 'smtp inet n - n - - smtpd\n  -o alternate_config_directories=inet:127.0.0.1:9\nrelay unix - - n - - smtp\n' >"$dir/master.cf"
got=$("$postconf" -c "$dir" -n 2>"$dir/err")
check "postconf -n exits 0 when not implemented parameters are set"
same "postconf -n standard output is unchanged" "config_directory = $dir
html_directory = /srv/html
myhostname = mail.example.com
smtpd_proxy_filter = 127.0.0.1:10025" "$got"
same "postconf -n warns about each not implemented setting" \
    "postconf: warning: $dir/main.cf:2: smtpd_proxy_filter is not implemented in this version; it has no effect
postconf: warning: $dir/main.cf:3: html_directory is not implemented in this version; it has no effect
postconf: warning: $dir/master.cf:1: service smtp/inet: -o alternate_config_directories is not implemented in this version; it has no effect" \
    "$(cat "$dir/err")"
"$postconf" -c "$dir" myhostname 2>&1 >/dev/null | grep -q 'not implemented'
[ $? -ne 0 ]
check "a query does not warn"

# -U lists them: table names and per-transport names of delivery services.
got=$("$postconf" -c "$dir" -U)
check "postconf -U exits 0"
for name in alternate_config_directories smtpd_proxy_filter relay_destination_rate_delay; do
    grep -qx "$name" <<<"$got"
    check "postconf -U lists $name"
done
for name in smtpd_banner relay_destination_concurrency_limit myhostname; do
    grep -qx "$name" <<<"$got"
    [ $? -ne 0 ]
    check "postconf -U does not list $name (implemented)"
done
same "postconf -U is sorted" "$(sort <<<"$got")" "$got"
"$postconf" -c "$dir" -U alternate_config_directories >/dev/null 2>&1
[ $? -ne 0 ]
check "postconf -U takes no names"
# A $name reference makes a parameter a user-defined one: no warning.
printf 'alternate_config_directories = x\nsmtpd_banner = $myhostname $alternate_config_directories\n' >"$dir/main.cf"
: >"$dir/master.cf"
"$postconf" -c "$dir" -n 2>&1 >/dev/null | grep -q 'alternate_config_directories is not implemented'
[ $? -ne 0 ]
check "a parameter used as \$name by another setting is not reported"

# -m: the supported lookup table types, sorted, one a line.
got=$("$postconf" -m)
for type in hash btree texthash regexp pcre cidr inline static; do
    grep -qx "$type" <<<"$got"
    check "postconf -m lists $type"
done
same "postconf -m is sorted" "$(sort <<<"$got")" "$got"
grep -qx mysqlnothere <<<"$got"
[ $? -ne 0 ]
check "postconf -m lists only types that exist"
"$postconf" -m -n >/dev/null 2>&1
[ $? -ne 0 ]
check "postconf -m takes no other mode"

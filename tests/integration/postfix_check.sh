#!/bin/bash
# postfix_check.sh - "postfix check": missing queue directories are created,
# main.cf and master.cf are validated, unknown parameters and world-readable
# private keys are reported; start refuses a broken configuration.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
key=$INSTANCE_DIR/server.key
jailkey=$INSTANCE_DIR/submission.key
echo "not really a key" >"$key"
echo "not really a key" >"$jailkey"
chmod 644 "$key" "$jailkey"
instance_main_cf "smtpd_tls_key_file = $key" "smtpd_tls_cert_flie = /etc/ssl/x.pem"
instance_master_cf "smtp inet n - n - - smtpd" \
    "submission inet n - n - - smtpd -o smtpd_tls_key_file=$jailkey"

out=$(instance_postfix check 2>&1)
check "postfix check succeeds with warnings only"
bad=
for dir in incoming active deferred hold corrupt bounce defer trace private; do
    [ "$(stat -c %a "$INSTANCE_QUEUE/$dir" 2>/dev/null)" = 700 ] || bad="$bad $dir"
done
[ -z "$bad" ]
check "postfix check creates the queues and private/ with mode 0700"
[ "$(stat -c %a "$INSTANCE_QUEUE/maildrop")" = 730 ] && [ "$(stat -c %a "$INSTANCE_QUEUE/public")" = 710 ] &&
    [ -d "$INSTANCE_QUEUE/pid" ] && [ "$(stat -c %a "$INSTANCE_DATA")" = 700 ]
check "postfix check creates maildrop, public, pid and data_directory"
grep -q "main.cf, line [0-9]*: unknown parameter \"smtpd_tls_cert_flie\"; did you mean \"smtpd_tls_cert_file\"?" <<<"$out"
check "postfix check reports an unknown parameter with a suggestion"
grep -q "smtpd_tls_key_file: private key file $key is world-readable" <<<"$out"
check "postfix check warns about a world-readable private key in main.cf"
grep -q "master.cf, line 2, service submission: smtpd_tls_key_file: private key file $jailkey is world-readable" <<<"$out"
check "postfix check warns about a world-readable private key in a master.cf override"
grep -q "master.cf, line 1: service smtp: program $TEST_LIBEXEC/smtpd:" <<<"$out" ||
    [ -x "$TEST_LIBEXEC/smtpd" ]
check "postfix check warns about a missing daemon program"
chmod 600 "$key" "$jailkey"
out=$(instance_postfix check 2>&1)
! grep -q "world-readable" <<<"$out"
check "no key warning once the keys are private"

instance_main_cf "max_idle = forever"
out=$(instance_postfix check 2>&1)
[ $? -ne 0 ] && grep -q "main.cf, line [0-9]*.*max_idle" <<<"$out"
check "postfix check fails on a malformed value and names the line"
out=$(instance_postfix start 2>&1)
[ $? -ne 0 ] && grep -q "not starting the Postern mail system" <<<"$out"
check "postfix start refuses a malformed main.cf"
[ ! -s "$INSTANCE_QUEUE/pid/master.pid" ]
check "no master was started"

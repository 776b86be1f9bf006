#!/bin/bash
# postfix_check.sh - "postfix check": missing queue directories are created,
# main.cf and master.cf are validated, unknown parameters, not implemented
# parameters and world-readable private keys are reported, restriction lists
# and table references are checked; start refuses a broken configuration
# (and then no smtpd ever runs) and starts a good one.

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
for dir in incoming active deferred hold corrupt bounce defer trace flush private; do
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

# Settings that this version does not implement: a warning each, with file
# and line (master.cf: the entry's line and its service), exit status 0.
instance_run "$TEST_BIN/postconf" -c "$INSTANCE_CONF" -X max_idle smtpd_tls_cert_flie
read -r port port2 <<<"$(free_port 2 | tr '\n' ' ')"
instance_master_cf_reset
instance_master_cf "127.0.0.1:$port inet n - n - - smtpd" \
    "127.0.0.1:$port2 inet n - n - - smtpd" \
    "  -o smtpd_proxy_filter=127.0.0.1:10025"
instance_main_cf "alternate_config_directories = inet:127.0.0.1:9"
milters_line=$(grep -n '^alternate_config_directories' "$INSTANCE_CONF/main.cf" | cut -d: -f1)
out=$(instance_postfix check 2>&1)
check "postfix check succeeds when not implemented parameters are set (warnings only)"
grep -q "warning: $INSTANCE_CONF/main.cf:$milters_line: alternate_config_directories is not implemented in this version; it has no effect" <<<"$out"
check "postfix check warns about a not implemented parameter in main.cf, with file and line"
grep -q "warning: $INSTANCE_CONF/master.cf:2: service 127.0.0.1:$port2/inet: -o smtpd_proxy_filter is not implemented in this version; it has no effect" <<<"$out"
check "postfix check warns about a not implemented -o in master.cf, with line and service"
[ "$(grep -c 'alternate_config_directories is not implemented' <<<"$out")" -eq 1 ]
check "the warning comes once"
! grep -q "is not implemented" <<<"$(grep -v 'alternate_config_directories\|smtpd_proxy_filter' <<<"$out")"
check "no warning for parameters that are implemented"

# Raw public keys need OpenSSL 3.2 or later (makedefs: raw-public-keys).
instance_main_cf "smtpd_tls_enable_rpk = yes" "smtp_tls_enable_rpk = yes"
out=$(instance_postfix check 2>&1)
if grep -q '^TLS_FEATURES = .*raw-public-keys' "$top/Makefile"; then
    lacks "with raw public key support: no warning about *_tls_enable_rpk" "lacks raw public key" \
        "$out"
else
    has "without raw public key support: smtpd_tls_enable_rpk = yes is warned about" \
        "warning: smtpd_tls_enable_rpk = yes: this OpenSSL (OpenSSL 3." "$out"
    has "and so is smtp_tls_enable_rpk = yes" \
        "warning: smtp_tls_enable_rpk = yes: this OpenSSL" "$(grep 'lacks raw public key support' <<<"$out")"
fi
instance_main_cf "smtpd_tls_enable_rpk = no" "smtp_tls_enable_rpk = no"

# Restriction lists and tables: errors that name the file and line.
instance_main_cf "smtpd_client_restrictions = permit_mynetworks, reject_unknown_thing"
client_line=$(grep -n '^smtpd_client_restrictions' "$INSTANCE_CONF/main.cf" | cut -d: -f1)
instance_main_cf "smtpd_sender_restrictions = check_sender_access hash:$INSTANCE_DIR/sender_access"
sender_line=$(grep -n '^smtpd_sender_restrictions' "$INSTANCE_CONF/main.cf" | cut -d: -f1)
instance_master_cf "  -o smtpd_helo_restrictions=reject_non_fqdn_helo_hostname,rejct" \
    "  -o smtpd_relay_restrictions=permit_mynetworks,permit"
out=$(instance_postfix check 2>&1)
[ $? -ne 0 ]
check "postfix check fails on a bad restriction list"
grep -q "error: $INSTANCE_CONF/main.cf:$client_line: smtpd_client_restrictions: unknown restriction \"reject_unknown_thing\"" <<<"$out"
check "postfix check names an unknown restriction with file and line"
grep -q "error: $INSTANCE_CONF/main.cf:$sender_line: smtpd_sender_restrictions: table hash:$INSTANCE_DIR/sender_access: $INSTANCE_DIR/sender_access.db: No such file or directory" <<<"$out"
check "postfix check names a hash: table whose file is missing"
grep -q "error: $INSTANCE_CONF/master.cf:2: service 127.0.0.1:$port2/inet: smtpd_helo_restrictions: unknown restriction \"rejct\"" <<<"$out"
check "postfix check checks restriction lists set with -o in master.cf"
grep -q "error: $INSTANCE_CONF/master.cf:2: service 127.0.0.1:$port2/inet: in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, specify at least one working instance of" <<<"$out"
check "postfix check refuses an open relay set with -o in master.cf"

# postfix start refuses, and no smtpd ever runs.
out=$(instance_postfix start 2>&1)
[ $? -ne 0 ] && grep -q "not starting the Postern mail system" <<<"$out" &&
    grep -q "unknown restriction \"reject_unknown_thing\"" <<<"$out"
check "postfix start refuses a configuration that postfix check rejects, and says why"
[ ! -s "$INSTANCE_QUEUE/pid/master.pid" ] && ! instance_wait_port "$port" 1 &&
    ! grep -q "smtpd\[" "$INSTANCE_LOG"
check "no master and no smtpd were started"

# Fixed: a good configuration starts; master warns about what has no effect.
instance_run "$TEST_BIN/postconf" -c "$INSTANCE_CONF" -X smtpd_client_restrictions
sed -i '/-o smtpd_helo_restrictions/d; /-o smtpd_relay_restrictions/d' "$INSTANCE_CONF/master.cf"
printf 'spam@example.test REJECT\nheld@example.test HOLD\nlater@example.test DEFER_IF_PERMIT\nodd@example.test permit_mynetworks, rejekt\n' \
    >"$INSTANCE_DIR/sender_access"
instance_run "$TEST_BIN/postmap" "hash:$INSTANCE_DIR/sender_access"
touch -d '1 hour ago' "$INSTANCE_DIR/sender_access.db"
out=$(instance_postfix check 2>&1)
[ $? -ne 0 ] && grep -q "sender_access.db is older than its source file" <<<"$out"
check "postfix check refuses a .db older than its source"
instance_run "$TEST_BIN/postmap" "hash:$INSTANCE_DIR/sender_access"
out=$(instance_postfix check 2>&1)
check "postfix check passes once the table is rebuilt"
sender_line=$(grep -n '^smtpd_sender_restrictions' "$INSTANCE_CONF/main.cf" | cut -d: -f1)
lacks "postfix check accepts HOLD and DEFER_IF_PERMIT in an access table" 'example.test": action' "$out"
grep -q "warning: $INSTANCE_CONF/main.cf:$sender_line: smtpd_sender_restrictions: table hash:$INSTANCE_DIR/sender_access, key \"odd@example.test\": unknown restriction \"rejekt\"" <<<"$out"
check "postfix check warns about a bad restriction list in an access table"
instance_start
check "postfix start starts a good configuration"
instance_wait_port "$port"
check "its smtpd accepts connections"
instance_wait_log "master.*warning: .*main.cf:$milters_line: alternate_config_directories is not implemented"
check "master logs the not implemented parameter at start"
instance_wait_log "smtpd\[[0-9]*\]: disconnect from"
[ "$(grep -c 'master\[[0-9]*\]: warning: .*alternate_config_directories is not implemented' "$INSTANCE_LOG")" -eq 1 ] &&
    ! grep -q 'smtpd\[[0-9]*\]: warning: .*not implemented' "$INSTANCE_LOG"
check "master logs it once, and smtpd does not repeat it"
master_warnings() {
    grep -c 'master\[[0-9]*\]: warning: .*alternate_config_directories is not implemented' "$INSTANCE_LOG"
}
master_warned_twice() {
    [ "$(master_warnings)" -eq 2 ]
}
instance_postfix reload >/dev/null 2>&1
wait_until 10 master_warned_twice
check "master logs it again on reload"
instance_stop

# A daemon started by hand, outside master, reports them itself.
out=$(echo QUIT | instance_run timeout 10 "$TEST_LIBEXEC/smtpd" -S -c "$INSTANCE_CONF" \
    -o smtpd_proxy_filter=127.0.0.1:10025 2>&1)
has "a stand-alone smtpd warns about main.cf" \
    "$INSTANCE_CONF/main.cf:$milters_line: alternate_config_directories is not implemented in this version" "$out"
has "a stand-alone smtpd warns about its -o" \
    "-o smtpd_proxy_filter=127.0.0.1:10025: smtpd_proxy_filter is not implemented in this version" "$out"

# A value that refers back to a computed default: mydomain's default is
# taken from myhostname, so "myhostname = mail.$mydomain" without mydomain
# loops. An error that names the loop, from postfix check and postconf;
# no start, and no crash or misleading fatal message on the way.
instance_run "$TEST_BIN/postconf" -c "$INSTANCE_CONF" -X mydomain
loop='parameter expansion loop: myhostname -> default of mydomain -> myhostname; setting mydomain explicitly breaks it'
out=$(instance_run "$TEST_BIN/postconf" -c "$INSTANCE_CONF" -e 'myhostname = mail.$mydomain' 2>&1)
[ $? -ne 0 ] && grep -q "$loop; main.cf not changed" <<<"$out"
check "postconf -e refuses to write such a loop, and names it"
sed -i 's/^myhostname = .*/myhostname = mail.$mydomain/' "$INSTANCE_CONF/main.cf"
myhostname_line=$(grep -n '^myhostname' "$INSTANCE_CONF/main.cf" | cut -d: -f1)
out=$(instance_postfix check 2>&1)
[ $? -ne 0 ]
check "postfix check fails when myhostname refers to the computed default of mydomain"
has "postfix check names the loop, with file and line" \
    "error: $INSTANCE_CONF/main.cf, line $myhostname_line: parameter myhostname: $loop" "$out"
lacks "postfix check gives no misleading parameter-name message" "bad parameter name" "$out"
out=$(instance_run "$TEST_BIN/postconf" -c "$INSTANCE_CONF" mydomain 2>&1)
[ $? -eq 1 ]
check "postconf mydomain fails when its default cannot be computed"
has "postconf mydomain names the loop" \
    "postconf: error: parameter mydomain: cannot compute the default: parameter expansion loop: default of mydomain -> myhostname -> mydomain" "$out"
lacks "postconf does not call mydomain an unknown parameter" "unknown parameter" "$out"
out=$(instance_run "$TEST_BIN/postconf" -c "$INSTANCE_CONF" -n 2>&1)
[ $? -eq 1 ] && grep -q "myhostname = mail.\$mydomain" <<<"$out"
check "postconf -n lists the settings and fails"
has "postconf -n reports the loop" "main.cf, line $myhostname_line: parameter myhostname: $loop" "$out"
out=$(instance_postfix start 2>&1)
[ $? -ne 0 ] && grep -q "not starting the Postern mail system" <<<"$out" && grep -q "$loop" <<<"$out"
check "postfix start refuses it and says why"
out=$(echo QUIT | instance_run timeout 10 "$TEST_LIBEXEC/smtpd" -S -c "$INSTANCE_CONF" 2>&1)
status=$?
[ "$status" -ne 0 ] && [ "$status" -lt 128 ] && [ "$status" -ne 124 ] && grep -q "$loop" <<<"$out"
check "a stand-alone smtpd exits with the loop as its reason, no crash (status $status)"

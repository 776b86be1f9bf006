#!/bin/bash
# lmtp_sasl.sh - AUTH in the LMTP client, from the lmtp_sasl_* parameters
# (the smtp client's SASL code under the LMTP names)
#
# A scripted server offers AUTH PLAIN LOGIN after LHLO, without TLS, and
# refuses every login. With lmtp_sasl_auth_enable and credentials for
# the next hop in lmtp_sasl_password_maps: under the default
# lmtp_sasl_security_options (noplaintext) the password never leaves and
# the mail is deferred ("no mechanism available"); with
# lmtp_sasl_security_options = noanonymous the client sends AUTH PLAIN
# with the credentials after LHLO and defers the mail with the server's
# 535. The smtp_sasl_* parameters play no part.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create
fake_smtpd_start "$INSTANCE_DIR/fake" --mode plain --auth "PLAIN LOGIN" --idle 120
port=$FAKE_SMTPD_PORT
printf 'strict.test lmtp:inet:[127.0.0.1]:%s\n' "$port" >"$INSTANCE_CONF/transport"
printf 'loose.test lmtp2:inet:[127.0.0.1]:%s\n' "$port" >>"$INSTANCE_CONF/transport"
printf '[127.0.0.1]:%s alice:lmtp-secret\n' "$port" >"$INSTANCE_CONF/sasl_passwd"
instance_main_cf \
    "transport_maps = texthash:$INSTANCE_CONF/transport" \
    "lmtp_sasl_auth_enable = yes" \
    "lmtp_sasl_password_maps = texthash:$INSTANCE_CONF/sasl_passwd" \
    "smtp_sasl_security_options = noanonymous" \
    "lmtp_connection_cache_on_demand = no"
instance_master_cf \
    "pickup unix n - n 60 1 pickup" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "defer unix - - n - 0 bounce" \
    "lmtp unix - - n - - lmtp" \
    "lmtp2 unix - - n - - lmtp -o lmtp_sasl_security_options=noanonymous"
instance_start
require "the instance starts"

printf 'Subject: strict\n\nx\n' | instance_sendmail -f s@example.org r@strict.test
instance_wait_log "to=<r@strict.test>.*status=" 30
require "the LMTP client reports the first recipient"
has "default lmtp_sasl_security_options: no plaintext mechanism, deferred" \
    "SASL authentication failed; cannot authenticate to server 127.0.0.1[127.0.0.1]: no mechanism available" \
    "$(grep 'to=<r@strict.test>' "$INSTANCE_LOG")"
transcript=$(cat "$INSTANCE_DIR/fake/log")
has "the client spoke LMTP" "C: LHLO " "$transcript"
lacks "no AUTH over plaintext" "C: AUTH" "$transcript"
lacks "nor the mail unauthenticated" "C: MAIL FROM" "$transcript"

printf 'Subject: loose\n\nx\n' | instance_sendmail -f s@example.org r@loose.test
instance_wait_log "to=<r@loose.test>.*status=" 30
require "the LMTP client reports the second recipient"
has "lmtp_sasl_security_options = noanonymous: AUTH PLAIN, the server's 535 defers" \
    "said: 535 5.7.8" "$(grep 'to=<r@loose.test>' "$INSTANCE_LOG")"
transcript=$(cat "$INSTANCE_DIR/fake/log")
grep -qx "C: AUTH PLAIN $(printf '\0alice\0lmtp-secret' | base64 -w0)" <<<"$transcript"
check "AUTH PLAIN carries the lmtp_sasl_password_maps credentials"

[ "$ASSERT_FAILURES" = 0 ] || instance_log_tail 30
exit 0

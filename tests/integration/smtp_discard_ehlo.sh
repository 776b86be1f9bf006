#!/bin/bash
# smtp_discard_ehlo.sh - smtp_discard_ehlo_keywords and
# smtp_discard_ehlo_keyword_address_maps in the smtp client, and
# lmtp_discard_lhlo_keywords in the LMTP client: a discarded keyword is
# ignored as if the server had not offered it (no STARTTLS at TLS level
# may, no pipelined commands, no SIZE=), logged as Postfix logs it
# ("discarding EHLO keywords: PIPELINING STARTTLS") unless the list says
# silent-discard; the server's address in the address maps takes
# precedence over the list.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dovecot.sh"

instance_create
certs=$(mktemp -d /tmp/smtp-discard-certs.XXXXXX)
at_exit 'rm -rf "$certs"'
certs_make "$certs" || fail "certificates"

read -r pin plist pmaps < <(free_port 3 | tr '\n' ' ')
for name in list maps; do
    port=plist
    [ "$name" = maps ] && port=pmaps
    fake_smtpd_start "$INSTANCE_DIR/$name" --mode starttls --chain "$certs/rsa-chain.pem" \
        --maildir "$INSTANCE_DIR/$name" --idle 60 --listen-port "${!port}"
done
echo "127.0.0.1 silent-discard, starttls" >"$INSTANCE_CONF/discard"
instance_master_cf_relay "$pin" "pickup unix n - n 60 1 pickup" \
    "viamaps unix - - n - 1 smtp -o smtp_discard_ehlo_keyword_address_maps=texthash:$INSTANCE_CONF/discard" \
    "lmtp unix - - n - 1 lmtp"
instance_main_cf \
    "mydestination =" "mynetworks = 127.0.0.0/8" \
    "transport_maps = inline:{ list.example.test=smtp:[127.0.0.1]:$plist, maps.example.test=viamaps:[127.0.0.1]:$pmaps }" \
    "smtp_tls_security_level = may" \
    "smtp_tls_CAfile = $certs/ca.pem" \
    "smtp_discard_ehlo_keywords = starttls, Pipelining size"
instance_start "$pin"
require "the instance starts"

printf 'Subject: by the list\n\nx\n' | instance_sendmail -f s@src.test a@list.example.test
instance_wait_log "to=<a@list.example.test>.*status=sent" 30
check "delivered to the server whose keywords the list discards"
log=$(instance_log)
has "the discard is logged, in Postfix's words and order" \
    "discarding EHLO keywords: PIPELINING SIZE STARTTLS" "$log"
transcript=$(cat "$INSTANCE_DIR/list/log")
lacks "no STARTTLS although the server offers it and the level is may" "C: STARTTLS" "$transcript"
lacks "no SIZE= with MAIL FROM" "SIZE=" "$transcript"
lacks "plaintext, as the log says" "TLS connection established to 127.0.0.1" "$log"

printf 'Subject: by the maps\n\nx\n' | instance_sendmail -f s@src.test a@maps.example.test
instance_wait_log "to=<a@maps.example.test>.*status=sent" 30
check "delivered to the server that the address maps name"
transcript=$(cat "$INSTANCE_DIR/maps/log")
lacks "the maps' starttls: no STARTTLS" "C: STARTTLS" "$transcript"
has "the maps replace the list: SIZE= is sent" "SIZE=" "$transcript"
[ "$(grep -c 'discarding EHLO keywords' "$INSTANCE_LOG")" -eq 1 ]
check "silent-discard: nothing more is logged"

if dovecot_lmtp_available; then
    instance_main_cf "lmtp_discard_lhlo_keywords = pipelining, 8bitmime" \
        "transport_maps = inline:{ lmtp.example.test=lmtp:unix:private/dovecot-lmtp }"
    instance_postfix reload >/dev/null 2>&1
    dovecot_lmtp_start "$INSTANCE_QUEUE/private/dovecot-lmtp" bob@lmtp.example.test
    require "Dovecot's LMTP server starts"
    printf 'Subject: over lmtp\n\nlmtp body\n' | instance_sendmail -f s@src.test bob@lmtp.example.test
    instance_wait_log "to=<bob@lmtp.example.test>.*status=sent" 30
    check "LMTP: delivered"
    has "lmtp_discard_lhlo_keywords: logged like the smtp client's" \
        "lmtp[" "$(grep 'discarding EHLO keywords: 8BITMIME PIPELINING' "$INSTANCE_LOG")"
    out=$(dovecot_fetch bob@lmtp.example.test "body" HEADER Subject "over lmtp")
    has "LMTP: Dovecot has the message" "lmtp body" "$out"
else
    comment "LMTP part skipped: $DOVECOT_MISSING"
fi

[ "$ASSERT_FAILURES" = 0 ] || instance_log_tail 30
exit 0

#!/bin/bash
# hostile_server.sh - hostile SMTP servers (tests/helpers/fake_smtpd.py)
# against the SMTP client of an instance. One message goes to each of:
#   - servers that close the connection before the greeting, after EHLO,
#     MAIL, RCPT, the DATA command, and the final "." (nothing kept);
#   - a greeting that trickles "220-" lines, a greeting that is not SMTP,
#     a greeting followed by garbage lines;
#   - an EHLO reply of "250-" lines without end, one that trickles
#     "250-" lines (a line every half second, each within the timeout);
#   - a STARTTLS that answers 220 and then sends a forged alert, a forged
#     record header, or bytes that are not TLS (smtp_tls_security_level =
#     encrypt, so that no plaintext fallback delivers the mail);
# each is deferred with a reason that names the server and what the
# client was doing, within the timeouts (3 s each here), and the server
# keeps no message. Two servers send oversized but well-formed replies (a
# 2 MB line in the EHLO reply, a 5000-line reply to MAIL FROM): those
# messages are delivered, once. Then the deferred mail is retried, and is
# deferred again without a duplicate. No smtp process crashes (no panic,
# fatal error, signal or non-zero exit in the maillog).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

instance_create || exit 1
certs=$INSTANCE_DIR/certs
mkdir -p "$certs" && certs_make "$certs" || fail "certificates"

# name:fake_smtpd.py options:expected reason (an extended regex), or "sent"
cases=(
    "close-connect:--mode plain --close-at connect:lost connection with .* while receiving the initial server greeting"
    "close-ehlo:--mode plain --close-at EHLO:lost connection with .* while performing the EHLO handshake"
    "close-mail:--mode plain --close-at MAIL:lost connection with .* while sending MAIL FROM"
    "close-rcpt:--mode plain --close-at RCPT:lost connection with .* while sending RCPT TO"
    "close-data:--mode plain --close-at DATA:lost connection with .* while sending DATA command"
    "close-dot:--mode plain --close-at DOT:lost connection with .* while sending end of data -- message may be sent more than once"
    "greet-trickle:--mode greet-trickle:conversation with .* timed out while receiving the initial server greeting"
    "bad-greeting:--mode bad-greeting:host .* (refused to talk to me|said): .*SSH-2.0"
    "garbage:--mode garbage:host .* said: .*(garbage|no code)"
    "endless:--mode endless:conversation with .* timed out while performing the EHLO handshake"
    "trickle:--mode trickle:conversation with .* timed out while performing the EHLO handshake"
    "forged-alert:--mode forged-alert:TLS|handshake"
    "forged-record:--mode forged-record:TLS|handshake"
    "break:--mode break:TLS|handshake"
    "huge-line:--mode huge-line:sent"
    "big-reply:--mode big-reply:sent"
)
ports=($(free_port $((${#cases[@]} + 1))))
pin=${ports[0]}
routes=
for i in "${!cases[@]}"; do
    IFS=: read -r name opts _ <<<"${cases[$i]}"
    # shellcheck disable=SC2086 # opts are several options
    fake_smtpd_start "$INSTANCE_DIR/$name" --listen-port "${ports[$((i + 1))]}" \
        --chain "$certs/rsa-chain.pem" --maildir "$INSTANCE_DIR/$name" $opts
    routes="$routes $name.example.test=smtp:[127.0.0.1]:${ports[$((i + 1))]},"
    [[ $name == forged-* || $name == break ]] &&
        tls_policy="$tls_policy [127.0.0.1]:${ports[$((i + 1))]}=encrypt,"
done

instance_master_cf "127.0.0.1:$pin inet n - n - - smtpd" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "defer unix - - n - 0 bounce" \
    "smtp unix - - n - 4 smtp"
instance_main_cf \
    "mydestination =" "mynetworks = 127.0.0.0/8" "alias_maps =" \
    "transport_maps = inline:{${routes%,} }" \
    "smtp_tls_policy_maps = inline:{${tls_policy%,} }" \
    "smtp_tls_security_level = may" \
    "smtp_connect_timeout = 3s" "smtp_helo_timeout = 3s" "smtp_mail_timeout = 3s" \
    "smtp_rcpt_timeout = 3s" "smtp_data_init_timeout = 3s" "smtp_data_xfer_timeout = 3s" \
    "smtp_data_done_timeout = 3s" "smtp_starttls_timeout = 3s" "smtp_quit_timeout = 3s" \
    "minimal_backoff_time = 1h" "maximal_backoff_time = 2h" "queue_run_delay = 1h"
instance_start "$pin"
require "the instance starts"

rcpts=()
for c in "${cases[@]}"; do
    rcpts+=("r@${c%%:*}.example.test")
done
accepted=0
for rcpt in "${rcpts[@]}"; do
    instance_smtp_send -f s@sender.example.test "$pin" "$rcpt" || accepted=1
done
[ "$accepted" -eq 0 ]
require "one message for each server is accepted"

# status NAME - the status lines of the message to server NAME
status() {
    grep -aF "to=<r@$1.example.test>" "$INSTANCE_LOG" | grep -a 'status='
}

# delivered NAME - messages the scripted server NAME kept
delivered() {
    find "$INSTANCE_DIR/$1" -name 'msg.*' | wc -l
}

# settled N - each message has at least N status lines
settled() {
    local c
    for c in "${cases[@]}"; do
        [ "$(status "${c%%:*}" | wc -l)" -ge "$1" ] || return 1
    done
}

start=$SECONDS
wait_until 90 settled 1
check "every message has a delivery status within $((SECONDS - start)) s"
for c in "${cases[@]}"; do
    IFS=: read -r name _ reason <<<"$c"
    lines=$(status "$name")
    if [ "$reason" = sent ]; then
        [ "$(grep -ac 'status=sent' <<<"$lines")" -eq 1 ] && [ "$(delivered "$name")" -eq 1 ]
        check "$name: delivered once" "$lines"
    else
        LC_ALL=C grep -aEq "status=deferred \(.*($reason)" <<<"$lines"
        check "$name: deferred, with the reason" "$lines"
        [ "$(delivered "$name")" -eq 0 ] && ! grep -aq 'status=sent' <<<"$lines"
        check "$name: nothing delivered"
    fi
done

# A retry: each deferred message is tried again, and deferred again.
deferred=$(grep -ac 'status=deferred' "$INSTANCE_LOG")
instance_postfix flush >/dev/null 2>&1
wait_until 90 eval '[ "$(grep -ac "status=deferred" "$INSTANCE_LOG")" -ge $((2 * deferred)) ]'
check "after postqueue -f every deferred message is deferred again"
for c in "${cases[@]}"; do
    IFS=: read -r name _ reason <<<"$c"
    if [ "$reason" = sent ]; then
        [ "$(status "$name" | grep -ac 'status=sent')" -eq 1 ] && [ "$(delivered "$name")" -eq 1 ]
        check "$name: still delivered once"
    else
        [ "$(delivered "$name")" -eq 0 ] && ! status "$name" | grep -aq 'status=sent'
        check "$name: still nothing delivered"
    fi
done

crashes=$(grep -aE 'panic|fatal:|killed by signal|exit status [1-9]|throttling' "$INSTANCE_LOG")
[ -z "$crashes" ]
check "no process crashed" "$crashes"

#!/bin/bash
# dsn_relay.sh - DSN ENVID and ORCPT on the way out: an instance relays
# through its smtp client to a scripted server that offers DSN
# (tests/helpers/fake_smtpd.py --dsn). A message submitted with
# "sendmail -V" and queue files that hold ORCPT values (one in lower-case
# hex, one with a command line in it, as a damaged or hand-made file could
# hold, bypassing the checks at entry) must reach the server as one MAIL
# and one RCPT with canonical xtext, never as extra commands.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
helpers=$TEST_HELPERS

instance_create
fake_smtpd_start "$INSTANCE_DIR/fake" --mode plain --dsn --idle 60
slog=$INSTANCE_DIR/fake/log
port=$FAKE_SMTPD_PORT

instance_master_cf \
    "pickup unix n - n 60 1 pickup" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "smtp unix - - n - - smtp"
instance_main_cf \
    "transport_maps = inline:{ example.com=smtp:[127.0.0.1]:$port }" \
    "minimal_backoff_time = 1s" "maximal_backoff_time = 2s" "queue_run_delay = 1s"
instance_start
require "the instance starts"

# transaction_of RCPT - the client's commands from MAIL to DATA of the
# transaction that delivered to RCPT (connections are reused)
transaction_of() {
    awk -v rcpt="$1" '
        /^C: MAIL FROM:/ { n = 0; inside = 1 }
        inside && /^C: / { lines[++n] = substr($0, 4) }
        inside && index($0, "C: RCPT TO:<" rcpt ">") == 1 { found = 1 }
        /^C: DATA$/ { inside = 0; if (found) { for (i = 1; i <= n; i++) print lines[i]; exit } }
    ' "$slog"
}

# wait_sent RCPT - until the instance logs the delivery to RCPT
wait_sent() {
    instance_wait_log "to=<$1>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:$port, .*status=sent" 30
}

# A submission with sendmail -V: the ENVID goes out as xtext.
printf 'Subject: envid\n\nhi\n' | instance_sendmail -V 'id+1 x=y' -N success,failure one@example.com
check "sendmail -V exits 0"
wait_sent one@example.com
check "the message with an ENVID is delivered"
s=$(transaction_of one@example.com)
grep -qE '^MAIL FROM:<[^>]*> .*ENVID=id\+2B1\+20x\+3Dy( |$)' <<<"$s"
check "MAIL carries ENVID=id+2B1+20x+3Dy"
grep -qx 'RCPT TO:<one@example.com> NOTIFY=SUCCESS,FAILURE' <<<"$s"
check "RCPT carries NOTIFY"

# An ENVID the queue would refuse is refused by sendmail, before it queues:
# no queue file holds either message now, and (checked at the end, after
# later messages went out) the server never received one.
printf 'Subject: bad envid\n\nhi\n' | instance_sendmail -V "$(printf 'x\r\nRCPT TO:<evil@example.com>')" one@example.com
[ $? -eq 64 ]
check "sendmail -V with a control character exits EX_USAGE (64)"
printf 'Subject: long envid\n\nhi\n' | instance_sendmail -V "$(printf '%0101d' 0)" one@example.com
[ $? -eq 64 ]
check "sendmail -V longer than 100 characters exits EX_USAGE (64)"
! grep -rlaE 'Subject: (bad|long) envid' "$INSTANCE_QUEUE" >/dev/null 2>&1
check "nothing was queued for either"

# A stored ORCPT in lower-case hex goes out canonical.
printf 'Subject: orcpt\n\nhi\n' |
    instance_run "$helpers/queue_inject" -a 'dsn_envid=lower+2bcase' -O 'rfc822;two+2bx@example.com' \
        "$INSTANCE_QUEUE" sender@example.org two@example.com >/dev/null
check "queue_inject writes a file with a lower-case-hex ORCPT"
wait_sent two@example.com
check "the message with an ORCPT is delivered"
s=$(transaction_of two@example.com)
grep -qE '^MAIL FROM:<sender@example.org> .*ENVID=lower\+2Bcase( |$)' <<<"$s" &&
    grep -qx 'RCPT TO:<two@example.com> ORCPT=rfc822;two+2Bx@example.com' <<<"$s"
check "ENVID and ORCPT go out in canonical xtext"

# Command lines in the stored ENVID and ORCPT: one MAIL, one RCPT, no NOOP.
inject=$(printf 'X\r\nRCPT TO:<injected@evil.test>\r\nNOOP Y')
printf 'Subject: inject\n\nhi\n' |
    instance_run "$helpers/queue_inject" -a "dsn_envid=$inject" -O "rfc822;three@example.com$inject" \
        "$INSTANCE_QUEUE" sender@example.org three@example.com >/dev/null
check "queue_inject writes a file with command lines in ENVID and ORCPT"
wait_sent three@example.com
check "the message with hostile DSN fields is delivered"
s=$(transaction_of three@example.com)
[ "$(grep -c '^RCPT ' <<<"$s")" = 1 ] && ! grep -q '^NOOP' <<<"$s" &&
    [ "$(sed -n '$p' <<<"$s")" = DATA ] && [ "$(wc -l <<<"$s")" = 3 ]
check "the server sees exactly one RCPT and no injected command"
grep -qE '^MAIL FROM:<sender@example\.org> SIZE=[0-9]+ ENVID=X\+0D\+0ARCPT\+20TO:<injected@evil\.test>\+0D\+0ANOOP\+20Y$' <<<"$s"
check "the ENVID is xtext-encoded on one line"
grep -qxF 'RCPT TO:<three@example.com> ORCPT=rfc822;three@example.comX+0D+0ARCPT+20TO:<injected@evil.test>+0D+0ANOOP+20Y' <<<"$s"
check "the ORCPT is xtext-encoded on one line"
[ "$(grep -c '^C: RCPT TO:<injected@evil.test>' "$slog")" = 0 ]
check "no injected RCPT in any session"
! grep -qE '^C: Subject: (bad|long) envid' "$slog" && grep -q '^C: Subject: orcpt' "$slog"
check "neither message with a refused ENVID ever reached the server; later ones did"

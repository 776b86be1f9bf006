#!/bin/bash
# cleanup.sh - local submission end to end in an ordinary-user instance:
# sendmail -> maildrop -> pickup -> cleanup -> incoming, with the headers
# cleanup adds, -t/-f/-F/-i, message_size_limit, mailq, malformed maildrop
# files, and kill -9 of cleanup or of its client in the middle of a
# message (nothing partial in incoming, no temporary file left after the
# sweep, every message that cleanup accepted present).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
helpers=$TEST_HELPERS

# dump ID [ATTR...] - the queue file in incoming, one line per field
dump() {
    "$helpers/queue_dump" "$INSTANCE_QUEUE" incoming "$@"
}

# submit ARGS... - sendmail as the instance user, message on stdin
submit() {
    instance_sendmail "$@"
}

# picked_id SENDER COUNT - the queue ID of the COUNT-th pickup of SENDER
picked_id() {
    instance_wait_log "(: uid=[0-9]+ from=<$1>.*){1}" 10 >/dev/null
    local deadline=$((SECONDS + 10)) id
    while [ "$SECONDS" -lt "$deadline" ]; do
        id=$(grep -E ": uid=[0-9]+ from=<$1>" "$INSTANCE_LOG" | sed -n "$2p" |
            sed -E 's/.*: ([0-9A-Za-z]+): uid=.*/\1/')
        if [ -n "$id" ] && [ -f "$INSTANCE_QUEUE/incoming/$id" ]; then
            echo "$id"
            return 0
        fi
        sleep 0.05
    done
    return 1
}

# maildrop_empty - wait until pickup has removed every maildrop file
maildrop_empty() {
    local deadline=$((SECONDS + 10))
    until [ "$(ls -A "$INSTANCE_QUEUE/maildrop" | wc -l)" = 0 ] || [ "$SECONDS" -ge "$deadline" ]; do
        sleep 0.05
    done
    [ "$(ls -A "$INSTANCE_QUEUE/maildrop" | wc -l)" = 0 ]
}

# temp_files QUEUE - temporary files in a queue
temp_files() {
    find "$INSTANCE_QUEUE/$1" -name '.tmp.*' | wc -l
}

instance_create
instance_master_cf \
    "pickup unix n - n 60 1 pickup" \
    "cleanup unix n - n - 0 cleanup"
instance_main_cf "message_size_limit = 20000"
instance_postfix check >/dev/null 2>&1
instance_start
require "the instance starts"
user=$(instance_run id -un)
uid=$(instance_run id -u)

# An empty queue.
out=$(instance_run "$TEST_BIN/mailq" -C "$INSTANCE_CONF")
[ "$out" = "Mail queue is empty" ]
check "mailq: empty queue"

# A plain submission: recipients on the command line, headers added.
printf 'Subject: plain\n\nHello.\n.\nafter the dot\n' | submit bob@example.com 'carol@example.org, dave'
check "sendmail exits 0"
id=$(picked_id "$user" 1)
check "pickup logs '<id>: uid=$uid from=<$user>'"
instance_wait_log "$id: message-id=<[0-9]{14}\.$id@mail\.example\.test>"
check "cleanup logs the message-id it added"
d=$(dump "$id" rewrite_context)
grep -qx "sender=$user@mail.example.test" <<<"$d" &&
    grep -qx "rcpt=bob@example.com" <<<"$d" && grep -qx "rcpt=carol@example.org" <<<"$d" &&
    grep -qx "rcpt=dave@mail.example.test" <<<"$d"
check "sender and recipients, bare names qualified with @myorigin"
grep -qx "attr rewrite_context=local" <<<"$d"
check "the message is marked as a local submission"
grep -qx "|Received: by mail.example.test (Postern, from userid $uid)" <<<"$d" &&
    grep -qE "^\|	id $id; [A-Z][a-z]{2}, " <<<"$d"
check "pickup adds a Received: header with the user ID and queue ID"
grep -qE "^\|Message-Id: <[0-9]{14}\.$id@mail\.example\.test>$" <<<"$d" &&
    grep -qE "^\|Date: [A-Z][a-z]{2}, [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} [-+][0-9]{4}" <<<"$d" &&
    grep -qE "^\|From: (.* <)?$user@mail\.example\.test>?$" <<<"$d"
check "Message-Id, Date and From are added"
[ "$(sed -n '/^|$/,$p' <<<"$d")" = "$(printf '|\n|Hello.')" ]
check "a lone dot ends the input"
[ "$(grep -n '^|Subject: plain' <<<"$d" | cut -d: -f1)" -lt "$(grep -n '^|Message-Id' <<<"$d" | cut -d: -f1)" ]
check "added headers go after the message's own headers"

# -t, -f, -F, -i: recipients from To/Cc/Bcc, Bcc removed, headers kept.
printf 'To: Bob <bob@example.com>, "Smith, C." <carol@example.org>\nCc: dave@example.net (Dave),\n bob@example.com\nBcc: eve@example.com\nFrom: Jo <jo@example.com>\nMessage-ID: <own@example.com>\nSubject: t\n\n.\nend\n' |
    submit -t -i -f jo@example.com -F 'Jo Q.' frank@example.com
check "sendmail -t exits 0"
id=$(picked_id "jo@example.com" 1)
d=$(dump "$id")
[ "$(grep '^rcpt=' <<<"$d" | sort | tr '\n' ' ')" = "rcpt=bob@example.com rcpt=carol@example.org rcpt=dave@example.net rcpt=eve@example.com rcpt=frank@example.com " ]
check "-t: To, Cc and Bcc recipients plus the command line, each once"
! grep -qi "^|Bcc:" <<<"$d" && ! grep -q "eve@" <<<"$(grep '^|' <<<"$d")"
check "-t: the Bcc: header is removed"
[ "$(grep -c '^|Message-I[Dd]:' <<<"$d")" = 1 ] && [ "$(grep -c '^|From:' <<<"$d")" = 1 ] &&
    grep -qx "|From: Jo <jo@example.com>" <<<"$d"
check "present Message-ID and From are not added again"
instance_wait_log "$id: message-id=<own@example.com>"
check "cleanup logs the message's own Message-ID"
grep -qx "|." <<<"$d" && grep -qx "|end" <<<"$d"
check "-i: a lone dot is content"
grep -qx "sender=jo@example.com" <<<"$d"
check "-f sets the sender"

# -F names the sender in an added From: header.
printf 'Subject: f\n\nx\n' | submit -F 'Jo Q. Public' -f jo2@example.com bob@example.com
id=$(picked_id "jo2@example.com" 1)
dump "$id" | grep -qx '|From: "Jo Q. Public" <jo2@example.com>'
check "-F: the full name goes into the added From: header, quoted"

# mailq lists what is queued.
out=$(instance_run "$TEST_BIN/mailq" -C "$INSTANCE_CONF")
head -1 <<<"$out" | grep -qx -- "-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------" &&
    grep -qE "^$id +[0-9]+ [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8}  jo2@example.com$" <<<"$out" &&
    grep -qE "^ {41}bob@example.com$" <<<"$out" &&
    tail -1 <<<"$out" | grep -qE "^-- [0-9]+ Kbytes in 3 Requests\.$"
check "mailq: header, one block per message, summary line"
[ "$(instance_run "$TEST_BIN/sendmail" -C "$INSTANCE_CONF" -bp)" = "$out" ] &&
    [ "$(instance_run "$TEST_BIN/postqueue" -c "$INSTANCE_CONF" -p)" = "$out" ]
check "sendmail -bp and postqueue -p print the same listing"

# sendmail -bs: smtpd on standard input and output, then pickup.
if [ -x "$TEST_LIBEXEC/smtpd" ]; then
    out=$(printf 'HELO me\r\nMAIL FROM:<bs@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: bs\r\n\r\nhi\r\n.\r\nQUIT\r\n' |
        submit -bs 2>/dev/null)
    grep -q "^250 2.0.0 Ok: queued as" <<<"$out" && id=$(picked_id "bs@example.com" 1) &&
        dump "$id" | grep -qx "|Subject: bs"
    check "sendmail -bs: smtpd takes the message and pickup queues it"
else
    ok "skipped: sendmail -bs needs libexec/smtpd"
fi

# -t: a header address with a control character is left out, with a warning;
# a command-line one makes sendmail refuse the message.
err=$(printf 'To: "x\\\n y"@example.com, ok@example.com, a\001b@example.com\nSubject: c\n\nx\n' |
    submit -t -f ctl@example.com 2>&1 >/dev/null)
check "sendmail -t with control characters in header addresses exits 0"
id=$(picked_id "ctl@example.com" 1)
d=$(dump "$id")
[ "$(grep '^rcpt=' <<<"$d" | tr '\n' ' ')" = "rcpt=ok@example.com " ] &&
    ! grep -q "$(printf '\001')" <<<"$(grep -v '^|' <<<"$d")"
check "-t: only the clean header address becomes a recipient"
grep -q "warning: To: header: control character in address" <<<"$err"
check "-t: the left-out address is warned about"
maildrop_empty
printf 'Subject: c\n\nx\n' | submit -f ctl2@example.com "$(printf 'bad\001@example.com')" 2>/dev/null
[ $? = 65 ] && [ "$(ls -A "$INSTANCE_QUEUE/maildrop" | wc -l)" = 0 ]
check "a command-line recipient with a control character is refused (EX_DATAERR), no file left"

# message_size_limit: refused by sendmail, and by cleanup.
big=$(head -c 30000 /dev/zero | tr '\0' 'x' | fold -w 70)
maildrop_empty
before=$(ls "$INSTANCE_QUEUE/incoming" | wc -l)
out=$(printf 'Subject: big\n\n%s\n' "$big" | submit bob@example.com 2>&1)
[ $? -ne 0 ] && grep -q "message file too big" <<<"$out" &&
    [ "$(ls -A "$INSTANCE_QUEUE/maildrop" | wc -l)" = 0 ]
check "sendmail refuses a message over message_size_limit and leaves no file"
out=$(printf 'Subject: big\n\n%s\n' "$big" |
    "$helpers/cleanup_send" "$INSTANCE_QUEUE/public/cleanup" a@example.com b@example.com)
[ $? -eq 1 ] && grep -q "^status 4 .*message file too big" <<<"$out" &&
    [ "$(ls "$INSTANCE_QUEUE/incoming" | wc -l)" = "$before" ] && [ "$(temp_files incoming)" = 0 ]
check "cleanup answers SIZE and removes its file"

# A malformed maildrop file is set aside, not delivered.
printf 'To: x@example.com\n\nnot a queue file\n' >"$INSTANCE_QUEUE/maildrop/4jYQb64LkPz1bYNF"
chown --reference="$INSTANCE_QUEUE/maildrop" "$INSTANCE_QUEUE/maildrop/4jYQb64LkPz1bYNF"
printf 'x\n' | submit bob@example.com
instance_wait_log "maildrop/4jYQb64LkPz1bYNF: .*moved to the corrupt queue" &&
    [ -f "$INSTANCE_QUEUE/corrupt/4jYQb64LkPz1bYNF" ]
check "pickup moves a malformed maildrop file to the corrupt queue"

# A hand-made maildrop file with SMTP commands in its DSN fields: postdrop
# and pickup refuse it. queue_inject writes it unchecked.
handmade=$INSTANCE_DIR/handmade
mkdir -p "$handmade/maildrop"
inject=$(printf 'X\r\nRCPT TO:<injected@evil.test>\r\nNOOP Y')
# make_drop [queue_inject options] - a maildrop file in $handmade from
# dsn@example.com; prints its path
make_drop() {
    local id
    id=$(printf 'Subject: dsn\n\nhi\n' |
        "$helpers/queue_inject" -q maildrop "$@" "$handmade" dsn@example.com bob@example.com) &&
        echo "$handmade/maildrop/$id"
}
# postdrop_file FILE - postdrop as the instance user; sets pd_status and pd_out
postdrop_file() {
    pd_out=$(instance_run "$TEST_BIN/postdrop" -c "$INSTANCE_CONF" <"$1" 2>&1)
    pd_status=$?
}
maildrop_empty
good=$(make_drop -a "dsn_envid=id+2B1+20x" -O "rfc822;bob+2Bx@example.com")
postdrop_file "$good"
[ "$pd_status" = 0 ] && [ -z "$pd_out" ]
check "postdrop takes a file with a valid ENVID and ORCPT"
id=$(picked_id dsn@example.com 1) && d=$("$helpers/queue_dump" "$INSTANCE_QUEUE" incoming "$id" dsn_envid) &&
    grep -qx "attr dsn_envid=id+2B1+20x" <<<"$d"
check "pickup and cleanup keep a valid ENVID"
maildrop_empty
for kind in envid encoded-envid orcpt encoded-orcpt; do
    case $kind in
    envid) bad=$(make_drop -a "dsn_envid=$inject") want="malformed dsn_envid attribute" ;;
    encoded-envid) bad=$(make_drop -a "dsn_envid=X+0D+0ANOOP") want="malformed dsn_envid attribute" ;;
    orcpt) bad=$(make_drop -O "rfc822;bob@example.com$inject") want="malformed DSN ORCPT" ;;
    encoded-orcpt) bad=$(make_drop -O "rfc822;bob+0D+0ANOOP@example.com") want="malformed DSN ORCPT" ;;
    esac
    postdrop_file "$bad"
    [ "$pd_status" = 65 ] && grep -q "invalid message on standard input: .*$want" <<<"$pd_out" &&
        [ "$(ls -A "$INSTANCE_QUEUE/maildrop" | wc -l)" = 0 ]
    check "postdrop refuses a maildrop file with a bad $kind (exit 65, '$want')"
done
bad_id=$(basename "$(make_drop -a "dsn_envid=$inject")")
cp "$handmade/maildrop/$bad_id" "$INSTANCE_QUEUE/maildrop/$bad_id"
chown --reference="$INSTANCE_QUEUE/maildrop" "$INSTANCE_QUEUE/maildrop/$bad_id"
printf 'x\n' | submit bob@example.com
instance_wait_log "maildrop/$bad_id: .*malformed dsn_envid attribute.*moved to the corrupt queue" &&
    [ -f "$INSTANCE_QUEUE/corrupt/$bad_id" ]
check "pickup moves a maildrop file with a bad ENVID to the corrupt queue"

# Record streams that cleanup must refuse, from a local client: nothing
# is committed that qmgr could not read.
# records [-l] - send the records on stdin to cleanup; sets rec_out and rec_status
records() {
    rec_out=$("$helpers/cleanup_records" "$@" "$INSTANCE_QUEUE/public/cleanup")
    rec_status=$?
}
envelope_end='M
NSubject: records
N
Nhi
X
E'
records <<END
Adsn_envid=id+2B1
Sa@example.com
orfc822;b+2Bx@example.com
Rb@example.com
$envelope_end
END
qid=$(sed -n 's/^queued //p' <<<"$rec_out")
[ "$rec_status" = 0 ] && [ -n "$qid" ] &&
    "$helpers/queue_dump" "$INSTANCE_QUEUE" incoming "$qid" | grep -qx "rcpt=b@example.com"
check "cleanup takes a valid record stream and the file reads back"
before=$(ls "$INSTANCE_QUEUE/incoming" | sort)
while IFS='|' read -r name first second; do
    records -l < <(printf '%s\n%s\n%s\n' "$first" "$second" "$envelope_end")
    [ "$rec_status" = 1 ] && grep -q "^status 1 " <<<"$rec_out" &&
        [ "$(ls "$INSTANCE_QUEUE/incoming" | sort)" = "$before" ] && [ "$(temp_files incoming)" = 0 ]
    check "cleanup refuses $name and commits nothing"
done <<'END'
an R record that starts with a null byte|Sa@example.com|R\0b@example.com
a null byte inside an R record|Sa@example.com|Rb@exa\0mple.com
a control character in a recipient|Sa@example.com|Rb@example.com\r\nRCPT TO:<x@evil.test>
a control character in the sender|Sa\x01@example.com|Rb@example.com
a null byte in the original recipient|Sa@example.com|Ob\0c
an ENVID with a command line|Adsn_envid=X\r\nRCPT TO:<injected@evil.test>\r\nNOOP Y|Sa@example.com
an ENVID that decodes to CR LF|Adsn_envid=X+0D+0ANOOP|Sa@example.com
an ORCPT with a command line|Sa@example.com|orfc822;b\r\nRCPT TO:<injected@evil.test>
an ORCPT that decodes to CR LF|Sa@example.com|orfc822;b+0D+0ANOOP
an ORCPT without an address type|Sa@example.com|ob@example.com
END
instance_wait_log "cleanup protocol error: null byte or control character in a recipient" &&
    instance_wait_log "malformed DSN ENVID: non-printable character in the decoded value"
check "cleanup says why it refused"

# kill -9 of cleanup in the middle of a message.
fifo=$INSTANCE_DIR/go
mkfifo "$fifo"
maildrop_empty
before=$(ls "$INSTANCE_QUEUE/incoming" | sort)
(printf 'Subject: half\n\n'; for i in $(seq 1 50); do echo "line $i"; done) |
    "$helpers/cleanup_send" -p 20 -w "$fifo" "$INSTANCE_QUEUE/public/cleanup" \
        a@example.com b@example.com >"$INSTANCE_DIR/half.out" &
client=$!
deadline=$((SECONDS + 10))
until grep -q '^paused' "$INSTANCE_DIR/half.out" || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.05; done
half_id=$(sed -n 's/^paused //p' "$INSTANCE_DIR/half.out")
[ -n "$half_id" ] && [ "$(temp_files incoming)" = 1 ]
check "mid-message: cleanup has a temporary file and no queue file yet"
for pid in $(instance_procs | awk '$3 ~ /(^|\/)cleanup$/ { print $2 }'); do kill -9 "$pid"; done
timeout 10 sh -c 'echo >"$1"' sh "$fifo"
wait_status "$client" 10
status=$?
[ "$status" = 1 ] && grep -q "^status 1 " "$INSTANCE_DIR/half.out"
check "the client of a killed cleanup gets BAD, not OK"
[ ! -e "$INSTANCE_QUEUE/incoming/$half_id" ] && [ "$(ls "$INSTANCE_QUEUE/incoming" | sort)" = "$before" ]
check "nothing partial in incoming after kill -9 of cleanup"
[ "$(temp_files incoming)" = 1 ] && [ "$("$helpers/sweep_temp" "$INSTANCE_QUEUE" incoming 0)" = 1 ] &&
    [ "$(temp_files incoming)" = 0 ]
check "the sweep removes the orphaned temporary file"

# kill -9 of the client in the middle of a message: cleanup cleans up at once.
(printf 'Subject: half\n\n'; for i in $(seq 1 50); do echo "line $i"; done) |
    "$helpers/cleanup_send" -p 20 -w "$fifo" "$INSTANCE_QUEUE/public/cleanup" \
        a@example.com b@example.com >"$INSTANCE_DIR/half2.out" &
client=$!
deadline=$((SECONDS + 10))
until grep -q '^paused' "$INSTANCE_DIR/half2.out" || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.05; done
half_id=$(sed -n 's/^paused //p' "$INSTANCE_DIR/half2.out")
kill -9 "$client"
wait_status "$client" 5 2>/dev/null
instance_wait_log "$half_id: client went away before the end of the message" &&
    [ "$(temp_files incoming)" = 0 ] && [ ! -e "$INSTANCE_QUEUE/incoming/$half_id" ]
check "kill -9 of the client: cleanup removes its temporary file"

# Every message that cleanup accepted is there.
ok=0 n=0
for i in 1 2 3 4 5; do
    out=$(printf 'Subject: n%s\n\nbody\n' "$i" |
        "$helpers/cleanup_send" "$INSTANCE_QUEUE/public/cleanup" a@example.com b@example.com)
    n=$((n + 1))
    qid=$(sed -n 's/^queued //p' <<<"$out")
    [ -n "$qid" ] && dump "$qid" | grep -qx "|Subject: n$i" && ok=$((ok + 1))
done
[ "$ok" = "$n" ]
check "every message answered OK is complete in incoming"
# mailq marks active and held messages and shows deferral reasons.
tid=$(picked_id "jo@example.com" 1)
hid=$(picked_id "jo2@example.com" 1)
instance_run mv "$INSTANCE_QUEUE/incoming/$tid" "$INSTANCE_QUEUE/active/$tid"
instance_run mv "$INSTANCE_QUEUE/incoming/$hid" "$INSTANCE_QUEUE/hold/$hid"
reason="connect to mx.example.com[192.0.2.1]:25: Connection refused"
instance_run "$helpers/defer_append" "$INSTANCE_QUEUE" "$tid" carol@example.org "$reason"
instance_run "$helpers/defer_append" "$INSTANCE_QUEUE" "$tid" dave@example.net "$reason"
out=$(instance_run "$TEST_BIN/mailq" -C "$INSTANCE_CONF")
grep -qE "^$tid\* +[0-9]+ " <<<"$out" && grep -qE "^$hid! +[0-9]+ " <<<"$out"
check "mailq: '*' after IDs in active, '!' after IDs on hold"
block=$(sed -n "/^$tid\*/,/^$/p" <<<"$out")
[ "$(grep -cF "($reason)" <<<"$block")" = 1 ] &&
    grep -qxF "$(printf "%*s(%s)" $((76 - ${#reason})) "" "$reason")" <<<"$block" &&
    [ "$(grep -A2 -F "($reason)" <<<"$block" | tail -2 | tr -d ' ' | tr '\n' ' ')" = "carol@example.org dave@example.net " ]
check "mailq: the deferral reason, once, right-aligned, before its recipients"
[ "$(grep -n "eve@example.com" <<<"$block" | cut -d: -f1)" -lt "$(grep -nF "($reason)" <<<"$block" | cut -d: -f1)" ]
check "mailq: recipients without a deferral reason come first"

# Every committed file reads back with the reader of qmgr.
unreadable=0 files=0
for f in "$INSTANCE_QUEUE"/incoming/* "$INSTANCE_QUEUE"/active/* "$INSTANCE_QUEUE"/hold/*; do
    [ -f "$f" ] || continue
    files=$((files + 1))
    q=$(basename "$(dirname "$f")")
    "$helpers/queue_dump" "$INSTANCE_QUEUE" "$q" "$(basename "$f")" >/dev/null || {
        unreadable=$((unreadable + 1))
        comment "does not read back: $q/$(basename "$f")"
    }
done
[ "$files" -gt 10 ] && [ "$unreadable" = 0 ]
check "all $files committed queue files read back with queue_msg_open()"
maildrop_empty
check "pickup left nothing in maildrop"
! grep -E "panic|fatal" "$INSTANCE_LOG" |
    grep -v -e "message file too big" -e "recipient address with a control character" \
        -e "postdrop.*fatal: invalid message on standard input"
check "no fatal error or panic in the log"

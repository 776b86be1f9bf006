#!/bin/bash
# pipe_delivery.sh - the pipe(8) delivery agent, run as root by a root
# instance: the command runs as the user= account (never root), gets the
# message with the headers that flags= asks for (D, R, O), dot-doubling
# (.), eol=, and a command line whose ${sender}, ${recipient}, ${user},
# ${extension}, ${domain}, ${nexthop}, ${size}, ${original_recipient} and
# ${mailbox} are expanded (h and u fold case); exit 75 defers ("temporary
# failure"), exit 67 bounces ("user unknown", 5.1.1), a status code in
# the output decides, a command over <service>_time_limit is killed and
# bounced, size= bounces a larger message, and user=root is refused.
# A "-o" among the argv= arguments is the command's, not an override.
# Conditional macros (${extension?text}, ${sender?{a}:{b}}) expand as in
# main.cf; chroot= runs the command inside a directory (entered before
# user=, directory= inside it), and a missing one defers.
# The command gets only the export_environment variables (from master's
# import_environment, plus name=value words).
# Then Dovecot's dovecot-lda through pipe (flags=DRhu, -d ${user}@${nexthop})
# delivers into the Maildir that doveadm reads.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/dovecot.sh"

[ "$(id -u)" -eq 0 ] || skip "pipe changes to the user= account: needs root"

tag=$$
owner=mtpo$tag group=mtpg$tag puser=mtpu$tag
groupadd "$group" || fail "groupadd $group"
at_exit 'groupdel "$group" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
at_exit 'userdel "$owner" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$puser" || fail "useradd $puser"
at_exit 'userdel "$puser" 2>/dev/null'

INSTANCE_MODE=root
INSTANCE_MAIL_OWNER=$owner
INSTANCE_SETGID_GROUP=$group
instance_create
work=$INSTANCE_DIR/pipe
mkdir "$work" && chown "$puser:" "$work" && chmod 755 "$work"

cat >"$work/record.sh" <<'EOF'
#!/bin/sh
# record.sh OUT ARGS... - the arguments, the ids and the message, into OUT
out=$1
shift
{
    echo "uid=$(id -u) gid=$(id -g)"
    env | sed 's/^/env=/'
    for arg in "$@"; do echo "arg=[$arg]"; done
    echo "--"
    cat
} >"$out"
EOF
cat >"$work/exit.sh" <<'EOF'
#!/bin/sh
# exit.sh STATUS [TEXT...] - read the message, say TEXT, exit with STATUS
cat >/dev/null
status=$1
shift
[ $# -eq 0 ] || echo "$*"
exit "$status"
EOF
chmod 755 "$work/record.sh" "$work/exit.sh"

# A root directory for chroot=: a shell, its libraries and a script.
jail=$INSTANCE_DIR/jail
mkdir -p "$jail/bin" "$jail/spool" && chown "$puser:" "$jail/spool" || fail "make $jail"
for file in /bin/sh $(ldd "$(readlink -f /bin/sh)" | grep -o '/[^ ]*'); do
    mkdir -p "$jail$(dirname "$file")" && cp -L "$file" "$jail$file" || fail "copy $file into $jail"
done
cat >"$jail/bin/record.sh" <<'EOF'
#!/bin/sh
# record.sh OUT ARGS... - the working directory, the arguments and the message, into OUT
out=$1
shift
{
    echo "cwd=$(pwd)"
    for arg in "$@"; do echo "arg=[$arg]"; done
    echo "--"
    while IFS= read -r line; do echo "$line"; done
} >"$out"
EOF
chmod 755 "$jail/bin/record.sh"

lmtp_ok=true
dovecot_lmtp_available || lmtp_ok=false
cat >"$INSTANCE_CONF/transport" <<EOF
record.test   precord:Record.Test
temp.test     ptemp:
unknown.test  punknown:
code.test     pcode:
slow.test     pslow:
size.test     psize:
root.test     proot:
option.test   poption:
cond.test     pcond:
jail.test     pjail:
jailcwd.test  pjailcwd:
nojail.test   pnojail:
example.test  dovecot:example.test
EOF
instance_main_cf \
    "transport_maps = texthash:$INSTANCE_CONF/transport" \
    "recipient_delimiter = +" \
    "bounce_queue_lifetime = 0" \
    "notify_classes =" \
    "precord_destination_recipient_limit = 1" \
    "export_environment = TZ MAIL_CONFIG LANG HOME PIPE_TEST=yes"
instance_master_cf \
    "pickup unix n - n 60 1 pickup" \
    "cleanup unix n - n - 0 cleanup" \
    "qmgr unix n - n 300 1 qmgr" \
    "bounce unix - - n - 0 bounce" \
    "defer unix - - n - 0 bounce" \
    "precord unix - n n - - pipe flags=DRO.hu user=$puser eol=\\r\\n argv=$work/record.sh $work/out \${sender} \${recipient} \${user} \${extension} \${domain} \${nexthop} \${size} \${original_recipient} \${mailbox}" \
    "ptemp unix - n n - - pipe user=$puser argv=$work/exit.sh 75 mailbox-locked" \
    "punknown unix - n n - - pipe user=$puser argv=$work/exit.sh 67" \
    "pcode unix - n n - - pipe user=$puser argv=$work/exit.sh 1 5.2.2 mailbox is full" \
    "pslow unix - n n - - pipe -o pslow_time_limit=2s user=$puser argv=/bin/sleep 30" \
    "psize unix - n n - - pipe size=200 user=$puser argv=$work/exit.sh 0" \
    "proot unix - n n - - pipe user=root argv=$work/exit.sh 0" \
    "poption unix - n n - - pipe user=$puser argv=$work/record.sh $work/out-option -o foo -o { a = b } -o poption_time_limit=1s \${user}" \
    "pcond unix - n n - - pipe user=$puser argv=$work/record.sh $work/out-cond \${extension?+\${extension}} \${extension:none} {\${sender?{from \${sender}}:{no sender}}} \${client_address:local}" \
    "pjail unix - n n - - pipe chroot=$jail user=$puser argv=/bin/record.sh /spool/out \${user}" \
    "pjailcwd unix - n n - - pipe chroot=$jail directory=/spool user=$puser argv=/bin/record.sh out-cwd" \
    "pnojail unix - n n - - pipe chroot=$INSTANCE_DIR/no-such-jail user=$puser argv=/bin/record.sh /spool/out"
if $lmtp_ok; then
    instance_master_cf "dovecot unix - n n - - pipe flags=DRhu user=nobody argv=/usr/lib/dovecot/dovecot-lda -c @DOVECOT_CONF@ -f \${sender} -d \${user}@\${nexthop}"
fi
instance_start
require "the root instance starts"

if $lmtp_ok; then
    dovecot_lmtp_start "$INSTANCE_DIR/lmtp-unused" alice@example.test
    require "a private Dovecot starts (its userdb for dovecot-lda)"
    # dovecot-lda, run as nobody, logs to Dovecot's log file.
    chmod 666 "$DOVECOT_LOG"
    sed -i "s|@DOVECOT_CONF@|$DOVECOT_DIR/dovecot.conf|" "$INSTANCE_CONF/master.cf"
    instance_postfix reload >/dev/null 2>&1
fi

printf 'From: s@example.org\nSubject: pipe\n\nfirst line\n.leading dot\n' |
    instance_sendmail -f Sender@Example.org Bob+Ext@Record.Test
instance_wait_log "to=<Bob\+Ext@Record.Test>.*status=" 30
require "the pipe agent reports the recipient"
has "exit 0: delivered via the service" "relay=precord, " \
    "$(grep 'status=sent (delivered via precord service)' "$INSTANCE_LOG")"
out=$(cat "$work/out" 2>/dev/null)
has "the command runs as the user= account" "uid=$(id -u "$puser") gid=$(id -g "$puser")" "$out"
has "export_environment: a name=value word is set" "env=PIPE_TEST=yes" "$out"
has "export_environment: LANG from master's import_environment (LANG=C)" "env=LANG=C" "$out"
has "export_environment: MAIL_CONFIG" "env=MAIL_CONFIG=$INSTANCE_CONF" "$out"
lacks "import_environment: HOME, although exported, never reached the agent" "env=HOME=" "$out"
lacks "no variable that export_environment does not name (PATH)" "env=PATH=" "$out"
has "\${sender}" "arg=[Sender@Example.org]" "$out"
has "\${recipient}, folded by h and u" "arg=[bob+ext@record.test]" "$out"
has "\${user}" "arg=[bob]" "$out"
has "\${extension}" "arg=[ext]" "$out"
has "\${domain}" "arg=[record.test]" "$out"
has "\${nexthop}, folded by h" "arg=[record.test]" "$(grep -n 'arg=\[record.test\]' <<<"$out" | sed -n 2p)"
grep -Eq '^arg=\[[0-9]+\]$' <<<"$out"
check "\${size} is a number"
has "\${mailbox}" "arg=[bob+ext]" "$out"
has "flag D: Delivered-To:" "Delivered-To: Bob+Ext@Record.Test"$'\r' "$out"
has "flag R: Return-Path:" "Return-Path: <Sender@Example.org>"$'\r' "$out"
has "flag O: X-Original-To:" "X-Original-To: Bob+Ext@Record.Test"$'\r' "$out"
has "flag .: a leading dot is doubled" $'\n'"..leading dot"$'\r' "$out"
has "eol=\\r\\n ends the lines" "first line"$'\r' "$out"

printf 'Subject: temp\n\nx\n' | instance_sendmail -f s@example.org a@temp.test
instance_wait_log "to=<a@temp.test>.*status=" 30
has "exit 75: deferred, with the command output" \
    "dsn=4.3.0, status=deferred (temporary failure. Command output: mailbox-locked)" \
    "$(grep 'to=<a@temp.test>' "$INSTANCE_LOG")"

printf 'Subject: unknown\n\nx\n' | instance_sendmail -f s@example.org a@unknown.test
instance_wait_log "to=<a@unknown.test>.*status=" 30
has "exit 67: bounced as user unknown" "dsn=5.1.1, status=bounced (user unknown)" \
    "$(grep 'to=<a@unknown.test>' "$INSTANCE_LOG")"

printf 'Subject: code\n\nx\n' | instance_sendmail -f s@example.org a@code.test
instance_wait_log "to=<a@code.test>.*status=" 30
has "a status code in the output decides" "dsn=5.2.2, status=bounced (5.2.2 mailbox is full)" \
    "$(grep 'to=<a@code.test>' "$INSTANCE_LOG")"

printf 'Subject: slow\n\nx\n' | instance_sendmail -f s@example.org a@slow.test
instance_wait_log "to=<a@slow.test>.*status=" 30
has "a command over pslow_time_limit is killed and bounced" \
    'status=bounced (Command time limit exceeded: "/bin/sleep")' \
    "$(grep 'to=<a@slow.test>' "$INSTANCE_LOG")"
! pgrep -u "$puser" -x sleep >/dev/null
check "the slow command is gone"

big=$(head -c 1000 /dev/zero | tr '\0' 'x' | fold -w 70)
printf 'Subject: size\n\n%s\n' "$big" | instance_sendmail -f s@example.org a@size.test
instance_wait_log "to=<a@size.test>.*status=" 30
has "size=: a larger message bounces" "dsn=5.2.3, status=bounced (message too large)" \
    "$(grep 'to=<a@size.test>' "$INSTANCE_LOG")"

printf 'Subject: root\n\nx\n' | instance_sendmail -f s@example.org a@root.test
instance_wait_log "user= attribute: root must not have root privileges" 30
check "user=root is refused"
lacks "nothing runs as root: the mail is not delivered" "to=<a@root.test>, relay=proot" \
    "$(grep 'status=sent' "$INSTANCE_LOG")"

# master.cf options end at the first argument that is no option, as for
# Postfix's daemons: "-o" after argv= is the command's own, no override.
printf 'Subject: option\n\nx\n' | instance_sendmail -f s@example.org opt@option.test
instance_wait_log "to=<opt@option.test>.*status=" 30
has "-o among the argv= arguments: delivered" "status=sent (delivered via poption service)" \
    "$(grep 'to=<opt@option.test>' "$INSTANCE_LOG")"
out=$(grep '^arg=' "$work/out-option" 2>/dev/null | tr '\n' ' ')
same "the command gets every -o and its word as written, \${user} expanded" \
    "arg=[-o] arg=[foo] arg=[-o] arg=[a = b] arg=[-o] arg=[poption_time_limit=1s] arg=[opt] " \
    "$out"
lacks "and master.cf's checks took none of them for a parameter" "foo" \
    "$(instance_postfix check 2>&1)"

# Conditional macros: ${name?text} and ${name:text}, braced, with macros inside.
printf 'Subject: cond\n\nx\n' |
    instance_sendmail -f s@example.org a+x@cond.test b@cond.test
instance_wait_log "to=<b@cond.test>.*status=" 30
has "conditional macros: delivered" "status=sent (delivered via pcond service)" \
    "$(grep 'to=<b@cond.test>' "$INSTANCE_LOG")"
out=$(grep '^arg=' "$work/out-cond" 2>/dev/null | tr '\n' ' ')
same "\${extension?+\${extension}}, \${extension:none}, \${sender?{...}:{...}}, \${client_address:local}" \
    "arg=[+x] arg=[] arg=[] arg=[none] arg=[from s@example.org] arg=[local] " "$out"

# chroot=: the command runs inside the directory, entered before user=.
printf 'Subject: jail\n\njailed body\n' | instance_sendmail -f s@example.org in@jail.test
instance_wait_log "to=<in@jail.test>.*status=" 30
has "chroot=: delivered" "status=sent (delivered via pjail service)" \
    "$(grep 'to=<in@jail.test>' "$INSTANCE_LOG")"
out=$(cat "$jail/spool/out" 2>/dev/null)
has "chroot=: the command wrote /spool/out inside the root directory" "arg=[in]" "$out"
has "chroot=: its working directory is the new /" "cwd=/" "$out"
has "chroot=: it read the message" "jailed body" "$out"
printf 'Subject: jail cwd\n\nx\n' | instance_sendmail -f s@example.org in@jailcwd.test
instance_wait_log "to=<in@jailcwd.test>.*status=" 30
has "chroot= with directory=: the directory is inside the root directory" "cwd=/spool" \
    "$(cat "$jail/spool/out-cwd" 2>/dev/null)"
printf 'Subject: no jail\n\nx\n' | instance_sendmail -f s@example.org in@nojail.test
instance_wait_log "to=<in@nojail.test>.*status=" 30
has "chroot= to a missing directory: deferred, with the reason" \
    "dsn=4.3.0, status=deferred (change root directory for /bin/record.sh: No such file or directory)" \
    "$(grep 'to=<in@nojail.test>' "$INSTANCE_LOG")"

if $lmtp_ok; then
    printf 'From: s@example.org\nSubject: through lda\n\nlda body\n' |
        instance_sendmail -f s@example.org alice@example.test
    instance_wait_log "to=<alice@example.test>.*status=" 30
    has "dovecot-lda through pipe: delivered" "status=sent (delivered via dovecot service" \
        "$(grep 'to=<alice@example.test>' "$INSTANCE_LOG")"
    out=$(dovecot_fetch alice@example.test "hdr body" HEADER Subject "through lda")
    has "Dovecot reads the message that dovecot-lda stored" "lda body" "$out"
    has "dovecot-lda got Delivered-To: from flag D" "Delivered-To: alice@example.test" "$out"
else
    comment "dovecot-lda part skipped: $DOVECOT_MISSING"
fi

lacks "the bounce service can read every status log" "notification not sent" "$(instance_log)"

[ "$ASSERT_FAILURES" = 0 ] || instance_log_tail 40
exit 0

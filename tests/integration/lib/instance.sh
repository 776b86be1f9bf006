# instance.sh - a private mail system instance for integration tests
#
# Source this file from bash. It makes a throw-away instance in a
# temporary directory (configuration, queue, maillog_file), starts it with
# "postfix -c", waits for it, reads its log, and stops it again, killing
# nothing that it did not start. It loads lib/common.sh (staged programs,
# at_exit, free_port, certificates) and lib/assert.sh (the checks).
#
#   . "$top/tests/integration/lib/instance.sh"
#   instance_create                       # INSTANCE_DIR, INSTANCE_CONF, ...
#   port=$(free_port)
#   instance_master_cf "127.0.0.1:$port inet n - n - - smtpd"
#   instance_main_cf "smtpd_banner = \$myhostname ESMTP"
#   instance_start "$port"
#   require "the instance starts"         # a failed start ends the test
#   ... talk to it ...
#   instance_log | grep ...
#   instance_stop                         # also done when the test ends
#
# Who the instance runs as (INSTANCE_MODE, set before instance_create):
#   user (default)  an ordinary user. Run by root, the instance belongs to
#                   INSTANCE_USER (default "nobody") and every postfix
#                   command runs as that user; otherwise as the caller.
#   root            postfix runs as root and the daemons drop to
#                   INSTANCE_MAIL_OWNER / INSTANCE_SETGID_GROUP, which the
#                   caller must have created (needs root).
#
# The instance's command_directory and daemon_directory are the staged
# programs (TEST_BIN, TEST_LIBEXEC), which every user can reach. Its
# main.cf sets local_recipient_maps empty: the local names that tests
# address are no accounts here (a test of recipient validation sets it).
#
# Functions:
#   free_port [count]          free loopback TCP ports, one a line
#   instance_create            make the instance; instance_cleanup runs
#                              when the test ends (at_exit)
#   instance_main_cf LINE...   append main.cf lines (a later setting wins)
#   instance_master_cf LINE... append master.cf lines
#   instance_master_cf_relay PORT [LINE...]
#                              append a relay: smtpd on 127.0.0.1:PORT,
#                              cleanup, qmgr, bounce, defer and one smtp
#                              process, then LINE...
#   instance_master_cf_reset   empty master.cf
#   instance_table TYPE NAME LINE...
#                              a table in the configuration directory:
#                              LINEs written to INSTANCE_CONF/NAME, then
#                              built with postmap as the instance's user
#                              (TYPE hash or btree; texthash, regexp,
#                              pcre and cidr are read as written); the
#                              TYPE:path for main.cf on stdout
#   instance_run CMD...        run a command as the instance's user, for
#                              at most INSTANCE_COMMAND_TIMEOUT seconds (60)
#   instance_postfix ARGS...   $TEST_BIN/postfix -c CONF ARGS, as that user
#   instance_sendmail ARGS...  $TEST_BIN/sendmail -C CONF ARGS, as that user
#   instance_start [PORT...]   postfix start, then wait until each PORT
#                              accepts connections; INSTANCE_MASTER_PID is
#                              set. On failure it prints the reason (the
#                              output of postfix start, the end of the
#                              maillog) as comment lines and returns 1.
#   instance_wait_port PORT [SECONDS]      until PORT accepts connections
#   instance_wait_log REGEX [SECONDS]      until the maillog matches
#   instance_wait_gone PID [SECONDS]       until the process has exited
#   instance_log               the maillog
#   instance_smtp_send [-f SENDER] PORT RCPT...
#                              one message from SENDER (default
#                              sender@example.net) to the RCPTs (its
#                              Subject, separated by spaces) through the
#                              smtpd on 127.0.0.1:PORT, with python3's
#                              smtplib, in at most 60 seconds; status 0
#                              when accepted
#   instance_outcome RCPT      RCPT's first delivery line with status=sent
#                              or status=deferred, once there is one (after
#                              at most 60 seconds: empty)
#   instance_log_tail [LINES]  the end of the maillog as comment lines
#   instance_procs             "user pid args" of every process of the
#                              instance (master's process group)
#   instance_stop              postfix stop, then SIGKILL by pid to any
#                              process left in master's process group
#   instance_cleanup           instance_stop and remove the directory
#                              (kept when INSTANCE_KEEP=1)
#   instance_use NAME          several instances in one test: make NAME
#                              the current one (every function above
#                              works on the current instance); a new NAME
#                              has none until instance_create, and each
#                              named instance is cleaned up at the end
#
# Variables after instance_create: INSTANCE_DIR, INSTANCE_CONF (config
# directory), INSTANCE_QUEUE, INSTANCE_DATA, INSTANCE_LOG (maillog_file),
# INSTANCE_TOP (the build tree), INSTANCE_RUN_AS (user name or "").

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
. "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
. "$(dirname "${BASH_SOURCE[0]}")/fake_smtpd.sh"

INSTANCE_TOP=$TEST_TOP
INSTANCE_MODE=${INSTANCE_MODE:-user}
INSTANCE_USER=${INSTANCE_USER:-nobody}
INSTANCE_MAIL_OWNER=${INSTANCE_MAIL_OWNER:-}
INSTANCE_SETGID_GROUP=${INSTANCE_SETGID_GROUP:-}
INSTANCE_COMMAND_TIMEOUT=${INSTANCE_COMMAND_TIMEOUT:-60}
INSTANCE_MASTER_PID=
INSTANCE_DIR=
INSTANCE_NAME=
declare -A INSTANCE_SAVED=()

# instance_paths - the INSTANCE_* paths of INSTANCE_DIR
instance_paths() {
    INSTANCE_CONF=$INSTANCE_DIR/conf
    INSTANCE_QUEUE=$INSTANCE_DIR/queue
    INSTANCE_DATA=$INSTANCE_DIR/data
    INSTANCE_LOG=$INSTANCE_DIR/maillog
}

# instance_use NAME - make NAME the current instance
instance_use() {
    [ -n "$INSTANCE_NAME" ] &&
        INSTANCE_SAVED[$INSTANCE_NAME]="$INSTANCE_DIR|$INSTANCE_RUN_AS|$INSTANCE_MASTER_PID"
    INSTANCE_NAME=$1
    IFS='|' read -r INSTANCE_DIR INSTANCE_RUN_AS INSTANCE_MASTER_PID <<<"${INSTANCE_SAVED[$1]:-||}"
    instance_paths
}

# instance_run CMD... - run a command as the instance's user, with a time limit
instance_run() {
    if [ -n "$INSTANCE_RUN_AS" ]; then
        timeout -k 5 "$INSTANCE_COMMAND_TIMEOUT" \
            setpriv --reuid="$INSTANCE_RUN_AS" --regid="$(id -g "$INSTANCE_RUN_AS")" \
            --init-groups --reset-env -- env PATH="$PATH" "$@"
    else
        timeout -k 5 "$INSTANCE_COMMAND_TIMEOUT" "$@"
    fi
}

# instance_create - make the instance directory and its configuration
instance_create() {
    INSTANCE_DIR=$(mktemp -d /tmp/mta-instance.XXXXXX) || return 1
    instance_paths
    INSTANCE_RUN_AS=
    INSTANCE_MASTER_PID=
    chmod 755 "$INSTANCE_DIR"
    mkdir "$INSTANCE_CONF"
    : >"$INSTANCE_LOG"
    cat >"$INSTANCE_CONF/main.cf" <<EOF
# Written by tests/integration/lib/instance.sh.
compatibility_level = 3.8
queue_directory = $INSTANCE_QUEUE
data_directory = $INSTANCE_DATA
daemon_directory = $TEST_LIBEXEC
command_directory = $TEST_BIN
maillog_file = $INSTANCE_LOG
maillog_file_prefixes = $INSTANCE_DIR
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.example.test
mydomain = example.test
# The tests address local names that are no accounts here.
local_recipient_maps =
EOF
    : >"$INSTANCE_CONF/master.cf"
    if [ "$INSTANCE_MODE" = root ]; then
        instance_main_cf "mail_owner = ${INSTANCE_MAIL_OWNER:?INSTANCE_MAIL_OWNER is not set}" \
            "setgid_group = ${INSTANCE_SETGID_GROUP:?INSTANCE_SETGID_GROUP is not set}"
    elif [ "$(id -u)" -eq 0 ]; then
        INSTANCE_RUN_AS=$INSTANCE_USER
        chown -R "$INSTANCE_RUN_AS" "$INSTANCE_DIR"
    fi
    if [ -n "$INSTANCE_NAME" ]; then
        at_exit "instance_use $INSTANCE_NAME; instance_cleanup"
    else
        at_exit instance_cleanup
    fi
}

# instance_main_cf LINE... - add main.cf settings
instance_main_cf() {
    printf '%s\n' "$@" >>"$INSTANCE_CONF/main.cf"
}

# instance_master_cf LINE... - add master.cf entries
instance_master_cf() {
    printf '%s\n' "$@" >>"$INSTANCE_CONF/master.cf"
}

# instance_master_cf_relay PORT [LINE...] - smtpd on PORT relaying through one smtp process
instance_master_cf_relay() {
    local port=$1
    shift
    instance_master_cf \
        "127.0.0.1:$port inet n - n - - smtpd" \
        "cleanup unix n - n - 0 cleanup" \
        "qmgr unix n - n 300 1 qmgr" \
        "bounce unix - - n - 0 bounce" \
        "defer unix - - n - 0 bounce" \
        "smtp unix - - n - 1 smtp" "$@"
}

# instance_master_cf_reset - start master.cf afresh
instance_master_cf_reset() {
    : >"$INSTANCE_CONF/master.cf"
}

# instance_table TYPE NAME LINE... - a table for main.cf, built by postmap when it needs to be
instance_table() {
    local type=$1 file=$INSTANCE_CONF/$2
    shift 2
    printf '%s\n' "$@" >"$file" || return 1
    [ -z "$INSTANCE_RUN_AS" ] || chown "$INSTANCE_RUN_AS" "$file" || return 1
    case "$type" in
    hash | btree) instance_run "$TEST_BIN/postmap" -c "$INSTANCE_CONF" "$type:$file" || return 1 ;;
    esac
    echo "$type:$file"
}

# instance_postfix ARGS... - the postfix command for this instance
instance_postfix() {
    instance_run "$TEST_BIN/postfix" -c "$INSTANCE_CONF" "$@"
}

# instance_sendmail ARGS... - the sendmail command for this instance
instance_sendmail() {
    instance_run "$TEST_BIN/sendmail" -C "$INSTANCE_CONF" "$@"
}

# instance_master_pid - the pid in master.pid, or nothing
instance_master_pid() {
    local file=$INSTANCE_QUEUE/pid/master.pid
    [ -s "$file" ] && tr -d ' \n' <"$file"
}

# instance_start [PORT...] - start the instance, wait for its ports; the reason when it fails
instance_start() {
    local out=$INSTANCE_DIR/postfix-start.out port
    INSTANCE_MASTER_PID=
    if ! instance_postfix start >"$out" 2>&1; then
        echo "# postfix start failed:"
        sed 's/^/#   /' "$out"
        instance_log_tail
        return 1
    fi
    INSTANCE_MASTER_PID=$(instance_master_pid)
    if [ -z "$INSTANCE_MASTER_PID" ]; then
        echo "# postfix start wrote no master.pid:"
        sed 's/^/#   /' "$out"
        instance_log_tail
        return 1
    fi
    for port in "$@"; do
        if ! instance_wait_port "$port" 10; then
            echo "# nothing listens on 127.0.0.1:$port 10s after postfix start"
            instance_log_tail
            return 1
        fi
    done
    return 0
}

# instance_log_tail [LINES] - the end of the maillog as comment lines
instance_log_tail() {
    echo "# the end of $INSTANCE_LOG:"
    tail -n "${1:-20}" "$INSTANCE_LOG" 2>/dev/null | sed 's/^/#   /'
}

# instance_wait_port PORT [SECONDS] - wait until a loopback port accepts connections
instance_wait_port() {
    wait_port "$@"
}

# instance_wait_log REGEX [SECONDS] - wait until the maillog matches
instance_wait_log() {
    local deadline=$((SECONDS + ${2:-10}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        grep -Eq -- "$1" "$INSTANCE_LOG" && return 0
        sleep 0.05
    done
    return 1
}

# instance_wait_gone PID [SECONDS] - wait until a process has exited
instance_wait_gone() {
    wait_gone "$@"
}

# instance_log - the maillog
instance_log() {
    cat "$INSTANCE_LOG"
}

# instance_smtp_send [-f SENDER] PORT RCPT... - one message through the smtpd on PORT
instance_smtp_send() {
    local from=sender@example.net
    if [ "$1" = -f ]; then
        from=$2
        shift 2
    fi
    bounded 60 python3 - "$from" "$@" <<'EOF'
import smtplib, sys
rcpts = sys.argv[3:]
s = smtplib.SMTP("127.0.0.1", int(sys.argv[2]), timeout=30)
s.sendmail(sys.argv[1], rcpts, "Subject: %s\r\n\r\nbody\r\n" % " ".join(rcpts))
s.quit()
EOF
}

# instance_outcome RCPT - RCPT's first sent or deferred delivery line
instance_outcome() {
    instance_wait_log "to=<$1>.*status=(sent|deferred)" 60 >/dev/null
    grep -E "to=<$1>.*status=(sent|deferred)" "$INSTANCE_LOG" | head -1
}

# instance_procs - the live processes of the instance: "user pid args"
instance_procs() {
    group_procs "$INSTANCE_MASTER_PID"
}

# instance_stop - stop the instance; SIGKILL what is left of it, by pid
instance_stop() {
    [ -n "$INSTANCE_DIR" ] || return 0
    if [ -n "$(instance_master_pid)" ]; then
        instance_postfix stop >/dev/null 2>&1
    fi
    group_kill "$INSTANCE_MASTER_PID"
}

# instance_cleanup - stop and remove the instance
instance_cleanup() {
    [ -n "$INSTANCE_DIR" ] || return 0
    instance_stop
    if [ "${INSTANCE_KEEP:-0}" = 1 ]; then
        echo "# instance kept in $INSTANCE_DIR" >&2
    else
        rm -rf "$INSTANCE_DIR"
    fi
    INSTANCE_DIR=
}

# instance.sh - a private mail system instance for integration tests
#
# Source this file from bash. It makes a throw-away instance in a
# temporary directory (configuration, queue, maillog_file), starts it with
# "postfix -c", waits for it, reads its log, and stops it again, killing
# nothing that it did not start.
#
#   . "$top/tests/integration/lib/instance.sh"
#   instance_create                       # INSTANCE_DIR, INSTANCE_CONF, ...
#   port=$(free_port)
#   instance_master_cf "127.0.0.1:$port inet n - n - - smtpd"
#   instance_main_cf "smtpd_banner = \$myhostname ESMTP"
#   instance_start || exit 1
#   instance_wait_port "$port"
#   ... talk to it ...
#   instance_log | grep ...
#   instance_stop                         # also done by instance_cleanup
#
# Who the instance runs as (INSTANCE_MODE, set before instance_create):
#   user (default)  an ordinary user. Run by root, the instance belongs to
#                   INSTANCE_USER (default "nobody") and every postfix
#                   command runs as that user; otherwise as the caller.
#   root            postfix runs as root and the daemons drop to
#                   INSTANCE_MAIL_OWNER / INSTANCE_SETGID_GROUP, which the
#                   caller must have created (needs root).
#
# Functions:
#   free_port [count]          free loopback TCP ports, one a line
#   instance_create            make the instance; installs an EXIT trap
#                              that calls instance_cleanup
#   instance_main_cf LINE...   append main.cf lines (a later setting wins)
#   instance_master_cf LINE... append master.cf lines
#   instance_master_cf_reset   empty master.cf
#   instance_run CMD...        run a command as the instance's user
#   instance_postfix ARGS...   bin/postfix -c CONF ARGS, as that user
#   instance_start             postfix start; INSTANCE_MASTER_PID is set
#   instance_wait_port PORT [SECONDS]      until PORT accepts connections
#   instance_wait_log REGEX [SECONDS]      until the maillog matches
#   instance_wait_gone PID [SECONDS]       until the process has exited
#   instance_log               the maillog
#   instance_procs             "user pid args" of every process of the
#                              instance (master's process group)
#   instance_stop              postfix stop, then SIGKILL by pid to any
#                              process left in master's process group
#   instance_cleanup           instance_stop and remove the directory
#                              (kept when INSTANCE_KEEP=1)
#
# Variables after instance_create: INSTANCE_DIR, INSTANCE_CONF (config
# directory), INSTANCE_QUEUE, INSTANCE_DATA, INSTANCE_LOG (maillog_file),
# INSTANCE_TOP (the build tree), INSTANCE_RUN_AS (user name or "").

INSTANCE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
INSTANCE_MODE=${INSTANCE_MODE:-user}
INSTANCE_USER=${INSTANCE_USER:-nobody}
INSTANCE_MAIL_OWNER=${INSTANCE_MAIL_OWNER:-}
INSTANCE_SETGID_GROUP=${INSTANCE_SETGID_GROUP:-}
INSTANCE_MASTER_PID=
INSTANCE_DIR=

# free_port [count] - TCP ports that are free on loopback right now
free_port() {
    local helper=$INSTANCE_TOP/obj/tests/helpers/free_port
    if [ -x "$helper" ]; then
        "$helper" "${1:-1}"
        return
    fi
    local n=0 port
    while [ "$n" -lt "${1:-1}" ]; do
        port=$((20000 + RANDOM % 40000))
        if ! ss -Htln "sport = :$port" | grep -q .; then
            echo "$port"
            n=$((n + 1))
        fi
    done
}

# instance_run CMD... - run a command as the instance's user
instance_run() {
    if [ -n "$INSTANCE_RUN_AS" ]; then
        setpriv --reuid="$INSTANCE_RUN_AS" --regid="$(id -g "$INSTANCE_RUN_AS")" \
            --init-groups --reset-env -- env PATH="$PATH" "$@"
    else
        "$@"
    fi
}

# instance_create - make the instance directory and its configuration
instance_create() {
    INSTANCE_DIR=$(mktemp -d /tmp/mta-instance.XXXXXX) || return 1
    INSTANCE_CONF=$INSTANCE_DIR/conf
    INSTANCE_QUEUE=$INSTANCE_DIR/queue
    INSTANCE_DATA=$INSTANCE_DIR/data
    INSTANCE_LOG=$INSTANCE_DIR/maillog
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
daemon_directory = $INSTANCE_TOP/libexec
command_directory = $INSTANCE_TOP/bin
maillog_file = $INSTANCE_LOG
maillog_file_prefixes = $INSTANCE_DIR
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.example.test
mydomain = example.test
EOF
    : >"$INSTANCE_CONF/master.cf"
    if [ "$INSTANCE_MODE" = root ]; then
        instance_main_cf "mail_owner = ${INSTANCE_MAIL_OWNER:?INSTANCE_MAIL_OWNER is not set}" \
            "setgid_group = ${INSTANCE_SETGID_GROUP:?INSTANCE_SETGID_GROUP is not set}"
    elif [ "$(id -u)" -eq 0 ]; then
        INSTANCE_RUN_AS=$INSTANCE_USER
        chown -R "$INSTANCE_RUN_AS" "$INSTANCE_DIR"
    fi
    trap instance_cleanup EXIT
}

# instance_main_cf LINE... - add main.cf settings
instance_main_cf() {
    printf '%s\n' "$@" >>"$INSTANCE_CONF/main.cf"
}

# instance_master_cf LINE... - add master.cf entries
instance_master_cf() {
    printf '%s\n' "$@" >>"$INSTANCE_CONF/master.cf"
}

# instance_master_cf_reset - start master.cf afresh
instance_master_cf_reset() {
    : >"$INSTANCE_CONF/master.cf"
}

# instance_postfix ARGS... - the postfix command for this instance
instance_postfix() {
    instance_run "$INSTANCE_TOP/bin/postfix" -c "$INSTANCE_CONF" "$@"
}

# instance_master_pid - the pid in master.pid, or nothing
instance_master_pid() {
    local file=$INSTANCE_QUEUE/pid/master.pid
    [ -s "$file" ] && tr -d ' \n' <"$file"
}

# instance_start - start the instance and remember its master
instance_start() {
    instance_postfix start || return 1
    INSTANCE_MASTER_PID=$(instance_master_pid)
    [ -n "$INSTANCE_MASTER_PID" ]
}

# instance_wait_port PORT [SECONDS] - wait until a loopback port accepts connections
instance_wait_port() {
    local port=$1 deadline=$((SECONDS + ${2:-10}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    return 1
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
    local deadline=$((SECONDS + ${2:-10}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.05
    done
    return 1
}

# instance_log - the maillog
instance_log() {
    cat "$INSTANCE_LOG"
}

# instance_procs - the live processes of the instance: "user pid args"
instance_procs() {
    [ -n "$INSTANCE_MASTER_PID" ] || return 0
    ps -e -o pgid=,stat=,user=,pid=,args= |
        awk -v g="$INSTANCE_MASTER_PID" '$1 == g && $2 !~ /^Z/ { $1 = $2 = ""; sub(/^  /, ""); print }'
}

# instance_stop - stop the instance; SIGKILL what is left of it, by pid
instance_stop() {
    [ -n "$INSTANCE_DIR" ] || return 0
    if [ -n "$(instance_master_pid)" ]; then
        instance_postfix stop >/dev/null 2>&1
    fi
    if [ -n "$INSTANCE_MASTER_PID" ]; then
        local pid
        for pid in $(instance_procs | awk '{ print $2 }'); do
            kill -9 "$pid" 2>/dev/null
        done
    fi
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

# installed.sh - an installed copy of the build, for integration tests
#
# Source this file from bash. It runs "make install DESTDIR=..." into a
# temporary directory with the default directory layout, points the
# installed main.cf at that directory with the installed postconf, and
# starts and stops the installed mail system, killing only processes that
# it started. It loads lib/common.sh (at_exit, free_port, bounded waits)
# and lib/assert.sh (the checks). The installed copy runs from the
# staging directory, not from the build tree or the staged programs.
#
#   installed_create                    # INSTALLED_ROOT, an empty DESTDIR;
#                                       # installed_cleanup runs at the end
#   installed_make install [VAR=value ...]   # output in INSTALLED_OUT
#   installed_localize                  # main.cf: directories under the root
#   installed_smtp_port PORT            # master.cf: smtp on 127.0.0.1:PORT
#   installed_postfix start ...         # the installed postfix -c CONF
#   installed_start                     # postfix start; INSTALLED_MASTER_PID
#   installed_procs                     # "user pid args" of its processes
#   installed_stop                      # postfix stop; SIGKILL leftovers by pid
#   installed_cleanup                   # stop and remove INSTALLED_ROOT
#
# Paths of the installed copy (make's default layout under DESTDIR):
# INSTALLED_SBIN, INSTALLED_LIBEXEC, INSTALLED_CONF, INSTALLED_QUEUE,
# INSTALLED_DATA, INSTALLED_MAN, INSTALLED_UNIT. INSTALLED_WORK is a
# directory for the test's own files, not part of the installation; in it
# INSTALLED_LOG is the maillog_file that installed_localize sets and
# INSTALLED_OUT the output of the last installed_make.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
. "$(dirname "${BASH_SOURCE[0]}")/assert.sh"

INSTALLED_TOP=$TEST_TOP
INSTALLED_MAKE_TIMEOUT=${INSTALLED_MAKE_TIMEOUT:-300}
INSTALLED_ROOT=
INSTALLED_MASTER_PID=

# installed_create - an empty staging root, readable by daemons that dropped privileges
installed_create() {
    INSTALLED_ROOT=$(mktemp -d /tmp/mta-installed.XXXXXX) || return 1
    chmod 755 "$INSTALLED_ROOT"
    INSTALLED_SBIN=$INSTALLED_ROOT/usr/local/sbin
    INSTALLED_LIBEXEC=$INSTALLED_ROOT/usr/local/libexec/postern
    INSTALLED_CONF=$INSTALLED_ROOT/etc/postfix
    INSTALLED_QUEUE=$INSTALLED_ROOT/var/spool/postfix
    INSTALLED_DATA=$INSTALLED_ROOT/var/lib/postfix
    INSTALLED_MAN=$INSTALLED_ROOT/usr/local/share/man
    INSTALLED_UNIT=$INSTALLED_ROOT/usr/local/lib/systemd/system/postern.service
    INSTALLED_WORK=$INSTALLED_ROOT/work
    INSTALLED_LOG=$INSTALLED_WORK/maillog
    INSTALLED_OUT=$INSTALLED_WORK/make.out
    mkdir "$INSTALLED_WORK" && chmod 755 "$INSTALLED_WORK" || return 1
    at_exit installed_cleanup
}

# installed_make TARGET [VAR=value ...] - make TARGET with DESTDIR=INSTALLED_ROOT
installed_make() {
    local target=$1
    shift
    bounded "$INSTALLED_MAKE_TIMEOUT" make -C "$INSTALLED_TOP" --no-print-directory "$target" \
        DESTDIR="$INSTALLED_ROOT" "$@" >"$INSTALLED_OUT" 2>&1
}

# installed_postconf ARGS... - the installed postconf for the installed configuration
installed_postconf() {
    bounded 60 "$INSTALLED_SBIN/postconf" -c "$INSTALLED_CONF" "$@"
}

# installed_postfix ARGS... - the installed postfix for the installed configuration
installed_postfix() {
    bounded 60 "$INSTALLED_SBIN/postfix" -c "$INSTALLED_CONF" "$@"
}

# installed_localize - main.cf directories under INSTALLED_ROOT, loopback only, a maillog file
installed_localize() {
    : >"$INSTALLED_LOG"
    installed_postconf -e \
        "command_directory = $INSTALLED_SBIN" \
        "daemon_directory = $INSTALLED_LIBEXEC" \
        "queue_directory = $INSTALLED_QUEUE" \
        "data_directory = $INSTALLED_DATA" \
        "maillog_file = $INSTALLED_LOG" \
        "maillog_file_prefixes = $INSTALLED_ROOT" \
        "inet_interfaces = 127.0.0.1" \
        "inet_protocols = ipv4" \
        "myhostname = mail.example.test" \
        "mydomain = example.test"
}

# installed_smtp_port PORT - the installed master.cf's smtp service on 127.0.0.1:PORT
installed_smtp_port() {
    sed -i -E "s/^smtp( +)inet /127.0.0.1:$1\1inet /" "$INSTALLED_CONF/master.cf" &&
        grep -q "^127.0.0.1:$1 " "$INSTALLED_CONF/master.cf"
}

# installed_master_pid - the pid in master.pid, or nothing
installed_master_pid() {
    local file=$INSTALLED_QUEUE/pid/master.pid
    [ -s "$file" ] && tr -d ' \n' <"$file"
}

# installed_start - postfix start; INSTALLED_MASTER_PID is set; the reason on failure
installed_start() {
    local out
    if ! out=$(installed_postfix start 2>&1); then
        comment "postfix start: $out"
        [ -s "$INSTALLED_LOG" ] && comment "$(tail -n 15 "$INSTALLED_LOG")"
        return 1
    fi
    INSTALLED_MASTER_PID=$(installed_master_pid)
    [ -n "$INSTALLED_MASTER_PID" ]
}

# installed_procs - "user pid args" of the live processes in master's process group
installed_procs() {
    group_procs "$INSTALLED_MASTER_PID"
}

# installed_stop - postfix stop, then SIGKILL by pid to what is left of master's group
installed_stop() {
    [ -n "$INSTALLED_ROOT" ] || return 0
    if [ -n "$(installed_master_pid)" ] && [ -x "$INSTALLED_SBIN/postfix" ]; then
        installed_postfix stop >/dev/null 2>&1
    fi
    group_kill "$INSTALLED_MASTER_PID"
}

# installed_cleanup - stop and remove the staging root (kept when INSTANCE_KEEP=1)
installed_cleanup() {
    [ -n "$INSTALLED_ROOT" ] || return 0
    installed_stop
    if [ "${INSTANCE_KEEP:-0}" = 1 ]; then
        echo "# installed copy kept in $INSTALLED_ROOT" >&2
    else
        rm -rf "$INSTALLED_ROOT"
    fi
    INSTALLED_ROOT=
}

# dbserver.sh - what the private database servers of the table tests share
#
# Source this file from bash after lib/common.sh; lib/mariadb.sh,
# lib/pgsql.sh and lib/slapd.sh load it. A private server runs as the
# caller, or as "nobody" when the caller is root (the servers refuse root
# or drop to another account), keeps everything in a directory of the
# test, and is stopped by pid when the test ends.
#
#   dbserver_missing PROGRAM PACKAGE [PROGRAM PACKAGE...]
#       0 when every PROGRAM (a path, or a command on PATH) is there and,
#       as root, the nobody account exists; otherwise DBSERVER_MISSING
#       says what to install (for skip)
#   dbserver_user           the account the servers run as
#   dbserver_as CMD...      run CMD as that account
#   dbserver_track STOP DIR
#       remember the server in DIR: when the test ends, "STOP DIR" runs
#       (once per STOP and DIR, however often the server was restarted)
#   dbserver_stop_pid PID SIGNAL SECONDS
#       send SIGNAL to PID and wait at most SECONDS for it to end, then
#       SIGKILL; nothing when PID is empty

[ -n "${DBSERVER_SH_LOADED:-}" ] && return 0
DBSERVER_SH_LOADED=1

DBSERVER_MISSING=
DBSERVER_TRACKED=()

# dbserver_missing PROGRAM PACKAGE... - are the server's programs installed
dbserver_missing() {
    DBSERVER_MISSING=
    while [ $# -ge 2 ]; do
        case "$1" in
        /*) [ -x "$1" ] || DBSERVER_MISSING="$1 is not installed ($2)" ;;
        *) command -v "$1" >/dev/null || DBSERVER_MISSING="$1 is not installed ($2)" ;;
        esac
        [ -n "$DBSERVER_MISSING" ] && return 1
        shift 2
    done
    if [ "$(id -u)" -eq 0 ] && ! id nobody >/dev/null 2>&1; then
        DBSERVER_MISSING="there is no nobody account to run the server as"
        return 1
    fi
    return 0
}

# dbserver_user - the account the servers run as
dbserver_user() {
    if [ "$(id -u)" -eq 0 ]; then echo nobody; else id -un; fi
}

# dbserver_as CMD... - run a command as the servers' account
dbserver_as() {
    if [ "$(id -u)" -eq 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
    else
        "$@"
    fi
}

# dbserver_stop_tracked - stop every server of the test
dbserver_stop_tracked() {
    local item
    for item in "${DBSERVER_TRACKED[@]}"; do
        "${item%% *}" "${item#* }"
    done
}

# dbserver_track STOP DIR - stop the server in DIR when the test ends
dbserver_track() {
    local item="$1 $2" known
    for known in "${DBSERVER_TRACKED[@]}"; do
        [ "$known" = "$item" ] && return 0
    done
    [ ${#DBSERVER_TRACKED[@]} -eq 0 ] && at_exit dbserver_stop_tracked
    DBSERVER_TRACKED+=("$item")
}

# dbserver_stop_pid PID SIGNAL SECONDS - stop a process, by force when it lingers
dbserver_stop_pid() {
    [ -n "$1" ] || return 0
    kill -"$2" "$1" 2>/dev/null
    wait_gone "$1" "$3" || kill -9 "$1" 2>/dev/null
    return 0
}

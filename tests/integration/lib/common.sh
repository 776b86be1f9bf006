# common.sh - what every integration test needs besides its checks
#
# Source this file from bash (lib/instance.sh and lib/postfix_peer.sh do).
# It finds the build tree, stages the programs under test where every
# user can reach them (lib/stage.sh; tests/run makes one stage for a whole
# run and passes it in TEST_STAGE), and keeps the list of what to undo
# when the test ends.
#
# Variables:
#   TEST_TOP       the build tree
#   TEST_BIN       the staged bin/ (postfix, sendmail, postconf, ...)
#   TEST_LIBEXEC   the staged libexec/ (master, smtpd, smtp, ...)
#   TEST_HELPERS   the staged obj/tests/helpers/ (free_port, probe_service, ...)
#
# Functions:
#   at_exit CMD                   run the shell command CMD when the test
#                                 ends (on exit or on HUP, INT, TERM); the
#                                 last added runs first. Tests use this,
#                                 never "trap ... EXIT" of their own.
#   free_port [COUNT]             free loopback TCP ports, one a line
#   certs_make DIR                the certificate set of tests/data/mkcerts.sh
#                                 in DIR, readable by every user
#   cert_make DIR NAME SUBJECT [CA]   DIR/NAME.key and DIR/NAME.pem, an RSA
#                                 certificate for SUBJECT, signed by DIR/CA
#                                 (CA.pem, CA.key) or self-signed
#   bounded SECONDS CMD...        CMD with a time limit (timeout(1)); a
#                                 command that may wait for a peer
#   wait_port PORT [SECONDS]      until 127.0.0.1:PORT accepts connections
#                                 (default 10 seconds)
#   wait_listen PORT [SECONDS]    until something listens on 127.0.0.1:PORT,
#                                 without connecting to it
#   wait_file FILE [SECONDS]      until FILE exists and is not empty
#   wait_gone PID [SECONDS]       until the process has exited
#   wait_status PID [SECONDS]     the exit status of a child of this shell;
#                                 killed (SIGKILL) when it is still running
#                                 after SECONDS (default 10)
#   group_procs PGID              "user pid args" of the live processes of
#                                 process group PGID (a master and its
#                                 children), nothing when PGID is empty
#   group_kill PGID               SIGKILL each of them, by pid

[ -n "${COMMON_SH_LOADED:-}" ] && return 0
COMMON_SH_LOADED=1

TEST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
. "$TEST_TOP/tests/integration/lib/stage.sh"

AT_EXIT_CMDS=()

# at_exit_run - run the registered commands, newest first, once
at_exit_run() {
    local cmd
    local cmds=("${AT_EXIT_CMDS[@]}")
    AT_EXIT_CMDS=()
    for cmd in "${cmds[@]}"; do
        eval "$cmd"
    done
}

# at_exit CMD - run CMD when the test ends
at_exit() {
    AT_EXIT_CMDS=("$1" "${AT_EXIT_CMDS[@]}")
    trap at_exit_run EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

if [ -z "${TEST_STAGE:-}" ] || [ ! -d "$TEST_STAGE/libexec" ]; then
    stage_create "$TEST_TOP" || {
        echo "not ok - cannot stage the programs under test in /tmp"
        exit 1
    }
    # A kept instance (INSTANCE_KEEP=1) goes on running the staged programs.
    at_exit '[ "${INSTANCE_KEEP:-0}" = 1 ] && echo "# programs kept in $TEST_STAGE" >&2 || stage_remove'
fi
TEST_BIN=$TEST_STAGE/bin
TEST_LIBEXEC=$TEST_STAGE/libexec
TEST_HELPERS=$TEST_STAGE/helpers

# free_port [count] - TCP ports that are free on loopback right now
free_port() {
    if [ -x "$TEST_HELPERS/free_port" ]; then
        "$TEST_HELPERS/free_port" "${1:-1}"
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

# certs_make DIR - the test certificate set, readable by every user
certs_make() {
    sh "$TEST_TOP/tests/data/mkcerts.sh" "$1" >/dev/null 2>&1 && chmod -R a+rX "$1"
}

# cert_make DIR NAME SUBJECT [CA] - one RSA certificate, CA-signed or self-signed
cert_make() {
    local dir=$1 name=$2 subject=$3 ca=${4:-}
    if [ -n "$ca" ]; then
        openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$dir/$name.key" \
            -out "$dir/$name.csr" 2>/dev/null &&
            openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.pem" -CAkey "$dir/$ca.key" \
                -CAcreateserial -days 2 -out "$dir/$name.pem" 2>/dev/null
    else
        openssl req -x509 -newkey rsa:2048 -nodes -subj "$subject" -days 2 \
            -keyout "$dir/$name.key" -out "$dir/$name.pem" 2>/dev/null
    fi
}

# bounded SECONDS CMD... - run CMD, killed after SECONDS
bounded() {
    local seconds=$1
    shift
    timeout -k 5 "$seconds" "$@"
}

# wait_port PORT [SECONDS] - wait until a loopback port accepts connections
wait_port() {
    local port=$1 deadline=$((SECONDS + ${2:-10}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    return 1
}

# wait_listen PORT [SECONDS] - wait for a listener without using up a connection
wait_listen() {
    local port=$1 deadline=$((SECONDS + ${2:-10}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        ss -Htln "sport = :$port" | grep -q . && return 0
        sleep 0.05
    done
    return 1
}

# wait_file FILE [SECONDS] - wait until a file exists and is not empty
wait_file() {
    local deadline=$((SECONDS + ${2:-10}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        [ -s "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

# wait_gone PID [SECONDS] - wait until a process has exited
wait_gone() {
    local deadline=$((SECONDS + ${2:-10}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.05
    done
    return 1
}

# wait_status PID [SECONDS] - a child's exit status, waiting at most SECONDS
wait_status() {
    if ! wait_gone "$1" "${2:-10}"; then
        echo "# process $1 still runs after ${2:-10}s: killed" >&2
        kill -9 "$1" 2>/dev/null
    fi
    wait "$1"
}

# group_procs PGID - the live processes of a process group: "user pid args"
group_procs() {
    [ -n "$1" ] || return 0
    ps -e -o pgid=,stat=,user=,pid=,args= |
        awk -v g="$1" '$1 == g && $2 !~ /^Z/ { $1 = $2 = ""; sub(/^  /, ""); print }'
}

# group_kill PGID - SIGKILL what is left of a process group, by pid
group_kill() {
    local pid
    for pid in $(group_procs "$1" | awk '{ print $2 }'); do
        kill -9 "$pid" 2>/dev/null
    done
}

# probe.sh - tests of master(8) with the probe_service helper
#
# Source this file from bash after lib/instance.sh. probe_service
# (tests/helpers/probe_service.c) is a mail_server(3) program that greets
# each client with one line of NAME=value facts ("probe pid=123 uid=65534
# use=1 service=... privileged=0"), echoes what it reads, and logs its
# hooks and wake-up requests. A test that sources this file ends at once
# with "not ok" when the helper is not built.
#
# Variables:
#   PROBE                   the staged probe_service program
#
# Functions:
#   probe_field LINE NAME   the value of NAME=value in a greeting
#   probe_greet PORT        connect, print the greeting, say quit (at most
#                           5 seconds for the greeting)
#   probe_count PATTERN     instance processes whose command line contains
#                           PATTERN

[ -n "${PROBE_SH_LOADED:-}" ] && return 0
PROBE_SH_LOADED=1

PROBE=$TEST_HELPERS/probe_service
if [ ! -x "$PROBE" ]; then
    echo "not ok - $TEST_TOP/obj/tests/helpers/probe_service is not built (make test builds it)"
    exit 1
fi

# probe_field LINE NAME - the value of NAME=value in a probe greeting
probe_field() {
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"
}

# probe_greet PORT - connect, print the greeting, say quit
probe_greet() {
    local fd line
    exec {fd}<>"/dev/tcp/127.0.0.1/$1" || return 1
    read -t 5 -r line <&"$fd"
    echo quit >&"$fd"
    exec {fd}>&-
    [ -n "$line" ] && echo "$line"
}

# probe_count PATTERN - instance processes whose command line contains PATTERN
probe_count() {
    instance_procs | grep -cF -- "$1"
}

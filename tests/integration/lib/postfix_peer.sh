# postfix_peer.sh - Debian's Postfix as a test peer, in private instances
#
# Source this file from bash. A peer is a private instance of the
# distribution's Postfix (/usr/sbin/postfix, daemons in
# /usr/lib/postfix/sbin) in a temporary directory: its own main.cf and
# master.cf, queue and maillog_file, started with "postfix -c" as root
# with Debian's postfix account as mail_owner, and stopped by pid. A
# test may run several peers at once (a sending and a receiving one).
#
#   . "$top/tests/integration/lib/postfix_peer.sh"
#   postfix_peer_available || skip "$POSTFIX_PEER_MISSING"
#   port=$(free_port)
#   postfix_peer_create recv "myhostname = mail.example.com" \
#       "smtpd_tls_chain_files = $certs/rsa-chain.pem"
#   postfix_peer_master_cf recv "127.0.0.1:$port inet n - n - - smtpd"
#   postfix_peer_start recv "$port"
#   require "Debian's postfix starts"
#   postfix_peer_sendmail send -f a@example.net b@example.org <message
#   grep ... "$(postfix_peer_dir recv)/maillog"
#   postfix_peer_stop recv                # also done when the test ends
#
# A peer NAME lives in $(postfix_peer_dir NAME): conf/ (main.cf,
# master.cf), queue/, data/ and maillog. Its main.cf holds the paths, the
# postfix account, loopback IPv4 only, no local domains and no aliases,
# then the lines given to postfix_peer_create, each replacing an earlier
# setting of its parameter (as postfix_peer_main_cf does). Its
# master.cf holds the services of Debian's default master.cf that tests
# reach (pickup, cleanup, qmgr, tlsmgr, rewrite, bounce, defer, trace,
# verify, proxymap, smtp, relay, showq, error, retry, discard, anvil,
# scache, postlog) and no listener: add those with postfix_peer_master_cf.
# Files that the peer reads (certificates, tables) must be readable by
# the postfix account.
#
# Functions:
#   postfix_peer_available        0 when peers can run here (root, the
#                                 postfix package, the postfix account);
#                                 otherwise POSTFIX_PEER_MISSING says why
#   postfix_peer_create NAME [MAIN.CF-LINE...]   make a peer (not started);
#                                 one of the same name is stopped and replaced
#   postfix_peer_main_cf NAME LINE...     set main.cf parameters ("name = value"
#                                 lines), each replacing an earlier setting
#   postfix_peer_master_cf NAME LINE...   append master.cf lines
#   postfix_peer_sasl NAME USER:PASSWORD...   Cyrus SASL for the peer's smtpd:
#                                 a private sasldb with these users (realm:
#                                 the peer's myhostname, so set that first)
#                                 and smtpd.conf (auxprop sasldb; PLAIN, LOGIN,
#                                 CRAM-MD5), made by lib/sasl.sh, in the
#                                 peer's conf/sasl, which is
#                                 its cyrus_sasl_config_path and also where
#                                 Debian's build looks whatever that says; a
#                                 service turns AUTH on with
#                                 -o smtpd_sasl_auth_enable=yes
#   postfix_peer_dir NAME         the peer's directory
#   postfix_peer_postfix NAME ARGS...     postfix -c CONF ARGS
#   postfix_peer_sendmail NAME ARGS...    sendmail -C CONF ARGS
#   postfix_peer_postqueue NAME ARGS...   postqueue -c CONF ARGS
#   postfix_peer_start NAME [PORT...]     start, wait until each PORT
#                                 accepts connections; on failure the
#                                 reason as comment lines, status 1
#   postfix_peer_master_pid NAME  the pid of the peer's master
#   postfix_peer_stop NAME        postfix stop, then SIGKILL by pid to any
#                                 process left of the peer
#   postfix_peer_cleanup          stop every peer, remove their directories
#
# Variables: POSTFIX_PEER_SBIN (/usr/sbin), POSTFIX_PEER_DAEMONS
# (/usr/lib/postfix/sbin), POSTFIX_PEER_COMMAND_TIMEOUT (60 seconds, the
# limit of each postfix, sendmail and postqueue command).

[ -n "${POSTFIX_PEER_SH_LOADED:-}" ] && return 0
POSTFIX_PEER_SH_LOADED=1
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
. "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
. "$(dirname "${BASH_SOURCE[0]}")/sasl.sh"

POSTFIX_PEER_SBIN=${POSTFIX_PEER_SBIN:-/usr/sbin}
POSTFIX_PEER_DAEMONS=${POSTFIX_PEER_DAEMONS:-/usr/lib/postfix/sbin}
POSTFIX_PEER_COMMAND_TIMEOUT=${POSTFIX_PEER_COMMAND_TIMEOUT:-60}
POSTFIX_PEER_TOP=
POSTFIX_PEER_MISSING=
declare -A POSTFIX_PEER_MASTER=()

# postfix_peer_available - can Debian's postfix run as a peer here?
postfix_peer_available() {
    POSTFIX_PEER_MISSING=
    if [ "$(id -u)" -ne 0 ]; then
        POSTFIX_PEER_MISSING="Debian's postfix as a peer needs root"
    elif [ ! -x "$POSTFIX_PEER_SBIN/postfix" ] || [ ! -x "$POSTFIX_PEER_DAEMONS/smtpd" ] ||
        [ ! -x "$POSTFIX_PEER_DAEMONS/smtp" ]; then
        POSTFIX_PEER_MISSING="Debian's postfix package is not installed"
    elif ! id postfix >/dev/null 2>&1; then
        POSTFIX_PEER_MISSING="there is no postfix account"
    fi
    [ -z "$POSTFIX_PEER_MISSING" ]
}

# postfix_peer_version - Debian's Postfix version (mail_version)
postfix_peer_version() {
    "$POSTFIX_PEER_SBIN/postconf" -d -h mail_version 2>/dev/null
}

# postfix_peer_postconf_default NAME - the default of a parameter of Debian's
# Postfix, empty when that Postfix does not know it
postfix_peer_postconf_default() {
    "$POSTFIX_PEER_SBIN/postconf" -d -h "$1" 2>/dev/null
}

# postfix_peer_name_mismatch_word - the trust word Debian's Postfix logs for
# a chain that verified (a CA, or a DANE-TA record) but lacks the wanted name:
# "Trusted" since 3.10, "Untrusted" before (a defect fixed in Postfix's 3.10
# series, HISTORY 20250730). Ours always says "Trusted".
postfix_peer_name_mismatch_word() {
    local v
    v=$(postfix_peer_version)
    if [ "$(printf '%s\n3.10\n' "$v" | sort -V | head -1)" = 3.10 ]; then
        echo Trusted
    else
        echo Untrusted
    fi
}

# postfix_peer_dir NAME - the directory of a peer
postfix_peer_dir() {
    echo "$POSTFIX_PEER_TOP/$1"
}

# postfix_peer_create NAME [MAIN.CF-LINE...] - a peer's directories and configuration
postfix_peer_create() {
    local name=$1 dir
    shift
    if [ -z "$POSTFIX_PEER_TOP" ]; then
        POSTFIX_PEER_TOP=$(mktemp -d /tmp/mta-postfix-peer.XXXXXX) || return 1
        chmod 755 "$POSTFIX_PEER_TOP"
        at_exit postfix_peer_cleanup
    fi
    dir=$POSTFIX_PEER_TOP/$name
    postfix_peer_stop "$name"
    rm -rf "$dir"
    mkdir -p "$dir/conf" "$dir/queue" "$dir/data" || return 1
    chmod 755 "$dir" "$dir/conf"
    chown postfix "$dir/data"
    cat >"$dir/conf/main.cf" <<EOF
# Written by tests/integration/lib/postfix_peer.sh.
compatibility_level = 3.7
queue_directory = $dir/queue
data_directory = $dir/data
command_directory = $POSTFIX_PEER_SBIN
daemon_directory = $POSTFIX_PEER_DAEMONS
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = ipv4
mydestination =
alias_maps =
alias_database =
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
EOF
    postfix_peer_main_cf "$name" "$@"
    cat >"$dir/conf/master.cf" <<'EOF'
# Written by tests/integration/lib/postfix_peer.sh.
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

# postfix_peer_main_cf NAME LINE... - set main.cf parameters, replacing earlier settings
postfix_peer_main_cf() {
    local cf=$POSTFIX_PEER_TOP/$1/conf/main.cf line name
    shift
    for line in "$@"; do
        name=${line%%=*}
        name=${name//[[:space:]]/}
        awk -v n="$name" '{ k = $0; sub(/[ \t]*=.*/, "", k) } k != n' "$cf" >"$cf.new" &&
            mv "$cf.new" "$cf"
        printf '%s\n' "$line" >>"$cf"
    done
}

# postfix_peer_master_cf NAME LINE... - add master.cf entries
postfix_peer_master_cf() {
    local dir=$POSTFIX_PEER_TOP/$1
    shift
    printf '%s\n' "$@" >>"$dir/conf/master.cf"
}

# postfix_peer_sasl NAME USER:PASSWORD... - a sasldb and smtpd.conf for a peer's smtpd
postfix_peer_sasl() {
    local name=$1 sasl=$POSTFIX_PEER_TOP/$1/conf/sasl realm
    shift
    realm=$("$POSTFIX_PEER_SBIN/postconf" -c "$POSTFIX_PEER_TOP/$name/conf" -h myhostname) ||
        return 1
    # Debian's build reads $config_directory/sasl/smtpd.conf whatever
    # cyrus_sasl_config_path says; upstream's reads cyrus_sasl_config_path.
    SASL_CYRUS_APP=smtpd SASL_CYRUS_MECHS="PLAIN LOGIN CRAM-MD5" SASL_CYRUS_OWNER=postfix \
        sasl_cyrus_make "$sasl" "$realm" "$@" || return 1
    postfix_peer_main_cf "$name" "cyrus_sasl_config_path = $sasl" "smtpd_sasl_path = smtpd"
}

# postfix_peer_postfix NAME ARGS... - Debian's postfix command for a peer
postfix_peer_postfix() {
    local dir=$POSTFIX_PEER_TOP/$1
    shift
    timeout -k 5 "$POSTFIX_PEER_COMMAND_TIMEOUT" "$POSTFIX_PEER_SBIN/postfix" -c "$dir/conf" "$@"
}

# postfix_peer_sendmail NAME ARGS... - Debian's sendmail for a peer
postfix_peer_sendmail() {
    local dir=$POSTFIX_PEER_TOP/$1
    shift
    timeout -k 5 "$POSTFIX_PEER_COMMAND_TIMEOUT" "$POSTFIX_PEER_SBIN/sendmail" -C "$dir/conf" "$@"
}

# postfix_peer_postqueue NAME ARGS... - Debian's postqueue for a peer
postfix_peer_postqueue() {
    local dir=$POSTFIX_PEER_TOP/$1
    shift
    timeout -k 5 "$POSTFIX_PEER_COMMAND_TIMEOUT" "$POSTFIX_PEER_SBIN/postqueue" -c "$dir/conf" "$@"
}

# postfix_peer_master_pid NAME - the pid of a peer's master
postfix_peer_master_pid() {
    local file=$POSTFIX_PEER_TOP/$1/queue/pid/master.pid
    [ -s "$file" ] && tr -d ' \n' <"$file"
}

# postfix_peer_start NAME [PORT...] - start a peer and wait for its ports
postfix_peer_start() {
    local name=$1 dir=$POSTFIX_PEER_TOP/$1 port pid
    shift
    if ! postfix_peer_postfix "$name" start >"$dir/start.out" 2>&1; then
        echo "# Debian's postfix ($name) did not start:"
        sed 's/^/#   /' "$dir/start.out"
        postfix_peer_log_tail "$name"
        return 1
    fi
    pid=$(postfix_peer_master_pid "$name")
    if [ -z "$pid" ]; then
        echo "# Debian's postfix ($name) wrote no master.pid"
        postfix_peer_log_tail "$name"
        return 1
    fi
    POSTFIX_PEER_MASTER[$name]=$pid
    for port in "$@"; do
        if ! wait_port "$port" 10; then
            echo "# nothing listens on 127.0.0.1:$port 10s after Debian's postfix ($name) started"
            postfix_peer_log_tail "$name"
            return 1
        fi
    done
    return 0
}

# postfix_peer_log_tail NAME [LINES] - the end of a peer's maillog as comment lines
postfix_peer_log_tail() {
    local log=$POSTFIX_PEER_TOP/$1/maillog
    echo "# the end of $log:"
    tail -n "${2:-20}" "$log" 2>/dev/null | sed 's/^/#   /'
}

# postfix_peer_procs PID - the pids of a master's process group
postfix_peer_procs() {
    ps -e -o pgid=,pid= | awk -v g="$1" '$1 == g { print $2 }'
}

# postfix_peer_stop NAME - stop a peer; SIGKILL by pid what is left of it
postfix_peer_stop() {
    local name=$1 master pids pid
    master=${POSTFIX_PEER_MASTER[$name]:-}
    [ -n "$master" ] || return 0
    pids=$(postfix_peer_procs "$master")
    postfix_peer_postfix "$name" stop >/dev/null 2>&1
    for pid in $master $pids; do
        wait_gone "$pid" 5 || kill -9 "$pid" 2>/dev/null
    done
    for pid in $(postfix_peer_procs "$master"); do
        kill -9 "$pid" 2>/dev/null
    done
    unset "POSTFIX_PEER_MASTER[$name]"
}

# postfix_peer_cleanup - stop every peer and remove the directories
postfix_peer_cleanup() {
    local name
    for name in "${!POSTFIX_PEER_MASTER[@]}"; do
        postfix_peer_stop "$name"
    done
    if [ -n "$POSTFIX_PEER_TOP" ] && [ "${POSTFIX_PEER_KEEP:-0}" != 1 ]; then
        rm -rf "$POSTFIX_PEER_TOP"
    fi
    POSTFIX_PEER_TOP=
}

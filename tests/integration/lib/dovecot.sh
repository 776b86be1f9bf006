# dovecot.sh - Debian's Dovecot as a test peer: its auth service, or its
# LMTP server with Maildir storage
#
# Source this file from bash after lib/common.sh and lib/assert.sh
# (lib/instance.sh loads both). A peer is a private Dovecot ("dovecot -F
# -c CONF") in a temporary directory: its own base_dir, state_dir and log,
# no mail protocols, and one service with listeners, auth, on a UNIX
# socket that the test names and on a free loopback TCP port. Users and
# passwords come from a passwd-file in that directory (PLAIN scheme),
# readable by Dovecot's auth process alone; auth_mechanisms = plain login,
# and plaintext authentication is allowed without TLS. The configuration
# is written in the syntax of the installed Dovecot: 2.3 (Debian 12) or
# 2.4 (Debian 13, versioned settings and named passdb/userdb blocks);
# CONF-LINEs must be valid in both. It runs as root
# (Dovecot's own dovecot and dovenull accounts, as Debian installs them)
# or, started by an ordinary user, entirely as that user. The system's
# Dovecot, if one runs, is never used or touched.
#
#   . "$top/tests/integration/lib/dovecot.sh"
#   dovecot_available || skip "$DOVECOT_MISSING"
#   dovecot_start "$INSTANCE_QUEUE/private/auth" alice:secret1 bob:hunter2
#   require "Dovecot starts"
#   ... smtpd_sasl_path = private/auth, or inet:127.0.0.1:$DOVECOT_PORT ...
#   dovecot_stop                       # also done when the test ends
#
# Functions:
#   dovecot_available          0 when the peer can run here (the dovecot
#                              binary; as root, its accounts); otherwise
#                              DOVECOT_MISSING says why
#   dovecot_start [-p PORT] SOCKET [USER:PASSWORD...] [-- CONF-LINE...]
#                              write the configuration, start Dovecot,
#                              and wait (at most DOVECOT_START_TIMEOUT
#                              seconds, 20) until SOCKET exists and the
#                              TCP port (PORT, else a free one) listens.
#                              The directory holding SOCKET must exist.
#                              CONF-LINEs are appended to dovecot.conf. On failure the end of the
#                              log as comment lines, status 1. Sets
#                              DOVECOT_PID (the master), DOVECOT_PORT,
#                              DOVECOT_SOCKET, DOVECOT_DIR, DOVECOT_LOG.
#   dovecot_stop               SIGTERM to the master and its children (the
#                              auth process), by pid; what is left after
#                              10 seconds gets SIGKILL, by pid. Safe to
#                              call twice.
#   dovecot_lmtp_start [-t CERT KEY] SOCKET ADDRESS...
#                              the LMTP peer (dovecot-lmtpd): Dovecot's lmtp
#                              service on the UNIX socket SOCKET (the
#                              directory must exist) and on a free loopback
#                              port (DOVECOT_PORT); its users are the
#                              ADDRESSes (user@domain, looked up whole), each
#                              with a Maildir under DOVECOT_DIR, owned by
#                              DOVECOT_MAIL_USER (nobody as root, else the
#                              caller); other recipients are unknown users.
#                              An ADDRESS written ADDRESS/full is over its
#                              quota: Dovecot refuses its mail after DATA.
#                              With -t, STARTTLS with the certificate chain
#                              CERT (leaf first) and key KEY. Waits like
#                              dovecot_start; sets the same variables.
#   dovecot_lmtp_available     0 when the LMTP peer can run here (also the
#                              lmtp service of dovecot-lmtpd)
#   dovecot_maildir ADDRESS    the Maildir of one LMTP user
#   dovecot_fetch ADDRESS FIELDS [SEARCH...]
#                              Dovecot's own reading of that user's INBOX
#                              (doveadm fetch; SEARCH defaults to ALL)
#   dovecot_log_tail [LINES]   the end of Dovecot's log as comment lines
#   dovecot_fake_start SOCKET LOG [ARGS...]
#                              a scripted, misbehaving auth server
#                              (tests/helpers/fake_dovecot_auth.py, whose
#                              ARGS say what it sends) on the UNIX socket
#                              SOCKET, writing each line it receives to
#                              LOG; waits at most 10 seconds for the
#                              socket, ends the test (fail) when it does
#                              not come; killed by pid when the test ends
#
# Dovecot starts its auth process on the first connection, and delays a
# failed authentication (auth_failure_delay, 2 seconds) and, per client
# address, the ones after it (its auth penalty): tests that fail several
# times should vary the rip= they send, or expect seconds per failure.

[ -n "${DOVECOT_SH_LOADED:-}" ] && return 0
DOVECOT_SH_LOADED=1

DOVECOT_BIN=${DOVECOT_BIN:-/usr/sbin/dovecot}
DOVECOT_LMTP_BIN=${DOVECOT_LMTP_BIN:-/usr/lib/dovecot/lmtp}
DOVECOT_MAIL_USER=
DOVECOT_START_TIMEOUT=${DOVECOT_START_TIMEOUT:-20}
DOVECOT_MISSING=
DOVECOT_PID=
DOVECOT_PORT=
DOVECOT_SOCKET=
DOVECOT_DIR=
DOVECOT_LOG=

# dovecot_available - can a private Dovecot run here?
dovecot_available() {
    DOVECOT_MISSING=
    if [ ! -x "$DOVECOT_BIN" ]; then
        DOVECOT_MISSING="Dovecot is not installed (dovecot-core)"
    elif [ "$(id -u)" -eq 0 ] && ! { id dovecot && id dovenull; } >/dev/null 2>&1; then
        DOVECOT_MISSING="the dovecot and dovenull accounts are missing"
    fi
    [ -z "$DOVECOT_MISSING" ]
}

# dovecot_conf SOCKET - the configuration on stdout
dovecot_conf() {
    if dovecot_is_24; then
        # Dovecot 2.4 (Debian 13): versioned configuration, named blocks.
        cat <<EOF
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
instance_name = dovecot-test-$$
log_path = $DOVECOT_LOG
protocols =
listen = 127.0.0.1
ssl = no
auth_mechanisms = plain login
auth_allow_cleartext = yes
passdb passwd-file {
  passwd_file_path = $DOVECOT_DIR/passwd
}
userdb static {
  fields {
    uid = 65534
    gid = 65534
    home = /nonexistent
  }
}
service auth {
  unix_listener $1 {
    mode = 0666
  }
  inet_listener auth-tcp {
    listen = 127.0.0.1
    port = $DOVECOT_PORT
  }
}
EOF
    else
        # Dovecot 2.3 (Debian 12).
        cat <<EOF
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
instance_name = dovecot-test-$$
log_path = $DOVECOT_LOG
protocols =
listen = 127.0.0.1
ssl = no
auth_mechanisms = plain login
disable_plaintext_auth = no
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DOVECOT_DIR/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=/nonexistent
}
service auth {
  unix_listener $1 {
    mode = 0666
  }
  inet_listener {
    address = 127.0.0.1
    port = $DOVECOT_PORT
  }
}
EOF
    fi
    dovecot_conf_unprivileged
}

# dovecot_conf_unprivileged - without root: one user for everything, and
# no chroot, which needs root (configuration lines on stdout)
dovecot_conf_unprivileged() {
    [ "$(id -u)" -ne 0 ] || return 0
    cat <<EOF
default_internal_user = $(id -un)
default_internal_group = $(id -gn)
default_login_user = $(id -un)
service anvil {
  chroot =
}
EOF
}

# dovecot_is_24 - is the installed Dovecot 2.4 or later (its configuration syntax)?
dovecot_is_24() {
    local version major minor
    version=$("$DOVECOT_BIN" --version 2>/dev/null)
    major=${version%%.*}
    minor=${version#*.}
    minor=${minor%%[!0-9]*}
    case "$major:$minor" in
    [3-9]:* | 2:[4-9] | 2:[1-9][0-9]) return 0 ;;
    *) return 1 ;;
    esac
}

# dovecot_log_tail [LINES] - the end of the log, as comment lines
dovecot_log_tail() {
    [ -n "$DOVECOT_LOG" ] && [ -f "$DOVECOT_LOG" ] || return 0
    tail -n "${1:-15}" "$DOVECOT_LOG" | sed 's/^/# dovecot: /'
}

# dovecot_start [-p PORT] SOCKET [USER:PASSWORD...] [-- CONF-LINE...] - start the peer
dovecot_start() {
    local socket entry owner port=
    if [ "$1" = -p ]; then
        port=$2
        shift 2
    fi
    socket=$1
    shift
    dovecot_dir_make || return 1
    DOVECOT_SOCKET=$socket
    DOVECOT_PORT=${port:-$(free_port)}
    : >"$DOVECOT_DIR/passwd"
    chmod 600 "$DOVECOT_DIR/passwd"
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        entry=$1
        shift
        printf '%s:{PLAIN}%s\n' "${entry%%:*}" "${entry#*:}" >>"$DOVECOT_DIR/passwd"
    done
    [ "${1:-}" != -- ] || shift
    # As root, the auth process reads the file as Dovecot's internal user.
    owner=$(id -un)
    [ "$(id -u)" -ne 0 ] || owner=dovecot
    chown "$owner" "$DOVECOT_DIR/passwd" || return 1
    {
        dovecot_conf "$socket"
        for entry in "$@"; do
            echo "$entry"
        done
    } >"$DOVECOT_DIR/dovecot.conf"
    dovecot_launch
}

# dovecot_launch - start the master on DOVECOT_DIR/dovecot.conf, wait for its listeners
dovecot_launch() {
    local deadline
    "$DOVECOT_BIN" -F -c "$DOVECOT_DIR/dovecot.conf" >>"$DOVECOT_LOG" 2>&1 &
    DOVECOT_PID=$!
    deadline=$((SECONDS + DOVECOT_START_TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$DOVECOT_PID" 2>/dev/null; do
        if [ -S "$DOVECOT_SOCKET" ] && ss -Htln "sport = :$DOVECOT_PORT" | grep -q .; then
            return 0
        fi
        sleep 0.05
    done
    echo "# Dovecot did not start within ${DOVECOT_START_TIMEOUT}s (socket $DOVECOT_SOCKET, port $DOVECOT_PORT)"
    dovecot_log_tail
    dovecot_stop
    return 1
}

# dovecot_dir_make - a fresh DOVECOT_DIR (removed when the test ends)
dovecot_dir_make() {
    dovecot_stop
    [ -n "$DOVECOT_DIR" ] || at_exit 'dovecot_stop; [ -z "$DOVECOT_DIR" ] || rm -rf "$DOVECOT_DIR"'
    [ -z "$DOVECOT_DIR" ] || rm -rf "$DOVECOT_DIR"
    DOVECOT_DIR=$(mktemp -d /tmp/dovecot-test.XXXXXX) || return 1
    chmod 755 "$DOVECOT_DIR"
    mkdir "$DOVECOT_DIR/run" "$DOVECOT_DIR/state"
    DOVECOT_LOG=$DOVECOT_DIR/dovecot.log
}

# dovecot_lmtp_available - can the LMTP peer run here?
dovecot_lmtp_available() {
    dovecot_available || return 1
    if [ ! -x "$DOVECOT_LMTP_BIN" ]; then
        DOVECOT_MISSING="Dovecot's LMTP server is not installed (dovecot-lmtpd)"
        return 1
    fi
}

# dovecot_maildir ADDRESS - the Maildir of one LMTP user
dovecot_maildir() {
    echo "$DOVECOT_DIR/home/$1/Maildir"
}

# dovecot_lmtp_conf SOCKET [CERT KEY] - the LMTP configuration on stdout
dovecot_lmtp_conf() {
    if dovecot_is_24; then
        # Dovecot 2.4 (Debian 13): versioned configuration, named blocks.
        cat <<EOF
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
instance_name = dovecot-test-$$
log_path = $DOVECOT_LOG
protocols = lmtp
listen = 127.0.0.1
first_valid_uid = 1
mail_driver = maildir
mail_path = ~/Maildir
mail_plugins {
  quota = yes
}
quota "User quota" {
  driver = count
}
# 2.4 lets the last mail exceed the limit by 10M unless told otherwise.
quota_storage_grace = 0
passdb passwd-file {
  passwd_file_path = $DOVECOT_DIR/users
}
userdb passwd-file {
  passwd_file_path = $DOVECOT_DIR/users
}
service lmtp {
  unix_listener $1 {
    mode = 0666
  }
  inet_listener lmtp-tcp {
    listen = 127.0.0.1
    port = $DOVECOT_PORT
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF
        if [ -n "${2:-}" ]; then
            printf 'ssl = yes\nssl_server_cert_file = %s\nssl_server_key_file = %s\n' "$2" "$3"
        else
            echo "ssl = no"
        fi
    else
        # Dovecot 2.3 (Debian 12).
        cat <<EOF
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
instance_name = dovecot-test-$$
log_path = $DOVECOT_LOG
protocols = lmtp
listen = 127.0.0.1
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_plugins = quota
plugin {
  quota = count:User quota
  quota_vsizes = yes
}
passdb {
  driver = passwd-file
  args = $DOVECOT_DIR/users
}
userdb {
  driver = passwd-file
  args = $DOVECOT_DIR/users
}
service lmtp {
  unix_listener $1 {
    mode = 0666
  }
  inet_listener {
    address = 127.0.0.1
    port = $DOVECOT_PORT
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF
        if [ -n "${2:-}" ]; then
            printf 'ssl = yes\nssl_cert = <%s\nssl_key = <%s\n' "$2" "$3"
        else
            echo "ssl = no"
        fi
    fi
    dovecot_conf_unprivileged
}

# dovecot_lmtp_start [-t CERT KEY] SOCKET ADDRESS... - start the LMTP peer
dovecot_lmtp_start() {
    local socket address extra uid gid cert= key=
    if [ "$1" = -t ]; then
        cert=$2
        key=$3
        shift 3
    fi
    socket=$1
    shift
    dovecot_dir_make || return 1
    DOVECOT_SOCKET=$socket
    DOVECOT_PORT=$(free_port)
    DOVECOT_MAIL_USER=$(id -un)
    [ "$(id -u)" -ne 0 ] || DOVECOT_MAIL_USER=nobody
    uid=$(id -u "$DOVECOT_MAIL_USER")
    gid=$(id -g "$DOVECOT_MAIL_USER")
    mkdir "$DOVECOT_DIR/home"
    : >"$DOVECOT_DIR/users"
    for address in "$@"; do
        # ADDRESS/full: a mailbox over its quota (a one-byte storage limit).
        extra=
        if [ "${address%/full}" != "$address" ]; then
            address=${address%/full}
            extra="userdb_quota_rule=*:storage=1B"
            ! dovecot_is_24 || extra=userdb_quota_storage_size=1
        fi
        mkdir "$DOVECOT_DIR/home/$address" || return 1
        printf '%s::%s:%s::%s::%s\n' "$address" "$uid" "$gid" "$DOVECOT_DIR/home/$address" \
            "$extra" >>"$DOVECOT_DIR/users"
    done
    chown -R "$DOVECOT_MAIL_USER" "$DOVECOT_DIR/home" || return 1
    if [ -n "$cert" ]; then
        # Dovecot's master reads them before any process drops privileges.
        cp "$cert" "$DOVECOT_DIR/cert.pem" && cp "$key" "$DOVECOT_DIR/key.pem" || return 1
        chmod 600 "$DOVECOT_DIR/key.pem"
        cert=$DOVECOT_DIR/cert.pem key=$DOVECOT_DIR/key.pem
    fi
    dovecot_lmtp_conf "$socket" $cert $key >"$DOVECOT_DIR/dovecot.conf"
    dovecot_launch
}

# dovecot_stop - stop the peer by pid
dovecot_stop() {
    local master pid children
    [ -n "$DOVECOT_PID" ] || return 0
    master=$DOVECOT_PID
    DOVECOT_PID=
    # Dovecot's processes outlive their master while they have clients.
    children=$(ps -o pid= --ppid "$master" 2>/dev/null)
    # shellcheck disable=SC2086
    kill "$master" $children 2>/dev/null
    if ! wait_gone "$master" 10; then
        echo "# Dovecot (pid $master) still runs after 10s: killed" >&2
        kill -9 "$master" 2>/dev/null
    fi
    for pid in $children; do
        wait_gone "$pid" 5 || kill -9 "$pid" 2>/dev/null
    done
    wait "$master" 2>/dev/null
    return 0
}

# dovecot_fake_start SOCKET LOG [ARGS...] - a scripted auth server
dovecot_fake_start() {
    local socket=$1 log=$2 pid
    shift 2
    rm -f "$socket"
    python3 "$TEST_TOP/tests/helpers/fake_dovecot_auth.py" --socket "$socket" --log "$log" \
        --idle 60 "$@" &
    pid=$!
    at_exit "kill $pid 2>/dev/null"
    wait_until 10 test -S "$socket" || fail "the scripted auth server on $socket starts"
}

# dovecot_fetch ADDRESS FIELDS [SEARCH...] - doveadm fetch from one LMTP user's INBOX
dovecot_fetch() {
    local address=$1 fields=$2
    shift 2
    bounded 30 doveadm -c "$DOVECOT_DIR/dovecot.conf" fetch -u "$address" "$fields" \
        mailbox INBOX "${@:-ALL}"
}

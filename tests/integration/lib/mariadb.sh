# mariadb.sh - private MariaDB servers as test peers of mysql: tables
#
# Source this file from bash after lib/common.sh (lib/instance.sh loads
# it). Each server has its own data directory, made with
# mariadb-install-db in a test directory, and listens on 127.0.0.1 at a
# free port and on DIR/socket; it runs and is stopped as lib/dbserver.sh
# says.
#
#   mariadb_available
#       0 when Debian's MariaDB server programs are installed; otherwise
#       MARIADB_MISSING says why (for skip)
#   mariadb_start DIR [CERT]
#       a new server in DIR/data (or the existing one: a restart), with TLS
#       when CERT names DIR/CERT.pem, DIR/CERT.key and DIR/ca.pem the CA;
#       makes database "mail" the first time; sets MARIADB_PORT (kept
#       across restarts of DIR) and MARIADB_PID; ends the test (fail) when
#       the server does not answer within 60 seconds
#   mariadb_sql DIR SQL...
#       run SQL as root in database "mail" over the UNIX socket
#   mariadb_stop DIR
#       stop the server (SIGTERM) and wait for it

[ -n "${MARIADB_SH_LOADED:-}" ] && return 0
MARIADB_SH_LOADED=1
. "$(dirname "${BASH_SOURCE[0]}")/dbserver.sh"

MARIADB_MISSING=
MARIADB_PORT=
MARIADB_PID=

# mariadb_available - can a private MariaDB server run here?
mariadb_available() {
    dbserver_missing /usr/sbin/mariadbd mariadb-server mariadb-install-db mariadb-server \
        mariadb mariadb-client
    MARIADB_MISSING=$DBSERVER_MISSING
    [ -z "$MARIADB_MISSING" ]
}

# mariadb_start DIR [CERT] - start (and first make) a private server
mariadb_start() {
    local dir=$1 cert=${2:-} user new=
    user=$(dbserver_user)
    if [ ! -d "$dir/data" ]; then
        mkdir -p "$dir" && chmod 755 "$dir"
        [ "$(id -u)" -eq 0 ] && chown nobody "$dir"
        free_port >"$dir/port"
        mariadb-install-db --no-defaults --datadir="$dir/data" --user="$user" \
            --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 || {
            tail -5 "$dir/install.log" | sed 's/^/# mariadb-install-db: /'
            fail "mariadb-install-db in $dir"
        }
        {
            echo "[mariadbd]"
            echo "datadir = $dir/data"
            echo "socket = $dir/socket"
            echo "port = $(cat "$dir/port")"
            echo "bind-address = 127.0.0.1"
            echo "pid-file = $dir/mariadbd.pid"
            echo "log-error = $dir/server.log"
            echo "skip-name-resolve"
            echo "innodb_buffer_pool_size = 16M"
            echo "innodb_log_file_size = 8M"
            echo "user = $user"
            if [ -n "$cert" ]; then
                echo "ssl-cert = $dir/$cert.pem"
                echo "ssl-key = $dir/$cert.key"
                echo "ssl-ca = $dir/ca.pem"
            fi
        } >"$dir/my.cnf"
        new=1
    fi
    MARIADB_PORT=$(cat "$dir/port")
    rm -f "$dir/mariadbd.pid"
    /usr/sbin/mariadbd --defaults-file="$dir/my.cnf" >/dev/null 2>&1 &
    MARIADB_PID=$!
    dbserver_track mariadb_stop "$dir"
    wait_until 60 mariadb --no-defaults --socket="$dir/socket" -uroot -e "SELECT 1" >/dev/null 2>&1 || {
        tail -5 "$dir/server.log" | sed 's/^/# mariadbd: /'
        fail "MariaDB in $dir starts"
    }
    if [ -n "$new" ]; then
        mariadb --no-defaults --socket="$dir/socket" -uroot -e "CREATE DATABASE mail" ||
            fail "the database mail is created in $dir"
    fi
    return 0
}

# mariadb_sql DIR SQL... - run SQL in database "mail"
mariadb_sql() {
    local dir=$1
    shift
    mariadb --no-defaults --socket="$dir/socket" -uroot -N -B mail -e "$*"
}

# mariadb_stop DIR - stop the server by its pid
mariadb_stop() {
    local dir=$1
    dbserver_stop_pid "$(cat "$dir/mariadbd.pid" 2>/dev/null)" TERM 60
    rm -f "$dir/mariadbd.pid"
}

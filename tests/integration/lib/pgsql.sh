# pgsql.sh - private PostgreSQL servers as test peers of pgsql: tables
#
# Source this file from bash after lib/common.sh (lib/instance.sh loads
# it). Each server is a cluster of its own, made with initdb in a test
# directory, listening on 127.0.0.1 and 127.0.0.2 (two addresses of one
# server, for tests of the hosts order) at a free port and on a UNIX
# socket in that directory; it runs and is stopped as lib/dbserver.sh
# says.
#
#   pgsql_available
#       0 when Debian's PostgreSQL server programs are installed; otherwise
#       PGSQL_MISSING says why (for skip)
#   pgsql_start DIR [CERT]
#       a new cluster in DIR/data (or the existing one: a restart), with
#       TLS when CERT names DIR/CERT.pem and DIR/CERT.key; sets
#       PGSQL_PORT (kept across restarts of DIR) and PGSQL_PID; ends the
#       test (fail) when the server does not come up within 30 seconds
#   pgsql_sql DIR SQL...
#       run SQL as the superuser "postgres" in database "mail" (made by
#       pgsql_start) over the UNIX socket; output on stdout
#   pgsql_stop DIR
#       stop the server (SIGINT: fast shutdown) and wait for it

[ -n "${PGSQL_SH_LOADED:-}" ] && return 0
PGSQL_SH_LOADED=1
. "$(dirname "${BASH_SOURCE[0]}")/dbserver.sh"

PGSQL_BIN=
PGSQL_MISSING=
PGSQL_PORT=
PGSQL_PID=

# pgsql_available - can a private PostgreSQL server run here?
pgsql_available() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            PGSQL_BIN=$dir
            break
        fi
    done
    if [ -z "$PGSQL_BIN" ]; then
        PGSQL_MISSING="Debian's PostgreSQL server is not installed (postgresql)"
    else
        dbserver_missing psql postgresql-client
        PGSQL_MISSING=$DBSERVER_MISSING
    fi
    [ -z "$PGSQL_MISSING" ]
}

# pgsql_init DIR CERT - a new cluster with database "mail"
pgsql_init() {
    local dir=$1 cert=$2
    mkdir -p "$dir" && chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown nobody "$dir"
    free_port >"$dir/port"
    dbserver_as "$PGSQL_BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
        sed 's/^/# initdb: /' "$dir/initdb.log"
        fail "initdb in $dir"
    }
    {
        echo "listen_addresses = '127.0.0.1, 127.0.0.2'"
        echo "port = $(cat "$dir/port")"
        echo "unix_socket_directories = '$dir'"
        echo "fsync = off"
        echo "max_connections = 40"
        echo "log_connections = on"
        if [ -n "$cert" ]; then
            cp "$dir/$cert.pem" "$dir/data/server.pem"
            cp "$dir/$cert.key" "$dir/data/server.key"
            chmod 600 "$dir/data/server.key"
            [ "$(id -u)" -eq 0 ] && chown nobody "$dir/data/server.pem" "$dir/data/server.key"
            echo "ssl = on"
            echo "ssl_cert_file = 'server.pem'"
            echo "ssl_key_file = 'server.key'"
        fi
    } >>"$dir/data/postgresql.conf"
}

# pgsql_start DIR [CERT] - start (and first make) a private server
pgsql_start() {
    local dir=$1 cert=${2:-}
    local new=
    [ -d "$dir/data" ] || {
        pgsql_init "$dir" "$cert"
        new=1
    }
    PGSQL_PORT=$(cat "$dir/port")
    dbserver_as "$PGSQL_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null 2>&1 || {
        tail -5 "$dir/server.log" | sed 's/^/# postgres: /'
        fail "PostgreSQL in $dir starts"
    }
    PGSQL_PID=$(head -1 "$dir/data/postmaster.pid")
    dbserver_track pgsql_stop "$dir"
    if [ -n "$new" ]; then
        dbserver_as psql -h "$dir" -p "$PGSQL_PORT" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
            -c "CREATE DATABASE mail" >/dev/null || fail "the database mail is created in $dir"
    fi
    return 0
}

# pgsql_sql DIR SQL... - run SQL in database "mail"
pgsql_sql() {
    local dir=$1
    shift
    dbserver_as psql -h "$dir" -p "$(cat "$dir/port")" -U postgres -d mail -q -A -t \
        -v ON_ERROR_STOP=1 -c "$*"
}

# pgsql_stop DIR - fast shutdown, by the pid of the server's postmaster
pgsql_stop() {
    local dir=$1
    [ -f "$dir/data/postmaster.pid" ] || return 0
    dbserver_stop_pid "$(head -1 "$dir/data/postmaster.pid")" INT 30
}

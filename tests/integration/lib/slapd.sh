# slapd.sh - private OpenLDAP servers as test peers of ldap: tables
#
# Source this file from bash after lib/common.sh (lib/instance.sh loads
# it). Each server has its own configuration (slapd.conf) and database
# in a test directory, serves dc=example,dc=test on 127.0.0.1 at a free
# port and on the UNIX socket DIR/ldapi (SLAPD_LDAPI, as an ldapi:// URL),
# and runs and is stopped as lib/dbserver.sh says. The administrator is
# cn=admin,dc=example,dc=test (password "admin secret"); only
# cn=reader,dc=example,dc=test (password "reader secret", made by the
# test with slapd_add) may read, anonymous binds see nothing. A SASL
# EXTERNAL bind over the UNIX socket (the client's uid and gid) is
# cn=reader.
#
#   slapd_available
#       0 when Debian's slapd and ldapadd are installed; otherwise
#       SLAPD_MISSING says why (for skip)
#   slapd_start DIR [CERT]
#       a new server (or a restart of the one in DIR), with StartTLS when
#       CERT names DIR/CERT.pem and DIR/CERT.key (DIR/ca.pem the CA); sets
#       SLAPD_PORT (kept across restarts), SLAPD_LDAPI and SLAPD_PID; ends
#       the test (fail) when it does not answer within 30 seconds
#   slapd_add DIR < LDIF      add entries as the administrator
#   slapd_stop DIR            stop the server (SIGINT) and wait for it

[ -n "${SLAPD_SH_LOADED:-}" ] && return 0
SLAPD_SH_LOADED=1
. "$(dirname "${BASH_SOURCE[0]}")/dbserver.sh"

SLAPD_MISSING=
SLAPD_PORT=
SLAPD_LDAPI=
SLAPD_PID=

# slapd_available - can a private slapd run here?
slapd_available() {
    if [ ! -f /etc/ldap/schema/inetorgperson.schema ]; then
        SLAPD_MISSING="Debian's OpenLDAP server is not installed (slapd)"
    else
        dbserver_missing /usr/sbin/slapd slapd ldapadd ldap-utils
        SLAPD_MISSING=$DBSERVER_MISSING
    fi
    [ -z "$SLAPD_MISSING" ]
}

# slapd_config DIR CERT - slapd.conf and an empty database
slapd_config() {
    local dir=$1 cert=$2 module=/usr/lib/ldap
    mkdir -p "$dir/db" && chmod 755 "$dir"
    free_port >"$dir/port"
    {
        echo "include /etc/ldap/schema/core.schema"
        echo "include /etc/ldap/schema/cosine.schema"
        echo "include /etc/ldap/schema/inetorgperson.schema"
        echo "pidfile $dir/slapd.pid"
        echo "authz-regexp \".*,cn=peercred,cn=external,cn=auth\" \"cn=reader,dc=example,dc=test\""
        echo "modulepath $module"
        ls "$module"/back_mdb* >/dev/null 2>&1 && echo "moduleload back_mdb"
        if [ -n "$cert" ]; then
            echo "TLSCACertificateFile $dir/ca.pem"
            echo "TLSCertificateFile $dir/$cert.pem"
            echo "TLSCertificateKeyFile $dir/$cert.key"
        fi
        echo "database mdb"
        echo "maxsize 20971520"
        echo "suffix \"dc=example,dc=test\""
        echo "rootdn \"cn=admin,dc=example,dc=test\""
        echo "rootpw \"admin secret\""
        echo "directory $dir/db"
        echo "access to attrs=userPassword by anonymous auth by * none"
        echo "access to * by dn.exact=\"cn=reader,dc=example,dc=test\" read by * none"
    } >"$dir/slapd.conf"
    [ "$(id -u)" -eq 0 ] && chown -R nobody "$dir/db" && chown nobody "$dir"
}

# slapd_start DIR [CERT] - start (and first configure) a private slapd
slapd_start() {
    local dir=$1 cert=${2:-}
    local -a as_user=()
    [ -f "$dir/slapd.conf" ] || slapd_config "$dir" "$cert"
    SLAPD_PORT=$(cat "$dir/port")
    SLAPD_LDAPI="ldapi://$(sed 's|/|%2F|g' <<<"$dir/ldapi")"
    [ "$(id -u)" -eq 0 ] && as_user=(-u nobody -g nogroup)
    rm -f "$dir/slapd.pid" "$dir/ldapi"
    /usr/sbin/slapd -f "$dir/slapd.conf" -h "ldap://127.0.0.1:$SLAPD_PORT/ $SLAPD_LDAPI" \
        "${as_user[@]}" -d 0 >"$dir/slapd.log" 2>&1 &
    SLAPD_PID=$!
    dbserver_track slapd_stop "$dir"
    echo "$SLAPD_PID" >"$dir/pid"
    wait_port "$SLAPD_PORT" 30 || {
        tail -5 "$dir/slapd.log" | sed 's/^/# slapd: /'
        fail "slapd in $dir starts"
    }
    return 0
}

# slapd_add DIR < LDIF - add entries as the administrator
slapd_add() {
    ldapadd -x -H "ldap://127.0.0.1:$(cat "$1/port")" -D "cn=admin,dc=example,dc=test" \
        -w "admin secret" >/dev/null
}

# slapd_stop DIR - stop the server by its pid
slapd_stop() {
    local dir=$1
    dbserver_stop_pid "$(cat "$dir/pid" 2>/dev/null)" INT 30
    rm -f "$dir/pid"
}

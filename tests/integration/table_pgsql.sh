#!/bin/bash
# table_pgsql.sh - pgsql: tables against private PostgreSQL servers
# (lib/pgsql.sh), as an operator sees them: a mailcow/iRedMail-shaped
# schema (domains, mailboxes, aliases, TLS policy) answers postmap -q with
# password login; hostile keys match nothing and change no query; hosts
# tries UNIX-domain sockets first and the TCP servers in random order, and
# fails over from a server that is down to one that is up; TLS to the
# server with verify-full succeeds with the right CA and fails with
# another; and smtpd routes by the database, answers 451 4.3.0 while the
# server is stopped (nothing bounces), and accepts again after a restart
# without a restart of its own.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/pgsql.sh"
. "$top/tests/integration/lib/table_test.sh"

"$TEST_BIN/postconf" -m | grep -qx pgsql || skip "built without libpq (libpq-dev)"
pgsql_available || skip "$PGSQL_MISSING"

instance_create
pg=$INSTANCE_DIR/pg
table_certs "$pg" localhost
pgsql_start "$pg" server
port=$PGSQL_PORT

pgsql_sql "$pg" "
CREATE TABLE domain (domain TEXT PRIMARY KEY, active BOOLEAN NOT NULL);
CREATE TABLE mailbox (username TEXT PRIMARY KEY, maildir TEXT, active BOOLEAN NOT NULL);
CREATE TABLE alias (address TEXT NOT NULL, goto TEXT NOT NULL, active BOOLEAN NOT NULL);
CREATE TABLE tls_policy (dest TEXT PRIMARY KEY, policy TEXT);
INSERT INTO domain VALUES ('pg.test', true), ('off.test', false);
INSERT INTO mailbox VALUES ('alice@pg.test', 'pg.test/alice/', true), ('bob@pg.test', 'pg.test/bob/', true);
INSERT INTO alias VALUES ('team@pg.test', 'alice@pg.test', true), ('team@pg.test', 'bob@pg.test', true);
INSERT INTO tls_policy VALUES ('partner.test', 'secure match=mx.partner.test');
CREATE ROLE postern LOGIN PASSWORD 'db pass''word';
GRANT SELECT ON ALL TABLES IN SCHEMA public TO postern;
" >/dev/null || fail "the test schema is created"

cf=$INSTANCE_CONF
# pgcf NAME QUERY [LINE...] - a .cf file with the login and a query
pgcf() {
    local name=$1 query=$2
    shift 2
    {
        echo "hosts = inet:127.0.0.1:$port"
        echo "user = postern"
        echo "password = db pass'word"
        echo "dbname = mail"
        echo "query = $query"
        printf '%s\n' "$@"
    } >"$cf/$name.cf"
}
pgcf domains "SELECT 1 FROM domain WHERE domain = '%s' AND active"
pgcf mailboxes "SELECT maildir FROM mailbox WHERE username = '%s' AND active"
pgcf aliases "SELECT goto FROM alias WHERE address = '%s' AND active"
pgcf policy "SELECT policy FROM tls_policy WHERE dest = '%s'"
pgcf limited "SELECT goto FROM alias WHERE address = '%s'" "expansion_limit = 1"

run_pm -q alice@pg.test "pgsql:$cf/mailboxes.cf"
same "a mailbox from PostgreSQL" "0:pg.test/alice/" "$rc:$out"
run_pm -q Alice@PG.test "pgsql:$cf/mailboxes.cf"
same "keys are folded to lower case" "pg.test/alice/" "$out"
run_pm -q nobody@pg.test "pgsql:$cf/mailboxes.cf"
same "no row: not found, exit 1" "1:" "$rc:$out"
run_pm -q team@pg.test "pgsql:$cf/aliases.cf"
same "two rows joined" "alice@pg.test,bob@pg.test" "$out"
run_pm -q team@pg.test "pgsql:$cf/limited.cf"
same "more rows than expansion_limit: lookup error" 2 "$rc"
run_pm -q partner.test "pgsql:$cf/policy.cf"
same "a TLS policy from the database" "secure match=mx.partner.test" "$out"
for key in "x' OR '1'='1@pg.test" "alice@pg.test' --" "'; DROP TABLE mailbox; --" \
    "x\\' OR 1=1 --@pg.test" "\"alice@pg.test\""; do
    run_pm -q "$key" "pgsql:$cf/mailboxes.cf"
    same "hostile key matches nothing: $key" "1:" "$rc:$out"
done
same "the hostile keys dropped no table" 2 "$(pgsql_sql "$pg" "SELECT count(*) FROM mailbox")"
same "every query ran as the read-only login" "" \
    "$(grep -i 'permission denied\|syntax error' "$pg/server.log")"

# Wrong password: a lookup error that says so, not "not found".
sed 's/^password = .*/password = wrong/' "$cf/mailboxes.cf" >"$cf/badpass.cf"
run_pm -q alice@pg.test "pgsql:$cf/badpass.cf"
same "a wrong password is a lookup error (exit 2)" 2 "$rc"
has "... that names the reason" "password authentication failed" "$err"

# hosts: UNIX-domain sockets first, then the TCP servers in random order.
pgcf server "SELECT coalesce(host(inet_server_addr()), 'unix')"
sed -i "s|^hosts = .*|hosts = inet:127.0.0.1:$port, unix:$pg/.s.PGSQL.$port|" "$cf/server.cf"
run_pm -q anything "pgsql:$cf/server.cf"
same "hosts: the UNIX-domain socket is tried first, though listed last" "0:unix" "$rc:$out"
sed -i "s|^hosts = .*|hosts = inet:127.0.0.1:$port, inet:127.0.0.2:$port|" "$cf/server.cf"
seen=$(for i in $(seq 16); do
    run_pm -q anything "pgsql:$cf/server.cf"
    echo "$out"
done | sort -u | paste -sd,)
same "hosts: TCP servers in random order, so each of two is used" "127.0.0.1,127.0.0.2" "$seen"
dead=$(free_port)
sed "s/^hosts = .*/hosts = inet:127.0.0.1:$dead, inet:127.0.0.1:$port/" "$cf/mailboxes.cf" >"$cf/failover.cf"
answers= warned=
for i in $(seq 16); do
    run_pm -q alice@pg.test "pgsql:$cf/failover.cf"
    answers+="$rc:$out "
    case "$err" in *"inet:127.0.0.1:$dead: connect"*) warned=1 ;; esac
done
same "hosts: a server that is down is skipped, every lookup is answered" \
    "$(printf '0:pg.test/alice/ %.0s' $(seq 16))" "$answers"
[ -n "$warned" ]
check "... the server that is down was tried and named in a warning"
printf 'hosts = unix:%s/.s.PGSQL.'"$port"'\nuser = postern\npassword = x\ndbname = mail\nquery = SELECT 1 WHERE 1 = 0\n' "$pg" >"$cf/unix.cf"
run_pm -q a "pgsql:$cf/unix.cf"
same "hosts = unix:/directory/.s.PGSQL.port reaches the server's socket" "1:" "$rc:$err"

# TLS to the server, verified.
pgcf tls "SELECT maildir FROM mailbox WHERE username = '%s'" "sslmode = verify-full" \
    "sslrootcert = $pg/ca.pem"
sed -i "s/^hosts = .*/hosts = localhost:$port/" "$cf/tls.cf"
run_pm -q alice@pg.test "pgsql:$cf/tls.cf"
same "sslmode = verify-full with the server's CA" "0:pg.test/alice/" "$rc:$out"
has "... the server logged a TLS connection of the login" "user=postern database=mail SSL enabled" \
    "$(cat "$pg/server.log")"
sed "s|^sslrootcert = .*|sslrootcert = $pg/otherca.pem|" "$cf/tls.cf" >"$cf/tlsbad.cf"
run_pm -q alice@pg.test "pgsql:$cf/tlsbad.cf"
same "verify-full with another CA: lookup error" 2 "$rc"
has "... the certificate is the reason" "certificate verify failed" "$err"
sed "s/^hosts = .*/hosts = inet:127.0.0.1:$port/" "$cf/tls.cf" >"$cf/tlsname.cf"
run_pm -q alice@pg.test "pgsql:$cf/tlsname.cf"
same "verify-full to an address the certificate does not name: lookup error" 2 "$rc"

# --- smtpd and the queue ---
table_smtpd_start \
    "virtual_mailbox_domains = pgsql:$cf/domains.cf" \
    "virtual_mailbox_maps = pgsql:$cf/mailboxes.cf" \
    "virtual_alias_maps = pgsql:$cf/aliases.cf"
table_smtpd_checks PostgreSQL pg.test "pgsql_stop $pg" "pgsql_start $pg"
out=$(table_send "to team" team@pg.test)
table_delivered "to team"
check "an alias from PostgreSQL expands and is delivered"

[ "$ASSERT_FAILURES" -eq 0 ]

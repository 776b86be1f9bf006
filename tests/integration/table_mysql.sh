#!/bin/bash
# table_mysql.sh - mysql: tables against private MariaDB servers
# (lib/mariadb.sh), as an operator sees them: a mailcow-shaped schema
# answers postmap -q with password login; hostile keys match nothing and
# change no query; hosts fails over from a server that is down; TLS to the
# server with tls_verify_cert succeeds with the right CA and fails with
# another; and smtpd, reading every map through proxy:mysql: as mailcow
# does, routes by the database, answers 451 4.3.0 while the server is
# stopped (nothing bounces), and accepts again after a restart without a
# restart of its own.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/mariadb.sh"
. "$top/tests/integration/lib/table_test.sh"

"$TEST_BIN/postconf" -m | grep -qx mysql || skip "built without the MySQL client library (libmariadb-dev)"
mariadb_available || skip "$MARIADB_MISSING"

instance_create
my=$INSTANCE_DIR/my
table_certs "$my" 127.0.0.1
mariadb_start "$my" server
port=$MARIADB_PORT

mariadb_sql "$my" "
CREATE TABLE domain (domain VARCHAR(255) PRIMARY KEY, active TINYINT NOT NULL);
CREATE TABLE mailbox (username VARCHAR(255) PRIMARY KEY, maildir VARCHAR(255), active TINYINT NOT NULL);
CREATE TABLE alias (address VARCHAR(255) NOT NULL, goto TEXT NOT NULL, active TINYINT NOT NULL);
CREATE TABLE tls_policy (dest VARCHAR(255) PRIMARY KEY, policy VARCHAR(255));
INSERT INTO domain VALUES ('my.test', 1), ('off.test', 0);
INSERT INTO mailbox VALUES ('alice@my.test', 'my.test/alice/', 1), ('bob@my.test', 'my.test/bob/', 1);
INSERT INTO alias VALUES ('team@my.test', 'alice@my.test', 1), ('team@my.test', 'bob@my.test', 1);
INSERT INTO tls_policy VALUES ('partner.test', 'secure match=mx.partner.test');
CREATE USER 'postern'@'%' IDENTIFIED BY 'db pass''word';
CREATE USER 'postern'@'localhost' IDENTIFIED BY 'db pass''word';
GRANT SELECT ON mail.* TO 'postern'@'%';
GRANT SELECT ON mail.* TO 'postern'@'localhost';
" || fail "the test schema is created"

cf=$INSTANCE_CONF
# mycf NAME QUERY [LINE...] - a .cf file with the login and a query
mycf() {
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
mycf domains "SELECT 1 FROM domain WHERE domain = '%s' AND active = 1"
mycf mailboxes "SELECT maildir FROM mailbox WHERE username = '%s' AND active = 1"
mycf aliases "SELECT goto FROM alias WHERE address = '%s' AND active = 1"
mycf policy "SELECT policy FROM tls_policy WHERE dest = '%s'"
mycf limited "SELECT goto FROM alias WHERE address = '%s'" "expansion_limit = 1"

run_pm -q alice@my.test "mysql:$cf/mailboxes.cf"
same "a mailbox from MariaDB" "0:my.test/alice/" "$rc:$out"
run_pm -q nobody@my.test "mysql:$cf/mailboxes.cf"
same "no row: not found, exit 1" "1:" "$rc:$out"
run_pm -q team@my.test "mysql:$cf/aliases.cf"
same "two rows joined" "alice@my.test,bob@my.test" "$(tr ',' '\n' <<<"$out" | sort | paste -sd,)"
run_pm -q team@my.test "mysql:$cf/limited.cf"
same "more rows than expansion_limit: lookup error" 2 "$rc"
run_pm -q partner.test "mysql:$cf/policy.cf"
same "a TLS policy from the database" "secure match=mx.partner.test" "$out"
for key in "x' OR '1'='1@my.test" "alice@my.test' -- " "'; DROP TABLE mailbox; --" \
    "x\\' OR 1=1 -- @my.test" "alice@my.test\\"; do
    run_pm -q "$key" "mysql:$cf/mailboxes.cf"
    same "hostile key matches nothing: $key" "1:" "$rc:$out"
done
same "the hostile keys dropped no table" 2 "$(mariadb_sql "$my" "SELECT count(*) FROM mailbox")"
printf 'hosts = inet:127.0.0.1:%s\nuser = postern\npassword = db pass'"'"'word\ndbname = mail\nquery = SELECT nosuch FROM mailbox WHERE username = '"'"'%%s'"'"'\n' "$port" >"$cf/badsql.cf"
run_pm -q alice@my.test "mysql:$cf/badsql.cf"
same "an SQL error is a lookup error (exit 2)" 2 "$rc"
has "... with the server's message" "Unknown column 'nosuch'" "$err"

sed 's/^password = .*/password = wrong/' "$cf/mailboxes.cf" >"$cf/badpass.cf"
run_pm -q alice@my.test "mysql:$cf/badpass.cf"
same "a wrong password is a lookup error (exit 2)" 2 "$rc"
has "... that names the reason" "Access denied for user 'postern'" "$err"

# hosts: UNIX-domain sockets first, then the TCP servers in random order.
mycf client "SELECT substring_index(user(), '@', -1)"
sed -i "s|^hosts = .*|hosts = inet:127.0.0.1:$port, unix:$my/socket|" "$cf/client.cf"
run_pm -q anything "mysql:$cf/client.cf"
same "hosts: the UNIX-domain socket is tried first, though listed last" "0:localhost" "$rc:$out"
dead=$(free_port)
sed "s|^hosts = .*|hosts = inet:127.0.0.1:$dead, inet:127.0.0.1:$port|" "$cf/mailboxes.cf" >"$cf/failover.cf"
answers= warned=
for i in $(seq 16); do
    run_pm -q alice@my.test "mysql:$cf/failover.cf"
    answers+="$rc:$out "
    case "$err" in *"inet:127.0.0.1:$dead: connect"*) warned=1 ;; esac
done
same "hosts: a server that is down is skipped, every lookup is answered" \
    "$(printf '0:my.test/alice/ %.0s' $(seq 16))" "$answers"
[ -n "$warned" ]
check "... the server that is down was tried (random order) and named in a warning"

mycf tls "SELECT maildir FROM mailbox WHERE username = '%s'" "tls_CAfile = $my/ca.pem" \
    "tls_verify_cert = yes"
run_pm -q alice@my.test "mysql:$cf/tls.cf"
same "TLS with tls_verify_cert = yes and the server's CA" "0:my.test/alice/" "$rc:$out"
mycf tlscheck "SELECT variable_value FROM information_schema.session_status WHERE variable_name = 'Ssl_version'" \
    "tls_CAfile = $my/ca.pem" "tls_verify_cert = yes"
run_pm -q anything "mysql:$cf/tlscheck.cf"
case "$out" in
TLSv1.[23]) ok "... the session is TLS ($out)" ;;
*) not_ok "... the session is TLS" "Ssl_version: $out $err" ;;
esac
sed "s|^tls_CAfile = .*|tls_CAfile = $my/otherca.pem|" "$cf/tls.cf" >"$cf/tlsbad.cf"
run_pm -q alice@my.test "mysql:$cf/tlsbad.cf"
same "tls_verify_cert with another CA: lookup error" 2 "$rc"

# --- smtpd and the queue, every map through proxy:mysql: ---
table_smtpd_start \
    "virtual_mailbox_domains = proxy:mysql:$cf/domains.cf" \
    "virtual_mailbox_maps = proxy:mysql:$cf/mailboxes.cf" \
    "virtual_alias_maps = proxy:mysql:$cf/aliases.cf"
table_smtpd_checks MariaDB my.test "mariadb_stop $my" "mariadb_start $my"
out=$(table_send "to team" team@my.test)
table_delivered "to team"
check "an alias from MariaDB expands and is delivered"

[ "$ASSERT_FAILURES" -eq 0 ]

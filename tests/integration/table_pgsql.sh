#!/bin/bash
# table_pgsql.sh - pgsql: tables against private PostgreSQL servers
# (lib/pgsql.sh), as an operator sees them: a mailcow/iRedMail-shaped
# schema (domains, mailboxes, aliases, TLS policy) answers postmap -q with
# password login; hostile keys match nothing and change no query; hosts
# fails over from a server that is down to one that is up; TLS to the
# server with verify-full succeeds with the right CA and fails with
# another; and smtpd routes by the database, answers 451 4.3.0 while the
# server is stopped (nothing bounces), and accepts again after a restart
# without a restart of its own.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/pgsql.sh"

"$TEST_BIN/postconf" -m | grep -qx pgsql || skip "built without libpq (libpq-dev)"
pgsql_available || skip "$PGSQL_MISSING"

postmap=$TEST_BIN/postmap
instance_create
pg=$INSTANCE_DIR/pg
mkdir -p "$pg" && chmod 755 "$pg"
cert_make "$pg" ca "/CN=Test database CA" &&
    cert_make "$pg" server "/CN=localhost" ca &&
    cert_make "$pg" otherca "/CN=Another CA" || fail "test certificates"
chmod 644 "$pg"/*.pem "$pg"/*.key
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

# run_pm ARGS... - postmap; output in $out, errors in $err, status in $rc
run_pm() {
    local start=$SECONDS
    out=$(MAIL_CONFIG=$cf timeout 60 "$postmap" "$@" 2>"$INSTANCE_DIR/stderr")
    rc=$?
    err=$(cat "$INSTANCE_DIR/stderr")
    secs=$((SECONDS - start))
}

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

# Failover: the first server is down, the second answers.
dead=$(free_port)
sed "s/^hosts = .*/hosts = inet:127.0.0.1:$dead, inet:127.0.0.1:$port/" "$cf/mailboxes.cf" >"$cf/failover.cf"
run_pm -q alice@pg.test "pgsql:$cf/failover.cf"
same "hosts: a server that is down is skipped" "0:pg.test/alice/" "$rc:$out"
has "... with a warning that names it" "inet:127.0.0.1:$dead: connect" "$err"
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
smtp_port=$(free_port)
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT
instance_master_cf_relay "$smtp_port"
instance_main_cf \
    "mynetworks = 127.0.0.0/8" \
    "virtual_mailbox_domains = pgsql:$cf/domains.cf" \
    "virtual_mailbox_maps = pgsql:$cf/mailboxes.cf" \
    "virtual_alias_maps = pgsql:$cf/aliases.cf" \
    "virtual_transport = smtp:[127.0.0.1]:$sink_port" \
    "relayhost = [127.0.0.1]:$sink_port" \
    "smtpd_recipient_restrictions = permit_mynetworks, reject" \
    "minimal_backoff_time = 300s" "maximal_backoff_time = 600s" "queue_run_delay = 300s"
instance_start "$smtp_port"
require "the instance starts"

# send SUBJECT RCPT... - one message; the replies, one a line
send() {
    local subject=$1
    shift
    printf 'From: s@src.test\nSubject: %s\n\nbody of %s\n' "$subject" "$subject" |
        timeout 90 python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$smtp_port" s@src.test "$@"
}

out=$(send "to alice" alice@pg.test)
has "a mailbox known only to PostgreSQL is accepted" "250 2.0.0 Ok: queued as" "$out"
wait_until 20 fake_smtpd_arrived "$INSTANCE_DIR/sink" "to alice" >/dev/null
check "... and delivered"
out=$(send "to nobody" nobody@pg.test)
has "an unknown mailbox is rejected at RCPT" \
    "550 5.1.1 <nobody@pg.test>: Recipient address rejected: User unknown in virtual mailbox table" "$out"
out=$(send "to team" team@pg.test)
wait_until 20 fake_smtpd_arrived "$INSTANCE_DIR/sink" "to team" >/dev/null
check "an alias from PostgreSQL expands and is delivered"

pgsql_stop "$pg"
out=$(send "while down" bob@pg.test)
has "server stopped: RCPT gets 451 4.3.0" "451 4.3.0 <bob@pg.test>: Temporary lookup failure" "$out"
lacks "... and nothing is queued" "queued as" "$out"
pgsql_start "$pg"
out=$(send "after restart" bob@pg.test)
has "server back: the same daemons accept again" "250 2.0.0 Ok: queued as" "$out"
wait_until 20 fake_smtpd_arrived "$INSTANCE_DIR/sink" "after restart" >/dev/null
check "... and deliver"
lacks "nothing bounced" "status=bounced" "$(instance_log)"

[ "$ASSERT_FAILURES" -eq 0 ]

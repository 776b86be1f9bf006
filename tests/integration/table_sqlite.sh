#!/bin/bash
# table_sqlite.sh - sqlite: tables as an operator uses them: .cf files with
# query, %s %u %d %1 %2 expansion, result_format, domain and
# expansion_limit, queried with postmap -q; hostile keys change no query and
# match nothing; and a Mail-in-a-Box shaped configuration (domains,
# mailboxes and aliases in one SQLite file) drives smtpd and the queue:
# mail to a mailbox known only to the database is accepted and delivered,
# an alias expands, an unknown recipient is rejected at RCPT, and a locked
# database gives 451 4.3.0, not a bounce, until it is free again.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

"$TEST_BIN/postconf" -m | grep -qx sqlite || skip "built without SQLite (libsqlite3-dev)"
command -v sqlite3 >/dev/null || skip "the sqlite3 shell is missing (sqlite3)"

postmap=$TEST_BIN/postmap
instance_create
db=$INSTANCE_DIR/mail.sqlite
cf=$INSTANCE_CONF

sqlite3 "$db" <<'END' || fail "the test database is created"
CREATE TABLE domains (id INTEGER PRIMARY KEY, domain TEXT NOT NULL UNIQUE, active INTEGER);
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, maildir TEXT, active INTEGER);
CREATE TABLE aliases (id INTEGER PRIMARY KEY, source TEXT NOT NULL, destination TEXT NOT NULL);
CREATE TABLE tls_policy (domain TEXT PRIMARY KEY, policy TEXT);
INSERT INTO domains (domain, active) VALUES ('box.test', 1), ('retired.test', 0);
INSERT INTO users (email, maildir, active) VALUES
    ('alice@box.test', 'box.test/alice/', 1),
    ('bob@box.test', 'box.test/bob/', 1),
    ('gone@box.test', 'box.test/gone/', 0);
INSERT INTO aliases (source, destination) VALUES
    ('team@box.test', 'alice@box.test'),
    ('team@box.test', 'bob@box.test'),
    ('postmaster@box.test', 'alice@box.test');
INSERT INTO tls_policy VALUES ('mx.example.test', 'secure match=.example.test');
END
chmod 644 "$db"
chmod 755 "$INSTANCE_DIR"

cat >"$cf/domains.cf" <<END
# virtual_mailbox_domains
dbpath = $db
query = SELECT 1 FROM domains WHERE domain = '%s' AND active = 1
END
cat >"$cf/mailboxes.cf" <<END
dbpath = $db
query = SELECT maildir FROM users WHERE email = '%s' AND active = 1
END
cat >"$cf/aliases.cf" <<END
dbpath = $db
query = SELECT destination FROM aliases WHERE source = '%u@%d'
END
cat >"$cf/parts.cf" <<END
dbpath = $db
query = SELECT '%u|%d|%1|%2|%S|%%' FROM domains LIMIT 1
END
cat >"$cf/format.cf" <<END
dbpath = $db
query = SELECT destination FROM aliases WHERE source = '%s'
result_format = smtp:[%d] for %U
END
cat >"$cf/limited.cf" <<END
dbpath = $db
query = SELECT destination FROM aliases WHERE source = '%s'
expansion_limit = 1
domain = box.test, other.test
END
cat >"$cf/legacy.cf" <<END
dbpath = $db
select_field = maildir
table = users
where_field = email
additional_conditions = AND active = 1
END

# run_pm ARGS... - postmap; output in $out, errors in $err, status in $rc
run_pm() {
    out=$(MAIL_CONFIG=$cf timeout 30 "$postmap" "$@" 2>"$INSTANCE_DIR/stderr")
    rc=$?
    err=$(cat "$INSTANCE_DIR/stderr")
}

# --- postmap -q ---
run_pm -q alice@box.test "sqlite:$cf/mailboxes.cf"
same "a key the database has" "0:box.test/alice/" "$rc:$out"
run_pm -q ALICE@Box.Test "sqlite:$cf/mailboxes.cf"
same "keys are folded to lower case" "box.test/alice/" "$out"
run_pm -q gone@box.test "sqlite:$cf/mailboxes.cf"
same "no row: not found, exit 1, no message" "1::" "$rc:$out:$err"
run_pm -q team@box.test "sqlite:$cf/aliases.cf"
same "several rows: joined with commas" "alice@box.test,bob@box.test" "$out"
run_pm -q team "sqlite:$cf/aliases.cf"
same "%d of a key without a domain: no query, not found" 1 "$rc"
run_pm -q joe@mail.example.org "sqlite:$cf/parts.cf"
same "%u %d %1 %2 %S %% expansions" "joe|mail.example.org|org|example|joe@mail.example.org|%" "$out"
run_pm -q joe@org "sqlite:$cf/parts.cf"
same "too few domain labels for %2: not found" 1 "$rc"
run_pm -q team@box.test "sqlite:$cf/format.cf"
same "result_format with %d of the value and %U of the key" \
    "smtp:[box.test] for team,smtp:[box.test] for team" "$out"
run_pm -q postmaster@box.test "sqlite:$cf/limited.cf"
same "expansion_limit = 1 with one result" "0:alice@box.test" "$rc:$out"
run_pm -q team@box.test "sqlite:$cf/limited.cf"
same "more results than expansion_limit: a lookup error" 2 "$rc"
has "... that says why" "more than expansion_limit = 1 results" "$err"
run_pm -q team@elsewhere.test "sqlite:$cf/limited.cf"
same "domain: a key outside the listed domains is not looked up" 1 "$rc"
run_pm -q bob@box.test "sqlite:$cf/legacy.cf"
same "select_field, table, where_field, additional_conditions" "box.test/bob/" "$out"

# Hostile keys: quoted by SQLite's own quoting, they match nothing and change nothing.
for key in "x' OR '1'='1@box.test" "alice@box.test' --" "'; DROP TABLE users; --@box.test" \
    "\"x' OR 1=1 --\"@box.test" 'back\slash@box.test'; do
    run_pm -q "$key" "sqlite:$cf/mailboxes.cf"
    same "hostile key matches nothing: $key" "1:" "$rc:$out"
done
same "the hostile keys dropped no table" 3 "$(sqlite3 "$db" 'SELECT count(*) FROM users')"

# Broken settings and databases are clear errors.
printf 'dbpath = %s\nquery = SELECT %%x\n' "$db" >"$cf/bad.cf"
run_pm -q a "sqlite:$cf/bad.cf"
has "an unknown % expansion is refused at open" 'unknown expansion "%x"' "$rc:$err"
printf 'query = SELECT 1\n' >"$cf/nodb.cf"
run_pm -q a "sqlite:$cf/nodb.cf"
has "a .cf without dbpath is refused" "dbpath is not set" "$rc:$err"
printf 'dbpath = %s/nothere.sqlite\nquery = SELECT 1\n' "$INSTANCE_DIR" >"$cf/missing.cf"
run_pm -q a "sqlite:$cf/missing.cf"
has "a missing database is refused with its name" "nothere.sqlite" "$rc:$err"
printf 'dbpath = %s\nquery = SELECT nosuchcolumn FROM users WHERE email = '"'"'%%s'"'"'\n' "$db" >"$cf/badsql.cf"
run_pm -q alice@box.test "sqlite:$cf/badsql.cf"
same "an SQL error is a lookup error (exit 2)" 2 "$rc"
has "... with SQLite's message" "no such column: nosuchcolumn" "$err"

# --- smtpd and delivery, Mail-in-a-Box style ---
port=$(free_port)
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT
instance_master_cf_relay "$port"
instance_main_cf \
    "mynetworks = 127.0.0.0/8" \
    "virtual_mailbox_domains = sqlite:$cf/domains.cf" \
    "virtual_mailbox_maps = sqlite:$cf/mailboxes.cf" \
    "virtual_alias_maps = sqlite:$cf/aliases.cf" \
    "virtual_transport = smtp:[127.0.0.1]:$sink_port" \
    "relayhost = [127.0.0.1]:$sink_port" \
    "smtpd_recipient_restrictions = permit_mynetworks, reject" \
    "minimal_backoff_time = 300s" "maximal_backoff_time = 600s" "queue_run_delay = 300s"
instance_start "$port"
require "the instance starts"

# send SUBJECT RCPT... - one message; the replies, one a line
send() {
    local subject=$1
    shift
    printf 'From: s@src.test\nSubject: %s\n\nbody of %s\n' "$subject" "$subject" |
        timeout 60 python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$port" s@src.test "$@"
}

out=$(send "to alice" alice@box.test)
has "a mailbox known only to the database is accepted" "250 2.0.0 Ok: queued as" "$out"
wait_until 20 fake_smtpd_arrived "$INSTANCE_DIR/sink" "to alice" >/dev/null
check "... and delivered"
out=$(send "to nobody" nobody@box.test)
has "an unknown mailbox of a database domain is rejected at RCPT" \
    "550 5.1.1 <nobody@box.test>: Recipient address rejected: User unknown in virtual mailbox table" "$out"
out=$(send "to team" team@box.test)
has "an alias from the database is accepted" "250 2.0.0 Ok: queued as" "$out"
wait_until 20 fake_smtpd_arrived "$INSTANCE_DIR/sink" "to team" >/dev/null
check "... and delivered"
same "... to both members" "<alice@box.test> <bob@box.test>" \
    "$(fake_smtpd_rcpts "$INSTANCE_DIR/sink" "to team" | tr ' ' '\n' | sort | xargs)"

# A locked database: 451, nothing bounces; free again: mail flows.
mkfifo "$INSTANCE_DIR/lock.in"
sqlite3 "$db" <"$INSTANCE_DIR/lock.in" >/dev/null 2>&1 &
locker=$!
at_exit "kill $locker 2>/dev/null"
exec 8>"$INSTANCE_DIR/lock.in"
echo "BEGIN EXCLUSIVE; INSERT INTO domains (domain, active) VALUES ('lock.test', 1);" >&8
sleep 1
out=$(send "while locked" bob@box.test)
has "a locked database gives 451 4.3.0 at RCPT" "451 4.3.0 <bob@box.test>: Temporary lookup failure" "$out"
lacks "... and nothing is queued" "queued as" "$out"
echo "ROLLBACK;" >&8
exec 8>&-
wait_gone "$locker" 10
out=$(send "after the lock" bob@box.test)
has "after the lock is released, the same smtpd accepts" "250 2.0.0 Ok: queued as" "$out"
wait_until 20 fake_smtpd_arrived "$INSTANCE_DIR/sink" "after the lock" >/dev/null
check "... and delivers"
lacks "no bounce was made" "status=bounced" "$(instance_log)"

[ "$ASSERT_FAILURES" -eq 0 ]

#!/bin/bash
# table_lmdb.sh - lmdb: tables as an operator uses them: postmap and
# postalias build, query, update and rebuild them (default_database_type =
# lmdb too), LMDB's own tools read what postmap wrote, damaged files are
# refused with a message that names them, and smtpd answers from an lmdb:
# access table, seeing an update made with "postmap -i" without a reload.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

"$TEST_BIN/postconf" -m | grep -qx lmdb || skip "built without LMDB (liblmdb-dev)"
command -v mdb_dump >/dev/null || skip "mdb_dump missing (lmdb-utils)"

postmap=$TEST_BIN/postmap
tmp=$(mktemp -d) || exit 1
at_exit 'rm -rf "$tmp"'

# run_pm ARGS... - run postmap in $tmp; output in $out, errors in $err, status in $rc
run_pm() {
    out=$(cd "$tmp" && MAIL_CONFIG=$tmp "$postmap" "$@" 2>"$tmp/stderr")
    rc=$?
    err=$(cat "$tmp/stderr")
}

cat >"$tmp/access" <<'END'
# client access
Example.COM        OK
user@example.org   REJECT no thanks
    from us
badline
dup                first
dup                second
END

# --- postmap: the same operations as on hash: ---
run_pm lmdb:access
same "build exits 0" 0 "$rc"
[ -f "$tmp/access.lmdb" ] && ok "access.lmdb created" || not_ok "access.lmdb created"
same "one file, no LMDB lock file beside it" "access.lmdb" "$(cd "$tmp" && ls access.lmdb*)"
has "malformed line warned with file and line" "access, line 5: expected format: key whitespace value" "$err"
has "duplicate warned with file and line" "access, line 7: duplicate entry: \"dup\"" "$err"
run_pm -q example.com lmdb:access
same "-q finds a folded key" "0:OK" "$rc:$out"
run_pm -q USER@EXAMPLE.ORG lmdb:access
same "-q value with continuation line" "0:REJECT no thanks    from us" "$rc:$out"
run_pm -q dup lmdb:access
same "duplicate keeps the first value" "first" "$out"
run_pm -q missing lmdb:access
same "-q missing key exits 1 silently" "1::" "$rc:$out:$err"
run_pm -s lmdb:access
same "-s lists every entry" "dup	first
example.com	OK
user@example.org	REJECT no thanks    from us" "$out"
out=$(printf 'dup\nnothere\nexample.com\n' | (cd "$tmp" && "$postmap" -q - lmdb:access))
same "-q - prints key<TAB>value for found keys" "dup	first
example.com	OK" "$out"
run_pm -d dup lmdb:access
same "-d removes a key" 0 "$rc"
run_pm -d dup lmdb:access
same "-d of a missing key exits 1" 1 "$rc"
echo "added   by stdin" | (cd "$tmp" && "$postmap" -i lmdb:access)
run_pm -q added lmdb:access
same "-i adds from standard input" "by stdin" "$out"

# Keys and values carry a trailing null, as Postfix's postmap writes them,
# and LMDB's own tools read the file.
dump=$(mdb_dump -n -p "$tmp/access.lmdb" 2>&1)
has "mdb_dump reads the table" " example.com\\00" "$dump"
run_pm -n lmdb:access
has "-n stores keys without null bytes" " example.com
 OK" "$(mdb_dump -n -p "$tmp/access.lmdb")"
rm -f "$tmp/access.lmdb-lock" # mdb_dump's own lock file
run_pm -q example.com lmdb:access
same "a table without null bytes still answers" "OK" "$out"

# Atomic rebuild: the file is replaced by rename, no temporary file stays.
run_pm lmdb:access
ino1=$(stat -c %i "$tmp/access.lmdb")
run_pm lmdb:access
ino2=$(stat -c %i "$tmp/access.lmdb")
[ "$ino1" != "$ino2" ] && ok "rebuild replaces access.lmdb by rename" || not_ok "rebuild replaces access.lmdb by rename ($ino1)"
same "no temporary file left" "access.lmdb" "$(cd "$tmp" && ls access.lmdb*)"
chmod 640 "$tmp/access"
run_pm lmdb:access
same "table mode follows the source file" 640 "$(stat -c %a "$tmp/access.lmdb")"
chmod 644 "$tmp/access"

# A reader that holds the old table keeps answering while it is rebuilt.
mkfifo "$tmp/keys"
(cd "$tmp" && "$postmap" -q - lmdb:access <"$tmp/keys" >"$tmp/reader.out" 2>&1) &
reader=$!
at_exit "kill $reader 2>/dev/null"
exec 7>"$tmp/keys"
echo example.com >&7
sed -i 's/^Example.COM .*/Example.COM REBUILT/' "$tmp/access"
run_pm lmdb:access
echo example.com >&7
exec 7>&-
wait_gone "$reader" 10
same "a reader opened before a rebuild answers from the table it opened" "example.com	OK
example.com	OK" "$(cat "$tmp/reader.out")"
run_pm -q example.com lmdb:access
same "a new reader sees the rebuilt table" "REBUILT" "$out"

# default_database_type = lmdb, for postmap and postalias.
echo "default_database_type = lmdb" >"$tmp/main.cf"
rm -f "$tmp/access.lmdb"
run_pm access
same "default_database_type = lmdb: a bare name builds access.lmdb" "0:yes" "$rc:$([ -f "$tmp/access.lmdb" ] && echo yes)"
run_pm -q example.com access
same "default_database_type = lmdb: -q on a bare name" "REBUILT" "$out"
printf 'postmaster: root\nroot: admin@example.com\n' >"$tmp/aliases"
(cd "$tmp" && "$TEST_BIN/postalias" -c "$tmp" aliases) 2>"$tmp/stderr"
same "postalias builds aliases.lmdb" "0:yes" "$?:$([ -f "$tmp/aliases.lmdb" ] && echo yes)"
out=$(cd "$tmp" && "$TEST_BIN/postalias" -c "$tmp" -q ROOT lmdb:aliases 2>&1)
same "postalias -q on the lmdb table" "admin@example.com" "$out"

# lmdb_map_size is the initial map: a table that outgrows it still builds.
echo "lmdb_map_size = 65536" >"$tmp/main.cf"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "user%05d@example.com relay:[mx%d.example.net]\n", i, i }' >"$tmp/big"
run_pm lmdb:big
same "a table larger than lmdb_map_size builds" "0:" "$rc:$err"
run_pm -q user19999@example.com lmdb:big
same "... and has its last entry" "relay:[mx19999.example.net]" "$out"
[ "$(stat -c %s "$tmp/big.lmdb")" -gt 65536 ] && ok "... in a file larger than the initial map" ||
    not_ok "big.lmdb size $(stat -c %s "$tmp/big.lmdb")"
rm -f "$tmp/main.cf"

# Damaged files: exit status 2 and a message naming the file, no crash.
size=$(stat -c %s "$tmp/big.lmdb")
head -c $((size / 2)) "$tmp/big.lmdb" >"$tmp/trunc.lmdb"
run_pm -q user00001@example.com lmdb:trunc
same "truncated .lmdb: exit status 2" 2 "$rc"
has "truncated .lmdb: the message names the file and the damage" "trunc.lmdb: file is truncated" "$err"
head -c 16384 /dev/urandom >"$tmp/noise.lmdb"
run_pm -q x lmdb:noise
same "garbage .lmdb: exit status 2" 2 "$rc"
has "garbage .lmdb: clear message" "noise.lmdb: file is not an LMDB database" "$err"
cp "$tmp/access.db" "$tmp/hashfile.lmdb" 2>/dev/null || { run_pm hash:access; cp "$tmp/access.db" "$tmp/hashfile.lmdb"; }
run_pm -q example.com lmdb:hashfile
has "a Berkeley DB file named .lmdb is refused" "hashfile.lmdb: file is not an LMDB database" "$rc:$err"
run_pm -q x lmdb:absent
has "missing .lmdb: message names the file" "absent.lmdb: No such file or directory" "$rc:$err"

# --- smtpd with an lmdb: access table ---
instance_create
port=$(free_port)
cat >"$INSTANCE_CONF/access" <<'END'
blocked@dest.test   REJECT blocked by the lmdb table
END
MAIL_CONFIG=$INSTANCE_CONF "$postmap" lmdb:"$INSTANCE_CONF/access"
instance_master_cf_relay "$port"
instance_main_cf \
    "mynetworks = 127.0.0.0/8" \
    "relayhost = [127.0.0.1]:$(free_port)" \
    "smtpd_recipient_restrictions = check_recipient_access lmdb:$INSTANCE_CONF/access, permit_mynetworks, reject"
instance_start "$port"
require "the instance starts"

# rcpt ADDRESS - the reply to RCPT TO in one session, on one line
rcpt() {
    printf 'Subject: t\n\nbody\n' |
        python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$port" s@src.test "$1" |
        sed -n 4p
}

same "RCPT rejected by the lmdb: access table" "554 5.7.1 <blocked@dest.test>: Recipient address rejected: blocked by the lmdb table" \
    "$(rcpt blocked@dest.test)"
has "RCPT not in the table is accepted" "250" "$(rcpt other@dest.test)"
echo "later@dest.test REJECT added in place" | MAIL_CONFIG=$INSTANCE_CONF "$postmap" -i lmdb:"$INSTANCE_CONF/access"
same "an entry added with postmap -i applies without a reload" \
    "554 5.7.1 <later@dest.test>: Recipient address rejected: added in place" "$(rcpt later@dest.test)"

[ "$ASSERT_FAILURES" -eq 0 ]

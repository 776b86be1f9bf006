#!/bin/bash
# proxymap_root.sh - what proxymap(8) is for, with the mail system running
# as root: the mysql: .cf file that holds the database password belongs to
# root and mail_owner's group (mode 0640), and the database listens on a
# UNIX socket outside queue_directory. A chrooted smtpd whose
# virtual_mailbox_maps are proxy:mysql: gets its answers through
# proxymap, which runs as mail_owner outside the jail; the same smtpd with
# the plain mysql: table cannot reach the socket from inside its jail and
# answers 451 4.3.0. The mail_owner account is made for the test and
# removed at the end.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/mariadb.sh"

[ "$(id -u)" -eq 0 ] || skip "the root mode needs root"
"$TEST_BIN/postconf" -m | grep -qx mysql || skip "built without the MySQL client library (libmariadb-dev)"
mariadb_available || skip "$MARIADB_MISSING"

owner=mtpo$$
group=mtpd$$
groupadd "$group" || fail "groupadd $group"
at_exit 'groupdel "$group" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
at_exit 'userdel "$owner" 2>/dev/null'
INSTANCE_MODE=root
INSTANCE_MAIL_OWNER=$owner
INSTANCE_SETGID_GROUP=$group
instance_create
cf=$INSTANCE_CONF
my=$INSTANCE_DIR/my
mariadb_start "$my"
mariadb_sql "$my" "
CREATE TABLE mailbox (username VARCHAR(255) PRIMARY KEY, maildir VARCHAR(255));
INSERT INTO mailbox VALUES ('alice@my.test', 'my.test/alice/');
CREATE USER 'postern'@'localhost' IDENTIFIED BY 'secret pass';
GRANT SELECT ON mail.* TO 'postern'@'localhost';
" || fail "the test schema is created"

{
    echo "hosts = unix:$my/socket"
    echo "user = postern"
    echo "password = secret pass"
    echo "dbname = mail"
    echo "query = SELECT maildir FROM mailbox WHERE username = '%s'"
} >"$cf/mailboxes.cf"
chown "root:$owner" "$cf/mailboxes.cf" && chmod 0640 "$cf/mailboxes.cf"
! setpriv --reuid=nobody --regid=nogroup --clear-groups -- cat "$cf/mailboxes.cf" >/dev/null 2>&1
check "the .cf with the password is closed to other users (root:mail_owner, 0640)"

read -r p_proxy p_direct <<<"$(free_port 2 | tr '\n' ' ')"
instance_main_cf \
    "mynetworks = 127.0.0.0/8" \
    "virtual_mailbox_domains = my.test" \
    "virtual_mailbox_maps = proxy:mysql:$cf/mailboxes.cf" \
    "virtual_transport = discard:mailbox" \
    "smtpd_recipient_restrictions = permit_mynetworks, reject"
instance_master_cf \
    "127.0.0.1:$p_proxy inet n - y - - smtpd" \
    "127.0.0.1:$p_direct inet n - y - - smtpd -o virtual_mailbox_maps=mysql:$cf/mailboxes.cf" \
    "cleanup unix n - n - 0 cleanup" \
    "proxymap unix - - n - - proxymap"
instance_start "$p_proxy" "$p_direct"
require "postfix start as root"

# rcpt PORT ADDRESS - the reply to RCPT TO (the session ends before DATA)
rcpt() {
    printf 'EHLO client.test\r\nMAIL FROM:<s@src.test>\r\nRCPT TO:<%s>\r\nQUIT\r\n' "$2" |
        bounded 60 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
f = s.makefile("rwb")
def reply():
    while True:
        line = f.readline().decode()
        if len(line) < 4 or line[3] != "-":
            return line.strip()
reply()
for cmd in sys.stdin.buffer.read().split(b"\r\n")[:-1]:
    f.write(cmd + b"\r\n"); f.flush()
    print(reply())
' "$1" | sed -n 3p
}

out=$(rcpt "$p_proxy" alice@my.test)
same "chrooted smtpd: a mailbox known only to the database, through proxy:mysql:" "250 2.1.5 Ok" "$out"
out=$(rcpt "$p_proxy" nobody@my.test)
has "chrooted smtpd: an unknown mailbox is rejected" \
    "550 5.1.1 <nobody@my.test>: Recipient address rejected: User unknown in virtual mailbox table" "$out"
out=$(rcpt "$p_direct" alice@my.test)
has "the same chrooted smtpd with plain mysql: cannot reach the database: 451 4.3.0" \
    "451 4.3.0 <alice@my.test>: Temporary lookup failure" "$out"

procs=$(instance_procs)
pid=$(awk '$3 ~ /proxymap$/ && / -n proxymap/ { print $2; exit }' <<<"$procs")
uid=$([ -n "$pid" ] && awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
same "proxymap runs as mail_owner" "$(id -u "$owner")" "$uid"
lacks "the log never holds the database password" "secret pass" "$(instance_log)"
[ "$ASSERT_FAILURES" -eq 0 ]

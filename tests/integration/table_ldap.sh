#!/bin/bash
# table_ldap.sh - ldap: tables against a private OpenLDAP server
# (lib/slapd.sh), as an operator sees them: query_filter and
# result_attribute with a bound reader; a group expanded through
# special_result_attribute and leaf_result_attribute; a
# terminal_result_attribute; keys with LDAP filter metacharacters match
# nothing; a wrong bind password, an unverifiable server certificate and a
# server that is down are lookup errors; StartTLS with certificate
# verification works; smtpd accepts a mailbox known to the directory,
# answers 451 4.3.0 while slapd is stopped, and accepts again after it is
# back.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/slapd.sh"

"$TEST_BIN/postconf" -m | grep -qx ldap || skip "built without libldap (libldap-dev)"
slapd_available || skip "$SLAPD_MISSING"

postmap=$TEST_BIN/postmap
instance_create
dir=$INSTANCE_DIR/ldap
mkdir -p "$dir" && chmod 755 "$dir"
cert_make "$dir" ca "/CN=Test directory CA" &&
    cert_make "$dir" server "/CN=127.0.0.1" ca &&
    cert_make "$dir" otherca "/CN=Another CA" || fail "test certificates"
chmod 644 "$dir"/*.pem "$dir"/*.key
slapd_start "$dir" server
port=$SLAPD_PORT

slapd_add "$dir" <<'END' || fail "the test directory is filled"
dn: dc=example,dc=test
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: cn=reader,dc=example,dc=test
objectClass: person
cn: reader
sn: reader
userPassword: reader secret

dn: ou=people,dc=example,dc=test
objectClass: organizationalUnit
ou: people

dn: uid=alice,ou=people,dc=example,dc=test
objectClass: inetOrgPerson
uid: alice
cn: Alice
sn: A
mail: alice@ldap.test
description: ldap.test/alice/

dn: uid=bob,ou=people,dc=example,dc=test
objectClass: inetOrgPerson
uid: bob
cn: Bob
sn: B
mail: bob@ldap.test
description: ldap.test/bob/

dn: uid=carol,ou=people,dc=example,dc=test
objectClass: inetOrgPerson
uid: carol
cn: Carol
sn: C
mail: carol@ldap.test
title: carol@forward.test

dn: cn=team,ou=people,dc=example,dc=test
objectClass: groupOfNames
objectClass: extensibleObject
cn: team
mail: team@ldap.test
member: uid=alice,ou=people,dc=example,dc=test
member: uid=bob,ou=people,dc=example,dc=test
member: cn=staff,ou=people,dc=example,dc=test

dn: cn=staff,ou=people,dc=example,dc=test
objectClass: groupOfNames
objectClass: extensibleObject
cn: staff
mail: staff@ldap.test
member: uid=carol,ou=people,dc=example,dc=test
END

cf=$INSTANCE_CONF
# ldapcf NAME [LINE...] - a .cf file with the server and the reader's bind
ldapcf() {
    local name=$1
    shift
    {
        echo "server_host = ldap://127.0.0.1:$port"
        echo "search_base = dc=example, dc=test"
        echo "bind_dn = cn=reader,dc=example,dc=test"
        echo "bind_pw = reader secret"
        printf '%s\n' "$@"
    } >"$cf/$name.cf"
}
ldapcf mailboxes "query_filter = (mail=%s)" "result_attribute = description"
ldapcf aliases "query_filter = (mail=%s)" "result_attribute =" \
    "special_result_attribute = member" "leaf_result_attribute = mail" \
    "terminal_result_attribute = title"
ldapcf byuid "search_base = ou=people, dc=example, dc=test" "query_filter = (uid=%u)" \
    "result_attribute = mail" "domain = ldap.test"

# run_pm ARGS... - postmap; output in $out, errors in $err, status in $rc
run_pm() {
    local start=$SECONDS
    out=$(MAIL_CONFIG=$cf timeout 60 "$postmap" "$@" 2>"$INSTANCE_DIR/stderr")
    rc=$?
    err=$(cat "$INSTANCE_DIR/stderr")
    secs=$((SECONDS - start))
}

run_pm -q alice@ldap.test "ldap:$cf/mailboxes.cf"
same "query_filter and result_attribute, as the bound reader" "0:ldap.test/alice/" "$rc:$out"
run_pm -q nobody@ldap.test "ldap:$cf/mailboxes.cf"
same "no entry: not found, exit 1" "1:" "$rc:$out"
run_pm -q team@ldap.test "ldap:$cf/aliases.cf"
same "a group through special_result_attribute, nested, with a terminal_result_attribute" \
    "alice@ldap.test,bob@ldap.test,carol@forward.test" "$(tr ',' '\n' <<<"$out" | sort | paste -sd,)"
run_pm -q carol@ldap.test "ldap:$cf/aliases.cf"
same "terminal_result_attribute replaces the leaf values" "carol@forward.test" "$out"
run_pm -q bob@ldap.test "ldap:$cf/byuid.cf"
same "%u in the filter, search_base of the people" "bob@ldap.test" "$out"
run_pm -q bob@other.test "ldap:$cf/byuid.cf"
same "domain: a key outside the listed domains is not looked up" 1 "$rc"
for key in '*' '*)(mail=*' 'alice@ldap.test)(|(mail=*' '\2a' 'alice@ldap.test\' '(mail=*)'; do
    run_pm -q "$key" "ldap:$cf/mailboxes.cf"
    same "a key with filter metacharacters matches nothing: $key" "1:" "$rc:$out"
done

sed 's/^bind_pw = .*/bind_pw = wrong/' "$cf/mailboxes.cf" >"$cf/badbind.cf"
run_pm -q alice@ldap.test "ldap:$cf/badbind.cf"
same "a wrong bind password is a lookup error (exit 2)" 2 "$rc"
has "... that says why" "bind: Invalid credentials" "$err"
printf 'server_host = ldap://127.0.0.1:%s\nsearch_base = dc=example,dc=test\nbind = no\nquery_filter = (mail=%%s)\nresult_attribute = description\n' "$port" >"$cf/anon.cf"
run_pm -q alice@ldap.test "ldap:$cf/anon.cf"
same "without the bind the search base is hidden: a lookup error, not \"not found\"" 2 "$rc"
has "... that says why" "No such object" "$err"

ldapcf tls "query_filter = (mail=%s)" "result_attribute = description" "start_tls = yes" \
    "tls_ca_cert_file = $dir/ca.pem" "tls_require_cert = yes"
run_pm -q alice@ldap.test "ldap:$cf/tls.cf"
same "StartTLS with the server's certificate verified" "0:ldap.test/alice/" "$rc:$out"
sed "s|^tls_ca_cert_file = .*|tls_ca_cert_file = $dir/otherca.pem|" "$cf/tls.cf" >"$cf/tlsbad.cf"
run_pm -q alice@ldap.test "ldap:$cf/tlsbad.cf"
same "StartTLS with a certificate that does not verify: lookup error" 2 "$rc"
has "... at StartTLS" "StartTLS" "$err"

dead=$(free_port)
sed "s|^server_host = .*|server_host = ldap://127.0.0.1:$dead ldap://127.0.0.1:$port|" \
    "$cf/mailboxes.cf" >"$cf/failover.cf"
run_pm -q alice@ldap.test "ldap:$cf/failover.cf"
same "server_host: a server that is down is skipped" "0:ldap.test/alice/" "$rc:$out"

# --- smtpd ---
smtp_port=$(free_port)
fake_smtpd_start "$INSTANCE_DIR/sink" --mode plain --maildir "$INSTANCE_DIR/sink"
sink_port=$FAKE_SMTPD_PORT
instance_master_cf_relay "$smtp_port"
instance_main_cf \
    "mynetworks = 127.0.0.0/8" \
    "virtual_mailbox_domains = ldap.test" \
    "virtual_mailbox_maps = ldap:$cf/mailboxes.cf" \
    "virtual_transport = smtp:[127.0.0.1]:$sink_port" \
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

out=$(send "to alice" alice@ldap.test)
has "a mailbox known only to the directory is accepted" "250 2.0.0 Ok: queued as" "$out"
wait_until 20 fake_smtpd_arrived "$INSTANCE_DIR/sink" "to alice" >/dev/null
check "... and delivered"
out=$(send "to nobody" nobody@ldap.test)
has "an unknown mailbox is rejected at RCPT" "550 5.1.1 <nobody@ldap.test>" "$out"
slapd_stop "$dir"
out=$(send "while down" bob@ldap.test)
has "slapd stopped: RCPT gets 451 4.3.0" "451 4.3.0 <bob@ldap.test>: Temporary lookup failure" "$out"
slapd_start "$dir" server
out=$(send "after restart" bob@ldap.test)
has "slapd back: the same daemons accept again" "250 2.0.0 Ok: queued as" "$out"
lacks "nothing bounced" "status=bounced" "$(instance_log)"

[ "$ASSERT_FAILURES" -eq 0 ]

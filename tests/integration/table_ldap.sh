#!/bin/bash
# table_ldap.sh - ldap: tables against a private OpenLDAP server
# (lib/slapd.sh), as an operator sees them: query_filter and
# result_attribute with a bound reader; a group expanded through
# special_result_attribute and leaf_result_attribute; a
# terminal_result_attribute; keys with LDAP filter metacharacters match
# nothing; a wrong bind password, an unverifiable server certificate and a
# server that is down are lookup errors; StartTLS with certificate
# verification works; dereference follows an alias, chase_referrals a
# referral; a SASL EXTERNAL bind over ldapi://, with sasl_minssf and
# sasl_authz_id; debuglevel logs libldap's tracing; the obsolete cache
# settings are named in a warning; smtpd accepts a mailbox known to the directory,
# answers 451 4.3.0 while slapd is stopped, and accepts again after it is
# back.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/slapd.sh"
. "$top/tests/integration/lib/table_test.sh"

"$TEST_BIN/postconf" -m | grep -qx ldap || skip "built without libldap (libldap-dev)"
slapd_available || skip "$SLAPD_MISSING"

instance_create
dir=$INSTANCE_DIR/ldap
table_certs "$dir" 127.0.0.1
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
slapd_add "$dir" <<END || fail "an alias and a referral are added"
dn: ou=staff,dc=example,dc=test
objectClass: alias
objectClass: extensibleObject
ou: staff
aliasedObjectName: ou=people,dc=example,dc=test

dn: ou=moved,dc=example,dc=test
objectClass: referral
objectClass: extensibleObject
ou: moved
ref: ldap://127.0.0.1:$port/ou=people,dc=example,dc=test
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

# Aliases: dereference (0 never, 1 searching, 2 finding the base, 3 always).
ldapcf alias "search_base = ou=staff, dc=example, dc=test" "query_filter = (mail=%s)" \
    "result_attribute = description"
run_pm -q alice@ldap.test "ldap:$cf/alias.cf"
same "dereference = 0 (the default): a search base that is an alias finds nothing" "1:" "$rc:$out"
printf 'dereference = 2\n' >>"$cf/alias.cf"
run_pm -q alice@ldap.test "ldap:$cf/alias.cf"
same "dereference = 2: the alias leads to the entries" "0:ldap.test/alice/" "$rc:$out"
sed 's/^dereference = .*/dereference = 7/' "$cf/alias.cf" >"$cf/badderef.cf"
run_pm -q alice@ldap.test "ldap:$cf/badderef.cf"
same "dereference = 7: a configuration error, exit 2" 2 "$rc"
has "... that names the setting" "bad dereference = 7: expected 0 to 3" "$err"

# Referrals: a lookup error unless chase_referrals, which binds there as configured.
ldapcf referral "search_base = ou=moved, dc=example, dc=test" "query_filter = (mail=%s)" \
    "result_attribute = description"
run_pm -q alice@ldap.test "ldap:$cf/referral.cf"
same "a referral without chase_referrals: a lookup error, not \"not found\"" 2 "$rc"
has "... that says why" "Referral" "$err"
printf 'chase_referrals = yes\n' >>"$cf/referral.cf"
run_pm -q alice@ldap.test "ldap:$cf/referral.cf"
same "chase_referrals = yes: followed, with the reader's bind" "0:ldap.test/alice/" "$rc:$out"

# SASL: EXTERNAL over the UNIX socket, which slapd maps to the reader.
printf 'server_host = %s\nsearch_base = dc=example,dc=test\nbind = sasl\nsasl_mechs = EXTERNAL\nquery_filter = (mail=%%s)\nresult_attribute = description\n' \
    "$SLAPD_LDAPI" >"$cf/sasl.cf"
run_pm -q alice@ldap.test "ldap:$cf/sasl.cf"
same "bind = sasl with sasl_mechs = EXTERNAL" "0:ldap.test/alice/" "$rc:$out"
sed 's/^bind = .*/bind = no/' "$cf/sasl.cf" >"$cf/nosasl.cf"
run_pm -q alice@ldap.test "ldap:$cf/nosasl.cf"
same "... the same socket without the SASL bind sees nothing: a lookup error" 2 "$rc"
sed 's/^sasl_mechs = .*/sasl_mechs = NO-SUCH-MECH/' "$cf/sasl.cf" >"$cf/badmech.cf"
run_pm -q alice@ldap.test "ldap:$cf/badmech.cf"
same "a SASL mechanism that nobody offers: a lookup error" 2 "$rc"
has "... at the SASL bind" "SASL bind" "$err"

sed 's/^sasl_mechs = .*/&\nsasl_minssf = 100000/' "$cf/sasl.cf" >"$cf/minssf.cf"
run_pm -q alice@ldap.test "ldap:$cf/minssf.cf"
same "sasl_minssf above what the socket gives: a lookup error" 2 "$rc"
printf 'sasl_authz_id = dn:cn=reader,dc=example,dc=test\n' | cat "$cf/sasl.cf" - >"$cf/authz_self.cf"
run_pm -q alice@ldap.test "ldap:$cf/authz_self.cf"
same "sasl_authz_id naming the bound identity itself: allowed" "0:ldap.test/alice/" "$rc:$out"
printf 'sasl_authz_id = dn:uid=bob,ou=people,dc=example,dc=test\n' | cat "$cf/sasl.cf" - \
    >"$cf/authz_other.cf"
run_pm -q alice@ldap.test "ldap:$cf/authz_other.cf"
same "sasl_authz_id naming another identity, which slapd does not allow: a lookup error" 2 "$rc"

# debuglevel: libldap's own tracing goes to the log.
ldapcf debug "query_filter = (mail=%s)" "result_attribute = description" "debuglevel = 1"
run_pm -q alice@ldap.test "ldap:$cf/debug.cf"
same "a table with debuglevel = 1 answers" "0:ldap.test/alice/" "$rc:$out"
has "... and libldap's tracing is logged" "dict_ldap_debug: " "$err"
run_pm -q alice@ldap.test "ldap:$cf/mailboxes.cf"
lacks "... which a table without debuglevel does not log" "dict_ldap_debug: " "$err"

# Obsolete settings of Postfix are named in a warning, never silent.
ldapcf ignored "query_filter = (mail=%s)" "result_attribute = description" "cache = yes" \
    "cache_size = 32768"
run_pm -q alice@ldap.test "ldap:$cf/ignored.cf"
same "a table with obsolete settings still answers" "0:ldap.test/alice/" "$rc:$out"
has "... with a warning for each" "cache = yes: obsolete (libldap has no client-side cache), ignored" "$err"
has "... (cache_size too)" "cache_size = 32768: obsolete" "$err"

# --- smtpd ---
table_smtpd_start \
    "virtual_mailbox_domains = ldap.test" \
    "virtual_mailbox_maps = ldap:$cf/mailboxes.cf"
table_smtpd_checks "the directory" ldap.test "slapd_stop $dir" "slapd_start $dir server"

[ "$ASSERT_FAILURES" -eq 0 ]

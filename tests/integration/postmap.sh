#!/bin/bash
# postmap.sh - build and query tables of every type with bin/postmap
#
# Checks what an operator sees: exit codes, printed values, warnings that
# name file and line, and refusal of a damaged .db without a crash.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
postmap=$TEST_BIN/postmap
tmp=$(mktemp -d) || exit 1
at_exit 'rm -rf "$tmp"'
cd "$tmp" || exit 1
export MAIL_CONFIG=$tmp # no main.cf here: default_database_type is hash

# run_pm ARGS... - run postmap; output in $out, errors in $err, status in $rc
run_pm() {
    out=$("$postmap" "$@" 2>"$tmp/stderr")
    rc=$?
    err=$(cat "$tmp/stderr")
}

cat >access <<'END'
# client access
Example.COM        OK
user@example.org   REJECT no thanks
    from us
badline
dup                first
dup                second
END

for type in hash btree; do
    run_pm "$type:access"
    same "$type: build exits 0" 0 "$rc"
    [ -f access.db ] && ok "$type: access.db created" || not_ok "$type: access.db created"
    case "$err" in
    *"access, line 5: expected format: key whitespace value"*) ok "$type: malformed line warned with line" ;;
    *) not_ok "$type: malformed line warning: $err" ;;
    esac
    case "$err" in
    *"access, line 7: duplicate entry: \"dup\""*) ok "$type: duplicate warned with file and line" ;;
    *) not_ok "$type: duplicate warning: $err" ;;
    esac
    run_pm -q example.com "$type:access"
    same "$type: -q finds a folded key" "0:OK" "$rc:$out"
    run_pm -q USER@EXAMPLE.ORG "$type:access"
    same "$type: -q value with continuation line" "0:REJECT no thanks    from us" "$rc:$out"
    run_pm -q dup "$type:access"
    same "$type: duplicate keeps the first value" "first" "$out"
    run_pm -q missing "$type:access"
    same "$type: -q missing key exits 1 silently" "1::" "$rc:$out:$err"
    run_pm -s "$type:access"
    same "$type: -s lists every entry" 3 "$(echo "$out" | wc -l)"
    case "$out" in
    *"example.com	OK"*) ok "$type: -s prints key<TAB>value" ;;
    *) not_ok "$type: -s output: $out" ;;
    esac
    out=$(printf 'dup\nnothere\nexample.com\n' | "$postmap" -q - "$type:access")
    same "$type: -q - prints key<TAB>value for found keys" "dup	first
example.com	OK" "$out"
    run_pm -d dup "$type:access"
    same "$type: -d removes a key" 0 "$rc"
    run_pm -d dup "$type:access"
    same "$type: -d of a missing key exits 1" 1 "$rc"
    echo "added   by stdin" | "$postmap" -i "$type:access"
    run_pm -q added "$type:access"
    same "$type: -i adds from standard input" "by stdin" "$out"
    rm -f access.db
done

# -r: last duplicate wins; -w: no warning.
run_pm -r hash:access
same "-r: no duplicate warning" "" "$(echo "$err" | grep duplicate)"
run_pm -q dup hash:access
same "-r: the last duplicate wins" "second" "$out"
run_pm -w hash:access
same "-w: no duplicate warning" "" "$(echo "$err" | grep duplicate)"
run_pm -q dup hash:access
same "-w: the first duplicate wins" "first" "$out"

# Default type is hash.
run_pm -q example.com access
same "default type is hash" "0:OK" "$rc:$out"

# default_database_type from main.cf in the -c directory.
mkdir cfg
echo "default_database_type = btree" >cfg/main.cf
"$postmap" -c cfg access 2>/dev/null
run_pm -q example.com btree:access
same "-c: default_database_type = btree builds a btree" "0:OK" "$rc:$out"
run_pm -q example.com hash:access
case "$rc:$err" in
2:*"not a hash database"*) ok "a btree file opened as hash is refused clearly" ;;
*) not_ok "btree as hash: $rc $err" ;;
esac
"$postmap" hash:access 2>/dev/null

# -f: no case folding.
run_pm -f hash:access
run_pm -f -q Example.COM hash:access
same "-f keeps the key's case" "OK" "$out"
run_pm -f -q example.com hash:access
same "-f lookups are exact" 1 "$rc"

# Stored with a trailing null, as Postfix does; -n without.
"$postmap" hash:access 2>/dev/null
case "$(db_dump -p access.db)" in
*' example.com\00'*) ok "keys are stored with a trailing null byte" ;;
*) not_ok "keys are stored with a trailing null byte" ;;
esac
"$postmap" -n hash:access 2>/dev/null
case "$(db_dump -p access.db)" in
*'\00'*) not_ok "-n stores keys without null bytes" ;;
*) ok "-n stores keys without null bytes" ;;
esac
run_pm -q example.com hash:access
same "a table without null bytes still answers" "OK" "$out"

# A table built by libdb's own tools (as Debian's postmap would) answers.
printf 'VERSION=3\nformat=print\ntype=hash\nHEADER=END\n foreign\\00\n yes\\00\nDATA=END\n' |
    db_load foreign.db
run_pm -q foreign hash:foreign
same "a table written by db_load answers" "0:yes" "$rc:$out"

# Atomic rebuild: the .db is replaced by rename, no temporary file stays.
ino1=$(stat -c %i access.db)
"$postmap" hash:access 2>/dev/null
ino2=$(stat -c %i access.db)
[ "$ino1" != "$ino2" ] && ok "rebuild replaces access.db by rename" || not_ok "rebuild replaces access.db by rename"
same "no temporary file left" "" "$(ls | grep 'access\.db\.')"

# Permissions follow the source file.
chmod 640 access
"$postmap" hash:access 2>/dev/null
same "table mode follows the source file" 640 "$(stat -c %a access.db)"
chmod 644 access

# Damaged tables: an error exit and a message naming the file, no crash.
"$postmap" hash:access 2>/dev/null
size=$(stat -c %s access.db)
head -c $((size / 2)) access.db >trunc.db
run_pm -q example.com hash:trunc
same "truncated .db: exit status 2" 2 "$rc"
case "$err" in
*"trunc.db"*truncated*) ok "truncated .db: message names the file" ;;
*) not_ok "truncated .db: message: $err" ;;
esac
head -c 100 /dev/urandom >noise.db
run_pm -q x hash:noise
same "garbage .db: exit status 2" 2 "$rc"
run_pm -q x hash:absent
same "missing .db: exit status 2" 2 "$rc"
case "$err" in
*"absent.db: No such file or directory"*) ok "missing .db: message names the file" ;;
*) not_ok "missing .db: message: $err" ;;
esac
run_pm -q x nosuchtype:foo
case "$rc:$err" in
2:*"unsupported dictionary type: nosuchtype"*) ok "unknown type: clear error" ;;
*) not_ok "unknown type: $rc $err" ;;
esac

# Types that are read as they are.
run_pm -q user@example.org texthash:access
same "texthash -q" "REJECT no thanks    from us" "$out"
run_pm -s texthash:access
same "texthash -s" 3 "$(echo "$out" | wc -l)"
run_pm -q b 'inline:{a=1, { b = two words }}'
same "inline -q" "two words" "$out"
run_pm -q anything 'static:{REJECT go away}'
same "static -q" "REJECT go away" "$out"
run_pm texthash:access
same "building a texthash table is refused" 2 "$rc"

# unionmap: every table's value, joined; pipemap: each value is the next key.
run_pm -q user@example.org 'unionmap:{texthash:access, inline:{user@example.org=DUNNO}, inline:{x=y}}'
same "unionmap joins the values of every table that has the key" "0:REJECT no thanks    from us,DUNNO" "$rc:$out"
run_pm -q nothere 'unionmap:{texthash:access, inline:{x=y}}'
same "unionmap: no table has the key" "1:" "$rc:$out"
run_pm -q a 'pipemap:{inline:{a=user@example.org}, texthash:access}'
same "pipemap: the first value is the second table's key" "0:REJECT no thanks    from us" "$rc:$out"
run_pm -q b 'pipemap:{inline:{a=user@example.org}, texthash:access}'
same "pipemap: not found in the first table" 1 "$rc"
run_pm -q a 'unionmap:{inline:{a=1}, fail:down}'
same "unionmap: a lookup error in one table is an error, not a partial answer" "2:" "$rc:$out"
run_pm -q a 'pipemap:{inline:{a=b}, fail:down}'
same "pipemap: a lookup error in a later table is an error" 2 "$rc"
run_pm -q a 'unionmap:{inline:{a=1}, hash:absent}'
has "unionmap: a table inside that cannot be opened names it" "table hash:absent: open database absent.db" "$rc:$err"
run_pm -q a 'pipemap:inline:{a=b}'
has "pipemap without braces is refused" 'need "pipemap:{type:name, ...}"' "$rc:$err"

cat >checks.regexp <<'END'
/^(.*)@example\.com$/   OK user $1
if /\.org$/
/^postmaster@/          DUNNO
endif
!/@/                    REJECT no domain
END
run_pm -q bob@example.com regexp:checks.regexp
same "regexp -q with \$1" "OK user bob" "$out"
run_pm -q plain regexp:checks.regexp
same "regexp negative rule" "REJECT no domain" "$out"
run_pm -q postmaster@example.net regexp:checks.regexp
same "regexp if/endif skips" 1 "$rc"
{ echo '/(?-i)^CAPS$/ caps'; cat checks.regexp; } >checks.pcre
run_pm -q bob@example.com pcre:checks.pcre
same "pcre -q with \$1" "OK user bob" "$out"
run_pm -q CAPS pcre:checks.pcre
same "pcre syntax" "caps" "$out"
run_pm -q caps pcre:checks.pcre
same "pcre inline flag makes the rule case-sensitive" "REJECT no domain" "$out"
printf '/a/ OK\n/b/z OK\n' >bad.regexp
run_pm -q a regexp:bad.regexp
case "$rc:$err" in
2:*"regexp map bad.regexp, line 2: unknown regexp option"*) ok "regexp syntax error names file and line" ;;
*) not_ok "regexp syntax error: $rc $err" ;;
esac

cat >clients.cidr <<'END'
192.168.1.1      OK
192.168.0.0/16   REJECT private
2001:db8::/32    REJECT doc
END
run_pm -q 192.168.7.7 cidr:clients.cidr
same "cidr -q IPv4" "REJECT private" "$out"
run_pm -q 2001:db8::5 cidr:clients.cidr
same "cidr -q IPv6" "REJECT doc" "$out"
run_pm -q 10.0.0.1 cidr:clients.cidr
same "cidr -q not found" 1 "$rc"
echo "10.1.2.3/8 OK" >bad.cidr
run_pm -q 10.1.2.3 cidr:bad.cidr
case "$rc:$err" in
2:*"cidr map bad.cidr, line 1: non-null host address bits in \"10.1.2.3/8\", perhaps you should use \"10.0.0.0/8\" instead"*)
    ok "cidr host bits error names file and line" ;;
*) not_ok "cidr host bits error: $rc $err" ;;
esac

# -F: values are files stored as base64.
printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' >mail.pem
echo "mail.example.com $tmp/mail.pem" >sni
run_pm -F hash:sni
same "-F build exits 0" 0 "$rc"
run_pm -q mail.example.com hash:sni
same "-F stores base64" "$(base64 -w0 mail.pem)" "$out"
run_pm -F -q mail.example.com hash:sni
same "-F -q decodes" "$(cat mail.pem)" "$out"

# More than one table: the first that has the key wins.
echo "example.com SECOND" >second
"$postmap" hash:second
run_pm -q example.com hash:second hash:access
same "first table with the key wins" "SECOND" "$out"
run_pm -q user@example.org hash:second hash:access
same "later table answers when the first lacks the key" "0:REJECT no thanks    from us" "$rc:$out"

[ "$ASSERT_FAILURES" -eq 0 ]

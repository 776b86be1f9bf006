#!/bin/bash
# param_usage.sh - the "not implemented" marks of the parameter table agree
# with the code: a parameter that some program reads is not marked, and one
# that no program reads is marked (and so "postconf -U" lists it, and
# postfix check, postconf -n and master warn when it is set).
#
# "Reads" is derived from the source by lib/param_usage.py, which explains
# the rule: a VAR_ macro used in code outside the parameter declarations, a
# per-transport suffix used as a string, and $name references in the
# defaults of what is read. When this test fails after a change, either
# the change made a program read a parameter (turn its PARAM_UNIMPLEMENTED
# line in src/global/param_table_*.c into the plain PARAM_* form) or it
# removed the last reader (mark it).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
postconf=$TEST_BIN/postconf
dir=$(mktemp -d /tmp/param-usage.XXXXXX)
at_exit 'rm -rf "$dir"'
unset MAIL_CONFIG

touch "$dir/main.cf"
echo 't unix - - n - - smtp' >"$dir/master.cf"

# What the table says: every name, and the ones marked.
"$postconf" -c "$dir" -dH | sort >"$dir/all"
"$postconf" -c "$dir" -U | sort >"$dir/marked"
# What the code says.
python3 "$top/tests/integration/lib/param_usage.py" "$top" "$postconf" >"$dir/read.raw"
require "the rule runs over the source"
sed -n 's/^\*_/t_/p' "$dir/read.raw" >"$dir/read.suffixes"
grep -v '^\*' "$dir/read.raw" | cat - "$dir/read.suffixes" | sort >"$dir/read"

# The rule is not vacuous: it finds well-known readers and non-readers.
for name in smtpd_banner mail_name myhostname smtp_tls_security_level \
    t_destination_concurrency_limit; do
    grep -qx "$name" "$dir/read"
    check "$name counts as read by the code"
done
for name in alternate_config_directories smtpd_proxy_filter html_directory; do
    grep -qx "$name" "$dir/all" && ! grep -qx "$name" "$dir/read"
    check "$name counts as not read"
done

# Read but marked: the mark is wrong.
same "no parameter that the code reads is marked not implemented" "" \
    "$(comm -12 "$dir/read" "$dir/marked")"

# Not read but not marked: the mark is missing.
same "every parameter that no code reads is marked not implemented" "" \
    "$(comm -23 "$dir/all" "$dir/read" | comm -23 - "$dir/marked")"

# Marked names are table names (no stray entries in the listing).
same "postconf -U lists only known names" "" "$(comm -13 "$dir/all" "$dir/marked")"
comment "$(wc -l <"$dir/marked") of $(wc -l <"$dir/all") parameters are not implemented"

# postconf(5) marks the same parameters (tools/mkpostconf5 writes it from
# the table: run it again after changing a mark).
awk '/^\\fB[A-Za-z0-9_]+\\fR \(default:/ { name = $1; gsub(/\\f[BR]/, "", name) }
     /^\\fBNot implemented in this version:/ { print name }' \
    "$top/man/man5/postconf.5" | sort >"$dir/man_marked"
"$postconf" -c "$dir" -U | grep -v '^t_' | sort >"$dir/table_marked"
[ -s "$dir/man_marked" ]
check "postconf(5) marks parameters as not implemented"
same "postconf(5) marks exactly the parameters of postconf -U" "" \
    "$(diff "$dir/table_marked" "$dir/man_marked")"

# The page is generated: an edit made to it alone is lost at the next run.
python3 "$top/tools/mkpostconf5" "$dir/postconf.5" >/dev/null
same "postconf(5) is what tools/mkpostconf5 writes from tools/postconf5-descriptions" "" \
    "$(diff "$top/man/man5/postconf.5" "$dir/postconf.5")"

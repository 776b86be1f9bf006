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
postconf=$top/bin/postconf
dir=$(mktemp -d /tmp/param-usage.XXXXXX)
trap 'rm -rf "$dir"' EXIT
unset MAIL_CONFIG

touch "$dir/main.cf"
echo 't unix - - n - - smtp' >"$dir/master.cf"

# What the table says: every name, and the ones marked.
"$postconf" -c "$dir" -dH | sort >"$dir/all"
"$postconf" -c "$dir" -U | sort >"$dir/marked"
# What the code says.
python3 "$top/tests/integration/lib/param_usage.py" "$top" "$postconf" >"$dir/read.raw"
sed -n 's/^\*_/t_/p' "$dir/read.raw" >"$dir/read.suffixes"
grep -v '^\*' "$dir/read.raw" | cat - "$dir/read.suffixes" | sort >"$dir/read"

# The rule is not vacuous: it finds well-known readers and non-readers.
for name in smtpd_banner mail_name myhostname smtp_tls_security_level \
    t_destination_concurrency_limit; do
    if grep -qx "$name" "$dir/read"; then
        echo "ok - $name counts as read by the code"
    else
        echo "not ok - $name counts as read by the code"
    fi
done
for name in smtpd_milters smtpd_sasl_auth_enable smtpd_client_connection_rate_limit; do
    if grep -qx "$name" "$dir/all" && ! grep -qx "$name" "$dir/read"; then
        echo "ok - $name counts as not read"
    else
        echo "not ok - $name counts as not read"
    fi
done

# Read but marked: the mark is wrong.
comm -12 "$dir/read" "$dir/marked" >"$dir/wrongly_marked"
if [ -s "$dir/wrongly_marked" ]; then
    echo "not ok - parameters that the code reads are marked not implemented:"
    sed 's/^/#   /' "$dir/wrongly_marked"
else
    echo "ok - no parameter that the code reads is marked not implemented"
fi

# Not read but not marked: the mark is missing.
comm -23 "$dir/all" "$dir/read" | comm -23 - "$dir/marked" >"$dir/missing_mark"
if [ -s "$dir/missing_mark" ]; then
    echo "not ok - parameters that no code reads are not marked not implemented:"
    sed 's/^/#   /' "$dir/missing_mark"
else
    echo "ok - every parameter that no code reads is marked not implemented"
fi

# Marked names are table names (no stray entries in the listing).
comm -13 "$dir/all" "$dir/marked" >"$dir/stray"
if [ -s "$dir/stray" ]; then
    echo "not ok - postconf -U lists names that postconf -d does not know:"
    sed 's/^/#   /' "$dir/stray"
else
    echo "ok - postconf -U lists only known names"
fi
marked=$(wc -l <"$dir/marked")
all=$(wc -l <"$dir/all")
echo "# $marked of $all parameters are not implemented"

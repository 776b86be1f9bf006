# assert.sh - the checks of an integration test
#
# Source this file from bash. Every check prints one line, "ok - NAME" or
# "not ok - NAME", and explains a failure in comment lines ("#   ...")
# below it; tests/run counts the lines.
#
#   . "$top/tests/integration/lib/assert.sh"
#   some command
#   check "the command succeeds"
#   has "the greeting names the host" "220 mail.example.test" "$out"
#   same "postmap -q finds the key" "OK" "$out"
#
# Functions:
#   ok NAME                    "ok - NAME"
#   not_ok NAME [DETAIL...]    "not ok - NAME", each DETAIL as a comment
#   check NAME [DETAIL...]     ok when the previous command's status is zero
#                              (else not_ok NAME DETAIL...)
#   require NAME               check, and on failure end the test at once
#                              (exit 1); for steps that every later check
#                              needs (an instance that starts, a server)
#   has NAME TEXT OUTPUT       OUTPUT contains the fixed string TEXT
#   lacks NAME TEXT OUTPUT     OUTPUT does not contain the fixed string TEXT
#   same NAME WANT GOT         GOT is exactly WANT (a diff when not)
#   fail NAME [DETAIL...]      not_ok, then end the test at once (exit 1)
#   skip REASON                "ok - skipped: REASON # SKIP" and exit 0
#   comment TEXT               TEXT as comment lines ("#   ...")
#   wait_until SECONDS CMD...  run CMD until it succeeds, for at most
#                              SECONDS; the status of the last try
#
# ASSERT_FAILURES counts the failed checks.

[ -n "${ASSERT_SH_LOADED:-}" ] && return 0
ASSERT_SH_LOADED=1
ASSERT_FAILURES=0

# comment TEXT - TEXT as comment lines; long text shows its start and end
comment() {
    local n
    n=$(printf '%s\n' "$1" | wc -l)
    if [ "$n" -le 40 ]; then
        printf '%s\n' "$1" | sed 's/^/#   /'
    else
        printf '%s\n' "$1" | head -n 20 | sed 's/^/#   /'
        echo "#   ... ($((n - 40)) lines left out)"
        printf '%s\n' "$1" | tail -n 20 | sed 's/^/#   /'
    fi
}

# ok NAME - a check that passed
ok() {
    echo "ok - $*"
}

# not_ok NAME [DETAIL...] - a check that failed, with its explanation
not_ok() {
    local name=$1
    shift
    echo "not ok - $name"
    ASSERT_FAILURES=$((ASSERT_FAILURES + 1))
    local detail
    for detail in "$@"; do
        comment "$detail"
    done
    return 0
}

# check NAME [DETAIL...] - ok when the previous command's status is zero
check() {
    if [ $? -eq 0 ]; then ok "$1"; else not_ok "$@"; fi
}

# require NAME - check; a failure ends the test
require() {
    if [ $? -eq 0 ]; then
        ok "$1"
    else
        not_ok "$1"
        echo "# a step that the rest of the test needs failed; the test ends here"
        exit 1
    fi
}

# fail NAME [DETAIL...] - a failed step that ends the test
fail() {
    not_ok "$@"
    exit 1
}

# has NAME TEXT OUTPUT - the output contains the fixed string
has() {
    if grep -qF -- "$2" <<<"$3"; then
        ok "$1"
    else
        not_ok "$1" "no \"$2\" in:" "$3"
    fi
}

# lacks NAME TEXT OUTPUT - the output does not contain the fixed string
lacks() {
    if grep -qF -- "$2" <<<"$3"; then
        not_ok "$1" "unexpected \"$2\" in:" "$3"
    else
        ok "$1"
    fi
}

# same NAME WANT GOT - exact comparison
same() {
    if [ "$2" == "$3" ]; then
        ok "$1"
    elif [ "$(printf '%s\n' "$2" | wc -l)" -le 1 ] && [ "$(printf '%s\n' "$3" | wc -l)" -le 1 ]; then
        not_ok "$1" "want: '$2'" "got:  '$3'"
    else
        not_ok "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3"))"
    fi
}

# skip REASON - the test does not apply here
skip() {
    echo "ok - skipped: $* # SKIP"
    exit 0
}

# wait_until SECONDS CMD... - until CMD succeeds, for at most SECONDS
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    while ! "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.05
    done
    return 0
}

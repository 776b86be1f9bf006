#!/bin/bash
# source_rules.sh - the source tree keeps to one way of reading configuration.
#
# The rules, and why:
#
# 1. config_current() is called only where a program starts: the process
#    CONFIG exists so that start-up code can find it, not so that a module
#    deep inside a daemon can read parameters behind its caller's back.
#    Every program binds the parameters it reads into its own config struct
#    with a CONFIG_BIND table at start-up (see src/smtp/smtp.c) and hands
#    its modules what they need; a parameter family whose names are known
#    only later is bound too (CONFIG_BIND_PER_TRANSPORT, _DEFINITIONS).
#    Allowed: src/global/config.c and config.h, which define it.
#
# 2. No var_* global crosses a file: no "extern ... var_name" anywhere, and
#    no file-scope variable named var_* at all. A value read from main.cf
#    lives in the config struct of the program that binds it.
#
# 3. The TLS security level names are spelled once, in the level table of
#    src/tls/tls_level.c (names, numbers and which role accepts which);
#    smtp, smtpd, posttls-finger and the parameter checks ask that table.
#    A C string literal that is exactly a level name ("may", "encrypt",
#    "fingerprint", "halfdane", "dane-only", "verify", "secure") outside it
#    is a second copy. "none" and "dane" are not checked: they are also
#    words of other vocabularies (tls_loglevel, delivery status, key
#    types). Parameter defaults in mail_params*.h are the compatibility
#    contract and may use any word; comments are not code.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/common.sh"
. "$top/tests/integration/lib/assert.sh"
cd "$top" || exit 1

# The rules as functions of a tree: each prints the offending lines.
LEVEL_NAMES='"(may|encrypt|fingerprint|halfdane|dane-only|verify|secure)"'

# sources DIR - the C files of a tree, relative to it
sources() {
    (cd "$1" && find src -name '*.[ch]' | sort)
}

# code - read grep -n output on stdin, drop comment-only lines
code() {
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)'
}

# in_tree DIR COMMAND... - run a command in DIR with the file list as arguments
in_tree() {
    local dir=$1
    shift
    sources "$dir" | grep -vxE "${EXEMPT:-^$}" | (cd "$dir" && xargs -r "$@")
}

rule_config_current() {
    EXEMPT='src/global/config\.(c|h)' in_tree "$1" grep -HnE '\bconfig_current[[:space:]]*\(' | code
}

rule_extern_var() {
    in_tree "$1" grep -HnE '^[[:space:]]*extern\b.*\bvar_[a-z0-9_]+' | code
}

rule_file_scope_var() {
    in_tree "$1" grep -HnE \
        '^(static[[:space:]]+)?(const[[:space:]]+)?[a-z_][a-z0-9_ ]*[[:space:]*]+var_[a-z0-9_]+[[:space:]]*(=|;|\[)' |
        code
}

rule_level_names() {
    EXEMPT='src/tls/tls_level\.c|src/global/mail_params[a-z_]*\.h' in_tree "$1" grep -HnE "$LEVEL_NAMES" |
        code | while IFS= read -r line; do
        # A trailing comment is not code either.
        if sed 's|/\*.*\*/||g' <<<"$line" | grep -qE "$LEVEL_NAMES"; then
            printf '%s\n' "$line"
        fi
    done
}

same "config_current() is called only by the start-up code that defines it" "" \
    "$(rule_config_current .)"
same "no var_* variable is declared extern" "" "$(rule_extern_var .)"
same "no file-scope var_* variable" "" "$(rule_file_scope_var .)"
same "TLS level names are spelled only in the level table (src/tls/tls_level.c)" "" \
    "$(rule_level_names .)"

# The rules can fail: each one finds an offence planted in a small tree.
plant=$(mktemp -d /tmp/source-rules.XXXXXX)
at_exit 'rm -rf "$plant"'
mkdir -p "$plant/src/x" "$plant/src/global"
printf 'static int f(void)\n{\n    return config_get_int(config_current(), "x");\n}\n' >"$plant/src/x/a.c"
printf 'CONFIG *config_current(void)\n{\n    return process_config;\n}\n' >"$plant/src/global/config.c"
printf 'extern int var_x_limit;\nlong var_y_limit;\n' >"$plant/src/x/a.h"
printf 'static const char *level = "dane-only";\n/* "secure" in a comment */\nint x; /* "may" */\n' >"$plant/src/x/b.c"
same "rule 1 sees a planted config_current() call, and not its definition" \
    "src/x/a.c:3:    return config_get_int(config_current(), \"x\");" "$(rule_config_current "$plant")"
same "rule 2 sees a planted extern var_*" "src/x/a.h:1:extern int var_x_limit;" \
    "$(rule_extern_var "$plant")"
same "rule 2 sees planted file-scope var_* variables" "2" \
    "$(rule_file_scope_var "$plant" | wc -l)"
same "rule 3 sees a planted level name, not one in a comment" \
    "src/x/b.c:1:static const char *level = \"dane-only\";" "$(rule_level_names "$plant")"

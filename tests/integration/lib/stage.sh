# stage.sh - the programs under test, where every user can reach them
#
# Integration tests run daemons as other users: "nobody", a mail_owner
# made for the test, Debian's postfix account. Those users may be unable
# to reach the build tree (a checkout in /root, or in a home directory of
# mode 0700). So the programs are copied into a temporary directory that
# every user can traverse, and the test instances use that directory as
# their command_directory and daemon_directory.
#
# POSIX sh, sourced by tests/run (one stage for a whole run) and by
# lib/common.sh (a test run on its own makes its own).
#
#   stage_create TOP   copy TOP/bin, TOP/libexec and TOP/obj/tests/helpers
#                      into a new directory, and this harness
#                      (TOP/tests/integration/lib) into its
#                      tests/integration/lib; TEST_STAGE names it (exported)
#   stage_remove       remove the directory that stage_create made
#   stage_reports      the sanitizer reports in the stage, one file a line
#
# Layout: $TEST_STAGE/bin, $TEST_STAGE/libexec, $TEST_STAGE/helpers,
# $TEST_STAGE/tests/integration/lib. A shell that a test runs as another
# user (setpriv --reuid=nobody ... bash -c) sources the harness from
# there: ". $TEST_STAGE/tests/integration/lib/common.sh" finds the stage
# through TEST_STAGE in its environment, and its TEST_TOP is the stage.
#
# With SANITIZE=1 in the environment (make test SANITIZE=1) the stage
# holds the sanitized build instead (TOP/bin-san, TOP/libexec-san,
# TOP/obj-san/tests/helpers), and a directory $TEST_STAGE/sanitizer that
# every user may write: those programs write their AddressSanitizer and
# UBSan reports there (tests/sanitize/san_options.c).

# stage_create TOP - make the stage from the build tree TOP
stage_create() {
    stage_top=$1
    TEST_STAGE=$(mktemp -d /tmp/mta-stage.XXXXXX) || return 1
    stage_made=$TEST_STAGE
    mkdir "$TEST_STAGE/bin" "$TEST_STAGE/libexec" "$TEST_STAGE/helpers" || return 1
    stage_pairs="bin:bin libexec:libexec obj/tests/helpers:helpers"
    [ "${SANITIZE:-}" = 1 ] &&
        stage_pairs="bin-san:bin libexec-san:libexec obj-san/tests/helpers:helpers"
    for stage_pair in $stage_pairs; do
        stage_from=$stage_top/${stage_pair%%:*}
        [ -d "$stage_from" ] || continue
        for stage_file in "$stage_from"/*; do
            [ -f "$stage_file" ] && [ -x "$stage_file" ] || continue
            cp -p "$stage_file" "$TEST_STAGE/${stage_pair#*:}/" || return 1
        done
    done
    mkdir -p "$TEST_STAGE/tests/integration/lib" || return 1
    for stage_file in "$stage_top"/tests/integration/lib/*; do
        [ -f "$stage_file" ] || continue
        cp -p "$stage_file" "$TEST_STAGE/tests/integration/lib/" || return 1
    done
    chmod -R a+rX,go-w "$TEST_STAGE" || return 1
    if [ "${SANITIZE:-}" = 1 ]; then
        mkdir "$TEST_STAGE/sanitizer" && chmod 1777 "$TEST_STAGE/sanitizer" || return 1
    fi
    export TEST_STAGE
}

# stage_reports - the sanitizer report files in the stage
stage_reports() {
    [ -d "${TEST_STAGE:-}/sanitizer" ] || return 0
    find "$TEST_STAGE/sanitizer" -type f
}

# stage_remove - remove the stage that this shell made
stage_remove() {
    if [ -n "${stage_made:-}" ]; then
        rm -rf "$stage_made"
        stage_made=
    fi
}

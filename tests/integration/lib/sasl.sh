# sasl.sh - private Cyrus SASL password databases for SMTP AUTH tests
#
# Source this file from bash. It makes a Cyrus SASL user database
# (sasldb, written with saslpasswd2 into a private file) and the Cyrus
# application configuration file that points at it, both in one private
# directory, for a server whose cyrus_sasl_config_path names that
# directory: our smtpd, or Debian's Postfix started with
# lib/postfix_peer.sh. Nothing outside the directory is read or written
# (no /etc/sasldb2, no /etc/postfix/sasl).
#
#   . "$top/tests/integration/lib/sasl.sh"
#   sasl_cyrus_make "$INSTANCE_DIR/sasl" example.test alice:secret bob:hunter2 ||
#       fail "make the sasldb"
#   instance_main_cf "smtpd_sasl_auth_enable = yes" \
#       "cyrus_sasl_config_path = $SASL_CONFIG_DIR" \
#       "smtpd_sasl_local_domain = example.test"
#   swaks ... --auth PLAIN --auth-user alice --auth-password secret
#
# Users are stored in the given realm: a server finds them when its
# realm is the same (smtpd_sasl_local_domain = REALM), and a client may
# also log in as "user@REALM".
#
# Functions:
#   sasl_cyrus_make DIR REALM USER:PASSWORD...
#                          make DIR (mode 755) with DIR/sasldb2 holding
#                          the users, and DIR/APP.conf (APP is
#                          SASL_CYRUS_APP, default "smtpd", the
#                          smtpd_sasl_path) with
#                            pwcheck_method: auxprop
#                            auxprop_plugin: sasldb
#                            sasldb_path: DIR/sasldb2
#                            mech_list: SASL_CYRUS_MECHS
#                          The files belong to SASL_CYRUS_OWNER (default:
#                          the instance's user, INSTANCE_RUN_AS, when
#                          there is one) and are readable by it only.
#                          Returns 1, with a comment line, when
#                          saslpasswd2 is missing or fails. Sets
#                          SASL_CONFIG_DIR=DIR and SASL_DB=DIR/sasldb2.
#   sasl_cyrus_user DIR REALM USER PASSWORD
#                          add or change one user in DIR/sasldb2
#   sasl_cyrus_delete DIR REALM USER
#                          remove one user from DIR/sasldb2
#
# Variables (set before the call):
#   SASL_CYRUS_APP     application name, the file name of the .conf
#                      ("smtpd"; it is what smtpd_sasl_path names)
#   SASL_CYRUS_MECHS   the mech_list line ("PLAIN LOGIN CRAM-MD5 DIGEST-MD5")
#   SASL_CYRUS_OWNER   owner of the files (default: INSTANCE_RUN_AS, if set)
#   SASL_CYRUS_GROUP   group that may also read them (default: none); for
#                      a Debian Postfix peer, whose smtpd runs as postfix

[ -n "${SASL_SH_LOADED:-}" ] && return 0
SASL_SH_LOADED=1

SASL_CONFIG_DIR=
SASL_DB=
# saslpasswd2 is in /usr/sbin, which an ordinary user's PATH lacks on Debian.
SASL_SASLPASSWD2=$(PATH=$PATH:/usr/sbin:/sbin command -v saslpasswd2)

# sasl_cyrus_user DIR REALM USER PASSWORD - add or change one user
sasl_cyrus_user() {
    local dir=$1 realm=$2 user=$3 password=$4
    printf '%s' "$password" | "$SASL_SASLPASSWD2" -f "$dir/sasldb2" -c -p -u "$realm" "$user" ||
        { echo "# saslpasswd2 could not add $user@$realm to $dir/sasldb2"; return 1; }
    sasl_cyrus_own "$dir"
}

# sasl_cyrus_delete DIR REALM USER - remove one user
sasl_cyrus_delete() {
    local dir=$1 realm=$2 user=$3
    "$SASL_SASLPASSWD2" -f "$dir/sasldb2" -d -u "$realm" "$user" ||
        { echo "# saslpasswd2 could not remove $user@$realm from $dir/sasldb2"; return 1; }
}

# sasl_cyrus_own DIR - give the files to their reader
sasl_cyrus_own() {
    local dir=$1 owner=${SASL_CYRUS_OWNER:-${INSTANCE_RUN_AS:-}} group=${SASL_CYRUS_GROUP:-}
    local mode=600
    [ -n "$group" ] && mode=640
    chmod "$mode" "$dir"/* || return 1
    if [ -n "$owner" ]; then chown "$owner" "$dir"/* || return 1; fi
    if [ -n "$group" ]; then chgrp "$group" "$dir"/* || return 1; fi
    return 0
}

# sasl_cyrus_make DIR REALM USER:PASSWORD... - sasldb and application file
sasl_cyrus_make() {
    local dir=$1 realm=$2 entry
    local app=${SASL_CYRUS_APP:-smtpd} mechs=${SASL_CYRUS_MECHS:-PLAIN LOGIN CRAM-MD5 DIGEST-MD5}
    shift 2
    [ -n "$SASL_SASLPASSWD2" ] ||
        { echo "# saslpasswd2 is missing (Debian package sasl2-bin)"; return 1; }
    mkdir -p "$dir" && chmod 755 "$dir" || return 1
    rm -f "$dir/sasldb2"
    for entry in "$@"; do
        sasl_cyrus_user "$dir" "$realm" "${entry%%:*}" "${entry#*:}" || return 1
    done
    cat >"$dir/$app.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $dir/sasldb2
mech_list: $mechs
EOF
    sasl_cyrus_own "$dir" || return 1
    SASL_CONFIG_DIR=$dir
    SASL_DB=$dir/sasldb2
}

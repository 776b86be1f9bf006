#!/bin/bash
# smtpd_sasl_root.sh - SMTP AUTH with the Cyrus back end when the mail
# system runs as root: smtpd starts the SASL library (smtpd.conf, the
# plug-ins) before it drops to mail_owner, and then checks passwords as
# mail_owner; a chrooted smtpd (chroot y) reads its application file
# before the chroot and its sasldb inside the jail. The mail_owner
# account and the setgid_group are made for the test and removed at the
# end.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/sasl.sh"

[ "$(id -u)" -eq 0 ] || skip "the root mode needs root"
command -v swaks >/dev/null || fail "swaks is missing (Debian package swaks)"

owner=mtao$$
group=mtad$$
groupadd "$group" || fail "groupadd $group"
at_exit 'groupdel "$group" 2>/dev/null'
useradd -M -U -d /nonexistent -s /usr/sbin/nologin "$owner" || fail "useradd $owner"
at_exit 'userdel "$owner" 2>/dev/null'
INSTANCE_MODE=root
INSTANCE_MAIL_OWNER=$owner
INSTANCE_SETGID_GROUP=$group
instance_create
conf=$INSTANCE_CONF
read -r p_drop p_jail <<<"$(free_port 2 | tr '\n' ' ')"

cert_make "$conf" server /CN=mail.example.test || fail "make the certificate"
chmod 600 "$conf/server.key"
# The sasldb belongs to root and may be read by mail_owner's group only.
SASL_CYRUS_OWNER=root SASL_CYRUS_GROUP=$owner \
    sasl_cyrus_make "$INSTANCE_DIR/sasl" example.test alice:Sesame-0pen || fail "make the sasldb"
# The chrooted smtpd: an application file of its own, naming a sasldb inside the jail.
jail_db=/sasl-jail/sasldb2
cat >"$INSTANCE_DIR/sasl/smtpd_jail.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $jail_db
mech_list: PLAIN LOGIN CRAM-MD5
EOF
chmod 644 "$INSTANCE_DIR/sasl/smtpd_jail.conf"

instance_main_cf \
    "mynetworks = 192.0.2.0/24" \
    "mydestination = mail.example.test" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $conf/server.pem" \
    "smtpd_tls_key_file = $conf/server.key" \
    "smtpd_tls_auth_only = yes" \
    "smtpd_sasl_auth_enable = yes" \
    "cyrus_sasl_config_path = $SASL_CONFIG_DIR" \
    "smtpd_sasl_local_domain = example.test" \
    "smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination"
instance_master_cf \
    "cleanup unix n - n - 0 cleanup" \
    "127.0.0.1:$p_drop inet n - n - - smtpd" \
    "127.0.0.1:$p_jail inet n - y - - smtpd -o smtpd_sasl_path=smtpd_jail"
instance_start "$p_drop" "$p_jail"
require "postfix start as root"
mkdir -p "$INSTANCE_QUEUE$(dirname "$jail_db")" &&
    cp "$SASL_DB" "$INSTANCE_QUEUE$jail_db" && chown root:"$owner" "$INSTANCE_QUEUE$jail_db" &&
    chmod 640 "$INSTANCE_QUEUE$jail_db"
check "a copy of the sasldb inside the jail"

# swaks_send NAME PORT PASSWORD - one message over STARTTLS with AUTH PLAIN; the transcript in $out
swaks_send() {
    out=$(bounded 60 swaks --server "127.0.0.1:$2" --tls --timeout 20 --auth PLAIN \
        --auth-user alice --auth-password "$3" --from alice@example.test \
        --to someone@other.test --header "Subject: $1" 2>&1)
}

swaks_send "dropped" "$p_drop" Sesame-0pen
has "root mode: AUTH as mail_owner" "235 2.7.0 Authentication successful" "$out"
has "root mode: relayed" "250 2.0.0 Ok: queued as" "$out"
swaks_send "dropped, wrong" "$p_drop" Sesame-0pem
has "root mode: a wrong password is refused" "535 5.7.8 Error: authentication failed" "$out"
swaks_send "jailed" "$p_jail" Sesame-0pen
has "chroot: AUTH with the sasldb inside the jail" "235 2.7.0 Authentication successful" "$out"
has "chroot: relayed" "250 2.0.0 Ok: queued as" "$out"
swaks_send "jailed, wrong" "$p_jail" nope
has "chroot: a wrong password is refused" "535 5.7.8 Error: authentication failed" "$out"

# The smtpd processes run as mail_owner.
uids=$(for pid in $(instance_procs | awk '$3 ~ /smtpd/ { print $2 }'); do
    awk '/^Uid:/ { print $2 }' "/proc/$pid/status"
done | sort -u)
if [ -n "$uids" ] && [ "$uids" = "$(id -u "$owner")" ]; then
    ok "smtpd runs as mail_owner"
else
    not_ok "smtpd runs as mail_owner" "uids: $uids" "$(instance_procs)"
fi
text=$(instance_log)
lacks "the log never holds the password" "Sesame-0pen" "$text"
! grep -q 'panic\|fatal\|SASL per-process initialization failed' <<<"$text"
check "no panic, fatal error or failed SASL start in the log"
[ "$ASSERT_FAILURES" -eq 0 ]

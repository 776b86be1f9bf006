#!/bin/bash
# install.sh - "make install DESTDIR=..." and "make uninstall": the layout,
# main.cf recording the installation, existing configuration kept, users
# created only with CREATE_USERS=yes, postfix post-install and
# set-permissions, the systemd unit (systemd-analyze verify), and, as root,
# the installed copy started on its own (no file of the build tree) that
# receives a mail over SMTP and delivers it; uninstall leaves only the
# configuration, the queue and the data directory.
#
# As root the test makes a mail_owner, a setgid group and a recipient,
# and removes them at the end. As an ordinary user it checks what needs
# no root: the layout, the kept configuration and uninstall.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/installed.sh"

# outside_kept - installed files and links outside configuration, queue and data
outside_kept() {
    (cd "$INSTALLED_ROOT" && find . \( -type f -o -type l \) \
        ! -path ./etc/postfix/\* ! -path ./var/spool/postfix/\* ! -path ./var/lib/postfix/\* \
        ! -path ./work/\*)
}

# delivered_file MARKER - the delivered message that contains MARKER (fails when none)
delivered_file() {
    grep -ls -- "$1" "$INSTALLED_WORK"/home/Maildir/new/* | head -1 | grep .
}

# stop_direct - the installation without DESTDIR: SIGKILL, by pid, what is left of it
stop_direct() {
    local pid
    [ -n "${direct_pid:-}" ] || return 0
    for pid in $(ps -e -o pgid=,pid= | awk -v g="$direct_pid" '$1 == g { print $2 }'); do
        kill -9 "$pid" 2>/dev/null
    done
}

tag=$$
owner=pio$tag group=pig$tag rcpt=piu$tag
root=false
[ "$(id -u)" -eq 0 ] && root=true
if $root; then
    # Registered first, so that they run last, after the installation stopped.
    at_exit 'groupdel "$group" 2>/dev/null'
    at_exit 'userdel "$owner" 2>/dev/null; userdel "$rcpt" 2>/dev/null'
fi
installed_create
require "a staging directory"
accounts="mail_owner=$owner setgid_group=$group"

# --- accounts are never created silently ---
# shellcheck disable=SC2086
installed_make install $accounts
require "make install DESTDIR=... succeeds without the accounts"
grep -q "the user \"$owner\" does not exist" "$INSTALLED_OUT" &&
    grep -q "the group \"$group\" does not exist" "$INSTALLED_OUT" &&
    grep -q "CREATE_USERS=yes" "$INSTALLED_OUT"
check "make install says which accounts are missing and how to create them"
! getent passwd "$owner" >/dev/null && ! getent group "$group" >/dev/null
check "make install creates no account unless asked"

# --- the layout ---
[ -x "$INSTALLED_SBIN/postfix" ] && [ -x "$INSTALLED_SBIN/postconf" ] &&
    [ -x "$INSTALLED_SBIN/sendmail" ] && [ -x "$INSTALLED_LIBEXEC/master" ] &&
    [ -x "$INSTALLED_LIBEXEC/smtpd" ] && [ -x "$INSTALLED_LIBEXEC/local" ] &&
    [ ! -e "$INSTALLED_SBIN/master" ] &&
    [ "$(readlink "$INSTALLED_ROOT/usr/local/bin/mailq")" = /usr/local/sbin/sendmail ]
check "commands go to sbin, daemons to libexec/postern, mailq links to sendmail"
[ -f "$INSTALLED_MAN/man1/postfix.1" ] && [ -f "$INSTALLED_MAN/man8/smtpd.8" ] &&
    [ -f "$INSTALLED_MAN/man5/postconf.5" ] &&
    [ -f "$INSTALLED_ROOT/usr/local/share/doc/postern/INSTALL" ]
check "manual pages and README files are installed"
[ "$(installed_postconf -h daemon_directory)" = /usr/local/libexec/postern ] &&
    [ "$(installed_postconf -h command_directory)" = /usr/local/sbin ] &&
    [ "$(installed_postconf -h queue_directory)" = /var/spool/postfix ] &&
    [ "$(installed_postconf -h mail_owner)" = "$owner" ] &&
    [ "$(installed_postconf -h setgid_group)" = "$group" ]
check "main.cf records the installation directories and accounts"
! grep -rq "$top" "$INSTALLED_CONF"
check "the installed configuration does not refer to the build tree"

# --- the systemd unit ---
grep -qx "Type=forking" "$INSTALLED_UNIT" &&
    grep -qx "PIDFile=/var/spool/postfix/pid/master.pid" "$INSTALLED_UNIT" &&
    grep -qx "ExecStart=/usr/local/sbin/postfix -c /etc/postfix start" "$INSTALLED_UNIT" &&
    grep -qx "ExecStop=/usr/local/sbin/postfix -c /etc/postfix stop" "$INSTALLED_UNIT" &&
    grep -qx "ExecReload=/usr/local/sbin/postfix -c /etc/postfix reload" "$INSTALLED_UNIT"
check "postern.service: Type=forking, master's PIDFile, postfix start/stop/reload"
# systemd-analyze checks the programs and manual pages the unit names, so
# verify a copy whose paths lead into the staging root.
unit_copy=$INSTALLED_WORK/postern.service
sed "s|/usr/local/sbin/|$INSTALLED_SBIN/|g" "$INSTALLED_UNIT" >"$unit_copy"
MANPATH=$INSTALLED_MAN systemd-analyze verify "$unit_copy" >"$INSTALLED_WORK/verify.out" 2>&1
check "systemd-analyze verify accepts the unit"
[ -s "$INSTALLED_WORK/verify.out" ] && comment "$(cat "$INSTALLED_WORK/verify.out")"
sed 's/^Type=forking/Type=forked/' "$unit_copy" >"$INSTALLED_WORK/bad.service"
systemd-analyze verify "$INSTALLED_WORK/bad.service" 2>&1 | grep -q "Failed to parse.*forked"
check "systemd-analyze verify rejects a broken copy of it"
rm -f "$unit_copy" "$INSTALLED_WORK/bad.service" "$INSTALLED_WORK/verify.out"

# --- existing configuration is kept ---
installed_postconf -e "smtpd_banner = kept-banner" && echo "# kept-master-line" >>"$INSTALLED_CONF/master.cf"
master_before=$(md5sum <"$INSTALLED_CONF/master.cf")
# shellcheck disable=SC2086
installed_make install $accounts
check "make install runs again over an installation"
[ "$(installed_postconf -h smtpd_banner)" = kept-banner ] &&
    [ "$(md5sum <"$INSTALLED_CONF/master.cf")" = "$master_before" ] &&
    grep -q "keeping the existing /etc/postfix/main.cf" "$INSTALLED_OUT"
check "make install keeps an existing main.cf and master.cf"
sed -i '/kept-master-line/d' "$INSTALLED_CONF/master.cf"

if $root; then
    # --- accounts on request; setgid commands ---
    # shellcheck disable=SC2086
    installed_make install $accounts CREATE_USERS=yes
    check "make install CREATE_USERS=yes"
    getent passwd "$owner" >/dev/null && getent group "$group" >/dev/null &&
        grep -q "created user $owner" "$INSTALLED_OUT"
    check "CREATE_USERS=yes creates the mail_owner and the setgid_group"
    [ "$(stat -c %U:%G:%a "$INSTALLED_SBIN/postdrop")" = "root:$group:2755" ] &&
        [ "$(stat -c %U:%G:%a "$INSTALLED_SBIN/postqueue")" = "root:$group:2755" ]
    check "postdrop and postqueue are setgid setgid_group"

    # --- the installed copy, on its own ---
    useradd -M -U -d "$INSTALLED_WORK/home" -s /bin/sh "$rcpt" &&
        mkdir "$INSTALLED_WORK/home" && chown "$rcpt:" "$INSTALLED_WORK/home"
    require "a recipient account with its home in the staging directory"
    installed_localize &&
        installed_postconf -e "home_mailbox = Maildir/" "alias_maps =" \
            "mydestination = \$myhostname, localhost"
    check "postconf -c adjusts the installed main.cf"
    port=$(free_port)
    installed_smtp_port "$port"
    check "the smtp service moves to a free loopback port"

    installed_postfix post-install
    check "postfix post-install"
    [ "$(stat -c %U:%G:%a "$INSTALLED_QUEUE")" = "root:root:755" ] &&
        [ "$(stat -c %U:%a "$INSTALLED_QUEUE/incoming")" = "$owner:700" ] &&
        [ "$(stat -c %U:%G:%a "$INSTALLED_QUEUE/maildrop")" = "$owner:$group:730" ] &&
        [ "$(stat -c %U:%G:%a "$INSTALLED_QUEUE/public")" = "$owner:$group:710" ] &&
        [ "$(stat -c %U:%a "$INSTALLED_QUEUE/private")" = "$owner:700" ] &&
        [ "$(stat -c %U:%a "$INSTALLED_QUEUE/pid")" = "root:755" ] &&
        [ "$(stat -c %U:%a "$INSTALLED_DATA")" = "$owner:700" ]
    check "post-install makes the queue and data directories with owners and modes"
    chown root:root "$INSTALLED_QUEUE/deferred" && chmod 777 "$INSTALLED_QUEUE/deferred" &&
        mkdir "$INSTALLED_QUEUE/deferred/A" && : >"$INSTALLED_QUEUE/deferred/A/B" &&
        chgrp root "$INSTALLED_QUEUE/public" && chmod 755 "$INSTALLED_SBIN/postdrop" &&
        : >"$INSTALLED_WORK/victim" && ln -s "$INSTALLED_WORK/victim" "$INSTALLED_QUEUE/deferred/A/sym" &&
        ln "$INSTALLED_WORK/victim" "$INSTALLED_QUEUE/deferred/A/hard" &&
        ln -s "$INSTALLED_WORK" "$INSTALLED_QUEUE/deferred/D" &&
        chmod 666 "$INSTALLED_CONF/main.cf" && chown "$owner" "$INSTALLED_LIBEXEC/smtpd" &&
        chmod 775 "$INSTALLED_LIBEXEC/smtpd"
    installed_postfix set-permissions 2>"$INSTALLED_WORK/perms.out"
    check "postfix set-permissions"
    [ "$(stat -c %U:%a "$INSTALLED_QUEUE/deferred")" = "$owner:700" ] &&
        [ "$(stat -c %U "$INSTALLED_QUEUE/deferred/A")" = "$owner" ] &&
        [ "$(stat -c %U "$INSTALLED_QUEUE/deferred/A/B")" = "$owner" ] &&
        [ "$(stat -c %G:%a "$INSTALLED_QUEUE/public")" = "$group:710" ] &&
        [ "$(stat -c %G:%a "$INSTALLED_SBIN/postdrop")" = "$group:2755" ]
    check "set-permissions repairs queue owners, modes, contents and setgid commands"
    [ "$(stat -c %U:%a "$INSTALLED_CONF/main.cf")" = "root:644" ] &&
        [ "$(stat -c %U:%a "$INSTALLED_LIBEXEC/smtpd")" = "root:755" ]
    check "set-permissions: only root may write main.cf and the daemons"
    [ "$(stat -c %U "$INSTALLED_WORK/victim")" = root ] && [ "$(stat -c %U "$INSTALLED_WORK")" = root ] &&
        grep -q "deferred/A/hard has 2 links: owner not changed" "$INSTALLED_WORK/perms.out"
    check "set-permissions follows no symbolic link and gives away no multiply-linked file"
    rm -f "$INSTALLED_QUEUE/deferred/D"
    rm -rf "$INSTALLED_QUEUE/deferred/A"

    : >"$INSTALLED_LOG" # set-permissions warned above, on purpose
    installed_start
    require "the installed copy starts as root"
    lacks "the installed configuration starts without a warning" "warning:" "$(cat "$INSTALLED_LOG")"
    [ "$(ps -o user= -p "$INSTALLED_MASTER_PID")" = root ] &&
        [ "$(readlink "/proc/$INSTALLED_MASTER_PID/exe")" = "$INSTALLED_LIBEXEC/master" ]
    check "master is the installed one and runs as root"
    wait_port "$port" 10
    require "the installed smtpd listens on 127.0.0.1:$port"
    exec {c}<>"/dev/tcp/127.0.0.1/$port"
    read -t 10 -r greeting <&"$c"
    smtpd_pid=$(installed_procs | awk '$3 ~ /smtpd$/ { print $2; exit }')
    [ -n "$greeting" ] && [ "$(ps -o user= -p "$smtpd_pid")" = "$owner" ] &&
        [ "$(readlink "/proc/$smtpd_pid/exe")" = "$INSTALLED_LIBEXEC/smtpd" ]
    check "smtpd is the installed one and runs as mail_owner"
    echo QUIT >&"$c"
    exec {c}>&-

    marker=installed-$tag
    bounded 30 swaks --server 127.0.0.1 --port "$port" --from sender@example.org \
        --to "$rcpt@mail.example.test" --header "Subject: $marker" --body "$marker" \
        --timeout 10 >"$INSTALLED_WORK/swaks.out" 2>&1
    check "the installed copy accepts a mail over SMTP"
    wait_until 20 delivered_file "$marker" >/dev/null
    delivered=$(delivered_file "$marker")
    [ -n "$delivered" ] && [ "$(stat -c %U "$delivered")" = "$rcpt" ]
    check "the installed copy delivers it to the recipient's Maildir"
    # local writes the log line after the Maildir file: wait for it.
    wait_until 10 grep -q "to=<$rcpt@mail.example.test>.*status=sent" "$INSTALLED_LOG"
    check "the delivery is logged"

    installed_postfix stop >/dev/null 2>&1
    check "postfix stop"
    same "postfix stop leaves no process behind" "" "$(installed_procs)"
fi

if $root; then
    # --- without DESTDIR, other directories: install prepares the queue itself ---
    d=$INSTALLED_WORK/direct
    direct_vars=(prefix="$d/usr" config_directory="$d/etc/postern" queue_directory="$d/spool"
        data_directory="$d/lib" systemd_unit_directory="$d/unit" mail_owner="$owner"
        setgid_group="$group")
    bounded "$INSTALLED_MAKE_TIMEOUT" make -C "$top" --no-print-directory install "${direct_vars[@]}" \
        >"$INSTALLED_WORK/direct.out" 2>&1
    check "make install prefix=... config_directory=... (no DESTDIR) as root"
    [ "$(stat -c %U:%G:%a "$d/spool/maildrop")" = "$owner:$group:730" ] &&
        [ "$(stat -c %U:%a "$d/spool/active")" = "$owner:700" ] &&
        [ "$(stat -c %U:%a "$d/lib")" = "$owner:700" ]
    check "without DESTDIR, install runs post-install: the queue is ready"
    grep -qx "ExecStart=$d/usr/sbin/postfix -c $d/etc/postern start" "$d/unit/postern.service" &&
        grep -qx "PIDFile=$d/spool/pid/master.pid" "$d/unit/postern.service" &&
        MANPATH=$d/usr/share/man systemd-analyze verify "$d/unit/postern.service" >/dev/null 2>&1
    check "its unit names the chosen directories and passes systemd-analyze verify"
    direct_port=$(free_port)
    "$d/usr/sbin/postconf" -c "$d/etc/postern" -e "maillog_file = $INSTALLED_WORK/direct.log" \
        "maillog_file_prefixes = $INSTALLED_WORK" "inet_interfaces = 127.0.0.1" \
        "inet_protocols = ipv4" "myhostname = mail.example.test" &&
        sed -i -E "s/^smtp( +)inet /127.0.0.1:$direct_port\1inet /" "$d/etc/postern/master.cf" &&
        bounded 60 "$d/usr/sbin/postfix" -c "$d/etc/postern" start 2>/dev/null
    check "that installation starts with only its port and log set"
    direct_pid=$(tr -d ' \n' <"$d/spool/pid/master.pid" 2>/dev/null)
    at_exit stop_direct
    greeting=
    if wait_port "$direct_port" 10; then
        exec {c}<>"/dev/tcp/127.0.0.1/$direct_port"
        read -t 10 -r greeting <&"$c"
        echo QUIT >&"$c"
        exec {c}>&-
    fi
    case $greeting in "220 "*) true ;; *) false ;; esac &&
        [ "$(readlink "/proc/$direct_pid/exe")" = "$d/usr/libexec/postern/master" ]
    check "it greets on its port, from its own master"
    bounded 60 "$d/usr/sbin/postfix" -c "$d/etc/postern" stop >/dev/null 2>&1
    check "and stops"
    stop_direct
    bounded "$INSTALLED_MAKE_TIMEOUT" make -C "$top" --no-print-directory uninstall \
        "${direct_vars[@]}" >>"$INSTALLED_WORK/direct.out" 2>&1 &&
        [ -z "$(cd "$d" && find . \( -type f -o -type l \) ! -path ./etc/postern/\* ! -path ./spool/\* ! -path ./lib/\*)" ] &&
        [ -f "$d/etc/postern/main.cf" ]
    check "make uninstall with the same variables leaves configuration, queue and data"
fi

# --- uninstall ---
# shellcheck disable=SC2086
installed_make uninstall $accounts
check "make uninstall"
same "make uninstall leaves no file outside configuration, queue and data" "" "$(outside_kept)"
[ -f "$INSTALLED_CONF/main.cf" ] && [ -f "$INSTALLED_CONF/master.cf" ] &&
    [ -d "$INSTALLED_QUEUE" ] && [ -d "$INSTALLED_DATA" ] &&
    grep -qx "smtpd_banner = kept-banner" "$INSTALLED_CONF/main.cf"
check "make uninstall keeps main.cf, master.cf, the queue and the data directory"

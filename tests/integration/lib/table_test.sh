# table_test.sh - what the tests of database tables share (mysql:, pgsql:,
# ldap:): postmap runs, test certificates for the server, and an instance
# whose smtpd routes by the table, with the checks an operator makes
# while the database server goes down and comes back.
#
# Source this file from bash after lib/instance.sh, and call
# instance_create first.
#
#   table_certs DIR CN
#       DIR (made, mode 755) with ca.pem, server.pem/.key for CN (signed
#       by ca), otherca.pem (another CA), readable by the server's user;
#       ends the test when they cannot be made
#   run_pm ARGS...
#       postmap with the instance's configuration, at most 60 seconds:
#       output in $out, standard error in $err, exit status in $rc, the
#       seconds it took in $secs
#   table_smtpd_start LINE...
#       an instance with smtpd on a free port (TABLE_SMTP_PORT) relaying
#       to a scripted sink (TABLE_SINK, TABLE_SINK_PORT), with proxymap,
#       mynetworks 127.0.0.0/8, virtual_transport and relayhost to the
#       sink, long retry times, and the main.cf LINEs (the table
#       settings); ends the test when it does not start
#   table_send SUBJECT RCPT...
#       one message from s@src.test to smtpd; the last line of each reply
#   table_smtpd_checks LABEL DOMAIN STOP START
#       the operator's checks of a table that maps alice@DOMAIN and
#       bob@DOMAIN and lacks nobody@DOMAIN: alice accepted and delivered,
#       nobody rejected at RCPT; after the command STOP (the server
#       stopped) RCPT gets 451 4.3.0 and nothing is queued; after START
#       the same daemons accept and deliver again; nothing bounced. LABEL
#       names the database in the check names.

[ -n "${TABLE_TEST_SH_LOADED:-}" ] && return 0
TABLE_TEST_SH_LOADED=1

TABLE_SMTP_PORT=
TABLE_SINK=
TABLE_SINK_PORT=

# table_certs DIR CN - a CA, a server certificate and another CA
table_certs() {
    local dir=$1 cn=$2
    mkdir -p "$dir" && chmod 755 "$dir"
    cert_make "$dir" ca "/CN=Test database CA" &&
        cert_make "$dir" server "/CN=$cn" ca &&
        cert_make "$dir" otherca "/CN=Another CA" || fail "test certificates"
    chmod 644 "$dir"/*.pem "$dir"/*.key
}

# run_pm ARGS... - postmap; output in $out, errors in $err, status in $rc
run_pm() {
    local start=$SECONDS
    out=$(MAIL_CONFIG=$INSTANCE_CONF timeout 60 "$TEST_BIN/postmap" "$@" 2>"$INSTANCE_DIR/stderr")
    rc=$?
    err=$(cat "$INSTANCE_DIR/stderr")
    secs=$((SECONDS - start))
}

# table_smtpd_start LINE... - smtpd and the queue, routing by the tables in LINE...
table_smtpd_start() {
    TABLE_SMTP_PORT=$(free_port)
    TABLE_SINK=$INSTANCE_DIR/sink
    fake_smtpd_start "$TABLE_SINK" --mode plain --maildir "$TABLE_SINK"
    TABLE_SINK_PORT=$FAKE_SMTPD_PORT
    instance_master_cf_relay "$TABLE_SMTP_PORT" "proxymap unix - - n - - proxymap"
    instance_main_cf \
        "mynetworks = 127.0.0.0/8" \
        "virtual_transport = smtp:[127.0.0.1]:$TABLE_SINK_PORT" \
        "relayhost = [127.0.0.1]:$TABLE_SINK_PORT" \
        "smtpd_recipient_restrictions = permit_mynetworks, reject" \
        "minimal_backoff_time = 300s" "maximal_backoff_time = 600s" "queue_run_delay = 300s" \
        "$@"
    instance_start "$TABLE_SMTP_PORT"
    require "the instance starts"
}

# table_send SUBJECT RCPT... - one message; the replies, one a line
table_send() {
    local subject=$1
    shift
    printf 'From: s@src.test\nSubject: %s\n\nbody of %s\n' "$subject" "$subject" |
        timeout 90 python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send \
            "$TABLE_SMTP_PORT" s@src.test "$@"
}

# table_delivered SUBJECT - has the sink received the message
table_delivered() {
    wait_until 20 fake_smtpd_arrived "$TABLE_SINK" "$1" >/dev/null
}

# table_smtpd_checks LABEL DOMAIN STOP START - routing, and the server down and back
table_smtpd_checks() {
    local label=$1 domain=$2 stop=$3 start=$4 out
    out=$(table_send "to alice" "alice@$domain")
    has "a mailbox known only to $label is accepted" "250 2.0.0 Ok: queued as" "$out"
    table_delivered "to alice"
    check "... and delivered"
    out=$(table_send "to nobody" "nobody@$domain")
    has "an unknown mailbox is rejected at RCPT" "550 5.1.1 <nobody@$domain>" "$out"
    $stop
    out=$(table_send "while down" "bob@$domain")
    has "server stopped: RCPT gets 451 4.3.0" \
        "451 4.3.0 <bob@$domain>: Temporary lookup failure" "$out"
    lacks "... and nothing is queued" "queued as" "$out"
    $start
    out=$(table_send "after restart" "bob@$domain")
    has "server back: the same daemons accept again" "250 2.0.0 Ok: queued as" "$out"
    table_delivered "after restart"
    check "... and deliver"
    lacks "nothing bounced" "status=bounced" "$(instance_log)"
}

#!/bin/bash
# tlsmgr.sh - tlsmgr(8) under master(8) on a private instance: smtpd
# processes share sessions through it (a session that one process made is
# resumed by another: TLS 1.3 and TLS 1.2 tickets through the shared ticket
# keys, TLS 1.2 session ids through the smtpd cache database); a killed
# tlsmgr is restarted by master and handshakes go on; without tlsmgr an
# smtpd logs one warning and every handshake still completes. The client
# is posttls-finger with -r (reconnect and report resumption).

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"

# ptf ARGS... - posttls-finger with this instance's configuration, for at most 60 seconds
ptf() {
    MAIL_CONFIG=$INSTANCE_CONF bounded 60 "$TEST_BIN/posttls-finger" "$@"
}

instance_create
certs=$INSTANCE_DIR/certs
certs_make "$certs"
check "certificates made"
[ -n "$INSTANCE_RUN_AS" ] && chown -R "$INSTANCE_RUN_AS" "$certs"
read -r p_tkt p_sid p_none <<<"$(free_port 3 | tr '\n' ' ')"

instance_main_cf \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_chain_files = $certs/rsa-chain.pem" \
    "smtpd_tls_loglevel = 1" \
    "smtpd_tls_session_cache_database = btree:\$data_directory/smtpd_scache" \
    "smtpd_error_sleep_time = 0"
instance_master_cf \
    "tlsmgr unix - - n 1000? 1 tlsmgr" \
    "127.0.0.1:$p_tkt inet n - n - - smtpd -o max_use=1" \
    "127.0.0.1:$p_sid inet n - n - - smtpd -o max_use=1 -o tls_ssl_options=NO_TICKET" \
    "127.0.0.1:$p_none inet n - n - 1 smtpd -o tlsmgr_service_name=notlsmgr"
instance_start "$p_tkt" "$p_none"
require "instance starts"

# finger PORT ARGS... - posttls-finger, then one reconnection
finger() {
    local port=$1
    shift
    ptf -c -l may -r 1 -m 1 "$@" "[127.0.0.1]:$port" 2>&1
}

# smtpd_pids WHAT - pids of smtpd processes that logged WHAT, in log order
smtpd_pids() {
    grep -F "$1" "$INSTANCE_LOG" | sed -n 's/.*smtpd\[\([0-9]*\)\].*/\1/p' | tr '\n' ' '
}

# resumed NAME PORT ARGS... - the reconnection resumes, in another smtpd process
resumed() {
    local name=$1 port=$2 out est reu before
    shift 2
    before=$(grep -c "TLS connection reused from" "$INSTANCE_LOG")
    out=$(finger "$port" "$@")
    has "$name: first connection" "TLS connection established to 127.0.0.1[127.0.0.1]:$port" "$out"
    has "$name: reconnection resumes" "TLS connection reused to 127.0.0.1[127.0.0.1]:$port" "$out"
    for _ in $(seq 100); do
        [ "$(grep -c "TLS connection reused from" "$INSTANCE_LOG")" -gt "$before" ] && break
        sleep 0.05
    done
    est=$(smtpd_pids "TLS connection established from" | awk '{print $NF}')
    reu=$(smtpd_pids "TLS connection reused from" | awk '{print $NF}')
    [ -n "$est" ] && [ -n "$reu" ] && [ "$est" != "$reu" ]
    check "$name: the session of smtpd[$est] was resumed by smtpd[$reu]"
}

resumed "TLS 1.3 ticket" "$p_tkt" -p ">=TLSv1.3"
resumed "TLS 1.2 ticket" "$p_tkt" -p "<=TLSv1.2"
resumed "TLS 1.2 session id" "$p_sid" -p "<=TLSv1.2"
[ -s "$INSTANCE_DATA/smtpd_scache.db" ]
check "the smtpd session cache database exists"

# Kill tlsmgr: master starts a new one at the next request; nothing fails.
old=$(instance_procs | awk '$3 == "tlsmgr" { print $2 }')
[ -n "$old" ] && kill -9 "$old" && instance_wait_gone "$old" 5
check "tlsmgr killed (pid $old)"
out=$(finger "$p_tkt")
has "after the kill: handshake completes" "TLS connection established to 127.0.0.1[127.0.0.1]:$p_tkt" "$out"
has "after the kill: resumption works again" "TLS connection reused" "$out"
new=$(instance_procs | awk '$3 == "tlsmgr" { print $2 }')
[ -n "$new" ] && [ "$new" != "$old" ]
check "master started a new tlsmgr (pid $new)"

# No tlsmgr for this service: one warning per process, handshakes complete.
for i in 1 2 3; do
    out=$(ptf -c -l may "[127.0.0.1]:$p_none" 2>&1)
    has "without tlsmgr: handshake $i completes" "TLS connection established" "$out"
done
instance_wait_log "notlsmgr.*disabling the TLS session cache" 5
pids=$(smtpd_pids "private/notlsmgr: " | tr ' ' '\n' | sort -u | grep -c .)
[ "$pids" = 1 ] && [ "$(grep -c "disabling the TLS session cache" "$INSTANCE_LOG")" = 1 ]
check "without tlsmgr: the smtpd logged it once for three handshakes"
[ "$(grep -c "TLS connection established from" "$INSTANCE_LOG")" = 7 ] &&
    [ "$(grep -c "TLS connection reused from" "$INSTANCE_LOG")" = 4 ]
check "smtpd logged 7 full and 4 resumed handshakes"

#!/bin/bash
# tls_cluster.sh - TLS state shared by two instances (two MX hosts, each
# with its own master, smtpd and tlsmgr) through one private memcached:
# a TLS 1.2 session that instance A made is resumed by instance B through
# the shared smtpd session cache (memcache: table), and a TLS 1.3 ticket
# that A issued is accepted by B through the shared ticket keys
# (tlsmgr_ticket_key_database), which the table holds sealed; a foreign
# entry planted in memcached is ignored and logged once, and the hosts
# fall back to keys of their own; our own smtp client (instance C, with
# a session cache of its own) delivers through a round-robin TCP proxy in
# front of A and B and resumes on one host the TLS 1.3 session that the
# other made; with memcached stopped, both instances
# go on accepting mail over STARTTLS with local caches and each logs that
# once.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
. "$top/tests/integration/lib/memcached.sh"
. "$top/tests/integration/lib/haproxy.sh"

memcached_available || skip "$MEMCACHED_MISSING"
haproxy_available || skip "$HAPROXY_MISSING"
shared=$(mktemp -d /tmp/tls-cluster.XXXXXX)
at_exit "rm -rf '$shared'"
chmod 755 "$shared"
certs_make "$shared/certs"
check "certificates made"
memcached_start
mc_port=$MEMCACHED_PORT
mc_pid=$MEMCACHED_PID
cat >"$shared/memcache-smtpd.cf" <<END
memcache = inet:127.0.0.1:$mc_port
key_format = smtpd-tls:%s
ttl = 3600
timeout = 1
data_size_limit = 50000
END
cat >"$shared/memcache-tickets.cf" <<END
memcache = inet:127.0.0.1:$mc_port
key_format = tls-tickets:%s
ttl = 7200
timeout = 1
END
openssl rand -base64 48 >"$shared/cluster-secret" && chmod 600 "$shared/cluster-secret"
check "the cluster secret made"
# Two hosts: A on 127.0.0.1 and B on 127.0.0.2, at one port with one
# service name, as MX hosts of one domain have (the service name is the
# TLS session id context: sessions resume only within one service).
port=$(free_port)
declare -A addr=([A]=127.0.0.1 [B]=127.0.0.2)

# cluster_member NAME - an instance that accepts mail over STARTTLS on ${addr[NAME]}:$port
cluster_member() {
    instance_use "$1"
    instance_create
    [ -z "$INSTANCE_RUN_AS" ] || chown "$INSTANCE_RUN_AS" "$shared/cluster-secret"
    instance_main_cf \
        "inet_interfaces = ${addr[$1]}" \
        "smtpd_tls_security_level = may" \
        "smtpd_tls_chain_files = $shared/certs/rsa-chain.pem" \
        "smtpd_tls_loglevel = 1" \
        "smtpd_tls_session_cache_database = memcache:$shared/memcache-smtpd.cf" \
        "tlsmgr_ticket_key_database = memcache:$shared/memcache-tickets.cf" \
        "tlsmgr_shared_secret_file = $shared/cluster-secret" \
        "default_transport = discard" \
        "local_transport = discard" \
        "smtpd_error_sleep_time = 0"
    instance_master_cf \
        "tlsmgr unix - - n 1000? 1 tlsmgr" \
        "$port inet n - n - - smtpd -o max_use=1" \
        "cleanup unix n - n - 0 cleanup" \
        "qmgr unix n - n 300 1 qmgr" \
        "discard unix - - n - - discard"
    instance_start && wait_until 10 bash -c "exec 3<>/dev/tcp/${addr[$1]}/$port" 2>/dev/null
    require "instance $1 starts on ${addr[$1]}:$port"
}
cluster_member A
cluster_member B

# s_client NAME ARGS... - one SMTP session with openssl s_client: EHLO, QUIT
s_client() {
    local host=${addr[$1]}
    shift
    printf 'EHLO client.example.org\nQUIT\n' |
        bounded 20 openssl s_client -connect "$host:$port" -starttls smtp -crlf -ign_eof \
            -CAfile "$shared/certs/root.pem" "$@" 2>&1
}

out=$(s_client A -tls1_2 -no_ticket -sess_out "$shared/sess12")
has "TLS 1.2 without tickets: a full handshake with A" "New, TLSv1.2" "$out"
out=$(s_client B -tls1_2 -no_ticket -sess_in "$shared/sess12")
has "TLS 1.2: B resumes A's session from the shared cache" "Reused, TLSv1.2" "$out"
instance_use B
instance_wait_log "TLS connection reused from" 5
check "B logged the resumed handshake"

out=$(s_client A -sess_out "$shared/sess13")
has "TLS 1.3: a full handshake with A" "New, TLSv1.3" "$out"
out=$(s_client B -sess_in "$shared/sess13")
has "TLS 1.3: B accepts A's ticket (shared ticket keys)" "Reused, TLSv1.3" "$out"
# Our smtp client: instance C relays through a proxy that sends one
# connection to A, the next to B; C's second delivery resumes the session
# of the first (C caches it under the proxy's address) on the other host.
proxy_port=$(free_port)
haproxy_start "$proxy_port ${addr[A]}:$port,${addr[B]}:$port"
require "a round-robin proxy in front of A and B on port $proxy_port"

# handshakes NAME - "full resumed": the TLS handshakes that NAME has logged
handshakes() {
    instance_use "$1"
    echo "$(grep -c "TLS connection established from" "$INSTANCE_LOG")" \
        "$(grep -c "TLS connection reused from" "$INSTANCE_LOG")"
}
read -r a_full a_res <<<"$(handshakes A)"
read -r b_full b_res <<<"$(handshakes B)"
c_port=$(free_port)
instance_use C
instance_create
instance_main_cf \
    "relayhost = [127.0.0.1]:$proxy_port" \
    "smtp_tls_security_level = encrypt" \
    "smtp_tls_loglevel = 1" \
    "smtp_tls_session_cache_database = btree:\$data_directory/smtp_scache" \
    "smtp_connection_cache_on_demand = no"
instance_master_cf_relay "$c_port" "tlsmgr unix - - n 1000? 1 tlsmgr"
instance_start "$c_port"
require "instance C starts on port $c_port"
for i in 1 2; do
    has "C accepts mail $i for the cluster" "250 2.0.0 Ok: queued" \
        "$(bounded 30 python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send "$c_port" \
            s@client.test "r$i@example.test" <<<"Subject: via C" 2>&1)"
    instance_wait_log "to=<r$i@example.test>.*status=sent" 15
    check "C delivered mail $i through the proxy"
done
grep -q "TLS connection established to 127.0.0.1\[127.0.0.1\]:$proxy_port" "$INSTANCE_LOG" &&
    grep -q "TLS connection reused to 127.0.0.1\[127.0.0.1\]:$proxy_port" "$INSTANCE_LOG"
check "C: a full handshake for mail 1, a resumed one for mail 2"
read -r a_full2 a_res2 <<<"$(handshakes A)"
read -r b_full2 b_res2 <<<"$(handshakes B)"
comment "A: $((a_full2 - a_full)) full, $((a_res2 - a_res)) resumed; B: $((b_full2 - b_full)) full, $((b_res2 - b_res)) resumed"
{ [ $((a_full2 - a_full)) = 1 ] && [ $((b_res2 - b_res)) = 1 ]; } ||
    { [ $((b_full2 - b_full)) = 1 ] && [ $((a_res2 - a_res)) = 1 ]; }
check "C's session made by one host was resumed by the other"

period=$(($(date +%s) / 1800))
entry=$(memcached_get "$mc_port" "tls-tickets:ticket-key-$period")
[ "${entry:0:6}" = VExTaw ]
check "the ticket key of period $period is in memcached, sealed (\"TLSk\" header)"

# A foreign entry (a well-formed header, content sealed with another
# secret) replaces the key of this period (and of the next, should the
# period turn meanwhile); new tlsmgr processes read it.
foreign() {
    python3 -c '
import base64, os, sys
p = int(sys.argv[1])
print(base64.b64encode(b"TLSk\x01" + p.to_bytes(8, "big") + os.urandom(116)).decode())' "$1"
}
for p in "$period" $((period + 1)); do
    memcached_set "$mc_port" "tls-tickets:ticket-key-$p" "$(foreign "$p")"
done
check "foreign ticket key entries written into memcached"
for name in A B; do
    instance_use "$name"
    pid=$(instance_procs | awk '$3 == "tlsmgr" { print $2 }')
    [ -n "$pid" ] && kill -9 "$pid" && instance_wait_gone "$pid" 5
    check "tlsmgr of $name stopped (pid $pid)"
done
out=$(s_client A -sess_out "$shared/sess13x")
has "foreign entry: A still completes TLS 1.3 handshakes" "New, TLSv1.3" "$out"
out=$(s_client A -sess_in "$shared/sess13x")
has "foreign entry: A resumes its own tickets (local keys)" "Reused, TLSv1.3" "$out"
out=$(s_client B -sess_in "$shared/sess13x")
has "foreign entry: B cannot accept A's ticket (no shared key)" "New, TLSv1.3" "$out"
for name in A B; do
    instance_use "$name"
    n=$(grep -c 'ignoring the entry "ticket-key-[0-9]*": authentication failed' "$INSTANCE_LOG")
    [ "$n" = 1 ]
    check "foreign entry: $name logged it once (got $n)"
done

# send_mail NAME - one mail over STARTTLS; the replies
send_mail() {
    printf 'Subject: cluster\n\nbody\n' |
        bounded 30 python3 "$TEST_TOP/tests/integration/lib/smtp_session.py" send --starttls \
            --host "${addr[$1]}" "$port" s@client.test r@example.test 2>&1
}

# memcached stops: both instances go on, each logs it once.
memcached_stop "$mc_pid"
check "memcached stopped (pid $mc_pid)"
for name in A B; do
    instance_use "$name"
    for i in 1 2; do
        has "memcached down: $name accepts mail $i over STARTTLS" "250 2.0.0 Ok: queued" \
            "$(send_mail "$name")"
    done
    out=$(s_client "$name" -tls1_2 -no_ticket -sess_out "$shared/local-$name")
    has "memcached down: $name completes a TLS 1.2 handshake" "New, TLSv1.2" "$out"
    out=$(s_client "$name" -tls1_2 -no_ticket -sess_in "$shared/local-$name")
    has "memcached down: $name resumes from its local cache" "Reused, TLSv1.2" "$out"
    n=$(grep -c "session cache: .*memcache:.*using a local in-memory cache" "$INSTANCE_LOG")
    [ "$n" = 1 ]
    check "memcached down: $name logged it once (got $n)"
done

#!/bin/bash
# bench_smoke.sh - the make bench tools still work: the load client
# (bench_load) against the OpenSSL-only server (bench_server) in each mode,
# for a fraction of a second each: bare TLS handshakes full, resumed and
# with single-use tickets, STARTTLS and plaintext SMTP sessions and messages
# over one session against the SMTP sink, and the sink's message log.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/integration/lib/instance.sh"
helpers=$TEST_HELPERS

for prog in bench_load bench_server free_port; do
    [ -x "$helpers/$prog" ] || fail "$top/obj/tests/helpers/$prog is not built"
done
dir=$(mktemp -d /tmp/bench-smoke.XXXXXX) || exit 1
pids=
at_exit 'for pid in $pids; do kill "$pid" 2>/dev/null; done
    for pid in $pids; do wait_gone "$pid" 5 || kill -9 "$pid" 2>/dev/null; done
    rm -rf "$dir"'

certs_make "$dir/certs" || fail "make certificates"
read -r p_tls p_once p_smtp <<<"$(free_port 3 | tr '\n' ' ')"
"$helpers/bench_server" -m tls -P "$p_tls" -C "$dir/certs/rsa-chain.pem" -w 2 &
pids="$pids $!"
"$helpers/bench_server" -m tls -T -P "$p_once" -C "$dir/certs/ecdsa-chain.pem" -w 2 &
pids="$pids $!"
"$helpers/bench_server" -m smtp -P "$p_smtp" -C "$dir/certs/rsa-chain.pem" -w 2 -l "$dir/sink.log" &
pids="$pids $!"
for p in $p_tls $p_once $p_smtp; do
    wait_port "$p" 10 || fail "bench_server listens on $p"
done
ok "bench_server listens (tls, tls without ticket renewal, smtp sink)"

# field JSON NAME - one number from bench_load's output
field() {
    sed -n "s/.*\"$2\": \([0-9.-]*\).*/\1/p" <<<"$1"
}

# run NAME CHECK ARGS... - run bench_load briefly; CHECK is an awk condition
# over the variables rate, errors, resumption, handshakes and cpu
run() {
    local name=$1 check=$2 out
    shift 2
    out=$(bounded 60 "$helpers/bench_load" -t 0.3 -w 0.1 "$@" 2>&1)
    if awk -v rate="$(field "$out" rate)" -v errors="$(field "$out" errors)" \
        -v resumption="$(field "$out" resumption)" -v handshakes="$(field "$out" handshakes)" \
        -v cpu="$(field "$out" client_cpu)" "BEGIN { exit !($check) }"; then
        ok "$name"
    else
        not_ok "$name" "$out"
    fi
}

run "TLS full handshakes, none resumed" \
    'rate > 0 && errors == 0 && handshakes > 0 && resumption == 0 && cpu > 0' \
    -m tls -p "$p_tls" -c 2
run "TLS resumed handshakes (tickets used again)" \
    'rate > 0 && errors == 0 && resumption > 0.9' -m tls -p "$p_tls" -r multi
run "TLS single-use tickets resume when the server renews them" \
    'rate > 0 && errors == 0 && resumption > 0.9' -m tls -p "$p_tls" -r single
run "single-use tickets resume every other time without renewal (OpenSSL 3.0 default)" \
    'rate > 0 && errors == 0 && resumption > 0.3 && resumption < 0.7' \
    -m tls -p "$p_once" -r single -V 1.3
run "TLS 1.2 handshakes" 'rate > 0 && errors == 0' -m tls -p "$p_tls" -V 1.2
run "full handshakes offering X25519 alone (-G)" 'rate > 0 && errors == 0 && handshakes > 0' \
    -m tls -p "$p_tls" -G X25519
if grep -q '^TLS_FEATURES = .*ml-kem' "$top/Makefile"; then
    run "full handshakes offering X25519MLKEM768 alone (-G)" \
        'rate > 0 && errors == 0 && handshakes > 0' -m tls -p "$p_tls" -G X25519MLKEM768
fi
run "STARTTLS sessions against the sink" 'rate > 0 && errors == 0 && handshakes > 0' \
    -m starttls -p "$p_smtp" -c 2
run "plaintext sessions against the sink" 'rate > 0 && errors == 0 && handshakes == 0' \
    -m plain -p "$p_smtp"
run "messages over one STARTTLS session" 'rate > 0 && errors == 0' -m msgs -p "$p_smtp" -k 20

out=$(bounded 60 "$helpers/bench_load" -m plain -p "$p_smtp" -c 3 -n 10)
if [ "$(field "$out" units)" = 10 ] && [ "$(field "$out" errors)" = 0 ]; then
    ok "a fixed count of sessions (-n)"
else
    not_ok "a fixed count of sessions (-n)" "$out"
fi
before=$(wc -l <"$dir/sink.log")
bounded 60 "$helpers/bench_load" -m msgs -p "$p_smtp" -n 7 -k 5 >/dev/null
after=$(wc -l <"$dir/sink.log")
if [ $((after - before)) -eq 7 ] && grep -Eq '^[0-9]+\.[0-9]{6}$' "$dir/sink.log"; then
    ok "the sink logs one time stamp per message"
else
    not_ok "the sink logs one time stamp per message" "lines before: $before, after: $after"
fi

# refused STATUS - the program exited with an error by itself (not killed by bounded)
refused() {
    [ "$1" -ne 0 ] && [ "$1" -ne 124 ] && [ "$1" -ne 137 ]
}
bounded 10 "$helpers/bench_load" -m tls -p "$p_tls" -c 0 2>/dev/null
refused $?
check "bench_load refuses a bad concurrency"
bounded 10 "$helpers/bench_load" -m tls -p "$p_tls" -G no-such-group 2>/dev/null
refused $?
check "bench_load refuses a group that OpenSSL does not know"
bounded 10 "$helpers/bench_server" -m tls -P "$p_tls" -C "$dir/nonexistent.pem" 2>/dev/null
refused $?
check "bench_server refuses a missing certificate"

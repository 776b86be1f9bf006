#!/bin/bash
# bench_smoke.sh - the make bench tools still work: the load client
# (bench_load) against the OpenSSL-only server (bench_server) in each mode,
# for a fraction of a second each: bare TLS handshakes full, resumed and
# with single-use tickets, STARTTLS and plaintext SMTP sessions and messages
# over one session against the SMTP sink, and the sink's message log.

top=$(cd "$(dirname "$0")/../.." && pwd)
helpers=$top/obj/tests/helpers
. "$top/tests/integration/lib/instance.sh"

for prog in bench_load bench_server free_port; do
    if [ ! -x "$helpers/$prog" ]; then
        echo "not ok - $helpers/$prog is not built"
        exit 1
    fi
done
dir=$(mktemp -d /tmp/bench-smoke.XXXXXX) || exit 1
pids=
stop() {
    local pid
    for pid in $pids; do
        kill "$pid" 2>/dev/null
    done
    for pid in $pids; do
        instance_wait_gone "$pid" 5 || kill -9 "$pid" 2>/dev/null
    done
    rm -rf "$dir"
}
trap stop EXIT

if ! sh "$top/tests/data/mkcerts.sh" "$dir/certs" >/dev/null 2>&1; then
    echo "not ok - make certificates"
    exit 1
fi
read -r p_tls p_once p_smtp <<<"$(free_port 3 | tr '\n' ' ')"
"$helpers/bench_server" -m tls -P "$p_tls" -C "$dir/certs/rsa-chain.pem" -w 2 &
pids="$pids $!"
"$helpers/bench_server" -m tls -T -P "$p_once" -C "$dir/certs/ecdsa-chain.pem" -w 2 &
pids="$pids $!"
"$helpers/bench_server" -m smtp -P "$p_smtp" -C "$dir/certs/rsa-chain.pem" -w 2 -l "$dir/sink.log" &
pids="$pids $!"
for p in $p_tls $p_once $p_smtp; do
    if ! instance_wait_port "$p" 10; then
        echo "not ok - bench_server listens on $p"
        exit 1
    fi
done
echo "ok - bench_server listens (tls, tls without ticket renewal, smtp sink)"

# field JSON NAME - one number from bench_load's output
field() {
    sed -n "s/.*\"$2\": \([0-9.-]*\).*/\1/p" <<<"$1"
}

# run NAME CHECK ARGS... - run bench_load briefly; CHECK is an awk condition
# over the variables rate, errors, resumption, handshakes and cpu
run() {
    local name=$1 check=$2 out
    shift 2
    out=$("$helpers/bench_load" -t 0.3 -w 0.1 "$@" 2>&1)
    if awk -v rate="$(field "$out" rate)" -v errors="$(field "$out" errors)" \
        -v resumption="$(field "$out" resumption)" -v handshakes="$(field "$out" handshakes)" \
        -v cpu="$(field "$out" client_cpu)" "BEGIN { exit !($check) }"; then
        echo "ok - $name"
    else
        echo "not ok - $name: $out"
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
run "STARTTLS sessions against the sink" 'rate > 0 && errors == 0 && handshakes > 0' \
    -m starttls -p "$p_smtp" -c 2
run "plaintext sessions against the sink" 'rate > 0 && errors == 0 && handshakes == 0' \
    -m plain -p "$p_smtp"
run "messages over one STARTTLS session" 'rate > 0 && errors == 0' -m msgs -p "$p_smtp" -k 20

out=$("$helpers/bench_load" -m plain -p "$p_smtp" -c 3 -n 10)
if [ "$(field "$out" units)" = 10 ] && [ "$(field "$out" errors)" = 0 ]; then
    echo "ok - a fixed count of sessions (-n)"
else
    echo "not ok - a fixed count of sessions (-n): $out"
fi
before=$(wc -l <"$dir/sink.log")
"$helpers/bench_load" -m msgs -p "$p_smtp" -n 7 -k 5 >/dev/null
after=$(wc -l <"$dir/sink.log")
if [ $((after - before)) -eq 7 ] && grep -Eq '^[0-9]+\.[0-9]{6}$' "$dir/sink.log"; then
    echo "ok - the sink logs one time stamp per message"
else
    echo "not ok - the sink logs one time stamp per message ($before, $after)"
fi

if "$helpers/bench_load" -m tls -p "$p_tls" -c 0 2>/dev/null; then
    echo "not ok - bench_load refuses a bad concurrency"
else
    echo "ok - bench_load refuses a bad concurrency"
fi
if "$helpers/bench_server" -m tls -P "$p_tls" -C "$dir/nonexistent.pem" 2>/dev/null; then
    echo "not ok - bench_server refuses a missing certificate"
else
    echo "ok - bench_server refuses a missing certificate"
fi

# dnssec.sh - a private DNSSEC test bed: nsd (authoritative) and unbound
# (validating resolver) on loopback
#
# Source this file from bash after lib/common.sh and lib/assert.sh
# (lib/instance.sh loads both). dnssec_start writes test zones into a
# temporary directory, signs two of them at run time with ldns-keygen and
# ldns-signzone, serves them from a private nsd, and starts a private
# unbound that validates with the zones' keys as its only trust anchors.
# Both listen on 127.0.0.1 only, on free ports chosen at run time; the
# resolver has no root hints that lead anywhere (every name outside the
# zones goes to the private nsd, which refuses it), so nothing leaves the
# machine. Both run with username: "" and chroot: "": started by root
# they stay root, started by an ordinary user they run as that user. A
# system nsd or unbound, if one runs, is never used or touched.
#
#   . "$top/tests/integration/lib/dnssec.sh"
#   dnssec_available || skip "$DNSSEC_MISSING"
#   dnssec_start "_25._tcp.mx IN TLSA 3 1 1 $digest"
#   require "the DNSSEC test bed starts"
#   ... ask 127.0.0.1 port $DNSSEC_PORT (UDP and TCP) ...
#   dnssec_stop                        # also done when the test ends
#
# The zones (names in DNSSEC_SECURE, DNSSEC_INSECURE, DNSSEC_BOGUS,
# DNSSEC_EXPIRED):
#   secure.test.            signed, trust anchor in the resolver:
#                           MX 10 mx; mx A 127.0.0.1, AAAA ::1;
#                           _25._tcp.mx TLSA 3 1 1 (a fixed digest,
#                           DNSSEC_TLSA_DIGEST); alias CNAME mx;
#                           @ TXT "v=spf1 -all"; _mta-sts TXT
#                           "v=STSv1; id=1"; and the RRs given to
#                           dnssec_start (relative names are in this zone)
#   insecure.secure.test.   unsigned, delegated from secure.test. without
#                           a DS (so provably insecure): MX 10 mx;
#                           mx A 127.0.0.1, AAAA ::1; _25._tcp.mx TLSA
#                           3 1 1 (the same digest)
#   bogus.test.             signed, trust anchor in the resolver, but mx's
#                           A record was changed after signing: MX 10 mx;
#                           mx A 127.0.0.2 (signature broken), AAAA ::1
#                           (good signature). The resolver answers
#                           SERVFAIL for mx.bogus.test. A.
#   expired.test.           signed, trust anchor in the resolver, but every
#                           signature expired long ago: MX 10 mx; mx A
#                           127.0.0.1. The resolver answers SERVFAIL.
#
# Programs that know no port for their resolver (the C library reads
# /etc/resolv.conf: Debian's Postfix, getaddrinfo) see the bed through a
# private mount namespace, in which /etc/resolv.conf is the bed's. A test
# that wants this re-executes itself in such a namespace first (root
# only), asks for the resolver on port 53 of a second loopback address,
# and mounts the bed's resolv.conf once the bed runs:
#
#   dnssec_namespace "$0" "$@" || skip "$DNSSEC_MISSING"   # re-exec, once
#   DNSSEC_RESOLV=yes
#   dnssec_start ...
#   dnssec_use_resolver                # /etc/resolv.conf -> the bed's
#
# Functions:
#   dnssec_available        0 when the bed can run here (nsd, unbound,
#                           ldns-keygen, ldns-signzone); otherwise
#                           DNSSEC_MISSING says why
#   dnssec_start [RR...]    sign the zones, start nsd and unbound, and wait
#                           (at most DNSSEC_START_TIMEOUT seconds, 20, each)
#                           until each answers over TCP. RRs are zone-file
#                           lines added to secure.test. before signing. On
#                           failure the end of the logs as comment lines,
#                           status 1. Sets DNSSEC_DIR, DNSSEC_PORT (the
#                           resolver's), DNSSEC_NSD_PORT, DNSSEC_NSD_PID,
#                           DNSSEC_UNBOUND_PID, DNSSEC_ANCHORS (the trust
#                           anchor file: the zones' DS records)
#   dnssec_stop             SIGTERM to each, by pid; SIGKILL, by pid, to
#                           what is left after 10 seconds. Safe to call twice.
#   dnssec_update RR...     secure.test. again, with these RRs instead of
#                           those given to dnssec_start, a new SOA serial,
#                           re-signed with the same keys (the anchors stay),
#                           and nsd reloaded (SIGHUP, by pid); returns when
#                           nsd serves the new serial. Resolvers see the
#                           change once their cached copies expire: give
#                           records that change a short TTL
#                           ("name 1 IN TLSA ...")
#   dnssec_stop_resolver    stop the validating unbound only, by pid (nsd and
#                           the non-validating one stay): from then on
#                           only a client that validates by itself
#                           resolves anything
#   dnssec_log_tail [LINES] the end of the logs as comment lines
#   dnssec_https_addr       a loopback address 127.44.X.Y whose port 443
#                           is free, in DNSSEC_HTTPS_ADDR: for an HTTPS
#                           server named in the zones (MTA-STS: the test
#                           passes "mta-sts IN A $DNSSEC_HTTPS_ADDR" to
#                           dnssec_start, beside the zone's _mta-sts TXT;
#                           tests/data/mkcerts.sh makes sts-chain.pem for
#                           mta-sts.secure.test, lib/https_server.py serves)
#   dnssec_namespace SCRIPT [ARG...]
#                           unless already there, re-execute the test
#                           (bash SCRIPT ARG...) in a private mount
#                           namespace (unshare -m; same pid); returns 1
#                           with DNSSEC_MISSING set when that cannot be
#                           done (not root, no unshare)
#   dnssec_use_resolver     in that namespace, bind-mount the bed's
#                           resolv.conf (DNSSEC_RESOLV_CONF: "nameserver
#                           DNSSEC_RESOLV_ADDR", "options trust-ad") over
#                           /etc/resolv.conf; needs DNSSEC_RESOLV=yes
#                           before dnssec_start
#
#   dnssec_start_resolved [RR...]
#                           the bed for a test that runs in the namespace
#                           (dnssec_namespace): DNSSEC_RESOLV=yes,
#                           dnssec_start RR..., dnssec_use_resolver; ends
#                           the test (fail, through require) when a step
#                           fails
#   dnssec_tlsa_digest CHAIN
#                           the SHA2-256 digest (hex) of the public key of
#                           the first certificate in the file CHAIN, as a
#                           TLSA 3 1 1 record names it; status 1 unless
#                           it is 64 digits long
#
#   dnssec_libunbound_params VIA
#                           main.cf lines (one a line) for the SMTP
#                           client's own validation (smtp_dns_resolver =
#                           libunbound) with the bed's trust anchors, VIA
#                           "nsd" (forwarders: the authoritative nsd itself,
#                           no resolver in between) or "plain" (the
#                           non-validating resolver, DNSSEC_PLAIN=yes)
#
# Variables read by dnssec_start: DNSSEC_RESOLV (yes: the resolver also
# listens on port 53 of a free address 127.53.X.Y, DNSSEC_RESOLV_ADDR,
# and DNSSEC_RESOLV_CONF is written), DNSSEC_INSECURE_RRS (zone-file
# lines, one a line, added to insecure.secure.test.), DNSSEC_PLAIN (yes:
# also start a second unbound that does NOT validate, has no trust
# anchors and passes on whatever nsd says, signatures and bogus data
# included, on 127.0.0.1 port DNSSEC_PLAIN_PORT, pid DNSSEC_PLAIN_PID: a
# forwarder that a client must not trust), DNSSEC_PORTS (two ports, nsd's
# and the resolver's, and a third for DNSSEC_PLAIN, for a test that took
# its free ports in one go, so that they cannot collide; default:
# free_port 3).
#
# Debian's unbound-host and ldnsutils' drill can ask the resolver by hand:
#   drill -D -p $DNSSEC_PORT mx.secure.test. A @127.0.0.1  (flags: ... ad)

[ -n "${DNSSEC_SH_LOADED:-}" ] && return 0
DNSSEC_SH_LOADED=1

DNSSEC_NSD_BIN=${DNSSEC_NSD_BIN:-/usr/sbin/nsd}
DNSSEC_UNBOUND_BIN=${DNSSEC_UNBOUND_BIN:-/usr/sbin/unbound}
DNSSEC_START_TIMEOUT=${DNSSEC_START_TIMEOUT:-20}
DNSSEC_SECURE=secure.test
DNSSEC_INSECURE=insecure.secure.test
DNSSEC_BOGUS=bogus.test
DNSSEC_EXPIRED=expired.test
DNSSEC_TLSA_DIGEST=8f4a2f1e0b5c3d6a7e9f1b2c4d6e8f0a1b3c5d7e9f2a4b6c8d0e1f3a5b7c9d1e
DNSSEC_MISSING=
DNSSEC_DIR=
DNSSEC_PORT=
DNSSEC_NSD_PORT=
DNSSEC_NSD_PID=
DNSSEC_UNBOUND_PID=
DNSSEC_ANCHORS=
DNSSEC_RESOLV=${DNSSEC_RESOLV:-}
DNSSEC_RESOLV_ADDR=
DNSSEC_RESOLV_CONF=
DNSSEC_INSECURE_RRS=${DNSSEC_INSECURE_RRS:-}
DNSSEC_PORTS=${DNSSEC_PORTS:-}
DNSSEC_PLAIN=${DNSSEC_PLAIN:-}
DNSSEC_PLAIN_PORT=
DNSSEC_PLAIN_PID=

# dnssec_available - can the bed run here?
dnssec_available() {
    DNSSEC_MISSING=
    if [ ! -x "$DNSSEC_NSD_BIN" ]; then
        DNSSEC_MISSING="nsd is not installed (nsd)"
    elif [ ! -x "$DNSSEC_UNBOUND_BIN" ]; then
        DNSSEC_MISSING="unbound is not installed (unbound)"
    elif ! command -v ldns-keygen >/dev/null 2>&1 || ! command -v ldns-signzone >/dev/null 2>&1; then
        DNSSEC_MISSING="ldns-keygen or ldns-signzone is missing (ldnsutils)"
    fi
    [ -z "$DNSSEC_MISSING" ]
}

# dnssec_zone_head ZONE [SERIAL] - SOA and NS of ZONE, served by the private nsd
dnssec_zone_head() {
    cat <<EOF
\$ORIGIN $1.
\$TTL 300
@ IN SOA ns.$1. hostmaster.$1. ${2:-1} 3600 600 86400 300
@ IN NS ns.$1.
ns IN A 127.0.0.1
EOF
}

# dnssec_sign ZONE [OPTION...] - ZONE.zone signed into ZONE.signed (ldns-signzone
# OPTIONs), its DS appended to the anchors, its key names kept in keys/ZONE.keys
dnssec_sign() {
    local zsk ksk zone=$1
    shift
    (
        cd "$DNSSEC_DIR/keys" || exit 1
        zsk=$(ldns-keygen -a ECDSAP256SHA256 "$zone") || exit 1
        ksk=$(ldns-keygen -k -a ECDSAP256SHA256 "$zone") || exit 1
        ldns-signzone "$@" -f "$DNSSEC_DIR/$zone.signed" "$DNSSEC_DIR/$zone.zone" "$zsk" "$ksk" ||
            exit 1
        echo "$zsk $ksk" >"$zone.keys"
        cat "$ksk.ds" >>"$DNSSEC_ANCHORS"
    ) >>"$DNSSEC_DIR/sign.log" 2>&1
}

# dnssec_secure_zone SERIAL [RR...] - the zone file of secure.test. on stdout
dnssec_secure_zone() {
    local s=$DNSSEC_SECURE i=$DNSSEC_INSECURE rr serial=$1
    shift
    dnssec_zone_head "$s" "$serial"
    cat <<EOF
@ IN MX 10 mx.$s.
@ IN TXT "v=spf1 -all"
_mta-sts IN TXT "v=STSv1; id=1"
mx IN A 127.0.0.1
mx IN AAAA ::1
_25._tcp.mx IN TLSA 3 1 1 $DNSSEC_TLSA_DIGEST
alias IN CNAME mx.$s.
insecure IN NS ns.$i.
ns.insecure IN A 127.0.0.1
EOF
    for rr in "$@"; do
        printf '%s\n' "$rr"
    done
}

# dnssec_update RR... - secure.test. again with these RRs, re-signed with its keys, reloaded
dnssec_update() {
    local s=$DNSSEC_SECURE keys serial deadline
    DNSSEC_SERIAL=$((${DNSSEC_SERIAL:-1} + 1))
    serial=$DNSSEC_SERIAL
    dnssec_secure_zone "$serial" "$@" >"$DNSSEC_DIR/$s.zone" || return 1
    keys=$(cat "$DNSSEC_DIR/keys/$s.keys") || return 1
    # shellcheck disable=SC2086
    (cd "$DNSSEC_DIR/keys" && ldns-signzone -f "$DNSSEC_DIR/$s.signed.new" "$DNSSEC_DIR/$s.zone" \
        $keys) >>"$DNSSEC_DIR/sign.log" 2>&1 || return 1
    # A new mtime, whatever the clock's resolution: nsd reloads changed files.
    touch -d "@$(($(date +%s) + serial))" "$DNSSEC_DIR/$s.signed.new"
    mv "$DNSSEC_DIR/$s.signed.new" "$DNSSEC_DIR/$s.signed" || return 1
    kill -HUP "$DNSSEC_NSD_PID" || return 1
    deadline=$((SECONDS + DNSSEC_START_TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        bounded 5 drill -p "$DNSSEC_NSD_PORT" "$s." SOA @127.0.0.1 2>/dev/null |
            grep -q "SOA.* $serial 3600 600" && return 0
        sleep 0.1
    done
    echo "# nsd does not serve serial $serial of $s. after SIGHUP"
    return 1
}

# dnssec_zones [RR...] - write and sign the zones
dnssec_zones() {
    local s=$DNSSEC_SECURE i=$DNSSEC_INSECURE b=$DNSSEC_BOGUS e=$DNSSEC_EXPIRED rr
    mkdir -p "$DNSSEC_DIR/keys" || return 1
    : >"$DNSSEC_ANCHORS"
    dnssec_secure_zone 1 "$@" >"$DNSSEC_DIR/$s.zone"
    {
        dnssec_zone_head "$i"
        cat <<EOF
@ IN MX 10 mx.$i.
mx IN A 127.0.0.1
mx IN AAAA ::1
_25._tcp.mx IN TLSA 3 1 1 $DNSSEC_TLSA_DIGEST
EOF
        [ -z "$DNSSEC_INSECURE_RRS" ] || printf '%s\n' "$DNSSEC_INSECURE_RRS"
    } >"$DNSSEC_DIR/$i.zone"
    {
        dnssec_zone_head "$b"
        cat <<EOF
@ IN MX 10 mx.$b.
mx IN A 127.0.0.1
mx IN AAAA ::1
EOF
    } >"$DNSSEC_DIR/$b.zone"
    {
        dnssec_zone_head "$e"
        cat <<EOF
@ IN MX 10 mx.$e.
mx IN A 127.0.0.1
EOF
    } >"$DNSSEC_DIR/$e.zone"
    cp "$DNSSEC_DIR/$i.zone" "$DNSSEC_DIR/$i.signed" || return 1
    dnssec_sign "$s" && dnssec_sign "$b" || return 1
    dnssec_sign "$e" -i 20200101 -e 20200201 || return 1
    # Break the signature of mx.bogus.test. A: change the data, keep the RRSIG.
    sed -i "s/^\(mx\.$b\.[[:space:]].*[[:space:]]A[[:space:]]*\)127\.0\.0\.1\$/\1127.0.0.2/" \
        "$DNSSEC_DIR/$b.signed" || return 1
    grep -q "127\.0\.0\.2\$" "$DNSSEC_DIR/$b.signed"
}

# dnssec_nsd_conf - nsd.conf on stdout
dnssec_nsd_conf() {
    local z
    cat <<EOF
server:
  username: ""
  chroot: ""
  ip-address: 127.0.0.1
  port: $DNSSEC_NSD_PORT
  do-ip6: no
  server-count: 1
  database: ""
  zonesdir: "$DNSSEC_DIR"
  zonelistfile: "$DNSSEC_DIR/nsd/zone.list"
  xfrdfile: "$DNSSEC_DIR/nsd/xfrd.state"
  xfrdir: "$DNSSEC_DIR/nsd"
  pidfile: "$DNSSEC_DIR/nsd/nsd.pid"
  logfile: "$DNSSEC_DIR/nsd.log"
  verbosity: 1
  hide-version: yes
remote-control:
  control-enable: no
EOF
    for z in "$DNSSEC_SECURE" "$DNSSEC_INSECURE" "$DNSSEC_BOGUS" "$DNSSEC_EXPIRED"; do
        printf 'zone:\n  name: "%s."\n  zonefile: "%s/%s.signed"\n' "$z" "$DNSSEC_DIR" "$z"
    done
}

# dnssec_unbound_conf - unbound.conf on stdout
dnssec_unbound_conf() {
    local z
    cat <<EOF
server:
  username: ""
  chroot: ""
  directory: "$DNSSEC_DIR/unbound"
  pidfile: "$DNSSEC_DIR/unbound/unbound.pid"
  logfile: "$DNSSEC_DIR/unbound.log"
  use-syslog: no
  verbosity: 1
  val-log-level: 2
  interface: 127.0.0.1
$([ -z "$DNSSEC_RESOLV_ADDR" ] || echo "  interface: $DNSSEC_RESOLV_ADDR@53")
  port: $DNSSEC_PORT
  do-ip6: no
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  num-threads: 1
  so-reuseport: no
  trust-anchor-file: "$DNSSEC_ANCHORS"
  local-zone: "test." nodefault
remote-control:
  control-enable: no
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@$DNSSEC_NSD_PORT
EOF
    for z in "$DNSSEC_SECURE" "$DNSSEC_INSECURE" "$DNSSEC_BOGUS" "$DNSSEC_EXPIRED"; do
        printf 'stub-zone:\n  name: "%s."\n  stub-addr: 127.0.0.1@%s\n' "$z" "$DNSSEC_NSD_PORT"
    done
}

# dnssec_plain_conf - unbound.conf of the non-validating forwarder on stdout
dnssec_plain_conf() {
    local z
    cat <<EOF
server:
  username: ""
  chroot: ""
  directory: "$DNSSEC_DIR/plain"
  pidfile: "$DNSSEC_DIR/plain/unbound.pid"
  logfile: "$DNSSEC_DIR/plain.log"
  use-syslog: no
  verbosity: 1
  module-config: "iterator"
  interface: 127.0.0.1
  port: $DNSSEC_PLAIN_PORT
  do-ip6: no
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  num-threads: 1
  so-reuseport: no
  local-zone: "test." nodefault
remote-control:
  control-enable: no
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@$DNSSEC_NSD_PORT
EOF
    for z in "$DNSSEC_SECURE" "$DNSSEC_INSECURE" "$DNSSEC_BOGUS" "$DNSSEC_EXPIRED"; do
        printf 'stub-zone:\n  name: "%s."\n  stub-addr: 127.0.0.1@%s\n' "$z" "$DNSSEC_NSD_PORT"
    done
}

# dnssec_libunbound_params VIA - main.cf lines: libunbound with the bed's anchors
dnssec_libunbound_params() {
    local port
    case "$1" in
    nsd) port=$DNSSEC_NSD_PORT ;;
    plain) port=$DNSSEC_PLAIN_PORT ;;
    *)
        echo "# dnssec_libunbound_params: want nsd or plain, not \"$1\"" >&2
        return 1
        ;;
    esac
    printf '%s\n' "smtp_dns_resolver = libunbound" \
        "smtp_dns_trust_anchor_file = $DNSSEC_ANCHORS" "smtp_dns_forwarders = 127.0.0.1@$port"
}

# dnssec_tcp_up PORT - does 127.0.0.1:PORT answer a DNS query over TCP?
dnssec_tcp_up() {
    bounded 5 drill -t -p "$1" "$DNSSEC_SECURE." SOA @127.0.0.1 2>/dev/null | grep -q 'rcode: NOERROR'
}

# dnssec_wait PID PORT - until PORT answers, at most DNSSEC_START_TIMEOUT seconds
dnssec_wait() {
    local deadline=$((SECONDS + DNSSEC_START_TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        kill -0 "$1" 2>/dev/null || return 1
        dnssec_tcp_up "$2" && return 0
        sleep 0.1
    done
    return 1
}

# dnssec_start [RR...] - sign the zones, start nsd and unbound
dnssec_start() {
    local ports
    dnssec_available || {
        echo "# $DNSSEC_MISSING"
        return 1
    }
    DNSSEC_DIR=$(mktemp -d /tmp/dnssec-bed.XXXXXX) || return 1
    at_exit "dnssec_stop; rm -rf '$DNSSEC_DIR'"
    chmod 755 "$DNSSEC_DIR"
    mkdir "$DNSSEC_DIR/nsd" "$DNSSEC_DIR/unbound" "$DNSSEC_DIR/plain" || return 1
    DNSSEC_ANCHORS=$DNSSEC_DIR/anchors
    if ! dnssec_zones "$@"; then
        echo "# the test zones cannot be signed:"
        sed 's/^/#   /' "$DNSSEC_DIR/sign.log" 2>/dev/null | tail -n 10
        return 1
    fi
    if [ -n "$DNSSEC_PORTS" ]; then
        ports=$(printf '%s\n' $DNSSEC_PORTS)
    else
        ports=$(free_port 3) || return 1
    fi
    DNSSEC_NSD_PORT=$(echo "$ports" | sed -n 1p)
    DNSSEC_PORT=$(echo "$ports" | sed -n 2p)
    DNSSEC_PLAIN_PORT=$(echo "$ports" | sed -n 3p)
    if [ "$DNSSEC_PLAIN" = yes ] && [ -z "$DNSSEC_PLAIN_PORT" ]; then
        echo "# DNSSEC_PLAIN=yes needs a third port in DNSSEC_PORTS"
        return 1
    fi
    if [ "$DNSSEC_RESOLV" = yes ]; then
        dnssec_resolv_addr || return 1
        DNSSEC_RESOLV_CONF=$DNSSEC_DIR/resolv.conf
        printf 'nameserver %s\noptions trust-ad\n' "$DNSSEC_RESOLV_ADDR" >"$DNSSEC_RESOLV_CONF"
        chmod 644 "$DNSSEC_RESOLV_CONF"
    fi
    dnssec_nsd_conf >"$DNSSEC_DIR/nsd.conf"
    dnssec_unbound_conf >"$DNSSEC_DIR/unbound.conf"
    "$DNSSEC_NSD_BIN" -d -c "$DNSSEC_DIR/nsd.conf" </dev/null >>"$DNSSEC_DIR/nsd.log" 2>&1 &
    DNSSEC_NSD_PID=$!
    if ! dnssec_wait "$DNSSEC_NSD_PID" "$DNSSEC_NSD_PORT"; then
        echo "# nsd does not answer on 127.0.0.1 port $DNSSEC_NSD_PORT:"
        dnssec_log_tail
        return 1
    fi
    "$DNSSEC_UNBOUND_BIN" -d -c "$DNSSEC_DIR/unbound.conf" </dev/null >>"$DNSSEC_DIR/unbound.log" 2>&1 &
    DNSSEC_UNBOUND_PID=$!
    if ! dnssec_wait "$DNSSEC_UNBOUND_PID" "$DNSSEC_PORT"; then
        echo "# unbound does not answer on 127.0.0.1 port $DNSSEC_PORT:"
        dnssec_log_tail
        return 1
    fi
    [ "$DNSSEC_PLAIN" = yes ] || return 0
    dnssec_plain_conf >"$DNSSEC_DIR/plain.conf"
    "$DNSSEC_UNBOUND_BIN" -d -c "$DNSSEC_DIR/plain.conf" </dev/null >>"$DNSSEC_DIR/plain.log" 2>&1 &
    DNSSEC_PLAIN_PID=$!
    if ! dnssec_wait "$DNSSEC_PLAIN_PID" "$DNSSEC_PLAIN_PORT"; then
        echo "# the non-validating unbound does not answer on 127.0.0.1 port $DNSSEC_PLAIN_PORT:"
        dnssec_log_tail
        return 1
    fi
    return 0
}

# dnssec_resolv_addr - a loopback address whose port 53 is free, in DNSSEC_RESOLV_ADDR
dnssec_resolv_addr() {
    local try addr
    for try in $(seq 20); do
        addr=127.53.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))
        if ! ss -Hlnu "sport = :53" 2>/dev/null | grep -qF " $addr:53 " &&
            ! ss -Hlnt "sport = :53" 2>/dev/null | grep -qF " $addr:53 "; then
            DNSSEC_RESOLV_ADDR=$addr
            return 0
        fi
    done
    echo "# no free loopback address for port 53"
    return 1
}

# dnssec_https_addr - a loopback address whose port 443 is free, in DNSSEC_HTTPS_ADDR
dnssec_https_addr() {
    local try addr
    for try in $(seq 20); do
        addr=127.44.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))
        if ! ss -Hlnt "sport = :443" 2>/dev/null | grep -qF " $addr:443 "; then
            DNSSEC_HTTPS_ADDR=$addr
            return 0
        fi
    done
    echo "# no free loopback address for port 443"
    return 1
}

# dnssec_namespace SCRIPT [ARG...] - re-execute the test in a private mount namespace
dnssec_namespace() {
    [ -n "${DNSSEC_NAMESPACE:-}" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        DNSSEC_MISSING="a private /etc/resolv.conf needs root (unshare -m)"
        return 1
    fi
    if ! command -v unshare >/dev/null 2>&1 || ! unshare -m true 2>/dev/null; then
        DNSSEC_MISSING="unshare -m does not work here (util-linux)"
        return 1
    fi
    DNSSEC_NAMESPACE=1 exec unshare -m --propagation private bash "$@"
}

# dnssec_use_resolver - the bed's resolv.conf as /etc/resolv.conf, in the namespace
dnssec_use_resolver() {
    if [ -z "${DNSSEC_NAMESPACE:-}" ] || [ -z "$DNSSEC_RESOLV_CONF" ]; then
        echo "# dnssec_use_resolver: needs dnssec_namespace and DNSSEC_RESOLV=yes"
        return 1
    fi
    mount --bind "$DNSSEC_RESOLV_CONF" /etc/resolv.conf
}

# dnssec_start_resolved [RR...] - the bed, and its resolver as /etc/resolv.conf
dnssec_start_resolved() {
    DNSSEC_RESOLV=yes
    dnssec_start "$@"
    require "the DNSSEC test bed starts"
    dnssec_use_resolver
    require "the bed's resolver is this namespace's /etc/resolv.conf"
}

# dnssec_tlsa_digest CHAIN - the TLSA 3 1 1 digest of a certificate's key
dnssec_tlsa_digest() {
    local digest
    digest=$(openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
        openssl dgst -sha256 -r | cut -d' ' -f1)
    [ ${#digest} -eq 64 ] || return 1
    echo "$digest"
}

# dnssec_stop - stop both servers and nsd's children, by pid
dnssec_stop() {
    local pid pids=
    for pid in $DNSSEC_PLAIN_PID $DNSSEC_UNBOUND_PID $DNSSEC_NSD_PID; do
        pids="$pids $pid $(ps -o pid= --ppid "$pid" 2>/dev/null)"
    done
    for pid in $DNSSEC_PLAIN_PID $DNSSEC_UNBOUND_PID $DNSSEC_NSD_PID; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in $pids; do
        if ! wait_gone "$pid" 10; then
            kill -KILL "$pid" 2>/dev/null
            wait_gone "$pid" 5
        fi
    done
    DNSSEC_PLAIN_PID=
    DNSSEC_UNBOUND_PID=
    DNSSEC_NSD_PID=
    return 0
}

# dnssec_stop_resolver - stop the validating unbound, by pid
dnssec_stop_resolver() {
    [ -n "$DNSSEC_UNBOUND_PID" ] || return 0
    kill -TERM "$DNSSEC_UNBOUND_PID" 2>/dev/null
    if ! wait_gone "$DNSSEC_UNBOUND_PID" 10; then
        kill -KILL "$DNSSEC_UNBOUND_PID" 2>/dev/null
        wait_gone "$DNSSEC_UNBOUND_PID" 5 || return 1
    fi
    DNSSEC_UNBOUND_PID=
}

# dnssec_log_tail [LINES] - the end of the logs as comment lines
dnssec_log_tail() {
    local f
    for f in "$DNSSEC_DIR/nsd.log" "$DNSSEC_DIR/unbound.log" "$DNSSEC_DIR/plain.log"; do
        [ -f "$f" ] || continue
        echo "# $(basename "$f"):"
        tail -n "${1:-10}" "$f" | sed 's/^/#   /'
    done
}

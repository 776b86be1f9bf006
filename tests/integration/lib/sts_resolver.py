"""sts_resolver.py - an MTA-STS policy resolver for smtp_tls_policy_maps, for tests

    python3 sts_resolver.py --dns-port PORT --cafile CA.pem --port-file FILE --log FILE
        [--tlsa-port SMTP-PORT]

A socketmap_table(5) server in the manner of the external resolvers that
Postfix sites run (postfix-mta-sts-resolver, postfix-tlspol): for the key
DOMAIN (any map name) it looks for DANE first, as postfix-tlspol does: when
an MX host of DOMAIN has TLSA records (_SMTP-PORT._tcp.MX, default port 25)
in a DNSSEC-validated answer (the "ad" flag), the answer is

    OK dane-only

and MTA-STS is not looked at (RFC 8461 section 2). Otherwise it does MTA-STS
discovery itself - the TXT record of
_mta-sts.DOMAIN from the DNS server on 127.0.0.1 port PORT (drill), then
https://mta-sts.DOMAIN/.well-known/mta-sts.txt verified with CA.pem (the
host name resolved through the C library) - and answers

    OK secure match=MX1:MX2... servername=hostname    for mode enforce
    NOTFOUND                                           for testing, none,
                                                       no or bad policy

as those resolvers do (a "*.example.com" pattern becomes ".example.com").
It keeps nothing between requests. Each request and its answer go to the
log file; the port file is written once the server listens.
"""

import argparse
import re
import socket
import ssl
import subprocess
import threading
import urllib.request


def txt_id(domain, dns_port):
    """The id of the one STSv1 TXT record, or None."""
    try:
        out = subprocess.run(["drill", "-p", str(dns_port), "_mta-sts." + domain, "TXT",
                              "@127.0.0.1"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    records = re.findall(r'^\S+\s+\d+\s+IN\s+TXT\s+"(.*)"\s*$', out, re.M)
    records = [r for r in records if r.startswith("v=STSv1")]
    if len(records) != 1:
        return None
    m = re.search(r"id=([A-Za-z0-9]{1,32})", records[0])
    return m.group(1) if m else None


def drill(name, rrtype, dns_port):
    """drill's output for a validated query of NAME, or ""."""
    try:
        return subprocess.run(["drill", "-D", "-p", str(dns_port), name, rrtype, "@127.0.0.1"],
                              capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def dane_secure(domain, args):
    """Has an MX host of DOMAIN DNSSEC-validated TLSA records?"""
    out = drill(domain, "MX", args.dns_port)
    if not re.search(r"^;; flags:[^;]* ad[ ;]", out, re.M):
        return False
    for mx in re.findall(r"^\S+\s+\d+\s+IN\s+MX\s+\d+\s+(\S+)\s*$", out, re.M):
        tlsa = drill("_%d._tcp.%s" % (args.tlsa_port, mx), "TLSA", args.dns_port)
        if (re.search(r"^;; flags:[^;]* ad[ ;]", tlsa, re.M)
                and re.search(r"^\S+\s+\d+\s+IN\s+TLSA\s", tlsa, re.M)):
            return True
    return False


def fetch_policy(domain, cafile):
    """The policy as a dict (mode, mx list), or None."""
    context = ssl.create_default_context(cafile=cafile)
    url = "https://mta-sts.%s/.well-known/mta-sts.txt" % domain
    try:
        with urllib.request.urlopen(url, context=context, timeout=10) as resp:
            if resp.status != 200:
                return None
            text = resp.read(65537).decode("ascii")
    except Exception:
        return None
    policy = {"mx": []}
    for line in text.splitlines():
        if not line:
            continue
        m = re.match(r"^([A-Za-z0-9_.-]+):[ \t]*(.*?)[ \t]*$", line)
        if not m:
            return None
        name, value = m.groups()
        if name == "mx":
            policy["mx"].append(value)
        elif name in ("version", "mode", "max_age"):
            if name in policy:
                return None
            policy[name] = value
    if policy.get("version") != "STSv1" or policy.get("mode") not in ("enforce", "testing", "none"):
        return None
    if not policy.get("max_age", "").isdigit() or (policy["mode"] != "none" and not policy["mx"]):
        return None
    return policy


def answer(domain, args):
    if dane_secure(domain, args):
        return "OK dane-only"
    if txt_id(domain, args.dns_port) is None:
        return "NOTFOUND "
    policy = fetch_policy(domain, args.cafile)
    if policy is None or policy["mode"] != "enforce":
        return "NOTFOUND "
    names = [mx[1:] if mx.startswith("*.") else mx for mx in policy["mx"]]
    return "OK secure match=%s servername=hostname" % ":".join(names)


def netstring(data):
    return b"%d:%s," % (len(data), data)


def serve(conn, args, lock):
    buf = b""
    with conn:
        while True:
            m = re.match(rb"(\d+):", buf)
            if m and len(buf) >= m.end() + int(m.group(1)) + 1:
                n = int(m.group(1))
                request = buf[m.end():m.end() + n].decode(errors="replace")
                buf = buf[m.end() + n + 1:]
                key = request.split(" ", 1)[1] if " " in request else ""
                reply = answer(key.lower().rstrip("."), args)
                with lock, open(args.log, "a") as log:
                    log.write("%s -> %s\n" % (key, reply.strip()))
                conn.sendall(netstring(reply.encode()))
                continue
            data = conn.recv(4096)
            if not data:
                return
            buf += data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dns-port", type=int, required=True)
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--tlsa-port", type=int, default=25)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % sock.getsockname()[1])
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    lock = threading.Lock()
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=serve, args=(conn, args, lock), daemon=True).start()


if __name__ == "__main__":
    main()

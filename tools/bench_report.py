#!/usr/bin/env python3
"""bench_report - the table and the JSON file of make bench.

Usage: python3 tools/bench_report.py RESULTS.jsonl OUT.json

RESULTS holds one JSON object a line, written by tools/bench: measurements
(with "server", "figure", "c" and the fields of bench_load) and facts (with
"fact" and "value"). The table goes to standard output; OUT gets the same
figures as one JSON document.
"""

import json
import os
import sys

SMTPD_FIGURES = [
    ("starttls-full", "STARTTLS sessions/s, full handshake", "tls-full-rsa"),
    ("starttls-resumed", "STARTTLS sessions/s, resumed", "tls-resumed-rsa"),
    ("starttls-single", "STARTTLS sessions/s, single-use tickets", "tls-single-rsa"),
    ("plain", "plaintext sessions/s", None),
    ("msgs", "messages/s over one TLS session", None),
]
RAW_FIGURES = [
    ("tls-full-rsa", "handshakes/s, full, RSA-2048"),
    ("tls-resumed-rsa", "handshakes/s, resumed, RSA-2048"),
    ("tls-single-rsa", "handshakes/s, single-use tickets, RSA"),
    ("tls-full-ecdsa", "handshakes/s, full, ECDSA P-256"),
    ("tls-resumed-ecdsa", "handshakes/s, resumed, ECDSA P-256"),
]


# The smtp client runs: in-process TLS, and smtp_tls_connection_reuse through tlsproxy.
CLIENT_RUNS = ("ours", "ours_tlsproxy", "postfix", "postfix_tlsproxy")


def load(path):
    runs, facts = [], {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            obj = json.loads(line)
            if "fact" in obj:
                facts[obj["fact"]] = obj["value"]
            else:
                runs.append(obj)
    return runs, facts


def ratio(a, b):
    return round(a / b, 2) if a and b else None


def fmt(v, width=8, digits=1):
    if v is None:
        return "-".rjust(width)
    return ("%.*f" % (digits, v)).rjust(width)


def pct(v):
    return "-" if v is None else "%.1f%%" % (100 * v)


def median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else None


KEX_GROUPS = ("X25519MLKEM768", "X25519")


def build_kex(by, concs, facts):
    """Full handshakes offering X25519MLKEM768 alone and X25519 alone, per server."""
    if "kex" in facts:
        return {"unavailable": facts["kex"].get("unavailable", "not measured")}
    rows = []
    for c in concs:
        for server, prefix in (("raw", "tls-full-"), ("ours", "starttls-full-"),
                               ("postfix", "starttls-full-")):
            r = {g: by.get((server, prefix + g, c)) for g in KEX_GROUPS}
            if not any(r.values()):
                continue
            rate = {g: (v["rate"] if v else None) for g, v in r.items()}
            hs = {g: (v["hs_p50_ms"] if v and v.get("handshakes") else None) for g, v in r.items()}
            rows.append({"server": server, "c": c, "rate": rate, "hs_p50_ms": hs,
                         "pq_classical": ratio(rate["X25519MLKEM768"], rate["X25519"]),
                         "errors": {g: (v["errors"] if v else None) for g, v in r.items()}})
    return {"rows": rows}


def build(runs, facts):
    groups = {}
    for r in runs:
        groups.setdefault((r["server"], r["figure"], r["c"]), []).append(r)
    # A figure's result is its median round by rate.
    by = {k: sorted(v, key=lambda r: r["rate"])[(len(v) - 1) // 2] for k, v in groups.items()}
    concs = sorted({r["c"] for r in runs})
    rows = []
    for figure, title, raw_figure in SMTPD_FIGURES:
        for c in concs:
            get = lambda server, fig=figure: by.get((server, fig, c))
            ours, pf, sink = get("ours"), get("postfix"), get("sink")
            raw = by.get(("raw", raw_figure, c)) if raw_figure else None
            rate = lambda r: r["rate"] if r else None
            base = raw or sink
            if ours is None and pf is None:
                continue
            rows.append({
                "figure": figure, "title": title, "c": c,
                "ours": rate(ours), "postfix": rate(pf), "raw": rate(raw), "sink": rate(sink),
                "ours_postfix": ratio(rate(ours), rate(pf)),
                "ours_raw": ratio(rate(ours), rate(base)),
                "raw_basis": (raw_figure if raw else "sink" if sink else None),
                "resumption": {k: (v["resumption"] if v and v.get("handshakes") else None)
                               for k, v in (("ours", ours), ("postfix", pf), ("raw", raw))},
            })
    memory = {}
    for server in ("ours", "postfix"):
        m = facts.get("memory_" + server)
        if m and m["rss_private_kib"]:
            memory[server] = {
                "processes": m["processes"],
                "rss_kib_median": median([p[0] for p in m["rss_private_kib"]]),
                "private_kib_median": median([p[1] for p in m["rss_private_kib"]]),
                "private_kib_min": min(p[1] for p in m["rss_private_kib"]),
            }
    client = {s: facts["client_" + s] for s in CLIENT_RUNS if "client_" + s in facts}
    return {"machine": facts.get("machine", {}), "table": rows, "memory": memory,
            "smtp_client": client, "kex": build_kex(by, concs, facts),
            "measurements": runs}, by, concs


def print_header(doc):
    m = doc["machine"]
    print("make bench, %s: %s s per figure after %s s warm-up, median of %s round(s)" %
          (m.get("date", "?"), m.get("seconds", "?"), m.get("warmup", "?"), m.get("rounds", 1)))
    print("machine: %s CPUs, %s; %s; %s; Postfix %s; load average at start %s" %
          (m.get("nproc", "?"), m.get("cpu", "?"), m.get("openssl", "?"), m.get("kernel", "?"),
           m.get("postfix") or "-", m.get("loadavg", "?")))
    print()


def print_raw(by, concs):
    print("1. The raw limit: OpenSSL-only server (bench_server), bare TLS, no SMTP")
    print("%-40s %3s %9s %8s %8s %8s %8s" % ("", "c", "rate", "resumed", "p50 ms", "p99 ms",
                                              "client"))
    for figure, title in RAW_FIGURES:
        for c in concs:
            r = by.get(("raw", figure, c))
            if not r:
                continue
            print("%-40s %3d %9.1f %8s %8.2f %8.2f %8s" %
                  (title, c, r["rate"], pct(r["resumption"]) if r["handshakes"] else "-",
                   r["p50_ms"], r["p99_ms"], pct(r["client_cpu_share"])))
    print()


def print_smtpd(doc):
    print("2./3. smtpd: ours against Debian's Postfix (ratios ours/Postfix, ours/raw)")
    print("%-40s %3s %9s %9s %9s %9s %7s %7s  %s" %
          ("", "c", "ours", "postfix", "raw", "sink", "o/pf", "o/raw", "resumed ours/pf"))
    for row in doc["table"]:
        res = row["resumption"]
        resumed = "" if res["ours"] is None and res["postfix"] is None else \
            "%s / %s" % (pct(res["ours"]), pct(res["postfix"]))
        if row["figure"] == "starttls-full":
            resumed = ""
        print("%-40s %3d %s %s %s %s %s %s  %s" %
              (row["title"], row["c"], fmt(row["ours"], 9), fmt(row["postfix"], 9),
               fmt(row["raw"], 9), fmt(row["sink"], 9), fmt(row["ours_postfix"], 7, 2),
               fmt(row["ours_raw"], 7, 2), resumed))
    print("raw = OpenSSL-only bare handshakes of the same kind (RSA); sink = OpenSSL-only SMTP")
    print("server; o/raw divides by raw, or by sink where there is no raw figure.")
    print()


def print_latency(by, concs):
    print("Latency (ms per unit: session, or message in the msgs figure; hs = handshake alone)")
    print("and the load client's CPU as a share of the machine")
    print("%-18s %3s %-8s %9s %9s %9s %9s %8s %8s %7s" %
          ("", "c", "server", "rate", "p50", "p99", "hs p50", "resumed", "client", "busy"))
    for figure, _, _ in SMTPD_FIGURES:
        for c in concs:
            for server in ("sink", "ours", "postfix"):
                r = by.get((server, figure, c))
                if not r:
                    continue
                print("%-18s %3d %-8s %9.1f %9.2f %9.2f %9s %8s %8s %7s" %
                      (figure, c, server, r["rate"], r["p50_ms"], r["p99_ms"],
                       "%.2f" % r["hs_p50_ms"] if r["handshakes"] else "-",
                       pct(r["resumption"]) if r["handshakes"] else "-",
                       pct(r["client_cpu_share"]), pct(r["machine_busy"])))
                if r["errors"]:
                    print("%-18s     %-8s %d errors" % ("", server, r["errors"]))
    print()


def print_kex(doc):
    kex = doc["kex"]
    print("5. Post-quantum key exchange: full handshakes/s offering X25519MLKEM768 alone and")
    print("   X25519 alone (raw: bare TLS; ours, postfix: STARTTLS sessions); hs = handshake p50 ms")
    if "unavailable" in kex:
        print("   X25519MLKEM768: unavailable (%s)" % kex["unavailable"])
        print()
        return
    print("%-10s %3s %12s %12s %8s %10s %10s" %
          ("", "c", "MLKEM768", "X25519", "pq/cl", "hs MLKEM", "hs X25519"))
    for row in kex["rows"]:
        rate, hs = row["rate"], row["hs_p50_ms"]
        print("%-10s %3d %s %s %s %s %s" %
              (row["server"], row["c"], fmt(rate["X25519MLKEM768"], 12),
               fmt(rate["X25519"], 12), fmt(row["pq_classical"], 8, 2),
               fmt(hs["X25519MLKEM768"], 10, 2), fmt(hs["X25519"], 10, 2)))
        for g, n in row["errors"].items():
            if n:
                print("%-10s     %d errors with %s" % ("", n, g))
    print()


def print_rest(doc):
    mem = doc["memory"]
    print("Idle smtpd memory after the run (median over idle processes, KiB)")
    for server in ("ours", "postfix"):
        m = mem.get(server)
        if m:
            print("  %-8s private %6d (min %d)   RSS %6d   (%d processes)" %
                  (server, m["private_kib_median"], m["private_kib_min"], m["rss_kib_median"],
                   m["processes"]))
        else:
            print("  %-8s -" % server)
    print()
    print("4. smtp client: messages/s delivered over TLS to the sink")
    cl = doc["smtp_client"]
    for server in CLIENT_RUNS:
        v = cl.get(server)
        if v:
            print("  %-17s %8.1f msg/s (%d of %d messages; %.1f msg/s counting the queue "
                  "manager's start)" % (server, v["rate"], v["messages"], v["wanted"],
                                        v["rate_with_start"]))
        else:
            print("  %-17s -" % server)
    for a, b in (("ours", "postfix"), ("ours_tlsproxy", "ours"),
                 ("ours_tlsproxy", "postfix_tlsproxy"), ("postfix_tlsproxy", "postfix")):
        if a in cl and b in cl:
            print("  %s/%s %s" % (a, b, fmt(ratio(cl[a]["rate"], cl[b]["rate"]), 0, 2)))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bench_report.py RESULTS.jsonl OUT.json")
    runs, facts = load(sys.argv[1])
    doc, by, concs = build(runs, facts)
    print_header(doc)
    print_raw(by, concs)
    print_smtpd(doc)
    print_latency(by, concs)
    print_kex(doc)
    print_rest(doc)
    os.makedirs(os.path.dirname(os.path.abspath(sys.argv[2])), exist_ok=True)
    with open(sys.argv[2], "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print()
    print("JSON: %s" % sys.argv[2])


if __name__ == "__main__":
    main()

"""Search, classification and matching with 20,000 synthetic organisations and 10,000
synthetic partnerships, on SQLite and PostgreSQL, against each server's /api/v1/health/.

Usage: .venv/bin/python bench/search.py [--organisations 20000] [--partnerships 10000]
       [--rounds 3] [--backends sqlite,postgresql]
For each back end: a fresh database is migrated, seeded with the real data, given synthetic
data (`videnbro synth`, indexed) and served by one gunicorn worker. Reports p95 latency ratios
(search ÷ health), known-item recall@3 on bench/data/known_item_queries.csv, and classify and
match latency. Updates bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import statistics
import time
import urllib.parse
from contextlib import nullcontext
from datetime import UTC, datetime

from _common import (
    ROOT,
    bench_env,
    manage,
    measure,
    p95,
    server,
    temporary_postgres,
    update_results,
)

TOPICAL = [
    "visir",
    "værnemiddel",
    "håndsprit",
    "sprit",
    "test",
    "vaccine",
    "Aarhus",
    "Århus",
    "frivillige ældre",
    "smittesporing app",
    "hand sanitizer",
    "Grundfoss",
    "Region Hovedstaden",
    "sengepladser hotel",
    "3D-print",
]
MATCH_TEXTS = [
    "Vi mangler visirer og håndsprit til hjemmeplejen",
    "Forskere søger virksomhed til udvikling af antistoftest",
    "Kommunen søger frivillige til at ringe til ensomme ældre",
]


def post(port: int, path: str, body: dict) -> tuple[float, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start = time.perf_counter()
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read())
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}: {data}")
    return elapsed, data


def known_item_recall(port: int) -> tuple[int, int, list[str], list[float]]:
    """Each of the 80 distinct queries once: also the latency of answers not yet cached."""
    rows = list(csv.DictReader((ROOT / "bench/data/known_item_queries.csv").open(encoding="utf-8")))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    found, misses, timings = 0, [], []
    for row in rows:
        start = time.perf_counter()
        conn.request("GET", "/api/v1/search/?" + urllib.parse.urlencode({"q": row["query"]}))
        results = json.loads(conn.getresponse().read())["results"][:3]
        timings.append((time.perf_counter() - start) * 1000)
        keys = [r["url"].rstrip("/").rsplit("/", 1)[-1] for r in results if r["type"] == "organisation"]
        if row["expected_key"] in keys:
            found += 1
        else:
            misses.append(f"{row['query']!r} ({row['kind']}) → expected {row['expected_key']}")
    return found, len(rows), misses, timings


def run_backend(name: str, args) -> dict:
    context = temporary_postgres() if name == "postgresql" else nullcontext(None)
    with context as database_url:
        env = bench_env()
        if database_url:
            env["DATABASE_URL"] = database_url
        manage(env, "migrate", "--noinput")
        manage(env, "seed", "--quiet-progress")
        manage(
            env, "synth", "--organisations", str(args.organisations), "--partnerships", str(args.partnerships)
        )
        with server(env) as port:
            queries = ["/api/v1/search/?" + urllib.parse.urlencode({"q": q}) for q in TOPICAL]
            health_p95, search_p95, search_median = [], [], []
            for _ in range(args.rounds):
                measure(port, "/api/v1/health/", 20)
                health = measure(port, "/api/v1/health/", 300)
                timings = []
                for path in queries:
                    measure(port, path, 2)
                    timings += measure(port, path, 20)
                health_p95.append(p95(health))
                search_p95.append(p95(timings))
                search_median.append(statistics.median(timings))
            found, total, misses, cold = known_item_recall(port)
            post(port, "/api/v1/classify/", {"text": "opvarmning"})
            classify_ms = [post(port, "/api/v1/classify/", {"text": t})[0] for t in MATCH_TEXTS * 10]
            post(port, "/api/v1/match/", {"text": MATCH_TEXTS[0]})
            match_ms = [post(port, "/api/v1/match/", {"text": t, "limit": 10})[0] for t in MATCH_TEXTS * 5]
    return {
        "health_p95": statistics.median(health_p95),
        "search_p95": statistics.median(search_p95),
        "search_median": statistics.median(search_median),
        "recall": (found, total),
        "cold_median": statistics.median(cold),
        "cold_p95": p95(cold),
        "misses": misses,
        "classify_ms": statistics.median(classify_ms),
        "classify_p95": p95(classify_ms),
        "match_ms": statistics.median(match_ms),
        "match_p95": p95(match_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--partnerships", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    results = {name: run_backend(name, args) for name in args.backends.split(",")}
    lines = [
        f"## Search, classification and matching – {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`bench/search.py`: {args.organisations:,} synthetic organisations + "
        f"{args.partnerships:,} synthetic partnerships on top of the real data, one gunicorn "
        f"worker, {len(TOPICAL)} queries × 20 per round (repeats are answered from the result "
        f"cache, which every index write invalidates), median of {args.rounds} rounds; "
        "'uncached' = 80 distinct known-item queries asked once. Goals: "
        "search p95 ≤ 3× health p95; classification < 50 ms; match < 300 ms; known-item "
        "recall@3 ≥ 95 %.",
        "",
        "| back end | health p95 ms | search median ms | search p95 ms | p95 ÷ health p95 | "
        "uncached search median / p95 ms | uncached p95 ÷ health p95 | known-item recall@3 | "
        "classify median / p95 ms | match median / p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        found, total = r["recall"]
        lines.append(
            f"| {name} | {r['health_p95']:.2f} | {r['search_median']:.2f} | "
            f"{r['search_p95']:.2f} | {r['search_p95'] / r['health_p95']:.1f}× | "
            f"{r['cold_median']:.1f} / {r['cold_p95']:.1f} | "
            f"{r['cold_p95'] / r['health_p95']:.1f}× | "
            f"{found}/{total} ({100 * found / total:.0f} %) | {r['classify_ms']:.1f} / "
            f"{r['classify_p95']:.1f} | {r['match_ms']:.0f} / {r['match_p95']:.0f} |"
        )
    for name, r in results.items():
        if r["misses"]:
            lines += ["", f"Known items not in the top 3 on {name}:", ""]
            lines += [f"- {m}" for m in r["misses"]]
    table = "\n".join(lines) + "\n"
    print(table)
    update_results("Search, classification and matching", table)


if __name__ == "__main__":
    main()

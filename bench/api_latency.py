"""Registry API latency against the same server's /api/v1/health/ (ratios, medians of runs).

Usage: .venv/bin/python bench/api_latency.py [--requests 200] [--rounds 3]
A fresh SQLite database (temporary directory) is migrated and seeded with the real data; one
gunicorn worker serves it; sequential requests per endpoint. Updates bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
from datetime import UTC, datetime

from _common import bench_env, manage, measure, p95, server, update_results

ENDPOINTS = {
    "health (baseline)": "/api/v1/health/",
    "organisations list": "/api/v1/organisations/",
    "organisations ?q=SSI": "/api/v1/organisations/?q=SSI",
    "organisations ?kind=municipality&region=hovedstaden": (
        "/api/v1/organisations/?kind=municipality&region=hovedstaden"
    ),
    "organisation detail (SSI)": None,
    "resolve ?name=Grundfoss": "/api/v1/organisations/resolve/?name=Grundfoss",
    "resolve ?name=Novo Nordisk A/S": "/api/v1/organisations/resolve/?name=Novo%20Nordisk%20A%2FS",
    "partnerships ?source=cbs-2020": "/api/v1/partnerships/?source=cbs-2020",
    "network (all partnerships)": "/api/v1/network/",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = bench_env()
    manage(env, "migrate", "--noinput")
    manage(env, "seed", "--quiet-progress")
    with server(env) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", "/api/v1/organisations/resolve/?name=SSI")
        ssi = json.loads(conn.getresponse().read())["match"]["id"]
        endpoints = {**ENDPOINTS, "organisation detail (SSI)": f"/api/v1/organisations/{ssi}/"}
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in endpoints}
        for _ in range(args.rounds):
            for name, path in endpoints.items():
                measure(port, path, 10)
                timings = measure(port, path, args.requests)
                results[name].append((statistics.median(timings), p95(timings)))
    base_median = statistics.median(m for m, _ in results["health (baseline)"])
    base_p95 = statistics.median(p for _, p in results["health (baseline)"])
    lines = [
        f"## Registry API latency – {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`bench/api_latency.py`: gunicorn (1 worker), SQLite, seeded real data, {args.requests} "
        f"sequential requests per endpoint, median of {args.rounds} rounds.",
        "",
        "| endpoint | median ms | p95 ms | median ÷ health | p95 ÷ health p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, rounds in results.items():
        median = statistics.median(m for m, _ in rounds)
        tail = statistics.median(p for _, p in rounds)
        lines.append(
            f"| {name} | {median:.2f} | {tail:.2f} | {median / base_median:.1f}× | {tail / base_p95:.1f}× |"
        )
    table = "\n".join(lines) + "\n"
    print(table)
    update_results("Registry API latency", table)


if __name__ == "__main__":
    main()

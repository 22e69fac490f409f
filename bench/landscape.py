"""Landscape endpoint over 10,000 synthetic partnerships against /api/v1/health/.

Usage: .venv/bin/python bench/landscape.py [--partnerships 10000] [--requests 200] [--rounds 3]
A fresh SQLite database (temporary directory) is migrated, seeded with the real data and given
synthetic partnerships by `videnbro synth`; one gunicorn worker serves it. Measures cached
answers (the normal case: cached per data version) and uncached ones (a distinct dummy
parameter per request forces a recount). Updates bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
from datetime import UTC, datetime

from _common import bench_env, manage, measure, p95, server, update_results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partnerships", type=int, default=10_000)
    parser.add_argument("--organisations", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = bench_env()
    manage(env, "migrate", "--noinput")
    manage(env, "seed", "--quiet-progress")
    manage(env, "synth", "--organisations", str(args.organisations), "--partnerships", str(args.partnerships))
    cases = {
        "health (baseline)": "/api/v1/health/",
        "landscape, all": "/api/v1/landscape/",
        "landscape ?source=synthetic": "/api/v1/landscape/?source=synthetic",
        "landscape ?source=cbs-2020": "/api/v1/landscape/?source=cbs-2020",
        "landscape ?focus_area=ppe&status=active": "/api/v1/landscape/?focus_area=ppe&status=active",
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    uncached: dict[str, list[tuple[float, float]]] = {
        name: [] for name in cases if name != "health (baseline)"
    }
    with server(env) as port:
        for round_number in range(args.rounds):
            for name, path in cases.items():
                measure(port, path, 10)
                timings = measure(port, path, args.requests)
                results[name].append((statistics.median(timings), p95(timings)))
                if name in uncached:
                    sep = "&" if "?" in path else "?"
                    timings = [
                        measure(port, f"{path}{sep}nocache={round_number}-{i}", 1)[0]
                        for i in range(max(20, args.requests // 5))
                    ]
                    uncached[name].append((statistics.median(timings), p95(timings)))
    base_median = statistics.median(m for m, _ in results["health (baseline)"])
    base_p95 = statistics.median(p for _, p in results["health (baseline)"])
    lines = [
        f"## Landscape over synthetic partnerships – {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`bench/landscape.py`: {args.partnerships:,} synthetic + 68 real partnerships, SQLite, "
        f"gunicorn 1 worker, {args.requests} sequential requests per case, median of "
        f"{args.rounds} rounds. Goal: landscape within 3× health.",
        "",
        "| case | median ms | p95 ms | median ÷ health | uncached median ms | uncached ÷ health |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, rounds in results.items():
        median = statistics.median(m for m, _ in rounds)
        tail = statistics.median(p for _, p in rounds)
        if name in uncached:
            cold = statistics.median(m for m, _ in uncached[name])
            cold_cells = f"{cold:.2f} | {cold / base_median:.1f}×"
        else:
            cold_cells = "– | –"
        lines.append(f"| {name} | {median:.2f} | {tail:.2f} | {median / base_median:.1f}× | {cold_cells} |")
    lines.append("")
    lines.append(f"Health p95 baseline: {base_p95:.2f} ms.")
    table = "\n".join(lines) + "\n"
    print(table)
    update_results("Landscape over synthetic partnerships", table)


if __name__ == "__main__":
    main()

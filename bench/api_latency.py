"""Registry API latency against the same server's /api/v1/health/ (ratios, medians of runs).

Usage: .venv/bin/python bench/api_latency.py [--requests 200] [--rounds 3]
Starts gunicorn on a free loopback port with the seeded default database (run `make seed`
first), measures sequential keep-alive requests, and appends the table to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS = {
    "health (baseline)": "/api/v1/health/",
    "organisations list": "/api/v1/organisations/",
    "organisations ?q=SSI": "/api/v1/organisations/?q=SSI",
    "organisations ?kind=municipality&region=hovedstaden":
        "/api/v1/organisations/?kind=municipality&region=hovedstaden",
    "organisation detail": None,  # filled in at run time
    "resolve ?name=Grundfoss": "/api/v1/organisations/resolve/?name=Grundfoss",
    "resolve ?name=Novo Nordisk A/S": "/api/v1/organisations/resolve/?name=Novo%20Nordisk%20A%2FS",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/health/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def measure(port: int, path: str, n: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        timings.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
    conn.close()
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "videnbro.config.settings.local",
           "API_THROTTLE_ANON": "1000000/min"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "videnbro.config.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", "1", "--log-level", "warning"], cwd=ROOT, env=env,
    )
    try:
        wait_for(port)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", "/api/v1/organisations/resolve/?name=SSI")
        import json

        ssi = json.loads(conn.getresponse().read())["match"]["id"]
        endpoints = dict(ENDPOINTS)
        endpoints["organisation detail"] = f"/api/v1/organisations/{ssi}/"
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in endpoints}
        for _ in range(args.rounds):
            for name, path in endpoints.items():
                measure(port, path, 10)  # warm-up
                timings = measure(port, path, args.requests)
                results[name].append((statistics.median(timings), p95(timings)))
    finally:
        server.terminate()
        server.wait(10)
    base_median = statistics.median(m for m, _ in results["health (baseline)"])
    base_p95 = statistics.median(p for _, p in results["health (baseline)"])
    lines = [
        f"## Registry API latency – {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`bench/api_latency.py`: gunicorn (1 worker), SQLite, seeded registry, {args.requests} "
        f"sequential keep-alive requests per endpoint, median of {args.rounds} rounds.",
        "",
        "| endpoint | median ms | p95 ms | median ÷ health | p95 ÷ health p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, rounds in results.items():
        median = statistics.median(m for m, _ in rounds)
        tail = statistics.median(p for _, p in rounds)
        lines.append(f"| {name} | {median:.2f} | {tail:.2f} | {median / base_median:.1f}× | "
                     f"{tail / base_p95:.1f}× |")
    table = "\n".join(lines) + "\n"
    print(table)
    results_file = ROOT / "bench/RESULTS.md"
    previous = results_file.read_text() if results_file.exists() else "# Benchmark results\n\n"
    marker = "## Registry API latency"
    if marker in previous:
        head, _, rest = previous.partition(marker)
        following = rest.split("\n## ", 1)
        previous = head + (("## " + following[1]) if len(following) > 1 else "")
    results_file.write_text(previous.rstrip() + "\n\n" + table)


if __name__ == "__main__":
    sys.exit(main())

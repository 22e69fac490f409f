"""The crisis front door under load: offers accepted per second against the same server's
/api/v1/health/ throughput, latency, and 0 lost / 0 duplicated offers (issue 6).

Usage: .venv/bin/python bench/crisis_load.py [--duration 60] [--clients 100] [--runs 3]
       [--workers 3] [--pg-duration 30] [--pg-workers 2] [--skip-postgres]

SQLite runs (medians of --runs): a fresh database is migrated and served by gunicorn
(--workers sync workers); a bounded asyncio httpx load generator on loopback keeps --clients
requests in flight – phase A: GET /api/v1/health/ for --duration seconds, phase B: POST
/api/v1/offers/ (a unique Idempotency-Key each) for --duration seconds. Afterwards the offer
rows and their task rows are read from the database and compared with the acknowledged ids.

PostgreSQL run: a temporary server (Debian's binaries), migrated and seeded with the real
data; two gunicorn app servers on two ports and two `videnbro db_worker` processes; offers are
posted alternately to both servers for --pg-duration seconds, then every offer is polled
through the *other* server (GET /api/v1/offers/{id}/?token=…) until it is processed, showing
status, focus area and organisation there. Updates bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import time
import uuid
from collections import Counter
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from _common import ROOT, bench_env, manage, server, temporary_postgres, update_results

# The same body shape as a real surge: a handful of offer kinds from known and unknown offerers.
OFFER_KINDS = [
    (
        "Visirer til sundhedspersonale",
        "Vi kan levere {n} visirer pr. dag, CE-mærket, fra vores 3D-printere i Aarhus.",
        "Grundfos A/S",
    ),
    ("Håndsprit", "{n} liter håndsprit (70 % ethanol) kan afhentes fra i morgen.", "Nordisk Destilleri ApS"),
    ("Testkapacitet", "Vores laboratorium kan analysere {n} PCR-prøver om ugen.", "Statens Serum Institut"),
    (
        "Frivillige sygeplejersker",
        "{n} sygeplejersker med dansk autorisation kan hjælpe i weekenden.",
        "Sygeplejerskernes Netværk",
    ),
    ("Transport af værnemidler", "Vi stiller {n} varevogne med chauffør til rådighed.", "Fragtmand Jensen"),
]
TASK_PATH = "videnbro.crisis.services.processing.process_offer"


def offer_body(run: str, n: int) -> dict:
    title, description, offerer = OFFER_KINDS[n % len(OFFER_KINDS)]
    return {
        "offerer_name": offerer,
        "contact_email": f"kontakt{n}@example.org",
        "title": f"{title} ({run}-{n})",
        "description": description.format(n=10 + n % 990),
    }


# ---------------------------------------------------------------------------------------------
# The load generator: --clients coroutines, each with one request in flight at a time


@dataclass
class Phase:
    duration: float = 0.0
    ok: int = 0  # successful answers received within the duration
    late: int = 0  # successful answers to requests still in flight when the duration ended
    latencies: list[float] = field(default_factory=list)  # ms, every answered request
    errors: Counter = field(default_factory=Counter)
    acks: dict[str, tuple[int, str, int]] = field(default_factory=dict)  # key → id, url, port

    @property
    def rate(self) -> float:
        return self.ok / self.duration

    def quantile(self, q: int) -> float:
        return statistics.quantiles(self.latencies, n=100)[q - 1] if self.latencies else 0.0

    def error_text(self) -> str:
        return ", ".join(f"{n}× {kind}" for kind, n in self.errors.most_common()) or "0"


async def hammer(request, clients: int, duration: float) -> Phase:
    """Closed loop: every client sends its next request when the previous one is answered,
    until `duration` has passed. Throughput counts the answers within the duration; answers
    still in flight then are awaited (their offers are checked too) but counted as late."""
    phase = Phase(duration=duration)
    counter = itertools.count()
    limits = httpx.Limits(max_connections=clients + 10, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=httpx.Timeout(60.0), limits=limits) as client:
        deadline = time.perf_counter() + duration

        async def loop() -> None:
            while time.perf_counter() < deadline:
                n = next(counter)
                sent = time.perf_counter()
                try:
                    ok = await request(client, n, phase)
                except httpx.TimeoutException:
                    phase.errors["timeout"] += 1
                    continue
                except httpx.TransportError as error:
                    phase.errors[type(error).__name__] += 1
                    await asyncio.sleep(0.05)
                    continue
                answered = time.perf_counter()
                phase.latencies.append((answered - sent) * 1000)
                if ok and answered <= deadline:
                    phase.ok += 1
                elif ok:
                    phase.late += 1

        await asyncio.gather(*(loop() for _ in range(clients)))
    return phase


async def warm_up(port: int, run: str) -> None:
    """Every worker loads its code paths before anything is measured (not counted)."""
    await hammer(health_request(port), 20, 2.0)
    await hammer(offer_request([port], f"warm-{run}"), 20, 2.0)


def health_request(port: int):
    async def request(client: httpx.AsyncClient, n: int, phase: Phase) -> bool:
        response = await client.get(f"http://127.0.0.1:{port}/api/v1/health/")
        if response.status_code != 200:
            phase.errors[f"HTTP {response.status_code}"] += 1
        return response.status_code == 200

    return request


def offer_request(ports: list[int], run: str):
    async def request(client: httpx.AsyncClient, n: int, phase: Phase) -> bool:
        port = ports[n % len(ports)]
        key = f"{run}-{n}"
        response = await client.post(
            f"http://127.0.0.1:{port}/api/v1/offers/",
            json=offer_body(run, n),
            headers={"Idempotency-Key": key},
        )
        if response.status_code != 201:
            phase.errors[f"HTTP {response.status_code}"] += 1
            return False
        body = response.json()
        phase.acks[key] = (body["id"], body["status_url"], port)
        return True

    return request


# ---------------------------------------------------------------------------------------------
# Lost / duplicated: the database against the answers


@dataclass
class Check:
    rows: int
    acknowledged: int
    lost: int  # acknowledged, but no row with that key and id
    duplicated: int  # more than one row for a key
    stored_unanswered: int  # a row whose request got no 201 (e.g. a timeout) – not a loss
    tasks_missing: int  # offers without their process_offer task row


def check(offers: list[tuple], tasks: list[tuple], phase: Phase, run: str) -> Check:
    """Only this run's offers (keys `run-n`), not the warm-up's."""
    offers = [(offer_id, key) for offer_id, key in offers if key.startswith(run + "-")]
    by_key: dict[str, list[int]] = {}
    for offer_id, key in offers:
        by_key.setdefault(key, []).append(offer_id)
    queued = Counter()
    for task_path, args_kwargs in tasks:
        if task_path == TASK_PATH:
            args = json.loads(args_kwargs) if isinstance(args_kwargs, str) else args_kwargs
            queued[args["args"][0]] += 1
    return Check(
        rows=len(offers),
        acknowledged=len(phase.acks),
        lost=sum(by_key.get(key) != [offer_id] for key, (offer_id, _u, _p) in phase.acks.items()),
        duplicated=sum(len(ids) > 1 for ids in by_key.values()),
        stored_unanswered=sum(key not in phase.acks for key in by_key),
        tasks_missing=sum(queued[offer_id] < 1 for offer_id, _key in offers),
    )


OFFERS_SQL = "SELECT id, idempotency_key FROM crisis_offer WHERE idempotency_key IS NOT NULL"
TASKS_SQL = "SELECT task_path, args_kwargs FROM django_tasks_database_dbtaskresult"


def sqlite_rows(env: dict[str, str]) -> tuple[list, list]:
    with closing(sqlite3.connect(Path(env["VIDENBRO_VAR_DIR"]) / "videnbro.sqlite3")) as conn:
        return conn.execute(OFFERS_SQL).fetchall(), conn.execute(TASKS_SQL).fetchall()


def postgres_rows(url: str, sql: str, params: tuple = ()) -> list:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


# ---------------------------------------------------------------------------------------------
# SQLite: health vs offers on one server


@contextmanager
def load_env(args):
    """The bench environment with raised limits, in a temporary var/ removed afterwards."""
    env = bench_env()
    env["OFFER_THROTTLE_RATE"] = args.throttle
    env["API_THROTTLE_ANON"] = env["API_THROTTLE_USER"] = args.throttle
    env["LOG_LEVEL"] = "WARNING"
    (Path(env["VIDENBRO_VAR_DIR"]) / "static").mkdir(exist_ok=True)  # WhiteNoise warns without
    try:
        yield env
    finally:
        shutil.rmtree(env["VIDENBRO_VAR_DIR"], ignore_errors=True)


def sqlite_run(args, number: int) -> dict:
    run = f"bench-{uuid.uuid4().hex[:6]}"
    with load_env(args) as env:
        manage(env, "migrate", "--noinput")
        with server(env, workers=args.workers) as port:
            asyncio.run(warm_up(port, run))
            health = asyncio.run(hammer(health_request(port), args.clients, args.duration))
            offers = asyncio.run(hammer(offer_request([port], run), args.clients, args.duration))
        result = check(*sqlite_rows(env), offers, run)
    print(
        f"run {number}: health {health.rate:.0f}/s p95 {health.quantile(95):.0f} ms, "
        f"offers {offers.rate:.0f}/s p95 {offers.quantile(95):.0f} ms, "
        f"errors {offers.error_text()}, {result}",
        flush=True,
    )
    return {"health": health, "offers": offers, "check": result}


# ---------------------------------------------------------------------------------------------
# PostgreSQL: two app servers, two workers


def token_of(status_url: str) -> str:
    return urlsplit(status_url).path.rstrip("/").rsplit("/", 1)[1]


async def poll_processed(phase: Phase, ports: list[int], timeout: float) -> tuple[float, dict]:
    """Poll each offer through the server that did not take it until every one is processed;
    returns the seconds it took and how the last answers looked."""
    pending = sorted(phase.acks.items(), key=lambda item: item[1][0])
    seen: dict[int, dict] = {}
    start = time.perf_counter()
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(timeout=httpx.Timeout(60.0), limits=limits) as client:

        async def look(key: str, ack: tuple[int, str, int]) -> bool:
            offer_id, status_url, taken_by = ack
            other = next(p for p in ports if p != taken_by)
            response = await client.get(
                f"http://127.0.0.1:{other}/api/v1/offers/{offer_id}/", params={"token": token_of(status_url)}
            )
            response.raise_for_status()
            body = response.json()
            if body["processed"]:
                seen[offer_id] = body
            return body["processed"]

        while pending:
            if time.perf_counter() - start > timeout:
                raise SystemExit(f"{len(pending)} offers not processed after {timeout:.0f} s")
            batch, rest = pending[:200], pending[200:]
            done = await asyncio.gather(*(look(key, ack) for key, ack in batch))
            pending = [item for item, processed in zip(batch, done, strict=True) if not processed] + rest
            if not any(done):
                await asyncio.sleep(0.5)
    return time.perf_counter() - start, seen


def start_worker(env: dict[str, str], worker_id: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/videnbro"),
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--worker-id",
            worker_id,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def postgres_run(args) -> dict:
    with temporary_postgres() as database_url, load_env(args) as env, ExitStack() as stack:
        env["DATABASE_URL"] = database_url
        manage(env, "migrate", "--noinput")
        manage(env, "seed", "--quiet-progress")
        ports = [stack.enter_context(server(env, workers=args.pg_workers)) for _ in range(2)]
        workers = [start_worker(env, f"worker-{n}") for n in (1, 2)]

        def stop_workers() -> None:
            for process in workers:
                process.send_signal(signal.SIGTERM)
            for process in workers:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()

        stack.callback(stop_workers)
        run = f"bench-{uuid.uuid4().hex[:6]}"
        for port in ports:
            asyncio.run(warm_up(port, f"{run}-{port}"))
        offers = asyncio.run(hammer(offer_request(ports, run), args.clients, args.pg_duration))
        print(
            f"postgres: {offers.ok} offers in {offers.duration:.0f} s "
            f"({offers.rate:.0f}/s), errors {offers.error_text()}; polling…",
            flush=True,
        )
        drain, seen = asyncio.run(poll_processed(offers, ports, timeout=args.pg_timeout))
        rows = postgres_rows(database_url, OFFERS_SQL)
        tasks = postgres_rows(database_url, TASKS_SQL)
        result = check(rows, tasks, offers, run)
        ours = {offer_id for offer_id, _url, _port in offers.acks.values()}
        finished = [
            row[:4]
            for row in postgres_rows(
                database_url,
                "SELECT worker_ids, status, started_at, finished_at, args_kwargs "
                "FROM django_tasks_database_dbtaskresult WHERE task_path = %s",
                (TASK_PATH,),
            )
            if row[4]["args"][0] in ours
        ]
    by_worker = Counter(ids[-1] if ids else "none" for ids, _s, _a, _f in finished)
    statuses = Counter(status for _i, status, _a, _f in finished)
    task_ms = [(end - begin).total_seconds() * 1000 for _i, _s, begin, end in finished if begin and end]
    cross = [body for body in seen.values() if body["status"] and body["focus_area"] and body["organisation"]]
    by_server = Counter(port for _id, _url, port in offers.acks.values())
    return {
        "offers": offers,
        "check": result,
        "drain": drain,
        "by_worker": by_worker,
        "statuses": statuses,
        "task_ms": task_ms,
        "cross": len(cross),
        "by_server": [by_server[p] for p in ports],
        "seen": len(seen),
    }


# ---------------------------------------------------------------------------------------------


def median(values) -> float:
    return statistics.median(list(values))


def report(args, runs: list[dict], pg: dict | None) -> str:
    now = datetime.now(UTC)
    lines = [
        f"## Crisis front door load – {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"`bench/crisis_load.py`: asyncio httpx load generator on loopback, {args.clients} "
        f"concurrent clients (closed loop), on this machine ({os.cpu_count()} CPUs, shared by "
        f"the load generator and the server; load average {args.load_before:.1f} before the "
        f"run). SQLite (WAL, synchronous=FULL): a fresh migrated "
        f"database, gunicorn with {args.workers} sync workers, throttles raised to "
        f"`{args.throttle}`; phase A hammers `/api/v1/health/` for {args.duration:.0f} s, "
        f"phase B posts offers (a unique Idempotency-Key each) for {args.duration:.0f} s; "
        f"median of {len(runs)} runs. Lost/duplicated: offer rows read from the database "
        "against the acknowledged ids. Goal: offers/s ≥ 50 % of health req/s.",
        "",
        "| run | health req/s | health p50 / p95 ms | offers accepted/s | offers p50 / p95 ms "
        "| offers ÷ health | errors | lost | duplicated | task rows missing |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for number, run in enumerate(runs, 1):
        health, offers, result = run["health"], run["offers"], run["check"]
        errors = health.errors + offers.errors
        lines.append(
            f"| {number} | {health.rate:.0f} | {health.quantile(50):.0f} / "
            f"{health.quantile(95):.0f} | {offers.rate:.0f} | {offers.quantile(50):.0f} / "
            f"{offers.quantile(95):.0f} | {offers.rate / health.rate:.0%} | "
            f"{sum(errors.values())} | {result.lost} | {result.duplicated} | "
            f"{result.tasks_missing} |"
        )
    lines.append(
        f"| **median** | **{median(r['health'].rate for r in runs):.0f}** | "
        f"{median(r['health'].quantile(50) for r in runs):.0f} / "
        f"{median(r['health'].quantile(95) for r in runs):.0f} | "
        f"**{median(r['offers'].rate for r in runs):.0f}** | "
        f"{median(r['offers'].quantile(50) for r in runs):.0f} / "
        f"{median(r['offers'].quantile(95) for r in runs):.0f} | "
        f"**{median(r['offers'].rate / r['health'].rate for r in runs):.0%}** | "
        f"{median(sum((r['health'].errors + r['offers'].errors).values()) for r in runs):.0f} | "
        f"{sum(r['check'].lost for r in runs)} | {sum(r['check'].duplicated for r in runs)} | "
        f"{sum(r['check'].tasks_missing for r in runs)} |"
    )
    ratio = median(r["offers"].rate / r["health"].rate for r in runs)
    lines += [
        "",
        f"Goal (offers/s ≥ 50 % of health req/s): {'met' if ratio >= 0.5 else 'not met'} "
        f"({ratio:.0%}). Both phases share the {os.cpu_count()} CPUs with the load generator, whose "
        "own cost per request is the same in both phases.",
    ]
    acknowledged = sum(r["check"].acknowledged for r in runs)
    unanswered = sum(r["check"].stored_unanswered for r in runs)
    intact = not any(r["check"].lost or r["check"].duplicated or r["check"].tasks_missing for r in runs)
    lines += [
        "",
        f"{acknowledged} offers acknowledged over the runs"
        + (
            ", each stored exactly once under the acknowledged id with its processing task"
            if intact
            else " – see lost/duplicated above"
        )
        + (f"; {unanswered} stored offers got no 201 (the client gave up first)." if unanswered else "."),
    ]
    if pg:
        offers, result = pg["offers"], pg["check"]
        workers = ", ".join(f"{worker}: {n}" for worker, n in sorted(pg["by_worker"].items()))
        lines += [
            "",
            f"PostgreSQL {pg['version']} (temporary server, fsync off; seeded real data): two "
            f"gunicorn app servers ({args.pg_workers} sync workers each) on two ports sharing one "
            "database, two `videnbro db_worker` processes running during the load; "
            f"{args.clients} clients post alternately to both servers for "
            f"{args.pg_duration:.0f} s; afterwards every offer is polled through the server that "
            "did *not* take it (`GET /api/v1/offers/{id}/?token=…`) until `processed` is true.",
            "",
            "| measure | value |",
            "|---|---:|",
            f"| offers acknowledged (server A / B) | {len(offers.acks)} ({pg['by_server'][0]} / "
            f"{pg['by_server'][1]}) |",
            f"| offers accepted/s | {offers.rate:.0f} |",
            f"| offer p50 / p95 ms | {offers.quantile(50):.0f} / {offers.quantile(95):.0f} |",
            f"| errors | {offers.error_text()} |",
            f"| lost / duplicated / task rows missing | {result.lost} / {result.duplicated} / "
            f"{result.tasks_missing} |",
            f"| all processed, seconds after the load ended | {pg['drain']:.1f} |",
            f"| all processed, offers/s from first post | "
            f"{(offers.ok + offers.late) / (offers.duration + pg['drain']):.0f} |",
            f"| processing task median / p95 ms | {median(pg['task_ms']):.0f} / "
            f"{statistics.quantiles(pg['task_ms'], n=20)[18]:.0f} |",
            f"| tasks per worker | {workers} |",
            f"| task results | {', '.join(f'{s}: {n}' for s, n in pg['statuses'].items())} |",
            f"| processed offers seen through the other server with status, focus area and "
            f"organisation | {pg['cross']} / {len(offers.acks)} |",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (SQLite)")
    parser.add_argument("--pg-duration", type=float, default=30.0)
    parser.add_argument(
        "--pg-workers", type=int, default=2, help="gunicorn workers per app server (PostgreSQL)"
    )
    parser.add_argument("--pg-timeout", type=float, default=900.0, help="seconds to wait for the workers")
    parser.add_argument(
        "--throttle", default="1000000/s", help="OFFER_THROTTLE_RATE/API_THROTTLE_* for the run"
    )
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    args.load_before = os.getloadavg()[0]

    runs = [sqlite_run(args, number) for number in range(1, args.runs + 1)]
    pg = None
    if not args.skip_postgres:
        pg = postgres_run(args)
        pg["version"] = subprocess.run(
            ["sh", "-c", "ls -d /usr/lib/postgresql/*/ | sort -V | tail -n 1 | xargs basename"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    table = report(args, runs, pg)
    print(table)
    update_results("Crisis front door load", table)


if __name__ == "__main__":
    main()

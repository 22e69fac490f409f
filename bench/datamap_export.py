"""The DCAT-AP catalogue export of 5,000 synthetic datasets against listing the same datasets as
JSON through the API, in the same run. Goal: each export within 10× the JSON listing.

Usage: .venv/bin/python bench/datamap_export.py [--count 5000] [--rounds 5] [--postgres]
       [--no-parse]

A fresh SQLite database in a temporary directory (a temporary PostgreSQL server with
--postgres; the database in DATABASE_URL when that is set) is migrated, seeded with the real
data and given --count synthetic datasets of 4 variables each (`videnbro synth datasets`); one
gunicorn worker serves it. After one unmeasured pass of everything, each round measures on the
same server: `/api/v1/health/` (50 sequential requests, median – the machine's noise floor);
listing every dataset as JSON by following `GET /api/v1/datasets/?page=N&page_size=200` (the
largest page the API allows) to the last page, and the same at the default page size of 25
(sum of the request times); `GET /api/v1/catalogue.ttl` and `GET /api/v1/catalogue.jsonld`
(the whole catalogue). Ratios are taken within a round, then the median over the rounds.

Every answer must be 200; the listing must return every dataset exactly once, and both exports
must describe exactly the listed datasets (the Turtle's `a dcat:Dataset` subjects; the
JSON-LD's nodes of type dcat:Dataset, whose triples are counted). Unless --no-parse, the last
Turtle export is parsed with rdflib once (not timed into the ratios) and its triples compared
with the JSON-LD's. Updates bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import time
from contextlib import nullcontext
from datetime import UTC, datetime
from urllib.parse import urlsplit

from _common import bench_env, manage, measure, server, temporary_postgres, update_results
from tqdm import tqdm

SECTION = "Data map catalogue export"
LIST_PAGE_SIZE = 200  # Pagination.max_page_size
DEFAULT_PAGE_SIZE = 25  # Pagination.page_size
HEALTH_REQUESTS = 50
DCAT_DATASET = "http://www.w3.org/ns/dcat#Dataset"
TURTLE_DATASET = re.compile(rb"^<[^>]*/datalandkort/([^/>]+)/> a dcat:Dataset\b", re.MULTILINE)
SYNTHETIC_PREFIX = "synth-datasaet-"


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[float, bytes]:
    """Seconds from sending the request to the last byte of the body; non-200 aborts."""
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}: {body[:300]!r}")
    return elapsed, body


def list_as_json(port: int, page_size: int) -> tuple[float, int, int, list[str], int]:
    """Every dataset through the paginated list: (seconds, pages, bytes, keys, count field)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    path: str | None = f"/api/v1/datasets/?page=1&page_size={page_size}"
    seconds, pages, size, keys, count = 0.0, 0, 0, [], 0
    while path:
        elapsed, body = fetch(conn, path)
        seconds += elapsed
        pages += 1
        size += len(body)
        page = json.loads(body)
        count = page["count"]
        keys += [dataset["key"] for dataset in page["results"]]
        path = None
        if page["next"]:
            parts = urlsplit(page["next"])
            path = f"{parts.path}?{parts.query}"
    conn.close()
    return seconds, pages, size, keys, count


def export(port: int, path: str) -> tuple[float, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        return fetch(conn, path)
    finally:
        conn.close()


def turtle_datasets(body: bytes) -> list[str]:
    return [key.decode() for key in TURTLE_DATASET.findall(body)]


def json_ld_datasets(body: bytes) -> tuple[list[str], int]:
    """(dataset keys, triples): one triple per @type entry and per property value – the
    shape `dcat._write_json_ld` writes (no @list, no nested node objects)."""
    graph = json.loads(body)["@graph"]
    keys, triples = [], 0
    for node in graph:
        types = node.get("@type", [])
        triples += len(types) + sum(len(values) for name, values in node.items() if not name.startswith("@"))
        if DCAT_DATASET in types:
            keys.append(node["@id"].rstrip("/").rsplit("/", 1)[-1])
    return keys, triples


def check_same(what: str, found: list[str], expected: set[str]) -> None:
    if len(found) != len(set(found)) or set(found) != expected:
        missing, extra = expected - set(found), set(found) - expected
        raise SystemExit(
            f"{what}: {len(found)} datasets ({len(set(found))} distinct), "
            f"{len(missing)} missing (e.g. {sorted(missing)[:3]}), "
            f"{len(extra)} unexpected (e.g. {sorted(extra)[:3]})"
        )


def run(port: int, args) -> dict:
    cases = ("health", "list200", "list25", "turtle", "jsonld")
    rounds: list[dict[str, float]] = []
    facts: dict = {}
    with tqdm(total=(args.rounds + 1) * len(cases), desc="measuring", unit="step") as bar:
        for number in range(args.rounds + 1):  # round 0: the unmeasured warm-up pass
            timings: dict[str, float] = {}
            measure(port, "/api/v1/health/", 5)
            timings["health"] = statistics.median(measure(port, "/api/v1/health/", HEALTH_REQUESTS)) / 1000
            bar.update()
            seconds, pages, size, keys, count = list_as_json(port, LIST_PAGE_SIZE)
            expected = set(keys)
            check_same(f"JSON listing (page_size={LIST_PAGE_SIZE})", keys, expected)
            if count != len(keys):
                raise SystemExit(f"the listing says count={count} but returned {len(keys)}")
            synthetic = sum(key.startswith(SYNTHETIC_PREFIX) for key in keys)
            if synthetic < args.count:
                raise SystemExit(f"only {synthetic} synthetic datasets listed, {args.count} wanted")
            timings["list200"] = seconds
            facts.update(datasets=count, synthetic=synthetic, pages200=pages, bytes200=size)
            bar.update()
            seconds, pages, size, keys, _count = list_as_json(port, DEFAULT_PAGE_SIZE)
            check_same(f"JSON listing (page_size={DEFAULT_PAGE_SIZE})", keys, expected)
            timings["list25"] = seconds
            facts.update(pages25=pages, bytes25=size)
            bar.update()
            timings["turtle"], turtle = export(port, "/api/v1/catalogue.ttl")
            check_same("catalogue.ttl", turtle_datasets(turtle), expected)
            facts["bytes_turtle"] = len(turtle)
            bar.update()
            timings["jsonld"], json_ld = export(port, "/api/v1/catalogue.jsonld")
            ld_keys, facts["triples_jsonld"] = json_ld_datasets(json_ld)
            check_same("catalogue.jsonld", ld_keys, expected)
            facts["bytes_jsonld"] = len(json_ld)
            del json_ld
            bar.update()
            if number:
                rounds.append(timings)
                tqdm.write(
                    f"round {number}: health {timings['health'] * 1000:.2f} ms, JSON "
                    f"listing {timings['list200']:.2f} s, Turtle {timings['turtle']:.2f}"
                    f" s, JSON-LD {timings['jsonld']:.2f} s"
                )
    if not args.no_parse:
        from rdflib import Graph

        tqdm.write("parsing the last Turtle export with rdflib …")
        start = time.perf_counter()
        graph = Graph()
        graph.parse(data=turtle, format="turtle")
        facts["parse_seconds"] = time.perf_counter() - start
        facts["triples_turtle"] = len(graph)
        if len(graph) != facts["triples_jsonld"]:
            raise SystemExit(f"the Turtle holds {len(graph)} triples, the JSON-LD {facts['triples_jsonld']}")
    return {"rounds": rounds, "facts": facts}


def median(values) -> float:
    return statistics.median(list(values))


def report(args, backend: str, result: dict) -> str:
    rounds, facts = result["rounds"], result["facts"]
    ratio = {case: [r[case] / r["list200"] for r in rounds] for case in ("list25", "turtle", "jsonld")}
    lines = [
        f"## {SECTION}, {backend} – {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`bench/datamap_export.py`: {facts['datasets']:,} datasets ({facts['synthetic']:,} "
        f"synthetic of {args.variables} variables each from `videnbro synth datasets`, the "
        f"rest real), {backend}, gunicorn 1 worker, on this machine ({os.cpu_count()} CPUs, "
        f"load average {args.load_before:.1f} before the run); one unmeasured pass, then "
        f"{len(rounds)} round{'s' if len(rounds) != 1 else ''}. JSON listing = every page of "
        f"`GET /api/v1/datasets/` at "
        f"`page_size={LIST_PAGE_SIZE}` (the largest allowed; {facts['pages200']} requests), "
        f"sum of the request times; exports = `GET /api/v1/catalogue.ttl` / `.jsonld`, the "
        "whole catalogue in one request. Ratios within each round, median over the rounds. "
        "Goal: each export ≤ 10× the JSON listing.",
        "",
        "| round | health ms | JSON listing s | listing at page size 25 s | Turtle s | JSON-LD s "
        "| Turtle ÷ listing | JSON-LD ÷ listing |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for number, r in enumerate(rounds, 1):
        lines.append(
            f"| {number} | {r['health'] * 1000:.2f} | {r['list200']:.2f} | {r['list25']:.2f} | "
            f"{r['turtle']:.2f} | {r['jsonld']:.2f} | {ratio['turtle'][number - 1]:.2f}× | "
            f"{ratio['jsonld'][number - 1]:.2f}× |"
        )
    lines.append(
        f"| **median** | {median(r['health'] for r in rounds) * 1000:.2f} | "
        f"**{median(r['list200'] for r in rounds):.2f}** | "
        f"{median(r['list25'] for r in rounds):.2f} | "
        f"**{median(r['turtle'] for r in rounds):.2f}** | "
        f"**{median(r['jsonld'] for r in rounds):.2f}** | "
        f"**{median(ratio['turtle']):.2f}×** | **{median(ratio['jsonld']):.2f}×** |"
    )
    worst = max(median(ratio["turtle"]), median(ratio["jsonld"]))
    health = median(r["health"] for r in rounds)
    triples = facts["triples_jsonld"]
    lines += [
        "",
        f"Goal (export ≤ 10× the JSON listing): {'met' if worst <= 10 else 'not met'} "
        f"(Turtle {median(ratio['turtle']):.2f}×, JSON-LD {median(ratio['jsonld']):.2f}×). "
        f"The listing at the default page size of 25 ({facts['pages25']} requests) takes "
        f"{median(ratio['list25']):.2f}× the listing at {LIST_PAGE_SIZE}.",
        "",
        "| response | bytes | bytes per dataset | triples | median ÷ one health request |",
        "|---|---:|---:|---:|---:|",
        f"| JSON listing, {facts['pages200']} pages | {facts['bytes200']:,} | "
        f"{facts['bytes200'] / facts['datasets']:,.0f} | – | "
        f"{median(r['list200'] for r in rounds) / health:,.0f}× |",
        f"| catalogue.ttl | {facts['bytes_turtle']:,} | "
        f"{facts['bytes_turtle'] / facts['datasets']:,.0f} | "
        f"{facts.get('triples_turtle', triples):,} | "
        f"{median(r['turtle'] for r in rounds) / health:,.0f}× |",
        f"| catalogue.jsonld | {facts['bytes_jsonld']:,} | "
        f"{facts['bytes_jsonld'] / facts['datasets']:,.0f} | {triples:,} | "
        f"{median(r['jsonld'] for r in rounds) / health:,.0f}× |",
        "",
        f"Checked every round: all answers 200; the listing returned each of the "
        f"{facts['datasets']:,} datasets once (at both page sizes); both exports describe "
        "exactly those datasets (Turtle: `a dcat:Dataset` subjects; JSON-LD: nodes of type "
        "dcat:Dataset)."
        + (
            f" The last Turtle export parsed with rdflib ({facts['parse_seconds']:.1f} s, not "
            f"in the ratios) holds {facts['triples_turtle']:,} triples, as many as the JSON-LD."
            if "triples_turtle" in facts
            else ""
        ),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=5_000, help="synthetic datasets")
    parser.add_argument("--variables", type=int, default=4, help="variables per dataset")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--postgres", action="store_true", help="a temporary PostgreSQL server instead of SQLite"
    )
    parser.add_argument("--no-parse", action="store_true", help="skip parsing the Turtle export with rdflib")
    args = parser.parse_args()
    args.load_before = os.getloadavg()[0]
    given_url = os.environ.get("DATABASE_URL")
    context = temporary_postgres() if args.postgres else nullcontext(given_url)
    with context as database_url:
        env = bench_env()
        if database_url:
            env["DATABASE_URL"] = database_url
        backend = urlsplit(database_url).scheme if database_url else "sqlite"
        backend = {"postgres": "PostgreSQL", "postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(
            backend, backend
        )
        if given_url and not args.postgres:
            print(
                f"Using DATABASE_URL ({backend}): the synthetic datasets stay in it; "
                "`videnbro synth --delete` removes them."
            )
        # A whole-catalogue export must not be cut off by gunicorn's 30 s worker timeout on
        # a slow or busy machine: the benchmark reports slowness rather than an error.
        env["GUNICORN_CMD_ARGS"] = "--timeout 600"
        os.makedirs(os.path.join(env["VIDENBRO_VAR_DIR"], "static"), exist_ok=True)  # WhiteNoise
        try:
            manage(env, "migrate", "--noinput")
            manage(env, "seed", "--quiet-progress")
            manage(
                env,
                "synth",
                "datasets",
                "--count",
                str(args.count),
                "--variables",
                str(args.variables),
                "--no-index",
            )
            with server(env) as port:
                result = run(port, args)
        finally:
            shutil.rmtree(env["VIDENBRO_VAR_DIR"], ignore_errors=True)
    table = report(args, backend, result)
    print(table)
    update_results(f"{SECTION}, {backend}", table)


if __name__ == "__main__":
    main()

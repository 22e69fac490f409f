"""Shared helpers for the benchmarks: a throw-away database, a gunicorn server, timing."""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_env(var_dir: str | None = None) -> dict[str, str]:
    """Environment for a fresh SQLite database in a temporary var/ (unless DATABASE_URL is set)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "videnbro.config.settings.local",
        "API_THROTTLE_ANON": "100000000/min",
        "API_THROTTLE_USER": "100000000/min",
    }
    env["VIDENBRO_VAR_DIR"] = var_dir or tempfile.mkdtemp(prefix="videnbro-bench-")
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(ROOT / ".venv/bin/videnbro"), *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(env: dict[str, str], workers: int = 1):
    port = free_port()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "videnbro.config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/api/v1/health/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def measure(port: int, path: str, n: int) -> list[float]:
    """Milliseconds per sequential request; any non-200 answer aborts the benchmark."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
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


def update_results(section: str, table: str) -> None:
    """Replace this benchmark's section of bench/RESULTS.md, keeping the others."""
    results = ROOT / "bench/RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    marker = f"## {section}"
    if marker in text:
        head, _, rest = text.partition(marker)
        following = rest.split("\n## ", 1)
        text = head + (("## " + following[1]) if len(following) > 1 else "")
    results.write_text(text.rstrip() + "\n\n" + table)


@contextmanager
def temporary_postgres():
    """A throw-away PostgreSQL server on loopback (Debian's binaries), yielding DATABASE_URL."""
    import glob
    import shutil

    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    pg_bin = bins[-1]
    directory = tempfile.mkdtemp(prefix="videnbro-bench-pg-")
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(directory, "postgres")
    port = free_port()

    def run(*cmd):
        return subprocess.run(
            [*prefix, *cmd],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    run(
        f"{pg_bin}/initdb",
        "-D",
        f"{directory}/data",
        "-U",
        "videnbro",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    run(
        f"{pg_bin}/pg_ctl",
        "-D",
        f"{directory}/data",
        "-l",
        f"{directory}/log",
        "-w",
        "-o",
        f"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c fsync=off",
        "start",
    )
    try:
        run(f"{pg_bin}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "videnbro", "bench")
        yield f"postgres://videnbro@127.0.0.1:{port}/bench"
    finally:
        subprocess.run(
            [*prefix, f"{pg_bin}/pg_ctl", "-D", f"{directory}/data", "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(directory, ignore_errors=True)

"""No acknowledged offer is lost or duplicated when the app server is killed mid-load (issue 6).

A real gunicorn (3 sync workers, its own process group) serves a fresh, migrated database –
a temporary SQLite file, or, when the suite runs on PostgreSQL, a database created for this
test on the same server and dropped afterwards. Twenty client threads post offers, each with
its own Idempotency-Key; in the middle of the load the whole gunicorn group is killed with
SIGKILL and started again on the same database. Clients retry every request that failed or
got no answer with the same key and body until they get 201; some first attempts also stop
listening after 5 ms, so the retry meets an offer that was stored but never acknowledged.
Then, read straight from the database:

* every key that got a 201 has exactly one offer row, with the id that was acknowledged;
* there are as many offer rows as keys (no duplicates), and replays answered the first id;
* every offer has exactly one `process_offer` task row (the queued work is durable too).
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from videnbro.crisis.models import Offer

pytestmark = pytest.mark.fault

ROOT = Path(__file__).resolve().parents[3]
CLIENTS = 20
WORKERS = 3
LOAD_SECONDS = 3.0  # at least this long (and MIN_ACKS answers) before the kill and after restart
MIN_ACKS = 20
REQUEST_TIMEOUT = 30.0
IMPATIENT_TIMEOUT = 0.005  # some first attempts give up before the answer: stored, not heard
START_TIMEOUT = 90.0
SETTLE_TIMEOUT = 120.0  # for every client to get its last key acknowledged
PROCESS_OFFER = "videnbro.crisis.services.processing.process_offer"


# ---------------------------------------------------------------------------------------------
# A fresh database of the kind the suite runs on


@dataclass
class Database:
    url: str
    query: object  # callable(sql) -> list of rows


def _sqlite_database(directory: Path):
    import sqlite3

    path = directory / "no-loss.sqlite3"

    def query(sql: str) -> list[tuple]:
        with closing(sqlite3.connect(path)) as conn:
            return conn.execute(sql).fetchall()

    yield Database(f"sqlite:///{path}", query)


def _postgres_database():
    import psycopg

    db = settings.DATABASES["default"]
    server = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
    }
    name = f"videnbro_no_loss_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        credentials = quote(server["user"], safe="")
        if server["password"]:
            credentials += ":" + quote(server["password"], safe="")

        def query(sql: str) -> list[tuple]:
            with psycopg.connect(dbname=name, **server) as conn:
                return conn.execute(sql).fetchall()

        yield Database(f"postgres://{credentials}@{server['host']}:{server['port']}/{name}", query)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(directory: Path):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == "django.db.backends.postgresql":
        yield from _postgres_database()
    elif engine == "django.db.backends.sqlite3":
        yield from _sqlite_database(directory)
    else:  # pragma: no cover
        pytest.fail(f"no fresh-database recipe for {engine}")


# ---------------------------------------------------------------------------------------------
# The app server in its own process group


def _free_port() -> int:
    """A free port below the ephemeral range: while the server is down, a client's connect()
    could otherwise be given that very port as its source (a TCP self-connect) and keep the
    restarted server from binding it."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    rng = random.Random()
    for _attempt in range(200):
        port = rng.randrange(max(1024, low - 12000), low)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free port below the ephemeral range")


def _get(port: int, path: str, timeout: float = 5.0) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


class Server:
    def __init__(self, env: dict[str, str], port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 – our own interpreter and arguments
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "videnbro.config.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(WORKERS),
                    "--timeout",
                    "120",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # its own process group: killpg takes the workers too
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if _get(self.port, "/api/v1/health/") == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /api/v1/health/:\n{self.log_tail()}")
            time.sleep(0.2)

    def signal_group(self, signum: int) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """kill -9 of the master and every worker at once, mid-request."""
        self.signal_group(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.signal_group(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                pass
        self.signal_group(signal.SIGKILL)  # any worker left behind
        if self.process.poll() is None:
            self.process.wait(30)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


# ---------------------------------------------------------------------------------------------
# Clients that retry with their idempotency key


@dataclass
class ClientLog:
    keys: list[str] = field(default_factory=list)
    acks: dict[str, list[tuple[int, bool]]] = field(default_factory=lambda: defaultdict(list))
    unacknowledged: list[str] = field(default_factory=list)
    unexpected: list[tuple[str, int, str]] = field(default_factory=list)
    transport_failures: int = 0
    impatient_timeouts: int = 0
    server_errors: int = 0


class Clients:
    def __init__(self, port: int, run: str):
        self.port, self.run = port, run
        self.stop = threading.Event()
        self.give_up_at = float("inf")
        self.logs = [ClientLog() for _ in range(CLIENTS)]
        self.acked = itertools.count()  # next() is atomic enough for a progress counter
        self.ack_count = 0
        self.threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(CLIENTS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        self.stop.set()
        self.give_up_at = time.monotonic() + SETTLE_TIMEOUT
        for thread in self.threads:
            thread.join(SETTLE_TIMEOUT + REQUEST_TIMEOUT + 10)

    def _client(self, n: int) -> None:
        log = self.logs[n]
        try:
            for i in itertools.count():
                if self.stop.is_set():
                    return
                key = f"no-loss-{self.run}-{n}-{i}"
                body = json.dumps(
                    {
                        "offerer_name": f"Klient {n} ApS",
                        "contact_email": f"klient{n}@example.org",
                        "title": f"Visirer, parti {n}-{i}",
                        "description": f"{100 + i} visirer pr. dag fra klient {n}, <b>ikke</b> HTML.",
                    }
                ).encode()
                log.keys.append(key)
                # Every fifth key's first attempt stops listening after a few milliseconds (the
                # server stores the offer all the same); every fourth key is sent again after
                # its answer: a deliberate replay.
                first_timeout = IMPATIENT_TIMEOUT if i % 5 == 1 else REQUEST_TIMEOUT
                for _attempt in range(2 if i % 4 == 3 else 1):
                    ack = self._post_until_acknowledged(log, key, body, first_timeout)
                    if ack is None:
                        return
                    log.acks[key].append(ack)
                    self.ack_count = next(self.acked) + 1
        except Exception as error:  # reported by the test, never lost in a thread
            log.unexpected.append(("client crashed", -1, repr(error)))

    def _post_until_acknowledged(
        self, log: ClientLog, key: str, body: bytes, timeout: float = REQUEST_TIMEOUT
    ) -> tuple[int, bool] | None:
        while True:
            if time.monotonic() > self.give_up_at:
                log.unacknowledged.append(key)
                return None
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            impatient, timeout = timeout < REQUEST_TIMEOUT, REQUEST_TIMEOUT
            try:
                conn.request(
                    "POST",
                    "/api/v1/offers/",
                    body=body,
                    headers={"Content-Type": "application/json", "Idempotency-Key": key},
                )
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException):
                # Refused, reset, timed out or cut off: no answer, so the same request again.
                if impatient:
                    log.impatient_timeouts += 1
                else:
                    log.transport_failures += 1
                    time.sleep(0.2)
                continue
            finally:
                conn.close()
            if response.status == 201:
                replayed = response.getheader("Idempotent-Replayed") == "true"
                return json.loads(payload)["id"], replayed
            if response.status >= 500:
                log.server_errors += 1
                time.sleep(0.2)
                continue
            log.unexpected.append((key, response.status, payload[:300].decode(errors="replace")))
            return None


# ---------------------------------------------------------------------------------------------


def _wait_for_load(clients: Clients, since: int) -> None:
    start = time.monotonic()
    deadline = start + START_TIMEOUT
    while time.monotonic() - start < LOAD_SECONDS or clients.ack_count - since < MIN_ACKS:
        if time.monotonic() > deadline:
            pytest.fail(f"only {clients.ack_count - since} offers acknowledged under load")
        time.sleep(0.1)


def _args(value) -> list:
    return (json.loads(value) if isinstance(value, str) else value)["args"]


def test_it_a_killed_server_loses_and_duplicates_no_acknowledged_offer():
    with tempfile.TemporaryDirectory(prefix="videnbro-no-loss-") as tmp:
        directory = Path(tmp)
        with fresh_database(directory) as database:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "videnbro.config.settings.local",
                "DATABASE_URL": database.url,
                "VIDENBRO_VAR_DIR": str(directory / "var"),
                "SECRET_KEY": "no-loss-test-secret-key",
                "LOG_LEVEL": "WARNING",
                "OFFER_THROTTLE_RATE": "1000000/min",
                "API_THROTTLE_ANON": "1000000/min",
                "API_THROTTLE_USER": "1000000/min",
            }
            migrate = subprocess.run(
                [sys.executable, "-m", "videnbro", "migrate", "--noinput"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert migrate.returncode == 0, migrate.stdout[-2000:] + migrate.stderr[-4000:]

            server = Server(env, _free_port(), directory / "gunicorn.log")
            clients = Clients(server.port, uuid.uuid4().hex[:8])
            try:
                server.start()
                clients.start()
                _wait_for_load(clients, 0)
                server.kill()
                acked_at_kill = clients.ack_count
                time.sleep(0.5)  # clients meet a dead port meanwhile
                server.start()
                _wait_for_load(clients, acked_at_kill)
                clients.join()
            finally:
                clients.stop.set()
                clients.give_up_at = 0
                server.stop()
                for thread in clients.threads:
                    if thread.is_alive():
                        thread.join(REQUEST_TIMEOUT + 10)
            assert not any(thread.is_alive() for thread in clients.threads)
            server_log = server.log_tail()

            offers = database.query(f"SELECT id, idempotency_key FROM {Offer._meta.db_table}")  # noqa: S608
            tasks = database.query(f"SELECT task_path, args_kwargs FROM {DBTaskResult._meta.db_table}")  # noqa: S608

    logs = clients.logs
    keys = [key for log in logs for key in log.keys]
    acks = {key: answers for log in logs for key, answers in log.acks.items()}
    unexpected = [item for log in logs for item in log.unexpected]
    assert not unexpected, f"answers other than 201/5xx: {unexpected[:5]}"
    assert not [key for log in logs for key in log.unacknowledged], (
        "some requests never got a 201 after the restart:\n" + server_log
    )
    assert sum(log.transport_failures for log in logs) > 0, "the kill interrupted no request"
    assert len(keys) == len(set(keys)) == len(acks)
    assert acked_at_kill >= MIN_ACKS

    rows_by_key = defaultdict(list)
    for offer_id, key in offers:
        rows_by_key[key].append(offer_id)
    lost = [key for key in acks if not rows_by_key.get(key)]
    duplicated = {key: ids for key, ids in rows_by_key.items() if len(ids) > 1}
    wrong = {
        key: (rows_by_key[key], answers[0][0])
        for key, answers in acks.items()
        if rows_by_key.get(key) and rows_by_key[key] != [answers[0][0]]
    }
    replays_differ = {
        key: answers
        for key, answers in acks.items()
        if len({offer_id for offer_id, _replayed in answers}) > 1
    }
    assert not lost, f"{len(lost)} acknowledged offers lost, e.g. {lost[:5]}"
    assert not duplicated, f"duplicated offers: {list(duplicated.items())[:5]}"
    assert not wrong, f"rows differ from the acknowledged id: {list(wrong.items())[:5]}"
    assert not replays_differ, f"a replay answered another id: {list(replays_differ.items())[:5]}"
    assert len(offers) == len(set(keys)), "offer rows without an acknowledged key"
    assert sum(len(answers) > 1 for answers in acks.values()) > 0, "no deliberate replay ran"
    assert any(answers[0][1] for answers in acks.values()), (
        "no retry found its offer already stored (Idempotent-Replayed on the first 201)"
    )
    assert all(answers[1][1] for answers in acks.values() if len(answers) > 1), (
        "a deliberate replay was not marked Idempotent-Replayed"
    )

    queued = defaultdict(int)
    for task_path, args_kwargs in tasks:
        if task_path == PROCESS_OFFER:
            queued[_args(args_kwargs)[0]] += 1
    not_once = {offer_id: queued[offer_id] for offer_id, _key in offers if queued[offer_id] != 1}
    assert not_once == {}, "every offer has exactly one process_offer task row"

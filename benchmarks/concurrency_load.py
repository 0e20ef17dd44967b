"""Mixed load through real HTTP (issue 16): 20 API clients reading persons (confidential ones too, as an
editor: audited reads), searching and editing with versions, while an import and a vet run through the
API, plus 100 conflicting edit pairs (both sides edit the version they read: one must get 200, the
other 409, never 500, and the winner's value must be what is stored).

    .venv/bin/python benchmarks/concurrency_load.py [--seconds 60] [--import-rows 1500] [--pg postgresql+psycopg://...]

Runs ``kartoteka serve`` on a free port over a fresh SQLite file, then (with --pg, or KARTOTEKA_TEST_PG)
over a fresh PostgreSQL database, and prints requests, errors (5xx, connection failures, 'database is
locked'), lost updates and latency per backend. Baseline in the same run: GET /api/me, which answers
without touching the registry, under the same clients. tests/web/test_http_concurrency.py runs
``run_load`` for a few seconds per backend.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, text, update
from sqlalchemy.engine import make_url

from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.db.tables import persons
from kartoteka.services.imports import import_file
from kartoteka.services.users import create_token, create_user
from kartoteka.synth.lists import write_sample_list
from kartoteka.synth.registry import write_registry

KARTOTEKA = str(Path(sys.executable).parent / "kartoteka")
CLIENTS = 20
PAIRS = 100
PAIR_WORKERS = 10
THINK = 0.1            # a client's pause between requests (seconds): 20 clients ask up to ~200 requests/s
REGISTRY = 220         # persons: 100 for the pairs, the rest for the clients


@dataclass
class Setup:
    """A registry ready for the load: the editor's token and the files the import and the vet send."""

    token: str
    load_refs: list[str]
    confidential_refs: list[str]
    pair_refs: list[str]
    import_path: Path
    import_rows: int
    vet_path: Path
    vet_rows: int


@dataclass
class Result:
    requests: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)   # the five slowest calls
    longest: dict[str, float] = field(default_factory=dict)          # per method: the slowest call
    confidential_reads: int = 0   # answered GETs of confidential persons: each must leave one audit entry
    pair_wins: int = 0
    pair_conflicts: int = 0
    lost_updates: list[str] = field(default_factory=list)
    imported: int | None = None
    import_seconds: float = 0.0
    vetted: int | None = None
    vet_seconds: float = 0.0
    seconds: float = 0.0

    def p95_ms(self) -> float:
        lat = sorted(self.latencies)
        return 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.95))] if lat else 0.0


def prepare(engine: Engine, tmp: Path, *, import_rows: int = 1500, vet_rows: int = 40) -> Setup:
    """A synthetic registry, an editor with an API token, a persons file of new ids and a list to vet."""
    files = write_registry(tmp / "registry", REGISTRY, seed=16)
    import_file(engine, "persons", files["persons"], actor="setup")
    refs = [f"P{i:07d}" for i in range(1, REGISTRY + 1)]
    pair_refs, load_refs = refs[:PAIRS], refs[PAIRS:]
    confidential = load_refs[::4]
    with engine.begin() as conn:   # exactly these are confidential: each read of one is audited
        conn.execute(update(persons).values(sensitivity="internal"))
        conn.execute(update(persons).where(persons.c.ext_id.in_(confidential)).values(sensitivity="confidential"))
    create_user(engine, username="editor", password=uuid.uuid4().hex, role="editor", actor="setup")
    token = create_token(engine, username="editor", name="load", actor="setup")
    more = write_registry(tmp / "more", import_rows, seed=61)["persons"]
    with more.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    import_path = tmp / "import.csv"
    with import_path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows({**r, "id": "N" + r["id"]} for r in rows)
    vet_path = tmp / "list.csv"
    listed = write_sample_list(engine, vet_path, size=vet_rows, seed=3)
    return Setup(token, load_refs, confidential, pair_refs, import_path, len(rows), vet_path, listed)


@contextmanager
def serving(db_url: str, tmp: Path, *, workers: int = 1) -> Iterator[str]:
    """``kartoteka serve`` on a free port; yields its base address; stopped (SIGTERM) afterwards."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {**os.environ, "KARTOTEKA_MEDIA_DIR": str(tmp / "media"), "KARTOTEKA_SECRET_KEY": uuid.uuid4().hex * 2}
    log = (tmp / f"server-{port}.log").open("w")
    proc = subprocess.Popen([KARTOTEKA, "--db", db_url, "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {(tmp / f'server-{port}.log').read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


class Client:
    """One API user's keep-alive connection; every answer is tallied in ``result``."""

    def __init__(self, base: str, token: str, result: Result, lock: threading.Lock) -> None:
        self.http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120)
        self.result, self.lock = result, lock

    def call(self, method: str, url: str, *, ok: tuple[int, ...] = (200,), **kw: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            r = self.http.request(method, url, **kw)
        except httpx.HTTPError as exc:   # a reset, a refused or dropped connection, a timeout
            self._tally(None, time.perf_counter() - started, f"{method} {url}: {type(exc).__name__}: {exc}", method)
            return None
        bad = r.status_code >= 500 or r.status_code not in ok or "database is locked" in r.text
        self._tally(r.status_code, time.perf_counter() - started,
                    f"{method} {url}: {r.status_code} {r.text[:300]}" if bad else "", f"{method} {url} {r.status_code}")
        return None if bad else r

    def _tally(self, status: int | None, seconds: float, error: str, what: str) -> None:
        with self.lock:
            self.result.requests += 1
            self.result.latencies.append(seconds)
            self.result.slowest = sorted([*self.result.slowest, (seconds, what)], reverse=True)[:5]
            method = what.split(" ")[0]
            self.result.longest[method] = max(self.result.longest.get(method, 0.0), seconds)
            if status is not None:
                self.result.by_status[status] = self.result.by_status.get(status, 0) + 1
            if error:
                self.result.errors.append(error)

    def close(self) -> None:
        self.http.close()

    def follow(self, r: httpx.Response | None, *, timeout: float = 600) -> httpx.Response | None:
        """The final answer of a call that may have started a background job (202 with a status_url)."""
        deadline = time.monotonic() + timeout
        while r is not None and r.status_code == 202:
            url = r.json().get("status_url")
            if not url or time.monotonic() > deadline:
                self._tally(None, 0.0, f"a job did not finish: {r.text[:300]}", "job")
                return None
            time.sleep(0.2)
            r = self.call("GET", url, ok=(200, 202))
        return r


def person(c: Client, ref: str) -> dict[str, Any] | None:
    r = c.call("GET", f"/api/persons/{ref}")
    return r.json() if r is not None else None


def primary(p: dict[str, Any]) -> str:
    return next((n["full"] for n in p["names"] if n.get("kind") == "primary"), "")


def run_load(base: str, setup: Setup, *, seconds: float, clients: int = CLIENTS, think: float = THINK,
             baseline: bool = False) -> Result:
    """Clients, pairs, an import and a vet at once; returns when all are done and ``seconds`` passed.

    With ``baseline`` the clients only call GET /api/me (the server's floor) and nothing else runs."""
    result, lock, stop = Result(), threading.Lock(), threading.Event()
    confidential = set(setup.confidential_refs)
    started = time.monotonic()

    def client_loop(n: int) -> None:
        rng, c = random.Random(n), Client(base, setup.token, result, lock)
        try:
            while not stop.wait(think):
                if baseline:
                    c.call("GET", "/api/me")
                    continue
                op = rng.random()
                ref = rng.choice(setup.confidential_refs if op < 0.3 else setup.load_refs)
                found = person(c, ref)
                if found is not None and ref in confidential:
                    with lock:
                        result.confidential_reads += 1
                if found is None or op < 0.55:
                    continue
                if op < 0.75:
                    c.call("GET", "/api/persons", params={"q": primary(found).split(" ")[0], "limit": 20})
                else:   # a stale version (another client was quicker) is a 409
                        c.call("PATCH", f"/api/persons/{ref}", ok=(200, 409),
                               json={"version": found["person"]["version"], "region": f"Region {rng.randint(1, 999)}"})
        finally:
            c.close()

    def importer() -> None:
        c = Client(base, setup.token, result, lock)
        t = time.monotonic()
        with setup.import_path.open("rb") as fh:
            r = c.follow(c.call("POST", "/api/imports", ok=(200, 202), data={"kind": "persons", "background": "true"},
                                files={"file": ("import.csv", fh, "text/csv")}))
        result.import_seconds = time.monotonic() - t
        result.imported = int(r.json()["created"]) if r is not None else None
        c.close()

    def vetter() -> None:
        c = Client(base, setup.token, result, lock)
        t = time.monotonic()
        with setup.vet_path.open("rb") as fh:
            r = c.follow(c.call("POST", "/api/vetting/runs", ok=(200, 201, 202),
                                data={"definition_id": "guidelines-2013", "label": "load"},
                                files={"file": ("list.csv", fh, "text/csv")}))
        result.vet_seconds = time.monotonic() - t
        if r is not None:
            body = r.json()
            run = body.get("run_id", body.get("id"))
            report = c.call("GET", f"/api/vetting/runs/{run}") if run is not None else None
            result.vetted = int(report.json()["summary"]["rows"]) if report is not None else None
        c.close()

    def pair_worker(w: int) -> None:
        c = Client(base, setup.token, result, lock)
        sides = [Client(base, setup.token, result, lock) for _ in (0, 1)]
        try:
            for i in range(w, PAIRS, PAIR_WORKERS):
                one_pair(c, sides, i)
        finally:
            for x in (c, *sides):
                x.close()

    def one_pair(c: Client, sides: list[Client], i: int) -> None:
        ref = setup.pair_refs[i]
        base_state = person(c, ref)
        if base_state is None:
            return
        version = base_state["person"]["version"]
        key = "primary_name" if i % 2 else "region"
        values = [f"Парный Тест{i}а Иванович", f"Парный Тест{i}б Петрович"] if i % 2 else [f"Pair {i} a", f"Pair {i} b"]
        barrier, answers = threading.Barrier(2), [0, 0]

        def edit(k: int) -> None:
            barrier.wait()
            r = sides[k].call("PATCH", f"/api/persons/{ref}", ok=(200, 409), json={"version": version, key: values[k]})
            answers[k] = r.status_code if r is not None else 0

        threads = [threading.Thread(target=edit, args=(k,)) for k in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = person(c, ref)
        stored = None if after is None else (primary(after) if key == "primary_name" else after["person"][key])
        with lock:
            result.pair_wins += answers.count(200)
            result.pair_conflicts += answers.count(409)
            if sorted(answers) != [200, 409] or after is None or after["person"]["version"] != version + 1 \
                    or stored != values[answers.index(200)]:
                result.lost_updates.append(f"{ref}: answers {answers}, stored {stored!r}, "
                                           f"version {after and after['person']['version']} (read {version})")

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    jobs: list[threading.Thread] = []
    if not baseline:
        jobs = [threading.Thread(target=importer), threading.Thread(target=vetter)]
        jobs += [threading.Thread(target=pair_worker, args=(w,)) for w in range(PAIR_WORKERS)]
    for t in (*threads, *jobs):
        t.start()
    for t in jobs:
        t.join()
    while time.monotonic() - started < seconds:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()
    result.seconds = time.monotonic() - started
    return result


def final_check(base: str, setup: Setup, result: Result) -> None:
    """After the load: no pair's winning value was overwritten since (the clients never touch them)."""
    c = Client(base, setup.token, Result(), threading.Lock())
    try:
        for ref in setup.pair_refs:
            p = person(c, ref)
            if p is None or p["person"]["version"] != 2:
                result.lost_updates.append(f"{ref}: version {p and p['person']['version']} after the load, not 2")
    finally:
        c.close()


def summary(label: str, r: Result) -> str:
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r.by_status.items()))
    return (f"{label}: {r.requests} requests in {r.seconds:.1f} s ({statuses}), errors {len(r.errors)}, "
            f"p95 {r.p95_ms():.0f} ms, max {1000 * max(r.latencies, default=0.0):.0f} ms, confidential reads {r.confidential_reads}, pairs {r.pair_wins} won / "
            f"{r.pair_conflicts} 409, lost updates {len(r.lost_updates)}, import {r.imported} created in "
            f"{r.import_seconds:.1f} s, vet {r.vetted} rows in {r.vet_seconds:.1f} s")


@contextmanager
def pg_database(url: str) -> Iterator[str]:
    name = f"kt_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(label: str, url: str, tmp: Path, seconds: float, *, workers: int, import_rows: int) -> bool:
    engine = make_engine(url)
    upgrade_schema(engine)
    setup = prepare(engine, tmp, import_rows=import_rows)
    engine.dispose()
    with serving(url, tmp, workers=workers) as base:
        floor = run_load(base, setup, seconds=min(5.0, seconds), baseline=True)
        r = run_load(base, setup, seconds=seconds)
        final_check(base, setup, r)
    print(summary(label, r))
    print(f"  baseline (same run, GET /api/me only): {floor.requests} requests, p95 {floor.p95_ms():.0f} ms, "
          f"errors {len(floor.errors)}")
    print("  longest per method:", ", ".join(f"{m} {1000 * sec:.0f} ms" for m, sec in sorted(r.longest.items())))
    print("  slowest:", "; ".join(f"{what} {1000 * sec:.0f} ms" for sec, what in r.slowest))
    for e in r.errors[:10] + r.lost_updates[:10]:
        print("  ", e)
    return not r.errors and not r.lost_updates and r.imported == setup.import_rows and r.vetted == setup.vet_rows


def main(argv: list[str] | None = None, run: Callable[..., bool] = measure) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--import-rows", type=int, default=1500, help="persons in the file imported during the load")
    ap.add_argument("--pg", default=os.environ.get("KARTOTEKA_TEST_PG", ""), help="a PostgreSQL server URL")
    args = ap.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sqlite").mkdir()
        ok &= run("sqlite", f"sqlite:///{Path(tmp) / 'sqlite' / 'load.db'}", Path(tmp) / "sqlite", args.seconds,
                  workers=args.workers, import_rows=args.import_rows)
        if args.pg:
            (Path(tmp) / "pg").mkdir()
            with pg_database(args.pg) as url:
                ok &= run("postgresql", url, Path(tmp) / "pg", args.seconds, workers=args.workers,
                          import_rows=args.import_rows)
    print("PASS" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

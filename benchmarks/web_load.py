"""Web load: concurrent clients searching a synthetic registry through the JSON API on loopback.

Usage: python benchmarks/web_load.py [--persons 100000] [--clients 50] [--requests 4000] [--db FILE]

Builds (or reuses, with --db) a registry of N synthetic persons with their cases, starts
`kartoteka serve` on a free port, and lets C clients search by name (Cyrillic and Latin, whole and
partial names, some with filters) until R requests are done. Prints p50/p95/max latency and
requests per second. Target: p95 <= 200 ms for 50 clients on 100,000 persons.

Baseline, measured in the same run with the same clients: GET /api/me, which authenticates the
token and answers without touching the registry: the floor that the server itself costs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.services.imports import import_file
from kartoteka.services.users import create_token, create_user, list_users
from kartoteka.synth.registry import write_registry
from kartoteka.tabular.reader import open_table

TARGET_P95_MS = 200.0


def build(db: Path, n: int) -> None:
    engine = make_engine(f"sqlite:///{db}")
    upgrade_schema(engine)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        paths = write_registry(Path(tmp), n, seed=7)
        import_file(engine, "persons", paths["persons"], actor="bench")
        import_file(engine, "cases", paths["cases"], actor="bench")
        print(f"registry of {n:,} persons built in {time.perf_counter() - started:.0f} s")
    engine.dispose()


def queries(db: Path, n: int, seed: int = 3) -> list[str]:
    """Search texts drawn from the registry: full names, surnames with given names, Latin aliases."""
    with tempfile.TemporaryDirectory() as tmp:
        rows = list(open_table(write_registry(Path(tmp), min(n, 3000), seed=7)["persons"]).rows)
    rng = random.Random(seed)
    out = []
    for _, r in rng.sample(rows, min(2000, len(rows))):   # mostly distinct: caches must not flatter
        pick = rng.random()
        if pick < 0.4:
            out.append(f"{r['surname']} {r['given_name']}")
        elif pick < 0.7 and r.get("aliases"):
            out.append(r["aliases"].split(";")[0].strip())
        else:
            out.append(f"{r['given_name']} {r['patronymic']} {r['surname']}".strip())
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, head: bytes) -> int:
    """One keep-alive HTTP/1.1 GET; returns the status. (A minimal client: httpx would spend more CPU
    than the server on this 2-core machine and measure itself.)"""
    writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + head)
    await writer.drain()
    status_line = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return int(status_line.split()[1])


async def load(base: str, token: str, paths: list[str], clients: int, total: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    todo = iter(range(total))
    host, port = base.removeprefix("http://").split(":")
    head = f"Host: {host}\r\nAuthorization: Bearer {token}\r\nConnection: keep-alive\r\n\r\n".encode()

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        for i in todo:
            started = time.perf_counter()
            status = await _get(reader, writer, paths[i % len(paths)], head)
            latencies.append((time.perf_counter() - started) * 1000)
            errors += status != 200
        writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors


def report(label: str, lat: list[float], errors: int, seconds: float) -> float:
    lat.sort()
    p50, p95 = statistics.median(lat), lat[int(len(lat) * 0.95) - 1]
    print(f"{label:<28} n={len(lat):>5}  p50={p50:7.1f} ms  p95={p95:7.1f} ms  max={lat[-1]:7.1f} ms  "
          f"{len(lat) / seconds:6.1f} req/s  errors={errors}")
    return p95


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--db", type=Path, default=None, help="reuse (or create) this SQLite file")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "bench.db"
    if not db.exists():
        build(db, args.persons)
    engine = make_engine(f"sqlite:///{db}")
    if not any(u.username == "bench" for u in list_users(engine)):
        create_user(engine, username="bench", password="brisk heron canal 1729", role="editor", actor="bench")
    token = create_token(engine, username="bench", name="load", actor="bench")
    engine.dispose()
    port = free_port()
    env = {**os.environ, "KARTOTEKA_DB": str(db), "KARTOTEKA_MEDIA_DIR": tmp.name,
           "KARTOTEKA_SECRET_KEY": secrets.token_urlsafe(48)}   # serve never runs without a key
    server = subprocess.Popen([str(Path(sys.executable).parent / "kartoteka"), "serve", "--port", str(port),
                               "--workers", str(args.workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        texts = queries(db, args.persons)
        search = [f"/api/persons?{urlencode({'q': t, 'limit': 20})}" for t in texts]
        search += [f"/api/persons?{urlencode({'q': t.split()[0], 'status': 'convicted', 'limit': 20})}"
                   for t in texts[:200]]
        random.Random(5).shuffle(search)   # mixed, as users send them: not all filtered searches at the end
        for _ in range(args.workers * 4):   # warm up: every worker loads the registry once
            httpx.get(f"{base}{search[0]}", headers={"Authorization": f"Bearer {token}"}, timeout=300)
        started = time.perf_counter()
        lat, err = asyncio.run(load(base, token, ["/api/me"], args.clients, args.requests))
        report("baseline GET /api/me", lat, err, time.perf_counter() - started)
        started = time.perf_counter()
        lat, err = asyncio.run(load(base, token, search, args.clients, args.requests))
        p95 = report(f"search ({args.persons:,} persons)", lat, err, time.perf_counter() - started)
        print(f"target p95 <= {TARGET_P95_MS:.0f} ms: {'met' if p95 <= TARGET_P95_MS else 'NOT met'}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        tmp.cleanup()


if __name__ == "__main__":
    main()

"""Every hostile file (tests/tabular/hostile.py) through `kartoteka import` and `kartoteka vet` and the web
API: a message or a result, never a traceback, a hang (30 s) or 2 GB; a failed import changes nothing;
the web answers 4xx or 2xx, never 500.

Light files run in-process (the CLI through Typer's runner); the compressed bombs and the sheet that
declares millions of rows run as `python -m kartoteka` under a 2 GB address-space limit.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from kartoteka.cli.main import app
from kartoteka.db.engine import dispose_engines, make_engine
from kartoteka.db.tables import metadata
from kartoteka.services import users
from kartoteka.services.imports import import_file
from kartoteka.settings import Settings
from kartoteka.web.app import create_app
from tests.tabular.hostile import HEADER, ROWS, Hostile, write_corpus

SECONDS = 30
MEMORY = 2 * 1024 ** 3
ROOT = Path(__file__).resolve().parents[2]
_runner = CliRunner()


class Hang(Exception):
    pass


def _alarm(_sig: int, _frame: FrameType | None) -> None:
    raise Hang()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Hostile]:
    return write_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile-db")
    shutil.copy(sqlite_template, folder / "k.db")   # migrated once per session (tests/conftest.py)
    url = f"sqlite:///{folder / 'k.db'}"
    engine = make_engine(url)
    (folder / "p.csv").write_text(HEADER + ROWS, encoding="utf-8")
    import_file(engine, "persons", folder / "p.csv", actor="setup")
    engine.dispose()
    yield url
    dispose_engines()


def _fingerprint(url: str) -> tuple[int, ...]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                         for t in metadata.sorted_tables   # what an import may change; a vet saves runs
                         if t.name not in ("audit_log", "imports") and not t.name.startswith("vetting"))
    finally:
        engine.dispose()


def _in_process(url: str, args: list[str]) -> tuple[int, str, BaseException | None, float]:
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS)
    started = time.monotonic()
    try:
        result = _runner.invoke(app, ["--db", url, *args])
    finally:
        signal.alarm(0)
    exc = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.output, exc, time.monotonic() - started


_CHILD = """
import json, sys, time, traceback
from typer.testing import CliRunner
from kartoteka.cli.main import app
for args in json.loads(sys.argv[2]):
    started = time.process_time()   # CPU time: the capped runs share the cores; a hang is the parent's timeout
    result = CliRunner().invoke(app, ["--db", sys.argv[1], *args])
    exc = result.exception if not isinstance(result.exception, SystemExit) else None
    print(json.dumps({"args": args, "code": result.exit_code, "elapsed": time.process_time() - started,
                      "output": result.output[-300:] + ("".join(traceback.format_exception(exc)) if exc else "")}),
          flush=True)
"""


def _start_capped(url: str, commands: list[list[str]]) -> subprocess.Popen[str]:
    """The commands in one `python` under a 2 GB address-space limit (a bomb must not reach it)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.Popen([sys.executable, "-c", _CHILD, url, json.dumps(commands)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, preexec_fn=limit, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def _commands(h: Hostile) -> list[list[str]]:
    commands = [["vet", str(h.path), "-d", "guidelines-2013"]]
    if h.path.suffix in (".csv", ".xlsx", ".jsonl"):
        commands.insert(0, ["import", "persons", str(h.path)])
    return commands


def test_every_hostile_file_gets_a_message_not_a_traceback(corpus: list[Hostile], registry: str,
                                                            tmp_path: Path) -> None:
    assert len(corpus) >= 150
    assert {h.path.suffix for h in corpus} == {".csv", ".xlsx", ".docx", ".pdf", ".jsonl", ".txt"}
    failures: list[str] = []
    slow: list[tuple[float, str]] = []
    heavy_db = tmp_path / "heavy.db"   # the capped runs write to a copy while the in-process ones run
    heavy_db.write_bytes(Path(registry.removeprefix("sqlite:///")).read_bytes())
    heavy_url = f"sqlite:///{heavy_db}"
    heavy_before = _fingerprint(heavy_url)
    children = [(h, _start_capped(heavy_url, _commands(h))) for h in corpus if h.heavy]
    for h in corpus:
        if h.heavy:
            continue
        for args in _commands(h):
            before = _fingerprint(registry) if args[0] == "import" else None
            try:
                code, output, exc, elapsed = _in_process(registry, args)
            except Hang:
                code, output, exc, elapsed = -1, "hang", None, SECONDS
            if exc is not None:
                output += f"{type(exc).__name__}: {exc}"
            slow.append((elapsed, f"{args[0]} {h.case}"))
            _judge(failures, h, args, code, output, crashed=exc is not None or code not in (0, 1))
            if before is not None and code != 0 and _fingerprint(registry) != before:
                failures.append(f"{args[0]} {h.case}: failed but changed the database")
    for h, child in children:
        try:
            out, _ = child.communicate(timeout=2 * SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            failures.append(f"{h.case}: hang (capped run)")
            continue
        results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        if len(results) != len(_commands(h)):
            failures.append(f"{h.case}: the capped run died (exit {child.returncode}): {out[-300:]}")
        for r in results:
            slow.append((r["elapsed"], f"{r['args'][0]} {h.case} (capped)"))
            _judge(failures, h, r["args"], r["code"], r["output"], crashed="Traceback" in r["output"])
    if _fingerprint(heavy_url) != heavy_before:
        failures.append("a heavy file changed the database")
    assert failures == []
    assert max(slow)[0] < SECONDS, max(slow)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < MEMORY


def _judge(failures: list[str], h: Hostile, args: list[str], code: int, output: str, *, crashed: bool) -> None:
    if crashed or code not in (0, 1):
        failures.append(f"{args[0]} {h.case}: exit {code}: {output[-300:]}")
    elif code == 1 and h.path.name not in output and "Error" not in output:
        failures.append(f"{args[0]} {h.case}: the message names neither file nor error: {output[-200:]}")


def test_the_web_api_never_answers_500(corpus: list[Hostile], registry: str, tmp_path: Path) -> None:
    engine = make_engine(registry)
    hasher, users._HASHER = users._HASHER, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        users.create_user(engine, username="hostile-admin", password="correct horse battery staple 16",
                          role="admin", actor="test")
        token = users.create_token(engine, username="hostile-admin", name="t", actor="test")
    finally:
        users._HASHER = hasher
    client = TestClient(create_app(Settings(db=registry, media_dir=tmp_path / "media"), engine=engine),
                        base_url="https://testserver", raise_server_exceptions=False)
    client.headers["Authorization"] = f"Bearer {token}"
    errors: list[str] = []
    for h in corpus:
        if h.heavy:
            continue   # the capped subprocess runs them; a bomb in the test process would be the test's fault
        files = {"file": (h.path.name, h.path.read_bytes())}
        answers = [client.post("/api/vetting/runs", data={"definition_id": "guidelines-2013"}, files=files)]
        if h.path.suffix in (".csv", ".xlsx", ".jsonl"):
            answers.append(client.post("/api/imports", data={"kind": "persons", "dry_run": "true"}, files=files))
        for r in answers:
            if r.status_code >= 500 or r.status_code in (401, 403):
                errors.append(f"{h.case}: {r.request.url.path} {r.status_code} {r.text[:200]}")
    engine.dispose()
    assert errors == []

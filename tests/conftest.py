"""Shared fixtures. Every test that takes ``db`` runs on SQLite and, when KARTOTEKA_TEST_PG points at
a server (always in CI), on PostgreSQL too: each test gets a fresh database copied from a migrated
template (on PostgreSQL: or one emptied back to the template's state, tests/pg_pool.py), so tests never
see each other's rows."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from tests.pg_pool import PgDatabases

PG_URL = os.environ.get("KARTOTEKA_TEST_PG", "")
os.environ.setdefault("KARTOTEKA_LANG", "en")   # CLI messages in the source language, whatever the machine's locale
PG_TEMPLATE = f"kt_template_{os.getpid()}_{uuid.uuid4().hex[:6]}"  # one per test session


@dataclass
class Db:
    url: str
    engine: Engine
    backend: str


def _pg_admin() -> Engine:
    return create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need KARTOTEKA_TEST_PG (set by `make test` and CI)")
    try:
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_TEMPLATE}"'))
    except Exception as exc:  # the server is down or refuses us
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"CI needs PostgreSQL at {PG_URL}: {exc}") from exc
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    engine = make_engine(make_url(PG_URL).set(database=PG_TEMPLATE).render_as_string(hide_password=False))
    upgrade_schema(engine)
    engine.dispose()
    yield PG_TEMPLATE
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_databases(pg_template: str) -> Iterator[PgDatabases]:
    """Fresh copies of the template, one per test (tests/pg_pool.py: how and why)."""
    databases = PgDatabases(PG_URL, pg_template)
    yield databases
    databases.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    yield from fresh_db(request, tmp_path / "kartoteka.db", request.param)


def fresh_db(request: pytest.FixtureRequest, path: Path, backend: str) -> Iterator[Db]:
    """A fresh migrated database on ``backend`` (a SQLite file at ``path``), done with afterwards; for a
    test that needs a second one, as ``yield from`` in its own fixture."""
    if backend == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        yield Db(url, engine, "sqlite")
        _no_walks_left()
        engine.dispose()
        return
    databases: PgDatabases = request.getfixturevalue("pg_databases")
    name = databases.take()
    url = databases.url(name)
    engine = make_engine(url)
    try:
        yield Db(url, engine, "postgresql")
    finally:
        _no_walks_left()
        engine.dispose()
        databases.give_back(name)


def _no_walks_left() -> None:
    """The pages' background work (services/background.py: the audit chain's walk, the dashboard's figures)
    ended before its database goes."""
    from kartoteka.services import background

    assert background.wait_idle(60), "background work still runs after its test"


# The files that take longest start first, longest first (worker seconds in a whole run on 2 cores:
# 86, 40, 37, 33, 32, 30, 30, 29, 24, 20, 19, 19): `--dist loadfile` hands out files in collection order,
# and one of them started last kept one worker busy minutes after the other had finished (the suite took
# 10.5 minutes instead of about 8).
SLOW_FIRST = ("tests/tabular/test_hostile.py", "tests/web/test_http_concurrency.py", "tests/web/test_imports_jobs.py",
              "tests/services/test_import_kill.py", "tests/web/test_server.py", "tests/web/test_app.py",
              "tests/benchmarks/test_scale.py", "tests/web/test_openapi.py", "tests/services/test_name_index.py",
              "tests/web/test_viewer_world.py", "tests/web/test_browser_registry.py", "tests/web/test_browser.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))   # stable: files stay whole

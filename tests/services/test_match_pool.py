"""services/match_pool.py: a long list through the stored index shared with forked copies of the process
(each reading through a connection of its own) answers exactly as one process, for a restricted reader
too; the cost model counts the processes; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka import forked
from kartoteka.db.tables import persons
from kartoteka.matching.engine import Matcher
from kartoteka.services import match_pool
from kartoteka.services import matching as svc
from kartoteka.services.name_index import sync_name_index
from tests.conftest import Db
from tests.matching.test_stored_list import _registry, _seen


def test_a_long_list_through_the_index_is_shared_by_forked_processes(db: Db, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    queries = _registry(db, tmp_path)
    with db.engine.connect() as conn:
        visible = set(conn.execute(select(persons.c.id).where(persons.c.sensitivity != "confidential")).scalars())
    expected = _seen(Matcher.from_engine(db.engine).match_many(queries))
    restricted = _seen(Matcher.from_engine(db.engine, person_ids=visible).match_many(queries))
    monkeypatch.setattr(match_pool, "POOL_ROWS", 100)
    monkeypatch.setattr(match_pool, "CHUNK", 40)
    monkeypatch.setattr(match_pool, "FORK_CHUNK", 40)
    monkeypatch.setattr(forked, "_loop_running", lambda: False)   # (a browser test may have left Playwright's)
    monkeypatch.setattr(forked, "MIN_ITEMS", 10)
    monkeypatch.delenv("KARTOTEKA_MATCH_WORKERS", raising=False)
    monkeypatch.setenv("KARTOTEKA_FORK_WORKERS", "2")
    assert match_pool.forks_for(db.engine, len(queries)) == 2
    assert match_pool.forks_for(db.engine, 99) == 1
    sync_name_index(db.engine)
    processes: list[int] = []
    fork_map = match_pool.fork_map

    me = os.getpid()

    def counting(work, items, **kw):  # type: ignore[no-untyped-def]
        processes.append(kw["processes"])

        def tagged(chunk):  # type: ignore[no-untyped-def]
            if os.getpid() == me:
                time.sleep(0.2)   # so that the forked copy surely takes chunks too, however loaded the machine
            return [(os.getpid(), r) for r in work(chunk)]
        return fork_map(tagged, items, **kw)

    monkeypatch.setattr(match_pool, "fork_map", counting)
    for sensitivities, want in ((None, expected), (["public", "internal"], restricted)):
        with db.engine.connect() as conn:
            pooled = match_pool.PooledMatcher(conn, db.engine, processes=0, sensitivities=sensitivities)
            done: list[int] = []
            got = pooled.match_many(queries, progress=lambda n, _t: done.append(n))
        pids = {pid for pid, _ in got}   # type: ignore[misc]
        assert len(pids) == 2 and os.getpid() in pids   # a forked copy matched some of the rows
        assert _seen([r for _, r in got]) == want   # type: ignore[misc]
        assert done[-1] == len(queries)
    assert processes == [2, 2]


def test_the_cost_model_counts_the_forked_processes(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KARTOTEKA_MATCH_WORKERS", raising=False)
    monkeypatch.setattr(forked, "_loop_running", lambda: False)   # (a browser test may have left Playwright's)
    monkeypatch.setattr(svc, "LOAD_PERSON_S", 0.00088)
    with db.engine.begin() as conn:
        conn.execute(persons.insert().values(id=5000, ext_id="X", sensitivity="public", citizenship="",
                                             region="", notes="", created_by="t", updated_by="t", version=1,
                                             created_at=svc.audit.now(), updated_at=svc.audit.now()))
    monkeypatch.setenv("KARTOTEKA_FORK_WORKERS", "1")
    # one process: 3,000 rows x 3.5 ms of look-ups = 10.5 s against 4.4 s to load 5,000 persons + 6 s in memory
    assert svc.candidates_path(db.engine, 3000) == "registry"
    monkeypatch.setenv("KARTOTEKA_FORK_WORKERS", "2")
    # two: 10.5 s x 1.4 / 2 = 7.35 s against 4.4 s + 3 s
    assert svc.candidates_path(db.engine, 3000) == "index"

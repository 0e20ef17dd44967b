"""The audit log's hash chain: an untouched log verifies; an UPDATE, DELETE or INSERT in the database
is reported, naming the first bad entry; concurrent writers never fork the chain; bulk imports chain."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from sqlalchemy import delete, func, insert, select, update

from kartoteka.db.audit import log_event, now
from kartoteka.db.chain import entry_hash
from kartoteka.db.tables import audit_head, audit_log, users
from kartoteka.services.auditlog import verify_audit
from kartoteka.services.imports import import_file
from tests.cli.runner import run_cli
from tests.conftest import Db


def _write(db: Db, n: int, actor: str = "anna") -> None:
    for i in range(n):
        with db.engine.begin() as conn:
            log_event(conn, entity="person", entity_id=i + 1, action="read", actor=actor, after={"n": i})


def _ids(db: Db) -> list[int]:
    with db.engine.connect() as conn:
        return list(conn.execute(select(audit_log.c.id).order_by(audit_log.c.seq)).scalars())


def test_untouched_log_verifies_and_cli_says_so(db: Db) -> None:
    _write(db, 5)
    state = verify_audit(db.engine)
    assert state.ok and state.entries == 5, state
    assert "intact: 5 entries" in run_cli(db, "audit", "verify")


def test_update_of_one_entry_is_named(db: Db) -> None:
    _write(db, 5)
    target = _ids(db)[2]
    with db.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == target).values(actor="mallory"))
    state = verify_audit(db.engine)
    assert not state.ok and state.entry_id == target and "changed" in state.problem
    out = run_cli(db, "audit", "verify", code=1)
    assert f"#{target}" in out and "changed" in out


def test_update_with_recomputed_hash_is_still_found(db: Db) -> None:
    _write(db, 5)
    target = _ids(db)[1]
    with db.engine.begin() as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.id == target)).mappings().one()
        forged = {**row, "actor": "mallory"}
        conn.execute(update(audit_log).where(audit_log.c.id == target)
                     .values(actor="mallory", hash=entry_hash(row["prev_hash"], forged)))
    state = verify_audit(db.engine)
    assert not state.ok and state.entry_id == _ids(db)[2], state


def test_delete_in_the_middle_is_found(db: Db) -> None:
    _write(db, 5)
    ids = _ids(db)
    with db.engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == ids[1]))
    state = verify_audit(db.engine)
    assert not state.ok and state.entry_id == ids[2] and "removed" in state.problem, state


def test_delete_of_the_last_entry_is_found(db: Db) -> None:
    _write(db, 4)
    with db.engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == _ids(db)[-1]))
    state = verify_audit(db.engine)
    assert not state.ok and state.seq == 4 and "removed" in state.problem, state


def test_insert_is_found(db: Db) -> None:
    _write(db, 3)
    with db.engine.begin() as conn:  # an entry without a place in the chain
        conn.execute(insert(audit_log).values(at=now(), actor="mallory", entity_type="person", entity_id=9,
                                              action="update"))
    state = verify_audit(db.engine)
    assert not state.ok and "inserted" in state.problem, state


def test_forged_insert_in_the_chain_is_named(db: Db) -> None:
    """A forger who computes a valid hash and renumbers the later entries: the inserted one is named."""
    _write(db, 4)
    with db.engine.begin() as conn:
        rows = [dict(r) for r in conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings()]
        conn.execute(update(audit_log).where(audit_log.c.seq >= 3).values(seq=audit_log.c.seq + 100))
        forged = {"at": now(), "actor": "mallory", "entity_type": "person", "entity_id": 9, "action": "update",
                  "field": None, "before": None, "after": None, "batch": None, "seq": 3,
                  "prev_hash": rows[1]["hash"]}
        forged["hash"] = entry_hash(rows[1]["hash"], forged)
        new_id = conn.execute(insert(audit_log).returning(audit_log.c.id).values(**forged)).scalar_one()
        for r in rows[2:]:
            conn.execute(update(audit_log).where(audit_log.c.id == r["id"]).values(seq=r["seq"] + 1))
        conn.execute(update(audit_head).values(seq=5))
    state = verify_audit(db.engine)
    assert not state.ok and state.entry_id == new_id and "inserted" in state.problem, state


def test_concurrent_writers_never_fork_the_chain(db: Db) -> None:
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            _write(db, 15, actor=f"w{k}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    state = verify_audit(db.engine)
    assert state.ok and state.entries == 60, state


def test_bulk_import_rows_are_chained(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("id,name\nP1,Иванов Иван\nP2,Петров Пётр\n", encoding="utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="test")
    with db.engine.connect() as conn:
        unchained = conn.execute(select(func.count()).select_from(audit_log)
                                 .where(audit_log.c.hash.is_(None))).scalar_one()
        total = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    assert total >= 2 and unchained == 0
    assert verify_audit(db.engine).ok


def test_a_record_lock_and_the_chain_lock_cannot_deadlock(db: Db) -> None:
    """T1 locks record A and audits it, then T2 locks record B and audits it, then T1 needs B. Were the
    chain locked at T1's first entry, T2 would wait for T1 and T1 for T2 (PostgreSQL aborts one)."""
    if db.backend == "sqlite":
        pytest.skip("SQLite: a write transaction holds the only write lock from its start")
    from kartoteka.services.users import create_user

    a = create_user(db.engine, username="aa", password="vivid otter lamp 31", role="viewer", actor="t").id
    b = create_user(db.engine, username="bb", password="vivid otter lamp 31", role="viewer", actor="t").id
    t1_audited, t2_audited = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def touch(conn: Any, uid: int) -> None:
        conn.execute(update(users).where(users.c.id == uid).values(language="uk"))
        log_event(conn, entity="user", entity_id=uid, action="update", actor="t", field="language")

    def t1() -> None:
        try:
            with db.engine.begin() as conn:
                touch(conn, a)
                t1_audited.set()
                assert t2_audited.wait(10)
                touch(conn, b)          # waits until T2 commits
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def t2() -> None:
        try:
            assert t1_audited.wait(10)
            with db.engine.begin() as conn:
                touch(conn, b)
                t2_audited.set()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=t1), threading.Thread(target=t2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert verify_audit(db.engine).ok


def _batch(conn: Any, n: int, first: int, actor: str) -> None:
    from kartoteka.db.bulk import bulk_insert

    at = now()
    bulk_insert(conn, audit_log, [{"at": at, "actor": actor, "entity_type": "person", "entity_id": first + i,
                                   "action": "read", "field": None, "before": None,
                                   "after": f'{{"n": {first + i}, "name": "Сейтумеров Эмир-Усеин"}}', "batch": "b"}
                                  for i in range(n)])


def test_large_batches_single_entries_and_rolled_back_ones_chain_once_in_order(db: Db) -> None:
    """On PostgreSQL a batch of 50 entries or more waits in a temporary table until the commit, which
    chains it with the transaction's other entries (in id order) and writes each entry once; a batch
    rolled back with its savepoint or its transaction leaves nothing. SQLite chains them as they come."""
    from kartoteka.db import chain

    assert chain._COPY_FROM <= 120
    with db.engine.begin() as conn:
        log_event(conn, entity="person", entity_id=1, action="read", actor="one", after={"n": 1})
        _batch(conn, 120, 100, "big")
        written = conn.execute(select(func.count()).select_from(audit_log).where(audit_log.c.actor == "big"))
        # PostgreSQL: not in audit_log until the commit chains it (then written once, with its link)
        assert written.scalar_one() == (120 if db.backend == "sqlite" else 0)
        if db.backend == "postgresql":
            assert conn.exec_driver_sql("SELECT count(*) FROM audit_staged").scalar_one() == 120
        log_event(conn, entity="person", entity_id=2, action="read", actor="two", after={"n": 2})
        savepoint = conn.begin_nested()
        _batch(conn, 60, 1000, "undone")
        savepoint.rollback()
        _batch(conn, 55, 300, "second")
        log_event(conn, entity="person", entity_id=3, action="read", actor="three", after={"n": 3})
    with pytest.raises(RuntimeError):
        with db.engine.begin() as conn:
            _batch(conn, 80, 2000, "failed")
            raise RuntimeError("the transaction fails")
    state = verify_audit(db.engine)
    assert state.ok and state.entries == 1 + 120 + 1 + 55 + 1, state
    with db.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.id, audit_log.c.seq, audit_log.c.actor, audit_log.c.entity_id,
                                   audit_log.c.after).order_by(audit_log.c.seq)).all()
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert [r.id for r in rows] == sorted(r.id for r in rows)   # chained in the order written
    assert [r.actor for r in rows] == ["one"] + ["big"] * 120 + ["two"] + ["second"] * 55 + ["three"]
    assert [r.entity_id for r in rows if r.actor == "big"] == list(range(100, 220))
    assert rows[1].after == '{"n": 100, "name": "Сейтумеров Эмир-Усеин"}'
    assert len({r.id for r in rows}) == len(rows)


def test_a_transaction_of_large_batches_only_is_chained_in_the_order_written(db: Db) -> None:
    """Every pending entry staged (PostgreSQL reads the temporary table once, in order, at the commit):
    three batches, one undone with its savepoint, over more than one read of 5,000."""
    with db.engine.begin() as conn:
        _batch(conn, 3000, 1, "first")
        savepoint = conn.begin_nested()
        _batch(conn, 60, 90_000, "undone")
        savepoint.rollback()
        _batch(conn, 4000, 10_000, "second")
        _batch(conn, 70, 50_000, "third")
    state = verify_audit(db.engine)
    assert state.ok and state.entries == 7070, state
    with db.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.id, audit_log.c.seq, audit_log.c.actor, audit_log.c.entity_id)
                            .order_by(audit_log.c.seq)).all()
    assert [r.seq for r in rows] == list(range(1, 7071)) and [r.id for r in rows] == sorted(r.id for r in rows)
    assert [r.entity_id for r in rows] == [*range(1, 3001), *range(10_000, 14_000), *range(50_000, 50_070)]


def test_the_canonical_form_written_item_by_item_is_the_encoders_byte_for_byte() -> None:
    """db/chain.py writes an entry's canonical JSON item by item (texts an import shares encoded once);
    it must equal the encoder's output exactly, or every hash written since would fail verification."""
    import datetime as dt
    import random

    from kartoteka.db.chain import _canonical, _canonical_slow

    rnd = random.Random(17)
    letters = ["a", "Я", "ї", '"', "\\", "\n", "\x00", "\x1f", "\u2028", "😀", "\t", "/", " ", "\x7f", "ʼ"]

    def value() -> Any:
        r = rnd.random()
        if r < 0.15:
            return None
        if r < 0.3:
            return rnd.randint(-2**70, 2**70)
        if r < 0.33:
            return True    # (not an int to the fast path: the encoder writes true)
        if r < 0.35:
            return 1.5
        return "".join(rnd.choice(letters) for _ in range(rnd.choice((0, 3, 60, 64, 65, 300))))

    zones = [dt.timezone.utc, dt.timezone(dt.timedelta(hours=3))]
    for _ in range(3000):
        at = dt.datetime(2026, 1 + rnd.randint(0, 11), 3, 4, 5, 0, rnd.randint(0, 999_999), tzinfo=rnd.choice(zones))
        fields = [at, *(value() for _ in range(8))]
        seq = rnd.randint(1, 10**9)
        assert _canonical(seq, fields) == _canonical_slow(seq, fields)


def _rewrite_from(db: Db, seq: int, actor: str) -> None:
    """A forger with the database: entry ``seq`` changed and every hash from it on made again, the head too."""
    with db.engine.begin() as conn:
        rows = [dict(r) for r in conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings()]
        prev = rows[seq - 2]["hash"] if seq > 1 else "0" * 64
        for r in rows[seq - 1:]:
            if r["seq"] == seq:
                r["actor"] = actor
            r["prev_hash"], r["hash"] = prev, entry_hash(prev, r)
            conn.execute(update(audit_log).where(audit_log.c.id == r["id"]).values(
                actor=r["actor"], prev_hash=r["prev_hash"], hash=r["hash"]))
            prev = r["hash"]
        conn.execute(update(audit_head).values(hash=prev))


def test_a_walk_since_an_entry_checks_the_entries_after_it_and_that_entry(db: Db) -> None:
    """``since``: the entries after a checked one are walked; a change after it is named as by a whole walk;
    a chain rewritten from an earlier entry (its hashes made again) changes that entry's hash and is named by
    the whole walk it falls back to. An earlier entry changed alone is left to the next whole walk."""
    from kartoteka.db.chain import verify_chain

    _write(db, 4)
    first = verify_audit(db.engine)
    since = (first.entries, first.head_hash)
    _write(db, 3)
    whole = verify_audit(db.engine)
    part = verify_audit(db.engine, since=since)
    assert part.ok and (part.entries, part.head_hash) == (whole.entries, whole.head_hash) == (7, whole.head_hash)
    ids = _ids(db)
    with db.engine.begin() as conn:   # an entry after the checked one
        conn.execute(update(audit_log).where(audit_log.c.id == ids[5]).values(actor="mallory"))
    assert (verify_audit(db.engine, since=since).entry_id, verify_audit(db.engine).entry_id) == (ids[5], ids[5])
    with db.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == ids[5]).values(actor="anna"))
        conn.execute(update(audit_log).where(audit_log.c.id == ids[1]).values(actor="mallory"))   # before it
    assert verify_audit(db.engine, since=since).ok                       # (the next whole walk finds it)
    assert verify_audit(db.engine).entry_id == ids[1]
    with db.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == ids[1]).values(actor="anna"))
    with db.engine.begin() as conn:   # removed after the checked entry: named as the whole walk names it
        row = conn.execute(select(audit_log).where(audit_log.c.id == ids[5])).mappings().one()
        conn.execute(delete(audit_log).where(audit_log.c.id == ids[5]))
    with db.engine.connect() as conn:
        assert verify_chain(conn, since=since) == verify_chain(conn) and not verify_chain(conn).ok
    with db.engine.begin() as conn:
        conn.execute(insert(audit_log).values(**row))
    assert verify_audit(db.engine, since=since).ok
    _rewrite_from(db, 2, "mallory")
    assert verify_audit(db.engine).ok                                      # the whole walk cannot tell
    state = verify_audit(db.engine, since=since)
    assert not state.ok and state.seq == 4 and state.entry_id == ids[3] and "written again" in state.problem

"""Likely duplicates stored and kept current (services/duplicate_pairs.py): after edits, an import, a
merge and a delete, the stored pairs brought up to date equal the pairs of a full scan from scratch; the
pairs outlive the process; one scan at a time, with its progress for every reader."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from kartoteka.db import audit
from kartoteka.db.tables import duplicate_pairs, duplicate_state, persons
from kartoteka.matching.config import MatchSettings
from kartoteka.services import matching as svc
from kartoteka.services.access import system_principal
from kartoteka.services.duplicate_pairs import SCAN_STALE, ScanNeeded, claim_scan, run_scan, stored_pairs
from kartoteka.services.imports import import_file
from kartoteka.matching.engine import NameQuery
from kartoteka.services.person_merge import merge_records
from kartoteka.services.persons import get_person
from kartoteka.services.persons_edit import PersonEdit, edit_person
from kartoteka.synth.registry import PERSON_COLUMNS, generate_registry, write_rows
from tests.conftest import Db


def _forget(db: Db) -> None:
    """As a registry never scored (the state a migration leaves)."""
    with db.engine.begin() as conn:
        conn.execute(update(duplicate_state).values(seq=-1, settings="", beat=None))


def _full(db: Db) -> list[tuple[str, str, float]]:
    _forget(db)
    paths: list[str] = []
    out = [(p.ext_id, p.other_ext_id, round(p.score, 6)) for p in svc.find_duplicates(db.engine, on_path=paths.append)]
    assert paths == ["full"]
    return out


def _now(db: Db, path: str = "incremental") -> list[tuple[str, str, float]]:
    paths: list[str] = []
    out = [(p.ext_id, p.other_ext_id, round(p.score, 6)) for p in svc.find_duplicates(db.engine, on_path=paths.append)]
    assert paths[0].startswith(path)
    return out


def _registry(db: Db, tmp_path: Path, n: int = 250) -> list[str]:
    synth = generate_registry(n, seed=9)
    src = tmp_path / "persons.csv"
    write_rows(src, PERSON_COLUMNS, synth.persons)
    import_file(db.engine, "persons", src, actor="test")
    return [p["id"] for p in synth.persons]


def test_incremental_pairs_equal_a_full_scan(db: Db, tmp_path: Path) -> None:
    exts = _registry(db, tmp_path)
    first = _full(db)
    assert first, "the synthetic registry has namesakes"
    assert _now(db, "cached") == first
    admin = system_principal("test")
    # an edit that makes a new pair: person 5 takes person 6's name and birth date
    six = get_person(db.engine, exts[6]).person
    five = get_person(db.engine, exts[5]).person
    name6 = get_person(db.engine, exts[6]).names[0]["full"]
    edit_person(db.engine, admin, exts[5], PersonEdit(version=int(five["version"]), primary_name=name6,
                                                      birth_date=six["birth_date"] or ""))
    assert _now(db) == _full(db)
    assert any({exts[5], exts[6]} == {a, b} for a, b, _ in _now(db, "cached"))
    # an import of a namesake, a merge and a delete
    more = tmp_path / "more.csv"
    p9 = get_person(db.engine, exts[9])
    more.write_text(f"id,name,birth_date\nX-1,{p9.names[0]['full']},{p9.person['birth_date'] or ''}\n", "utf-8")
    import_file(db.engine, "persons", more, actor="test")
    assert _now(db) == _full(db)
    merge_records(db.engine, admin, keep=exts[5], other=exts[6], choices={})
    assert _now(db) == _full(db)
    with db.engine.begin() as conn:
        audit.soft_delete(conn, persons, "person", int(get_person(db.engine, "X-1").person["id"]), actor="test")
    after = _now(db)
    assert after == _full(db) and not any("X-1" in (a, b) for a, b, _ in after)


def test_a_full_scan_leaves_no_dead_pairs_behind_on_postgresql(db: Db, tmp_path: Path) -> None:
    """A full scan replaces every pair: on PostgreSQL the replaced rows are vacuumed away at once (nothing
    else does when autovacuum is off: every scan grew the table by the registry's pairs) and the new ones
    are marked visible to all, so the next reader does not visit them one by one."""
    _registry(db, tmp_path)
    assert _full(db) and _full(db)
    if db.backend != "postgresql":
        return
    with db.engine.connect() as conn:   # (a page with a dead row is not all-visible; the counts of
        visible, pages = conn.execute(text(  # pg_stat_user_tables are flushed late: not read here)
            "SELECT relallvisible, relpages FROM pg_class WHERE relname = 'duplicate_pairs'")).one()
    assert visible == pages > 0


def test_pairs_are_stored_for_other_processes_and_settings(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path, 120)
    with pytest.raises(ScanNeeded):       # never scored: a reader that must not scan is told so
        svc.find_duplicates(db.engine, scan=False)
    assert svc.duplicate_status(db.engine).state == "needed"
    first = _full(db)
    with db.engine.connect() as conn:     # in the database, as any process reads them
        stored = conn.execute(select(duplicate_pairs.c.person_id, duplicate_pairs.c.other_person_id)).all()
    assert len(stored) == len(first) and all(a < b for a, b in stored)
    assert svc.duplicate_status(db.engine).state == "ready"
    assert [(p.ext_id, p.other_ext_id) for p in svc.find_duplicates(db.engine, scan=False)] == \
        [(a, b) for a, b, _ in first]
    other = MatchSettings(review_threshold=0.5)   # pairs scored with other settings do not count
    with pytest.raises(ScanNeeded):
        stored_pairs(db.engine, other)
    assert len(svc.find_duplicates(db.engine, settings=other)) >= len(first)
    assert svc.duplicate_status(db.engine).state == "needed"   # the default settings' pairs were replaced


def test_one_scan_at_a_time_with_its_progress(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path, 60)
    assert claim_scan(db.engine) and not claim_scan(db.engine)   # a second worker starts nothing
    with db.engine.begin() as conn:
        conn.execute(update(duplicate_state).values(done=20, total=60))
    status = svc.duplicate_status(db.engine)
    assert (status.state, status.done, status.total, status.percent) == ("running", 20, 60, 33)
    with db.engine.begin() as conn:   # its process died: no sign of life for longer than SCAN_STALE
        conn.execute(update(duplicate_state).values(beat=time.time() - SCAN_STALE - 1))
    assert svc.duplicate_status(db.engine).state == "needed" and claim_scan(db.engine)

    def failing(progress: object) -> list[svc.DuplicatePair]:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        run_scan(db.engine, MatchSettings(), failing)
    status = svc.duplicate_status(db.engine)
    assert status.state == "needed" and "disk full" in status.error
    seen: list[tuple[int, int]] = []
    svc.find_duplicates(db.engine, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (60, 60) and svc.duplicate_status(db.engine).error == ""


def test_an_edit_among_many_namesakes_ranks_only_what_can_pair(db: Db, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Rescoring one edited person compares it with each namesake once, instead of ranking every namesake's
    own namesakes; the pairs still equal a full scan's."""
    from kartoteka.matching.stored import StoredMatcher

    lines = ["id,surname,given_name,patronymic,birth_date,gender"]
    lines += [f"N-{i},Иванов,Сергей,Петрович,{1950 + i}-0{1 + i % 9}-1{i % 10},m" for i in range(40)]
    lines += ["D-1,Иванов,Сергей,Петрович,1975-05-05,m", "D-2,Ivanov,Sergei,Petrovich,1975-05-05,m",
              "K-1,Ахмедова,Лейла,Рустамовна,1988-02-02,f"]
    src = tmp_path / "namesakes.csv"
    src.write_text("\n".join(lines) + "\n", "utf-8")
    import_file(db.engine, "persons", src, actor="test")
    first = _full(db)
    assert any({"D-1", "D-2"} == {a, b} for a, b, _ in first)
    ranked: list[int] = []
    score_all = StoredMatcher.score_all

    def counting(self: StoredMatcher, q: object, **kw: object) -> object:
        ranked.append(1)
        return score_all(self, q, **kw)  # type: ignore[arg-type]

    prepared: list[str] = []
    prepare_all = StoredMatcher.prepare_all

    def preparing(self: StoredMatcher, q: NameQuery) -> object:
        prepared.append(q.name)
        return prepare_all(self, q)

    monkeypatch.setattr(StoredMatcher, "score_all", counting)
    monkeypatch.setattr(StoredMatcher, "prepare_all", preparing)
    k1 = get_person(db.engine, "K-1").person   # now a namesake of D-1 and D-2, with their birth date
    edit_person(db.engine, system_principal("test"), "K-1", PersonEdit(
        version=int(k1["version"]), primary_name="Иванов Сергей Петрович", gender="m", birth_date="1975-05-05"))
    now = _now(db)
    assert len(ranked) <= 4, len(ranked)   # the edited person and the few that can pair with it, not 42
    # a namesake born in another year is never prepared to bound its score: the ranking skips it
    assert len(prepared) <= 6, prepared
    assert now == _full(db)
    assert any("K-1" in (a, b) for a, b, _ in now)


def test_stored_pairs_carry_their_reasons_only_when_asked(db: Db, tmp_path: Path) -> None:
    """Reading every pair back (a million persons: ~190,000) leaves the reasons out unless a caller
    shows them in another language; the English text is there either way."""
    from kartoteka.matching.config import DEFAULT
    from kartoteka.services.duplicate_pairs import stored_pairs
    from kartoteka.services.matching import find_duplicates
    from kartoteka.web.i18n import translations

    people = tmp_path / "twins.csv"
    people.write_text("id,name,birth_date\nA1,Іваненко Іван Іванович,1980-05-01\nA2,Иваненко Иван Иванович,"
                      "1980-05-01\n", "utf-8")
    import_file(db.engine, "persons", people, actor="t")
    find_duplicates(db.engine)
    plain, _ = stored_pairs(db.engine, DEFAULT)
    full, _ = stored_pairs(db.engine, DEFAULT, reasons=True)
    assert plain and plain[0].reasons == "" and plain[0].explanation == full[0].explanation
    assert full[0].reasons.startswith("[[") and "surname" not in full[0].explain(translations("uk").gettext)
    assert plain[0].explain(translations("uk").gettext) == plain[0].explanation   # English when none were read


def test_rescoring_and_reading_the_pairs_back_spare_the_collector(db: Db, tmp_path: Path, monkeypatch) -> None:
    """After an edit the caller may still hold the pairs read before (186,000 at a million persons): each full
    collection walked them, a third of the rescoring's time. The rescoring collects less often (relaxed), and
    the pairs, which hold no cycles, are read with the collector off."""
    import gc

    from kartoteka.collector import BULK_THRESHOLD
    from kartoteka.services import duplicate_pairs as dp

    exts = _registry(db, tmp_path, n=80)
    _full(db)
    seen: dict[str, object] = {}
    real_rescore, real_pairs = dp._rescore, dp._pairs
    monkeypatch.setattr(dp, "_rescore", lambda *a: seen.setdefault("rescore", gc.get_threshold()) and real_rescore(*a))
    monkeypatch.setattr(dp, "_pairs", lambda rows: seen.setdefault("read", gc.isenabled()) is not None
                        and real_pairs(rows))
    admin = system_principal("test")
    one = get_person(db.engine, exts[3]).person
    edit_person(db.engine, admin, exts[3], PersonEdit(version=int(one["version"]), primary_name="Зайцев Игорь Петрович"))
    assert _now(db) == _full(db)
    assert seen == {"rescore": BULK_THRESHOLD, "read": False}
    assert gc.isenabled() and gc.get_threshold() != BULK_THRESHOLD

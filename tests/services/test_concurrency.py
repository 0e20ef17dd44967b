"""Concurrent users on SQLite and PostgreSQL: readers whose reads are audited, editors, an import and
a vet at once give 0 errors, and conflicting edit pairs never lose an update (one wins, one gets 409).

The shape of issue 16's load test (20 clients, an import and a vet) over a few seconds instead of 60.
"""

from __future__ import annotations

import csv
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kartoteka.errors import Conflict
from kartoteka.services.access import Principal, view_person
from kartoteka.services.assessments import create_assessment
from kartoteka.services.imports import import_file
from kartoteka.services.persons import get_person
from kartoteka.services.persons_edit import PersonEdit, edit_person
from kartoteka.services.vetting import vet_list
from kartoteka.synth.lists import write_sample_list
from kartoteka.synth.registry import write_registry
from tests.conftest import Db

ADMIN = Principal("admin", "admin")
CLIENTS = 20
SECONDS = 4.0
PAIRS = 40   # the HTTP test (tests/web/test_http_concurrency.py) runs the full 100
PAIR_WORKERS = 5
THINK = 0.02


def _state(db: Db, ref: str) -> dict[str, object]:
    """The person's edit-form values and version, as a client reads them before editing."""
    d = get_person(db.engine, ref)
    p = d.person
    return {"version": p["version"], "primary_name": d.primary_name, "gender": p["gender"] or "",
            "birth_date": p["birth_date"] or "", "citizenship": p["citizenship"], "region": p["region"],
            "sensitivity": p["sensitivity"], "notes": p["notes"]}


def _edit(values: dict[str, object], **change: str) -> PersonEdit:
    return PersonEdit(**{**values, **change})  # type: ignore[arg-type]


def _second_file(src: Path, dst: Path, prefix: str) -> Path:
    """The persons file with other ids: an import that creates records while others edit."""
    with src.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with dst.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow({**r, "id": prefix + r["id"]})
    return dst


def test_mixed_load_and_conflicting_pairs(db: Db, tmp_path: Path) -> None:
    files = write_registry(tmp_path / "reg", 120, seed=5)
    import_file(db.engine, "persons", files["persons"], actor="setup")
    import_file(db.engine, "assessments", files["assessments"], actor="setup")
    refs = [f"P{i:07d}" for i in range(1, 121)]
    load_refs, pair_refs = refs[:60], refs[60:]
    vet_path = tmp_path / "list.csv"
    write_sample_list(db.engine, vet_path, size=40, seed=3)
    extra = _second_file(files["persons"], tmp_path / "more.csv", "X")

    errors: list[str] = []
    conflicts = [0]
    done = threading.Event()

    def guard(fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except Exception as exc:  # every failure is counted, none may happen
                errors.append(f"{type(exc).__name__}: {exc}")
        return run

    def client(n: int) -> None:
        rng = random.Random(n)
        while not done.wait(THINK):   # a user's pause between requests
            ref = rng.choice(load_refs)
            if n % 2:
                view_person(db.engine, ADMIN, ref, via="api")   # confidential reads write an audit row
            else:
                try:
                    edit_person(db.engine, ADMIN, ref, _edit(_state(db, ref), region=f"Region {rng.randint(1, 999)}"))
                except Conflict:
                    conflicts[0] += 1

    outcome: dict[str, object] = {}

    def importer() -> None:
        outcome["import"] = import_file(db.engine, "persons", extra, actor="importer").created

    def vetter() -> None:
        outcome["vet"] = len(vet_list(db.engine, path=vet_path, definition_id="guidelines-2013",
                                      actor="vetter").rows)

    threads = [threading.Thread(target=guard(lambda n=n: client(n))) for n in range(CLIENTS)]  # type: ignore[misc]
    threads += [threading.Thread(target=guard(importer)), threading.Thread(target=guard(vetter))]
    started = time.monotonic()
    for t in threads:
        t.start()

    tally = {"lost": 0, "wins": 0}

    def pairs(worker: int) -> None:
        """Conflicting pairs on this worker's own persons: both edit the version they read."""
        for i in range(worker, PAIRS, PAIR_WORKERS):
            ref = pair_refs[i % len(pair_refs)]
            base = _state(db, ref)
            field = "primary_name" if i % 2 else "region"
            changes = [f"Парный Тест{i}а Иванович", f"Парный Тест{i}б Петрович"] if i % 2 \
                else [f"Pair {i} a", f"Pair {i} b"]
            barrier = threading.Barrier(2)
            results: list[tuple[int, object]] = []

            def edit(k: int, ref: str = ref, base: dict[str, object] = base, field: str = field,
                     changes: list[str] = changes, barrier: threading.Barrier = barrier,
                     results: list[tuple[int, object]] = results) -> None:
                barrier.wait()
                try:
                    results.append((k, edit_person(db.engine, ADMIN, ref, _edit(base, **{field: changes[k]}))))
                except Conflict as exc:
                    results.append((k, exc))

            pair = [threading.Thread(target=guard(lambda k=k: edit(k))) for k in (0, 1)]  # type: ignore[misc]
            for t in pair:
                t.start()
            for t in pair:
                t.join()
            winners = [k for k, r in results if isinstance(r, int)]
            after = _state(db, ref)
            tally["wins"] += len(winners)
            if len(winners) != 1 or after["version"] != int(str(base["version"])) + 1 \
                    or after[field] != changes[winners[0]]:
                tally["lost"] += 1

    workers = [threading.Thread(target=guard(lambda w=w: pairs(w))) for w in range(PAIR_WORKERS)]  # type: ignore[misc]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    while time.monotonic() - started < SECONDS:
        time.sleep(0.1)
    done.set()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert errors == []
    assert (tally["lost"], tally["wins"]) == (0, PAIRS)
    assert outcome == {"import": 120, "vet": 40}


def test_two_drafts_for_one_person_and_definition_conflict(db: Db, tmp_path: Path) -> None:
    files = write_registry(tmp_path / "reg", 3, seed=5)
    import_file(db.engine, "persons", files["persons"], actor="setup")
    results: list[object] = []
    barrier = threading.Barrier(4)

    def create() -> None:
        barrier.wait()
        try:
            results.append(create_assessment(db.engine, person="P0000001", definition_id="guidelines-2013",
                                             actor="a"))
        except Conflict as exc:
            results.append(exc)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, int) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 3


def test_concurrent_imports_of_one_file_serialise(db: Db, tmp_path: Path) -> None:
    files = write_registry(tmp_path / "reg", 40, seed=8)
    import_file(db.engine, "persons", files["persons"], actor="setup")
    reports: list[object] = []
    barrier = threading.Barrier(3)

    def run(kind: str) -> None:
        barrier.wait()
        try:
            reports.append(import_file(db.engine, kind, files[kind], actor="x").created)
        except Exception as exc:  # counted: none may happen
            reports.append(exc)

    threads = [threading.Thread(target=run, args=("assessments",)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    created = sorted(r for r in reports if isinstance(r, int))
    assert len(created) == 3 and created[:2] == [0, 0] and created[2] > 0, reports

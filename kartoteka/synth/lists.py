"""A sample exchange list made from a (synthetic) registry, for the demo and the tests.

Registry persons are written another way (Latin transliteration, surname first or last, capitals,
another date notation, no date), mixed with people who are not in the registry and with persons
listed twice. The mix covers every outcome a vetting report shows: recognised, not recognised, under
review, flagged charges, unknown and duplicates; recognised persons left off show as missing.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from kartoteka.db.tables import person_names, persons
from kartoteka.services.assessments import statuses_under
from kartoteka.services.screening import flags_for_persons
from kartoteka.synth.registry import iter_persons, translit_schemes, transliterate

HEADERS = ["№", "ФИО", "Дата рождения"]
# Share of the list per kind of row (the rest of the list is filled with recognised persons).
MIX = {"not_recognised": 0.15, "flagged": 0.12, "under_review": 0.10, "unknown": 0.15, "duplicate": 0.05}


def _dotted(iso: str) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}" if len(iso) == 10 else iso


def write_as(rng: random.Random, p: dict[str, Any]) -> tuple[str, str]:
    """(name, birth date) as another list might write the person."""
    s, g, pa, lang = p["surname"], p["given_name"], p["patronymic"], p.get("lang", "ru")
    style = rng.random()
    if style < 0.35:
        name = " ".join(x for x in (s, g, pa) if x)
    else:
        schemes = [k for k, v in translit_schemes().items() if v["lang"] == lang] or ["icao_ru"]
        scheme = rng.choice(schemes)
        ls, lg = transliterate(s, scheme), transliterate(g, scheme)
        name = f"{lg} {ls}" if style < 0.7 else f"{ls.upper()} {lg}"
    birth = str(p.get("birth_date") or "")
    r = rng.random()
    written = "" if r < 0.15 else (_dotted(birth) if r < 0.6 else birth)
    return name, written


def _registry_persons(engine: Engine, definition_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        stmt = (select(persons.c.id, persons.c.ext_id, persons.c.birth_date, person_names.c.surname,
                       person_names.c.given_name, person_names.c.patronymic, person_names.c.lang)
                .select_from(persons.join(person_names, person_names.c.person_id == persons.c.id))
                .where(person_names.c.kind == "primary", persons.c.deleted_at.is_(None))
                .order_by(persons.c.id))
        found: dict[int, dict[str, Any]] = {}
        for pid, ext, birth, s, g, pa, lang in conn.execute(stmt):
            if s and pid not in found:
                found[pid] = {"id": pid, "ext_id": ext, "birth_date": birth or "", "surname": s, "given_name": g,
                              "patronymic": pa, "lang": lang or "ru"}
        statuses = statuses_under(conn, found, definition_id)
        flags = flags_for_persons(conn, found)
    for pid, p in found.items():
        p["status"] = statuses[pid]
        p["flagged"] = any(f.tag in ("war_crime", "violence") for f in flags[pid])
    return list(found.values())


def _take(rng: random.Random, pool: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    return rng.sample(pool, min(n, len(pool)))


def sample_list(engine: Engine, *, size: int = 60, seed: int = 7,
                definition_id: str = "guidelines-2013") -> list[dict[str, str]]:
    """Rows ``{"№", "ФИО", "Дата рождения"}`` naming registry persons and strangers."""
    rng = random.Random(seed)
    people = _registry_persons(engine, definition_id)
    counts = {k: max(1, round(size * share)) for k, share in MIX.items()}
    chosen: list[dict[str, Any]] = []
    chosen += _take(rng, [p for p in people if p["flagged"]], counts["flagged"])
    taken = {p["id"] for p in chosen}
    for status in ("not_recognised", "under_review"):
        chosen += _take(rng, [p for p in people if p["status"] == status and p["id"] not in taken], counts[status])
        taken = {p["id"] for p in chosen}
    n_recognised = size - len(chosen) - counts["unknown"] - counts["duplicate"]
    chosen += _take(rng, [p for p in people if p["status"] == "recognised" and p["id"] not in taken], n_recognised)
    strangers = iter_persons(counts["unknown"], seed=seed + 90_001)
    chosen += [{**s, "birth_date": s["_truth"]["birth_iso"], "lang": s["_truth"]["lang"]} for s in strangers]
    rows = [write_as(rng, p) for p in chosen]
    rows += [write_as(rng, p) for p in _take(rng, chosen, counts["duplicate"])]
    rng.shuffle(rows)
    return [{"№": str(i), "ФИО": name, "Дата рождения": birth} for i, (name, birth) in enumerate(rows, 1)]


def write_list(path: Path, rows: Iterable[dict[str, str]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, HEADERS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def write_sample_list(engine: Engine, path: Path, *, size: int = 60, seed: int = 7) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_list(path, sample_list(engine, size=size, seed=seed))

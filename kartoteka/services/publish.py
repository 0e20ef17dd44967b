"""Publishing: write only public records, and of them only the whitelisted fields (data/publish.yaml)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, cast


from kartoteka import yamldata
from sqlalchemy import Engine, select

from kartoteka.db.tables import cases, charges, citations, person_names, persons, sources
from kartoteka.errors import N_, InvalidInput
from kartoteka.services.files import private_dir, private_file
from kartoteka.services.signing import DIR_SIGNATURE

RECORD_TYPES = ("persons", "names", "cases", "charges", "sources")
WRITTEN = ("persons.jsonl", "cases.jsonl", "sources.jsonl")
OPTIONAL = ("recognitions.jsonl", DIR_SIGNATURE)   # written by publish --recognitions and --sign, or not at all


@dataclass
class PublishReport:
    out: Path
    persons: int
    cases: int
    sources: int


@lru_cache(maxsize=1)
def whitelist() -> dict[str, list[str]]:
    """The published fields per record type, validated against the tables."""
    data = cast(dict[str, list[str]], yamldata.safe_load(
        (files("kartoteka") / "data" / "publish.yaml").read_text("utf-8")))
    columns = {"persons": set(persons.c.keys()), "names": set(person_names.c.keys()),
               "cases": set(cases.c.keys()) | {"person_ext_id"}, "charges": set(charges.c.keys()),
               "sources": set(sources.c.keys())}
    for kind in RECORD_TYPES:
        unknown = set(data.get(kind, [])) - columns[kind] if kind in data else {"(missing)"}
        if unknown or "sensitivity" in data[kind] or "notes" in data[kind]:
            raise InvalidInput.of(N_("data/publish.yaml: bad fields for %(kind)s: %(fields)s"), kind=kind,
                                  fields=str(sorted(unknown) or "notes/sensitivity"))
    return {k: list(data[k]) for k in RECORD_TYPES}


def _pick(row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    return {f: row.get(f) for f in fields}


def prepare_folder(out: Path) -> None:
    """Make ``out`` ready for a publication: created if needed; a file publish did not write is refused (a
    signed folder signs and releases everything in it: a private key, an internal export); an earlier
    publication's optional files are removed, so its recognitions of persons no longer public do not stay."""
    if out.exists() and not out.is_dir():
        raise InvalidInput.of(N_("cannot publish into %(folder)s: it is a file; give a folder, new or an earlier "
                                 "publication's"), folder=str(out))
    private_dir(out)
    for entry in sorted(out.iterdir()):
        if entry.name not in WRITTEN + OPTIONAL or not entry.is_file() or entry.is_symlink():   # written through
            raise InvalidInput.of(N_("%(folder)s holds %(file)s, which publish did not write: publish into an empty "
                                     "folder or an earlier publication's, so that nothing else is released (and "
                                     "signed) with it"), folder=str(out), file=entry.name)
    for name in OPTIONAL:
        (out / name).unlink(missing_ok=True)


def publish(engine: Engine, *, out: Path) -> PublishReport:
    """Write persons.jsonl, cases.jsonl and sources.jsonl under ``out`` (created if needed; see
    ``prepare_folder``)."""
    wl = whitelist()
    prepare_folder(out)
    with engine.connect() as conn:
        people = [dict(r) for r in conn.execute(select(persons).where(
            persons.c.sensitivity == "public", persons.c.deleted_at.is_(None)).order_by(persons.c.ext_id)).mappings()]
        ext = {p["id"]: p["ext_id"] for p in people}
        names: dict[int, list[dict[str, Any]]] = {}
        for n in conn.execute(select(person_names).order_by(person_names.c.id)).mappings():
            if n["person_id"] in ext:
                names.setdefault(n["person_id"], []).append(_pick(dict(n), wl["names"]))
        case_rows = [dict(r) for r in conn.execute(select(cases).where(
            cases.c.sensitivity == "public", cases.c.deleted_at.is_(None)).order_by(cases.c.ext_id)).mappings()
            if r["person_id"] in ext]
        case_ids = {c["id"] for c in case_rows}
        charge_map: dict[int, list[dict[str, Any]]] = {}
        for ch in conn.execute(select(charges).order_by(charges.c.id)).mappings():
            if ch["case_id"] in case_ids:
                charge_map.setdefault(ch["case_id"], []).append(_pick(dict(ch), wl["charges"]))
        cited = {r.source_id for r in conn.execute(select(citations.c.source_id, citations.c.entity_type,
                                                          citations.c.entity_id))
                 if (r.entity_type == "person" and r.entity_id in ext) or
                 (r.entity_type == "case" and r.entity_id in case_ids)}
        source_rows = [dict(r) for r in conn.execute(select(sources).where(
            sources.c.sensitivity == "public", sources.c.deleted_at.is_(None)).order_by(sources.c.id)).mappings()
            if r["id"] in cited]
    for name in ("persons.jsonl", "cases.jsonl", "sources.jsonl"):
        private_file(out / name)
    with (out / "persons.jsonl").open("w", encoding="utf-8") as f:
        for p in people:
            f.write(json.dumps({**_pick(p, wl["persons"]), "names": names.get(p["id"], [])}, ensure_ascii=False) + "\n")
    with (out / "cases.jsonl").open("w", encoding="utf-8") as f:
        for c in case_rows:
            row = {**c, "person_ext_id": ext[c["person_id"]]}
            f.write(json.dumps({**_pick(row, wl["cases"]), "charges": charge_map.get(c["id"], [])},
                               ensure_ascii=False) + "\n")
    with (out / "sources.jsonl").open("w", encoding="utf-8") as f:
        for s in source_rows:
            f.write(json.dumps(_pick(s, wl["sources"]), ensure_ascii=False) + "\n")
    return PublishReport(out, len(people), len(case_rows), len(source_rows))

"""Statements: each organisation's claims about a registry person, kept side by side.

As nomenklatura does, a merged person is the sum of statements (organisation, property, value, when);
the registry's own values are never overwritten by an import, and a property on which organisations
disagree (a birth date, a gender) is shown with every value and who says it. ``merge_persons`` joins
two registry persons after a review, keeping both records' statements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from kartoteka.db import audit
from kartoteka.db.tables import (
    cases, person_names, persons, recognitions, sources, statements,
)
from kartoteka.domain.dates import parse_partial_date
from kartoteka.services.access import Principal, sees_everything, system_principal, visible_clause
from kartoteka.services.person_merge import merge_records
from kartoteka.services.persons import resolve_person_id
from kartoteka.services.recognitions import OWN

SINGLE = ("birth_date", "gender", "citizenship", "region")   # one true value: differing claims disagree
SHOWN = ("name", *SINGLE, "custody", "recognition", "possibly_same")   # possibly_same: an import's review pair


@dataclass
class Said:
    value: str
    organisations: list[tuple[str, str]] = field(default_factory=list)   # (organisation, date seen)


@dataclass
class PropertyClaims:
    prop: str
    values: list[Said]
    disagree: bool


def add_statement(conn: Connection, *, entity_type: str, entity_id: int, prop: str, value: str, organisation: str,
                  origin_id: str, at: dt.datetime, import_id: str | None = None) -> int:
    """Record one claim unless the organisation already made it; returns 1 when recorded."""
    exists = conn.execute(select(statements.c.id).where(
        statements.c.entity_type == entity_type, statements.c.entity_id == entity_id, statements.c.prop == prop,
        statements.c.value == value, statements.c.organisation == organisation)).first()
    if exists:
        return 0
    conn.execute(insert(statements), [{"entity_type": entity_type, "entity_id": entity_id, "prop": prop,
                                       "value": value, "organisation": organisation, "origin_id": origin_id[:400],
                                       "seen_at": at, "import_id": import_id}])
    return 1


def statements_of(conn: Connection, *, organisation: str) -> list[Any]:
    """Every statement one organisation made (an import loads them once instead of asking per record)."""
    return list(conn.execute(select(statements).where(statements.c.organisation == organisation)))


def live_origins(conn: Connection, said: list[Any]) -> dict[tuple[str, str], int]:
    """``(entity_type, origin id) -> registry id`` of the records those statements were imported into."""
    alive = {kind: {r[0] for r in conn.execute(select(t.c.id).where(t.c.deleted_at.is_(None)))}
             for kind, t in (("person", persons), ("case", cases), ("source", sources), ("recognition", recognitions))}
    return {(r.entity_type, r.origin_id): r.entity_id for r in said
            if r.prop == "record" and r.entity_id in alive.get(r.entity_type, set())}


def _key(full: str) -> str:
    return " ".join(full.casefold().replace("ё", "е").split())


def merge_values(conn: Connection, *, person_id: int, values: dict[str, Any], names: list[dict[str, str]],
                 actor: str, batch: str | None = None) -> None:
    """Add another record's names (as aliases) and fill only the person's empty fields."""
    have = {_key(r.full) for r in conn.execute(select(person_names.c.full).where(person_names.c.person_id == person_id))}
    new = [{**n, "kind": "alias" if n["kind"] == "primary" else n["kind"], "person_id": person_id}
           for n in names if _key(n["full"]) not in have]
    if new:
        conn.execute(insert(person_names), new)
        audit.log_event(conn, entity="person", entity_id=person_id, action="update", actor=actor, field="names",
                        after=[n["full"] for n in new], batch=batch)
    current = conn.execute(select(persons).where(persons.c.id == person_id)).mappings().one()
    fill = {k: v for k, v in values.items() if v and not current[k]}
    if fill:
        audit.update_record(conn, persons, "person", person_id, fill, actor=actor, batch=batch)


def _compatible(a: str, b: str) -> bool:
    try:
        return parse_partial_date(a).compatible(parse_partial_date(b))
    except ValueError:
        return a == b


def claims_of(conn: Connection, person_id: int) -> list[PropertyClaims]:
    """What each organisation says about the person, per property. The registry's current values are listed
    as "this registry" too (alongside the organisation that said them first, when it came from an import)."""
    person = conn.execute(select(persons).where(persons.c.id == person_id)).mappings().one()
    said: dict[str, dict[str, Said]] = {p: {} for p in SHOWN}
    for s in conn.execute(select(statements).where(statements.c.entity_type == "person",
                                                   statements.c.entity_id == person_id)
                          .order_by(statements.c.seen_at, statements.c.id)):
        if s.prop == "possibly_same" and s.value.startswith(f"{person['ext_id']} ("):
            continue   # the review pair was merged into this very person
        if s.prop in said:
            entry = said[s.prop].setdefault(s.value, Said(s.value))
            entry.organisations.append((s.organisation, f"{s.seen_at:%Y-%m-%d}"))
    own: dict[str, list[str]] = {prop: [str(person[prop])] for prop in SINGLE if person[prop]}
    own["name"] = [r.full for r in conn.execute(select(person_names.c.full).where(
        person_names.c.person_id == person_id).order_by(person_names.c.id))]
    for prop, held in own.items():   # what the registry holds now, whoever said it first
        for value in held:
            found = said[prop].get(value)   # exact spellings: Пётр and Петр are two rows
            if found is None:
                said[prop] = {value: Said(value, [(OWN, "")]), **said[prop]}
            elif (OWN, "") not in found.organisations:
                found.organisations.insert(0, (OWN, ""))
    out = []
    for prop in SHOWN:
        values = list(said[prop].values())
        if not values:
            continue
        disagree = prop in SINGLE and len(values) > 1
        if prop == "birth_date" and disagree:
            disagree = any(not _compatible(a.value, b.value) for a in values for b in values)
        out.append(PropertyClaims(prop, values, disagree))
    return out


def visible_claims(conn: Connection, principal: Principal, person_id: int) -> list[PropertyClaims]:
    """``claims_of`` as ``principal`` may read them: a review pair ('possibly_same') naming a person hidden
    from the principal, or no longer in the registry, is left out (it would name and link a hidden person)."""
    claims = claims_of(conn, person_id)
    if sees_everything(principal):
        return claims
    named = {_paired(v.value) for c in claims if c.prop == "possibly_same" for v in c.values}
    shown = {r[0] for r in conn.execute(select(persons.c.ext_id).where(
        persons.c.ext_id.in_(sorted(named)), persons.c.deleted_at.is_(None),
        visible_clause(principal, persons.c.sensitivity)))} if named else set()
    out = []
    for c in claims:
        if c.prop == "possibly_same":
            c = PropertyClaims(c.prop, [v for v in c.values if _paired(v.value) in shown], c.disagree)
        if c.values:
            out.append(c)
    return out


def _paired(value: str) -> str:
    """The registry id a 'possibly_same' claim names ('P0000012 (0.87)')."""
    return value.rsplit(" (", 1)[0]


def person_claims(engine: Engine, *, person: str | int) -> list[PropertyClaims]:
    with engine.connect() as conn:
        return claims_of(conn, resolve_person_id(conn, person))


def merge_persons(engine: Engine, *, keep: str, other: str, actor: str, principal: Principal | None = None) -> int:
    """Join ``other`` into ``keep`` after a review, with the registry's merge (services/person_merge.py: names,
    cases, timeline, sources, assessments, recognitions and statements move; an unmerge undoes it). ``keep``'s
    values stay and only its empty fields take ``other``'s; ``other``'s differing values, if no organisation
    stated them, are kept as this registry's statements first, so the disagreement still shows."""
    who = principal or system_principal(actor)
    with engine.begin() as conn:
        kid, oid = resolve_person_id(conn, keep), resolve_person_id(conn, other)
        k, o = (conn.execute(select(persons).where(persons.c.id == i)).mappings().one() for i in (kid, oid))
        if kid != oid and o["deleted_at"] is None:
            said = {(r.prop, r.value) for r in conn.execute(select(statements.c.prop, statements.c.value).where(
                statements.c.entity_type == "person", statements.c.entity_id == oid))}
            for prop in SINGLE:
                if o[prop] and (prop, str(o[prop])) not in said:
                    add_statement(conn, entity_type="person", entity_id=oid, prop=prop, value=str(o[prop]),
                                  organisation=OWN, origin_id=o["ext_id"], at=audit.now())
        choices = {f: "other" for f in SINGLE if o[f] and not k[f]}
    merge_records(engine, who, keep=keep, other=other, choices=choices)
    return kid

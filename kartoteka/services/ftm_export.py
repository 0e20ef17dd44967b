"""FollowTheMoney export: persons, court cases, case parties, sources and recognitions as FtM entities.

One JSON object per line (``{"id", "schema", "properties": {prop: [values]}}``), readable by the
``followthemoney`` library, Aleph / OpenAleph and the OpenSanctions tools. Ids are stable: built from
the namespace and the record's own id, so the same registry exports the same ids every time.

Mapping (docs/exchange.md has the table):
  persons       -> Person: name (primary names and transliterations, every script), alias, previousName,
                   firstName / lastName / fatherName (the patronymic), birthDate, gender, citizenship, address
  cases         -> CourtCase (caseNumber, court, country, status, summary = the charges as written,
                   closeDate = verdict) and CourtCaseParty (role defendant, startDate = detained,
                   description = sentence, summary = facility)
  sources       -> Document (title, fileName = title, sourceUrl, publisher, retrievedAt) + Documentation
  recognitions  -> Sanction (program = definition, authority = organisation, listingDate, reason)

The audience decides what is written, by the same rule as ``publish``: "public" writes only public
records and only the fields data/publish.yaml whitelists; "internal" adds internal records and every
mapped field. Confidential records are never exported.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, select

from kartoteka.db.tables import cases, citations, person_names, persons, sources
from kartoteka.errors import N_, InvalidInput
from kartoteka.services.files import output_file
from kartoteka.services.publish import whitelist
from kartoteka.services.recognitions import public_recognitions
from kartoteka.services.signing import write_private

AUDIENCES = {"public": ("public",), "internal": ("public", "internal")}
NAME_PROPS = {"primary": "name", "transliteration": "name", "alias": "alias", "former": "previousName"}
GENDERS = {"m": "male", "f": "female"}
_SAFE = re.compile(r"[A-Za-z0-9._-]+")

Entity = dict[str, Any]


@dataclass
class FtmReport:
    out: Path
    persons: int
    cases: int
    sources: int
    recognitions: int
    entities: int


def namespace_of(organisation: str) -> str:
    """The id prefix of an organisation's entities ("Org A" -> "org_a"), so two registries' P1 differ."""
    slug = "_".join(re.findall(r"[a-z0-9]+", organisation.casefold()))[:40]
    return slug or "kartoteka"


def entity_id(namespace: str, kind: str, key: str) -> str:
    """``ns-kind-key``; a key with other characters is percent-encoded, so it reads back exactly."""
    return f"{namespace}-{kind}-{key if _SAFE.fullmatch(key) else quote(key, safe='')}"


def content_key(*values: str | None) -> str:
    """A record's key made of what the file shows of it (a source, a recognition): stable while it stays the
    same, and unlike a database id it says nothing of the records left out (the id counter's gaps)."""
    return hashlib.sha1(json.dumps([v or "" for v in values], ensure_ascii=False).encode()).hexdigest()[:20]


def _entity(eid: str, schema: str, props: dict[str, list[str] | str | None]) -> Entity:
    clean: dict[str, list[str]] = {}
    for prop, value in props.items():
        values = value if isinstance(value, list) else [value] if value else []
        kept = list(dict.fromkeys(v for v in values if v))
        if kept:
            clean[prop] = kept
    return {"id": eid, "schema": schema, "properties": clean}


def _fields(audience: str, kind: str, every: list[str]) -> set[str]:
    return set(whitelist()[kind]) if audience == "public" else set(every)


def iter_entities(conn: Connection, *, audience: str = "public", namespace: str = "kartoteka",
                  organisation: str = "", with_recognitions: bool = True) -> Iterator[Entity]:
    if audience not in AUDIENCES:
        raise InvalidInput.of(N_("unknown audience '%(audience)s' (use %(audiences)s)"), audience=audience,
                              audiences=", ".join(AUDIENCES))
    allowed = AUDIENCES[audience]
    pf = _fields(audience, "persons", list(persons.c.keys()))
    cf = _fields(audience, "cases", list(cases.c.keys()))
    sf = _fields(audience, "sources", list(sources.c.keys()))
    people = {r.id: r for r in conn.execute(select(persons).where(
        persons.c.sensitivity.in_(allowed), persons.c.deleted_at.is_(None)).order_by(persons.c.ext_id))}
    names: dict[int, list[Any]] = {}
    for n in conn.execute(select(person_names).order_by(person_names.c.id)):
        if n.person_id in people:
            names.setdefault(n.person_id, []).append(n)
    pid: dict[int, str] = {}
    for p in people.values():
        pid[p.id] = entity_id(namespace, "person", p.ext_id)
        own = names.get(p.id, [])
        props: dict[str, list[str] | str | None] = {
            prop: [n.full for n in own if NAME_PROPS.get(n.kind, "alias") == prop]
            for prop in ("name", "alias", "previousName")}
        main = [n for n in own if NAME_PROPS.get(n.kind) == "name"]   # an alias's parts are often a guess
        props |= {"firstName": [n.given_name for n in main], "lastName": [n.surname for n in main],
                  "fatherName": [n.patronymic for n in main]}
        if "birth_date" in pf:
            props["birthDate"] = p.birth_date
        if "gender" in pf:
            props["gender"] = GENDERS.get(p.gender or "")
        if "citizenship" in pf:
            props["citizenship"] = [c.lower() for c in p.citizenship.split(";") if c]
        if "region" in pf:
            props["address"] = p.region
        yield _entity(pid[p.id], "Person", props)
    case_rows = [c for c in conn.execute(select(cases).where(
        cases.c.sensitivity.in_(allowed), cases.c.deleted_at.is_(None)).order_by(cases.c.ext_id))
        if c.person_id in pid]
    cid: dict[int, str] = {}
    for c in case_rows:
        cid[c.id] = entity_id(namespace, "case", c.ext_id)
        v = {k: getattr(c, k) if k in cf else None for k in cases.c.keys()}
        yield _entity(cid[c.id], "CourtCase", {
            "name": c.case_number or f"Case {c.ext_id}", "caseNumber": v["case_number"], "court": v["court"],
            "country": (v["jurisdiction"] or "").lower() or None, "status": v["status"],
            "summary": v["articles_text"], "closeDate": v["verdict_on"]})
        yield _entity(entity_id(namespace, "party", c.ext_id), "CourtCaseParty", {
            "party": pid[c.person_id], "case": cid[c.id], "role": "defendant", "startDate": v["detained_on"],
            "description": v["sentence"], "summary": v["facility"]})
    n_sources = 0
    cited: dict[int, list[str]] = {}
    for r in conn.execute(select(citations.c.source_id, citations.c.entity_type, citations.c.entity_id)
                          .order_by(citations.c.id)):
        target = pid.get(r.entity_id) if r.entity_type == "person" else \
            cid.get(r.entity_id) if r.entity_type == "case" else None
        if target:
            cited.setdefault(r.source_id, []).append(target)
    documents: dict[str, tuple[Entity, list[str]]] = {}   # sources alike in all the file shows are one Document
    for s in conn.execute(select(sources).where(sources.c.sensitivity.in_(allowed), sources.c.deleted_at.is_(None))
                          .order_by(sources.c.id)):
        if s.id not in cited:
            continue
        v = {k: getattr(s, k) if k in sf else None for k in sources.c.keys()}
        title = v["title"] or v["url"] or "Source"
        doc = entity_id(namespace, "source", content_key(title, v["url"], v["sha256"], v["publisher"],
                                                         v["accessed_on"]))
        entity = _entity(doc, "Document", {"title": title, "fileName": title, "sourceUrl": v["url"],
                                           "publisher": v["publisher"], "retrievedAt": v["accessed_on"]})
        documents.setdefault(doc, (entity, []))[1].extend(cited[s.id])
    for doc, (entity, targets) in documents.items():
        n_sources += 1
        yield entity
        for target in dict.fromkeys(targets):
            yield _entity(entity_id(namespace, "doc", content_key(doc, target)), "Documentation",
                          {"document": doc, "entity": target})
    if with_recognitions:
        ext = {p.id: p.ext_id for p in people.values()}
        seen: set[str] = set()
        for rec in public_recognitions(conn, person_ids=set(pid), organisation=organisation,
                                       with_reasoning=audience == "internal"):
            key = content_key(ext[rec.person_id], rec.organisation, rec.definition_id, rec.date, rec.statement)
            if key in seen:   # the same recognition recorded twice says it once
                continue
            seen.add(key)
            yield _entity(entity_id(namespace, "recognition", key), "Sanction", {
                "entity": pid[rec.person_id], "program": rec.definition_title, "programId": rec.definition_id,
                "authority": rec.organisation, "listingDate": rec.date, "startDate": rec.date,
                "reason": rec.statement, "sourceUrl": rec.url})


def export_ftm(engine: Engine, *, out: Path, audience: str = "public", namespace: str = "kartoteka",
               organisation: str = "", with_recognitions: bool = True) -> FtmReport:
    """Write the FtM entities the audience may see to ``out`` (JSON Lines, owner-readable only)."""
    output_file(out)
    counts = {"Person": 0, "CourtCase": 0, "Document": 0, "Sanction": 0}
    lines = []
    with engine.connect() as conn:
        for e in iter_entities(conn, audience=audience, namespace=namespace, organisation=organisation,
                               with_recognitions=with_recognitions):
            counts[e["schema"]] = counts.get(e["schema"], 0) + 1
            lines.append(json.dumps(e, ensure_ascii=False, sort_keys=True))
    write_private(out, ("\n".join(lines) + "\n" if lines else "").encode())
    return FtmReport(out, counts["Person"], counts["CourtCase"], counts["Document"], counts["Sanction"], len(lines))

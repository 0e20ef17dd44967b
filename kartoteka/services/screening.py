"""Screening: review flags per person from their parsed charges. A flag asks for review; it never
sets a status (criteria.md §0.1). Flags are built from the catalogs (tags, violence) and the
court-reliability caveats in kartoteka/data/screening.yaml."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, select

from kartoteka.catalogs import Article, article_index, load_screening_rules
from kartoteka.catalogs.models import CourtCaveat, Violence
from kartoteka.db.engine import ids_param
from kartoteka.db.tables import cases, charges, person_names, persons
from kartoteka.services.persons import resolve_person_id

CHUNK = 5000
BULK = 2000      # above this many persons, scan all cases instead of binding ids
COURT_TAG = "court_reliability"
UNKNOWN_TAG = "not_in_catalog"
UNPARSED_TAG = "unparsed_charges"


@dataclass(frozen=True)
class Flag:
    tag: str
    articles: list[str]     # normalised labels, e.g. "RU 356", "UA 111-1(5)"
    reason: str
    kind: str = "risk"      # risk | supports | context | caveat | data


@dataclass
class PersonScreening:
    person_id: int
    ext_id: str
    name: str
    flags: list[Flag] = field(default_factory=list)


@dataclass
class _Case:
    jurisdiction: str
    court: str
    text: str
    charges: list[tuple[str, str, Article | None]] = field(default_factory=list)   # (label, code, article)


def _label(code: str, article: str, part: str) -> str:
    return f"{code or '?'} {article}" + (f"({part})" if part else "")


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


_PEOPLE_ALL = select(persons.c.id, persons.c.citizenship)
_PEOPLE = _PEOPLE_ALL.where(persons.c.id.in_(ids_param()))
_CASES_ALL = (select(cases.c.person_id, cases.c.id, cases.c.jurisdiction, cases.c.court, cases.c.articles_text,
                     charges.c.code, charges.c.article, charges.c.part)
              .select_from(cases.outerjoin(charges, charges.c.case_id == cases.c.id))
              .where(cases.c.deleted_at.is_(None)).order_by(cases.c.id, charges.c.id))
_CASES = _CASES_ALL.where(cases.c.person_id.in_(ids_param()))


def _load_cases(conn: Connection, ids: list[int]) -> tuple[dict[int, dict[int, _Case]], dict[int, set[str]]]:
    index = article_index()
    by_person: dict[int, dict[int, _Case]] = {}
    citizenship: dict[int, set[str]] = {}
    wanted = set(ids)
    # Many ids: one scan filtered here is faster than binding thousands of parameters.
    chunks: list[list[int] | None] = [None] if len(ids) > BULK else list(_chunks(ids))
    for chunk in chunks:
        params = {} if chunk is None else {"ids": chunk}
        for pid, cit in conn.execute(_PEOPLE_ALL if chunk is None else _PEOPLE, params):
            if pid in wanted:
                citizenship[pid] = {c.strip().upper() for c in (cit or "").split(";") if c.strip()}
        for pid, cid, jur, court, text, code, art, part in conn.execute(_CASES_ALL if chunk is None else _CASES,
                                                                        params):
            if pid not in wanted:
                continue
            case = by_person.setdefault(pid, {}).setdefault(cid, _Case(jur or "", court or "", text or ""))
            if art is not None:
                case.charges.append((_label(code, art, part), code, index.get((code, art))))
    return by_person, citizenship


def _tag_flags(person_cases: dict[int, _Case]) -> list[Flag]:
    rules = load_screening_rules()
    tagged: dict[str, list[str]] = {}
    violence_notes: list[str] = []
    unknown: list[str] = []
    unparsed: list[str] = []
    for case in person_cases.values():
        if not case.charges and case.text.strip():
            unparsed.append(case.text.strip()[:120])
        for label, _code, art in case.charges:
            if art is None:
                unknown.append(label)
                continue
            tags = list(art.tags)
            if art.violence is Violence.inherent and "violence" not in tags:
                tags.append("violence")
            if "violence" in tags:
                violence_notes.append(f"{label}: violence {art.violence.value}")
            for tag in tags:
                if rules.tags[tag].kind != "modifier" and label not in tagged.setdefault(tag, []):
                    tagged[tag].append(label)
    flags: list[Flag] = []
    for tag, rule in rules.tags.items():
        if tagged.get(tag):
            reason = rule.reason
            if tag == "violence":
                reason += " Offence elements: " + "; ".join(dict.fromkeys(violence_notes)) + "."
            flags.append(Flag(tag, tagged[tag], reason, rule.kind))
    if unknown:
        flags.append(Flag(UNKNOWN_TAG, list(dict.fromkeys(unknown)),
                          "Article not in the catalog (or its code is unknown): check it by hand; the charge "
                          "is kept as written.", "data"))
    if unparsed:
        flags.append(Flag(UNPARSED_TAG, unparsed, "The charges text could not be read as articles: check it "
                          "and correct the case record.", "data"))
    return flags


def _court_matches(rule: CourtCaveat, case: _Case) -> bool:
    if case.jurisdiction.upper() in rule.jurisdictions:
        return True
    if any(code in rule.jurisdictions for _label, code, _art in case.charges):
        return True
    court = case.court.casefold()
    return any(p.casefold() in court for p in rule.court_patterns)


def _court_flags(person_cases: dict[int, _Case], citizenship: set[str]) -> list[Flag]:
    flags: list[Flag] = []
    for rule in load_screening_rules().court_caveats:
        if not citizenship & set(rule.citizenship):
            continue
        labels: list[str] = []
        courts: list[str] = []
        for case in person_cases.values():
            hits = [label for label, _code, art in case.charges
                    if art is not None and (set(art.tags) | ({"violence"} if art.violence is Violence.inherent
                                                             else set())) & set(rule.tags)]
            if hits and _court_matches(rule, case):
                labels.extend(hits)
                courts.append(case.court or f"jurisdiction {case.jurisdiction or '?'}")
        if labels:
            where = "; ".join(dict.fromkeys(courts))
            flags.append(Flag(COURT_TAG, list(dict.fromkeys(labels)), f"{rule.reason} Court: {where}.", "caveat"))
    return flags


def flags_for_persons(conn: Connection, person_ids: Iterable[int]) -> dict[int, list[Flag]]:
    """Review flags for every person in ``person_ids`` (an empty list when none apply), in bulk."""
    ids = list(dict.fromkeys(person_ids))
    by_person, citizenship = _load_cases(conn, ids)
    result: dict[int, list[Flag]] = {}
    for pid in ids:
        person_cases = by_person.get(pid, {})
        result[pid] = (_court_flags(person_cases, citizenship.get(pid, set())) + _tag_flags(person_cases)
                       if person_cases else [])
    return result


def screen_persons(engine: Engine, *, refs: list[str] | None = None) -> list[PersonScreening]:
    """Flags for the persons named by ``refs`` (organisation ids or ``#internal``), or for everyone."""
    with engine.connect() as conn:
        if refs:
            ids = [resolve_person_id(conn, ref) for ref in refs]
        else:
            ids = [r[0] for r in conn.execute(select(persons.c.id).where(persons.c.deleted_at.is_(None))
                                              .order_by(persons.c.id))]
        flags = flags_for_persons(conn, ids)
        ext: dict[int, str] = {}
        names: dict[int, str] = {}
        for chunk in _chunks(ids):
            ext.update({r[0]: r[1] for r in conn.execute(select(persons.c.id, persons.c.ext_id)
                                                         .where(persons.c.id.in_(chunk)))})
            for pid, full in conn.execute(select(person_names.c.person_id, person_names.c.full)
                                          .where(person_names.c.person_id.in_(chunk),
                                                 person_names.c.kind == "primary")):
                names.setdefault(pid, full)
    return [PersonScreening(pid, ext.get(pid, ""), names.get(pid, ""), flags[pid]) for pid in ids]

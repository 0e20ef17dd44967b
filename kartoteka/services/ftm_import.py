"""FollowTheMoney import: another organisation's persons, court cases, sources and recognitions.

Every record read keeps the organisation it came from and when (table ``statements``). Each Person
is matched against the registry with the same Matcher as vetting: a match merges it into the registry
person, whose own values are never overwritten (the other organisation's spellings, birth date,
custody and recognitions are kept as its statements, so a disagreement shows); an unsure pair, or a
name that matches a person with another birth date, comes in as a new person and is listed for
review (``kartoteka merge`` joins the two once a person has looked). A file never merges into a person
more openly held than the file (a confidential file into a person viewers see: its names, claims and
custody would show on it; an internal file into a public person: its names would be published): its
person comes in as a new record of the file's sensitivity, held for review. The file is one transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sqlalchemy import Connection, Engine, delete, insert, select

from kartoteka.catalogs import definition_ids
from kartoteka.db import audit
from kartoteka.db.bulk import bulk_insert
from kartoteka.services.name_index import refresh_persons
from kartoteka.db.ids import IdAllocator
from kartoteka.db.tables import cases, citations, imports, person_names, persons, recognitions, sources, statements
from kartoteka.domain.dates import PartialDate, parse_partial_date
from kartoteka.domain.person import script_of
from kartoteka.errors import N_, InvalidInput, Message
from kartoteka.matching.engine import Matcher, MatchResult, NameQuery, PersonRecord
from kartoteka.matching.explain import render_all
from kartoteka.names.parse import guess_language, split_name
from kartoteka.services import statements as st
from kartoteka.services.charges import store_charges
from kartoteka.services.declassify import lowers
from kartoteka.services.evidence import check_source_url
from kartoteka.services.ftm_export import GENDERS
from kartoteka.services.matching import list_matcher
from kartoteka.services.recognitions import OWN
from kartoteka.tabular.limits import check_file, current_limits, json_depth

MAX_TEXT = 4000
SCHEMATA = ("Person", "CourtCase", "CourtCaseParty", "Document", "Documentation", "Sanction")
_GENDER = {v: k for k, v in GENDERS.items()}


HELD = N_("the file is more closely held than the registry person, so it is not merged")
OTHER_DATES = N_("the names match but the birth dates differ")
SAME_FILE = N_("both are in this file")


@dataclass
class ReviewPair:
    new_person: str       # ext id of the person created from the file
    existing: str         # ext id of the registry person it may be
    score: float
    reason: str           # in English
    because: str = ""     # why it is held for review, when not for the score alone (HELD, OTHER_DATES)
    match: MatchResult | None = None

    def why(self, gettext: Callable[[str], str]) -> str:
        """The reason in the language of ``gettext``."""
        head = gettext(self.because) + "; " if self.because else ""
        return head + (self.match.explain(gettext) if self.match is not None else self.reason)


@dataclass
class FtmImportReport:
    organisation: str
    entities: int = 0
    created: int = 0
    merged: int = 0
    cases: int = 0
    sources: int = 0
    recognitions: int = 0
    statements: int = 0
    replaced: int = 0     # the organisation's own earlier values it now states differently
    skipped: int = 0
    notes: list[Message] = field(default_factory=list)   # what was left out or left empty, by line and entity
    review: list[ReviewPair] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)   # where candidates came from: "index" or "registry"


def read_entities(path: Path) -> list[dict[str, Any]]:
    """The entities of a JSON Lines file; a bad line is an error naming the line."""
    out = []
    if not path.is_file():
        raise InvalidInput.of(N_("%(file)s: no such file"), file=str(path))
    limits = current_limits()
    check_file(path, limits)   # KARTOTEKA_MAX_FILE_MB, as for every other import
    with path.open("rb") as fh:
        for no, raw in enumerate(fh, 1):
            try:   # a BOM before the first line is no part of the JSON
                line = raw.decode("utf-8-sig" if no == 1 else "utf-8")
            except UnicodeDecodeError:   # cp1251, UTF-16, a PDF or a workbook renamed .jsonl
                raise InvalidInput.of(N_("%(file)s: line %(line)d is not UTF-8 text: a FollowTheMoney file is JSON "
                                         "Lines in UTF-8 (is it another kind of file, or saved in another "
                                         "encoding?)"), file=path.name, line=no) from None
            if not line.strip():
                continue
            depth = json_depth(line)   # json.loads recurses: a line of 100,000 '[' ended in a RecursionError
            if depth > limits.json_depth:
                raise InvalidInput.of(N_("%(file)s: line %(line)d: %(reason)s"), file=path.name, line=no, reason=Message(
                    N_("nested %(depth)d levels deep, over the limit of %(limit)d (KARTOTEKA_MAX_JSON_DEPTH)"),
                    depth=depth, limit=limits.json_depth))
            try:
                e = json.loads(line)
            except ValueError:
                raise InvalidInput.of(N_("%(file)s: line %(line)d is not JSON"), file=path.name, line=no) from None
            if not isinstance(e, dict) or not isinstance(e.get("id"), str) or not isinstance(e.get("schema"), str) \
                    or not isinstance(e.get("properties", {}), dict):
                raise InvalidInput.of(N_("%(file)s: line %(line)d is not a FollowTheMoney entity (id, schema, properties)"),
                                      file=path.name, line=no)
            out.append({**e, "line": no})
    return out


def aggregate(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fragments of one entity (FtM streams may repeat an id with more properties) as one entity."""
    merged: dict[str, dict[str, Any]] = {}
    for e in entities:
        into = merged.setdefault(e["id"], {"id": e["id"], "schema": e["schema"], "properties": {},
                                           "line": e.get("line", 0)})
        for prop, values in (e.get("properties") or {}).items():
            have = into["properties"].setdefault(prop, [])
            have.extend(v for v in (values if isinstance(values, list) else [values]) if v not in have)
    return list(merged.values())


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _p(e: dict[str, Any], prop: str) -> list[str]:
    """A property's values as clean text (control characters, which no database field takes, removed)."""
    values = e.get("properties", {}).get(prop, [])
    cleaned = (_CONTROL.sub("", str(v)).strip() for v in (values if isinstance(values, list) else [values]))
    return [v[:MAX_TEXT] for v in cleaned if v]


def _first(e: dict[str, Any], prop: str) -> str:
    values = _p(e, prop)
    return values[0] if values else ""


def _url(e: dict[str, Any], prop: str) -> str:
    """The first web address of a property, by the rule of a source added by hand (http or https): another
    organisation's ``javascript:`` or ``data:`` address would be a link on the person page and in what
    ``publish`` writes. Anything else is left out, as other odd values are."""
    for value in _p(e, prop):
        try:
            return check_source_url(value)
        except InvalidInput:
            continue
    return ""


def origin_key(eid: str, kind: str) -> str:
    """The organisation's own id of a record: the part after ``-person-`` in ``ns-person-P1``."""
    marker = f"-{kind}-"
    return unquote(eid.split(marker, 1)[1]) if marker in eid else eid


NOT_READ = N_("line %(line)d: %(schema)s %(id)s left out: Kartoteka reads Person, CourtCase, CourtCaseParty, "
              "Document, Documentation and Sanction")
NO_NAME = N_("line %(line)d: %(schema)s %(id)s left out: it has no name")
NO_PARTY = N_("line %(line)d: %(schema)s %(id)s left out: no CourtCaseParty links it to a person of the file")
NO_DATE = N_("line %(line)d: %(schema)s %(id)s left out: it has no listingDate or startDate")
NO_TARGET = N_("line %(line)d: %(schema)s %(id)s left out: it names no person or case of the file")
NOT_CITED = N_("line %(line)d: %(schema)s %(id)s left out: no Documentation links it to a person or case of the file")
BAD_DATE = N_("line %(line)d: %(schema)s %(id)s: %(prop)s '%(value)s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD); "
              "left empty")


NOT_HELD = N_("line %(line)d: %(schema)s %(id)s left out: a party of the file's cases only as '%(role)s', "
             "not as a defendant")
# CourtCaseParty roles that make the party the person held in the case (lower case; no role at all counts too):
# another organisation's court data also names judges, prosecutors, lawyers and witnesses as parties
DEFENDANT_ROLES = frozenset({"", "defendant", "accused", "suspect", "convict", "convicted", "detainee", "prisoner",
                             "обвиняемый", "обвиняемая", "подсудимый", "подсудимая", "подозреваемый", "подозреваемая",
                             "осуждённый", "осужденный", "осуждённая", "осужденная", "обвинувачений", "обвинувачена",
                             "підсудний", "підсудна", "підозрюваний", "підозрювана", "засуджений", "засуджена"})


def is_defendant(party: dict[str, Any]) -> bool:
    roles = [r.casefold() for r in _p(party, "role")]
    return not roles or any(r in DEFENDANT_ROLES for r in roles)


def note(report: FtmImportReport, e: dict[str, Any], msgid: str, **values: object) -> None:
    """Say what was left out of an entity, naming its line in the file and its id."""
    report.notes.append(Message(msgid, line=int(e.get("line", 0)), schema=str(e["schema"]), id=str(e["id"])[:80],
                                **values))


def _partial(iso: str | None) -> PartialDate | None:
    return parse_partial_date(iso) if iso else None


def _date(text: str) -> str | None:
    if not text:
        return None
    try:
        return parse_partial_date(text[:10]).iso()
    except ValueError:
        return None


def _name_rows(e: dict[str, Any]) -> list[dict[str, str]]:
    """Names with their parts: the parts are found among the entity's first/last/father names."""
    firsts, lasts, fathers = _p(e, "firstName"), _p(e, "lastName"), _p(e, "fatherName")
    rows: list[dict[str, str]] = []
    kinds = [("name", "primary"), ("alias", "alias"), ("previousName", "former"), ("weakAlias", "alias")]
    for prop, kind in kinds:
        for i, full in enumerate(_p(e, prop)):
            words = set(full.replace(",", " ").split())
            surname = next((x for x in lasts if x in words), "")
            given = next((x for x in firsts if x in words), "")
            patronymic = next((x for x in fathers if x in words), "")
            if not surname or not given:
                parts = split_name(full)
                surname, given, patronymic = parts.surname, parts.given_name, parts.patronymic
            k = kind if not (kind == "primary" and i > 0) else "transliteration"
            rows.append({"kind": k, "full": full[:400], "surname": surname[:200], "given_name": given[:200],
                         "patronymic": patronymic[:200], "script": script_of(full), "lang": guess_language(full)})
    return rows


def read_date(report: FtmImportReport, e: dict[str, Any], *props: str) -> str | None:
    """The first of ``props`` that has a value, as a partial date; a value that is no date is noted."""
    for prop in props:
        text = _first(e, prop)
        if text:
            found = _date(text)
            if found is None:
                note(report, e, BAD_DATE, prop=prop, value=text[:40])
            return found
    return None


class _Importer:
    def __init__(self, conn: Connection, *, organisation: str, actor: str, sensitivity: str, report: FtmImportReport):
        self.conn, self.org, self.actor, self.sensitivity, self.report = conn, organisation, actor, sensitivity, report
        self.import_id = uuid.uuid4().hex[:16]
        self.at = audit.now()
        self.taken = {r[0] for r in conn.execute(select(persons.c.ext_id))} | \
            {r[0] for r in conn.execute(select(cases.c.ext_id))}
        said = st.statements_of(conn, organisation=organisation)   # what this organisation said before
        self.known = {(r.entity_type, r.entity_id, r.prop, r.value) for r in said}
        self.origins = st.live_origins(conn, said)
        self.pending: list[dict[str, Any]] = []
        # the organisation's earlier single values per record: a new value replaces its own older one
        self.earlier = {(r.entity_type, r.entity_id, r.prop, r.origin_id): r.id for r in said if r.prop in st.SINGLE}
        self.replaced: list[int] = []
        self.person_ids, self.case_ids = IdAllocator(conn, persons), IdAllocator(conn, cases)
        self.new_persons: list[tuple[int, dict[str, Any], list[dict[str, str]]]] = []
        self.entity_of: dict[int, str] = {}   # a new person's entity id in the file
        self.new_cases: list[tuple[int, dict[str, Any]]] = []

    def claim(self, entity_type: str, entity_id: int, prop: str, value: str | None, origin: str) -> None:
        key = (entity_type, entity_id, prop, value)
        if value and key not in self.known:
            self.known.add(key)
            old = self.earlier.pop((entity_type, entity_id, prop, origin[:400]), None)
            if old is not None:
                self.replaced.append(old)
            self.pending.append({"entity_type": entity_type, "entity_id": entity_id, "prop": prop, "value": value,
                                 "organisation": self.org, "origin_id": origin[:400], "seen_at": self.at,
                                 "import_id": self.import_id})

    def _created(self, entity: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
        bulk_insert(self.conn, persons if entity == "person" else cases,
                    [audit.stamp_new({**v, "id": i}, self.actor, self.at) for i, v in rows])
        audit.write_audit(self.conn, [{
            "at": self.at, "actor": self.actor, "entity_type": entity, "entity_id": i, "action": "create",
            "field": None, "before": None, "after": json.dumps(v, ensure_ascii=False, default=str),
            "batch": self.import_id} for i, v in rows])

    def pair_within_file(self) -> None:
        """New persons of this file that may be one person (written in two scripts, say): the registry's matcher
        saw neither, so each is listed for review against the file's earlier one, as against a registry person."""
        if len(self.new_persons) < 2:
            return
        matcher = Matcher([PersonRecord(pid, v["ext_id"], v["gender"], _partial(v["birth_date"]),
                                        [(n["full"], n["surname"], n["given_name"], n["patronymic"], n["kind"])
                                         for n in names]) for pid, v, names in self.new_persons])
        paired = {p.new_person for p in self.report.review}
        for pid, v, names in self.new_persons:
            if v["ext_id"] in paired:
                continue
            scored = matcher.score_all(NameQuery(names[0]["full"], _partial(v["birth_date"])), skip_other_dates=True)
            best = next(((row, sc) for row, sc in scored if matcher.ids[row] < pid), None)
            if best is None or best[1].score < matcher.settings.review_threshold:
                continue
            row, sc = best
            found = MatchResult(matcher.ids[row], matcher.ext_ids[row], sc.score, "review",
                                render_all(sc.reason_items), [], sc.reason_items)
            self.report.review.append(ReviewPair(v["ext_id"], matcher.ext_ids[row], sc.score,
                                                 f"{SAME_FILE}; {found.explanation}", SAME_FILE, found))
            self.claim("person", pid, "possibly_same", f"{matcher.ext_ids[row]} ({sc.score:.2f})", self.entity_of[pid])

    def write_new_persons(self) -> None:
        """The new persons and their names in bulk; each audit entry holds the names too."""
        self._created("person", [(i, v) for i, v, _ in self.new_persons])
        bulk_insert(self.conn, person_names, [{**n, "person_id": i} for i, _, ns in self.new_persons for n in ns])
        audit.write_audit(self.conn, [{
            "at": self.at, "actor": self.actor, "entity_type": "person", "entity_id": i, "action": "update",
            "field": "names", "before": None, "after": json.dumps([n["full"] for n in ns], ensure_ascii=False),
            "batch": self.import_id} for i, _, ns in self.new_persons])

    def write_new_cases(self) -> None:
        """The new cases in bulk, then their charges parsed from the articles as written."""
        self._created("case", self.new_cases)
        for case_id, values in self.new_cases:
            store_charges(self.conn, case_id, values)

    def flush(self) -> None:
        if self.replaced:
            self.conn.execute(delete(statements).where(statements.c.id.in_(self.replaced)))
        if self.pending:
            self.conn.execute(insert(statements), self.pending)
        self.report.statements, self.report.replaced = len(self.pending), len(self.replaced)

    def free_ext(self, ext: str) -> str:
        """A free record id (120 characters at most, checked as stored: two long ids alike in their first 120
        characters are two records)."""
        ext = ext[:120] if ext[:120] not in self.taken else f"{self.org}:{ext}"[:120]
        n = 2
        base = ext
        while ext in self.taken:
            suffix = f"~{n}"
            ext, n = base[:120 - len(suffix)] + suffix, n + 1
        self.taken.add(ext)
        return ext

    def person(self, e: dict[str, Any], matcher: Matcher) -> int | None:
        names = _name_rows(e)
        if not names:
            self.report.skipped += 1
            note(self.report, e, NO_NAME)
            return None
        birth = read_date(self.report, e, "birthDate")
        values = {"gender": _GENDER.get(_first(e, "gender")), "birth_date": birth,
                  "birth_precision": None if birth is None else {4: "year", 7: "month", 10: "day"}[len(birth)],
                  "citizenship": ";".join(dict.fromkeys(
                      c.upper()[:8] for c in _p(e, "citizenship") + _p(e, "nationality")))[:200],
                  "region": _first(e, "address")[:200]}
        known = self.origins.get(("person", e["id"][:400]))
        if known is not None and not self._may_hold(known):
            # the organisation's record, first imported more openly: this file's names, claims and custody must
            # not reach the readers of that person, so it is matched (and held for review) as a new record is
            known = None
        pid = known if known is not None else self._match(e, names, birth, matcher, values)
        for prop, value in (("record", e["id"]), ("birth_date", birth), ("gender", values["gender"]),
                            ("citizenship", values["citizenship"]), ("region", values["region"])):
            self.claim("person", pid, prop, value, e["id"])
        for n in names:
            self.claim("person", pid, "name", n["full"], e["id"])
        return pid

    def _match(self, e: dict[str, Any], names: list[dict[str, str]], birth: str | None, matcher: Matcher,
               values: dict[str, Any]) -> int:
        primary, because = names[0]["full"], ""
        q = NameQuery(primary, parse_partial_date(birth) if birth else None)
        result = matcher.match(q) if len(matcher.candidates_) else MatchResult(None, None, 0.0, "no_match",
                                                                               "empty registry")
        if result.decision == "match" and result.person_id is not None:
            if self._may_hold(result.person_id):
                st.merge_values(self.conn, person_id=result.person_id, values=values, names=names, actor=self.actor,
                                batch=self.import_id)
                self.report.merged += 1
                return result.person_id
            because = HELD
        elif result.decision == "no_match" and birth:
            other = matcher.match(NameQuery(primary))
            if other.decision in ("match", "review") and other.person_id is not None:
                result, because = other, OTHER_DATES
        ext = self.free_ext(origin_key(e["id"], "person"))
        pid = self.person_ids.take(1)[0]   # written with the others in write_new_persons
        self.new_persons.append((pid, {**values, "ext_id": ext, "sensitivity": self.sensitivity, "notes": ""}, names))
        self.entity_of[pid] = e["id"]
        self.report.created += 1
        if result.person_id is not None and result.decision in ("match", "review") and result.ext_id:
            reason = f"{because}; {result.explanation}" if because else result.explanation
            self.report.review.append(ReviewPair(ext, result.ext_id, result.score, reason, because, result))
            self.claim("person", pid, "possibly_same", f"{result.ext_id} ({result.score:.2f})", e["id"])
        return pid

    def _may_hold(self, person_id: int) -> bool:
        """Whether this import's data may be written onto the registry person: not when the file is more
        closely held than the person (services/declassify.py RANK): a confidential file's names, claims and
        custody would show to viewers on a public person, and an internal file's names and values on a public
        person would be published (services/publish.py writes a public person's names). The file's person is
        then a new record of its own sensitivity, held for review against that person, as a registry sheet's
        row is (services/registry_import.py)."""
        held = str(self.conn.execute(select(persons.c.sensitivity).where(persons.c.id == person_id)).scalar())
        return not lowers(self.sensitivity, held)

    def case(self, e: dict[str, Any], person_id: int, party: dict[str, Any]) -> int:
        known = self.origins.get(("case", e["id"][:400]))
        if known is not None:
            return known
        values: dict[str, Any] = {"ext_id": self.free_ext(origin_key(e["id"], "case")), "person_id": person_id,
                  "jurisdiction": _first(e, "country").upper()[:8], "case_number": _first(e, "caseNumber")[:200],
                  "articles_text": _first(e, "summary"), "court": _first(e, "court"),
                  "detained_on": read_date(self.report, party, "startDate") or read_date(self.report, e, "fileDate"),
                  "verdict_on": read_date(self.report, e, "closeDate"),
                  "sentence": _first(party, "description"), "facility": _first(party, "summary"),
                  "status": _first(e, "status")[:60], "sensitivity": self.sensitivity}
        values["row_hash"] = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()
        case_id = self.case_ids.take(1)[0]   # written with the others in write_new_cases
        self.new_cases.append((case_id, values))
        self.report.cases += 1
        self.claim("case", case_id, "record", e["id"], e["id"])
        custody = "; ".join(str(x) for x in (values["status"], values["facility"]) if x)
        self.claim("person", person_id, "custody", custody, e["id"])
        return case_id

    def source(self, e: dict[str, Any], cited: list[tuple[str, int]]) -> None:
        sid = self.origins.get(("source", e["id"][:400]))
        have: set[tuple[str, int]] = set()
        if sid is None:
            sid = audit.create_record(self.conn, sources, "source", {
                "url": _url(e, "sourceUrl"), "title": _first(e, "title"), "publisher": _first(e, "publisher")[:300],
                "accessed_on": read_date(self.report, e, "retrievedAt"), "sensitivity": self.sensitivity, "file_path": "",
                "sha256": ""}, actor=self.actor, batch=self.import_id)
            self.report.sources += 1
            self.claim("source", sid, "record", e["id"], e["id"])
        else:   # known from an earlier file: only new citations
            have = {(r.entity_type, r.entity_id) for r in self.conn.execute(
                select(citations.c.entity_type, citations.c.entity_id).where(citations.c.source_id == sid))}
        pairs = [(kind, target) for kind, target in dict.fromkeys(cited) if (kind, target) not in have]
        if pairs:
            self.conn.execute(insert(citations), [{"source_id": sid, "entity_type": kind, "entity_id": target,
                                                   "note": f"{self.org}: {e['id']}"} for kind, target in pairs])
            audit.write_audit(self.conn, [audit.event_row(
                entity=kind, entity_id=target, action="cite", actor=self.actor, field="source", after=sid,
                batch=self.import_id) for kind, target in pairs])

    def recognition(self, e: dict[str, Any], person_id: int) -> None:
        if ("recognition", e["id"][:400]) in self.origins:
            return
        stated_on = read_date(self.report, e, "listingDate", "startDate")
        authority = _first(e, "authority")
        authority = self.org if authority in ("", OWN) else authority
        definition = _first(e, "programId")
        statement = _url(e, "sourceUrl") or _first(e, "reason") or f"{authority}: {_first(e, 'program')}"
        if stated_on is None:
            self.report.skipped += 1
            if not (_first(e, "listingDate") or _first(e, "startDate")):
                note(self.report, e, NO_DATE)
            return
        # the same recognition under another id (a file exported before its ids were made of its contents)
        if self.conn.execute(select(recognitions.c.id).where(
                recognitions.c.person_id == person_id, recognitions.c.organisation == authority[:300],
                recognitions.c.statement == statement, recognitions.c.stated_on == stated_on,
                recognitions.c.deleted_at.is_(None))).first() is not None:
            return
        rid = audit.create_record(self.conn, recognitions, "recognition", {
            "person_id": person_id, "organisation": authority[:300], "statement": statement, "stated_on": stated_on,
            "definition_id": definition if definition in definition_ids() else "",
            "note": f"imported from {self.org}: {e['id']}"}, actor=self.actor, batch=self.import_id)
        self.report.recognitions += 1
        self.claim("recognition", rid, "record", e["id"], e["id"])
        self.claim("person", person_id, "recognition", f"{authority} ({stated_on}) {definition}".strip(), e["id"])


class _DryRun(Exception):
    pass


def import_ftm(engine: Engine, *, path: Path, organisation: str, actor: str, sensitivity: str = "internal",
               dry_run: bool = False) -> FtmImportReport:
    """Read a FollowTheMoney JSON Lines file as ``organisation``'s records, in one transaction
    (rolled back with ``dry_run``: the report tells what would be created, merged and reviewed)."""
    if not organisation.strip():
        raise InvalidInput.of(N_("name the organisation the file comes from (--source)"))
    if sensitivity not in ("public", "internal", "confidential"):
        raise InvalidInput.of(N_("unknown sensitivity '%(sensitivity)s'"), sensitivity=sensitivity)
    entities = aggregate(read_entities(path))
    report = FtmImportReport(organisation.strip(), entities=len(entities))
    by_schema: dict[str, list[dict[str, Any]]] = {s: [] for s in SCHEMATA}
    for e in entities:
        if e["schema"] in by_schema:
            by_schema[e["schema"]].append(e)
        else:
            report.skipped += 1
            note(report, e, NOT_READ)
    # the registry as it was before this file: a read connection of its own (the stored index) or the
    # registry in memory, whichever is faster for this many persons (services/matching.py)
    with list_matcher(engine, len(by_schema["Person"]), on_path=report.paths.append) as matcher:
        try:
            _run(engine, by_schema, matcher, report, path=path, actor=actor, sensitivity=sensitivity,
                 dry_run=dry_run)
        except _DryRun:
            pass
    report.notes.sort(key=lambda m: int(str(m.values["line"])))
    return report


def _run(engine: Engine, by_schema: dict[str, list[dict[str, Any]]], matcher: Matcher, report: FtmImportReport, *,
         path: Path, actor: str, sensitivity: str, dry_run: bool) -> None:
    with engine.begin() as conn:
        imp = _Importer(conn, organisation=report.organisation, actor=actor, sensitivity=sensitivity, report=report)
        person_ids: dict[str, int] = {}
        defendants = {_first(p, "party") for p in by_schema["CourtCaseParty"] if is_defendant(p)}
        others = {_first(p, "party"): _first(p, "role") for p in by_schema["CourtCaseParty"] if not is_defendant(p)}
        for e in by_schema["Person"]:
            if e["id"] in others and e["id"] not in defendants:   # a judge, a prosecutor, a lawyer ...
                report.skipped += 1
                note(report, e, NOT_HELD, role=others[e["id"]][:40])
                continue
            pid = imp.person(e, matcher)
            if pid is not None:
                person_ids[e["id"]] = pid
        imp.pair_within_file()
        imp.write_new_persons()
        refresh_persons(conn, set(person_ids.values()))   # the name index, in this transaction
        parties = {_first(p, "case"): p for p in by_schema["CourtCaseParty"]
                   if _first(p, "party") in person_ids and is_defendant(p)}
        case_ids: dict[str, int] = {}
        for e in by_schema["CourtCase"]:
            party = parties.get(e["id"])
            if party is None:
                report.skipped += 1
                note(report, e, NO_PARTY)
                continue
            case_ids[e["id"]] = imp.case(e, person_ids[_first(party, "party")], party)
        imp.write_new_cases()
        targets: dict[str, tuple[str, int]] = {k: ("person", v) for k, v in person_ids.items()}
        targets |= {k: ("case", v) for k, v in case_ids.items()}
        cited: dict[str, list[tuple[str, int]]] = {}
        for d in by_schema["Documentation"]:
            if _first(d, "entity") in targets:
                cited.setdefault(_first(d, "document"), []).append(targets[_first(d, "entity")])
            else:
                note(report, d, NO_TARGET)
        for e in by_schema["Document"]:
            if e["id"] in cited:
                imp.source(e, cited[e["id"]])
            else:
                note(report, e, NOT_CITED)
        for e in by_schema["Sanction"]:
            if _first(e, "entity") in person_ids:
                imp.recognition(e, person_ids[_first(e, "entity")])
            else:
                note(report, e, NO_TARGET)
        imp.flush()
        conn.execute(insert(imports), [{"id": imp.import_id, "kind": "ftm", "filename": path.name,
                                        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "at": imp.at,
                                        "actor": actor, "rows": report.entities, "created": report.created,
                                        "updated": report.merged, "unchanged": 0}])
        if dry_run:
            raise _DryRun   # leaves the transaction, which rolls back

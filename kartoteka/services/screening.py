"""Screening: review flags per person from their parsed charges. A flag asks for review; it never
sets a status (criteria.md §0.1). Flags are built from the catalogs (tags and violence per article
and part), the designated organisations a case is about (data/organisations.yaml), and the court
caveats in kartoteka/data/screening.yaml, which follow the court: a case's jurisdiction, its charge codes
and its court's name, with citizenship and jurisdiction read in any common spelling ("Україна" = UA).

Every reason is a message translated at the edge: ``Flag.question`` is the msgid (criteria.po) and
``Flag.details`` carry the facts; ``flag_reason(flag, gettext)`` renders both in the reader's language.
``Flag.reason`` keeps the English text for callers that show it as it is."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Connection, Engine, select

from kartoteka.catalogs import Article, Organisation, article_index, code_kind, load_screening_rules
from kartoteka.catalogs.models import CourtCaveat, ScreeningRules, Violence
from kartoteka.charges.organisations import find_organisations
from kartoteka.db.engine import ids_param
from kartoteka.db.tables import cases, charges, person_names, persons
from kartoteka.services.generation import registry_size
from kartoteka.services.persons import resolve_person_id

CHUNK = 5000
BULK = 2000      # above this many persons, scan all cases instead of binding ids
COURT_TAG = "court_reliability"
UNKNOWN_TAG = "not_in_catalog"
UNPARSED_TAG = "unparsed_charges"
NO_CODE_TAG = "code_undecided"
ORG_TAG = "designated_organisation"
OCCUPATION_TAG = "occupation_code"
ABSENTIA_TAG = "in_absentia"


def N_(message: str) -> str:
    """Marks a message for translation (criteria.po); it is translated where it is shown."""
    return message


UNKNOWN_REASON = N_("Article not in the catalog (or its code is unknown): check it by hand; the charge is kept "
                    "as written.")
UNPARSED_REASON = N_("The charges text could not be read as articles: check it and correct the case record.")
NO_CODE_REASON = N_("The charge names no code and none could be decided from the case's jurisdiction or court: "
                    "its flags are missing until the code is known. Give the case a jurisdiction or re-import "
                    "with --code.")
COURT_LABEL = N_("Court")
ELEMENTS_LABEL = N_("Offence elements")
ORGANISATIONS_LABEL = N_("Organisations")
VIOLENCE_WORD = {Violence.none: N_("violence none"), Violence.possible: N_("violence possible"),
                 Violence.inherent: N_("violence inherent")}


@dataclass(frozen=True)
class Flag:
    tag: str
    articles: list[str]     # normalised labels, e.g. "RU 356", "UA 111-1(5)"
    reason: str             # English: question + details
    kind: str = "risk"      # risk | supports | context | caveat | data
    question: str = ""      # the review question, a msgid of criteria.po
    details: tuple[tuple[str, str], ...] = ()   # (label msgid, facts as written)


def flag_facts(facts: str, translate: Callable[[str], str]) -> str:
    """A detail's facts in the reader's language: the charges as written, each with its violence word
    ("RU 205: violence inherent") translated."""
    for word in VIOLENCE_WORD.values():
        facts = facts.replace(f": {word}", f": {translate(word)}")
    return facts


def flag_reason(flag: Flag, translate: Callable[[str], str]) -> str:
    """The flag's reason in the reader's language (``translate`` is a gettext function)."""
    if not flag.question:
        return flag.reason
    parts = [translate(flag.question)]
    parts += [f"{translate(label)}: {flag_facts(facts, translate)}." for label, facts in flag.details]
    return " ".join(parts)


def _flag(tag: str, articles: list[str], question: str, kind: str,
          details: Iterable[tuple[str, str]] = ()) -> Flag:
    det = tuple(details)
    reason = " ".join([question] + [f"{label}: {facts}." for label, facts in det])
    return Flag(tag, articles, reason, kind, question, det)


@dataclass
class PersonScreening:
    person_id: int
    ext_id: str
    name: str
    flags: list[Flag] = field(default_factory=list)


@lru_cache(maxsize=4096)
def _profile(code: str, article: str, part: str) -> tuple[tuple[str, ...], Violence]:
    """Tags and violence of one charge (the part's, inheriting the article's), computed once."""
    art = article_index().get((code, article))
    violence = Violence.none if art is None else art.violence_for(part)
    tags = [] if art is None else art.tags_for(part)
    if art is not None and violence is Violence.inherent and "violence" not in tags:
        tags.append("violence")
    if code_kind(code) == "occupation" and OCCUPATION_TAG not in tags:
        tags.append(OCCUPATION_TAG)
    return tuple(tags), violence


@dataclass
class _Charge:
    label: str
    code: str
    article: Article | None
    part: str
    article_number: str = ""
    tag_set: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        number = self.article_number or (self.article.article if self.article is not None else "")
        self._tags, self._violence = _profile(self.code, number, self.part)
        self.tag_set = frozenset(self._tags)

    def tags(self) -> tuple[str, ...]:
        return self._tags

    def violence(self) -> Violence:
        return self._violence


@dataclass
class _Case:
    jurisdiction: str          # normalised: RU / BY / UA / DNR / LNR / another ISO code, or as written
    court: str
    text: str
    sentence: str = ""
    status: str = ""
    organisations_column: str = ""
    charges: list[_Charge] = field(default_factory=list)
    _sides: frozenset[str] | None = None
    _court_folded: str | None = None

    def organisations(self) -> list[Organisation]:
        return find_organisations(self.text, self.organisations_column)

    def sides(self) -> frozenset[str]:
        """Whose court: the jurisdiction and every charge's code (an administrative code's state)."""
        if self._sides is None:
            found = {self.jurisdiction} if self.jurisdiction else set()
            for c in self.charges:
                if c.code:
                    found.add(c.code.split("-")[0])
            self._sides = frozenset(found)
        return self._sides

    def court_folded(self) -> str:
        if self._court_folded is None:
            self._court_folded = self.court.casefold()
        return self._court_folded


def _label(code: str, article: str, part: str) -> str:
    return f"{code or '?'} {article}" + (f"({part})" if part else "")


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


@lru_cache(maxsize=512)
def _jurisdiction(written: str) -> str:
    written = written.strip()
    return load_screening_rules().country(written) or written.upper()


def normalise_citizenship(value: str | None, rules: ScreeningRules | None = None) -> set[str]:
    """ISO codes of a ';'-separated citizenship in any common spelling ("УКРАЇНА" -> UA)."""
    rules = rules or load_screening_rules()
    out: set[str] = set()
    for item in (value or "").replace(",", ";").split(";"):
        if item.strip():
            out.add(rules.country(item) or item.strip().upper())
    return out


_PEOPLE_ALL = select(persons.c.id, persons.c.citizenship)
_PEOPLE = _PEOPLE_ALL.where(persons.c.id.in_(ids_param()))
_CASES_ALL = (select(cases.c.person_id, cases.c.id, cases.c.jurisdiction, cases.c.court, cases.c.articles_text,
                     cases.c.sentence, cases.c.status, cases.c.organisations,
                     charges.c.code, charges.c.article, charges.c.part)
              .select_from(cases.outerjoin(charges, charges.c.case_id == cases.c.id))
              .where(cases.c.deleted_at.is_(None)).order_by(cases.c.id, charges.c.id))
CASES_OF_PERSONS = _CASES_ALL.where(cases.c.person_id.in_(ids_param()))   # (add_case_rows reads them)


def _load_cases(conn: Connection, ids: list[int]) -> tuple[dict[int, dict[int, _Case]], dict[int, set[str]]]:
    by_person: dict[int, dict[int, _Case]] = {}
    citizenship: dict[int, set[str]] = {}
    wanted = set(ids)
    # Many ids, a good share of the registry: one scan filtered here is faster than binding thousands of
    # parameters. A small share of a large registry is read by its ids (the 5,000 persons of a flag search at a
    # million persons: 6.4 s reading all 2.4 million cases and charges).
    chunks: list[list[int] | None] = [None] if _most_of_the_registry(conn, len(ids)) else list(_chunks(ids))
    for chunk in chunks:
        params = {} if chunk is None else {"ids": chunk}
        for pid, cit in conn.execute(_PEOPLE_ALL if chunk is None else _PEOPLE, params):
            if pid in wanted:
                citizenship[pid] = citizenship_of(cit)
        add_case_rows(by_person, conn.execute(_CASES_ALL if chunk is None else CASES_OF_PERSONS, params), wanted)
    return by_person, citizenship


def _most_of_the_registry(conn: Connection, n: int) -> bool:
    """Whether ``n`` persons are more than BULK and at least a tenth of the registry (its highest id: read from
    the primary key at once, and never below the number of persons)."""
    return n > BULK and n * SCAN_SHARE >= registry_size(conn)


SCAN_SHARE = 10   # scan every case for a tenth of the registry's persons or more


CaseRow = tuple[int, int, str | None, str | None, str | None, str | None, str | None, str | None, str | None,
                str | None, str | None]   # CASES_OF_PERSONS' columns: person, case, jurisdiction ... charge code, article, part


def add_case_rows(by_person: dict[int, dict[int, _Case]], rows: Iterable[CaseRow], wanted: Collection[int]) -> None:
    """Cases with their charges into ``by_person`` (as ``_load_cases`` builds them), from rows of CASES_OF_PERSONS'
    columns in its order (cases by id, their charges by id); rows of persons not ``wanted`` are skipped."""
    index = article_index()
    for (pid, cid, jur, court, text, sentence, status, orgs, code, art, part) in rows:
        if pid not in wanted:
            continue
        case = by_person.setdefault(pid, {}).get(cid)
        if case is None:
            case = _Case(_jurisdiction(jur or ""), court or "", text or "", sentence or "", status or "",
                         orgs or "")
            by_person[pid][cid] = case
        if art is not None:
            case.charges.append(_Charge(_label(code or "", art, part or ""), code or "", index.get((code or "", art)),
                                        part or "", art))


def citizenship_of(written: str | None) -> set[str]:
    """A person's citizenship column as the court caveats read it."""
    return set(_citizenship(written or ""))


def tags_of(flags: Iterable[Flag]) -> list[str]:
    """The flags' tags, sorted, once each (what a list of persons shows)."""
    return sorted({f.tag for f in flags})


@lru_cache(maxsize=512)
def _citizenship(value: str) -> frozenset[str]:
    return frozenset(normalise_citizenship(value))


_DESIGNATION = frozenset({"extremism_designation", "terrorism"})


@lru_cache(maxsize=1)
def _flaggable() -> frozenset[str]:
    """Tags that raise a flag of their own (General-Part modifiers never do)."""
    return frozenset(t for t, rule in load_screening_rules().tags.items() if rule.kind != "modifier")


def _org_names(orgs: list[Organisation]) -> str:
    out = []
    for org in orgs:
        des = "; ".join(f"{d.status} ({d.by}, {d.date})" for d in org.designations)
        out.append(f"{org.name.en}: {des}" if des else org.name.en)
    return ", ".join(out)


def _tag_flags(person_cases: dict[int, _Case]) -> list[Flag]:
    rules = load_screening_rules()
    flaggable = _flaggable()
    tagged: dict[str, list[str]] = {}
    violence_notes: list[str] = []
    unknown: list[str] = []
    undecided: list[str] = []
    unparsed: list[str] = []
    org_labels: list[str] = []
    orgs_seen: dict[str, Organisation] = {}

    def add(tag: str, label: str) -> None:
        if tag in flaggable:
            labels = tagged.setdefault(tag, [])
            if label not in labels:
                labels.append(label)

    for case in person_cases.values():
        if not case.charges and case.text.strip():
            unparsed.append(case.text.strip()[:120])
        for charge in case.charges:
            if not charge.code:
                undecided.append(charge.label)
            elif charge.article is None:
                unknown.append(charge.label)
            tags = charge.tags()
            if "violence" in tags:
                violence_notes.append(f"{charge.label}: {VIOLENCE_WORD[charge.violence()]}")
            for tag in tags:
                add(tag, charge.label)
        orgs = case.organisations()
        if orgs:
            # the organisation's tags go to the charges that rest on a designation, else to the whole case
            about = [c.label for c in case.charges if not _DESIGNATION.isdisjoint(c.tag_set)]
            about = about or [c.label for c in case.charges]
            for org in orgs:
                orgs_seen.setdefault(org.id, org)
                for tag in org.tags:
                    for label in about:
                        add(tag, label)
            org_labels.extend(label for label in about if label not in org_labels)
    flags: list[Flag] = []
    for tag, rule in rules.tags.items():
        if tag not in tagged and tag != ORG_TAG:
            continue
        if tag == ORG_TAG and orgs_seen:
            flags.append(_flag(ORG_TAG, org_labels, rule.reason, rule.kind,
                               [(ORGANISATIONS_LABEL, _org_names(list(orgs_seen.values())))]))
        elif tagged.get(tag):
            details = ([(ELEMENTS_LABEL, "; ".join(dict.fromkeys(violence_notes)))] if tag == "violence" else [])
            flags.append(_flag(tag, tagged[tag], rule.reason, rule.kind, details))
    if undecided:
        flags.append(_flag(NO_CODE_TAG, list(dict.fromkeys(undecided)), NO_CODE_REASON, "data"))
    if unknown:
        flags.append(_flag(UNKNOWN_TAG, list(dict.fromkeys(unknown)), UNKNOWN_REASON, "data"))
    if unparsed:
        flags.append(_flag(UNPARSED_TAG, unparsed, UNPARSED_REASON, "data"))
    return flags


def _court_matches(rule: CourtCaveat, case: _Case, sides: frozenset[str]) -> bool:
    if not sides.isdisjoint(rule.jurisdictions):
        return True
    found = _any_of(tuple(rule.court_patterns))
    return found is not None and found.search(case.court_folded()) is not None


@lru_cache(maxsize=64)
def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One search for any of ``patterns`` (substrings, compared case-folded)."""
    return re.compile("|".join(re.escape(p.casefold()) for p in patterns)) if patterns else None


def _citizenship_matches(rule: CourtCaveat, citizenship: set[str]) -> bool:
    if "*" not in rule.citizenship:
        return bool(citizenship & set(rule.citizenship))
    if rule.not_citizenship:
        return bool(citizenship) and bool(citizenship - set(rule.not_citizenship))
    return True


def _court_flags(person_cases: dict[int, _Case], citizenship: set[str]) -> list[Flag]:
    flags: list[Flag] = []
    for rule in load_screening_rules().court_caveats:
        if not _citizenship_matches(rule, citizenship):
            continue
        labels: list[str] = []
        courts: list[str] = []
        wanted = set(rule.tags)
        for case in person_cases.values():
            hits = [c.label for c in case.charges if not wanted or not wanted.isdisjoint(c.tag_set)]
            if hits and _court_matches(rule, case, case.sides()):
                labels.extend(hits)
                courts.append(case.court or f"jurisdiction {case.jurisdiction or '?'}")
        if labels:
            flags.append(_flag(COURT_TAG, list(dict.fromkeys(labels)), rule.reason, "caveat",
                               [(COURT_LABEL, "; ".join(dict.fromkeys(courts)))]))
    return flags


def _absentia_flags(person_cases: dict[int, _Case]) -> list[Flag]:
    rules = load_screening_rules()
    found = _any_of(tuple(rules.in_absentia_patterns))
    labels: list[str] = []
    courts: list[str] = []
    for case in person_cases.values():
        written = f"{case.sentence}\n{case.status}\n{case.court}\n{case.text}".casefold()
        if found is not None and found.search(written):
            labels.extend(c.label for c in case.charges)
            courts.append(case.court or f"jurisdiction {case.jurisdiction or '?'}")
    if not courts:
        return []
    rule = rules.tags[ABSENTIA_TAG]
    return [_flag(ABSENTIA_TAG, list(dict.fromkeys(labels)), rule.reason, rule.kind,
                  [(COURT_LABEL, "; ".join(dict.fromkeys(courts)))])]


def person_flags(person_cases: dict[int, _Case], citizenship: set[str]) -> list[Flag]:
    """Every flag of one person from the cases given (``_load_cases`` output, possibly a subset: the
    viewer's world drops the cases a reader may not see)."""
    if not person_cases:
        return []
    return _court_flags(person_cases, citizenship) + _absentia_flags(person_cases) + _tag_flags(person_cases)


def flags_for_persons(conn: Connection, person_ids: Iterable[int]) -> dict[int, list[Flag]]:
    """Review flags for every person in ``person_ids`` (an empty list when none apply), in bulk."""
    ids = list(dict.fromkeys(person_ids))
    by_person, citizenship = _load_cases(conn, ids)
    return {pid: person_flags(by_person.get(pid, {}), citizenship.get(pid, set())) for pid in ids}


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

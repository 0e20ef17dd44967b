"""Turn one raw row of an import file into validated values, or row errors.

Each ``parse_*`` returns the record's values (or None when the row has errors, which it adds to
the collector). Values are plain dicts ready for the tables.
"""

from __future__ import annotations

import re
from typing import Any

from kartoteka.domain.person import parse_gender, parse_sensitivity, script_of
from kartoteka.errors import ErrorCollector, Message, N_, reason_of
from kartoteka.names.parse import NameParts, guess_language, split_name
from kartoteka.tabular.cells import unneutralise
from kartoteka.tabular.slashed import SlashedOrder, read_birth, read_date
from kartoteka.tabular.vocab import normalise_status, parse_loose_date, status_values

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_NAME = 300
MAX_TEXT = 4000
DATE_FIELDS = ("birth_date", "detained_on", "verdict_on", "decided_on")   # RowReader.date's fields
DECISIONS = ("recognised", "not_recognised", "under_review")
_DECISION_WORDS = {
    "recognised": "recognised", "recognized": "recognised", "признан": "recognised",
    "визнаний": "recognised", "yes": "recognised", "not_recognised": "not_recognised",
    "not recognised": "not_recognised", "not_recognized": "not_recognised", "не признан": "not_recognised",
    "невизнаний": "not_recognised", "не визнаний": "not_recognised", "no": "not_recognised",
    "under_review": "under_review", "under review": "under_review", "на рассмотрении": "under_review",
    "на розгляді": "under_review",
}


class RowReader:
    """Reads canonical fields from one raw row, recording errors against the right header."""

    def __init__(self, fields: dict[str, str], raw: dict[str, str], row: int, errors: ErrorCollector,
                 status_map: dict[str, str] | None = None, orders: dict[str, SlashedOrder] | None = None):
        self.fields, self.raw, self.row, self.errors = fields, raw, row, errors
        self.status_map = status_map   # the user's spellings of case statuses (mapping step)
        self.orders = orders           # date field -> the order its column writes slashed dates in (the file's)
        self.ok = True

    def header(self, fld: str) -> str:
        return self.fields.get(fld, fld)

    def text(self, fld: str, *, limit: int = MAX_TEXT, required: bool = False) -> str:
        value = unneutralise(self.raw.get(self.fields[fld], "").strip()) if fld in self.fields else ""
        if required and not value:
            self.fail(fld, Message(N_("is required and empty")))
        if len(value) > limit:
            self.fail(fld, Message(N_("is %(length)d characters long; the limit is %(limit)d"),
                                   length=len(value), limit=limit))
            return ""
        if _CONTROL.search(value):
            self.fail(fld, Message(N_("contains control characters")))
            return ""
        return value

    def date(self, fld: str) -> str | None:
        value = self.text(fld, limit=40)
        if not value:
            return None
        try:
            if fld == "birth_date":   # "85 г.р.", "1985 р.н.": with the words that mark a birth date
                return read_birth(value, (self.orders or {}).get(fld)).iso()
            if self.orders:
                return read_date(value, self.orders.get(fld)).iso()
            return parse_loose_date(value).iso()
        except ValueError as exc:
            self.fail(fld, reason_of(exc))
            return None

    def fail(self, fld: str, reason: str) -> None:
        self.errors.add(self.row, self.header(fld), reason)
        self.ok = False


def _name_record(parts: NameParts, full: str, kind: str) -> dict[str, str]:
    return {"kind": kind, "full": full, "surname": parts.surname, "given_name": parts.given_name,
            "patronymic": parts.patronymic, "script": script_of(full), "lang": guess_language(full)}


def parse_person(r: RowReader, *, id_required: bool = True) -> tuple[dict[str, Any], list[dict[str, str]]] | None:
    ext_id = r.text("id", limit=120, required=id_required)
    name = r.text("name", limit=MAX_NAME)
    parts = NameParts(r.text("surname", limit=MAX_NAME), r.text("given_name", limit=MAX_NAME),
                      r.text("patronymic", limit=MAX_NAME))
    if not name and not parts.full():
        r.fail("name" if "name" in r.fields else "surname",
               Message(N_("a person needs a name (name, or surname and given_name)")))
    if name and not parts.full():
        parts = split_name(name)
    full = name or parts.full()
    names = [_name_record(parts, full, "primary")] if full else []
    for alias in (a.strip() for a in r.text("aliases", limit=MAX_TEXT).split(";")):
        if alias:
            names.append(_name_record(split_name(alias), alias, "alias"))
    gender: str | None = None
    if g := r.text("gender", limit=20):
        try:
            gender = parse_gender(g).value
        except ValueError as exc:
            r.fail("gender", reason_of(exc))
    sensitivity = "internal"
    if s := r.text("sensitivity", limit=20):
        try:
            sensitivity = parse_sensitivity(s).value
        except ValueError as exc:
            r.fail("sensitivity", reason_of(exc))
    birth = r.date("birth_date")
    citizenship = ";".join(c.strip().upper() for c in r.text("citizenship", limit=200).replace(",", ";").split(";") if c.strip())
    if not r.ok:
        return None
    precision = None if birth is None else {4: "year", 7: "month", 10: "day"}[len(birth)]
    values = {"ext_id": ext_id, "gender": gender, "birth_date": birth, "birth_precision": precision,
              "citizenship": citizenship, "region": r.text("region", limit=200), "sensitivity": sensitivity}
    return values, names


def parse_case(r: RowReader, *, keys_required: bool = True) -> dict[str, Any] | None:
    values: dict[str, Any] = {
        "ext_id": r.text("case_id", limit=120, required=keys_required),
        "person_ext_id": r.text("person_id", limit=120, required=keys_required),
        "jurisdiction": r.text("jurisdiction", limit=8).upper(),
        "case_number": r.text("case_number", limit=200),
        "articles_text": r.text("articles"),
        "court": r.text("court"),
        "organisations": r.text("organisations"),   # designated organisations (data/organisations.yaml)
        "detained_on": r.date("detained_on"),
        "verdict_on": r.date("verdict_on"),
        "sentence": r.text("sentence"),
        "facility": r.text("facility"),
        "status": case_status(r),
        "sensitivity": "internal",
    }
    if s := r.text("sensitivity", limit=20):
        try:
            values["sensitivity"] = parse_sensitivity(s).value
        except ValueError as exc:
            r.fail("sensitivity", reason_of(exc))
    if values["detained_on"] and values["verdict_on"] and values["verdict_on"] < values["detained_on"]:
        r.fail("verdict_on", Message(N_("verdict %(verdict)s is before detention %(detained)s"),
                                     verdict=values["verdict_on"], detained=values["detained_on"]))
    return values if r.ok else None


def case_status(r: RowReader) -> str:
    """The controlled status value (data/case_statuses.yaml, or the user's mapping) of a case row."""
    text = r.text("status", limit=60)
    value = normalise_status(text, r.status_map)
    if value is None:
        r.fail("status", Message(N_("'%(text)s' is not a known case status (%(known)s); "
                                    "map it with --status-map '%(text)s=VALUE'"),
                                 text=text, known=", ".join(status_values())))
        return ""
    return value


def parse_assessment(r: RowReader, known_definitions: set[str], *, source: str = "") -> dict[str, Any] | None:
    """An imported decision: another organisation's (``organisation`` column, else the file-wide
    ``source``), with its statement; a recognition also needs the statement and its date (issue 10)."""
    definition = r.text("definition", limit=60, required=True)
    if definition and definition not in known_definitions:
        r.fail("definition", Message(N_("'%(text)s' is not a known definition (%(known)s)"),
                                     text=definition, known=", ".join(sorted(known_definitions))))
    raw_decision = r.text("decision", limit=40, required=True)
    decision = _DECISION_WORDS.get(raw_decision.lower())
    if raw_decision and decision is None:
        r.fail("decision", Message(N_("'%(text)s' is not a decision (use %(known)s)"),
                                   text=raw_decision, known=", ".join(DECISIONS)))
    organisation = r.text("organisation", limit=300) or source.strip()[:300]
    if not organisation:
        r.fail("organisation", Message(N_("is empty: an imported decision is another organisation's decision; "
                                          "name it in an 'organisation' column or for the whole file with "
                                          "--source ORG")))
    statement, decided_on = r.text("statement"), r.date("decided_on")
    if decision == "recognised" and not statement:
        r.fail("statement", Message(N_("is empty: a recognition names its statement (a URL or a document)")))
    dated = "decided_on" in r.fields and bool(r.raw.get(r.fields["decided_on"], "").strip())
    if decision == "recognised" and not dated:
        r.fail("decided_on", Message(N_("is empty: a recognition has the date of its statement")))
    values = {"person_ext_id": r.text("person_id", limit=120, required=True), "definition_id": definition,
              "decision": decision, "decided_on": decided_on, "origin": organisation, "statement": statement,
              "reviewer": "", "rationale": r.text("rationale")}
    return values if r.ok else None

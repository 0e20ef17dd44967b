"""One sheet, one import: persons and their cases from one sheet, in one transaction, never a silent
overwrite.

A person is found by the sheet's trusted id; a row without one is matched to the registry by the
matcher (kartoteka/matching/engine.py): a sure match updates the person with a listed diff (the
sheet's spelling of the name becomes an alias, the name is never replaced), a review candidate waits
for a decision (``decisions``: row -> person id or ``new``), no match creates a person. A trusted id
whose sheet name differs from the registry's (another surname or given name) is a rename: listed in
the dry run and refused unless ``confirm_renames``. Values the sheet leaves empty are never cleared.

A row more closely held than the person it finds (its sensitivity column says confidential, the person is
public) never merges into that person: its names, values, cases, custody and sources would show to the
person's readers and in the published output. Found by name, it becomes a new record of the row's
sensitivity, held for review against that person (as a confidential FtM file's person is,
services/ftm_import.py); found by its id or a decision, it is left out. A row more openly held than the
person never lowers the person's (or a case's) sensitivity: that is a declassification, an act of its own
(services/declassify.py). The report's warnings say so row by row.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, select

from kartoteka.services.name_index import refresh_persons
from kartoteka.db import audit
from kartoteka.db.engine import conflicts_as, lock_writes
from kartoteka.db.tables import cases, citations, imports, match_decisions, person_names, persons, sources
from kartoteka.errors import N_, ErrorCollector, InvalidInput, Message
from kartoteka.matching.engine import Matcher, NameQuery, query_key
from kartoteka.domain.dates import parse_partial_date
from kartoteka.charges import parse_text
from kartoteka.services.charges import default_code, store_charges, undecided_message
from kartoteka.services.declassify import lowers
from kartoteka.services.import_report import (Change, ImportReport, Rename, ReviewRow, hidden_warnings, reading_notes,
                                              row_note)
from kartoteka.services.import_statements import CaseClaim, Claim, record_case_claims, record_claims
from kartoteka.services.matching import list_matcher
from kartoteka.services.sheet_custody import write_custody
from kartoteka.services.sheet_rows import SheetPerson, group_rows, grouping_notes, running_numbers
from kartoteka.services.rows import DATE_FIELDS
from kartoteka.tabular.reader import RawTable, open_table
from kartoteka.tabular.slashed import column_orders, import_notes

_EXT = re.compile(r"^P(\d{1,12})$")
# why a row more closely held than the person it found was not merged (import report warnings, row by row)
HELD_NEW = N_("%(name)s was not merged into %(person)s: the row is %(row_sensitivity)s and %(person)s is "
              "%(sensitivity)s, so the row's data would show to readers who may not see it; it is a new "
              "%(row_sensitivity)s record, %(new)s, held for review against %(person)s (kartoteka merge joins "
              "them once someone has looked, keeping the stricter sensitivity)")
LEFT_OUT = N_("%(name)s was not imported: the row is %(row_sensitivity)s and %(person)s, the person it names, is "
              "%(sensitivity)s, so the row's data would show to readers who may not see it; make %(person)s "
              "%(row_sensitivity)s first (its edit form), or import the row without the id as a new record")
KEPT = N_("%(record)s stays %(sensitivity)s (the row says %(row_sensitivity)s): an import never lowers a "
          "sensitivity; lowering it is a declassification, made on the record's edit form")
# Written words that another sheet may give in another language: a person or case found by name (not
# by a trusted id) only fills them when empty; controlled values (status, dates, gender) do update.
FREE_TEXT = ("region", "citizenship", "court", "sentence", "facility", "articles_text", "case_number")


@contextmanager
def import_transaction(engine: Engine, *, path: Path, kind: str, import_id: str, actor: str,
                       rows: int = 0) -> Iterator[Connection]:
    """One import's transaction (every import kind): imports run one after the other, the file is
    registered in ``imports``, and a clash with a concurrent writer is a Conflict, not a traceback."""
    with conflicts_as(Message(N_("%(file)s: another import changed the same records at the same time; "
                                 "run the import again"), file=path.name)), engine.begin() as conn:
        lock_writes(conn, "import")   # concurrent imports run one after the other
        conn.execute(insert(imports).values(
            id=import_id, kind=kind, filename=path.name, at=audit.now(), actor=actor,
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(), rows=rows, created=0, updated=0, unchanged=0))
        yield conn


class _DryRun(Exception):
    pass


@dataclass
class SheetOptions:
    confirm_renames: bool = False
    decisions: dict[int, str] | None = None        # sheet row -> person id or "new"
    status_map: dict[str, str] | None = None
    jurisdiction: str = ""
    skip_bad_rows: bool = False
    rejected_path: Path | None = None
    skip_rows: frozenset[int] = frozenset()        # rows a first pass found bad (--skip-bad-rows)
    source: str = ""                               # assessments: the organisation whose decisions they are;
    #                                                cases/registry: whose remembered status spellings apply
    remembered: bool = False                       # the organisation's remembered spellings are in status_map
    value_map: dict[str, dict[str, str]] | None = None   # custody/category spelling -> value (mapping step)
    workers: int = 1                               # persons with ids: processes that parse and key rows
    #                                                (0: one per core; services/person_prep.py)
    skip_hidden: bool = False                      # rows hidden in a workbook's sheet are left out (and named);
    #                                                by default they are imported, and named (--skip-hidden)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold().replace("ё", "е")).strip()


def import_sheet(engine: Engine, kind: str, table: RawTable, fields: dict[str, str], *, actor: str,
                 dry_run: bool, options: SheetOptions, explicit: set[str],
                 progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import a persons sheet without trusted ids, or a one-sheet registry (persons and cases); ``progress``
    hears (done, total) while the sheet's persons are matched and written."""
    path = table.path
    rows = list(table.rows)
    report = ImportReport(kind, str(path), rows=len(rows), dry_run=dry_run, import_id=uuid.uuid4().hex,
                          encoding=table.encoding, delimiter=table.delimiter, columns=dict(fields),
                          ignored=[h for h in table.headers if h not in fields.values()])
    report.notes += reading_notes(table)
    if "id" in fields and "id" not in explicit and running_numbers([r.get(fields["id"], "") for _, r in rows]):
        report.notes.append(Message(N_("column '%(column)s' holds running numbers 1..%(n)d: they label rows and "
                                       "are not person ids (--map '%(column)s=id' if they are)"),
                                    column=fields["id"], n=len(rows)))
        fields["row_number"] = fields.pop("id")
        report.columns = dict(fields)
    # each date column's slashed dates are read in the order the column shows (03/15/1985: month first)
    orders = column_orders(fields, DATE_FIELDS, rows)
    report.notes += [n for f, order in orders.items() for n in import_notes(fields[f], order)]
    errors = ErrorCollector(path.name)
    errors.errors.extend(table.problems)
    people = group_rows(rows, fields, errors, status_map=options.status_map, jurisdiction=options.jurisdiction,
                        decisions=options.decisions, value_map=options.value_map, orders=orders)
    if errors.errors:
        if not options.skip_bad_rows:
            errors.errors.sort(key=lambda e: e.row)
            raise InvalidInput(Message(N_("%(file)s: %(n)d problem(s); nothing was imported"), file=path.name,
                                       n=len(errors.errors)), errors.errors)
        bad = {e.row for e in errors.errors}
        report.rejected = len(bad)
        report.rejected_file = str(write_rejected(options.rejected_path or path.with_suffix(".rejected.csv"),
                                                   table.headers, rows, errors))
        people = group_rows([r for r in rows if r[0] not in bad], fields, ErrorCollector(path.name),
                            status_map=options.status_map, jurisdiction=options.jurisdiction,
                            decisions=options.decisions, value_map=options.value_map, orders=orders)
    report.warnings = hidden_warnings(table, fields, left_out={e.row for e in errors.errors})
    report.notes += grouping_notes(people)
    matcher, matcher_scope = None, ExitStack()   # the stored index or the registry in memory (services/matching.py)
    if any(not p.ext_id for p in people):
        matcher = matcher_scope.enter_context(list_matcher(engine, sum(1 for p in people if not p.ext_id)))
    try:
        with matcher_scope, import_transaction(engine, path=path, kind=kind, import_id=report.import_id, actor=actor,
                                rows=report.rows) as conn:
            sheet = _Sheet(conn, actor, report, options, matcher)
            sheet.progress = progress
            sheet.run(people)
            record_claims(conn, organisation=options.source, import_id=report.import_id, claims=sheet.claims)
            record_case_claims(conn, organisation=options.source, import_id=report.import_id,
                               claims=sheet.case_claims)
            problems = _refusals(report, options, dry_run)
            if problems:
                raise InvalidInput(Message(N_("%(file)s: %(n)d row(s) need a decision; nothing was imported"),
                                           file=path.name, n=len(problems)), problems)
            conn.execute(imports.update().where(imports.c.id == report.import_id).values(
                created=report.created, updated=report.updated, unchanged=report.unchanged))
            if dry_run:
                raise _DryRun()
    except _DryRun:
        pass
    return report


def numbered_rows(path: Path, header: str) -> bool:
    """True when the column ``header`` holds 1, 2, 3 ... in file order: row numbers under an id header.
    Only the first rows are read unless they start so (a real id column costs three rows)."""
    values: list[str] = []
    for i, (_, row) in enumerate(open_table(path).rows, 1):
        value = row.get(header, "").strip()
        if value != str(i):
            return False
        values.append(value)
    return running_numbers(values)


def _refusals(report: ImportReport, options: SheetOptions, dry_run: bool) -> list[Any]:
    if dry_run:
        return []
    errors = ErrorCollector(Path(report.file).name)
    for rv in report.reviews:
        if rv.candidates and rv.candidates[0][0].startswith("row:"):   # fits several persons of the sheet
            errors.add(rv.row, "birth_date", Message(N_(
                "'%(name)s' fits several persons of this sheet (%(fits)s): decide with --decide %(row)d=row:N "
                "(the person of row N) or --decide %(row)d=new"), name=rv.name, row=rv.row,
                fits="; ".join(f"{c[0]} {c[1]}" for c in rv.candidates)))
            continue
        cands = ", ".join(f"{c[0]} {c[1]} ({c[2]:.2f})" for c in rv.candidates)
        errors.add(rv.row, "name", f"'{rv.name}' may be {cands}: decide with --decide {rv.row}=PERSON_ID "
                                   f"or --decide {rv.row}=new")
    if not options.confirm_renames:
        for rn in report.renames:
            errors.add(rn.row, "name", f"would rename {rn.person} from '{rn.before}' to '{rn.after}': "
                                       "confirm with --confirm-renames")
    return errors.errors


def write_rejected(target: Path, headers: list[str], rows: list[tuple[int, dict[str, str]]],
                   errors: ErrorCollector) -> Path:
    """The rejected rows as CSV: their row number, their cells as read, and every error of the row."""
    why: dict[int, list[str]] = {}
    for e in errors.errors:
        why.setdefault(e.row, []).append(f"{e.column}: {e.reason}")
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["row", *headers, "errors"])
        for row_no, raw in rows:
            if row_no in why:
                w.writerow([row_no, *(raw.get(h, "") for h in headers), "; ".join(why[row_no])])
    return target


class _Sheet:
    """Resolves the sheet's persons against the registry and writes them with their cases."""

    progress: Callable[[int, int], None] | None = None

    def __init__(self, conn: Connection, actor: str, report: ImportReport, options: SheetOptions,
                 matcher: Matcher | None):
        self.conn, self.actor, self.report, self.options, self.matcher = conn, actor, report, options, matcher
        self.by_ext = {r.ext_id: r.id for r in conn.execute(
            select(persons.c.ext_id, persons.c.id).where(persons.c.deleted_at.is_(None)))}
        self.case_ext = {r.ext_id: (r.id, r.person_id) for r in conn.execute(select(cases.c.ext_id, cases.c.id,
                                                                                   cases.c.person_id))}
        numbers = [int(m.group(1)) for e in self.by_ext if (m := _EXT.match(e))]
        self.next_number = max(numbers, default=0) + 1
        self.audit_rows: list[dict[str, Any]] = []
        self.claims: list[Claim] = []   # persons written, for --source statements (import_statements)
        self.case_claims: list[CaseClaim] = []   # the sheet's cases, for --source case statements
        self.updated: set[int] = set()  # registry persons the sheet updated

    def create_record(self, table: Table, entity: str, values: dict[str, Any], *, actor: str, batch: str) -> int:
        """audit.create_record, with the audit rows written once for the whole sheet (each write of the
        chained audit log locks its head: one write per record cost 3 ms)."""
        new_id = int(self.conn.execute(insert(table).returning(table.c.id), [audit.stamp_new(values, actor)]).scalar_one())
        self.audit_rows += audit.audit_rows_for_create(entity, [(new_id, values)], actor, batch)
        return new_id

    def run(self, people: list[SheetPerson]) -> None:
        self._run(people)
        audit.write_audit(self.conn, self.audit_rows)
        # the name index, in this transaction (services/name_index.py): every person the sheet wrote
        refresh_persons(self.conn, {r["entity_id"] for r in self.audit_rows if r["entity_type"] == "person"}
                        | self.updated)

    def _run(self, people: list[SheetPerson]) -> None:
        total, step = 2 * len(people), max(1, len(people) // 200)   # matching, then writing: counts and time left
        resolved = []
        for i, sp in enumerate(people, start=1):
            resolved.append((sp, *self.resolve(sp)))
            if self.progress is not None and (i % step == 0 or i == len(people)):
                self.progress(i, total)
        matched = Counter(pid for _, pid, how, _ in resolved if how == "match")
        for j, (sp, person_id, how, score) in enumerate(resolved, start=1):
            if self.progress is not None and (j % step == 0 or j == len(resolved)):
                self.progress(len(people) + j, total)
            if sp.ambiguous:   # fits several persons of the sheet (sheet_rows.group_rows): a decision first
                self.report.reviews.append(ReviewRow(sp.rows[0], sp.label, sp.name, [
                    (f"row:{row}", f"{sp.name}, {date}", 1.0) for row, date in sp.ambiguous],
                    "fits several persons of the sheet"))
                continue
            if how == "match" and person_id is not None and matched[person_id] > 1:   # two rows, one person: ask
                self._review(sp, [(person_id, score)], "several rows of the sheet match this registry person")
                continue
            if how == "review":
                continue
            held = self.held_from(sp, person_id) if person_id is not None else None
            if held is not None and how in ("id", "decided"):   # the row names that person: it is left out
                self.report.warnings.append(row_note(sp.rows[0], Message(
                    LEFT_OUT, name=sp.name, person=held[0], row_sensitivity=Message(str(sp.values["sensitivity"])),
                    sensitivity=Message(held[1]))))
                self.report.held += 1
                continue
            if held is not None:   # found by name: a record of its own, held for review against that person
                person_id = None
            if person_id is None:
                person_id = self.create(sp)
                if held is not None:
                    self._held(sp, person_id, held)
            else:
                self.update(person_id, sp)
            if how == "decided":
                self.remember(sp, person_id)
            self.claims.append((person_id, sp.ext_id or sp.label, sp.names, sp.values.get("birth_date")))
            self.write_cases(person_id, sp)
            if sp.custody:   # the custody state and category the sheet gives (services/sheet_custody.py)
                write_custody(self.conn, person_id=person_id, ext=self._ext(person_id), sp=sp, actor=self.actor,
                              report=self.report)
            self.cite(person_id, sp)

    # -- which person ---------------------------------------------------------------------------
    def resolve(self, sp: SheetPerson) -> tuple[int | None, str, float]:
        """(registry person or None for a new one, how it was found, score); how is id, decided, judged
        (a stored human judgement), match, new or review (a review row is listed for a decision)."""
        if sp.ambiguous:   # listed for a grouping decision first (_run)
            return None, "review", 0.0
        decided = (self.options.decisions or {}).get(sp.rows[0], "")
        if decided.startswith("row:"):   # a grouping decision (sheet_rows.group_rows), not a registry one
            decided = ""
        if decided == "new":
            return None, "decided", 0.0
        if decided:
            if decided not in self.by_ext:
                raise InvalidInput.of(N_("--decide %(row)s=%(person)s: no such person in the registry"), row=sp.rows[0],
                                      person=decided)
            return self.by_ext[decided], "decided", 1.0
        if sp.ext_id:
            return self.by_ext.get(sp.ext_id), "id", 1.0
        if self.matcher is None:
            return None, "new", 0.0
        result = self.matcher.match(self._query(sp))
        if result.decision == "match" and result.person_id is not None:
            judged = any(j.person_id == result.person_id and j.judgement == "same"
                         for j in self.matcher.judgements.get(query_key(self._query(sp)), []))
            return result.person_id, "judged" if judged else "match", result.score
        if result.decision == "review" and result.person_id is not None:
            self._review(sp, [(result.person_id, result.score), *result.alternatives], result.explanation)
            return None, "review", result.score
        return None, "new", result.score

    def _query(self, sp: SheetPerson) -> NameQuery:
        birth = sp.values.get("birth_date")
        return NameQuery(sp.name, parse_partial_date(birth) if birth else None)

    def remember(self, sp: SheetPerson, person_id: int) -> None:
        """A user's decision is stored as a human judgement (as ``kartoteka judge`` does): the row's name
        is this person, not the other candidates, so the next import of the sheet needs no decision."""
        others: list[int] = []
        if self.matcher is not None:
            result = self.matcher.match(self._query(sp))
            others = [p for p in [result.person_id, *(a for a, _ in result.alternatives)]
                      if p is not None and p != person_id]
        key = query_key(self._query(sp))
        at = audit.now()
        for pid, judgement in [(person_id, "same"), *((p, "different") for p in others)]:
            new_id = self.conn.execute(insert(match_decisions).returning(match_decisions.c.id), [{
                "query_key": key[:400], "person_id": pid, "other_person_id": None, "judgement": judgement,
                "actor": self.actor, "at": at, "algorithm": Matcher.ALGORITHM, "algorithm_version": Matcher.VERSION,
                "score": None, "run_id": None}]).scalar_one()
            audit.log_event(self.conn, entity="match_decision", entity_id=int(new_id), action="judge",
                            actor=self.actor, after={"query_key": key[:400], "person_id": pid,
                                                     "judgement": judgement}, batch=self.report.import_id)

    def held_from(self, sp: SheetPerson, person_id: int) -> tuple[str, str] | None:
        """(the person's id, their sensitivity) when the row is more closely held than the registry person it
        found (services/declassify.py RANK): its data must not join that person; None when it may."""
        row = sp.values.get("sensitivity")
        current = self.conn.execute(select(persons.c.ext_id, persons.c.sensitivity).where(
            persons.c.id == person_id)).one()
        if row and lowers(str(row), current.sensitivity):
            return str(current.ext_id), str(current.sensitivity)
        return None

    def _held(self, sp: SheetPerson, person_id: int, held: tuple[str, str]) -> None:
        """The row's new record, listed for review against the more open person (``kartoteka merge`` joins them;
        the merge keeps the stricter sensitivity) and said in the warnings."""
        ext = self._ext(person_id)
        self.report.held += 1
        self.report.warnings.append(row_note(sp.rows[0], Message(
            HELD_NEW, name=sp.name, person=held[0], row_sensitivity=Message(str(sp.values["sensitivity"])),
            sensitivity=Message(held[1]), new=ext)))

    def _review(self, sp: SheetPerson, candidates: list[tuple[int, float]], why: str) -> None:
        self.report.reviews.append(ReviewRow(sp.rows[0], sp.label, sp.name, [
            (self._ext(pid), self._primary(pid), score) for pid, score in candidates], why))

    def _ext(self, person_id: int) -> str:
        return str(self.conn.execute(select(persons.c.ext_id).where(persons.c.id == person_id)).scalar_one())

    def _primary(self, person_id: int) -> str:
        return str(self.conn.execute(select(person_names.c.full).where(
            person_names.c.person_id == person_id).order_by(
            (person_names.c.kind != "primary"), person_names.c.id).limit(1)).scalar() or "")

    # -- persons --------------------------------------------------------------------------------
    def new_ext_id(self) -> str:
        while f"P{self.next_number:07d}" in self.by_ext:
            self.next_number += 1
        ext = f"P{self.next_number:07d}"
        self.next_number += 1
        return ext

    def create(self, sp: SheetPerson) -> int:
        ext = sp.ext_id or self.new_ext_id()
        values = {"ext_id": ext, "gender": None, "birth_date": None, "birth_precision": None,
                  "citizenship": "", "region": "", "sensitivity": "internal", **sp.values}
        person_id = self.create_record(persons, "person", values, actor=self.actor,
                                        batch=self.report.import_id)
        self.conn.execute(insert(person_names), [{**n, "person_id": person_id} for n in sp.names])
        self.by_ext[ext] = person_id
        self.report.created += 1
        self.report.changes.append(Change(sp.rows[0], ext, "new person", "", sp.name))
        return person_id

    def update(self, person_id: int, sp: SheetPerson) -> None:
        self.updated.add(person_id)
        current = self.conn.execute(select(persons).where(persons.c.id == person_id)).mappings().one()
        ext = current["ext_id"]
        changes = {k: v for k, v in sp.values.items() if current[k] != v and not _coarser(k, current, v)
                   and (sp.ext_id or k not in FREE_TEXT or not current[k])}
        if "birth_date" not in changes:
            changes.pop("birth_precision", None)
        if "sensitivity" in changes and lowers(current["sensitivity"], changes["sensitivity"]):   # no declassifying
            self.report.warnings.append(row_note(sp.rows[0], kept_sensitivity(ext, current["sensitivity"],
                                                                              changes.pop("sensitivity"))))
        names_changed = self.update_names(person_id, ext, sp)
        for k, v in changes.items():
            if k != "birth_precision":
                self.report.changes.append(Change(sp.rows[0], ext, k, str(current[k] or ""), str(v)))
        if changes:
            audit.update_record(self.conn, persons, "person", person_id, changes, actor=self.actor,
                                batch=self.report.import_id)
        if changes or names_changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def update_names(self, person_id: int, ext: str, sp: SheetPerson) -> bool:
        old = [dict(r) for r in self.conn.execute(select(person_names).where(
            person_names.c.person_id == person_id).order_by(person_names.c.id)).mappings()]
        known = {_fold(n["full"]) for n in old}
        primary = next((n for n in old if n["kind"] == "primary"), None)
        added: list[dict[str, str]] = []
        for i, n in enumerate(sp.names):
            if _fold(n["full"]) in known:
                continue
            if i == 0 and sp.ext_id and primary is not None and not self.options.decisions:
                if renames(primary, n):
                    self.report.renames.append(Rename(sp.rows[0], ext, primary["full"], n["full"]))
                    if not self.options.confirm_renames:
                        continue
                    added.append({**n, "kind": "primary"})
                    self._demote(primary["id"], "former")
                else:
                    added.append({**n, "kind": "primary"})
                    self._demote(primary["id"], "alias")
                continue
            added.append({**n, "kind": "alias"})
        if not added:
            return False
        self.conn.execute(insert(person_names), [{**n, "person_id": person_id} for n in added])
        audit.write_audit(self.conn, audit.audit_rows_for_update(
            "person", person_id, {"names": ([n["full"] for n in old], [n["full"] for n in old + added])},
            self.actor, self.report.import_id))
        for n in added:
            self.report.changes.append(Change(sp.rows[0], ext, f"name ({n['kind']})", "", n["full"]))
        return True

    def _demote(self, name_id: int, kind: str) -> None:
        self.conn.execute(person_names.update().where(person_names.c.id == name_id).values(kind=kind))

    # -- cases and sources ----------------------------------------------------------------------
    def write_cases(self, person_id: int, sp: SheetPerson) -> None:
        ext = self._ext(person_id)
        mine = [dict(r) for r in self.conn.execute(select(cases).where(
            cases.c.person_id == person_id, cases.c.deleted_at.is_(None))).mappings()]
        for row_no, values in sp.cases:
            old = self._find_case(values, mine, row_no)
            if old is None:
                case_values = {"jurisdiction": "", "case_number": "", "articles_text": "", "court": "",
                               "sentence": "", "facility": "", "status": "", "sensitivity": "internal",
                               **{k: v for k, v in values.items() if v not in (None, "")},
                               "person_id": person_id}
                case_values["ext_id"] = values["ext_id"] or self._case_ext(ext)
                case_id = self.create_record(cases, "case", case_values, actor=self.actor,
                                              batch=self.report.import_id)
                self.case_ext[case_values["ext_id"]] = (case_id, person_id)
                self._undecided(row_no, store_charges(self.conn, case_id, case_values))
                mine.append({**case_values, "id": case_id})
                self.case_claims.append((case_id, case_values["ext_id"], case_values))
                self.report.cases_created += 1
                self.report.changes.append(Change(row_no, case_values["ext_id"], "new case", "",
                                                  case_values["articles_text"] or case_values["status"]))
                continue
            self.case_claims.append((old["id"], old["ext_id"], values))
            trusted = bool(sp.ext_id or values["ext_id"])
            diff = {k: v for k, v in values.items() if v not in (None, "") and old.get(k) != v
                    and (trusted or k not in FREE_TEXT or not old.get(k))}
            if "sensitivity" in diff and lowers(old["sensitivity"], diff["sensitivity"]):
                self.report.warnings.append(row_note(row_no, kept_sensitivity(old["ext_id"], old["sensitivity"],
                                                                              diff.pop("sensitivity"))))
            if not diff:
                self.report.cases_unchanged += 1
                continue
            audit.update_record(self.conn, cases, "case", old["id"], diff, actor=self.actor,
                                batch=self.report.import_id)
            old.update(diff)
            self._undecided(row_no, store_charges(self.conn, old["id"], old))
            for k, v in diff.items():
                self.report.changes.append(Change(row_no, old["ext_id"], k, "", str(v)))
            self.report.cases_updated += 1

    def _undecided(self, row_no: int, stored: list[dict[str, Any]]) -> None:
        """A charge whose code nothing decides ("ст. 111-1 КК" with no jurisdiction) keeps no flags: say so."""
        if message := undecided_message(stored):
            self.report.notes.append(row_note(row_no, message))

    def _find_case(self, values: dict[str, Any], mine: list[dict[str, Any]], row_no: int) -> dict[str, Any] | None:
        if values["ext_id"]:
            hit = self.case_ext.get(values["ext_id"])
            if hit and not any(c["id"] == hit[0] for c in mine):
                raise InvalidInput.of(N_("%(file)s: row %(row)s: case '%(case)s' belongs to another person"),
                                      file=Path(self.report.file).name, row=row_no, case=values["ext_id"])
            return next((c for c in mine if c["ext_id"] == values["ext_id"]), None)
        if values["case_number"]:
            return next((c for c in mine if c.get("case_number") == values["case_number"]), None)
        key = _charges_key(values)
        return next((c for c in mine if _charges_key(c) == key and (
            not values["detained_on"] or not c.get("detained_on") or values["detained_on"] == c["detained_on"])), None)

    def _case_ext(self, person_ext: str) -> str:
        n = 1
        while f"{person_ext}-{n}" in self.case_ext:
            n += 1
        return f"{person_ext}-{n}"

    def cite(self, person_id: int, sp: SheetPerson) -> None:
        for text in sp.sources:
            is_url = text.startswith(("http://", "https://"))
            col = sources.c.url if is_url else sources.c.title
            source_id = self.conn.execute(select(sources.c.id).where(col == text, sources.c.deleted_at.is_(None))
                                          ).scalar()
            if source_id is None:
                source_id = self.create_record(sources, "source", {
                    "url": text if is_url else "", "title": "" if is_url else text, "file_path": "", "sha256": "",
                    "publisher": "", "sensitivity": "internal"}, actor=self.actor, batch=self.report.import_id)
            cited = self.conn.execute(select(citations.c.id).where(
                citations.c.source_id == source_id, citations.c.entity_type == "person",
                citations.c.entity_id == person_id)).first()
            if cited is None:
                self.conn.execute(insert(citations).values(source_id=source_id, entity_type="person",
                                                           entity_id=person_id, note=""))


def kept_sensitivity(record: str, sensitivity: str, row_sensitivity: str) -> Message:
    """Why a record kept its stricter sensitivity against a row more openly held (an import never lowers one)."""
    return Message(KEPT, record=record, sensitivity=Message(sensitivity), row_sensitivity=Message(row_sensitivity))


def _charges_key(case: dict[str, Any]) -> tuple[str, ...]:
    """What makes two rows the same case when neither has a case id: the articles charged (parsed, so
    "ч. 2 ст. 207.3 УК РФ" and "ч.2 ст.207.3 КК РФ" agree), or the text when it cannot be parsed."""
    text = case.get("articles_text") or ""
    parsed = parse_text(text, default_code=default_code(case.get("jurisdiction"))).charges
    if parsed:
        return tuple(sorted({f"{c.code} {c.article}" for c in parsed}))
    return (_fold(text),)


def _coarser(fld: str, current: Any, new: Any) -> bool:
    """A sheet's less precise birth date (1985) never replaces a precise one (1985-03-12)."""
    if fld not in ("birth_date", "birth_precision"):
        return False
    old = current["birth_date"]
    new_date = new if fld == "birth_date" else None
    return bool(old and new_date and len(new_date) < len(old) and old.startswith(new_date))


def renames(old: dict[str, Any], new: dict[str, str]) -> bool:
    """Another surname or given name (not a patronymic added, not case or ё) is a rename."""
    if not old["surname"] and not old["given_name"]:
        return _fold(old["full"]) != _fold(new["full"])
    return any(_fold(old[k]) and _fold(new[k]) and _fold(old[k]) != _fold(new[k]) for k in ("surname", "given_name"))

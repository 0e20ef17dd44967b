"""Atomic imports of persons, cases and assessments from CSV, XLSX or JSON Lines.

Either every row lands or nothing does: the whole file is one transaction, every bad row is
reported (file, row, column, reason), and ``dry_run`` validates without writing. Re-importing the
same file changes nothing; a changed row updates its record, field by field in the audit log.
"""

from __future__ import annotations

import uuid
from functools import partial
from collections.abc import Callable, Collection, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, bindparam, delete, insert, select, update

from kartoteka.catalogs import definition_ids
from kartoteka.collector import relaxed
from kartoteka.db import audit
from kartoteka.db.bulk import bulk_insert, indexes_after, insert_tuples, vacuum_analyze
from kartoteka.services.name_index import record_keys, refresh_persons, storable, write_new_keys
from kartoteka.services.case_prep import (NOT_IN_REGISTRY, CaseShared, PreparedCases, prepare_case_chunk,
                                          row_hash)
from kartoteka.services.person_prep import (NAME_COLUMNS, PERSON_COLUMNS, PersonRow, PreparedChunk, person_record,
                                            prepare_chunk)
from kartoteka.services.prep_pool import Chunk, pool_size, prepared
from kartoteka.db.ids import IdAllocator
from kartoteka.db.tables import (assessments, audit_log, cases, charges, imports, name_keys, person_names, persons,
                                  recognitions)
from kartoteka.errors import Conflict, ErrorCollector, InvalidInput, Message, N_, NotFound, entity_word
from kartoteka.services import rows as rowparse
from kartoteka.services.charges import parsed_charge_rows, store_charges, undecided_message
from kartoteka.services.declassify import lowers
from kartoteka.services.import_report import (ImportReport, Rename, hidden_warnings, reading_notes, require_rows,
                                             row_note)
from kartoteka.services.import_statements import CaseClaim, Claim, record_case_claims, record_claims
from kartoteka.services.registry_import import (SheetOptions, import_sheet, import_transaction, kept_sensitivity,
                                                numbered_rows, renames, write_rejected)
from kartoteka.services.value_mappings import with_remembered
from kartoteka.tabular.columns import map_columns
from kartoteka.tabular.reader import RawTable, open_table
from kartoteka.tabular.slashed import SlashedOrder, file_orders, import_notes

KINDS = ("persons", "cases", "assessments", "registry")
CHUNK = 5000
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "persons": [("name", "surname")],   # without an id, rows are matched by name (registry_import)
    "registry": [("name", "surname")],
    "cases": [("case_id",), ("person_id",)],
    "assessments": [("person_id",), ("definition",), ("decision",)],
}
Progress = Callable[[int, int | None], None]
# a row (by its trusted id) more closely held than its record: the record becomes stricter (import report warning)
MADE_STRICTER = N_("%(record)s was %(before)s and is now %(after)s, as the row says: it is no longer shown or "
                   "published as %(before)s")


class _DryRun(Exception):
    pass


def _check_columns(kind: str, table: RawTable, fields: dict[str, str]) -> None:
    if not table.headers and table.problems:   # no line read (JSON Lines): its lines' problems, not a column
        raise InvalidInput(Message(N_("%(file)s: no line of the file could be read as a JSON object"),
                                   file=table.path.name), table.problems)
    for options in REQUIRED[kind]:
        if not any(o in fields for o in options):
            want = Message(N_("'%(first)s' or '%(second)s'"), first=options[0], second=options[1]) \
                if len(options) == 2 else f"'{options[0]}'"
            found = ", ".join(table.headers) or Message(N_("no columns"))
            if table.other_sheets:   # the data is often on a later sheet, after an instructions page
                raise InvalidInput.of(N_("%(file)s: row %(row)d of the first sheet: missing required column "
                                         "%(want)s (found: %(found)s); an import reads only the first sheet: move "
                                         "the sheet holding the rows (%(sheets)s) to the front, or name the column "
                                         "with --map"), file=table.path.name, row=table.header_row, want=want,
                                      found=found, sheets=", ".join(table.other_sheets))
            raise InvalidInput.of(N_("%(file)s: row %(row)d: missing required column %(want)s (found: %(found)s); "
                                     "name it with --map"), file=table.path.name, row=table.header_row, want=want,
                                  found=found)


def _chunks(it: Iterator[tuple[int, dict[str, str]]]) -> Iterator[list[tuple[int, dict[str, str]]]]:
    chunk: list[tuple[int, dict[str, str]]] = []
    for item in it:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def import_file(engine: Engine, kind: str, path: Path, *, actor: str, mapping: dict[str, str] | None = None,
                dry_run: bool = False, progress: Progress | None = None,
                options: SheetOptions | None = None) -> ImportReport:
    """Import ``path`` as ``kind``; raises InvalidInput listing every bad row, writing nothing.

    A one-sheet registry, and persons without a trusted id, go through registry_import (matched by
    name, renames confirmed); ``options`` carries renames, decisions, status spellings, bad rows.
    """
    with relaxed():   # millions of rows' objects: the collector's default pace walks them again and again
        return _import_file(engine, kind, path, actor=actor, mapping=mapping, dry_run=dry_run, progress=progress,
                            options=options)


def _import_file(engine: Engine, kind: str, path: Path, *, actor: str, mapping: dict[str, str] | None,
                 dry_run: bool, progress: Progress | None, options: SheetOptions | None) -> ImportReport:
    if kind not in KINDS:
        raise InvalidInput.of(N_("unknown import kind '%(kind)s' (use %(kinds)s)"), kind=kind, kinds=", ".join(KINDS))
    options = options or SheetOptions()
    if kind in ("cases", "registry") and options.source.strip() and not options.remembered:
        return with_remembered(engine, options, lambda opts: import_file(
            engine, kind, path, actor=actor, mapping=mapping, dry_run=dry_run, progress=progress, options=opts),
            actor=actor, dry_run=dry_run)
    table = open_table(path, skip_hidden=options.skip_hidden)   # hidden rows: named in the report, or left out
    fields = map_columns(kind, table.headers, mapping, filename=path.name)
    _check_columns(kind, table, fields)
    require_rows(table)   # a header alone: refused, not a successful import of 0 rows
    explicit = set((mapping or {}).values())
    # 1, 2, 3 ... under an id header are row numbers: those persons are matched by name instead
    numbered = kind == "persons" and "id" in fields and "id" not in explicit and numbered_rows(path, fields["id"])
    if kind == "registry" or (kind == "persons" and "id" not in fields) or numbered:
        return import_sheet(engine, kind, table, fields, actor=actor, dry_run=dry_run, options=options,
                            explicit=explicit, progress=progress)
    fields.pop("row_number", None)
    if options.skip_bad_rows and not options.skip_rows:
        return _without_bad_rows(engine, kind, path, actor=actor, mapping=mapping, dry_run=dry_run, options=options)
    report = ImportReport(kind, str(path), dry_run=dry_run, import_id=uuid.uuid4().hex,
                          encoding=table.encoding, delimiter=table.delimiter, columns=fields,
                          ignored=[h for h in table.headers if h not in fields.values()])
    errors = ErrorCollector(path.name)
    try:
        with import_transaction(engine, path=path, kind=kind, import_id=report.import_id, actor=actor) as conn:
            writer = _WRITERS[kind](conn, actor, report)
            writer.status_map = options.status_map
            writer.file_code = options.jurisdiction or None   # file-wide --code / --jurisdiction for charges
            writer.source = options.source                     # file-wide --source for assessments
            # each date column's slashed dates are read in the order the column shows (03/15/1985: month first),
            # decided before any chunk is parsed (a pool parses them in other processes)
            writer.orders, rows = file_orders(table, fields, rowparse.DATE_FIELDS,
                                              (r for r in table.rows if r[0] not in options.skip_rows))
            report.notes += [n for f, order in writer.orders.items() for n in import_notes(fields[f], order)]
            chunks = _chunks(rows)
            with indexes_after(conn, writer.indexed_after, rows=table.total, existing=len(writer.existing),
                               first_load=writer.key_table is persons) as later:
                if later:
                    writer.refresh_later = []
                for done in writer.write_all(chunks, fields, errors, total=table.total, workers=options.workers):
                    report.rows += done
                    if progress:
                        progress(report.rows, table.total)
                # a failed import (and a dry run) ends here, inside the block: the indexes it dropped are
                # not built again only to be rolled back (about 10 s at 1M persons, before the error showed)
                _check(report, table, fields, errors, confirm=dry_run or options.confirm_renames, file=path.name)
                report.notes[:0] = reading_notes(table)
                report.warnings[:0] = hidden_warnings(table, fields, left_out=options.skip_rows)
                if dry_run:   # nothing is kept, so nothing more is written
                    raise _DryRun()
            if writer.refresh_later:   # persons updated while the name index had no indexes
                refresh_persons(conn, writer.refresh_later)
            record_claims(conn, organisation=options.source if kind != "assessments" else "",
                          import_id=report.import_id, claims=writer.claims)
            record_case_claims(conn, organisation=options.source if kind == "cases" else "",
                               import_id=report.import_id, claims=writer.case_claims)
            conn.execute(update(imports).where(imports.c.id == report.import_id).values(
                rows=report.rows, created=report.created, updated=report.updated, unchanged=report.unchanged))
    except _DryRun:
        pass
    else:
        analyze_after(engine, kind, report.created + report.updated)
    return report


def _check(report: ImportReport, table: RawTable, fields: dict[str, str], errors: ErrorCollector, *, confirm: bool,
           file: str) -> None:
    """Raise InvalidInput listing every problem of the file: its rows', the reader's, and renames not
    confirmed (--confirm-renames; a dry run only reports them)."""
    errors.errors.extend(table.problems)
    if report.renames and not confirm:
        for rn in report.renames:
            errors.add(rn.row, fields.get("name", fields.get("surname", "name")),
                       Message(N_("would rename %(person)s from '%(before)s' to '%(after)s': "
                                  "confirm with --confirm-renames"),
                               person=rn.person, before=rn.before, after=rn.after))
    if errors.errors:
        errors.errors.sort(key=lambda e: e.row)
        raise InvalidInput(Message(N_("%(file)s: %(n)d problem(s); nothing was imported"),
                                   file=file, n=len(errors.errors)), errors.errors)


ANALYZE_ROWS = 1000   # PostgreSQL: an import writing this many records vacuums and analyzes what it filled
_ANALYZED = {"persons": "persons, person_names, name_keys, surname_variants, audit_log",
             "cases": "cases, charges, audit_log", "assessments": "assessments, recognitions, audit_log"}


def analyze_after(engine: Engine, kind: str, written: int) -> None:
    """VACUUM (ANALYZE) the tables a large import filled (PostgreSQL). Nothing else does when autovacuum is
    off or has not come round yet. Without the statistics the planner takes a bulk-loaded table for an
    empty one (a search's queries took 2.5 times as long on a 100k registry imported that way); without
    the vacuum no page is marked all-visible, so every "index-only" read of the stored index (name_keys)
    visits the table too, and the first readers set the new rows' hint bits: a 3,000-row ``match`` at a
    million persons took 16.8 s after it against 19.0-22.8 s before (the vacuum itself 3.8 s)."""
    if written >= ANALYZE_ROWS and kind in _ANALYZED:
        vacuum_analyze(engine, _ANALYZED[kind])


def _without_bad_rows(engine: Engine, kind: str, path: Path, *, actor: str, mapping: dict[str, str] | None,
                      dry_run: bool, options: SheetOptions) -> ImportReport:
    """--skip-bad-rows: a dry run finds the bad rows; they go to the rejected file with their errors and
    the other rows are imported (the default stays all or nothing)."""
    strict = replace(options, skip_bad_rows=False)
    try:
        import_file(engine, kind, path, actor=actor, mapping=mapping, dry_run=True, options=strict)
        bad: dict[int, list[Any]] = {}
    except InvalidInput as exc:
        bad = {}
        for e in exc.errors:
            bad.setdefault(e.row, []).append(e)
        if not bad or 0 in bad:
            raise
    report = import_file(engine, kind, path, actor=actor, mapping=mapping, dry_run=dry_run,
                         options=replace(strict, skip_rows=frozenset(bad)))
    if bad:
        table = open_table(path)
        errors = ErrorCollector(path.name)
        errors.errors = [e for row in bad.values() for e in row]
        report.rejected = len(bad)
        report.rejected_file = str(write_rejected(options.rejected_path or path.with_suffix(".rejected.csv"),
                                                  table.headers, [r for r in table.rows if r[0] in bad], errors))
    return report


class _Writer:
    key_table = persons
    indexed_after: tuple[Table, ...] = ()   # tables a large load may index after its rows (db/bulk.py)

    def __init__(self, conn: Connection, actor: str, report: ImportReport):
        self.conn, self.actor, self.report = conn, actor, report
        self.seen: dict[str, int] = {}
        t = self.key_table
        self.existing: dict[str, tuple[int, str | None]] = {
            r[0]: (r[1], r[2]) for r in conn.execute(select(t.c.ext_id, t.c.id, t.c.row_hash))}
        self.ids = IdAllocator(conn, t)
        self.status_map: dict[str, str] | None = None
        self.file_code: str | None = None    # the code of charges that name none (cases import)
        self.source = ""                     # assessments: the organisation of rows that name none
        self.claims: list[Claim] = []        # persons written, for --source statements (import_statements)
        self.case_claims: list[CaseClaim] = []   # cases written or unchanged, for --source case statements
        self.refresh_later: list[int] | None = None   # persons to re-key once the name index has its indexes
        self.sensitivity_given = False       # the file has a sensitivity column (else a record keeps its own)
        self.orders: dict[str, SlashedOrder] = {}   # date field -> how its column writes slashed dates

    def with_sensitivity(self, table: Table, record_id: int, values: dict[str, Any], row_no: int,
                         before: str | None = None) -> dict[str, Any]:
        """``values`` as they may update the existing record ``record_id``: without a sensitivity column the
        record keeps its own (the parsed default, internal, never replaces it); a row more openly held keeps the
        record's stricter one (an import never declassifies: services/declassify.py); a row more closely held
        makes the record stricter, as the row says. Both are said in the report's warnings, for the row."""
        if not self.sensitivity_given:
            return {k: v for k, v in values.items() if k != "sensitivity"}
        if before is None:
            before = self.conn.execute(select(table.c.sensitivity).where(table.c.id == record_id)).scalar()
        after = values.get("sensitivity")
        if after is None or before is None or after == before:
            return values
        if lowers(before, after):
            self.report.warnings.append(row_note(row_no, kept_sensitivity(values["ext_id"], before, after)))
            return {k: v for k, v in values.items() if k != "sensitivity"}
        self.report.warnings.append(row_note(row_no, Message(MADE_STRICTER, record=values["ext_id"],
                                                             before=Message(before), after=Message(after))))
        return values

    @property
    def stating(self) -> bool:
        """Whether the rows are an organisation's statements (--source): only then are claims kept (a
        million persons' names held for nothing took about 1.5 GB)."""
        return bool(self.source.strip())

    def keep_case_claim(self, case_id: int, values: dict[str, Any]) -> None:
        """Keep a case written or unchanged for the organisation's case statements (when ``stating``)."""
        if self.stating:
            self.case_claims.append((case_id, values["ext_id"], values))

    def claim(self, key: str, row: int, column: str, errors: ErrorCollector,
              repeated: Callable[[int], str] | None = None) -> bool:
        """Note that ``key`` was used at ``row``; False (and an error) when an earlier row used it: the error
        ``repeated(first row)`` says, else the key as an id."""
        if not key:
            return True
        if key in self.seen:
            errors.add(row, column, repeated(self.seen[key]) if repeated else Message(
                N_("id '%(id)s' appears again (first at row %(first)d)"), id=key, first=self.seen[key]))
            return False
        self.seen[key] = row
        return True

    def chunk(self, chunk: list[tuple[int, dict[str, str]]], fields: dict[str, str],
              errors: ErrorCollector) -> None:
        raise NotImplementedError

    def work(self, fields: dict[str, str], errors: ErrorCollector) -> Callable[[Chunk, Any], Any] | None:
        """The pure half of writing a chunk (services/prep_pool.py), given ``shared()``; None: ``chunk``
        does all of it."""
        return None

    def shared(self) -> Any:
        return None

    def write_prepared(self, ready: Any, fields: dict[str, str], errors: ErrorCollector) -> None:
        raise NotImplementedError

    def known(self) -> frozenset[str]:
        """The registry's row hashes: rows carrying one are unchanged."""
        return frozenset(h for _, h in self.existing.values() if h)

    def write_all(self, chunks: Iterator[list[tuple[int, dict[str, str]]]], fields: dict[str, str],
                  errors: ErrorCollector, *, total: int | None, workers: int) -> Iterator[int]:
        """Write every chunk, yielding each one's row count as it is written. A writer with a ``work`` has
        it done by a pool of processes on a large file, while this process writes the chunks before them."""
        work = self.work(fields, errors)
        if work is None:
            for chunk in chunks:
                self.chunk(chunk, fields, errors)
                yield len(chunk)
            return
        for chunk, ready in prepared(chunks, work, self.shared(), processes=pool_size(total, workers)):
            self.write_prepared(ready, fields, errors)
            yield len(chunk)

    def bulk_create(self, table: Table, entity: str, values: list[dict[str, Any]], ids: IdAllocator,
                    snapshots: list[str] | None = None) -> list[int]:
        """New records in bulk with their audit entries (chained: db/chain.py); every insert into ``table`` in
        this transaction must take its id from ``ids``. ``snapshots``: the values' ``audit.created_snapshot``
        when they were made already (by the pool that prepared the rows)."""
        at = audit.now()
        new_ids = ids.take(len(values))
        bulk_insert(self.conn, table, [audit.stamp_new({**v, "id": i}, self.actor, at) for i, v in zip(new_ids, values)])
        audit.write_audit(self.conn, audit.audit_rows_for_create(entity, list(zip(new_ids, values)), self.actor,
                                                                 self.report.import_id, at, snapshots))
        return new_ids


_PERSON_INSERT = ("id", *PERSON_COLUMNS, *audit.STAMP_COLUMNS)
_NAME_INSERT = ("person_id", *NAME_COLUMNS)


class _PersonWriter(_Writer):
    key_table = persons
    indexed_after = (name_keys,)

    def work(self, fields: dict[str, str], errors: ErrorCollector) -> Callable[[Chunk, frozenset[str]], PreparedChunk]:
        """Rows parsed and keyed (services/person_prep.py), given the registry's row hashes."""
        return partial(prepare_chunk, fields=fields, file=errors.file, orders=self.orders)

    def shared(self) -> frozenset[str]:
        return self.known()

    def write_prepared(self, ready: PreparedChunk, fields: dict[str, str], errors: ErrorCollector) -> None:
        errors.errors.extend(ready.errors)
        self.sensitivity_given = "sensitivity" in fields
        new: list[tuple[PersonRow, Collection[int] | None]] = []
        updated: list[int] = []
        for (row_no, key, person), keys in zip(ready.rows, ready.keys):
            fresh = self.claim(key, row_no, fields["id"], errors)
            if person is None or not fresh:
                continue
            old = self.existing.get(person.ext_id)
            if old is None:
                new.append((person, keys))
            elif old[1] == person.row_hash:
                self.report.unchanged += 1
            else:
                self._update(old[0], person.values, person.names, row_no)
                updated.append(old[0])
            if old is not None and self.stating:
                self.claims.append((old[0], key, person.names, person.birth_date))
        if errors.errors:
            return  # keep validating, stop writing: the transaction will be rolled back
        if self.refresh_later is not None:   # re-keying looks persons up by id: after the indexes are back
            self.refresh_later += updated
        else:
            refresh_persons(self.conn, updated)   # the name index, in this transaction (services/name_index.py)
        self._insert(new, ready.variants)

    def _insert(self, keyed: list[tuple[PersonRow, Collection[int] | None]], variants: set[tuple[str, str]]) -> None:
        if not keyed:   # the variants all the same: a pool process sends each once (prep_pool.unsent)
            write_new_keys(self.conn, [], variants, indexed=self.refresh_later is None)
            return
        new = [p for p, _ in keyed]
        at = audit.now()
        ids = self.ids.take(len(new))
        if self.stating:
            self.claims += [(i, p.ext_id, p.names, p.birth_date) for i, p in zip(ids, new)]
        # rows as tuples (services/person_prep.py PersonRow): stamped as audit.stamp_new stamps a record
        actor, batch = self.actor, self.report.import_id
        insert_tuples(self.conn, persons, _PERSON_INSERT, [(i, *p.row, at, actor, at, actor, 1, None)
                                                           for i, p in zip(ids, new)])
        insert_tuples(self.conn, person_names, _NAME_INSERT, [(i, *n) for i, p in zip(ids, new) for n in p.name_rows])
        bulk_insert(self.conn, audit_log, [
            {"at": at, "actor": actor, "entity_type": "person", "entity_id": i, "action": "create",
             "field": None, "before": None, "after": p.snapshot, "batch": batch}
            for i, p in zip(ids, new)])
        # the name index, from the rows as written (keys computed when the rows were prepared)
        written: list[tuple[int, Collection[int]]] = []
        for i, (p, k) in zip(ids, keyed):
            if k is None:
                k, vs = record_keys(person_record(i, p))
                variants = variants | storable(vs)
            written.append((i, k))
        write_new_keys(self.conn, written, variants, indexed=self.refresh_later is None)
        self.report.created += len(new)

    def _update(self, person_id: int, values: dict[str, Any], names: list[dict[str, str]], row_no: int) -> None:
        values = self.with_sensitivity(persons, person_id, values, row_no)
        audit.update_record(self.conn, persons, "person", person_id, values, actor=self.actor,
                            batch=self.report.import_id)
        old_names = [dict(r) for r in self.conn.execute(
            select(person_names.c.kind, person_names.c.full, person_names.c.surname,
                   person_names.c.given_name, person_names.c.patronymic, person_names.c.script,
                   person_names.c.lang).where(person_names.c.person_id == person_id)
            .order_by(person_names.c.id)).mappings()]
        old_primary = next((n for n in old_names if n["kind"] == "primary"), None)
        if old_primary and names and renames(old_primary, names[0]):
            self.report.renames.append(Rename(row_no, values["ext_id"], old_primary["full"], names[0]["full"]))
        if old_names != names:
            self.conn.execute(delete(person_names).where(person_names.c.person_id == person_id))
            self.conn.execute(insert(person_names), [{**n, "person_id": person_id} for n in names])
            audit.write_audit(self.conn, audit.audit_rows_for_update(
                "person", person_id, {"names": ([n["full"] for n in old_names], [n["full"] for n in names])},
                self.actor, self.report.import_id))
        self.report.updated += 1


class _CaseWriter(_Writer):
    key_table = cases
    bulk = True   # new cases, their audit entries and charges written per chunk (False: row by row, a baseline)

    def __init__(self, conn: Connection, actor: str, report: ImportReport):
        super().__init__(conn, actor, report)
        self.person_ids = {r[0]: r[1] for r in conn.execute(select(persons.c.ext_id, persons.c.id))}
        self.ready_charges: dict[int, list[dict[str, Any]]] = {}   # row -> charges parsed when it was prepared
        self.ready_snapshots: dict[int, str] = {}   # row -> its creation entry's snapshot, made when prepared

    def shared(self) -> CaseShared:
        return CaseShared(self.person_ids, self.known(), frozenset(self.existing))

    def work(self, fields: dict[str, str], errors: ErrorCollector) -> Callable[[Chunk, CaseShared], PreparedCases]:
        """Rows parsed with their hashes, charges and creation snapshots (services/case_prep.py)."""
        return partial(prepare_case_chunk, fields=fields, file=errors.file, status_map=self.status_map,
                       file_code=self.file_code, orders=self.orders)

    def write_prepared(self, ready: PreparedCases, fields: dict[str, str], errors: ErrorCollector) -> None:
        errors.errors.extend(ready.errors)
        self.sensitivity_given = "sensitivity" in fields
        self.ready_charges = {}
        self.ready_snapshots = {}
        new: list[tuple[int, dict[str, Any]]] = []
        changed: list[tuple[int, int, dict[str, Any]]] = []
        for prep in ready.rows:
            row_no, values = prep.row, prep.values
            fresh = self.claim(prep.key, row_no, fields["case_id"], errors)
            if values is None or not fresh:
                continue
            if prep.charges is not None:
                self.ready_charges[row_no] = prep.charges
            if prep.snapshot is not None:
                self.ready_snapshots[row_no] = prep.snapshot
            old = self.existing.get(values["ext_id"])
            if errors.errors:
                continue
            if old is None and self.bulk:
                new.append((row_no, values))
            elif old is None:
                case_id = audit.create_record(self.conn, cases, "case", values, actor=self.actor,
                                              batch=self.report.import_id)
                self.after_write(case_id, values, row_no)
                self.keep_case_claim(case_id, values)
                self.report.created += 1
            elif old[1] == values["row_hash"]:
                self.report.unchanged += 1
                self.keep_case_claim(old[0], values)
            else:
                self.keep_case_claim(old[0], values)
                if self.bulk:
                    changed.append((row_no, old[0], values))
                    continue
                values = self.with_sensitivity(cases, old[0], values, row_no)
                audit.update_record(self.conn, cases, "case", old[0], values, actor=self.actor,
                                    batch=self.report.import_id)
                self.after_write(old[0], values, row_no)
                self.report.updated += 1
        if errors.errors:
            return
        if changed:
            self._update(changed)
        if new:
            self._insert(new)

    def _update(self, changed: list[tuple[int, int, dict[str, Any]]]) -> None:
        """Changed cases in bulk, as audit.update_record does each: one read of their current rows, one
        UPDATE per case sent together (checked against the version read), their field-by-field audit
        entries in row order, and their charges replaced (one delete, one insert)."""
        ids = [case_id for _, case_id, _ in changed]
        current: dict[int, Any] = {}
        for i in range(0, len(ids), 500):
            current |= {r["id"]: r for r in self.conn.execute(select(cases).where(cases.c.id.in_(ids[i:i + 500])))
                        .mappings()}
        at = audit.now()
        params: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        changed = [(row_no, case_id, values if current.get(case_id) is None else self.with_sensitivity(
            cases, case_id, values, row_no, before=current[case_id]["sensitivity"])) for row_no, case_id, values in changed]
        for _row_no, case_id, values in changed:
            before = current.get(case_id)
            if before is None:
                raise NotFound.of(N_("%(entity)s %(id)s does not exist"), entity=entity_word("case"), id=case_id)
            changes = audit.field_changes(dict(before), values)
            params.append({**{f"v_{k}": v for k, v in values.items()}, "c_id": case_id,
                           "c_version": before["version"], "v_version": before["version"] + (1 if changes else 0)})
            entries += audit.audit_rows_for_update("case", case_id, changes, self.actor, self.report.import_id, at)
        done = 0
        for columns in dict.fromkeys(tuple(sorted(values)) for _, _, values in changed):   # rows of one shape
            stmt = update(cases).where(cases.c.id == bindparam("c_id"), cases.c.version == bindparam("c_version")) \
                .values({**{k: bindparam(f"v_{k}") for k in (*columns, "version")}, "updated_at": at,
                         "updated_by": self.actor})
            done += self.conn.execute(stmt, [p for p, (_, _, v) in zip(params, changed)
                                             if tuple(sorted(v)) == columns]).rowcount
        if done != len(params):   # another writer changed one of them since it was read
            raise Conflict.of(audit._CONCURRENT, entity=entity_word("case"), id=", ".join(str(i) for i in ids[:5]))
        audit.write_audit(self.conn, entries)
        for i in range(0, len(ids), 500):
            self.conn.execute(delete(charges).where(charges.c.case_id.in_(ids[i:i + 500])))
        self._charges(changed)
        self.report.updated += len(changed)

    def _insert(self, new: list[tuple[int, dict[str, Any]]]) -> None:
        """New cases in bulk: the rows, their audit entries (chained: db/chain.py) and parsed charges."""
        snapshots = [self.ready_snapshots.get(row_no) for row_no, _ in new]
        ids = self.bulk_create(cases, "case", [v for _, v in new], self.ids,
                               None if None in snapshots else cast(list[str], snapshots))
        if self.stating:
            self.case_claims += [(case_id, values["ext_id"], values) for case_id, (_, values) in zip(ids, new)]
        self._charges([(row_no, case_id, values) for case_id, (row_no, values) in zip(ids, new)])
        self.report.created += len(new)

    def _charges(self, written: list[tuple[int, int, dict[str, Any]]]) -> None:
        """The parsed charges of these (row, case id, values) in one insert; a charge whose code nothing
        decides is noted for its row."""
        rows: list[dict[str, Any]] = []
        for row_no, case_id, values in written:
            ready = self.ready_charges.pop(row_no, None)
            mine = ([{**c, "case_id": case_id} for c in ready] if ready is not None
                    else parsed_charge_rows(case_id, values, file_code=self.file_code))
            if message := undecided_message(mine):
                self.report.notes.append(row_note(row_no, message))
            rows += mine
        bulk_insert(self.conn, charges, rows)

    def after_write(self, case_id: int, values: dict[str, Any], row_no: int = 0) -> None:
        """Derived data of a case: its parsed charges (kartoteka.services.charges); a charge whose code
        nothing decides is reported for its row instead of silently losing its flags."""
        rows = store_charges(self.conn, case_id, values, file_code=self.file_code)
        if message := undecided_message(rows):
            self.report.notes.append(row_note(row_no, message))


class _AssessmentWriter(_Writer):
    key_table = persons

    def __init__(self, conn: Connection, actor: str, report: ImportReport):
        super().__init__(conn, actor, report)
        self.definitions = definition_ids()   # the catalog decides which definitions exist
        self.recognised: set[tuple[int, str, str]] | None = None   # recognitions already recorded
        self.made, self.last_note = 0, ""
        self.assessment_ids = IdAllocator(conn, assessments)
        self.recognition_ids = IdAllocator(conn, recognitions)
        self.new_recognitions: list[dict[str, Any]] = []

    def chunk(self, chunk: list[tuple[int, dict[str, str]]], fields: dict[str, str],
              errors: ErrorCollector) -> None:
        note = Message(N_("column '%(column)s' is not stored: an imported decision is the organisation's, "
                          "recorded by you, with no reviewer here"), column=fields.get("reviewer", ""))
        if "reviewer" in fields and note not in self.report.notes:
            self.report.notes.append(note)
        parsed = [(row_no, rowparse.parse_assessment(
            rowparse.RowReader(fields, raw, row_no, errors, orders=self.orders), self.definitions, source=self.source))
            for row_no, raw in chunk]
        live = self._live({self.existing[v["person_ext_id"]][0] for _, v in parsed
                           if v is not None and v["person_ext_id"] in self.existing})
        new: list[dict[str, Any]] = []
        for row_no, values in parsed:
            if values is None:
                continue
            person_ext = values.pop("person_ext_id")
            if person_ext not in self.existing:
                errors.add(row_no, fields["person_id"], Message(NOT_IN_REGISTRY, person=person_ext))
                continue
            key = f"{person_ext}|{values['definition_id']}|{values['origin']}"
            if not self.claim(key, row_no, fields["definition"], errors, lambda first: Message(N_(
                    "a second decision on person '%(person)s' under '%(definition)s' by '%(organisation)s' (the "
                    "first is in row %(first)d); keep one of the rows"), person=person_ext,
                    definition=values["definition_id"], organisation=values["origin"], first=first)) \
                    or errors.errors:
                continue
            # another organisation's decision (origin), recorded by the importing user, whatever names the
            # file gives; never a decision of this organisation, which takes two people (issue 10)
            values.update(person_id=self.existing[person_ext][0], state="decided", author=self.actor)
            values["row_hash"] = row_hash(values)
            mine = [a for a in live.get(values["person_id"], []) if a.definition_id == values["definition_id"]]
            busy = next((a for a in mine if a.state != "decided"), None)
            if busy is not None:
                errors.add(row_no, fields["decision"], Message(
                    N_("an assessment of '%(person)s' under %(definition)s is in progress (%(state)s); an import "
                       "never overwrites it: finish it with a second person"),
                    person=person_ext, definition=values["definition_id"], state=busy.state))
                continue
            # only the same organisation's earlier import is updated: never this organisation's own decision
            current = next((a for a in reversed(mine) if a.origin == values["origin"] and a.origin != ""), None)
            if current is None:
                new.append(values)
                self.report.created += 1
            elif current.row_hash == values["row_hash"]:
                self.report.unchanged += 1
            else:
                audit.update_record(self.conn, assessments, "assessment", current.id, values,
                                    actor=self.actor, batch=self.report.import_id)
                self.report.updated += 1
            if values["decision"] == "recognised":
                self._recognition(values)
        if not errors.errors:
            self.bulk_create(assessments, "assessment", new, self.assessment_ids)
            self.bulk_create(recognitions, "recognition", self.new_recognitions, self.recognition_ids)
        self.new_recognitions = []

    def _live(self, person_ids: set[int]) -> dict[int, list[Any]]:
        """The live assessments of these persons, oldest first, in one query per 500 persons."""
        out: dict[int, list[Any]] = {}
        ids = sorted(person_ids)
        a = assessments.c
        for i in range(0, len(ids), 500):
            for row in self.conn.execute(select(a.id, a.person_id, a.definition_id, a.state, a.origin, a.row_hash)
                                         .where(a.person_id.in_(ids[i:i + 500]), a.deleted_at.is_(None))
                                         .order_by(a.id)):
                out.setdefault(row.person_id, []).append(row)
        return out

    def _recognition(self, values: dict[str, Any]) -> None:
        """A recognised decision is also the organisation's recognition (provenance for vetting's
        "recognised by"), unless the same statement is already recorded."""
        key = (values["person_id"], values["origin"], values["statement"])
        if self.recognised is None:
            self.recognised = {(r.person_id, r.organisation, r.statement) for r in self.conn.execute(
                select(recognitions.c.person_id, recognitions.c.organisation, recognitions.c.statement)
                .where(recognitions.c.deleted_at.is_(None)))}
        if key in self.recognised:
            return
        self.recognised.add(key)
        self.new_recognitions.append({
            "person_id": values["person_id"], "organisation": values["origin"],
            "definition_id": values["definition_id"], "statement": values["statement"],
            "stated_on": values["decided_on"], "note": ""})
        self.made += 1
        note = Message(N_("%(n)d recognition(s) recorded from the recognised decisions (vetting's 'recognised by')"),
                       n=self.made)
        if self.made == 1:
            self.report.notes.append(note)
        else:
            self.report.notes[self.report.notes.index(self.last_note)] = note
        self.last_note = note


_WRITERS: dict[str, type[_Writer]] = {
    "persons": _PersonWriter, "cases": _CaseWriter, "assessments": _AssessmentWriter}

"""Import custody (with an optional category) and recognitions from columns: CSV, XLSX or JSON Lines.

All rows land or none (one transaction); every bad row is reported with its row and column. A custody
row whose person already has the same current custody (party, state, place, since) changes nothing,
so re-importing a file is harmless. Recognitions need a reviewer or an administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from kartoteka.catalogs import definition_ids
from kartoteka.catalogs.custody import load_custody_vocabulary
from kartoteka.db import audit
from kartoteka.db.tables import person_categories, persons, recognitions
from kartoteka.errors import N_, ErrorCollector, InvalidInput, Message, RowError, reason_of
from kartoteka.services import custody as svc
from kartoteka.services import value_mappings as vm
from kartoteka.services.import_report import hidden_warnings, require_rows
from kartoteka.tabular.cells import unneutralise
from kartoteka.tabular.columns import normalise_header
from kartoteka.tabular.reader import open_table

REQUIRED = {"custody": ("person_id", "held_by", "custody"),
            "recognitions": ("person_id", "organisation", "statement", "stated_on")}


@dataclass
class CustodyImport:
    kind: str
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    categories: int = 0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)   # rows and columns hidden in a workbook, imported or left out


class _DryRun(Exception):
    pass


def _finish(problems: list[RowError], errors: ErrorCollector, path: Path, dry_run: bool) -> None:
    """Roll the whole file back when a row is bad (listing every one), or after a dry run."""
    errors.errors.extend(problems)
    if errors.errors:
        raise InvalidInput(Message(N_("%(file)s: %(n)d problem(s); nothing was imported"), file=path.name,
                                     n=len(errors.errors)), errors.errors)
    if dry_run:
        raise _DryRun()


def found_fields(kind: str, headers: list[str], mapping: dict[str, str] | None) -> dict[str, str]:
    """``{field: header}`` from the aliases in data/custody.yaml (explicit ``{header: field}`` pairs win);
    a missing required column is not checked here (the preview lists it, ``map_fields`` refuses it)."""
    aliases = load_custody_vocabulary().import_columns[kind]
    fields = {f: h for h, f in (mapping or {}).items() if h in headers and f in aliases}
    lookup = {normalise_header(a): f for f, names in aliases.items() for a in [f, *names]}
    for header in headers:
        found = lookup.get(normalise_header(header))
        if found and found not in fields and header not in fields.values():
            fields[found] = header
    return fields


def map_fields(kind: str, headers: list[str], mapping: dict[str, str] | None, filename: str) -> dict[str, str]:
    """``{field: header}`` as ``found_fields`` finds them; a missing required column is an error, and so is a
    ``--map`` pair that names a column the file lacks or an unknown field (``found_fields`` passes over them)."""
    known = load_custody_vocabulary().import_columns[kind]
    given: dict[str, str] = {}
    for header, fld in (mapping or {}).items():
        if fld in given:   # one field, two columns: one of them would be dropped without a word
            raise InvalidInput.of(N_("%(file)s: the mapping gives field '%(field)s' to two columns, '%(first)s' and "
                                     "'%(second)s'; a field reads one column, so keep one"), file=filename,
                                  field=fld, first=given[fld], second=header)
        given[fld] = header
        if header not in headers:
            raise InvalidInput.of(N_("%(file)s: the mapping names column '%(header)s', which the file does not have "
                                     "(its columns: %(columns)s)"), file=filename, header=header,
                                  columns=", ".join(headers))
        if fld not in known:
            raise InvalidInput.of(N_("%(file)s: '%(field)s' is not a %(kind)s field (known: %(known)s)"),
                                  file=filename, field=fld, kind=kind, known=", ".join(known))
    fields = found_fields(kind, headers, mapping)
    missing = [f for f in REQUIRED[kind] if f not in fields]
    if missing:
        raise InvalidInput.of(N_("%(file)s: no column for %(missing)s (columns: %(columns)s)"), file=filename,
                              missing=", ".join(missing), columns=", ".join(headers))
    return fields


def _persons(conn: Connection) -> dict[str, int]:
    return {r.ext_id: r.id for r in conn.execute(select(persons.c.id, persons.c.ext_id)
                                                   .where(persons.c.deleted_at.is_(None)))}


def _cell(raw: dict[str, str], fields: dict[str, str], name: str) -> str:
    return unneutralise(raw.get(fields[name], "").strip()) if name in fields else ""


def import_custody(engine: Engine, path: Path, *, actor: str, mapping: dict[str, str] | None = None,
                   dry_run: bool = False, source: str = "",
                   value_map: dict[str, dict[str, str]] | None = None, skip_hidden: bool = False) -> CustodyImport:
    """Custody records (and categories, when the file has a category column) from ``path``. ``value_map``
    ({"custody"|"category": {spelling: value}}) maps free-text values; with ``source`` (the organisation)
    its earlier confirmed spellings apply too, and these are remembered after a real import. A workbook's hidden
    rows are imported and named in ``warnings``; ``skip_hidden`` leaves them out (named too)."""
    confirmed = value_map or {}
    for vocabulary, pairs in confirmed.items():
        if vocabulary not in ("custody", "category"):
            raise InvalidInput.of(N_("unknown vocabulary '%(vocabulary)s' (use custody or category)"),
                                  vocabulary=vocabulary)
        vm.check_values(vocabulary, pairs)
    maps = {v: {**vm.recall(engine, organisation=source, vocabulary=v), **confirmed.get(v, {})}
            for v in ("custody", "category")}
    table = open_table(path, skip_hidden=skip_hidden)
    fields = map_fields("custody", table.headers, mapping, path.name)
    require_rows(table)
    report, errors = CustodyImport("custody", dry_run=dry_run), ErrorCollector(path.name)
    try:
        with engine.begin() as conn:
            known = _persons(conn)
            current = svc.current_custody(conn)
            cats = svc.current_categories(conn, known.values())
            for row_no, raw in table.rows:
                report.rows += 1
                _custody_row(conn, row_no, raw, fields, known, current, cats, actor, report, errors, maps)
            report.warnings = hidden_warnings(table, fields)
            _finish(table.problems, errors, path, dry_run)
            for vocabulary, pairs in confirmed.items() if source.strip() else ():
                vm.remember(conn, organisation=source, vocabulary=vocabulary, mapping=pairs, actor=actor)
    except _DryRun:
        pass
    return report


def _custody_column(raw: dict[str, str], fields: dict[str, str], maps: dict[str, dict[str, str]]) -> str:
    """The column of the cell a custody row was refused for, each tried in the order ``_custody_row`` checks
    them (the state's spelling, the party, the state, the dates): a bad date is not the custody column's."""
    state = next(iter(load_custody_vocabulary().states))

    def cell(name: str) -> str:
        return _cell(raw, fields, name)

    trials: list[tuple[str, Callable[[], object]]] = [
        ("custody", lambda: vm.controlled("custody", cell("custody"), maps["custody"])),
        ("held_by", lambda: svc.check_party(cell("held_by"))),
        ("custody", lambda: svc.check_state(vm.controlled("custody", cell("custody"), maps["custody"]))),
        ("since", lambda: svc.custody_values(held_by="RU", state=state, since=cell("since"))),
        ("confirmed_on", lambda: svc.custody_values(held_by="RU", state=state, confirmed_on=cell("confirmed_on")))]
    for name, trial in trials:
        try:
            trial()
        except InvalidInput:
            return fields.get(name, name)
    return fields["custody"]


def _custody_row(conn: Connection, row_no: int, raw: dict[str, str], fields: dict[str, str],
                 known: dict[str, int], current: dict[int, svc.CustodyRecord],
                 cats: dict[int, svc.CategoryRecord], actor: str, report: CustodyImport,
                 errors: ErrorCollector, maps: dict[str, dict[str, str]]) -> None:
    ext = _cell(raw, fields, "person_id")
    if ext not in known:
        errors.add(row_no, fields["person_id"], Message(N_("person '%(person)s' is not in the registry"), person=ext))
        return
    pid = known[ext]
    try:
        values = svc.custody_values(
            held_by=_cell(raw, fields, "held_by"),
            state=vm.controlled("custody", _cell(raw, fields, "custody"), maps["custody"]),
            place=_cell(raw, fields, "place"), since=_cell(raw, fields, "since"),
            confirmed_on=_cell(raw, fields, "confirmed_on"), note=_cell(raw, fields, "note"))
    except InvalidInput as exc:
        errors.add(row_no, _custody_column(raw, fields, maps), reason_of(exc))
        return
    try:   # a category spelling is reported against its own column (mapping step: value_mappings)
        category = vm.controlled("category", _cell(raw, fields, "category"), maps["category"])
        checked = svc.check_category(category, _cell(raw, fields, "category_definition")) if category else None
    except InvalidInput as exc:
        errors.add(row_no, fields["category"], reason_of(exc))
        return
    now = current.get(pid)
    if now is not None and (now.held_by, now.state, now.place, now.since or None) == (
            values["held_by"], values["state"], values["place"], values["since"]):
        report.unchanged += 1
    else:
        svc.insert_custody(conn, person_id=pid, values=values, actor=actor, source=_cell(raw, fields, "source"),
                           confirmed_source=_cell(raw, fields, "confirmed_source"))
        report.created += 1
    if checked is not None:
        old = cats.get(pid)
        if old is None or (old.category, old.definition_id) != checked:
            audit.create_record(conn, person_categories, "person_category", {
                "person_id": pid, "category": checked[0], "definition_id": checked[1],
                "source_id": svc.source_id(conn, _cell(raw, fields, "source"), actor, person_id=pid), "note": ""}, actor=actor)
            report.categories += 1


def _recognition_column(raw: dict[str, str], fields: dict[str, str]) -> str:
    """The column of the cell ``svc.recognition_values`` refused, in the order it checks them: an empty
    organisation, statement or date, an unknown definition, else a date that is not one."""
    culprit = next((f for f in ("organisation", "statement", "stated_on") if not _cell(raw, fields, f)), None)
    if culprit is None:
        definition = _cell(raw, fields, "definition")
        culprit = "definition" if definition and definition not in definition_ids() else "stated_on"
    return fields.get(culprit, culprit)


def import_recognitions(engine: Engine, path: Path, *, actor: str, role: str,
                        mapping: dict[str, str] | None = None, dry_run: bool = False,
                        skip_hidden: bool = False) -> CustodyImport:
    """Other organisations' published recognitions (organisation, statement, date) as provenance; the
    importing user is the actor. Never creates or changes an assessment."""
    svc.check_recognition_role(role)
    table = open_table(path, skip_hidden=skip_hidden)
    fields = map_fields("recognitions", table.headers, mapping, path.name)
    require_rows(table)
    report, errors = CustodyImport("recognitions", dry_run=dry_run), ErrorCollector(path.name)
    try:
        with engine.begin() as conn:
            known = _persons(conn)
            seen = {(r.person_id, r.organisation, r.statement) for r in conn.execute(
                select(recognitions.c.person_id, recognitions.c.organisation, recognitions.c.statement)
                .where(recognitions.c.deleted_at.is_(None)))}
            for row_no, raw in table.rows:
                report.rows += 1
                ext = _cell(raw, fields, "person_id")
                if ext not in known:
                    errors.add(row_no, fields["person_id"], Message(N_("person '%(person)s' is not in the registry"), person=ext))
                    continue
                try:
                    values: dict[str, Any] = svc.recognition_values(
                        organisation=_cell(raw, fields, "organisation"), statement=_cell(raw, fields, "statement"),
                        stated_on=_cell(raw, fields, "stated_on"), definition_id=_cell(raw, fields, "definition"),
                        note=_cell(raw, fields, "note"))
                except InvalidInput as exc:
                    errors.add(row_no, _recognition_column(raw, fields), reason_of(exc))
                    continue
                key = (known[ext], values["organisation"], values["statement"])
                if key in seen:
                    report.unchanged += 1
                    continue
                seen.add(key)
                audit.create_record(conn, recognitions, "recognition", dict(values, person_id=known[ext]), actor=actor)
                report.created += 1
            report.warnings = hidden_warnings(table, fields)
            _finish(table.problems, errors, path, dry_run)
    except _DryRun:
        pass
    return report

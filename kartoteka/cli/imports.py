"""`kartoteka import persons|cases|assessments|registry FILE`: the import commands and their report."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable
from typing import Annotated, TYPE_CHECKING

import typer

from kartoteka.cli.common import console, state, user_errors
from kartoteka.cli.language import cli_gettext
from kartoteka.cli.progress import progress_bar
from kartoteka.errors import N_, InvalidInput
from kartoteka.cli.lazy import lazy_callable

if TYPE_CHECKING:
    from kartoteka.services.import_report import ImportReport
    from kartoteka.services.imports import import_file
    from kartoteka.services.registry_import import SheetOptions
    from kartoteka.tabular.columns import parse_mapping
    from kartoteka.services.value_mappings import parse_value_map
else:
    ImportReport = lazy_callable("kartoteka.services.import_report", "ImportReport")
    import_file = lazy_callable("kartoteka.services.imports", "import_file")
    SheetOptions = lazy_callable("kartoteka.services.registry_import", "SheetOptions")
    parse_mapping = lazy_callable("kartoteka.tabular.columns", "parse_mapping")
    parse_value_map = lazy_callable("kartoteka.services.value_mappings", "parse_value_map")


import_app = typer.Typer(help="Import persons, cases, assessments, or a one-sheet registry (persons and their "
                              "cases) from CSV, XLSX or JSON Lines.", no_args_is_help=True)
MapOpt = Annotated[list[str] | None, typer.Option(
    "--map", help="Name a column explicitly: 'HEADER=field' (repeatable), e.g. --map 'ФИО=name'")]
DryOpt = Annotated[bool, typer.Option("--dry-run", help="Validate every row and list every change without writing")]
RenameOpt = Annotated[bool, typer.Option("--confirm-renames", help="Allow updates that change a person's name")]
DecideOpt = Annotated[list[str] | None, typer.Option(
    "--decide", help="Settle a row the matcher could not: 'ROW=PERSON_ID' or 'ROW=new'; a row that fits two "
                     "persons of the sheet: 'ROW=row:N' (the person of row N) or 'ROW=new' (repeatable)")]
StatusOpt = Annotated[list[str] | None, typer.Option(
    "--status-map", help="A case status spelling and its value: 'в СИЗО=detained' (repeatable)")]
ValueMapOpt = Annotated[list[str] | None, typer.Option(
    "--value-map", help="A custody state or category spelling and its value: 'custody:СИЗО-2=pretrial', "
                        "'category:полонений=prisoner_of_war' (repeatable; remembered with --source)")]
SkipOpt = Annotated[bool, typer.Option(
    "--skip-bad-rows", help="Import the good rows; write the rejected ones with their errors to a file")]
HiddenOpt = Annotated[bool, typer.Option(
    "--skip-hidden", help="Leave out the rows hidden in an XLSX sheet (by hand, in a collapsed group, of zero "
                          "height); by default they are imported and each is named in the report")]
RejectedOpt = Annotated[Path | None, typer.Option("--rejected", help="Where --skip-bad-rows writes rejected rows "
                                                                      "(default: FILE.rejected.csv)")]
SourceOpt = Annotated[str, typer.Option(
    "--source", help="The organisation the file comes from: its remembered spellings (statuses, custody states, "
                     "categories) apply, the --status-map and --value-map spellings are remembered for its next "
                     "import, and the values read are kept as its statements")]
JurOpt = Annotated[str, typer.Option("--jurisdiction", "--code",
                                     help="Jurisdiction / code (RU, BY, UA, RU-ADM ...) of cases and charges that name none")]
OrgOpt = Annotated[str, typer.Option(
    "--source", help="The organisation the file comes from: each person's name spellings and birth date are "
                     "kept as its statements, dated now (the person page shows who said what)")]


def _pairs(values: list[str] | None, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in values or []:
        if "=" not in pair:
            raise InvalidInput.of(N_("%(option)s '%(pair)s' must look like LEFT=RIGHT"), option=what, pair=pair)
        left, right = pair.split("=", 1)
        out[left.strip()] = right.strip()
    return out


def _decisions(values: list[str] | None) -> dict[int, str]:
    out: dict[int, str] = {}
    for row, choice in _pairs(values, "--decide").items():
        if not row.isdigit():
            raise InvalidInput.of(N_("--decide '%(row)s=%(choice)s': ROW must be a row number"), row=row, choice=choice)
        out[int(row)] = choice
    return out


def run_import(ctx: typer.Context, kind: str, file: Path, mapping: list[str] | None, dry_run: bool, *,
               options: SheetOptions | None = None) -> None:
    st = state(ctx)
    _ = cli_gettext()
    with user_errors():
        engine = st.engine()
        with progress_bar(_("Importing %(file)s") % {"file": file.name}) as progress:
            report = import_file(engine, kind, file, actor=st.actor, mapping=parse_mapping(mapping or []),
                                 dry_run=dry_run, options=options, progress=progress)
        print_report(report)


def field_words(field: str, _: Callable[[str], str]) -> str:
    """A field a column was read into, in the reader's words with its code (what --map names): "birth_date" in
    English, "дата народження (birth_date)" in Ukrainian."""
    from kartoteka.tabular.field_labels import FIELD_LABELS

    label = FIELD_LABELS.get(field)
    words = _(label) if label else field
    return field if words in (field, label) else f"{words} ({field})"


def print_report(r: ImportReport) -> None:
    """The report in the CLI's language (``--lang``, KARTOTEKA_LANG or the locale); data is never read as markup."""
    from kartoteka.errors import translate

    _ = cli_gettext()

    def out(text: str) -> None:
        console.print(text, highlight=False, markup=False)

    def word(text: str) -> str:
        return _(text) if text else text

    how = _("Dry run, nothing written") if r.dry_run else _("Imported")
    enc = _(", encoding %(enc)s") % {"enc": r.encoding} if r.encoding else ""
    delim = _(", delimiter %(delim)s") % {"delim": repr(r.delimiter)} if r.delimiter else ""
    out(_("%(how)s: %(file)s: %(rows)d rows; %(new)d new, %(updated)d updated, %(unchanged)d unchanged") % {
        "how": how, "file": Path(r.file).name, "rows": r.rows, "new": r.created, "updated": r.updated,
        "unchanged": r.unchanged} + enc + delim)
    if r.kind == "registry":
        out(_("Cases: %(new)d new, %(updated)d updated, %(unchanged)d unchanged") % {
            "new": r.cases_created, "updated": r.cases_updated, "unchanged": r.cases_unchanged})
    print_warnings(r.warnings)
    out(_("Columns:") + " " + ", ".join(f"{h} -> {field_words(f, _)}" for f, h in r.columns.items()))
    if r.ignored:
        out(_("Ignored columns (no field reads them; name one with --map):") + " " + ", ".join(r.ignored))
    for note in r.notes:
        out(_("Note:") + " " + translate(note, _))
    if r.rejected:
        out(_("Rejected rows: %(n)d, written with their errors to %(file)s") % {"n": r.rejected,
                                                                               "file": r.rejected_file})
    for rn in r.renames:
        out(_("Rename, row %(row)d: %(person)s '%(before)s' -> '%(after)s' (needs --confirm-renames)") % {
            "row": rn.row, "person": rn.person, "before": rn.before, "after": rn.after})
    for rv in r.reviews:
        cands = "; ".join(f"{c[0]} {c[1]} ({c[2]:.2f})" for c in rv.candidates)
        out(_("Decide, %(label)s: '%(name)s' may be %(candidates)s (--decide %(row)d=PERSON_ID or %(row)d=new)") % {
            "label": rv.label, "name": rv.name, "candidates": cands, "row": rv.row})
    if r.dry_run or len(r.changes) <= 200:
        for c in r.changes[:2000]:
            before = f"'{c.before}' -> " if c.before else ""
            out("  " + _("row %(row)d:") % {"row": c.row} + f" {c.record} {word(c.field)}: {before}'{c.after}'")


def print_warnings(warnings: list[str]) -> None:
    """An import's warnings (rows hidden in the workbook, imported or left out), each on its line, in the CLI's
    language and in yellow where the terminal shows colours."""
    from kartoteka.errors import translate

    _ = cli_gettext()
    for warning in warnings:
        console.print(_("Warning:") + " " + translate(warning, _), highlight=False, markup=False, style="yellow")


@import_app.command("persons")
def import_persons(ctx: typer.Context, file: Path, map: MapOpt = None, dry_run: DryOpt = False,
                   confirm_renames: RenameOpt = False, decide: DecideOpt = None, skip_bad_rows: SkipOpt = False,
                   rejected: RejectedOpt = None, source: OrgOpt = "", skip_hidden: HiddenOpt = False) -> None:
    """Import persons (id, name or surname/given_name/patronymic, aliases, birth_date, gender, ...).
    Without an id column, rows are matched to the registry by name and birth date."""
    run_import(ctx, "persons", file, map, dry_run,
               options=SheetOptions(confirm_renames=confirm_renames, decisions=_decisions(decide),
                                    skip_bad_rows=skip_bad_rows, rejected_path=rejected, source=source,
                                    workers=0, skip_hidden=skip_hidden))


@import_app.command("cases")
def import_cases(ctx: typer.Context, file: Path, map: MapOpt = None, dry_run: DryOpt = False,
                 status_map: StatusOpt = None, code: JurOpt = "", skip_bad_rows: SkipOpt = False,
                 rejected: RejectedOpt = None, source: SourceOpt = "", skip_hidden: HiddenOpt = False) -> None:
    """Import cases (case_id, person_id, jurisdiction, articles, court, dates, sentence, facility, status);
    --code gives the code of charges written without one when neither the case nor its court decides it."""
    run_import(ctx, "cases", file, map, dry_run, options=SheetOptions(
        status_map=_pairs(status_map, "--status-map"), jurisdiction=code.strip().upper(),
        skip_bad_rows=skip_bad_rows, rejected_path=rejected, source=source, workers=0, skip_hidden=skip_hidden))


@import_app.command("assessments")
def import_assessments(ctx: typer.Context, file: Path, map: MapOpt = None, dry_run: DryOpt = False,
                       source: Annotated[str, typer.Option(
                           "--source", help="The organisation whose decisions the file records, for rows "
                                            "without an 'organisation' column")] = "",
                       skip_hidden: HiddenOpt = False) -> None:
    """Import another organisation's decisions (person_id, definition, decision, decided_on, organisation,
    statement); they are recorded as that organisation's, with you as the importing user."""
    run_import(ctx, "assessments", file, map, dry_run, options=SheetOptions(source=source, skip_hidden=skip_hidden))


@import_app.command("registry")
def import_registry(ctx: typer.Context, file: Path, map: MapOpt = None, dry_run: DryOpt = False,
                    confirm_renames: RenameOpt = False, decide: DecideOpt = None, status_map: StatusOpt = None,
                    skip_bad_rows: SkipOpt = False, rejected: RejectedOpt = None, jurisdiction: JurOpt = "",
                    source: SourceOpt = "", value_map: ValueMapOpt = None, skip_hidden: HiddenOpt = False) -> None:
    """Import one sheet with a person and a case per row (several case rows per person allowed): rows are
    grouped into persons, matched to the registry, and persons and cases land in one transaction."""
    run_import(ctx, "registry", file, map, dry_run, options=SheetOptions(
        confirm_renames=confirm_renames, decisions=_decisions(decide), status_map=_pairs(status_map, "--status-map"),
        jurisdiction=jurisdiction.strip().upper(), skip_bad_rows=skip_bad_rows, rejected_path=rejected,
        source=source, value_map=_value_map(value_map), skip_hidden=skip_hidden))


def _value_map(items: list[str] | None) -> dict[str, dict[str, str]]:
    with user_errors():
        return parse_value_map(items or [])

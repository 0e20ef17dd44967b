"""Vetting commands: vet, runs (list, show, export), diff, review, outcome, demo-list."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from kartoteka.cli.common import console, state, user_errors
from kartoteka.cli.language import cli_gettext, cli_language
from kartoteka.errors import translate
from kartoteka.cli.progress import progress_bar
from kartoteka.cli.lazy import lazy_callable, lazy_module

if TYPE_CHECKING:
    from kartoteka.reports import write_report
    from kartoteka.reports.common import notice_text
    from kartoteka.services import vetting as svc
    from kartoteka.services.rounds import change_text, entry_text
    from kartoteka.services.vetting_model import VetReport
    from kartoteka.tabular.columns import parse_mapping
else:
    write_report = lazy_callable("kartoteka.reports", "write_report")
    notice_text = lazy_callable("kartoteka.reports.common", "notice_text")
    svc = lazy_module("kartoteka.services.vetting")
    change_text = lazy_callable("kartoteka.services.rounds", "change_text")
    entry_text = lazy_callable("kartoteka.services.rounds", "entry_text")
    VetReport = lazy_callable("kartoteka.services.vetting_model", "VetReport")
    parse_mapping = lazy_callable("kartoteka.tabular.columns", "parse_mapping")


runs_app = typer.Typer(help="Saved vetting runs: list them (by round and side), show one, export it.")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]
RoundOpt = Annotated[str, typer.Option("--round", help="Negotiation round, e.g. 'Istanbul-2'")]
SideOpt = Annotated[str, typer.Option("--side", help="Whose list it is, e.g. 'RU' or 'UA'")]
LangOpt = Annotated[str, typer.Option("--lang", help="Report language: en, uk or ru (default: the CLI's "
                                                    "language, see kartoteka --lang)")]


def _jsonable(obj: Any) -> Any:
    return json.loads(json.dumps(asdict(obj), ensure_ascii=False, default=str))


def _match_label(match: str, gettext: Callable[[str], str]) -> str:
    """match, needs review or no match, in the CLI's language (English: the stored code, as before)."""
    from kartoteka.reports.common import MATCH_LABELS

    return gettext(MATCH_LABELS[match]) if match in MATCH_LABELS and cli_language() != "en" else match


def _print_summary(report: VetReport) -> None:
    """The run's summary in the CLI's language (``--lang``, KARTOTEKA_LANG or the locale)."""
    from kartoteka.reports.common import STATUS_LABELS, WARNING_LABELS, flags_text, tr

    _ = tr(cli_language())

    def out(text: str) -> None:
        console.print(text, highlight=False, markup=False)

    s, run = report.summary, report.run
    where = " / ".join(x for x in (run.round, run.side) if x)
    out(_("Run #%(id)d %(file)s under %(definition)s") % {"id": run.id, "file": run.filename,
                                                          "definition": run.definition_id}
        + (f" ({where})" if where else ""))
    out("  " + _("%(n)d rows:") % {"n": s.rows} + " "
        + ", ".join(f"{n} {_(STATUS_LABELS[k])}" for k, n in s.by_status.items()))
    for notice in run.notices:
        out("  " + _("notice:") + " " + notice_text(notice, _))
    line = _("%(matched)d matched, %(review)d to review, %(none)d not found; %(flagged)d flagged, %(twice)d listed "
             "twice; %(missing)d recognised political prisoner(s) not on the list") % {
        "matched": s.by_match["match"], "review": s.by_match["review"], "none": s.by_match["no_match"],
        "flagged": len(s.flagged), "twice": len(s.duplicates), "missing": s.missing}
    if run.held_by:
        line += " " + _("(held by %(party)s; %(n)d more held, under review or unassessed)") % {
            "party": run.held_by, "n": sum(1 for m in report.missing if m.section != "recognised")}
    out("  " + line)
    warned = [r for r in report.rows if r.context.warnings]
    for r in warned[:10]:
        out("  " + _("warning row %(row)s: %(name)s (%(person)s):") % {"row": r.id, "name": r.name,
                                                                       "person": r.person_id}
            + " " + ", ".join(_(WARNING_LABELS.get(w, w)) for w in r.context.warnings))
    for r in s.flagged[:10]:
        out("  " + _("flag row %(row)s: %(name)s (%(person)s, %(status)s):") % {
            "row": r.id, "name": r.name, "person": r.person_id, "status": _(STATUS_LABELS.get(r.status, r.status))}
            + f" {flags_text(r.flags, _)} [{', '.join(r.flag_articles)}]")
    if len(s.flagged) > 10:
        out("  " + _("... and %(n)d more flagged rows (see the report)") % {"n": len(s.flagged) - 10})
    for problem in report.problems[:10]:
        out("  " + _("note:") + " " + translate(problem, _))


def vet(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="The list: CSV, XLSX, JSONL, DOCX, PDF or TXT")],
        definition: Annotated[list[str], typer.Option("--definition", "-d", help="Definition id (see `definitions`); "
                                                      "repeat for a status column per definition, the first decides")],
        out: Annotated[list[Path] | None, typer.Option("--out", "-o", help="Report file: .html, .csv, .xlsx or "
                                                       ".pdf (repeatable)")] = None,
        round: RoundOpt = "", side: SideOpt = "",
        label: Annotated[str, typer.Option(help="A name for the run")] = "",
        map: Annotated[list[str] | None, typer.Option("--map", help="Name a column: 'HEADER=field' (name, "
                                                      "surname, given_name, patronymic, birth_date, gender, id)")] = None,
        as_json: JsonOpt = False,
        held_by: Annotated[str, typer.Option("--held-by", help="Whose custody the list concerns: RU, BY, UA, "
                                             "OCC:<region> or another state's code")] = "",
        lang: LangOpt = "") -> None:
    """Vet a list against the registry, save the run and write the report(s)."""
    st = state(ctx)
    _ = cli_gettext()
    with user_errors():
        engine = st.engine()
        with progress_bar(_("Vetting %(file)s") % {"file": file.name}) as progress:
            report = svc.vet_list(engine, path=file, definition_id=definition[0], actor=st.actor, round=round,
                                  side=side, label=label, mapping=parse_mapping(map or []), held_by=held_by,
                                  definitions=definition[1:],
                                  progress=progress)
        written = [write_report(report, path, lang=lang or cli_language()) for path in out or []]
    if as_json:
        typer.echo(json.dumps({"run": _jsonable(report.run), "summary": {
            "rows": report.summary.rows, "by_status": report.summary.by_status,
            "by_match": report.summary.by_match, "missing": report.summary.missing},
            "reports": [str(p) for p in written]}, ensure_ascii=False, indent=1))
        return
    _print_summary(report)
    if "load_registry" in report.timings or "stored_index" in report.timings:
        from kartoteka.cli.matching import print_candidates_path
        print_candidates_path("registry" if "load_registry" in report.timings else "index")
    for path in written:
        console.print(escape(_("Report: %(path)s") % {"path": path.resolve()}), highlight=False, soft_wrap=True)


@runs_app.callback(invoke_without_command=True)
def runs(ctx: typer.Context, round: Annotated[str | None, typer.Option("--round")] = None,
         side: Annotated[str | None, typer.Option("--side")] = None, as_json: JsonOpt = False) -> None:
    """List saved runs grouped by round and side (`runs show RUN` for one)."""
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        found = svc.list_runs(state(ctx).engine(), round=round, side=side)
    if as_json:
        typer.echo(json.dumps([_jsonable(r) for r in found], ensure_ascii=False, indent=1))
        return
    _ = cli_gettext()
    group: tuple[str, str] | None = None
    for r in found:
        if (r.round, r.side) != group:
            group = (r.round, r.side)
            heading = _("Round %(round)s, side %(side)s") % {"round": r.round or "-", "side": r.side or "-"}
            console.print(f"[bold]{escape(heading)}[/]", highlight=False)
        name = f"{r.label} ({r.filename})" if r.label else r.filename
        counts = _("%(rows)d rows: %(recognised)d recognised, %(unknown)d unknown, %(missing)d missing") % {
            "rows": r.rows, "recognised": r.by_status.get("recognised", 0), "unknown": r.by_status.get("unknown", 0),
            "missing": r.missing}
        console.print(escape(f"  #{r.id}  {r.at:%Y-%m-%d %H:%M}  {name}  {r.definition_id}  {counts}  ({r.actor})"),
                      highlight=False, soft_wrap=True)
    console.print(_("%(n)d run(s).") % {"n": len(found)}, highlight=False)


@runs_app.command("show")
def runs_show(ctx: typer.Context, run: Annotated[str, typer.Argument(help="Run id, 'latest' or a label")],
              as_json: JsonOpt = False) -> None:
    """One run: its summary and every row."""
    with user_errors():
        report = svc.get_run(state(ctx).engine(), run=run)
    if as_json:
        typer.echo(json.dumps({"run": _jsonable(report.run), "rows": [_jsonable(r) for r in report.rows],
                               "missing": [_jsonable(m) for m in report.missing],
                               "outcomes": [_jsonable(o) for o in report.outcomes]}, ensure_ascii=False, indent=1))
        return
    _print_summary(report)
    _ = cli_gettext()

    def word(code: str) -> str:   # a stored review, status, flag or outcome in the CLI's language
        return _(code) if code else code

    table = Table(_("id"), _("name"), _("person"), _("match"), _("score"), _("status"), _("flags"), _("dup. of"))
    for r in report.rows:
        match = _match_label(r.match, _) + (f" ({word(r.review)})" if r.review else "")
        table.add_row(escape(r.id), escape(r.name), r.person_id, escape(match), f"{r.score:.2f}", word(r.status),
                      ";".join(word(f) for f in r.flags), r.duplicate_of)
    console.print(table)
    for o in report.outcomes:
        console.print(escape("  " + _("outcome: %(person)s %(name)s %(kind)s %(date)s") % {
            "person": o.person_id, "name": o.name, "kind": word(o.kind), "date": o.date}), highlight=False)


@runs_app.command("export")
def runs_export(ctx: typer.Context, run: Annotated[str, typer.Argument(help="Run id, 'latest' or a label")],
                out: Annotated[Path, typer.Option("--out", "-o", help=".html, .csv, .xlsx or .pdf")],
                lang: LangOpt = "") -> None:
    """Write a saved run's report again (after reviews or outcomes, say)."""
    with user_errors():
        path = write_report(svc.get_run(state(ctx).engine(), run=run), out, lang=lang or cli_language())
    _ = cli_gettext()
    console.print(escape(_("Report: %(path)s") % {"path": path.resolve()}), highlight=False, soft_wrap=True)


def diff(ctx: typer.Context, run_a: Annotated[str, typer.Argument(help="The earlier run")],
         run_b: Annotated[str, typer.Argument(help="The later run")], as_json: JsonOpt = False) -> None:
    """Persons added, removed and changed between two runs (two rounds' lists)."""
    with user_errors():
        d = svc.diff_runs(state(ctx).engine(), run_a=run_a, run_b=run_b)
    if as_json:
        typer.echo(json.dumps({
            "a": d.a.id, "b": d.b.id, "unchanged": d.unchanged,
            "added": [_entry_json(e, e.after) for e in d.added],
            "removed": [_entry_json(e, e.before) for e in d.removed],
            "changed": [{"key": e.key, "person_id": e.person_id, "name": e.name, "changes": e.changes}
                        for e in d.changed],
            "newly_missing": [{"person_id": m.person_id, "name": m.name} for m in d.newly_missing],
            "no_longer_missing": [{"person_id": m.person_id, "name": m.name} for m in d.no_longer_missing]},
            ensure_ascii=False, indent=1))
        return
    _ = cli_gettext()
    console.print(_("Run #%(a)s -> run #%(b)s: %(added)d added, %(removed)d removed, %(changed)d changed, "
                    "%(unchanged)d unchanged") % {"a": d.a.id, "b": d.b.id, "added": len(d.added),
                                                  "removed": len(d.removed), "changed": len(d.changed),
                                                  "unchanged": d.unchanged}, highlight=False)
    unknown = "(" + _("unknown") + ")"
    for sign, entries in (("+", d.added), ("-", d.removed)):
        for e in entries:
            what = entry_text(e, _)
            console.print(escape(f"  {sign} {e.person_id or unknown} {e.name}" + (f": {what}" if what else "")),
                          highlight=False)
    for e in d.changed:
        console.print(escape(f"  ~ {e.person_id or unknown} {e.name}: " + "; ".join(change_text(d, _) for d in e.deltas)),
                      highlight=False)
    for title, people in ((_("Newly missing (recognised, not on the list)"), d.newly_missing),
                          (_("No longer missing"), d.no_longer_missing)):
        if people:
            console.print(escape(f"{title}: {len(people)}"), highlight=False)
            for m in people:
                console.print(escape(f"  ! {m.person_id} {m.name}"), highlight=False)


def _entry_json(e: Any, row: Any) -> dict[str, Any]:
    """An added or removed person for tools: with the row's match result, status and flags."""
    return {"key": e.key, "person_id": e.person_id, "name": e.name, "match": row.match if row else "",
            "status": row.status if row else "", "flags": list(row.flags) if row else []}


def review(ctx: typer.Context, run: Annotated[str, typer.Argument(help="Run id, 'latest' or a label")],
           row: Annotated[str, typer.Argument(help="The row's id in the report")],
           judgement: Annotated[str, typer.Argument(help="same, different or unsure")],
           person: Annotated[str | None, typer.Option(help="Another candidate than the row's (person id)")] = None
           ) -> None:
    """Record a reviewer decision on a row; later runs reuse it."""
    st = state(ctx)
    with user_errors():
        r = svc.record_review(st.engine(), run=run, row=row, judgement=judgement, actor=st.actor, person=person)
    _ = cli_gettext()
    console.print(escape(_("Row %(row)s (%(name)s): %(match)s, %(person)s, %(status)s") % {
        "row": r.id, "name": r.name, "match": _match_label(r.match, _),
        "person": r.person_id or _("no person"), "status": _(r.status) if r.status else r.status}), highlight=False)


def outcome(ctx: typer.Context, person: Annotated[str, typer.Argument(help="Person id")],
            kind: Annotated[str, typer.Argument(help="released or exchanged")],
            date: Annotated[str, typer.Option(help="When (YYYY, YYYY-MM or YYYY-MM-DD, DD.MM.YYYY)")],
            run: Annotated[str | None, typer.Option(help="The vetting run it belongs to")] = None,
            note: Annotated[str, typer.Option()] = "") -> None:
    """Record that a person was released or exchanged on a date (a status event)."""
    st = state(ctx)
    with user_errors():
        event_id = svc.record_outcome(st.engine(), person=person, kind=kind, date=date, actor=st.actor, run=run,
                                      note=note)
    _ = cli_gettext()
    console.print(escape(_("Recorded %(kind)s for %(person)s on %(date)s (event #%(event)s).") % {
        "kind": _(kind) if kind else kind, "person": person, "date": date, "event": event_id}), highlight=False)


def demo_list(ctx: typer.Context, out: Annotated[Path, typer.Option("--out", "-o")],
              size: Annotated[int, typer.Option(help="Rows in the list")] = 60,
              seed: Annotated[int, typer.Option()] = 7) -> None:
    """Write a synthetic exchange list from the registry (persons written other ways, strangers, repeats)."""
    from kartoteka.synth.lists import write_sample_list

    with user_errors():
        n = write_sample_list(state(ctx).engine(), out, size=size, seed=seed)
    _ = cli_gettext()
    console.print(escape(_("Wrote %(n)d rows to %(out)s") % {"n": n, "out": out}), highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(vet)
    app.add_typer(runs_app, name="runs")
    app.command()(diff)
    app.command()(review)
    app.command()(outcome)
    app.command("demo-list")(demo_list)

"""Criteria commands: definitions, screen, reparse-charges and the assess group."""

from __future__ import annotations

import json
from typing import Annotated, TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from kartoteka.cli.common import console, state, user_errors
from kartoteka.cli.language import cli_gettext, cli_language
from kartoteka.errors import N_, InvalidInput
from kartoteka.cli.lazy import lazy_callable, lazy_module

if TYPE_CHECKING:
    from kartoteka.catalogs import load_definitions
    from kartoteka.services import assessments as svc
    from kartoteka.services.charges import reparse_all_charges
    from kartoteka.services.screening import flag_reason, screen_persons
else:
    load_definitions = lazy_callable("kartoteka.catalogs", "load_definitions")
    svc = lazy_module("kartoteka.services.assessments")
    reparse_all_charges = lazy_callable("kartoteka.services.charges", "reparse_all_charges")
    screen_persons = lazy_callable("kartoteka.services.screening", "screen_persons")
    flag_reason = lazy_callable("kartoteka.services.screening", "flag_reason")


assess_app = typer.Typer(help="Assess a person under a definition: draft, findings, submit, approve.",
                         no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]


def definitions(as_json: JsonOpt = False) -> None:
    """List the definitions of 'political prisoner' with their criteria, exclusions and statuses."""
    with user_errors():
        defs = load_definitions()
    if as_json:
        data = [d.model_dump(mode="json") for d in defs.values()]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    _ = cli_gettext()
    combine = {"any_of": _("any of"), "all_of": _("all of")}
    preconditions = {"deprived_of_liberty": _("deprived of liberty")}

    lang = cli_language()

    def out(text: str) -> None:
        console.print(text, highlight=False, markup=False)

    for d in defs.values():
        console.print(f"[bold]{d.id}[/] v{d.version} ({d.certainty.value}): {escape(d.title_in(lang))}",
                      highlight=False)
        out("  " + _("issuer: %(issuer)s; adopted %(adopted)s; criteria %(combine)s") % {
            "issuer": d.issuer_in(lang), "adopted": d.adopted, "combine": combine.get(d.combine, d.combine)})
        if d.precondition:
            out("  " + _("precondition: %(precondition)s (checked against custody records)") % {
                "precondition": preconditions.get(d.precondition, d.precondition.replace("_", " "))})
        for c in d.criteria:
            values = {"id": c.id, "certainty": c.certainty.value, "condition": d.motive_condition,
                      "summary": c.summary_in(lang)}
            out("  " + (_("criterion %(id)s (%(certainty)s; needs %(condition)s): %(summary)s") % values
                        if c.political_motive_required and d.motive_condition
                        else _("criterion %(id)s (%(certainty)s): %(summary)s") % values))
        for c in d.conditions:
            out("  " + _("condition %(id)s (%(certainty)s, not a ground of its own): %(summary)s") % {
                "id": c.id, "certainty": c.certainty.value, "summary": c.summary_in(lang)})
        for e in d.exclusions:
            out("  " + _("exclusion %(id)s (%(certainty)s): %(summary)s") % {
                "id": e.id, "certainty": e.certainty.value, "summary": e.summary_in(lang)})
            for x in e.exceptions_in(lang):
                out("    " + _("exception (finding 'excepted'): %(exception)s") % {"exception": x})
        out("  " + _("statuses:") + " " + ", ".join(f"{s.id} (= {s.counts_as})" if s.id != s.counts_as else s.id
                                                    for s in d.statuses))


def screen(ctx: typer.Context,
           persons: Annotated[list[str] | None, typer.Argument(help="Person ids (or #internal-id)")] = None,
           all_persons: Annotated[bool, typer.Option("--all", help="Screen every person")] = False,
           as_json: JsonOpt = False) -> None:
    """Review flags per person from their charges. A flag asks for review; it never sets a status."""
    with user_errors():
        if not persons and not all_persons:
            raise InvalidInput.of(N_("name one or more persons, or use --all"))
        results = screen_persons(state(ctx).engine(), refs=None if all_persons else persons)
    if as_json:
        typer.echo(json.dumps([{"person": r.ext_id, "name": r.name, "flags": [
            {"tag": f.tag, "kind": f.kind, "articles": f.articles, "reason": f.reason} for f in r.flags]}
            for r in results], ensure_ascii=False, indent=1))
        return
    from kartoteka.reports.common import FLAG_KIND_LABELS

    _ = cli_gettext()
    english = cli_language() == "en"
    flagged = 0
    for r in results:
        if not r.flags:
            continue
        flagged += 1
        console.print(f"[bold]{escape(r.ext_id)}[/] {escape(r.name)}", highlight=False)
        for f in r.flags:
            kind = f.kind if english else _(FLAG_KIND_LABELS.get(f.kind, f.kind))   # English: the code, as before
            console.print(escape(f"  {_(f.tag)} ({kind}): " + ", ".join(f.articles)), highlight=False)
            console.print("      " + escape(flag_reason(f, _)), highlight=False, style="dim")
    console.print(_("%(n)d person(s) screened, %(flagged)d with flags.") % {"n": len(results), "flagged": flagged},
                  highlight=False)


def reparse_charges(ctx: typer.Context) -> None:
    """Parse every case's charges text again (after a parser or catalog update)."""
    st = state(ctx)
    with user_errors():
        report = reparse_all_charges(st.engine(), actor=st.actor)
    _ = cli_gettext()
    console.print(_("%(cases)d case(s), %(charges)d charge(s); %(unreadable)d case(s) with text that is not a "
                    "charge.") % {"cases": report.cases, "charges": report.charges, "unreadable": report.unreadable},
                  highlight=False)
    if report.not_in_catalog:
        top = sorted(report.not_in_catalog.items(), key=lambda kv: -kv[1])
        console.print(escape(_("Not in the catalog:") + " " + ", ".join(f"{k} ×{n}" for k, n in top)),
                      highlight=False)


@assess_app.command("create")
def assess_create(ctx: typer.Context, person: Annotated[str, typer.Argument(help="Person id")],
                  definition: Annotated[str, typer.Option("--definition", "-d", help="Definition id")],
                  rationale: Annotated[str, typer.Option(help="Why the assessment is opened")] = "") -> None:
    """Open a draft assessment of a person under a definition."""
    st = state(ctx)
    with user_errors():
        new_id = svc.create_assessment(st.engine(), person=person, definition_id=definition, actor=st.actor,
                                       rationale=rationale)
    _ = cli_gettext()
    console.print(_("Assessment #%(id)s created (draft).") % {"id": new_id}, highlight=False)


@assess_app.command("finding")
def assess_finding(ctx: typer.Context, assessment: Annotated[int, typer.Argument(help="Assessment number")],
                   criterion: Annotated[str, typer.Argument(help="Criterion or exclusion id, e.g. 1a")],
                   finding: Annotated[str, typer.Argument(
                       help="met, not_met, unclear, or excepted (an exclusion whose exception applies; --note names it)")],
                   source: Annotated[list[str] | None, typer.Option("--source", help="Source URL (repeatable)")] = None,
                   note: Annotated[str, typer.Option(help="What the sources show")] = "") -> None:
    """Record the finding on one criterion, citing its sources."""
    st = state(ctx)
    with user_errors():
        svc.record_finding(st.engine(), assessment_id=assessment, criterion_id=criterion, finding=finding,
                           actor=st.actor, note=note, cited=[svc.SourceRef(url=u) for u in source or []])
    _ = cli_gettext()
    console.print(escape(_("Assessment #%(id)s: %(criterion)s = %(finding)s.") % {
        "id": assessment, "criterion": criterion, "finding": _(finding) if finding else finding}), highlight=False)


@assess_app.command("submit")
def assess_submit(ctx: typer.Context, assessment: Annotated[int, typer.Argument(help="Assessment number")],
                  decision: Annotated[str, typer.Option("--decision", help="Proposed status, e.g. recognised")],
                  rationale: Annotated[str | None, typer.Option(help="Reasoning")] = None) -> None:
    """Submit a draft for review with a proposed decision."""
    st = state(ctx)
    with user_errors():
        svc.submit_assessment(st.engine(), assessment_id=assessment, decision=decision, actor=st.actor,
                              rationale=rationale)
    _ = cli_gettext()
    console.print(escape(_("Assessment #%(id)s submitted (%(decision)s); a second person must approve it.") % {
        "id": assessment, "decision": _(decision) if decision else decision}), highlight=False)


@assess_app.command("approve")
def assess_approve(ctx: typer.Context, assessment: Annotated[int, typer.Argument(help="Assessment number")],
                   note: Annotated[str, typer.Option(help="Reviewer's note")] = "") -> None:
    """Approve a submitted assessment (not allowed for its author)."""
    st = state(ctx)
    with user_errors():
        svc.approve_assessment(st.engine(), assessment_id=assessment, actor=st.actor, note=note)
    _ = cli_gettext()
    console.print(_("Assessment #%(id)s decided.") % {"id": assessment}, highlight=False)


@assess_app.command("return")
def assess_return(ctx: typer.Context, assessment: Annotated[int, typer.Argument(help="Assessment number")],
                  note: Annotated[str, typer.Option(help="Why it goes back")]) -> None:
    """Send a submitted assessment back to draft."""
    st = state(ctx)
    with user_errors():
        svc.return_assessment(st.engine(), assessment_id=assessment, actor=st.actor, note=note)
    _ = cli_gettext()
    console.print(_("Assessment #%(id)s returned to draft.") % {"id": assessment}, highlight=False)


@assess_app.command("show")
def assess_show(ctx: typer.Context, assessment: Annotated[int, typer.Argument(help="Assessment number")],
                as_json: JsonOpt = False) -> None:
    """An assessment with its findings, sources and history."""
    with user_errors():
        view = svc.get_assessment(state(ctx).engine(), assessment)
    a = view.assessment
    if as_json:
        typer.echo(json.dumps({"assessment": a, "person": view.person_ext_id, "findings": [vars(f) for f in view.findings],
                               "sources": view.sources, "history": view.history}, ensure_ascii=False, default=str))
        return
    _ = cli_gettext()

    def word(code: str | None) -> str:   # a stored state, decision, finding or action in the CLI's language
        return _(code) if code else "-"

    who = (_("decided by %(organisation)s (imported by %(user)s)") % {"organisation": a["origin"], "user": a["author"]}
           if a.get("origin") else
           _("author %(author)s, reviewer %(reviewer)s") % {"author": a["author"], "reviewer": a["reviewer"] or "-"})
    console.print(f"[bold]#{a['id']}[/] " + escape(
        _("person %(person)s under %(definition)s v%(version)s: %(state)s, decision %(decision)s;") % {
            "person": view.person_ext_id, "definition": a["definition_id"], "version": a["definition_version"],
            "state": word(a["state"]), "decision": word(a["decision"])} + " " + who), highlight=False)
    if a.get("statement"):
        console.print(escape("  " + _("statement: %(statement)s") % {"statement": a["statement"]}), highlight=False)
    if a["rationale"]:
        console.print(escape("  " + _("rationale: %(rationale)s") % {"rationale": a["rationale"]}), highlight=False)
    for f in view.findings:
        urls = ", ".join(s["url"] for s in f.sources) or _("no source")
        console.print(escape(f"  {f.criterion_id}: {word(f.finding)} ({urls}) {f.note}"), highlight=False)
    for s in view.sources:
        console.print(escape("  " + _("source: %(url)s") % {"url": s["url"]}), highlight=False)
    for h in view.history:
        console.print(escape(f"  {h['at']:%Y-%m-%d %H:%M} {h['actor']} {word(h['action'])} {h['field'] or ''} "
                             + (h['after'] or '')), highlight=False, style="dim")


@assess_app.command("list")
def assess_list(ctx: typer.Context,
                person: Annotated[str | None, typer.Option(help="Only this person")] = None,
                definition: Annotated[str | None, typer.Option("--definition", "-d")] = None,
                state_: Annotated[str | None, typer.Option("--state", help="draft, submitted or decided")] = None,
                as_json: JsonOpt = False) -> None:
    """List assessments, newest first."""
    with user_errors():
        rows = svc.list_assessments(state(ctx).engine(), person=person, definition_id=definition, state=state_)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    _ = cli_gettext()
    table = Table("#", _("person"), _("definition"), _("state"), _("decision"), _("author"), _("reviewer"),
                  _("decided on"))
    for r in rows:
        table.add_row(str(r["id"]), escape(r["person_ext_id"]), r["definition_id"], _(r["state"]),
                      _(r["decision"]) if r["decision"] else "", escape(r["author"]), escape(r["reviewer"] or ""),
                      str(r["decided_on"] or ""))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(definitions)
    app.command()(screen)
    app.command("reparse-charges")(reparse_charges)
    app.add_typer(assess_app, name="assess")

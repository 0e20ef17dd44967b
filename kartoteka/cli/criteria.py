"""Criteria commands: definitions, screen, reparse-charges and the assess group."""

from __future__ import annotations

import json
from typing import Annotated, TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from kartoteka.cli.common import console, state, user_errors
from kartoteka.errors import InvalidInput
from kartoteka.cli.lazy import lazy_callable, lazy_module

if TYPE_CHECKING:
    from kartoteka.catalogs import load_definitions
    from kartoteka.services import assessments as svc
    from kartoteka.services.charges import reparse_all_charges
    from kartoteka.services.screening import screen_persons
else:
    load_definitions = lazy_callable("kartoteka.catalogs", "load_definitions")
    svc = lazy_module("kartoteka.services.assessments")
    reparse_all_charges = lazy_callable("kartoteka.services.charges", "reparse_all_charges")
    screen_persons = lazy_callable("kartoteka.services.screening", "screen_persons")


assess_app = typer.Typer(help="Assess a person under a definition: draft, findings, submit, approve.",
                         no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]


def definitions(as_json: JsonOpt = False) -> None:
    """List the definitions of 'political prisoner' with their criteria, exclusions and statuses."""
    with user_errors():
        defs = load_definitions()
    if as_json:
        typer.echo(json.dumps([d.model_dump(mode="json") for d in defs.values()], ensure_ascii=False, indent=1))
        return
    for d in defs.values():
        console.print(f"[bold]{d.id}[/] v{d.version} ({d.certainty.value}): {escape(d.title)}", highlight=False)
        console.print(f"  issuer: {d.issuer}; adopted {d.adopted}; criteria {d.combine.replace('_', ' ')}",
                      highlight=False)
        if d.precondition:
            console.print(f"  precondition: {d.precondition.replace('_', ' ')} (checked against custody records)",
                          highlight=False)
        for c in d.criteria:
            needs = f"; needs {d.motive_condition}" if c.political_motive_required and d.motive_condition else ""
            console.print(f"  criterion {c.id} ({c.certainty.value}{needs}): {escape(c.summary)}", highlight=False)
        for c in d.conditions:
            console.print(f"  condition {c.id} ({c.certainty.value}, not a ground of its own): {escape(c.summary)}",
                          highlight=False)
        for e in d.exclusions:
            console.print(f"  exclusion {e.id} ({e.certainty.value}): {escape(e.summary)}", highlight=False)
            for x in e.exceptions:
                console.print(f"    exception (finding 'excepted'): {escape(x)}", highlight=False)
        console.print("  statuses: " + ", ".join(f"{s.id} (= {s.counts_as})" if s.id != s.counts_as else s.id
                                                 for s in d.statuses), highlight=False)


def screen(ctx: typer.Context,
           persons: Annotated[list[str] | None, typer.Argument(help="Person ids (or #internal-id)")] = None,
           all_persons: Annotated[bool, typer.Option("--all", help="Screen every person")] = False,
           as_json: JsonOpt = False) -> None:
    """Review flags per person from their charges. A flag asks for review; it never sets a status."""
    with user_errors():
        if not persons and not all_persons:
            raise InvalidInput("name one or more persons, or use --all")
        results = screen_persons(state(ctx).engine(), refs=None if all_persons else persons)
    if as_json:
        typer.echo(json.dumps([{"person": r.ext_id, "name": r.name, "flags": [
            {"tag": f.tag, "kind": f.kind, "articles": f.articles, "reason": f.reason} for f in r.flags]}
            for r in results], ensure_ascii=False, indent=1))
        return
    flagged = 0
    for r in results:
        if not r.flags:
            continue
        flagged += 1
        console.print(f"[bold]{escape(r.ext_id)}[/] {escape(r.name)}", highlight=False)
        for f in r.flags:
            console.print(f"  {f.tag} ({f.kind}): " + escape(", ".join(f.articles)), highlight=False)
            console.print("      " + escape(f.reason), highlight=False, style="dim")
    console.print(f"{len(results)} person(s) screened, {flagged} with flags.", highlight=False)


def reparse_charges(ctx: typer.Context) -> None:
    """Parse every case's charges text again (after a parser or catalog update)."""
    st = state(ctx)
    with user_errors():
        report = reparse_all_charges(st.engine(), actor=st.actor)
    console.print(f"{report.cases} case(s), {report.charges} charge(s); {report.unreadable} case(s) with "
                  "text that is not a charge.", highlight=False)
    if report.not_in_catalog:
        top = sorted(report.not_in_catalog.items(), key=lambda kv: -kv[1])
        console.print("Not in the catalog: " + ", ".join(f"{k} ×{n}" for k, n in top), highlight=False)


@assess_app.command("create")
def assess_create(ctx: typer.Context, person: Annotated[str, typer.Argument(help="Person id")],
                  definition: Annotated[str, typer.Option("--definition", "-d", help="Definition id")],
                  rationale: Annotated[str, typer.Option(help="Why the assessment is opened")] = "") -> None:
    """Open a draft assessment of a person under a definition."""
    st = state(ctx)
    with user_errors():
        new_id = svc.create_assessment(st.engine(), person=person, definition_id=definition, actor=st.actor,
                                       rationale=rationale)
    console.print(f"Assessment #{new_id} created (draft).", highlight=False)


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
    console.print(f"Assessment #{assessment}: {criterion} = {finding}.", highlight=False)


@assess_app.command("submit")
def assess_submit(ctx: typer.Context, assessment: Annotated[int, typer.Argument(help="Assessment number")],
                  decision: Annotated[str, typer.Option("--decision", help="Proposed status, e.g. recognised")],
                  rationale: Annotated[str | None, typer.Option(help="Reasoning")] = None) -> None:
    """Submit a draft for review with a proposed decision."""
    st = state(ctx)
    with user_errors():
        svc.submit_assessment(st.engine(), assessment_id=assessment, decision=decision, actor=st.actor,
                              rationale=rationale)
    console.print(f"Assessment #{assessment} submitted ({decision}); a second person must approve it.",
                  highlight=False)


@assess_app.command("approve")
def assess_approve(ctx: typer.Context, assessment: Annotated[int, typer.Argument(help="Assessment number")],
                   note: Annotated[str, typer.Option(help="Reviewer's note")] = "") -> None:
    """Approve a submitted assessment (not allowed for its author)."""
    st = state(ctx)
    with user_errors():
        svc.approve_assessment(st.engine(), assessment_id=assessment, actor=st.actor, note=note)
    console.print(f"Assessment #{assessment} decided.", highlight=False)


@assess_app.command("return")
def assess_return(ctx: typer.Context, assessment: Annotated[int, typer.Argument(help="Assessment number")],
                  note: Annotated[str, typer.Option(help="Why it goes back")]) -> None:
    """Send a submitted assessment back to draft."""
    st = state(ctx)
    with user_errors():
        svc.return_assessment(st.engine(), assessment_id=assessment, actor=st.actor, note=note)
    console.print(f"Assessment #{assessment} returned to draft.", highlight=False)


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
    console.print(f"[bold]#{a['id']}[/] person {escape(view.person_ext_id)} under {a['definition_id']} v{a['definition_version']}: "
                  f"{a['state']}, decision {a['decision'] or '-'}; " + escape(
                      f"decided by {a['origin']} (imported by {a['author']})" if a.get("origin")
                      else f"author {a['author']}, reviewer {a['reviewer'] or '-'}"), highlight=False)
    if a.get("statement"):
        console.print(escape(f"  statement: {a['statement']}"), highlight=False)
    if a["rationale"]:
        console.print(escape(f"  rationale: {a['rationale']}"), highlight=False)
    for f in view.findings:
        urls = ", ".join(s["url"] for s in f.sources) or "no source"
        console.print(escape(f"  {f.criterion_id}: {f.finding} ({urls}) {f.note}"), highlight=False)
    for s in view.sources:
        console.print(escape(f"  source: {s['url']}"), highlight=False)
    for h in view.history:
        console.print(f"  {h['at']:%Y-%m-%d %H:%M} {h['actor']} {h['action']} {h['field'] or ''} " + escape(h['after'] or ''),
                      highlight=False, style="dim")


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
    table = Table("#", "person", "definition", "state", "decision", "author", "reviewer", "decided")
    for r in rows:
        table.add_row(str(r["id"]), r["person_ext_id"], r["definition_id"], r["state"], r["decision"] or "",
                      r["author"], r["reviewer"], r["decided_on"] or "")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(definitions)
    app.command()(screen)
    app.command("reparse-charges")(reparse_charges)
    app.add_typer(assess_app, name="assess")

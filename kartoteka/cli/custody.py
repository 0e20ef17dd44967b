"""Custody commands: custody show/set/category/recognise, import custody/recognitions, rounds summary."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, TYPE_CHECKING

import typer
from rich.markup import escape

from kartoteka.cli.common import console, state, user_errors
from kartoteka.cli.imports import HiddenOpt, print_warnings
from kartoteka.cli.language import cli_gettext, cli_language
from kartoteka.cli.lazy import lazy_callable, lazy_module

if TYPE_CHECKING:
    from kartoteka.catalogs.custody import category_label, party_label, state_label
    from kartoteka.services import custody as svc
    from kartoteka.services.access import system_principal
    from kartoteka.services.custody_import import import_custody, import_recognitions
    from kartoteka.services.round_summary import round_summary
    from kartoteka.tabular.columns import parse_mapping
else:
    category_label = lazy_callable("kartoteka.catalogs.custody", "category_label")
    party_label = lazy_callable("kartoteka.catalogs.custody", "party_label")
    state_label = lazy_callable("kartoteka.catalogs.custody", "state_label")
    svc = lazy_module("kartoteka.services.custody")
    system_principal = lazy_callable("kartoteka.services.access", "system_principal")
    import_custody = lazy_callable("kartoteka.services.custody_import", "import_custody")
    import_recognitions = lazy_callable("kartoteka.services.custody_import", "import_recognitions")
    round_summary = lazy_callable("kartoteka.services.round_summary", "round_summary")
    parse_mapping = lazy_callable("kartoteka.tabular.columns", "parse_mapping")


custody_app = typer.Typer(help="Who holds a person: custody history, category, recognitions by others.")
rounds_app = typer.Typer(help="Negotiation rounds: what each side asked, offered, agreed and got.")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]
Person = Annotated[str, typer.Argument(help="Person id")]
MapOpt = Annotated[list[str] | None, typer.Option("--map", help="Name a column: 'HEADER=field'")]


@custody_app.command("show")
def show(ctx: typer.Context, person: Person, as_json: JsonOpt = False) -> None:
    """Custody history (newest first), categories and recognitions of a person."""
    with user_errors():
        found = svc.person_custody(state(ctx).engine(), person=person)
    if as_json:
        typer.echo(json.dumps(asdict(found), ensure_ascii=False, indent=1))
        return
    _, lang = cli_gettext(), cli_language()
    for c in found.history:
        confirmed = "  " + _("confirmed %(date)s") % {"date": c.confirmed_on} if c.confirmed_on else ""
        console.print(escape(f"{c.since or '?':10}  {party_label(c.held_by, lang)}: {state_label(c.state, lang)}"
                             f"{', ' + c.place if c.place else ''}{confirmed}{'  [' + c.source + ']' if c.source else ''}"),
                      highlight=False, soft_wrap=True)
    for cat in found.categories[:1]:
        console.print(escape(_("category: %(category)s") % {"category": category_label(cat.category, lang)}
                             + (f" ({cat.definition_id})" if cat.definition_id else "")), highlight=False)
    for r in found.recognitions:
        console.print(escape(_("recognised by %(organisation)s: %(statement)s") % {
            "organisation": r.label(), "statement": r.statement}), highlight=False, soft_wrap=True)
    if not (found.history or found.categories or found.recognitions):
        console.print(_("No custody, category or recognition recorded."), highlight=False)


@custody_app.command("set")
def set_custody(ctx: typer.Context, person: Person,
                held_by: Annotated[str, typer.Option("--held-by", help="RU, BY, UA, OCC:<region> or a state code")],
                custody_state: Annotated[str, typer.Option("--state", help="serving_sentence, pretrial, exchanged ...")],
                place: Annotated[str, typer.Option()] = "", since: Annotated[str, typer.Option()] = "",
                confirmed_on: Annotated[str, typer.Option("--confirmed-on", help="Proof of life: date")] = "",
                source: Annotated[str, typer.Option(help="URL or document")] = "",
                confirmed_source: Annotated[str, typer.Option("--confirmed-source")] = "",
                note: Annotated[str, typer.Option()] = "") -> None:
    """Record a person's custody now (the history keeps earlier records)."""
    st = state(ctx)
    with user_errors():
        new_id = svc.record_custody(st.engine(), person=person, held_by=held_by, state=custody_state,
                                    actor=st.actor, place=place, since=since, confirmed_on=confirmed_on,
                                    source=source, confirmed_source=confirmed_source, note=note)
    _ = cli_gettext()
    console.print(escape(_("Custody #%(id)s recorded for %(person)s.") % {"id": new_id, "person": person}),
                  highlight=False)


@custody_app.command("category")
def category(ctx: typer.Context, person: Person, value: Annotated[str, typer.Argument(help="A category id")],
             definition: Annotated[str, typer.Option("--definition", "-d")] = "",
             source: Annotated[str, typer.Option()] = "", note: Annotated[str, typer.Option()] = "") -> None:
    """Set a person's category (political_prisoner -d DEF, civilian_detainee, prisoner_of_war ...)."""
    st = state(ctx)
    with user_errors():
        svc.set_category(st.engine(), person=person, category=value, actor=st.actor, definition_id=definition,
                         source=source, note=note)
    console.print(escape(f"{person}: {category_label(value, cli_language())}"), highlight=False)


@custody_app.command("recognise")
def recognise(ctx: typer.Context, person: Person,
              organisation: Annotated[str, typer.Option(help="Who published it, e.g. Memorial")],
              statement: Annotated[str, typer.Option(help="URL or document of the statement")],
              date: Annotated[str, typer.Option(help="Date of the statement")],
              definition: Annotated[str, typer.Option("--definition", "-d")] = "",
              note: Annotated[str, typer.Option()] = "") -> None:
    """Record another organisation's published recognition (provenance; never a decision here)."""
    st = state(ctx)
    with user_errors():
        svc.add_recognition(st.engine(), person=person, organisation=organisation, statement=statement,
                            stated_on=date, actor=st.actor, role=system_principal(st.actor).role,
                            definition_id=definition, note=note)
    _ = cli_gettext()
    console.print(escape(_("%(person)s: recognised by %(organisation)s (%(date)s).") % {
        "person": person, "organisation": organisation, "date": date}), highlight=False)


def import_custody_cmd(ctx: typer.Context, file: Annotated[Path, typer.Argument()], map: MapOpt = None,
                       dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
                       source: Annotated[str, typer.Option(
                           "--source", help="The organisation the file comes from: its remembered --value-map "
                                            "spellings apply, and new ones are remembered")] = "",
                       value_map: Annotated[list[str] | None, typer.Option(
                           "--value-map", help="A free-text custody state or category and its value: "
                                               "'custody:в СИЗО=pretrial', 'category:военнопленный=prisoner_of_war' "
                                               "(repeatable)")] = None,
                       skip_hidden: HiddenOpt = False) -> None:
    """Import custody columns (person_id, held_by, custody, place, since, confirmed_on, source, category)."""
    st = state(ctx)
    with user_errors():
        from kartoteka.services.value_mappings import parse_value_map
        maps = parse_value_map(value_map or [])
        r = import_custody(st.engine(), file, actor=st.actor, mapping=parse_mapping(map or []), dry_run=dry_run,
                           source=source, value_map=maps, skip_hidden=skip_hidden)
    _ = cli_gettext()
    console.print(_("%(rows)d rows: %(created)d custody records, %(unchanged)d unchanged, %(categories)d "
                    "categories") % {"rows": r.rows, "created": r.created, "unchanged": r.unchanged,
                                     "categories": r.categories}
                  + (" (" + _("dry run: nothing written") + ")" if dry_run else "") + ".", highlight=False)
    print_warnings(r.warnings)


def import_recognitions_cmd(ctx: typer.Context, file: Annotated[Path, typer.Argument()], map: MapOpt = None,
                            dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
                            skip_hidden: HiddenOpt = False) -> None:
    """Import recognitions published by other organisations (person_id, organisation, statement, date)."""
    st = state(ctx)
    with user_errors():
        r = import_recognitions(st.engine(), file, actor=st.actor, role=system_principal(st.actor).role,
                                mapping=parse_mapping(map or []), dry_run=dry_run, skip_hidden=skip_hidden)
    _ = cli_gettext()
    console.print(_("%(rows)d rows: %(created)d recognitions, %(unchanged)d already recorded") % {
        "rows": r.rows, "created": r.created, "unchanged": r.unchanged}
                  + (" (" + _("dry run: nothing written") + ")" if dry_run else "") + ".", highlight=False)
    print_warnings(r.warnings)


@rounds_app.command("summary")
def summary(ctx: typer.Context, round: Annotated[str, typer.Argument(help="The round")],
            as_json: JsonOpt = False) -> None:
    """Per side: asked, offered, agreed, exchanged, released, outstanding; by category and status."""
    from kartoteka.services.round_summary import GROUPS

    with user_errors():
        found = round_summary(state(ctx).engine(), round=round)
    if as_json:
        typer.echo(json.dumps(asdict(found), ensure_ascii=False, indent=1))
        return
    _, lang = cli_gettext(), cli_language()
    heads = {   # a group of one side: how many, by category and by status
        "asked": _("asked (%(n)d): by category %(categories)s; by status %(statuses)s"),
        "offered": _("offered (%(n)d): by category %(categories)s; by status %(statuses)s"),
        "agreed": _("agreed (%(n)d): by category %(categories)s; by status %(statuses)s"),
        "exchanged": _("exchanged (%(n)d): by category %(categories)s; by status %(statuses)s"),
        "released": _("released (%(n)d): by category %(categories)s; by status %(statuses)s"),
        "outstanding": _("outstanding (%(n)d): by category %(categories)s; by status %(statuses)s")}

    def word(code: str) -> str:   # a stored status in the CLI's language
        return _(code) if code and code != "-" else code

    console.print("[bold]" + escape(_("Round %(round)s") % {"round": found.round}) + "[/] "
                  + escape(_("(%(n)d run(s))") % {"n": len(found.runs)}), highlight=False)
    for side in found.sides:
        console.print("[bold]" + escape(_("Side %(side)s") % {"side": side.side or "-"}) + "[/]: "
                      + escape(_("%(asked)d asked, %(offered)d offered, %(agreed)d agreed, %(exchanged)d exchanged, "
                                 "%(released)d released, %(outstanding)d outstanding") % side.counts()),
                      highlight=False)
        for group in GROUPS:
            people = side.groups.get(group, [])
            if not people:
                continue
            cats = ", ".join(f"{category_label(k, lang) if k != '-' else '-'} {n}"
                             for k, n in side.by(group, "category").items())
            stats = ", ".join(f"{word(k)} {n}" for k, n in side.by(group, "status").items())
            console.print(escape("  " + heads[group] % {
                "n": len(people), "categories": cats, "statuses": stats}), highlight=False)
            for p in people:
                custody = state_label(p.custody, lang) if p.custody else ""
                console.print(escape(f"    {p.person_id} {p.name}  {word(p.status)}  {custody}"), highlight=False)


@custody_app.command("synth")
def synth(ctx: typer.Context, out: Annotated[Path, typer.Option("--out", "-o", help="A directory")],
          seed: Annotated[int, typer.Option()] = 7, size: Annotated[int, typer.Option(help="Rows per list")] = 40) -> None:
    """Synthetic custody for the registry and one list from each side (custody.csv, list-ua.csv, list-ru.csv)."""
    from kartoteka.synth.custody import write_round

    with user_errors():
        paths = write_round(state(ctx).engine(), out, seed=seed, size=size)
    _ = cli_gettext()
    for path in paths.values():
        console.print(escape(_("Wrote %(path)s") % {"path": path}), highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    from kartoteka.cli import registry

    import_app: typer.Typer = vars(registry)["import_app"]   # the `kartoteka import` group, wherever it lives
    app.add_typer(custody_app, name="custody")
    app.add_typer(rounds_app, name="rounds")
    import_app.command("custody")(import_custody_cmd)
    import_app.command("recognitions")(import_recognitions_cmd)

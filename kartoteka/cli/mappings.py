"""`kartoteka mappings list|remove`: free-text values remembered per organisation (services/value_mappings)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, TYPE_CHECKING

import typer
from rich.markup import escape

from kartoteka.cli.common import console, state, user_errors
from kartoteka.cli.language import cli_gettext, cli_language
from kartoteka.cli.lazy import lazy_module

if TYPE_CHECKING:
    from kartoteka.services import value_mappings as svc
else:
    svc = lazy_module("kartoteka.services.value_mappings")

mappings_app = typer.Typer(help="Free-text values (case statuses ...) confirmed once per organisation and "
                                "applied on its next import (import cases|registry --source ORG --status-map).",
                           no_args_is_help=True)
OrgOpt = Annotated[str, typer.Option("--source", help="Only this organisation")]


@mappings_app.command("list")
def list_cmd(ctx: typer.Context, source: OrgOpt = "",
             as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """Every remembered value: organisation, vocabulary, the spelling as written, and its value."""
    with user_errors():
        found = svc.list_mappings(state(ctx).engine(), organisation=source)
    if as_json:
        typer.echo(json.dumps([{"organisation": m.organisation, "vocabulary": m.vocabulary, "raw": m.raw,
                                "value": m.value, "at": m.at.isoformat(), "actor": m.actor} for m in found],
                              ensure_ascii=False, indent=1))
        return
    _ = cli_gettext()
    label = _value_label(_, cli_language())
    for m in found:
        said = label(m.vocabulary, m.value)
        console.print(escape(f"{m.organisation}  {m.vocabulary}  '{m.raw}' = {m.value}"
                             f"{' (' + said + ')' if said != m.value else ''}  ({m.actor})"),
                      highlight=False, soft_wrap=True)
    if not found:
        console.print(_("No remembered mappings."), highlight=False)


def _value_label(gettext: Callable[[str], str], lang: str) -> Callable[[str, str], str]:
    """A remembered value as the reader's language names it (custody states and categories have their own labels)."""
    from kartoteka.catalogs.custody import category_label, state_label

    def label(vocabulary: str, value: str) -> str:
        if not value:
            return value
        if vocabulary == "custody":
            return state_label(value, lang)
        if vocabulary == "category":
            return category_label(value, lang)
        return gettext(value)
    return label


@mappings_app.command("remove")
def remove_cmd(ctx: typer.Context,
               source: Annotated[str, typer.Argument(help="The organisation")],
               raw: Annotated[str, typer.Argument(help="The spelling as written in its files")],
               vocabulary: Annotated[str, typer.Option("--vocabulary", help="case_status, custody or category")]
               = "case_status") -> None:
    """Forget one remembered spelling: the next import from that organisation asks again."""
    st = state(ctx)
    with user_errors():
        gone = svc.remove(st.engine(), organisation=source, vocabulary=vocabulary, raw=raw, actor=st.actor)
    _ = cli_gettext()
    values = {"raw": raw, "org": source, "vocabulary": vocabulary}
    if not gone:
        console.print(escape(_("No remembered '%(raw)s' for %(org)s (%(vocabulary)s).") % values), highlight=False)
        raise typer.Exit(1)
    console.print(escape(_("Forgot '%(raw)s' for %(org)s (%(vocabulary)s).") % values), highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(mappings_app, name="mappings")

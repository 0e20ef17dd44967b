"""`kartoteka index check|rebuild`: the stored name index (services/name_index.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from kartoteka.cli.common import console, err_console, state, user_errors
from kartoteka.cli.language import cli_gettext
from kartoteka.cli.lazy import lazy_module

if TYPE_CHECKING:
    from kartoteka.services import name_index as svc
else:
    svc = lazy_module("kartoteka.services.name_index")

index_app = typer.Typer(help="The stored name index the matcher finds candidates with.", no_args_is_help=True)


@index_app.command("check")
def check(ctx: typer.Context) -> None:
    """Compare the stored keys with keys computed from scratch; exit 1 when they differ."""
    _ = cli_gettext()
    with user_errors():
        found = svc.check_name_index(state(ctx).engine())
    if found.ok:
        console.print(_("Name index consistent: %(n)d persons.") % {"n": found.persons}, highlight=False)
        return
    ids = ", ".join(map(str, found.wrong[:10])) + (" …" if len(found.wrong) > 10 else "")
    err_console.print(_("Name index differs for %(n)d person(s)") % {"n": len(found.wrong)}
                      + (_(" (ids %(ids)s)") % {"ids": ids} if found.wrong else "")
                      + (_("; %(n)d surname variant(s) missing") % {"n": found.missing_variants}
                         if found.missing_variants else "")
                      + _(". Run `kartoteka index rebuild`."), highlight=False)
    raise typer.Exit(1)


@index_app.command("rebuild")
def rebuild(ctx: typer.Context) -> None:
    """Compute every person's keys from scratch."""
    with user_errors():
        n = svc.rebuild_name_index(state(ctx).engine())
    _ = cli_gettext()
    console.print(_("Name index rebuilt: %(n)d persons.") % {"n": n}, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(index_app, name="index")

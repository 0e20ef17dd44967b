"""`kartoteka index check|rebuild`: the stored name index (services/name_index.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from kartoteka.cli.common import console, err_console, state, user_errors
from kartoteka.cli.lazy import lazy_module

if TYPE_CHECKING:
    from kartoteka.services import name_index as svc
else:
    svc = lazy_module("kartoteka.services.name_index")

index_app = typer.Typer(help="The stored name index the matcher finds candidates with.", no_args_is_help=True)


@index_app.command("check")
def check(ctx: typer.Context) -> None:
    """Compare the stored keys with keys computed from scratch; exit 1 when they differ."""
    with user_errors():
        found = svc.check_name_index(state(ctx).engine())
    if found.ok:
        console.print(f"Name index consistent: {found.persons} persons.", highlight=False)
        return
    err_console.print(f"Name index differs for {len(found.wrong)} person(s)"
                      + (f" (ids {', '.join(map(str, found.wrong[:10]))}{' …' if len(found.wrong) > 10 else ''})"
                         if found.wrong else "")
                      + (f"; {found.missing_variants} surname variant(s) missing" if found.missing_variants else "")
                      + ". Run `kartoteka index rebuild`.", highlight=False)
    raise typer.Exit(1)


@index_app.command("rebuild")
def rebuild(ctx: typer.Context) -> None:
    """Compute every person's keys from scratch."""
    with user_errors():
        n = svc.rebuild_name_index(state(ctx).engine())
    console.print(f"Name index rebuilt: {n} persons.", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(index_app, name="index")

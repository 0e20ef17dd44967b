"""The ``kartoteka`` command. Each command group lives in its own module and is registered here."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from kartoteka.cli import audit as audit_cli
from kartoteka.cli import criteria, exchange, registry
from kartoteka.cli import custody as custody_cli
from kartoteka.cli import mappings as mappings_cli
from kartoteka.cli import matching as matching_cli
from kartoteka.cli import name_index as name_index_cli
from kartoteka.cli import vetting as vetting_cli
from kartoteka.cli import web as web_cli
from kartoteka.cli.common import CliState, err_console

app = typer.Typer(help="Kartoteka: registry of political prisoners and exchange-list vetting.",
                  no_args_is_help=True, pretty_exceptions_enable=False)


@app.callback()
def main(ctx: typer.Context,
         db: Annotated[str | None, typer.Option("--db", envvar="KARTOTEKA_DB",
                                                help="Database URL or SQLite file (default ./kartoteka.db)")] = None,
         actor: Annotated[str | None, typer.Option("--actor", envvar="KARTOTEKA_ACTOR",
                                                   help="Name recorded in the audit log")] = None,
         encoding: Annotated[str | None, typer.Option("--encoding", envvar="KARTOTEKA_ENCODING",
                                                      help="Encoding of the text files read (cp1251, koi8_r, "
                                                           "utf-8 ...) when detection cannot tell")] = None,
         lang: Annotated[str | None, typer.Option("--lang", help="Language of messages and reports: en, uk or ru "
                                                               "(default: KARTOTEKA_LANG, else the locale)")] = None) -> None:
    from kartoteka.settings import Settings   # here, not at import: --help does not read settings

    os.umask(0o077)  # everything Kartoteka writes is for its owner only (files 0600, folders 0700)
    from kartoteka.tabular.encoding import NAMED

    NAMED.set(encoding or None)   # every run decides afresh (tests run many commands in one process)
    from kartoteka.cli.language import CHOSEN, cli_gettext

    CHOSEN.set(lang or None)
    overrides = {k: v for k, v in {"db": db, "actor": actor}.items() if v}
    try:
        ctx.obj = CliState(Settings(**overrides))  # type: ignore[arg-type]
    except ValueError as exc:   # names the variable, never its value (it may be a secret)
        from rich.markup import escape

        from kartoteka.errors import reason_of, translate

        _ = cli_gettext()
        err_console.print(f"[bold red]{escape(_('Error:'))}[/] {escape(translate(reason_of(exc), _))}",
                          highlight=False)
        raise typer.Exit(1) from None


registry.register(app)
criteria.register(app)
web_cli.register(app)
matching_cli.register(app)
name_index_cli.register(app)
vetting_cli.register(app)
exchange.register(app)
custody_cli.register(app)
mappings_cli.register(app)
audit_cli.register(app)

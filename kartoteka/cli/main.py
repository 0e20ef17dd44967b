"""The ``kartoteka`` command. Each command group lives in its own module, named here and imported when run."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from kartoteka.cli.common import CliState, err_console
from kartoteka.cli.lazy import Modules, lazy_group
from kartoteka.cli.overview import ABOUT, OPTIONS

_OPTION_HELP = {name: text for name, _metavar, text, _env in OPTIONS}   # the overview's texts

# Each command and the module of kartoteka.cli whose register(app) adds it (then those that add
# subcommands to it), in the order --help lists them: a command imports only its own modules
# (tests/cli/test_startup.py checks this table against registering every module).
COMMANDS: dict[str, Modules] = {
    "init": "registry", "show": "registry", "history": "registry", "export": "registry", "backup": "registry",
    "restore": "registry", "synth": "registry", "definitions": "criteria", "screen": "criteria",
    "reparse-charges": "criteria", "serve": "web", "publish": "web", "match": "matching", "search": "matching",
    "duplicates": "matching", "judge": "matching", "vet": "vetting", "diff": "vetting", "review": "vetting",
    "outcome": "vetting", "demo-list": "vetting", "sign": "exchange", "verify": "exchange", "merge": "exchange",
    "claims": "exchange", "import": ("registry", "exchange", "custody"), "add": "registry", "assess": "criteria",
    "user": "web", "token": "web", "index": "name_index", "runs": "vetting", "keys": "exchange", "custody": "custody",
    "rounds": "custody", "mappings": "mappings", "audit": "audit",
}

app = typer.Typer(help=ABOUT, no_args_is_help=True, pretty_exceptions_enable=False, cls=lazy_group("kartoteka.cli", COMMANDS))


@app.callback()
def main(ctx: typer.Context,
         db: Annotated[str | None, typer.Option("--db", envvar="KARTOTEKA_DB",
                                                help=_OPTION_HELP["--db"])] = None,
         actor: Annotated[str | None, typer.Option("--actor", envvar="KARTOTEKA_ACTOR",
                                                   help=_OPTION_HELP["--actor"])] = None,
         encoding: Annotated[str | None, typer.Option("--encoding", envvar="KARTOTEKA_ENCODING",
                                                      help=_OPTION_HELP["--encoding"])] = None,
         lang: Annotated[str | None, typer.Option("--lang", help=_OPTION_HELP["--lang"])] = None) -> None:
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


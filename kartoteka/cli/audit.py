"""Audit commands: verify the hash chain of the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from kartoteka.cli.common import console, err_console, state, user_errors
from kartoteka.cli.language import cli_gettext
from kartoteka.cli.lazy import lazy_callable
from kartoteka.errors import translate

if TYPE_CHECKING:
    from kartoteka.services.auditlog import verify_audit
else:
    verify_audit = lazy_callable("kartoteka.services.auditlog", "verify_audit")


audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Check the audit log's hash chain; names the first entry that was changed, removed or inserted."""
    _ = cli_gettext()
    with user_errors():
        result = verify_audit(state(ctx).engine())
    if not result.ok:   # the problem is the chain's own text (db/chain.py); translated once it is a Message
        err_console.print("[bold red]" + escape(_("Audit log tampered with:")) + "[/] " + escape(
            _("%(problem)s; %(n)d entries before it verify") % {"problem": translate(result.problem, _),
                                                                 "n": result.entries}), highlight=False)
        raise typer.Exit(1)
    console.print(_("Audit log intact: %(n)d entries, head %(head)s") % {"n": result.entries, "head": result.head_hash},
                  highlight=False)
    if result.spooled:
        console.print(_("%(n)d readers' entries wait in the audit spool while a long write holds the database; they "
                        "join the log with the next write") % {"n": result.spooled}, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")

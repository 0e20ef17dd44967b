"""Audit commands: verify the hash chain of the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from kartoteka.cli.common import console, err_console, state, user_errors
from kartoteka.cli.lazy import lazy_callable

if TYPE_CHECKING:
    from kartoteka.services.auditlog import verify_audit
else:
    verify_audit = lazy_callable("kartoteka.services.auditlog", "verify_audit")


audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Check the audit log's hash chain; names the first entry that was changed, removed or inserted."""
    with user_errors():
        result = verify_audit(state(ctx).engine())
    if not result.ok:
        err_console.print(f"[bold red]Audit log tampered with:[/] {escape(str(result.problem))}; "
                          f"{result.entries} entries before it verify", highlight=False)
        raise typer.Exit(1)
    console.print(f"Audit log intact: {result.entries} entries, head {result.head_hash}", highlight=False)
    if result.spooled:
        console.print(f"{result.spooled} readers' entries wait in the audit spool while a long write holds the "
                      "database; they join the log with the next write", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")

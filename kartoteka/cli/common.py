"""What every command shares: the database chosen with --db, the actor, and error display."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from kartoteka.errors import KartotekaError

if TYPE_CHECKING:   # loaded when a command runs, so that --help stays fast
    from sqlalchemy import Engine

    from kartoteka.settings import Settings

console = Console(emoji=False)   # ":x:" in a name or a file is text, not an emoji
err_console = Console(stderr=True, emoji=False)
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliState:
    settings: Settings

    def engine(self, *, check_schema: bool = True) -> Engine:
        from kartoteka.db.engine import get_engine
        from kartoteka.db.schema import require_current

        engine = get_engine(self.settings.db_url)
        if check_schema:
            require_current(engine)
        return engine

    @property
    def actor(self) -> str:
        return self.settings.actor


def state(ctx: typer.Context) -> CliState:
    root = ctx.find_root()
    assert isinstance(root.obj, CliState)
    return root.obj


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a KartotekaError as a clear message and exit 1, without a traceback."""
    try:
        yield
    except KartotekaError as exc:
        from kartoteka.cli.language import cli_gettext

        _ = cli_gettext()
        err_console.print(f"[bold red]{escape(_('Error:'))}[/] {escape(error_text(exc, _))}", highlight=False,
                          markup=True, soft_wrap=True)
        sys.exit(1)


def error_text(exc: KartotekaError, gettext: Callable[[str], str]) -> str:
    """The error in the CLI's language: its headline and every row error (the first 200)."""
    from kartoteka.errors import InvalidInput, translate

    lines = [translate(exc.headline(), gettext)]
    if isinstance(exc, InvalidInput):
        lines += [f"  {e.translated(gettext)}" for e in exc.errors[:200]]
        if len(exc.errors) > 200:
            lines.append("  " + gettext("... and %(n)d more") % {"n": len(exc.errors) - 200})
    else:
        lines += str(exc).split("\n")[1:]
    return "\n".join(lines)

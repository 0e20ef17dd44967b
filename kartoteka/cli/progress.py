"""One progress bar for every long command: count, elapsed and estimated time left, on stderr.

The bar is drawn on standard error, so ``--json`` and other output on standard output stay clean; it is
not drawn when standard error is not a terminal (pipes, CI logs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

from kartoteka.cli.common import err_console

Callback = Callable[[int, int | None], None]   # total None: not known yet


def columns() -> tuple[object, ...]:
    return (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("left"), TimeRemainingColumn())


@contextmanager
def progress_bar(description: str) -> Iterator[Callback]:
    """A callback ``(done, total)`` that moves a bar with the count and the time left."""
    with Progress(*columns(), console=err_console, transient=True,  # type: ignore[arg-type]
                  disable=not err_console.is_terminal) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update

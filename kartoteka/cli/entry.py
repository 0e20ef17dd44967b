"""The ``kartoteka`` program: ``kartoteka --help`` (or no arguments) prints the overview of commands without
loading Typer (kartoteka.cli.overview); everything else goes to the Typer app of kartoteka.cli.main.

When a command is done, the program leaves at once: its output flushed and its databases closed (so a
SQLite file is whole, its write-ahead log checked in), without the interpreter's tear-down, which frees
every object the command made one by one (after a `match` against a million persons, 1.5 s of freeing
name caches nobody will read). An error's traceback, Ctrl-C and a command that never returns are left to
Python as before."""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def run() -> None:
    from kartoteka.cli.overview import print_overview, wants_overview

    args = sys.argv[1:]
    if wants_overview(args):
        print_overview(args)
        return
    from kartoteka.cli.main import app

    try:
        app()
    except SystemExit as done:
        leave(done.code)
    leave(0)


def leave(code: object) -> NoReturn:
    """Exit with ``code`` as ``sys.exit`` would (None: 0; a text: printed, 1), after closing the databases
    and flushing the output, without tearing the interpreter down."""
    from kartoteka.db.engine import dispose_engines

    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        dispose_engines()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):   # a closed pipe (`kartoteka ... | head`) or a closed stream
                pass
    os._exit(code or 0)

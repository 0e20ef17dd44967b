"""The ``kartoteka`` program: ``kartoteka --help`` (or no arguments) prints the overview of commands without
loading Typer (kartoteka.cli.overview); everything else goes to the Typer app of kartoteka.cli.main."""

from __future__ import annotations

import sys


def run() -> None:
    from kartoteka.cli.overview import print_overview, wants_overview

    args = sys.argv[1:]
    if wants_overview(args):
        print_overview(args)
        return
    from kartoteka.cli.main import app

    app()

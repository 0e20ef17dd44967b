"""``python -m kartoteka`` runs the CLI."""

from kartoteka.cli.entry import run

run()

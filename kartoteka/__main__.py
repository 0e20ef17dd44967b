"""``python -m kartoteka`` runs the CLI."""

from kartoteka.cli.main import app

app()

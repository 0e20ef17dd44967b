"""Run the ``kartoteka`` command in-process against a test database, as a user would type it."""

from __future__ import annotations

from typer.testing import CliRunner

from kartoteka.cli.main import app
from tests.conftest import Db

_runner = CliRunner()


def run_cli(db: Db, *args: str, input: str | None = None, code: int = 0, actor: str | None = None) -> str:
    """Run ``kartoteka --db DB [--actor A] ARGS``; assert the exit code and return the output."""
    prefix = ["--db", db.url] + (["--actor", actor] if actor else [])
    result = _runner.invoke(app, [*prefix, *args], input=input)
    assert result.exit_code == code, result.output
    return result.output

"""`kartoteka --help` loads no database, service or matcher module (issue 17: a fast start)."""

from __future__ import annotations

import json
import subprocess
import sys

# (the packages kartoteka.services/.db/.matching themselves are docstrings, imported to find a lazy module)
HEAVY = ("sqlalchemy", "alembic", "pydantic", "argon2", "numpy", "kartoteka.services.", "kartoteka.matching.",
         "kartoteka.db.", "kartoteka.settings", "kartoteka.reports")


def test_help_imports_nothing_heavy() -> None:
    code = ("import sys, json\nfrom kartoteka.cli.main import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(m for m in sys.modules if not type(sys.modules[m]).__name__.startswith('_Lazy'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout.splitlines()[-1])
    heavy = [m for m in loaded if m.startswith(HEAVY)]
    assert heavy == []
    assert "Usage" in done.stdout and "search" in done.stdout


def test_lazy_command_still_runs(tmp_path: object) -> None:
    from typer.testing import CliRunner

    from kartoteka.cli.main import app
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path}/k.db", "init"])
    assert result.exit_code == 0, result.output
    assert "Schema created" in result.output

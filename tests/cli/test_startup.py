"""A command's start loads what it needs (issue 17): the table of lazily built commands names every
command, and `kartoteka search` does not import the other commands, settings libraries or readers."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import typer
import typer.main

import kartoteka.cli
from kartoteka.cli.main import COMMANDS, app

# code run in a new interpreter: the kartoteka command with ARGS, then the modules it loaded (modules
# made lazily by kartoteka.cli.lazy and never used are not loaded)
_LOADED = ("import json, sys\nfrom kartoteka.cli.main import app\n"
           "try:\n    app(sys.argv[1:])\nexcept SystemExit as exc:\n    code = exc.code\n"
           "print(json.dumps([code, sorted(m for m in sys.modules "
           "if not type(sys.modules[m]).__name__.startswith('_Lazy'))]))")


def _names(cmd: Any) -> Any:
    """A command tree as nested names (a group's subcommands in their order)."""
    if not hasattr(cmd, "commands"):
        return None
    return {name: _names(cmd.commands[name]) for name in cmd.commands}


def _eager() -> Any:
    """The tree as it was built before: every module that registers commands, registered into one app."""
    eager = typer.Typer(callback=lambda: None)
    seen: list[str] = []
    for modules in COMMANDS.values():
        seen += [m for m in ((modules,) if isinstance(modules, str) else modules) if m not in seen]
    others = sorted(m.name for m in pkgutil.iter_modules(kartoteka.cli.__path__)
                    if hasattr(import_module(f"kartoteka.cli.{m.name}"), "register") and m.name not in seen)
    assert others == [], f"add the commands of {others} to COMMANDS in kartoteka/cli/main.py"
    for module in seen:
        import_module(f"kartoteka.cli.{module}").register(eager)
    return _names(typer.main.get_command(eager))


def test_the_command_table_names_every_command_as_registering_every_module_would() -> None:
    lazy = _names(typer.main.get_command(app))
    eager = _eager()
    assert set(lazy) == set(eager) and len(lazy) > 30
    assert lazy == {name: eager[name] for name in COMMANDS}      # and each group's subcommands
    assert lazy["import"] is not None and {"persons", "ftm", "recognitions"} <= set(lazy["import"])


def _loaded(*args: str, cache: Path | None = None) -> tuple[int, list[str]]:
    env = {**os.environ, "COLUMNS": "100", **({"XDG_CACHE_HOME": str(cache)} if cache else {})}
    done = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, text=True, check=True, env=env)
    code, loaded = json.loads(done.stdout.splitlines()[-1])
    return code, loaded


def test_search_imports_its_own_command_and_nothing_it_does_not_use(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'k.db'}"
    cache = tmp_path / "cache"
    assert _loaded("--db", db, "init", cache=cache)[0] in (0, None)
    assert _loaded("--db", db, "search", "Иванов", cache=cache)[0] in (0, None)   # fills the catalog cache
    code, loaded = _loaded("--db", db, "search", "Иванов", cache=cache)
    assert code in (0, None)
    assert "kartoteka.cli.matching" in loaded and "kartoteka.services.matching" in loaded   # it did search
    other_commands = [m for m in loaded if m.startswith("kartoteka.cli.") and m.rsplit(".", 1)[1] in
                      {"registry", "criteria", "web", "vetting", "exchange", "custody", "mappings", "audit",
                       "imports", "name_index"}]
    assert other_commands == []
    unneeded = ("pydantic_settings", "alembic", "charset_normalizer", "sqlalchemy.orm", "numpy", "argon2",
                "fastapi", "starlette", "jinja2", "babel", "openpyxl", "docx", "pypdf", "fpdf", "cryptography",
                "kartoteka.web", "kartoteka.reports", "kartoteka.synth", "kartoteka.cli.progress", "rich.progress",
                "yaml", "kartoteka.services.lists", "kartoteka.tabular.documents", "multiprocessing")   # the catalogs come from the cache kartoteka.yamldata keeps
    assert [m for m in loaded if m.startswith(unneeded)] == []


def test_help_does_not_read_settings_or_coerce_options() -> None:
    code, loaded = _loaded("--help")
    assert code in (0, None)
    assert "kartoteka.cli.matching" in loaded          # the help lists every command
    assert [m for m in loaded if m.startswith(("pydantic", "kartoteka.settings", "yaml"))] == []

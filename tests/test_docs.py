"""Documentation that cannot drift: the CLI reference, settings, catalog files and docs links."""

import re
from dataclasses import fields
from importlib import resources
from pathlib import Path

from kartoteka.cli.reference import render_reference
from kartoteka.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text("utf-8")
    assert committed == render_reference(), "run: .venv/bin/python -m kartoteka.cli.reference > docs/cli.md"


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text("utf-8")
    for f in fields(Settings):
        assert f"KARTOTEKA_{f.name.upper()}" in text, f.name


def test_every_yaml_catalog_opens_with_a_comment_explaining_it() -> None:
    data = resources.files("kartoteka").joinpath("data")
    files = [p for p in Path(str(data)).rglob("*.yaml")]
    assert len(files) >= 8
    for path in files:
        assert path.read_text("utf-8").lstrip().startswith("#"), path


def test_readme_starts_with_the_two_commands_and_its_links_exist() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    commands = re.findall(r"^make (\w+)", readme, flags=re.M)
    assert commands[:2] == ["demo", "test"]
    for link in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (ROOT / link).exists(), link

"""`kartoteka --help`: every command with the summary its own help gives, in en/uk/ru, printed without
loading Typer, Click, Rich or a command module (issue 17: `--help` <= 0.3 s)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from kartoteka.cli.main import COMMANDS, app
from kartoteka.cli.overview import ABOUT, OPTIONS, SUMMARIES, render, wants_overview
from kartoteka.web import i18n


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_overview_names_every_command_with_its_own_help() -> None:
    assert list(SUMMARIES) == list(COMMANDS)
    group = typer.main.get_command(app)
    for name in COMMANDS:
        first = (group.commands[name].help or "").split("\n\n")[0]   # what Typer's own help shows
        assert _flat(first) == _flat(SUMMARIES[name]), name
    assert group.help == ABOUT
    options = {p.opts[0]: p.help for p in group.params if p.help}
    for name, _metavar, text, _env in OPTIONS:
        if name in options:
            assert options[name] == text, name
    assert {"--db", "--actor", "--encoding", "--lang"} <= set(options)


def _run(*args: str, cache: Path, lang: str = "") -> tuple[str, list[str]]:
    code = ("import json, sys\nsys.argv = ['kartoteka', *sys.argv[1:]]\nfrom kartoteka.cli.entry import run\nrun()\n"
            "print(json.dumps(sorted(sys.modules)))")
    env = {**os.environ, "COLUMNS": "100", "XDG_CACHE_HOME": str(cache), "KARTOTEKA_LANG": lang}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=env)
    *page, loaded = done.stdout.splitlines()
    return "\n".join(page), json.loads(loaded)


@pytest.mark.parametrize("args", [["--help"], [], ["--lang", "en", "-h"], ["--db=x.db", "--help"]])
def test_help_loads_no_cli_framework_and_lists_every_command(args: list[str], tmp_path: Path) -> None:
    page, loaded = _run(*args, cache=tmp_path)
    assert page.startswith("Usage: kartoteka [OPTIONS] COMMAND")
    assert [m for m in loaded if m.split(".")[0] in ("typer", "click", "rich", "sqlalchemy", "babel", "pydantic")] \
        == []
    assert [m for m in loaded if m.startswith("kartoteka.cli.") and m not in
            ("kartoteka.cli.entry", "kartoteka.cli.overview", "kartoteka.cli.language")] == []
    for name in COMMANDS:
        assert re.search(rf"^  {re.escape(name)} ", page, re.M), name
    assert "Find persons by a name in any script or spelling" in _flat(page)
    assert "[env var: KARTOTEKA_DB]" in _flat(page)


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_help_speaks_the_readers_language(lang: str, tmp_path: Path) -> None:
    tr = i18n.translations(lang).gettext
    for text in [ABOUT, *SUMMARIES.values(), *(t for _n, _m, t, _e in OPTIONS)]:
        assert tr(text) != text, f"{lang}: untranslated: {text}"
    by_option, _ = _run("--lang", lang, "--help", cache=tmp_path)
    by_env, loaded = _run(cache=tmp_path, lang=lang)   # KARTOTEKA_LANG; the compiled catalog now comes cached
    assert by_option == by_env
    flat = _flat(by_option)
    for text in [ABOUT, SUMMARIES["vet"], SUMMARIES["audit"]]:
        assert _flat(tr(text)) in flat and _flat(text) not in flat
    assert "babel" not in {m.split(".")[0] for m in loaded}
    assert list((tmp_path / "kartoteka" / "catalogs").glob(f"messages-{lang}-*.marshal"))


def test_anything_but_global_options_goes_to_typer() -> None:
    assert wants_overview([]) and wants_overview(["--help"]) and wants_overview(["--lang", "uk"])
    assert wants_overview(["--db", "x.db", "--actor", "me", "-h"])
    assert not wants_overview(["search", "--help"])      # a command's own help is Typer's, with its options
    assert not wants_overview(["--lang"])                # Typer says the option needs a value
    assert not wants_overview(["--bogus", "--help"])
    assert not wants_overview(["--install-completion"])


def test_the_page_fits_the_terminal() -> None:
    page = render(lambda text: text, width=60)
    assert max(len(line) for line in page.splitlines()) <= 60 + 20   # long option names keep their column
    assert [line for line in page.splitlines() if len(line) > 60 and " " in line.strip()[25:]] == []


def test_a_changed_catalog_is_compiled_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "uk"
    folder.mkdir()
    for path in i18n.catalog_paths("uk"):
        shutil.copy(path, folder / path.name)
    monkeypatch.setattr(i18n, "catalog_paths", lambda lang: sorted(folder.glob("*.po"),
                                                                    key=lambda p: p.name != "messages.po"))
    first = i18n.compiled("uk")
    assert i18n.compiled("uk") == first
    assert len(list((tmp_path / "cache" / "kartoteka" / "catalogs").glob("messages-uk-*.marshal"))) == 1
    po = folder / "overview.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Журнал аудиту."', 'msgstr "Журнал подій."'),
                  encoding="utf-8")
    again = i18n.compiled("uk")
    assert again != first
    import gettext
    from io import BytesIO
    assert gettext.GNUTranslations(BytesIO(again)).gettext("The audit log.") == "Журнал подій."
    assert gettext.GNUTranslations(BytesIO(first)).gettext("The audit log.") == "Журнал аудиту."

"""`kartoteka COMMAND --help` in en/uk/ru: every help text of every command has both translations, and the
pages come in the language of `--lang` (which wins over KARTOTEKA_LANG) or of KARTOTEKA_LANG."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from kartoteka.cli.help_translation import help_texts, paragraphs, translate
from kartoteka.cli.main import COMMANDS, app
from kartoteka.web.i18n import catalog_paths, load_catalog, translations

# what a help page shows besides the commands' own texts (the headings, the help option)
PAGE_WORDS = ("Usage", "OPTIONS", "COMMAND", "Arguments", "Options", "Commands", "default", "env var", "required",
              "Show this message and exit.")
# what a translation keeps as written: option names, metavars and file names (FILE.sig, KEY.pub ...)
KEPT = re.compile(r"--[\w-]+|\b[A-Z][A-Z_]{2,}\b|\b\w+\.(?:csv|sig|pub|json|jsonl|yaml)\b")
ENGLISH = {"KARTOTEKA_LANG": "", "LC_ALL": "C", "COLUMNS": "250"}


def _all_help_texts() -> set[str]:
    return set(help_texts(typer.main.get_command(app))) | set(PAGE_WORDS)


def _untranslated(texts: Iterable[str], lang: str) -> list[str]:
    catalog = load_catalog(lang)
    return sorted(t for t in texts if not ((entry := catalog.get(t)) and entry.string))


def test_the_walk_reaches_every_command_and_option() -> None:
    texts = _all_help_texts()
    assert len(texts) > 200
    assert "How many persons to show" in texts                  # an option of a command
    assert "Assessment number" in texts                         # an argument of a subcommand (assess finding)
    assert "Read the current and the new password from two lines of stdin" in texts   # an option of user password
    group = typer.main.get_command(app)
    for name in COMMANDS:
        assert paragraphs(group.commands[name].help or "")[0] in texts, name


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_every_help_text_is_translated(lang: str) -> None:
    texts = _all_help_texts()
    assert _untranslated(texts, lang) == [], f"{lang}: add these to kartoteka/locale/{lang}/LC_MESSAGES/clihelp.po"
    tr = translations(lang).gettext
    for text in texts - set(PAGE_WORDS):
        kept = set(KEPT.findall(text))
        assert kept <= set(KEPT.findall(tr(text))), f"{lang}: {text!r} -> {tr(text)!r} loses {kept}"


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_the_help_catalog_repeats_no_message_of_another_catalog(lang: str) -> None:
    from babel.messages.pofile import read_po

    def ids(path: Path) -> set[str]:
        with open(path, "rb") as f:
            return {m.id for m in read_po(f, locale=lang) if isinstance(m.id, str) and m.id}

    paths = catalog_paths(lang)
    mine = ids(next(p for p in paths if p.name == "clihelp.po"))
    assert len(mine) > 150
    for path in paths:
        if path.name != "clihelp.po":
            assert mine & ids(path) == set(), path.name   # the merged catalog would keep only one of them


def test_a_new_option_without_a_translation_is_caught() -> None:
    extra = typer.Typer()

    @extra.command()
    def probe(flag: bool = typer.Option(False, "--flag", help="A brand new option nobody translated")) -> None:
        """Probe the check.

        A second paragraph, also new."""

    texts = set(help_texts(typer.main.get_command(extra)))
    assert {"A brand new option nobody translated", "A second paragraph, also new."} <= texts
    assert _untranslated(texts, "uk") == _untranslated(texts, "ru") == [
        "A brand new option nobody translated", "A second paragraph, also new.", "Probe the check."]


def test_paragraphs_are_keyed_with_their_whitespace_collapsed() -> None:
    text = """First   paragraph,
        wrapped in the source.

        Second one."""
    assert paragraphs(text) == ["First paragraph, wrapped in the source.", "Second one."]
    words = {"First paragraph, wrapped in the source.": "Перший абзац."}
    assert translate(text, lambda t: words.get(t, t)) == "Перший абзац.\n\nSecond one."


def _page(*args: str, **env: str) -> str:
    result = CliRunner().invoke(app, list(args), prog_name="kartoteka", env={**ENGLISH, **env})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.replace("│", " ").split())


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_lang_option_translates_a_command_page_and_wins_over_the_environment() -> None:
    uk = translations("uk").gettext
    page = _page("--lang", "uk", "search", "--help", KARTOTEKA_LANG="ru")
    for text in ("How many persons to show", "Only names containing the text as written",
                 'Find persons by a name in any script or spelling ("Навальный", "Alexej Nawalny").'):
        assert _flat(uk(text)) in page and text not in page
    assert "Використання: kartoteka search [ПАРАМЕТРИ]" in page
    for word in ("─ Аргументи ─", "─ Параметри ─", "[обов'язково]", "[типово: 20]", "Показати цю довідку й вийти."):
        assert word in page, word
    for word in ("Usage", "Arguments", "Options", "[required]", "[default", "Show this", "Сколько"):
        assert word not in page, word


def test_environment_translates_a_subcommand_page_and_a_group_page() -> None:
    ru = translations("ru").gettext
    page = _page("import", "persons", "--help", KARTOTEKA_LANG="ru")
    decide = ("Settle a row the matcher could not: 'ROW=PERSON_ID' or 'ROW=new'; a row that fits two persons of "
              "the sheet: 'ROW=row:N' (the person of row N) or 'ROW=new' (repeatable)")
    assert _flat(ru(decide)) in page and "Settle a row" not in page
    assert "Импортировать лиц (id, name или" in page and "Import persons" not in page
    assert "Без столбца id строки сопоставляются с реестром по имени и дате рождения." in page
    assert "Использование: kartoteka import persons [ПАРАМЕТРЫ]" in page and "[обязательно]" in page
    group = _page("--lang", "uk", "import", "--help")
    assert "Використання: kartoteka import [ПАРАМЕТРИ] КОМАНДА [ARGS]..." in group and "─ Команди ─" in group
    assert "Імпортувати осіб (id" in group and "Import persons" not in group and "Import cases" not in group
    users = _page("user", "--help", KARTOTEKA_LANG="uk")
    assert "Перелічити користувачів" in users and "List users" not in users


def test_english_pages_are_unchanged_and_a_translated_run_leaves_no_trace() -> None:
    before = _page("search", "--help")
    assert "Usage: kartoteka search [OPTIONS]" in before and "How many persons to show [default: 20]" in before
    assert "─ Arguments ─" in before and "[required]" in before
    assert _page("--lang", "ru", "search", "--help") != before
    assert _page("search", "--help") == before == _page("--lang", "en", "search", "--help", KARTOTEKA_LANG="uk")


def test_an_english_help_page_reads_no_catalog() -> None:
    code = ("import json, sys\nfrom kartoteka.cli.main import app\ntry:\n    app(sys.argv[1:])\n"
            "except SystemExit:\n    pass\nprint(json.dumps(sorted(sys.modules)))")
    env = {**os.environ, **ENGLISH}
    done = subprocess.run([sys.executable, "-c", code, "import", "persons", "--help"], capture_output=True,
                          text=True, check=True, env=env)
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert "Import persons (id, name" in done.stdout
    assert [m for m in loaded if m.startswith(("babel", "kartoteka.web"))] == []

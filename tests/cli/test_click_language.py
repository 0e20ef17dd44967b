"""Click's and Typer's own messages (usage errors, the Error panel, "Aborted.", prompts' errors) speak the run's
language (kartoteka/cli/click_language.py; catalogs locale/*/LC_MESSAGES/click.po), and an English run after a
Ukrainian one is English again.

Typer 0.28 runs on its own copy of Click (typer._click), whose messages are English f-strings: the scan below
lists every text of that copy (and of typer/core.py, _types.py, models.py outside ``_``) and fails on one that is
neither translated (SAMPLES: the message as a user sees it) nor listed as left out (NOT_SHOWN), so a Typer
upgrade that adds or rewords a message fails here. Typer's ``_``-marked messages are checked in its catalogs.
"""

from __future__ import annotations

import ast
import gettext
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from babel.messages.extract import extract_from_dir, extract_from_file

from kartoteka.cli import click_language
from kartoteka.cli.click_language import MESSAGES, MISSING, MISSING_OTHER, RICH_WORDS, USAGE_WORDS, Translator, chosen
from kartoteka.web.i18n import load_catalog
from tests.cli.runner import run_cli
from tests.conftest import Db

TYPER = Path(typer.__file__).parent
SCANNED = [*sorted((TYPER / "_click").glob("*.py")), TYPER / "core.py", TYPER / "_types.py", TYPER / "models.py"]
NOT_SCANNED = {"shell_completion.py": "shell completion only", "_winconsole.py": "the Windows console only"}

# Each text of Typer's copy of Click ({…}: a value), and a message that shows it as a user sees it.
SAMPLES = {
    "Error: {…}": "Error: Missing argument 'person'.",
    "Try '{…} {…}' for help.\n": "Usage: kartoteka show [OPTIONS] PERSON\nTry 'kartoteka show --help' for help.\n",
    "Usage: ": "Usage: kartoteka show [OPTIONS] PERSON",
    "COMMAND [ARGS]...": "Usage: kartoteka custody [OPTIONS] COMMAND [ARGS]...",
    "Invalid value for {…}: {…}": "Invalid value for '--limit': 'x' is not a valid int.",
    "Invalid value: {…}": "Invalid value: 'x' is not a valid UUID.",
    " (env var: '{…}')": "Missing option '--key' (env var: 'KARTOTEKA_SIGNING_KEY').",
    "Missing argument": "Missing argument 'person'.",
    "Missing option": "Missing option '--kind'. Choose from:\n\tcsv,\n\tjson",
    "Missing parameter": "Missing parameter 'pair'.",
    "Missing {…}": "Missing thing 'x'.",
    "Missing parameter: {…}": "Missing parameter: person",
    "No such option: {…}": "No such option: --nosuch",
    "(Possible options: {…})": "No such option: --limt (Possible options: --limit)",
    "{…}. Did you mean {…}?": "No such option: -shw. Did you mean 'show'?",
    "Could not open file {…}: {…}": "Error: Could not open file 'a.csv': unknown error",
    "unknown error": "unknown error",
    "Got unexpected extra argument(s) ({…})": "Got unexpected extra argument(s) (b c)",
    "Value must be an iterable.": "Invalid value for '--pair': Value must be an iterable.",
    "Takes {…} values but {…} given.": "Invalid value for '--pair': Takes 2 values but 3 given.",
    "Argument {…} takes {…} values.": "Argument 'pair' takes 2 values.",
    "Option {…} does not take a value.": "Option '--yes' does not take a value.",
    "Option {…} requires {…}": "Option '--limit' requires an argument.",
    "an argument.": "Option '--limit' requires an argument.",
    "{…} arguments.": "Option '--pair' requires 2 arguments.",
    "{…} is not a valid {…}.": "'x' is not a valid float.",
    "int range": "Invalid value for '--n': 'x' is not a valid int range.",
    "float range": "Invalid value for '--share': 'x' is not a valid float range.",
    "{…} is not a valid boolean. Recognized values: {…}":
        "'maybe' is not a valid boolean. Recognized values: 0, 1, false, n, no, true, y, yes",
    "{…} is not a valid UUID.": "'x' is not a valid UUID.",
    "{…} is not in the range {…}.": "Invalid value for '--n': 0 is not in the range x>=1.",
    "{…} does not match the formats {…}.": "'1.2.3' does not match the formats '%Y-%m-%d', '%Y-%m-%dT%H:%M:%S'.",
    "{…} values are required, but {…} given.": "2 values are required, but 3 given.",
    "{…} is not one of {…}.": "Invalid value for '--kind': 'x' is not one of 'csv', 'json'.",
    "Choose from:\n\t{…}": "Missing option '--kind'. Choose from:\n\tcsv,\n\tjson",
    "{…} {…} does not exist.": "Invalid value for 'FILE': File 'a.csv' does not exist.",
    "{…} {…} is a file.": "Invalid value for '--out': Directory 'a.csv' is a file.",
    "{…} {…} is a directory.": "Invalid value for 'FILE': File '/tmp' is a directory.",
    "{…} {…} is not readable.": "Invalid value for 'FILE': Path '/root/x' is not readable.",
    "{…} {…} is not writable.": "Invalid value for '--out': Path '/x' is not writable.",
    "Repeat for confirmation": "Repeat for confirmation:",   # as the prompt echoes it
    "Error: The two entered values do not match.": "Error: The two entered values do not match.",
    "Error: The value you entered was invalid.": "Error: The value you entered was invalid.",
    "Error: invalid input": "Error: invalid input",
}
# Texts of the copy that this CLI never shows a user, or that are no words to translate.
NOT_SHOWN = {
    "DeprecationWarning: The command {…} is deprecated.{…}": "deprecated commands only: this CLI has none",
    "(DEPRECATED: {…})": "deprecated commands only: this CLI has none",
    "env var: {…}": "help of an argument read from an environment variable: no argument of this CLI is",
    " clamped": "help of a clamped number range: no option of this CLI has one",
    "Show this message and exit.": "the --help option's help: translated with the help page (clihelp.po)",
    "%(label)s  [%(bar)s]  %(info)s": "a progress bar's layout, no words (the CLI draws its own progress)",
    "ipykernel.": "a module name (is this Jupyter?)",
    "Callable[..., Any]": "a type annotation",
    "str | os.PathLike[str]": "a type annotation",
    "python -m {…}": "the program's name when run as a module",
    "<unopened file '{…}' {…}>": "the repr of a lazy file",
    "~/Library/Application Support": "a macOS folder",
}
BUILTIN_ERRORS = {"TypeError", "ValueError", "RuntimeError", "NotImplementedError", "KeyError", "AttributeError"}
TOKENS = re.compile(r"\{[^{}]*\}|\[/\]|\[(?:blue|bold|red|green|yellow|cyan|magenta|dim)\]")   # fields, rich markup


def _shown(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{…}" for v in node.values)
    return None


def typer_click_texts() -> dict[str, str]:
    """Each text of a string or f-string in the scanned modules (an f-string's values as {…}) that reads as words,
    and where: not docstrings, programmers' errors (raise TypeError..., assert, warnings.warn) or ``_`` calls."""
    found: dict[str, str] = {}
    for path in SCANNED:
        if path.name in NOT_SCANNED:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        hidden: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                    or isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) \
                    and getattr(node.exc.func, "id", None) in BUILTIN_ERRORS \
                    or isinstance(node, ast.Assert) \
                    or isinstance(node, ast.Call) and "_" in (getattr(node.func, "id", None), getattr(node.func, "attr", None)) \
                    or isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "warn":
                hidden |= {id(n) for n in ast.walk(node)}
            elif isinstance(node, ast.JoinedStr):
                hidden |= {id(n) for n in ast.walk(node)} - {id(node)}
        for node in ast.walk(tree):
            text = None if id(node) in hidden else _shown(node)
            if text and re.search("[A-Za-z]{2}", text) and (" " in text or text.endswith((".", "!", "?", ":"))):
                found.setdefault(text, f"{path.relative_to(TYPER)}:{getattr(node, 'lineno', 0)}")
    return found


def typer_marked() -> set[str | tuple[str, ...]]:
    """What Typer marks with ``_`` or ``ngettext`` (typer/core.py and typer/rich_utils.py)."""
    return {m[2] if isinstance(m[2], str) else tuple(m[2])
            for m in extract_from_dir(str(TYPER), method_map=[("**.py", "python")],
                                      keywords={"_": None, "ngettext": (1, 2)})}


def _flat(text: str) -> str:
    """The output without the panel's borders, its words on one line."""
    return " ".join(text.replace("│", " ").split())


def _tokens(text: str) -> list[str]:
    return sorted(TOKENS.findall(text))


# ---- the CLI in Ukrainian and Russian

CASES = {   # a usage error: its arguments, and (its words in uk, in ru, its English words that must be gone)
    "missing argument": (["show"], "Бракує аргументу 'person'.", "Не указан аргумент 'person'.",
                         ["Missing argument", "Error", "Try '", "for help", "Usage"]),
    "unknown option": (["--nosuch"], "Немає такого параметра: --nosuch", "Нет такого параметра: --nosuch",
                       ["No such option", "Error", "Usage", "[OPTIONS]", "COMMAND"]),
    "unknown command": (["shw"], "Немає такої команди: 'shw'. Можливо, ви мали на увазі 'show'?",
                        "Нет такой команды: 'shw'. Возможно, вы имели в виду 'show'?",
                        ["No such command", "Did you mean", "Error", "Usage"]),
    "invalid integer": (["search", "--limit", "x", "Іван"],
                        "Неприпустиме значення для '--limit': 'x' не є цілим числом.",
                        "Недопустимое значение для '--limit': 'x' не является целым числом.",
                        ["Invalid value", "is not a valid", "Error", "Try '"]),
}
TITLE = {"uk": ("Помилка", "Щоб отримати довідку, виконайте", "Використання:"),
         "ru": ("Ошибка", "Чтобы получить справку, выполните", "Использование:")}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(("env", "flag", "lang"), [("uk", [], "uk"), ("ru", [], "ru"), ("uk", ["--lang", "ru"], "ru")],
                         ids=["KARTOTEKA_LANG=uk", "KARTOTEKA_LANG=ru", "--lang ru over uk"])
def test_usage_errors_in_the_runs_language(db: Db, monkeypatch: pytest.MonkeyPatch, case: str, env: str,
                                           flag: list[str], lang: str) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", env)
    args, uk, ru, english = CASES[case]
    out = _flat(run_cli(db, *flag, *args, code=2))
    assert (uk if lang == "uk" else ru) in out
    assert all(word in out for word in TITLE[lang]), out
    assert not [word for word in english if word in out], out


def test_an_english_run_after_a_ukrainian_one_is_english(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    assert "Бракує аргументу" in run_cli(db, "show", code=2)
    monkeypatch.setenv("KARTOTEKA_LANG", "en")
    out = _flat(run_cli(db, "show", code=2))
    assert "Missing argument 'person'." in out and "Error" in out and "Try 'root show --help' for help." in out
    assert not re.search("[А-Яа-яІіЇїЄєҐґ]", out), out
    out = _flat(run_cli(db, "--lang", "uk", "shw", code=2))   # --lang uk, then an English run again
    assert "Немає такої команди: 'shw'" in out
    out = _flat(run_cli(db, "shw", code=2))
    assert "No such command 'shw'. Did you mean 'show'?" in out and "Usage: root [OPTIONS] COMMAND" in out
    from typer import core, rich_utils
    from typer._click import exceptions, termui, utils

    assert core._ is gettext.gettext and exceptions.echo is utils.echo and termui.echo is utils.echo
    assert {name: getattr(rich_utils, name) for name in RICH_WORDS} == RICH_WORDS
    assert click_language._spoken == "en" and not click_language._saved


def test_a_declined_confirmation_in_russian(db: Db, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", "ru")
    out = run_cli(db, "restore", str(tmp_path / "backup.db"), input="x\nn\n", code=1)
    assert "Ошибка: недопустимый ответ (введите y или n)" in out and "Прервано." in out
    assert "invalid input" not in out and "Aborted" not in out


def test_without_rich_the_errors_are_translated_too(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer import core
    monkeypatch.setattr(core, "HAS_RICH", False)   # TYPER_USE_RICH=0: Click's own Error: lines
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    out = run_cli(db, "search", "--limit", "x", "Іван", code=2)
    assert "Помилка: Неприпустиме значення для '--limit': 'x' не є цілим числом." in out
    assert "Щоб отримати довідку, виконайте 'root search --help'." in out and "Error" not in out


def test_the_language_is_read_from_the_arguments_before_click_parses_them() -> None:
    from typer.main import get_command

    from kartoteka.cli.main import app
    root = get_command(app)
    assert chosen(root, ["--db", "sqlite://", "--lang", "ru", "show"]) == "ru"
    assert chosen(root, ["--lang=uk", "--nosuch"]) == "uk"
    assert chosen(root, ["--db", "--lang", "show"]) is None   # "--lang" is the value of --db
    assert chosen(root, ["show", "--lang", "ru"]) is None and chosen(root, []) is None


def test_an_english_run_reads_no_catalog_and_a_translated_one_imports_rich_only_to_show(tmp_path: Path) -> None:
    code = ("import sys, json\nfrom typer.testing import CliRunner\nfrom kartoteka.cli.main import app\n"
            f"r = CliRunner().invoke(app, ['--db', 'sqlite:///{tmp_path}/k.db'] + sys.argv[1:])\n"
            "print(json.dumps([r.exit_code, 'babel' in sys.modules, 'kartoteka.web.i18n' in sys.modules, "
            "'typer.rich_utils' in sys.modules]))")

    def run(lang: str, *args: str) -> list[object]:
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                              env={**os.environ, "KARTOTEKA_LANG": lang})
        return list(json.loads(done.stdout.splitlines()[-1]))

    assert run("en", "show") == [2, False, False, True]   # the panel, in English
    assert run("uk", "init")[::3] == [0, False]   # nothing to show: rich_utils not imported


# ---- every message has its translations

@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_every_text_of_typers_click_is_translated_or_left_out_for_a_reason(lang: str) -> None:
    found = typer_click_texts()
    assert "Missing argument" in found and "Usage: " in found
    new = {text: where for text, where in found.items() if text not in SAMPLES and text not in NOT_SHOWN}
    assert not new, f"texts of Typer's Click with neither a sample nor a reason: {new}"
    gone = sorted((set(SAMPLES) | set(NOT_SHOWN)) - set(found))
    assert not gone, f"no longer in Typer's Click: {gone}"
    tr = Translator(lang)
    for text, sample in SAMPLES.items():
        out = tr(sample)
        assert out != sample, (text, sample)
        words = [piece.strip() for piece in text.split("{…}") if re.search("[A-Za-z]{2}", piece)]
        assert not [w for w in words if w in out], (text, out)
        assert all(value in out for value in re.findall(r"'[^']*'", sample)), out


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_every_message_has_its_translation_with_the_same_fields(lang: str) -> None:
    catalog = load_catalog(lang)
    marked = typer_marked()
    assert "No such command {name!r}." in marked and "Error" in marked
    assert set(RICH_WORDS.values()) <= marked   # (a renamed word of rich_utils fails here)
    messages = [*marked, *MESSAGES, *MISSING.values(), MISSING_OTHER, *USAGE_WORDS, "Show this message and exit."]
    missing, changed = [], []
    for message in messages:
        msgid = message if isinstance(message, str) else message[0]
        entry = catalog.get(msgid)
        strings = ([] if entry is None else [entry.string] if isinstance(entry.string, str) else list(entry.string))
        if not strings or not all(strings):
            missing.append(message)
            continue
        want = _tokens(message if isinstance(message, str) else message[1])
        changed += [(message, s) for s in strings if _tokens(s) != want]
    assert not missing, f"{lang}: untranslated: {missing}"
    assert not changed, f"{lang}: fields or markup differ: {changed}"


def test_rich_words_are_typers() -> None:
    from typer import rich_utils

    marked = {m[1] for m in extract_from_file("python", str(TYPER / "rich_utils.py"), keywords={"_": None})}
    assert marked == set(RICH_WORDS.values())
    assert click_language._spoken == "en"
    assert {name: getattr(rich_utils, name) for name in RICH_WORDS} == RICH_WORDS


def test_what_is_left_out_is_not_in_this_cli() -> None:
    from typer.main import get_command

    from kartoteka.cli.help_translation import commands
    from kartoteka.cli.main import app
    every = list(commands(get_command(app)))
    assert not [c.name for c in every if getattr(c, "deprecated", False)]
    assert not [p.name for c in every for p in c.params if getattr(p, "deprecated", False)]
    assert not [p.name for c in every for p in c.params if p.param_type_name == "argument" and p.envvar]
    assert not [p.name for c in every for p in c.params if getattr(getattr(p, "type", None), "clamp", False)]

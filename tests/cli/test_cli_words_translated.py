"""Every word the CLI prints goes through gettext: a literal English word in what a command prints (console,
err_console, typer.echo, a table's headings and title, a progress bar's label) fails here. Together with
tests/web/test_i18n.py (every ``_()`` message has its uk and ru translation) this keeps the CLI in three
languages (cli/language.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import kartoteka.cli

CLI = Path(kartoteka.cli.__file__).parent
MARKUP = re.compile(r"\[/?[a-z ]*\]")   # rich markup such as [bold red] ... [/]
WORD = re.compile(r"[A-Za-zА-Яа-яІіЇїЄєҐґЁё]{2,}")
TRANSLATED = {"_", "gettext", "ngettext", "N_"}
PRINTERS = {"print", "echo", "progress_bar", "Table", "add_column", "Exit"}


def _literal_words(node: ast.AST) -> list[str]:
    """The words a user would read in ``node`` that were written here and not passed through gettext."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return WORD.findall(MARKUP.sub("", node.value))
    if isinstance(node, ast.JoinedStr):
        return [w for v in node.values for w in _literal_words(v.value if isinstance(v, ast.FormattedValue) else v)]
    if isinstance(node, ast.BinOp):
        left = node.left
        if isinstance(left, ast.Call) and _called(left) in TRANSLATED:   # _("... %(x)s") % {...}
            return []
        return _literal_words(left) + _literal_words(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_words(node.body) + _literal_words(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [w for v in node.values for w in _literal_words(v)]
    if isinstance(node, ast.Call):
        name = _called(node)
        if name in TRANSLATED or name in {"str", "len", "repr", "join"} and not node.args:
            return []
        if isinstance(node.func, ast.Attribute) and node.func.attr == "join":
            return [w for a in node.args for w in _literal_words(a)]
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return _literal_words(node.func.value) + [w for a in node.args for w in _literal_words(a)]
        return [w for a in [*node.args, *(k.value for k in node.keywords)] for w in _literal_words(a)]
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        return _literal_words(node.elt)
    return []


def _called(call: ast.Call) -> str:
    f = call.func
    if isinstance(f, ast.Call) and _called(f) == "cli_gettext":   # cli_gettext()("...")
        return "_"
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def untranslated(source: str, filename: str = "<cli>") -> list[str]:
    """"file:line: words" for each printing call of ``source`` with literal words outside gettext."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or _called(node) not in PRINTERS:
            continue
        if _called(node) == "print" and not (isinstance(node.func, ast.Attribute)
                                             and isinstance(node.func.value, ast.Name)
                                             and node.func.value.id.endswith("console")):
            continue
        if _called(node) == "Exit":   # typer.Exit(code): no words
            continue
        args = [*node.args, *(k.value for k in node.keywords if k.arg in ("title", "caption", "header"))]
        words = [w for a in args for w in _literal_words(a)]
        if words:
            found.append(f"{filename}:{node.lineno}: {' '.join(words)}")
    return found


def test_the_check_finds_literal_words() -> None:
    src = ('console.print(f"Wrote {n} rows to {out}")\n'
           'err_console.print("[bold red]Failed[/]: " + why)\n'
           'console.print(_("Wrote %(n)s rows") % {"n": n})\n'
           'console.print(escape(f"{a} {b}"), highlight=False)\n'
           'console.print(f"[bold]{escape(_(\'Verified\'))}[/]")\n'
           'table = Table(_("score"), "why", title=_("Pairs"))\n'
           'console.print(_("yes") if ok else "no")\n'
           'console.print(cli_gettext()("Signed: %(sig)s") % {"sig": sig})\n')
    assert untranslated(src) == ["<cli>:1: Wrote rows to", "<cli>:2: Failed", "<cli>:6: why", "<cli>:7: no"]


def test_every_printed_word_goes_through_gettext() -> None:
    found = [hit for path in sorted(CLI.glob("*.py"))
             for hit in untranslated(path.read_text(encoding="utf-8"), path.name)]
    assert not found, "printed without gettext (cli/language.py cli_gettext):\n" + "\n".join(found)

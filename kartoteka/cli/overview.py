"""``kartoteka --help`` (and ``kartoteka`` alone): the list of commands and global options, in the
reader's language (``--lang``, ``KARTOTEKA_LANG`` or the locale), printed without importing Typer, Click,
Rich or any command module: a new user's first command answers at once.

This module holds the one copy of each command's summary and each global option's help. The commands'
docstrings and ``typer.Typer(help=...)`` texts must say the same in their first paragraph
(tests/cli/test_overview.py checks it), and ``kartoteka.cli.main`` takes the options' help from here.
Each text is marked with ``N_`` so that the catalogs must translate it (tests/web/test_i18n.py).
``kartoteka COMMAND --help`` is Typer's, with the command's options.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence


def N_(text: str) -> str:   # noqa: N802 - the gettext marker for text translated where it is shown
    return text


ABOUT = N_("Kartoteka: registry of political prisoners and exchange-list vetting.")

# the global options: name, metavar, help, environment variable (the same as kartoteka.cli.main's callback)
OPTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("--db", "URL", N_("Database URL or SQLite file (default ./kartoteka.db)"), "KARTOTEKA_DB"),
    ("--actor", "NAME", N_("Name recorded in the audit log"), "KARTOTEKA_ACTOR"),
    ("--encoding", "NAME", N_("Encoding of the text files read (cp1251, koi8_r, utf-8 ...) when detection cannot "
                              "tell"), "KARTOTEKA_ENCODING"),
    ("--lang", "LANG", N_("Language of messages and reports: en, uk or ru (default: KARTOTEKA_LANG, else the "
                          "locale)"), ""),
    ("--install-completion", "", N_("Install completion for the current shell."), ""),
    ("--show-completion", "", N_("Show completion for the current shell, to copy it or customize the "
                                 "installation."), ""),
    ("--help", "", N_("Show this message and exit."), ""),
)

# every command, in the order kartoteka.cli.main.COMMANDS lists them, with the first paragraph of its help
SUMMARIES: dict[str, str] = {
    "init": N_("Create the database schema, or upgrade it to this version."),
    "show": N_("Print a person: names, cases and charges, status history, assessments and sources."),
    "history": N_("Every change to a person and their cases, events and assessments: who, when, field, before, "
                  "after."),
    "export": N_("Write persons or cases in a format that imports back unchanged (formulas neutralised)."),
    "backup": N_("Take a consistent snapshot while the database is in use."),
    "restore": N_("Replace the database contents with a backup."),
    "synth": N_("Write a synthetic registry (persons, cases, assessments) to import; no real person is in it."),
    "definitions": N_("List the definitions of 'political prisoner' with their criteria, exclusions and "
                      "statuses."),
    "screen": N_("Review flags per person from their charges. A flag asks for review; it never sets a status."),
    "reparse-charges": N_("Parse every case's charges text again (after a parser or catalog update)."),
    "serve": N_("Run the web interface and the JSON API (documented at /docs)."),
    "publish": N_("Write public persons, cases and sources, only the fields whitelisted in data/publish.yaml."),
    "match": N_("Match every row of a list (CSV, XLSX, JSON Lines) against the registry."),
    "search": N_('Find persons by a name in any script or spelling ("Навальный", "Alexej Nawalny").'),
    "duplicates": N_("List likely duplicate persons inside the registry, with explanations. The pairs are "
                     "stored: the web pages read them, and later calls rescore only the persons changed since."),
    "judge": N_("Record a human judgement: is this list name (or this other registry person) the same person?"),
    "vet": N_("Vet a list against the registry, save the run and write the report(s)."),
    "diff": N_("Persons added, removed and changed between two runs (two rounds' lists)."),
    "review": N_("Record a reviewer decision on a row; later runs reuse it."),
    "outcome": N_("Record that a person was released or exchanged on a date (a status event)."),
    "demo-list": N_("Write a synthetic exchange list from the registry (persons written other ways, strangers, "
                    "repeats)."),
    "sign": N_("Sign files: each FILE gets FILE.sig naming the signer, the time and the file's sha256."),
    "verify": N_("Check that a file is the one the organisation signed, unchanged."),
    "merge": N_("Merge two records of one person after review; every organisation's claims are kept."),
    "claims": N_("What each organisation says about a person; disagreements are marked."),
    "import": N_("Import persons, cases, assessments, or a one-sheet registry (persons and their cases) from CSV, "
                 "XLSX or JSON Lines."),
    "add": N_("Sources and the status timeline."),
    "assess": N_("Assess a person under a definition: draft, findings, submit, approve."),
    "user": N_("Users of the web interface and the API."),
    "token": N_("API tokens for scripts."),
    "index": N_("The stored name index the matcher finds candidates with."),
    "runs": N_("Saved vetting runs: list them (by round and side), show one, export it."),
    "keys": N_("The organisation's signing key (Ed25519)."),
    "custody": N_("Who holds a person: custody history, category, recognitions by others."),
    "rounds": N_("Negotiation rounds: what each side asked, offered, agreed and got."),
    "mappings": N_("Free-text values (case statuses ...) confirmed once per organisation and applied on its next "
                   "import (import cases|registry --source ORG --status-map)."),
    "audit": N_("The audit log."),
}

_HELP = ("--help", "-h")


def wants_overview(args: Sequence[str]) -> bool:
    """Whether ``kartoteka ARGS`` asks for this page: no command, only the global options and ``--help``
    (``kartoteka``, ``kartoteka --lang uk``, ``kartoteka --help``). Anything else, a command or an option
    this page does not know, goes to Typer, which answers it as before."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _HELP:
            i += 1
            continue
        name = arg.split("=", 1)[0]
        if name not in ("--db", "--actor", "--encoding", "--lang"):
            return False
        i += 1 if "=" in arg else 2
    return i == len(args)


def _lang_arg(args: Sequence[str]) -> str | None:
    for i, arg in enumerate(args):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
    return None


def _rows(rows: Sequence[tuple[str, str]], width: int) -> list[str]:
    """Two columns, the second wrapped to the terminal's width."""
    left = min(max(len(name) for name, _ in rows), 28) + 2
    out = []
    for name, text in rows:
        body = textwrap.wrap(text, max(width - left - 2, 30)) or [""]
        if len(name) + 2 > left:
            out.append(f"  {name}")
            out += [" " * (left + 2) + line for line in body]
            continue
        out.append(f"  {name.ljust(left)}{body[0]}")
        out += [" " * (left + 2) + line for line in body[1:]]
    return out


def render(_: Callable[[str], str], width: int = 80) -> str:
    """The page, translated by ``_``."""
    options = []
    for name, metavar, text, env in OPTIONS:
        shown = _(text) + (f" [{_('env var')}: {env}]" if env else "")
        options.append((f"{name} {metavar}".strip(), shown))
    lines = [f"{_('Usage')}: kartoteka [{_('OPTIONS')}] {_('COMMAND')} [ARGS]...", "",
             *textwrap.wrap(_(ABOUT), width - 2), "", f"{_('Options')}:", *_rows(options, width), "",
             f"{_('Commands')}:", *_rows([(name, _(text)) for name, text in SUMMARIES.items()], width), "",
             _("Run 'kartoteka COMMAND --help' for the options of a command."), ""]
    return "\n".join(lines)


def print_overview(args: Sequence[str]) -> None:
    from kartoteka.cli.language import cli_gettext, language_of

    width = min(shutil.get_terminal_size((100, 24)).columns, 120)
    text = render(cli_gettext(language_of(_lang_arg(args))), width)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:   # `kartoteka --help | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

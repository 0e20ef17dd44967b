"""``kartoteka COMMAND --help`` in the reader's language: ``--lang``, else ``KARTOTEKA_LANG``, else the locale.

The lazy group (kartoteka.cli.lazy) hands each command it resolves to ``localise``. When the command or
one of its subcommands writes its help page, the page comes translated: the command's help, its options' and
arguments' help, its subcommands' summaries and the headings (Usage, Arguments, Options, Commands,
[default: ...], [env var: ...], [required]). English is the source: it is left as built and no catalog is read.

The catalogs key a help text by paragraph, as Typer shows it: the text is cut at blank lines and each
paragraph's whitespace collapsed to single spaces (``paragraphs``). The translations are in
kartoteka/locale/{uk,ru}/LC_MESSAGES/clihelp.po, except each command's first paragraph, the summary that
overview.po translates (kartoteka.cli.overview.SUMMARIES); tests/cli/test_help_translation.py fails on any
help text without both.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from kartoteka.cli.language import cli_gettext, language_of

Gettext = Callable[[str], str]
_LANGUAGE = "_kartoteka_help_language"   # set on a command once localised (each run builds its own)
_TRANSLATED = "_kartoteka_help_translated"


def paragraphs(text: str) -> list[str]:
    """The catalog keys of a help text: its paragraphs, each with its whitespace normalised."""
    return [" ".join(p.split()) for p in inspect.cleandoc(text).split("\n\n") if p.strip()]


def translate(text: str, _: Gettext) -> str:
    return "\n\n".join(_(p) for p in paragraphs(text))


def commands(command: Any) -> Iterator[Any]:
    """``command`` and its subcommands at every depth (for a lazy group, this builds them all)."""
    yield command
    for name in getattr(command, "commands", ()):
        yield from commands(command.commands[name])


def help_texts(command: Any) -> Iterator[str]:
    """Each paragraph of help that the pages of ``command`` and of its subcommands show."""
    for cmd in commands(command):
        for text in (cmd.help, cmd.short_help, *(getattr(p, "help", None) for p in cmd.params)):
            if text:
                yield from paragraphs(text)


def help_language(ctx: Any) -> str:
    """The language of the run ``ctx`` belongs to: its ``--lang`` (parsed before any command is resolved),
    else the environment. Never the previous run's choice, which an in-process run may still hold."""
    params = ctx.find_root().params if ctx is not None else {}
    return language_of(params.get("lang"))


def localise(command: Any, ctx: Any) -> None:
    """Make the help pages of ``command`` and its subcommands speak the language of ``ctx``'s run. Their texts
    are translated when a page (or a usage line) is written, so a run that shows none reads no catalog."""
    if getattr(command, _LANGUAGE, None):
        return
    lang = help_language(ctx)
    setattr(command, _LANGUAGE, lang)
    if lang != "en":
        for cmd in commands(command):
            _speak(cmd, lang)


def _speak(cmd: Any, lang: str) -> None:
    """``cmd`` writes its help page and usage line in ``lang``."""
    format_help = cmd.format_help

    def localised_help(ctx: Any, formatter: Any) -> None:
        _ = cli_gettext(lang)
        for shown in (cmd, *getattr(cmd, "commands", {}).values()):   # a group's page lists its subcommands
            _translate(shown, _)
        option = cmd.get_help_option(ctx)   # made (and kept) on first use, in English
        if option is not None and option.help:
            option.help = _(option.help)
        with _headings(_):
            format_help(ctx, formatter)

    def localised_usage(ctx: Any, formatter: Any) -> None:
        _ = cli_gettext(lang)
        _translate(cmd, _)
        formatter.write_usage(ctx.command_path, " ".join(cmd.collect_usage_pieces(ctx)), prefix=f"{_('Usage')}: ")

    setattr(cmd, "format_help", localised_help)
    setattr(cmd, "format_usage", localised_usage)


def _translate(cmd: Any, _: Gettext) -> None:
    """The help of ``cmd`` and of its options and arguments, and its usage line's metavars, translated once."""
    if getattr(cmd, _TRANSLATED, False):
        return
    setattr(cmd, _TRANSLATED, True)
    for owner in (cmd, *cmd.params):
        for attr in ("help", "short_help"):
            if getattr(owner, attr, None):
                setattr(owner, attr, translate(getattr(owner, attr), _))
    if cmd.options_metavar == "[OPTIONS]":
        cmd.options_metavar = f"[{_('OPTIONS')}]"
    if getattr(cmd, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        cmd.subcommand_metavar = f"{_('COMMAND')} [ARGS]..."


@contextmanager
def _headings(_: Gettext) -> Iterator[None]:
    """Typer's help page headings in the language of ``_`` while a page is written (then English again)."""
    from typer import rich_utils

    words = {"ARGUMENTS_PANEL_TITLE": _("Arguments"), "OPTIONS_PANEL_TITLE": _("Options"),
             "COMMANDS_PANEL_TITLE": _("Commands"), "DEFAULT_STRING": f"[{_('default')}: {{}}]",
             "ENVVAR_STRING": f"[{_('env var')}: {{}}]", "REQUIRED_LONG_STRING": f"[{_('required')}]"}
    before = {name: getattr(rich_utils, name) for name in words}
    for name, text in words.items():
        setattr(rich_utils, name, text)
    try:
        yield
    finally:
        for name, text in before.items():
            setattr(rich_utils, name, text)

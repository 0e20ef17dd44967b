"""Click's and Typer's own messages in the run's language: the error panel ("Missing argument 'person'.",
"No such option: --x", "No such command 'shw'. Did you mean 'show'?", "Invalid value for '--limit': 'x' is
not a valid int."), its title, "Try 'kartoteka show --help' for help.", the usage line above it, "Aborted.", and
a prompt's "Error: invalid input" or "Error: The two entered values do not match.".

Typer 0.28 runs on its own copy of Click (typer._click, taken from Click 8.3.1; this CLI never imports the
installed click package), and that copy writes its messages as English f-strings, with no gettext to rebind.
So for a run in Ukrainian or Russian (``speaking``, around each run of the root command, kartoteka.cli.lazy):

- ``_`` of typer.core, which marks Typer's own messages ("No such command {name!r}.", "Missing command.",
  "Aborted!", help page words), is rebound to the run's catalog;
- the words of typer.rich_utils, which Typer computes once at import (the panel title "Error", "Aborted.",
  "Try '... --help' for help.", help page headings), are set from the catalog when Typer imports that module
  to show an error or a help page (a run that shows neither does not pay for importing it);
- what the copy of Click wrote is translated where it is shown: the error panel's message and usage line
  (typer.rich_utils.rich_format_error), and what typer._click.exceptions (errors without rich) and
  typer._click.termui (prompts) echo. ``Translator`` matches the English text with MESSAGES, the copy's
  messages as str.format templates, and writes the catalog's translation with the same values; a text that
  matches none (the project's own messages, already translated) is left as it is.

When the run ends, Typer's own values are back: the next run (tests run many in one process) starts from
English, and an English run changes nothing, reads no catalog and imports nothing.

Translations: locale/{uk,ru}/LC_MESSAGES/click.po, and words the help pages already use (Usage, OPTIONS,
COMMAND, Error, Options, Repeat for confirmation ...). Left in English: the answers of a yes/no question
("[y/N]": Typer accepts only y, yes, n and no), shell completion's messages, Windows console errors and the
notices of deprecated commands and options (this CLI has none). tests/cli/test_click_language.py fails on a
message of a newer Typer that is neither translated here nor listed as left out.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kartoteka.cli.language import language_of

if TYPE_CHECKING:
    from gettext import NullTranslations

Message = str | tuple[str, str]   # a msgid, or the singular and plural of one counted by {nargs}

# The words of typer.rich_utils (computed by Typer at import) and their msgids.
RICH_WORDS = {
    "DEPRECATED_STRING": "(deprecated) ", "DEFAULT_STRING": "[default: {}]", "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]", "ARGUMENTS_PANEL_TITLE": "Arguments", "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands", "ERRORS_PANEL_TITLE": "Error", "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}

# What Typer's copy of Click (and typer/core.py, typer/_types.py, typer/models.py outside ``_``) shows, as the
# English text it writes with its values as {fields}; tried in this order (a specific message before a general
# one), each matching a whole text.
MESSAGES: tuple[Message, ...] = (
    "{message} (Possible options: {possibilities})",   # (what a message ends with: before the message alone)
    "{message}. Did you mean {suggestions}?",
    "Error: The value you entered was invalid.",
    "Error: The two entered values do not match.",
    "Error: invalid input",
    "Error: {message}",
    "Try '{command} {option}' for help.",
    "Repeat for confirmation",
    "Invalid value for {param_hint}: {message}",
    "Invalid value: {message}",
    "{param_hint} (env var: '{var}')",
    "Missing parameter: {param_name}",
    "No such option: {name}",
    "Could not open file {filename!r}: {message}",
    "unknown error",
    "Got unexpected extra argument(s) ({args})",
    "Value must be an iterable.",
    "Takes {nargs} values but {len} given.",
    "Argument {name!r} takes {nargs} values.",
    "Option {name!r} does not take a value.",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    "{value!r} does not match the formats {formats}.",
    "{value!r} is not a valid int.",
    "{value!r} is not a valid float.",
    "{value!r} is not a valid int range.",
    "{value!r} is not a valid float range.",
    "{value!r} is not a valid boolean. Recognized values: {states}",
    "{value!r} is not a valid UUID.",
    "{value!r} is not a valid {type}.",
    "{value} is not in the range {range}.",
    "{len_type} values are required, but {len_value} given.",
    "{value!r} is not one of {choices}.",
    "Choose from:\n\t{choices}",
    "{kind} {filename!r} does not exist.",
    "{kind} {filename!r} is a file.",
    "{kind} {filename!r} is a directory.",
    "{kind} {filename!r} is not readable.",
    "{kind} {filename!r} is not writable.",
    "File", "Directory", "Path",   # the {kind} of a path
)
# "Missing argument 'person'.", "Missing option '--kind'. Choose from: ...": Click's words for what is missing,
# then the parameter and what the type adds.
MISSING = {"argument": "Missing argument", "option": "Missing option", "parameter": "Missing parameter"}
MISSING_OTHER = "Missing {param_type}"
USAGE_WORDS = ("Usage", "OPTIONS", "COMMAND")   # the usage line's words, as the help pages translate them

NESTED = {"message", "param_hint", "kind"}   # fields whose values are messages too, translated in turn
_SHAPES = {"nargs": r"\d+", "len": r"\d+", "kind": r"[A-Z]\w*"}   # the other fields: any text
FIELD = re.compile(r"\{(\w*)(?:![rsa])?\}")
_MISSING = re.compile(r"Missing (?P<kind>\w+)(?P<param_hint> .+?)?\.(?: (?P<message>.+))?", re.S)
_USAGE = re.compile(r"Usage: (?P<rest>.*)")   # one line


def _pattern(msgid: str) -> re.Pattern[str]:
    """The texts ``msgid`` writes: its words as they are, each field as a named group."""
    parts, last = [], 0
    for field in FIELD.finditer(msgid):
        name = field.group(1)
        parts += [re.escape(msgid[last:field.start()]), f"(?P<{name}>{_SHAPES.get(name, '.+?')})"]
        last = field.end()
    return re.compile("".join([*parts, re.escape(msgid[last:])]), re.S)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], Message], ...]:
    return tuple((_pattern(form), message) for message in MESSAGES
                 for form in ((message,) if isinstance(message, str) else message))


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with each {field} (or {field!r}) replaced by the text of its value, as it was shown."""
    return FIELD.sub(lambda field: values[field.group(1)], template)


class Translator:
    """English texts of Typer's copy of Click in ``lang`` (its catalog read when a text is first translated)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    @property
    def catalog(self) -> NullTranslations:
        from kartoteka.web.i18n import translations   # cached per language

        return translations(self.lang)

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def __call__(self, text: str) -> str:
        found = self._whole(text)
        if found is None and text.endswith(":"):   # a prompt, as echoed ("Repeat for confirmation:")
            found = self._whole(text[:-1])
            found = None if found is None else f"{found}:"
        if found is None and "\n" in text:   # the usage line and "Try ... for help." echoed together
            found = "\n".join(self(line) for line in text.split("\n"))
        return text if found is None else found

    def _whole(self, text: str) -> str | None:
        _ = self.gettext
        for pattern, message in _patterns():
            match = pattern.fullmatch(text)
            if match:
                values = {name: self._nested(name, value) for name, value in match.groupdict().items()}
                if isinstance(message, str):
                    return fill(_(message), values)
                values.setdefault("nargs", "1")   # the singular names no count
                return fill(self.catalog.ngettext(*message, int(values["nargs"])), values)
        match = _MISSING.fullmatch(text)
        if match:
            kind = match["kind"]
            words = _(MISSING[kind]) if kind in MISSING else fill(_(MISSING_OTHER), {"param_type": kind})
            hint = f" {self(match['param_hint'][1:])}" if match["param_hint"] else ""
            more = f" {self(match['message'])}" if match["message"] else ""
            return f"{words}{hint}.{more}"
        match = _USAGE.fullmatch(text)
        if match:
            rest = match["rest"].replace("[OPTIONS]", f"[{_('OPTIONS')}]")
            return f"{_('Usage')}: {rest.replace('COMMAND [ARGS]...', _('COMMAND') + ' [ARGS]...')}"
        return None

    def _nested(self, name: str, value: str) -> str:
        return self(value) if name in NESTED else value


# What a translated run changed in Typer's modules, with what was there before (put back when the run ends).
_saved: dict[tuple[ModuleType, str], Any] = {}
_spoken = "en"
_pending: list[_WhenImported] = []


def _set(module: ModuleType, name: str, value: Any) -> None:
    _saved.setdefault((module, name), getattr(module, name))
    setattr(module, name, value)


class _WhenImported:
    """A finder on sys.meta_path that leaves the import of module ``name`` to the others, then calls ``then`` on
    the module it made."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name != self.name:
            return None
        _forget_pending()
        spec = importlib.util.find_spec(name)   # by the other finders
        if spec is not None and spec.loader is not None:
            exec_module, then = spec.loader.exec_module, self.then

            def exec_then(module: ModuleType) -> None:
                exec_module(module)
                then(module)

            setattr(spec.loader, "exec_module", exec_then)   # this module's loader only
        return spec


def _forget_pending() -> None:
    for finder in _pending:
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)
    _pending.clear()


def _translating_echo(echo: Callable[..., Any], tr: Translator) -> Callable[..., Any]:
    def translated_echo(message: Any = None, *args: Any, **kwargs: Any) -> Any:
        return echo(tr(message) if isinstance(message, str) else message, *args, **kwargs)
    return translated_echo


def _translating_errors(show: Callable[[Any], None], tr: Translator) -> Callable[[Any], None]:
    """typer.rich_utils.rich_format_error showing the error's message and usage line translated."""
    def rich_format_error(error: Any) -> None:
        ctx = getattr(error, "ctx", None)
        message = error.format_message
        setattr(error, "format_message", lambda: tr(message()))
        if ctx is not None:
            usage = ctx.get_usage
            setattr(ctx, "get_usage", lambda: tr(usage()))
        try:
            show(error)
        finally:   # the instance's own methods again
            del error.format_message
            if ctx is not None:
                del ctx.get_usage
    return rich_format_error


def _speak_rich(rich_utils: ModuleType, tr: Translator) -> None:
    for name, msgid in RICH_WORDS.items():
        _set(rich_utils, name, tr.gettext(msgid))
    _set(rich_utils, "rich_format_error", _translating_errors(rich_utils.rich_format_error, tr))


def speak(lang: str) -> None:
    """From now on Typer and its Click speak ``lang`` (en: their own English)."""
    global _spoken
    if lang == _spoken:
        return
    _forget_pending()
    for (module, name), value in _saved.items():
        setattr(module, name, value)
    _saved.clear()
    _spoken = "en"
    if lang != "en":
        from typer import core
        from typer._click import exceptions, termui

        tr = Translator(lang)
        _set(core, "_", tr.gettext)
        for module in (exceptions, termui):
            _set(module, "echo", _translating_echo(module.echo, tr))
        rich_utils = sys.modules.get("typer.rich_utils")
        if rich_utils is not None:
            _speak_rich(rich_utils, tr)
        else:
            _pending.append(_WhenImported("typer.rich_utils", lambda module: _speak_rich(module, tr)))
            sys.meta_path.insert(0, _pending[-1])
        _spoken = lang


def chosen(command: Any, args: Sequence[str]) -> str | None:
    """What ``args`` give the ``--lang`` option of ``command``, read before Click parses them (so its usage errors,
    even about these options, come in that language); None when not given before the subcommand's name."""
    lang_options: set[str] = set()
    valued: set[str] = set()   # the options that take the next argument as their value
    for param in getattr(command, "params", ()):
        options = [*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())]
        if getattr(param, "name", None) == "lang":
            lang_options.update(options)
        if getattr(param, "param_type_name", "") == "option" and not getattr(param, "is_flag", False) \
                and not getattr(param, "count", False):
            valued.update(options)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--" or not arg.startswith("-"):
            return None
        name, eq, value = arg.partition("=")
        if name in lang_options:
            return value if eq else (args[i + 1] if i + 1 < len(args) else None)
        i += 2 if arg in valued else 1
    return None


@contextmanager
def speaking(command: Any, args: Sequence[str]) -> Iterator[None]:
    """While ``command`` runs with ``args``, Typer and its Click speak the run's language (its ``--lang``, else
    KARTOTEKA_LANG, else the locale); afterwards what they spoke before."""
    before = _spoken
    speak(language_of(chosen(command, args)))
    try:
        yield
    finally:
        speak(before)

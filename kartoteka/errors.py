"""The small exception tree every layer uses.

An error may carry a translatable message: ``Message(N_("%(file)s: the file is empty"), file=name)`` is a
``str`` whose value is the English text (so the CLI, logs and tests read exactly what they read before),
and which also keeps its message id and values, so the web shows it in the reader's language
(``translate``). ``NotFound.of(N_(...), ...)`` raises with such a message; a value may itself be a Message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

_E = TypeVar("_E", bound="KartotekaError")


def N_(message: str) -> str:
    """Marks a message id for the extractor (tests/web/test_i18n.py); translated where it is shown."""
    return message


def _rebuild(msgid: str, values: dict[str, object]) -> Message:
    return Message(msgid, **values)


class Message(str):
    """A message id (an English template with %(name)s placeholders) and its values; as a str, the English text."""

    msgid: str
    values: dict[str, object]

    def __new__(cls, msgid: str, /, **values: object) -> Message:
        self = super().__new__(cls, msgid % values if values else msgid)
        self.msgid, self.values = msgid, dict(values)
        return self

    def __reduce__(self) -> tuple[Callable[..., Message], tuple[str, dict[str, object]]]:
        return _rebuild, (self.msgid, self.values)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The text in the language of ``gettext``; the English text when the translation does not fit."""
        values = {k: translate(v, gettext) if isinstance(v, Message) else v for k, v in self.values.items()}
        try:
            return gettext(self.msgid) % values if values else gettext(self.msgid)
        except (KeyError, ValueError, TypeError):
            return str.__str__(self)


def reason_of(exc: BaseException) -> str:
    """An exception's message: the Message it was raised with (``ValueError(Message(...))``), else its text."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, Message) else str(exc)


def translate(text: str, gettext: Callable[[str], str]) -> str:
    """``text`` in the reader's language when it is a Message, else as it is (an English f-string of old)."""
    return text.translated(gettext) if isinstance(text, Message) else text


def message_fields(text: str) -> dict[str, Any]:
    """The JSON form of a message: its id and values (nested messages as their English text), or nothing."""
    if not isinstance(text, Message):
        return {}
    return {"message_id": text.msgid,
            "values": {k: v if isinstance(v, (int, float, bool)) or v is None else str(v)
                       for k, v in text.values.items()}}


def message_data(text: str) -> object:
    """``text`` as JSON data that keeps a Message translatable when stored (a run's reading problems):
    ``{"msgid": ..., "values": {...}}`` with nested Messages alike, or the plain text. :func:`message_of`
    reads it back."""
    if not isinstance(text, Message):
        return str(text)
    return {"msgid": text.msgid, "values": {k: message_data(v) if isinstance(v, str) else
                                            v if isinstance(v, (int, float, bool)) or v is None else str(v)
                                            for k, v in text.values.items()}}


def message_of(data: object) -> str:
    """What :func:`message_data` stored, as a Message again (a plain text, as stored before, stays text)."""
    if isinstance(data, dict) and "msgid" in data:
        values = data.get("values") or {}
        return Message(str(data["msgid"]), **{k: message_of(v) if isinstance(v, (dict, str)) else v
                                              for k, v in values.items()})
    return str(data)


# Record kinds named inside messages ("no %(entity)s '%(ref)s'"): shown in the reader's language.
_ENTITIES = {"person": N_("person"), "case": N_("case"), "source": N_("source"), "assessment": N_("assessment")}


def entity_word(entity: str) -> str:
    """A record kind (person, case ...) for a message's ``entity`` value: a Message when it has a translation."""
    word = _ENTITIES.get(entity)
    return Message(word) if word is not None else entity


class KartotekaError(Exception):
    """Base class for errors shown to users."""

    @classmethod
    def of(cls: type[_E], msgid: str, /, **values: object) -> _E:
        """The error with a translatable message: ``NotFound.of(N_("no person '%(ref)s'"), ref=ref)``."""
        return cls(Message(msgid, **values))

    def headline(self) -> str:
        """The first line of the error (a Message when it was raised with one)."""
        first = self.args[0] if self.args else ""
        if isinstance(first, Message) and "\n" not in first:
            return first
        return str(self).split("\n")[0]


class NotFound(KartotekaError):
    pass


class Conflict(KartotekaError):
    """A stale update: somebody else changed the record first."""


class Forbidden(KartotekaError):
    pass


class Unauthorized(KartotekaError):
    """Not signed in, or an API token that is unknown or revoked (HTTP 401)."""


def no_record(entity: str, record_id: object) -> NotFound:
    """The one answer for a record asked for by its internal id (``#12``) that is hidden or absent: the
    same words, id and values either way, so that an answer never tells that a hidden record exists."""
    return NotFound.of(N_("no %(entity)s #%(id)s"), entity=entity_word(entity), id=str(record_id))


_ROW_ERROR = N_("%(file)s: row %(row)d, column '%(column)s': %(reason)s")


@dataclass(frozen=True)
class RowError:
    """One problem in one cell of an input file; ``reason`` may be a Message."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: row {self.row}, column '{self.column}': {self.reason}"

    def message(self) -> Message:
        """The error as a Message (its English text is ``str(self)``), to be shown in a reader's language."""
        return Message(_ROW_ERROR, file=self.file, row=self.row, column=self.column, reason=self.reason)

    def translated(self, gettext: Callable[[str], str]) -> str:
        return self.message().translated(gettext)


class InvalidInput(KartotekaError):
    """Bad input; carries every row error found, not only the first."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        self.message = message
        self.errors: list[RowError] = list(errors or [])
        detail = "".join(f"\n  {e}" for e in self.errors[:200])
        more = f"\n  ... and {len(self.errors) - 200} more" if len(self.errors) > 200 else ""
        super().__init__(message + detail + more if detail or more else message)   # a lone Message stays one

    def headline(self) -> str:
        if isinstance(self.message, Message) and "\n" not in self.message:
            return self.message
        return str(self).split("\n")[0]


@dataclass
class ErrorCollector:
    """Collects row errors while a file is read."""

    file: str
    errors: list[RowError] = field(default_factory=list)

    def add(self, row: int, column: str, reason: str) -> None:
        self.errors.append(RowError(self.file, row, column, reason))

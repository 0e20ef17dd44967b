"""Explanations as data: each reason is a message id (English, with %(name)s placeholders) and its
values, so that a reader's language can be chosen when it is shown (kartoteka/locale/*/matching.po).
A value may itself be a reason ("close spelling (0.86)" inside "surname ... (...)"), translated too.

    render_all(result.reasons)                              # English, as MatchResult.explanation
    render_all(result.reasons, translations("uk").gettext)  # Ukrainian (kartoteka.web.i18n)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Union

Value = Union[str, "Reason"]
Reason = tuple[str, tuple[tuple[str, Value], ...]]
Gettext = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a message for extraction (tests/web/test_i18n.py); translated when rendered."""
    return message


def reason(msgid: str, **values: Value) -> Reason:
    return (msgid, tuple(values.items()))


def _same(message: str) -> str:
    return message


def render(r: Reason, gettext: Gettext = _same) -> str:
    msgid, values = r
    text = gettext(msgid)
    if not values:
        return text
    return text % {k: (render(v, gettext) if isinstance(v, tuple) else v) for k, v in values}


def render_all(reasons: Iterable[Reason], gettext: Gettext = _same) -> str:
    """Reasons joined by "; " (after a heading ending in ":", by a space)."""
    out = ""
    for r in reasons:
        text = render(r, gettext)
        if not text:
            continue
        out += ("" if not out else " " if out.endswith(":") else "; ") + text
    return out


ROLE_NAMES = {"surname": N_("surname"), "given": N_("given"), "patronymic": N_("patronymic")}


def role(name: str) -> Reason:
    return reason(ROLE_NAMES.get(name, name))


def render_each(reasons: Iterable[Reason], gettext: Gettext | None = None) -> str:
    """Reasons joined by "; ", each rendered as it is (a score's explanation: Scored.reasons), in the
    language of ``gettext`` (English without one)."""
    return "; ".join(render(r, gettext or _same) for r in reasons)


def dumps(reasons: Iterable[Reason]) -> str:
    """The reasons as JSON, to be stored and rendered later in the reader's language (:func:`loads`)."""
    import json   # (not at import: the CLI's start)

    return json.dumps(list(reasons), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> list[Reason]:
    """Reasons stored by :func:`dumps`."""
    import json

    return from_data(json.loads(text))


def from_data(data: Any) -> list[Reason]:
    """Reasons stored as JSON lists (:func:`dumps`, a vetting row's context) back as tuples; none for data of
    another shape (stored by another version: its English explanation stands)."""
    def one(x: Any) -> Reason:
        msgid, values = x
        return (msgid, tuple((k, one(v) if isinstance(v, list) else v) for k, v in values))
    try:
        return [one(x) for x in data or []]
    except (TypeError, ValueError):
        return []

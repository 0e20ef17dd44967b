"""Server-rendered pages: one Jinja2 environment (autoescape on) and the context every page gets."""

from __future__ import annotations

from importlib.resources import files
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from kartoteka.errors import KartotekaError, RowError, translate
from kartoteka.services.access import can
from kartoteka.services.users import User
from kartoteka.web.i18n import LANGUAGES, pick_language, translations
from kartoteka.web.security import CSRF_FIELD, Session
from kartoteka.services.screening import flag_facts
from kartoteka.domain.person import script_label
from kartoteka.tabular.field_labels import FIELD_LABELS


def make_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(files("kartoteka") / "web" / "templates")),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


def request_language(request: Request) -> str:
    """The reader's language: the user's choice, the session's, the browser's, then the site default."""
    session: Session | None = getattr(request.state, "session", None)
    user: User | None = getattr(request.state, "user", None)
    return pick_language(user.language if user else None, session.lang if session else None,
                         accept=request.headers.get("accept-language", ""),
                         default=request.app.state.settings.default_language)


def request_gettext(request: Request) -> Callable[[str], str]:
    """The translator of the reader's language (for messages built outside a template: errors)."""
    return translations(request_language(request)).gettext


def error_text(request: Request, exc: KartotekaError, *, limit: int = 500) -> tuple[str, list[RowError]]:
    """An error's first line and its row errors (up to ``limit``) in the reader's language."""
    gettext = request_gettext(request)
    rows = [replace(e, reason=translate(e.reason, gettext)) for e in getattr(exc, "errors", [])[:limit]]
    return translate(exc.headline(), gettext), rows


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """Render ``template`` with the user, translator, CSRF token and language switch in scope."""
    session: Session = request.state.session
    user: User | None = getattr(request.state, "user", None)
    lang = request_language(request)
    tr = translations(lang)

    def gettext(message: str) -> str:
        return tr.gettext(message) if message else message

    def field_label(code: str) -> str:   # a column's field, named in words
        return gettext(FIELD_LABELS.get(code) or code)

    env: Environment = request.app.state.jinja
    page = env.get_template(template).render(
        request=request, user=user, lang=lang, languages=LANGUAGES, csrf_field=CSRF_FIELD,
        csrf_token=session.csrf, _=gettext, ngettext=tr.ngettext,
        field_label=field_label,
        script_label=lambda script: script_label(script, gettext),   # a name's script in words (domain/person.py)
        flag_facts=lambda facts: flag_facts(facts, gettext),   # a flag's detail (services/screening.py)
        said=lambda text: translate(text, gettext),   # a Message (kartoteka.errors) in the reader's language
        tr_pairs=lambda rows: [(gettext(label), n) for label, n in rows],
        tr_keys=lambda series: {k: {gettext(s): n for s, n in v.items()} for k, v in series.items()},
        can=(lambda perm: user is not None and can(user.principal, perm)),
        path=request.url.path, **(context or {}))
    return HTMLResponse(page, status_code=status_code)

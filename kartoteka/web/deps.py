"""Request dependencies: the engine, the signed-in user, the principal, CSRF checks, the translator."""

from __future__ import annotations

import gettext
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from kartoteka.errors import N_, Forbidden, NotFound, Unauthorized
from kartoteka.services.access import Principal, require
from kartoteka.services.totp import must_enrol
from kartoteka.services.users import User, get_user, user_for_token
from kartoteka.settings import Settings
from kartoteka.web.i18n import pick_language, translations
from kartoteka.web.security import CSRF_FIELD, CSRF_HEADER, Session, csrf_ok

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    """A page needs a signed-in user; the handler redirects to the sign-in page."""


class EnrolRequired(Exception):
    """The user's role requires two-factor sign-in and the user has not turned it on yet: every page
    but the enrolment page redirects there, and the API answers 403."""


ENROL_PATHS = ("/account/totp", "/logout", "/language")


# Trivial dependencies are ``async def`` so FastAPI runs them on the event loop instead of sending each
# to the thread pool: four thread hops per request cost more than a search on two cores.
async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> Session:
    session: Session = request.state.session
    return session


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


def bearer_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def optional_user(request: Request, engine: EngineDep, session: SessionDep) -> User | None:
    """The user of a bearer token (401 when the token is bad) or of the session cookie."""
    if hasattr(request.state, "user"):
        cached: User | None = request.state.user
        return cached
    user: User | None = None
    token = bearer_token(request)
    if token is not None:
        user = user_for_token(engine, token)
        if user is None:
            raise Unauthorized.of(N_("invalid or revoked API token"))
        request.state.via_token = True
    elif session.user_id is not None:
        try:
            found = get_user(engine, user_id=session.user_id)
        except NotFound:
            found = None
        current = found is not None and found.active and found.session_version == session.version
        user = found if current else None
    request.state.user = user
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


async def api_user(request: Request, user: OptionalUser) -> User:
    if user is None:
        raise Unauthorized.of(N_("sign in or send an API token (Authorization: Bearer ...)"))
    if must_enrol(request.app.state.engine, user):
        raise Forbidden.of(N_("your role requires two-factor sign-in: turn it on at /account/totp"))
    return user


async def page_user(request: Request, user: OptionalUser) -> User:
    if user is None:
        raise LoginRequired()
    if not request.url.path.startswith(ENROL_PATHS) and must_enrol(request.app.state.engine, user):
        raise EnrolRequired()
    return user


ApiUser = Annotated[User, Depends(api_user)]
PageUser = Annotated[User, Depends(page_user)]


async def api_principal(user: ApiUser) -> Principal:
    return user.principal


async def page_principal(user: PageUser) -> Principal:
    return user.principal


ApiPrincipal = Annotated[Principal, Depends(api_principal)]
PagePrincipal = Annotated[Principal, Depends(page_principal)]


async def admin_api_principal(principal: ApiPrincipal) -> Principal:
    require(principal, "admin")
    return principal


AdminApiPrincipal = Annotated[Principal, Depends(admin_api_principal)]


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's CSRF token (form field or header),
    unless it authenticates with a bearer token, which a browser never sends by itself."""
    if request.method in SAFE_METHODS or bearer_token(request) is not None:
        return
    session: Session = request.state.session
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    if not csrf_ok(session, token):
        raise Forbidden.of(N_("missing or wrong CSRF token; reload the page and try again"))


def get_language(request: Request, user: OptionalUser, session: SessionDep, settings: SettingsDep) -> str:
    return pick_language(user.language if user else None, session.lang,
                         accept=request.headers.get("accept-language", ""), default=settings.default_language)


Language = Annotated[str, Depends(get_language)]


def get_translator(lang: Language) -> gettext.NullTranslations:
    return translations(lang)


Translator = Annotated[gettext.NullTranslations, Depends(get_translator)]

"""The web application: server-rendered pages and the JSON API under /api/, built by create_app."""

from __future__ import annotations

import os
import secrets
from importlib.resources import files
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from sqlalchemy import Engine
from sqlalchemy.exc import DataError

from kartoteka import __version__
from kartoteka.db.engine import get_engine
from kartoteka.errors import (N_, Conflict, Forbidden, InvalidInput, KartotekaError, Message, NotFound, RowError,
                              Unauthorized, message_fields, translate)
from kartoteka.services.secret_key import load_secret
from kartoteka.settings import Settings, get_settings
from kartoteka.web import api, pages
from kartoteka.web.deps import EnrolRequired, LoginRequired
from kartoteka.web.render import make_environment, render, request_gettext
from kartoteka.web import uploads
from kartoteka.web.uploads import scrub_paths
from kartoteka.web.download_audit import DownloadAuditMiddleware
from kartoteka.web.limits import BodyLimitMiddleware
from kartoteka.web.middleware import SessionMiddleware
from kartoteka.web.security import RateLimiter, SessionCodec

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, InvalidInput: 422, Unauthorized: 401}


def _status(exc: KartotekaError) -> int:
    for cls, code in STATUS.items():
        if isinstance(exc, cls):
            return code
    return 400


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    """The application for ``settings``; ``engine`` overrides the one built from ``settings.db``."""
    app = FastAPI(title="Kartoteka", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json",
                  description="JSON API of Kartoteka. Authenticate scripts with `Authorization: Bearer <token>` "
                              "(create one with `kartoteka token create`).")
    app.state.settings = settings
    app.state.engine = engine or get_engine(settings.db_url)
    app.state.jinja = make_environment()
    # No built-in secret: the configured key, or (tests, a bare create_app) a random one for this process only.
    app.state.codec = SessionCodec(load_secret(settings) or secrets.token_urlsafe(48))
    uploads.configure(settings.media_dir, settings.upload_max_age_seconds)
    app.state.login_limiter = RateLimiter(limit=max(10, settings.login_max_failures * 2), window=60)

    app.add_middleware(DownloadAuditMiddleware, engine=app.state.engine)
    app.add_middleware(SessionMiddleware, codec=app.state.codec)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)  # outermost: added last

    @app.exception_handler(KartotekaError)
    async def kartoteka_error(request: Request, exc: KartotekaError) -> Response:
        code = _status(exc)
        gettext = request_gettext(request)   # the reader's language; `detail` and `reason` stay English
        headline = exc.headline()
        detail = scrub_paths(str(headline))  # no server folder in any answer
        message = scrub_paths(translate(headline, gettext))
        row_errors: list[RowError] = list(getattr(exc, "errors", []))
        if _is_api(request):
            errors = [{"column": e.column, "row": e.row, "reason": scrub_paths(str(e.reason)),
                       "message": scrub_paths(translate(e.reason, gettext)), **message_fields(e.reason)}
                      for e in row_errors]
            return JSONResponse({"detail": detail, "message": message, **message_fields(headline),
                                 "errors": errors}, status_code=code,
                                headers={"WWW-Authenticate": "Bearer"} if code == 401 else None)
        shown = [{"column": e.column, "row": e.row, "reason": scrub_paths(translate(e.reason, gettext))}
                 for e in row_errors]
        return render(request, "error.html", {"status": code, "message": message,
                                              "errors": shown}, status_code=code)

    @app.exception_handler(DataError)
    async def bad_value(request: Request, exc: DataError) -> Response:
        """A value the database refuses (a NUL byte, a number out of range) is the client's error."""
        refused = Message(N_("a value is not acceptable to the database (control characters or a number out of "
                             "range)"))
        message = translate(refused, request_gettext(request))
        if _is_api(request):
            return JSONResponse({"detail": str(refused), "message": message, **message_fields(refused)},
                                status_code=422)
        return render(request, "error.html", {"status": 422, "message": message, "errors": []}, status_code=422)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(EnrolRequired)
    async def enrol_required(request: Request, exc: EnrolRequired) -> Response:
        return RedirectResponse("/account/totp", status_code=303)

    @app.exception_handler(StarletteHTTPException)   # also an unknown URL (Starlette's own 404)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) or request.url.path.startswith("/openapi"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        generic = exc.detail in ("Not Found", "Method Not Allowed", "Forbidden")  # Starlette's English words
        return render(request, "error.html", {"status": exc.status_code, "message": "" if generic else str(exc.detail),
                                              "errors": []}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        detail = [{"loc": list(e.get("loc", [])), "msg": str(e.get("msg", ""))} for e in exc.errors()]
        if _is_api(request):
            return JSONResponse({"detail": detail}, status_code=422)
        return render(request, "error.html", {"status": 422, "message": "", "errors": [], "fields": [
            str(d["loc"][-1]) for d in detail if d["loc"]]}, status_code=422)

    app.mount("/static", StaticFiles(directory=str(files("kartoteka") / "web" / "static")), name="static")
    for router in api.routers():
        app.include_router(router, prefix="/api")
    for router in pages.routers():
        app.include_router(router)
    return app


def app_from_env() -> FastAPI:
    """The application for the KARTOTEKA_* environment (uvicorn's factory when serving with workers)."""
    os.umask(0o077)
    return create_app(get_settings())

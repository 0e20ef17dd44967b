"""One plain ASGI middleware: the session cookie in and out, security headers, NUL refusal.

(Plain ASGI rather than Starlette's BaseHTTPMiddleware, which costs a task and a copy per request.)
"""

from __future__ import annotations

import json

from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kartoteka.web.security import (
    SECURITY_HEADERS, SESSION_COOKIE, SESSION_MAX_AGE, SessionCodec, cookie_secure,
)


class SessionMiddleware:
    def __init__(self, app: ASGIApp, codec: SessionCodec) -> None:
        self.app, self.codec = app, codec

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path", b"") + b"?" + scope.get("query_string", b"")
        if b"%00" in raw or b"\x00" in raw:
            await _refuse(send, 400, "NUL characters are not allowed")
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        session = self.codec.loads(cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE))
        scope.setdefault("state", {})["session"] = session
        static = scope["path"].startswith("/static/")
        bearer = "authorization" in headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    if key not in out:
                        out[key] = value
                if not static and "cache-control" not in out:
                    out["cache-control"] = "no-store"
                if session.changed and not bearer:
                    secure = "; Secure" if cookie_secure(headers.get("host", ""), scope.get("scheme", "http")) else ""
                    out.append("set-cookie", f"{SESSION_COOKIE}={self.codec.dumps(session)}; Max-Age={SESSION_MAX_AGE}; "
                                             f"Path=/; HttpOnly; SameSite=Lax{secure}")
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items())]})
    await send({"type": "http.response.body", "body": body})

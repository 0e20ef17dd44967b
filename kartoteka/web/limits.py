"""Request bodies are limited while they stream in: 413 before a larger body is read or stored.

A declared ``Content-Length`` over the limit is refused at once, before the application (and the
authentication, CSRF check or multipart parser) sees the request; a body without a length (chunked)
is counted as it arrives and refused when it passes the limit. Plain ASGI, outermost.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kartoteka.web.security import SECURITY_HEADERS


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope["headers"]:
            if key == b"content-length" and (not value.strip().isdigit() or int(value) > self.max_bytes):
                await _too_large(send, self.max_bytes)
                return
        seen, started, refused = 0, False, False

        async def counted() -> Message:
            """Past the limit: answer 413 and tell the application the client has gone."""
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    if not started:
                        await _too_large(send, self.max_bytes)
                    return {"type": "http.disconnect"}
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            if refused:  # the 413 is the answer; whatever the application says after it is dropped
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, watch)


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"the request is larger than {limit // (1024 * 1024) or limit} "
                                 f"{'MB' if limit >= 1024 * 1024 else 'bytes'}"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"),
                            *((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items())]})
    await send({"type": "http.response.body", "body": body})

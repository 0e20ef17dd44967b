"""Every report download is audited, in every format, from the pages and the API alike.

A plain ASGI middleware watches for a successful answer to a download address and writes the audit
entry (who, which run, which format) before the first byte of the answer leaves: when the entry
cannot be written, the download fails instead of going unrecorded.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from anyio import to_thread
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kartoteka.services.auditlog import record_event

DOWNLOADS = re.compile(r"^(?:/api)?/vetting/runs/(\d+)/report\.(html|csv|xlsx|pdf)$")


class DownloadAuditMiddleware:
    def __init__(self, app: ASGIApp, engine: Engine) -> None:
        self.app, self.engine = app, engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = DOWNLOADS.match(scope.get("path", "")) if scope["type"] == "http" else None
        if found is None or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        run_id, fmt = int(found.group(1)), found.group(2)
        signed = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("signed", [""])[-1].lower() in (
            "1", "true", "yes", "on")   # the API's report + signature ZIP

        async def audited(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                user = scope.get("state", {}).get("user")
                actor = getattr(user, "username", "-")
                via = "api" if scope["path"].startswith("/api/") else "page"
                await to_thread.run_sync(lambda: record_event(
                    self.engine, actor=actor, action="download", entity="vetting_run", entity_id=run_id,
                    detail={"format": fmt, "via": via, **({"signed": True} if signed else {})}))
            await send(message)

        await self.app(scope, receive, audited)

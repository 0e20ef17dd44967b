"""Request bodies are limited while streaming (413 before the body is read, signed in or not); uploads
are swept by age; no server folder appears in an error."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from pathlib import Path

import httpx

from kartoteka.web.uploads import scrub_paths, sweep, upload_dir
from tests.web.conftest import Web, csrf


def _run(post: Callable[[], Coroutine[Any, Any, httpx.Response]]) -> httpx.Response:
    """asyncio.run in a thread of its own: Playwright's sync API may hold this thread's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(post())).result()


def test_a_declared_large_body_is_refused_before_it_is_read(web: Web) -> None:
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(200):            # 200 MB if anyone read it all
            sent += 1
            yield b"x" * (1024 * 1024)

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=web.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            return await client.post("/api/imports", content=body(),
                                     headers={"content-length": str(200 * 1024 * 1024),
                                              "content-type": "multipart/form-data; boundary=x"})

    r = _run(post)
    assert r.status_code == 413 and sent <= 2


def test_a_chunked_body_is_cut_off_at_the_limit(web: Web) -> None:
    from kartoteka.web.app import create_app

    small = create_app(web.settings.model_copy(update={"max_request_bytes": 1024 * 1024}), engine=web.db.engine)
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(50):
            sent += 1
            yield b"x" * (256 * 1024)

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=small)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            return await client.post("/login", content=body(),
                                     headers={"content-type": "application/x-www-form-urlencoded"})

    r = _run(post)
    assert r.status_code == 413 and sent <= 6


def test_uploads_older_than_the_limit_are_swept(tmp_path: Path) -> None:
    folder = upload_dir(tmp_path) / ("a" * 32)
    folder.mkdir()
    (folder / "list.csv").write_text("id\n")
    fresh = upload_dir(tmp_path) / ("b" * 32)
    fresh.mkdir()
    old = time.time() - 7200
    os.utime(folder, (old, old))
    assert sweep(tmp_path, 3600) == 1
    assert not folder.exists() and fresh.exists()
    assert oct(upload_dir(tmp_path).stat().st_mode & 0o777) == "0o700"


def test_no_server_folder_in_an_error(web: Web) -> None:
    c = web.client("editor")
    tok = csrf(c.get("/import").text)
    r = c.post("/api/vetting/runs", data={"definition_id": "guidelines-2013"},
               files={"file": ("x.docx", b"not a document")}, headers={"x-csrf-token": tok})
    assert r.status_code == 422
    assert "uploads" not in r.text and str(web.tmp) not in r.text and "x.docx" in r.text
    assert scrub_paths("/srv/k/uploads/" + "c" * 32 + "/l.csv: row 2") == "l.csv: row 2"


def test_a_preview_that_fails_leaves_no_upload_behind(web: Web) -> None:
    c = web.client("editor")
    r = c.post("/import/preview", data={"kind": "persons", "csrf_token": csrf(c.get("/import").text)},
               files={"file": ("broken.xlsx", b"not a workbook")})
    assert r.status_code == 422
    assert not [p for p in upload_dir(web.settings.media_dir).iterdir()]

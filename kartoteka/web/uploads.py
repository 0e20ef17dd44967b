"""Uploaded files kept between the steps of a page flow (preview, dry run, commit), under media_dir."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from fastapi import UploadFile

from kartoteka.errors import InvalidInput, NotFound

MAX_BYTES = 50 * 1024 * 1024
ALLOWED = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".jsonl", ".ndjson", ".json", ".docx", ".pdf")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_UNSAFE = re.compile(r"[^\w.\- ]+")


def upload_dir(media_dir: Path) -> Path:
    d = media_dir / "uploads"
    d.mkdir(parents=True, exist_ok=True)
    return d


async def save_upload(media_dir: Path, upload: UploadFile) -> str:
    """Store an upload under a random name; returns the name (the token the next step sends back)."""
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in ALLOWED:
        raise InvalidInput(f"'{upload.filename}': unsupported file type (use {', '.join(ALLOWED)})")
    data = await upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"'{upload.filename}' is larger than {MAX_BYTES // 1024 // 1024} MB")
    if not data:
        raise InvalidInput(f"'{upload.filename}' is empty")
    token = secrets.token_hex(16)
    folder = upload_dir(media_dir) / token
    folder.mkdir(mode=0o700)
    name = _UNSAFE.sub("_", Path(upload.filename or "upload").name)[-120:].lstrip(".") or "upload" + suffix
    path = folder / name
    path.write_bytes(data)
    path.chmod(0o600)
    return token


def upload_path(media_dir: Path, token: str) -> Path:
    if not _TOKEN.match(token):
        raise NotFound("no such upload")
    found = sorted((upload_dir(media_dir) / token).glob("*"))
    if not found:
        raise NotFound("the uploaded file has expired; upload it again")
    return found[0]


def discard(media_dir: Path, token: str) -> None:
    try:
        path = upload_path(media_dir, token)
        path.unlink()
        path.parent.rmdir()
    except (NotFound, OSError):
        pass

"""Uploaded files kept between the steps of a page flow (preview, dry run, commit), under media_dir.

Each upload is a 0700 folder with one 0600 file. It is discarded when the flow is done, and every new
upload first deletes the ones older than ``max_age`` seconds (an abandoned preview does not stay)."""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path

from fastapi import UploadFile

from kartoteka.errors import N_, InvalidInput, NotFound
from kartoteka.services.files import private_dir, private_file

MAX_BYTES = 50 * 1024 * 1024
MAX_AGE = 6 * 3600
_MAX_AGES: dict[Path, int] = {}   # per media folder, from Settings.upload_max_age_seconds (create_app)


def configure(media_dir: Path, max_age: int) -> None:
    """Use ``max_age`` for uploads under ``media_dir`` and sweep the old ones now."""
    _MAX_AGES[media_dir] = max_age
    if media_dir.exists():
        sweep(media_dir, max_age)
ALLOWED = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".jsonl", ".ndjson", ".json", ".docx", ".pdf")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_UNSAFE = re.compile(r"[^\w.\- ]+")


def upload_dir(media_dir: Path) -> Path:
    return private_dir(media_dir / "uploads")


def sweep(media_dir: Path, max_age: int = MAX_AGE) -> int:
    """Delete uploads older than ``max_age`` seconds; returns how many."""
    cutoff, n = time.time() - max_age, 0
    for folder in upload_dir(media_dir).iterdir():
        try:
            if _TOKEN.match(folder.name) and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder)
                n += 1
        except OSError:
            pass
    return n


async def save_upload(media_dir: Path, upload: UploadFile) -> str:
    """Store an upload under a random name; returns the name (the token the next step sends back)."""
    sweep(media_dir, _MAX_AGES.get(media_dir, MAX_AGE))
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in ALLOWED:
        raise InvalidInput.of(N_("'%(file)s': unsupported file type (use %(types)s)"),
                              file=Path(upload.filename or "").name, types=", ".join(ALLOWED))
    data = await upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput.of(N_("'%(file)s' is larger than %(limit)d MB"), file=str(upload.filename),
                              limit=MAX_BYTES // 1024 // 1024)
    if not data:
        raise InvalidInput.of(N_("'%(file)s' is empty"), file=str(upload.filename))
    token = secrets.token_hex(16)
    folder = upload_dir(media_dir) / token
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)
    name = _UNSAFE.sub("_", Path(upload.filename or "upload").name)[-120:].lstrip(".") or "upload" + suffix
    path = private_file(folder / name)
    path.write_bytes(data)
    return token


def upload_path(media_dir: Path, token: str) -> Path:
    if not _TOKEN.match(token):
        raise NotFound.of(N_("no such upload"))
    found = sorted((upload_dir(media_dir) / token).glob("*"))
    if not found:
        raise NotFound.of(N_("the uploaded file has expired; upload it again"))
    return found[0]


def discard(media_dir: Path, token: str) -> None:
    try:
        path = upload_path(media_dir, token)
        path.unlink()
        path.parent.rmdir()
    except (NotFound, OSError):
        pass


_ABSOLUTE = re.compile(r"(?<![\w:/.])/(?:[^\s/:'\"<>]+/)+|[^\s'\"<>:]*uploads/[0-9a-f]{32}/")


def scrub_paths(message: str) -> str:
    """A message without server folders: ``/srv/kartoteka-files/uploads/ab12/list.csv`` becomes ``list.csv``."""
    return _ABSOLUTE.sub("", message)

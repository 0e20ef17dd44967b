"""The rejected rows of a web or API import with "skip bad rows": a 0600 CSV in a 0700 folder of its own under
the uploads folder (so the same age sweep removes it), named for the importing user: only that user can
download it (another user, even an administrator, gets 404)."""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
from pathlib import Path

from kartoteka.errors import N_, NotFound
from kartoteka.services.files import private_dir, private_file
from kartoteka.services.import_report import ImportReport
from kartoteka.web.uploads import upload_dir

_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _name(owner: str) -> str:
    return f"rejected.{hashlib.sha256(owner.encode()).hexdigest()[:24]}.csv"


def rejected_target(media_dir: Path, owner: str) -> tuple[str, Path]:
    """A fresh token and the 0600 file the import writes its rejected rows to."""
    token = secrets.token_hex(16)
    folder = private_dir(upload_dir(media_dir) / token)
    return token, private_file(folder / _name(owner))


def keep_rejected(token: str, target: Path, report: ImportReport | None) -> str:
    """The token to download the rejected rows with, or "" (and the folder removed) when there were none."""
    if report is not None and report.rejected and target.is_file():
        target.chmod(0o600)
        report.rejected_file = target.name   # no server folder in what the user sees
        return token
    shutil.rmtree(target.parent, ignore_errors=True)
    return ""


def rejected_path(media_dir: Path, token: str, owner: str) -> Path:
    """The rejected rows file of ``token`` if ``owner`` made it; NotFound otherwise (or once swept)."""
    path = upload_dir(media_dir) / token / _name(owner) if _TOKEN.match(token) else None
    if path is None or not path.is_file():
        raise NotFound.of(N_("no such rejected rows file (it was removed or is not yours)"))
    return path

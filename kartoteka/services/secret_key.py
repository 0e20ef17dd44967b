"""The key that signs session cookies and CSRF tokens. There is no built-in one.

``KARTOTEKA_SECRET_KEY`` sets it; otherwise ``kartoteka init`` writes a random key to a file that only
its owner may read (0600): beside a SQLite database file (``kartoteka.db.key``), or for a database
server in the data directory (``media_dir/secret.key``); ``KARTOTEKA_SECRET_FILE`` names another place.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from kartoteka.errors import N_, KartotekaError
from kartoteka.settings import KNOWN_SECRETS, MIN_SECRET, Settings


def secret_path(settings: Settings) -> Path:
    if settings.secret_file is not None:
        return settings.secret_file
    url = make_url(settings.db_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database + ".key")
    return settings.media_dir / "secret.key"


def create_secret(settings: Settings) -> Path | None:
    """Write a new random key file unless the environment sets the key or the file exists; returns the
    file (None when the environment sets the key)."""
    if settings.secret_key:
        return None
    path = secret_path(settings)
    if path.exists():
        path.chmod(0o600)
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(48) + "\n")
    return path


def load_secret(settings: Settings) -> str | None:
    """The configured key, or None when there is none; a known or short key, or a key file that others
    may read, is an error."""
    if settings.secret_key:
        return settings.secret_key
    path = secret_path(settings)
    if not path.exists():
        return None
    if path.stat().st_mode & 0o077:
        raise KartotekaError.of(N_("the key file %(file)s may be read by others: chmod 600 it"), file=path.name)
    key = path.read_text("utf-8").strip()
    if key in KNOWN_SECRETS or len(key) < MIN_SECRET:
        raise KartotekaError.of(N_("the key file %(file)s holds a known or short key: delete it and run kartoteka "
                                    "init"), file=path.name)
    return key


def require_secret(settings: Settings) -> str:
    key = load_secret(settings)
    if key is None:
        raise KartotekaError.of(N_("no secret key: run `kartoteka init` (it writes a random key file) or set "
                                    "KARTOTEKA_SECRET_KEY"))
    return key

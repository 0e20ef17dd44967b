"""Files Kartoteka writes are for its owner only: files 0600, folders 0700.

The CLI and the server set the process umask to 077 when they start; these helpers also set the mode
explicitly where a file is created, so a library that ignores the umask (or a caller that set another
one) cannot leave a readable copy of the registry behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from kartoteka.errors import N_, InvalidInput
from kartoteka.settings import Settings

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700; an existing folder is left as it is."""
    if not path.exists():
        path.mkdir(parents=True, mode=DIR_MODE)
        path.chmod(DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty as 0600 unless it exists, and make it 0600: call it before writing."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    path.chmod(FILE_MODE)
    return path


def output_file(path: Path) -> Path:
    """``path`` checked as a file to write that the user named (``--out``): a folder in its place or a
    missing folder is a clear error naming the path, not a traceback. Creates nothing."""
    if path.is_dir() or not path.parent.is_dir():
        raise InvalidInput.of(N_("cannot write %(file)s: give a file in a folder that exists"), file=str(path))
    return path


def protect_database_file(settings: Settings) -> None:
    """A SQLite database file and its WAL and shared-memory files: 0600."""
    url = make_url(settings.db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    for suffix in ("", "-wal", "-shm"):
        if Path(url.database + suffix).exists():
            private_file(Path(url.database + suffix))

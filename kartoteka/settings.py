"""One typed settings object. Nothing is built at import time.

A plain dataclass read from ``KARTOTEKA_*`` environment variables (names in any case), not
pydantic-settings: that package and the pydantic it loads took about 0.15 s of every command's start.
A value given to ``Settings(...)`` wins over the environment, which wins over the default. A value
that does not fit raises ``ValueError`` with a translatable message that names the variable, never
its value (it may be a secret).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from kartoteka.errors import N_, Message

DEFAULT_SECRET = "development-only-secret-change-me"   # the old built-in secret: refused everywhere
KNOWN_SECRETS = frozenset({DEFAULT_SECRET, "changeme", "secret", "change-me"})
MIN_SECRET = 32
ENV_PREFIX = "KARTOTEKA_"

_NOT_NUMBER = N_("%(variable)s must be a whole number")
_TOO_SMALL = N_("%(variable)s must be at least %(minimum)d")
_BAD_SECRET = N_("%(variable)s must be a random string of at least %(minimum)d characters (not a known default)")


def _path(value: object) -> Path:
    return value if isinstance(value, Path) else Path(str(value))


def _optional_path(value: object) -> Path | None:
    return None if value is None or value == "" else _path(value)


def _int(value: object) -> int:
    if isinstance(value, bool):
        raise TypeError(value)
    return value if isinstance(value, int) else int(str(value).strip())


_PARSERS: dict[object, Callable[[object], Any]] = {"str": str, "int": _int, "Path": _path,
                                                  "Path | None": _optional_path}


def _env_value(name: str) -> str | None:
    wanted = (ENV_PREFIX + name).lower()   # as pydantic-settings did: the variable's name in any case
    exact = os.environ.get(wanted.upper())
    if exact is not None:
        return exact
    return next((v for k, v in os.environ.items() if k.lower() == wanted), None)


def _setting(name: str, default: object, doc: str, *, minimum: int | None = None, secret: bool = False) -> Any:
    """A field whose value, when not given, comes from ``KARTOTEKA_<NAME>``, else ``default``."""
    def from_env() -> object:
        raw = _env_value(name)
        return default if raw is None else raw   # parsed in __post_init__, as given values are
    return field(default_factory=from_env, repr=not secret, metadata={"doc": doc, "default": default, "minimum": minimum,
                                                     "name": name})


@dataclass(frozen=True)
class Settings:
    """Kartoteka settings; every field can be set through a ``KARTOTEKA_*`` environment variable."""

    db: str = _setting("db", "sqlite:///kartoteka.db", "Database URL or SQLite file path")
    environment: str = _setting("environment", "development", "development, test or production")
    secret_key: str = _setting("secret_key", "", "Signs session cookies and CSRF tokens; unset: the key file "
                                                 "`kartoteka init` writes (see secret_file)", secret=True)
    secret_file: Path | None = _setting("secret_file", None, "Key file (0600); default: beside a SQLite file "
                                                             "(DB.key), else media_dir/secret.key")
    actor: str = _setting("actor", "cli", "Name recorded in the audit log for CLI changes")
    default_language: str = _setting("default_language", "en", "Interface language: en, uk or ru")
    login_max_failures: int = _setting("login_max_failures", 5, "Failed sign-ins before a lockout")
    login_lockout_seconds: int = _setting("login_lockout_seconds", 60, "Length of a lockout (short: a stranger "
                                                                       "must not lock a user out for long)")
    media_dir: Path = _setting("media_dir", Path("kartoteka-files"), "Where stored source files live")
    max_request_bytes: int = _setting("max_request_bytes", 64 * 1024 * 1024, "Largest request body; larger ones "
                                                                             "answer 413 before they are read")
    upload_max_age_seconds: int = _setting("upload_max_age_seconds", 6 * 3600, "Uploaded import files not used "
                                                                                "within this time are deleted")
    font_dir: Path | None = _setting("font_dir", None, "Folder with DejaVuSans.ttf for PDF reports "
                                                       "(default: Debian's fonts-dejavu-core)")
    max_file_mb: int = _setting("max_file_mb", 50, "Largest file accepted for import or vetting, in MB")
    max_unzipped_mb: int = _setting("max_unzipped_mb", 200, "Largest unpacked size of a DOCX or XLSX, in MB")
    max_rows: int = _setting("max_rows", 2_000_000, "Most rows read from one file")
    max_columns: int = _setting("max_columns", 200, "Most columns read from one file")
    max_cell_chars: int = _setting("max_cell_chars", 20_000, "Longest cell, in characters")
    max_name_words: int = _setting("max_name_words", 16, "Most words in one name on a list to match")
    max_json_depth: int = _setting("max_json_depth", 16, "Deepest nesting in a JSON Lines row")
    max_number_digits: int = _setting("max_number_digits", 40, "Longest number in a JSON Lines row, in digits")
    job_memory_mb: int = _setting("job_memory_mb", 2048, "Address space of one web job (an import, vetting a "
                                  "list) in its own process, in MB; a file needing more fails that job only",
                                  minimum=64)
    job_seconds: int = _setting("job_seconds", 7200, "Longest a web job may run, in seconds", minimum=1)
    signing_key: Path | None = _setting("signing_key", None, "Private key file (`kartoteka keys create`) that "
                                                             "signs report downloads, exports and publish")

    def __post_init__(self) -> None:
        for f in fields(self):
            variable = ENV_PREFIX + f.name.upper()
            try:
                value = _PARSERS[f.type](getattr(self, f.name))
            except (TypeError, ValueError):
                raise ValueError(Message(_NOT_NUMBER, variable=variable)) from None
            minimum = f.metadata["minimum"]
            if minimum is not None and value < minimum:
                raise ValueError(Message(_TOO_SMALL, variable=variable, minimum=minimum))
            object.__setattr__(self, f.name, value)
        if self.secret_key and (self.secret_key in KNOWN_SECRETS or len(self.secret_key) < MIN_SECRET):
            raise ValueError(Message(_BAD_SECRET, variable="KARTOTEKA_SECRET_KEY", minimum=MIN_SECRET))

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL; a bare path means a SQLite file."""
        if "://" in self.db:
            return self.db
        return f"sqlite:///{self.db}"

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied (and checked)."""
        return dataclasses.replace(self, **changes)

    def model_copy(self, *, update: dict[str, Any]) -> Settings:
        """``replace`` under pydantic's name, which callers (and tests) of the earlier Settings use."""
        return self.replace(**update)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

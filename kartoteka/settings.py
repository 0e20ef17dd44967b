"""One typed settings object. Nothing is built at import time."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "development-only-secret-change-me"   # the old built-in secret: refused everywhere
KNOWN_SECRETS = frozenset({DEFAULT_SECRET, "changeme", "secret", "change-me"})
MIN_SECRET = 32


class Settings(BaseSettings):
    """Kartoteka settings; every field can be set through a ``KARTOTEKA_*`` environment variable."""

    model_config = SettingsConfigDict(env_prefix="KARTOTEKA_", extra="ignore")

    db: str = Field(default="sqlite:///kartoteka.db", description="Database URL or SQLite file path")
    environment: str = Field(default="development", description="development, test or production")
    secret_key: str = Field(default="", description="Signs session cookies and CSRF tokens; unset: the key file "
                                                    "`kartoteka init` writes (see secret_file)")
    secret_file: Path | None = Field(default=None, description="Key file (0600); default: beside a SQLite file "
                                                               "(DB.key), else media_dir/secret.key")
    actor: str = Field(default="cli", description="Name recorded in the audit log for CLI changes")
    default_language: str = Field(default="en", description="Interface language: en, uk or ru")
    login_max_failures: int = Field(default=5, description="Failed sign-ins before a lockout")
    login_lockout_seconds: int = Field(default=60, description="Length of a lockout (short: a stranger must not "
                                                                "lock a user out for long)")
    media_dir: Path = Field(default=Path("kartoteka-files"), description="Where stored source files live")
    max_request_bytes: int = Field(default=64 * 1024 * 1024, description="Largest request body; larger ones "
                                                                          "answer 413 before they are read")
    upload_max_age_seconds: int = Field(default=6 * 3600, description="Uploaded import files not used within "
                                                                      "this time are deleted")
    font_dir: Path | None = Field(default=None, description="Folder with DejaVuSans.ttf for PDF reports "
                                                            "(default: Debian's fonts-dejavu-core)")
    max_file_mb: int = Field(default=50, description="Largest file accepted for import or vetting, in MB")
    max_unzipped_mb: int = Field(default=200, description="Largest unpacked size of a DOCX or XLSX, in MB")
    max_rows: int = Field(default=2_000_000, description="Most rows read from one file")
    max_columns: int = Field(default=200, description="Most columns read from one file")
    max_cell_chars: int = Field(default=20_000, description="Longest cell, in characters")
    max_name_words: int = Field(default=16, description="Most words in one name on a list to match")
    max_json_depth: int = Field(default=16, description="Deepest nesting in a JSON Lines row")
    max_number_digits: int = Field(default=40, description="Longest number in a JSON Lines row, in digits")
    job_memory_mb: int = Field(default=2048, ge=64, description="Address space of one web job (an import, "
                               "vetting a list) in its own process, in MB; a file needing more fails that job only")
    job_seconds: int = Field(default=7200, ge=1, description="Longest a web job may run, in seconds")
    signing_key: Path | None = Field(default=None, description="Private key file (`kartoteka keys create`) that "
                                                               "signs report downloads, exports and publish")

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.secret_key and (self.secret_key in KNOWN_SECRETS or len(self.secret_key) < MIN_SECRET):
            raise ValueError(f"KARTOTEKA_SECRET_KEY must be a random string of at least {MIN_SECRET} characters "
                             "(not a known default)")
        return self

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL; a bare path means a SQLite file."""
        if "://" in self.db:
            return self.db
        return f"sqlite:///{self.db}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

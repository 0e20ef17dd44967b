"""One typed settings object. Nothing is built at import time."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "development-only-secret-change-me"


class Settings(BaseSettings):
    """Kartoteka settings; every field can be set through a ``KARTOTEKA_*`` environment variable."""

    model_config = SettingsConfigDict(env_prefix="KARTOTEKA_", extra="ignore")

    db: str = Field(default="sqlite:///kartoteka.db", description="Database URL or SQLite file path")
    environment: str = Field(default="development", description="development, test or production")
    secret_key: str = Field(default=DEFAULT_SECRET, description="Signs session cookies and CSRF tokens")
    actor: str = Field(default="cli", description="Name recorded in the audit log for CLI changes")
    default_language: str = Field(default="en", description="Interface language: en, uk or ru")
    login_max_failures: int = Field(default=5, description="Failed sign-ins before a lockout")
    login_lockout_seconds: int = Field(default=900, description="Length of a lockout")
    media_dir: Path = Field(default=Path("kartoteka-files"), description="Where stored source files live")
    font_dir: Path | None = Field(default=None, description="Folder with DejaVuSans.ttf for PDF reports "
                                                            "(default: Debian's fonts-dejavu-core)")

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError("KARTOTEKA_SECRET_KEY must be set in production")
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

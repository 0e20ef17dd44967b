"""The small exception tree every layer uses."""

from __future__ import annotations

from dataclasses import dataclass, field


class KartotekaError(Exception):
    """Base class for errors shown to users."""


class NotFound(KartotekaError):
    pass


class Conflict(KartotekaError):
    """A stale update: somebody else changed the record first."""


class Forbidden(KartotekaError):
    pass


@dataclass(frozen=True)
class RowError:
    """One problem in one cell of an input file."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: row {self.row}, column '{self.column}': {self.reason}"


class InvalidInput(KartotekaError):
    """Bad input; carries every row error found, not only the first."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        self.errors: list[RowError] = list(errors or [])
        detail = "".join(f"\n  {e}" for e in self.errors[:200])
        more = f"\n  ... and {len(self.errors) - 200} more" if len(self.errors) > 200 else ""
        super().__init__(message + detail + more)


@dataclass
class ErrorCollector:
    """Collects row errors while a file is read."""

    file: str
    errors: list[RowError] = field(default_factory=list)

    def add(self, row: int, column: str, reason: str) -> None:
        self.errors.append(RowError(self.file, row, column, reason))

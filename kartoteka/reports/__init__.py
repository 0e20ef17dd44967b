"""Report exporters: one module per format, each with ``render(report) -> bytes``, ``MEDIA_TYPE`` and
``SUFFIX``, all rendering the same :class:`kartoteka.services.vetting_model.VetReport`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from kartoteka.errors import N_, InvalidInput
from kartoteka.services.vetting_model import VetReport

FORMATS = ("html", "csv", "xlsx", "pdf")


@dataclass(frozen=True)
class Exporter:
    format: str
    media_type: str
    suffix: str
    render: Callable[..., bytes]      # render(report, lang="en") -> bytes


def exporter(fmt: str) -> Exporter:
    fmt = fmt.lower().lstrip(".")
    if fmt == "htm":
        fmt = "html"
    if fmt not in FORMATS:
        raise InvalidInput.of(N_("unknown report format '%(format)s' (use %(formats)s)"), format=fmt,
                              formats=", ".join(FORMATS))
    module = import_module(f"kartoteka.reports.{fmt}")
    return Exporter(fmt, module.MEDIA_TYPE, module.SUFFIX, module.render)


def write_report(report: VetReport, path: Path, fmt: str | None = None, *, lang: str = "en") -> Path:
    """Write ``report`` to ``path`` in the format its suffix names (or ``fmt``), in ``lang`` (en/uk/ru)."""
    exp = exporter(fmt or path.suffix or "?")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(exp.render(report, lang=lang))
    return path

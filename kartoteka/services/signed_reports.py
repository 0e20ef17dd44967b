"""A vetting report and its signature in one ZIP (the report's bytes exactly as signed), for the run page's
signed downloads and the API's ``report.{fmt}?signed=1``."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from kartoteka.reports import exporter
from kartoteka.services import signing


def signed_report_zip(report: Any, *, fmt: str, lang: str, key: Path, name: str) -> bytes:
    """``name`` (the report file as rendered in ``lang``) and ``name.sig`` signed with ``key``, zipped."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(exporter(fmt).render(report, lang=lang))
        sig = signing.sign_files([path], key=key, out=signing.default_signature(path))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(path, name)
            z.write(sig, sig.name)
    return buf.getvalue()

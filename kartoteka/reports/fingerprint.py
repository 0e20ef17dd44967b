"""A report's fingerprint: the same short digest for the same run's content, whatever the format.

sha256 over the run (id, list sha256, definition, time) and every row (list id, name, person, match,
status, flags) as canonical JSON. A PDF prints it on every page, so a printed or forwarded page can be
matched to the signed report it came from (``kartoteka sign`` / ``verify`` check the bytes themselves).
"""

from __future__ import annotations

import hashlib
import json

from kartoteka.services.vetting_model import VetReport


def report_fingerprint(report: VetReport) -> str:
    run = report.run
    body = {"run": [run.id, run.sha256, run.definition_id, run.at.isoformat()],
            "rows": [[r.id, r.name, r.person_id, r.match, r.status, sorted(r.flags)] for r in report.rows]}
    digest = hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:20]
    return " ".join(digest[i:i + 4] for i in range(0, 20, 4))

"""The likely-duplicates full scan as a web job, so that no request scores a large registry.

The duplicates page and GET /api/duplicates only read stored pairs (services/duplicate_pairs.py). When
none can be read, the first of them to ask claims the scan (once for every worker: the claim is a row in
the database) and starts it in a memory-limited child process (web/job_process.py); meanwhile every
worker shows its progress from the database. A registry of at most INLINE_PERSONS is scored inside the
request (a second or two). A failed scan is not started again for RETRY_SECONDS: the page says why.
The scan reads no user file, so its memory and time limits grow with the registry (the whole registry is
held in memory while it is scored: about 2.2 GB at a million persons) beyond the upload jobs' limits.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine
from starlette.requests import Request

from kartoteka.db.engine import get_engine
from kartoteka.services.access import Principal, require
from kartoteka.services.duplicate_pairs import ScanStatus, claim_scan, registry_size
from kartoteka.services.matching import duplicate_status, find_duplicates
from kartoteka.settings import Settings
from kartoteka.web.job_process import JobLimits, Progress
from kartoteka.web.jobs import jobs, limits_of

INLINE_PERSONS = 1000   # scored inside the request
WAIT_SECONDS = 5.0      # a request waits this long for a job it started before it shows the progress
RETRY_SECONDS = 600.0   # a failed scan is started again after this long
MB_PER_PERSON = 0.004   # the scan's memory: the registry in memory, plus a base
BASE_MB = 800
SECONDS_PER_PERSON = 0.02   # its wall time on a loaded machine: 1 ms of CPU a person, up to ten times that in wall time


def scan_task(progress: Progress, db_url: str) -> int:
    """The full scan in a job's process: the pairs are stored; their number."""
    engine = get_engine(db_url)
    return len(find_duplicates(engine, progress=lambda done, total: progress(done, total)))


def ensure_pairs(request: Request, engine: Engine, principal: Principal) -> ScanStatus:
    """The stored pairs' status; when a full scan is needed and none runs, start one (an editor only)."""
    require(principal, "edit")
    status = duplicate_status(engine)
    if status.state != "needed":
        return status
    if status.error and status.started is not None and time.time() - status.started < RETRY_SECONDS:
        return status
    if not claim_scan(engine):
        return duplicate_status(engine)
    url = engine.url.render_as_string(hide_password=False)
    size = registry_size(engine)
    if size <= INLINE_PERSONS:
        scan_task(lambda done, total: None, url)
    else:
        job = jobs(request).start_child(principal.username, scan_task, (url,),
                                        limits=scan_limits(request.app.state.settings, size))
        job.wait(WAIT_SECONDS)
    return duplicate_status(engine)


def scan_limits(settings: Settings, persons: int) -> JobLimits:
    """The upload jobs' limits, raised to what scoring this many persons needs."""
    base = limits_of(settings)
    return JobLimits(memory_mb=max(base.memory_mb, BASE_MB + round(persons * MB_PER_PERSON)),
                     seconds=max(base.seconds, persons * SECONDS_PER_PERSON))

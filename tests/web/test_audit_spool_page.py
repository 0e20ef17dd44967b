"""The audit page says how many readers' entries wait in the spool while a long write holds SQLite's lock."""

from __future__ import annotations

import sqlite3
import time

import pytest

from tests.web.conftest import Web


def test_the_audit_page_counts_spooled_reads_until_the_write_ends(web: Web) -> None:
    if web.db.backend != "sqlite":
        pytest.skip("the spool is SQLite's (PostgreSQL writers lock rows, not the database)")
    admin = web.client("admin")
    other = sqlite3.connect(web.db.url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")   # a long import in another process
    try:
        assert admin.get("/persons/P3").status_code == 200          # a confidential read: audited, spooled
        started = time.monotonic()
        page = admin.get("/audit").text
        assert time.monotonic() - started < 5                        # the page does not wait for the write
        assert 'id="spooled"' in page and "in the spool next to the database" in page
    finally:
        other.execute("ROLLBACK")
        other.close()
    after = admin.get("/audit").text
    assert 'id="spooled"' not in after                              # drained into the chain
    assert 'id="chain-state"' in after and 'class="ok"' in after

"""services/viewer_world.py: a viewer's rendering of a saved run follows the registry as it is now."""

from __future__ import annotations

from pathlib import Path

from kartoteka.reports import exporter
from kartoteka.services import access
from kartoteka.services.access import Principal
from kartoteka.services.persons_patch import patch_person
from kartoteka.services.runs import get_run
from kartoteka.services.vetting import vet_list
from kartoteka.services.viewer_world import _hidden_records, _names_one, sees_everything
from tests.conftest import Db
from tests.services.test_vetting import DEF, make_registry, write_list

VIEWER, ADMIN = Principal("v", "viewer"), Principal("a", "admin")


def test_a_person_made_confidential_after_the_run_is_never_named_to_a_viewer(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    run = vet_list(db.engine, path=write_list(tmp_path), definition_id=DEF, actor="e").run.id
    before = access.redact_report(db.engine, VIEWER, get_run(db.engine, run=run))
    assert before.rows[0].person_id == "P1" and before.rows[0].match == "match"
    patch_person(db.engine, ADMIN, "P1", version=1, changes={"sensitivity": "confidential"})
    assert _hidden_records(db.engine, VIEWER)[0] and sees_everything(ADMIN)
    seen = access.redact_report(db.engine, VIEWER, get_run(db.engine, run=run))
    for fmt in ("csv", "html"):
        assert b"P1" not in exporter(fmt).render(seen), fmt
    assert (seen.rows[0].match, seen.rows[0].explanation) == ("no_match", "no registry person with a matching name")
    assert all(m.person_id != "P1" for m in seen.missing)
    assert seen.run.by_status["unknown"] == before.run.by_status["unknown"] + 2   # rows 1 and 4 name her
    listed = {r.id: r for r in access.view_runs(db.engine, VIEWER)}
    assert listed[run].by_status == seen.run.by_status and listed[run].missing == len(seen.missing)
    full = access.redact_report(db.engine, ADMIN, get_run(db.engine, run=run))
    assert full.rows[0].person_id == "P1"   # the stored run is the full rendering, unchanged


def test_a_hidden_id_is_found_anywhere_in_a_text() -> None:
    ids = (frozenset({"P0000007", "K-12/3"}), (6, 8))
    assert _names_one("close candidates P0000001 (0.91) and P0000007 (0.90);", ids)
    assert _names_one("P0000007.", ids) and _names_one("was K-12/3", ids)
    assert not _names_one("closest P0000001 (0.58): surname Иванов", ids) and not _names_one("", ids)

"""The remembered value mappings page: reviewers and administrators see an organisation's confirmed
spellings per vocabulary and remove one (audited, CSRF-checked); the next import asks again."""

from __future__ import annotations

from sqlalchemy import select

from kartoteka.db.tables import audit_log
from kartoteka.services import value_mappings as vm
from tests.web.conftest import Web, csrf


def _seed(web: Web) -> None:
    with web.db.engine.begin() as conn:
        vm.remember(conn, organisation="Вільна Правда", vocabulary="custody", mapping={"СИЗО-2": "pretrial"},
                    actor="editor")
        vm.remember(conn, organisation="Вільна Правда", vocabulary="category",
                    mapping={"полонений": "prisoner_of_war"}, actor="editor")
        vm.remember(conn, organisation="Інша група", vocabulary="case_status",
                    mapping={"этапирован в ИК": "transferred"}, actor="editor")


def test_a_reviewer_removes_a_mapping_and_it_is_audited(web: Web) -> None:
    _seed(web)
    c = web.client("reviewer")
    assert 'id="mappings-link"' in c.get("/import").text
    c.post("/language", data={"lang": "uk", "next": "/", "csrf_token": csrf(c.get("/").text)})
    page = c.get("/import/mappings", params={"source": "Вільна Правда"})
    assert page.status_code == 200
    custody = page.text.split('id="mappings-custody"')[1].split("</table>")[0]
    assert "«СИЗО-2»" in custody and "досудове тримання під вартою" in custody   # the label in Ukrainian
    assert "«полонений»" in page.text.split('id="mappings-category"')[1] and "этапирован" not in page.text
    form = {"csrf_token": csrf(page.text), "organisation": "Вільна Правда", "vocabulary": "custody", "raw": "СИЗО-2"}
    assert c.post("/import/mappings/remove", data={**form, "csrf_token": "forged"}).status_code == 403
    assert vm.recall(web.db.engine, organisation="Вільна Правда", vocabulary="custody") == {"СИЗО-2": "pretrial"}
    r = c.post("/import/mappings/remove", data=form, follow_redirects=False)
    assert r.status_code == 303
    after = c.get(r.headers["location"])
    assert 'id="removed"' in after.text and "Забуто «СИЗО-2»" in after.text and 'id="mappings-custody"' not in after.text
    assert vm.recall(web.db.engine, organisation="Вільна Правда", vocabulary="custody") == {}
    assert vm.recall(web.db.engine, organisation="Вільна Правда", vocabulary="category") == {"полонений": "prisoner_of_war"}
    with web.db.engine.connect() as conn:
        forgot = conn.execute(select(audit_log.c.actor, audit_log.c.field, audit_log.c.before).where(
            audit_log.c.entity_type == "value_mapping", audit_log.c.action == "forget")).all()
    assert [(a, f) for a, f, _ in forgot] == [("reviewer", "Вільна Правда/custody/СИЗО-2")] and "pretrial" in str(forgot[0][2])
    gone = c.post("/import/mappings/remove", data={**form, "csrf_token": csrf(after.text)})
    assert gone.status_code == 404 and "СИЗО-2" in gone.text


def test_editors_and_viewers_may_not_see_or_remove_mappings(web: Web) -> None:
    _seed(web)
    for role in ("editor", "viewer"):
        c = web.client(role)
        assert c.get("/import/mappings").status_code == 403
        page = c.get("/")
        r = c.post("/import/mappings/remove", data={"csrf_token": csrf(page.text), "organisation": "Інша група",
                                                    "vocabulary": "case_status", "raw": "этапирован в ИК"})
        assert r.status_code == 403
    assert 'id="mappings-link"' not in web.client("editor").get("/import").text
    assert vm.recall(web.db.engine, organisation="Інша група", vocabulary="case_status") == {"этапирован в ИК": "transferred"}

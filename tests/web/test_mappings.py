"""The remembered value mappings page: reviewers and administrators see an organisation's confirmed
spellings per vocabulary and remove one (audited, CSRF-checked); the next import asks again."""

from __future__ import annotations

from sqlalchemy import select

from kartoteka.db.tables import audit_log
from kartoteka.services import value_mappings as vm
from tests.web.conftest import Web, csrf
from tests.web.test_import_registry import _upload


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


UK_SHEET = """ПІБ;Дата народження;Стаття КК;Юрисдикція;Утримання;Категорія
Гончаренко Ярина Богданівна;05.06.1994;ч. 1 ст. 111 КК України;RU;СИЗО-2;полонений
Мельничук Тарас Іванович;1988;ч. 2 ст. 110 КК України;RU;Домашній арешт;civilian
"""
UK_NEXT = "ПІБ;Дата народження;Утримання;Категорія;Юрисдикція\nКовальчук Леся Петрівна;1991;СИЗО-2;полонений;RU\n"


def _chosen(page: str, vocabulary: str) -> list[str]:
    block = page.split(f'id="unknown-{vocabulary}"')[1].split("</table>")[0] if f'id="unknown-{vocabulary}"' in page else ""
    return [t.split("»")[0] for t in block.split("«")[1:]]


def test_a_ukrainian_sheet_maps_custody_and_category_on_the_web_and_the_mapping_is_remembered(web: Web) -> None:
    c = web.client("editor")
    page, form = _upload(c, UK_SHEET)
    assert _chosen(page, "custody") == ["СИЗО-2"] and _chosen(page, "category") == ["полонений", "civilian"]
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert r.status_code == 422 and "Утримання" in r.text and "СИЗО-2" in r.text
    values = {"value_vocab": ["custody", "category", "category"], "value_text": ["СИЗО-2", "полонений", "civilian"],
              "value_choice": ["pretrial", "prisoner_of_war", "civilian_detainee"]}
    r = c.post("/import/run", data={**form, **values, "source": "Вільна Правда", "action": "commit"})
    assert r.status_code == 200 and "Imported." in r.text, r.text
    assert vm.recall(web.db.engine, organisation="Вільна Правда", vocabulary="category") == {
        "полонений": "prisoner_of_war", "civilian": "civilian_detainee"}
    page, form = _upload(c, UK_NEXT)
    r = c.post("/import/run", data={**form, "source": "Вільна Правда", "action": "preview"})
    assert _chosen(r.text, "custody") == [] and "«СИЗО-2» = pre-trial detention" in r.text   # not asked again
    assert _chosen(c.post("/import/run", data={**form, "source": "Інша група", "action": "preview"}).text,
                   "custody") == ["СИЗО-2"]
    assert "Imported." in c.post("/import/run", data={**form, "source": "Вільна Правда", "action": "commit"}).text
    with web.db.engine.connect() as conn:
        from kartoteka.services.custody import current_custody
        assert sorted(r.state for r in current_custody(conn).values()) == ["house_arrest", "pretrial", "pretrial"]


def test_custody_and_cases_files_take_the_organisation_on_the_web(web: Web) -> None:
    from kartoteka.db.tables import statements
    from kartoteka.services.custody import current_categories
    c = web.client("editor")
    page, form = _upload(c, "person_id,held_by,Утримання,Категорія\nP1,RU,в ИК,civilian\n", kind="custody")
    assert 'id="source"' in page and _chosen(page, "custody") == ["в ИК"] and _chosen(page, "category") == ["civilian"]
    values = {"value_vocab": ["custody", "category"], "value_text": ["в ИК", "civilian"],
              "value_choice": ["serving_sentence", "civilian_detainee"]}
    assert "Imported." in c.post("/import/run", data={**form, **values, "source": "Вільна Правда",
                                                      "action": "commit"}).text
    assert vm.recall(web.db.engine, organisation="Вільна Правда", vocabulary="custody") == {"в ИК": "serving_sentence"}
    with web.db.engine.connect() as conn:
        assert [r.category for r in current_categories(conn, [1]).values()] == ["civilian_detainee"]
    page, form = _upload(c, "case_id,person_id,articles,status\nC9,P1,ст. 280.3 УК РФ,detained\n", kind="cases")
    assert 'id="source"' in page
    assert "Imported." in c.post("/import/run", data={**form, "source": "Вільна Правда", "action": "commit"}).text
    with web.db.engine.connect() as conn:
        said = {(s.origin_id, s.prop, s.value) for s in conn.execute(select(statements).where(
            statements.c.entity_type == "case", statements.c.organisation == "Вільна Правда"))}
    assert ("C9", "status", "detained") in said


def test_a_row_fitting_two_persons_of_the_sheet_is_decided_on_the_web(web: Web) -> None:
    from kartoteka.db.tables import cases, persons
    sheet = ("ПІБ;Дата народження;Стаття КК\nСидоренко Олег Павлович;12.03.1985;ст. 275 КК РФ\n"
             "Сидоренко Олег Павлович;01.04.1985;ст. 280.3 КК РФ\nСидоренко Олег Павлович;;ст. 205.2 КК РФ\n")
    c = web.client("editor")
    _, form = _upload(c, sheet)
    r = c.post("/import/run", data={**form, "action": "dry_run"})
    assert 'name="decide_row" value="4"' in r.text
    assert '<option value="row:3">the person of row 3: Сидоренко Олег Павлович, 1985-04-01</option>' in r.text
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert r.status_code == 422 and "--decide 4=row:N" in r.text
    r = c.post("/import/run", data={**form, "decide_row": ["4"], "decide_choice": ["row:3"], "action": "commit"})
    assert "Imported." in r.text
    with web.db.engine.connect() as conn:
        owner = conn.execute(select(persons.c.id).where(persons.c.birth_date == "1985-04-01")).scalar_one()
        assert len(conn.execute(select(cases.c.id).where(cases.c.person_id == owner)).all()) == 2

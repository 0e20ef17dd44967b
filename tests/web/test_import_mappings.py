"""The web import remembers a confirmed status spelling for the organisation the file comes from and shows
it in the next preview instead of asking again. Invented people only."""

from __future__ import annotations

from tests.web.conftest import Web
from tests.web.test_import_registry import _upload

SHEET = "ФИО;Дата рождения;Статус\nКораблёв Степан Ильич;1985;этапирован в ИК\n"
NEXT = "ФИО;Дата рождения;Статус\nЛапшина Вера Андреевна;1990;этапирован в ИК\n"


def test_a_confirmed_status_is_not_asked_again_for_the_same_organisation(web: Web) -> None:
    c = web.client("editor")
    _, form = _upload(c, SHEET)
    mapped = {**form, "source": "Мемориал", "status_text": ["этапирован в ИК"], "status_value": ["transferred"]}
    assert "Imported." in c.post("/import/run", data={**mapped, "action": "commit"}).text
    _, form = _upload(c, NEXT)
    r = c.post("/import/run", data={**form, "source": "Мемориал", "action": "preview"})
    assert r.status_code == 200 and 'name="status_value"' not in r.text      # not asked again
    remembered = r.text.split('class="remembered"')[1].split("</ul>")[0]
    assert "«этапирован в ИК»" in remembered
    r = c.post("/import/run", data={**form, "source": "Другая группа", "action": "preview"})
    assert 'name="status_value"' in r.text and 'class="remembered"' not in r.text   # another organisation is asked
    r = c.post("/import/run", data={**form, "source": "Мемориал", "action": "commit"})
    assert "Imported." in r.text

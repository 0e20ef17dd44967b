"""The diff page of two rounds says what each added or removed person is (status, flags) in the
reader's language, as the reader may see them (services/rounds.py entry_text)."""

from __future__ import annotations


from starlette.testclient import TestClient

from tests.web.conftest import Web, csrf, finished_run
from tests.web.test_vetting import LIST, _vet


def _vet_text(c: TestClient, text: str, label: str) -> int:
    r = c.post("/vetting", data={"definition_id": "guidelines-2013", "label": label, "round": "R2",
                                 "csrf_token": csrf(c.get("/vetting").text)},
               files={"file": ("list.csv", text.encode(), "text/csv")}, follow_redirects=False)
    return finished_run(c, r.headers["location"])


def test_the_removed_persons_status_in_the_readers_language(web: Web) -> None:
    c = web.client("admin")
    c.post("/language", data={"lang": "uk", "csrf_token": csrf(c.get("/").text)})
    first = _vet(c, "first")
    second = _vet_text(c, "\n".join(line for line in LIST.splitlines() if "Kovalenko" not in line) + "\n", "second")
    page = c.get(f"/vetting/diff?a={first}&b={second}").text
    row = page[page.index("Oleksandr Kovalenko"):].split("</tr>", 1)[0]
    assert "у реєстрі" in row and "under_review" not in row, row

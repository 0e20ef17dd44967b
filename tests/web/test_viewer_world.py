"""The viewer's world (issue 10): for a viewer, every read is exactly what Kartoteka answers on the same
registry without the records the viewer may not see.

Registry A holds confidential persons, cases, a source, an outcome and a review of a hidden person;
registry B is A without them (built the same way, in the same order, so the ids of what remains are
equal). Editors vet the same lists in both; then a viewer reads everything on A and on B, and the
answers must be equal once timestamps, CSRF tokens and audit entry ids are set aside.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest

from kartoteka.services import evidence, users
from kartoteka.services.imports import import_file
from kartoteka.services.users import create_user
from kartoteka.settings import Settings
from kartoteka.web.app import create_app
from tests.conftest import Db, fresh_db
from tests.web.conftest import FAST_HASHER, PASSWORD, Web, csrf

PERSONS_HEAD = "id,name,birth_date,gender,region,citizenship,sensitivity\n"
PERSONS_SHOWN = """P01,Иванов Иван Иванович,1980-05-01,m,Москва,RU,public
P02,Иванов Иван Петрович,1981,m,Тверь,RU,internal
P03,Коваленко Олександр Петрович,1975,m,Херсон,UA,internal
P04,Петров Пётр Петрович,1985-03-12,m,Москва,RU,public
P05,Сидоров Сидор Сидорович,1960,m,Омск,RU,internal
P06,Smith John,1970,m,Tver,RU,internal
"""
PERSONS_HIDDEN = """P07,Иванов Иван Сергеевич,1980-05-01,m,Москва,RU,confidential
P08,Борисов Борис Ильич,1970,m,Крым,UA,confidential
P09,Сидоров Сидор Сидорович,1962,m,Омск,RU,confidential
P10,Секретная Мария Петровна,1990-02-03,f,Крым,UA,confidential
"""
CASES_HEAD = "case_id,person_id,jurisdiction,articles,court,detained_on,facility,status,sensitivity\n"
CASES_SHOWN = """C01,P01,RU,ч. 2 ст. 280.3 УК РФ,Тверской районный суд,2022-03-01,ИК-2,convicted,public
C02,P03,RU,ч. 1 ст. 111 УК РФ,Херсонский суд,2021-01-01,СИЗО-2,detained,internal
C03,P04,RU,ч. 2 ст. 207.3 УК РФ,Мосгорсуд,2022-05-01,СИЗО-1,detained,internal
"""
CASES_HIDDEN = """C04,P03,RU,ст. 205.2 УК РФ,Южный окружной военный суд,2023-01-01,СИЗО-3,detained,confidential
C05,P03,RU,ч. 1 ст. 318 УК РФ,Тайный суд,2023-02-01,СИЗО-3,detained,confidential
C06,P10,RU,ст. 275 УК РФ,Крымский суд,2023-01-01,СИЗО-1,detained,confidential
"""
ASSESS_HEAD = "person_id,definition,decision,decided_on,organisation,statement\n"
ASSESS_SHOWN = "P01,guidelines-2013,recognised,2024-01-01,Demo Rights Group,https://example.org/s/1\n" \
               "P02,guidelines-2013,recognised,2024-01-01,Demo Rights Group,https://example.org/s/2\n" \
               "P04,guidelines-2013,recognised,2024-01-01,Demo Rights Group,https://example.org/s/4\n"
ASSESS_HIDDEN = "P10,guidelines-2013,recognised,2024-01-01,Demo Rights Group,https://example.org/s/10\n"
LIST_1 = """№,ФИО,Дата рождения
1,Иванов Иван,01.05.1980
2,Борисов,
3,Сидоров Сидор,1990
4,Секретная Мария Петровна,03.02.1990
5,Коваленко Олександр,1975
6,Петров Пётр Петрович,12.03.1985
7,Никто Неизвестный,
8,Секретная Мария Петровна,03.02.1990
9,Smith John,1970
"""
LIST_2 = """№,ФИО,Дата рождения
1,Иванов Иван Иванович,01.05.1980
2,Секретная Мария Петровна,03.02.1990
3,Коваленко Олександр,1975
4,Борисов Борис,1970
5,Иванов Иван,
6,Петров Пётр,
7,Борисов Пётр,1970
8,Smith,
"""
DEF = "guidelines-2013"


def _build(db: Db, tmp: Path, *, hidden: bool) -> Web:
    tmp.mkdir(parents=True, exist_ok=True)
    for kind, head, shown, extra in (("persons", PERSONS_HEAD, PERSONS_SHOWN, PERSONS_HIDDEN),
                                     ("cases", CASES_HEAD, CASES_SHOWN, CASES_HIDDEN),
                                     ("assessments", ASSESS_HEAD, ASSESS_SHOWN, ASSESS_HIDDEN)):
        path = tmp / f"{kind}.csv"
        path.write_text(head + shown + (extra if hidden else ""), "utf-8")
        import_file(db.engine, kind, path, actor="setup")
    media = tmp / "media"
    s1 = evidence.add_source(db.engine, actor="setup", media_dir=media, url="https://example.org/court-1",
                             title="Court record", sensitivity="public")
    evidence.cite(db.engine, actor="setup", source_id=s1, entity_type="person", entity_id=4)
    if hidden:
        s2 = evidence.add_source(db.engine, actor="setup", media_dir=media, url="https://example.org/informant",
                                 title="Informant", sensitivity="confidential")
        evidence.cite(db.engine, actor="setup", source_id=s2, entity_type="person", entity_id=4)
    for role in ("viewer", "editor"):
        create_user(db.engine, username=role, password=PASSWORD, role=role, actor="test")
    settings = Settings(db=db.url, media_dir=media, login_max_failures=3, login_lockout_seconds=60)
    web = Web(create_app(settings, engine=db.engine), db, settings, tmp)
    editor = web.client("editor")
    token = csrf(editor.get("/vetting").text)
    for label, listing in (("first", LIST_1), ("second", LIST_2)):
        if label == "second":
            if hidden:   # an editor confirms the hidden person's row: the viewer's world never had it
                assert editor.post("/api/vetting/runs/1/rows/4/review", json={"judgement": "same"},
                                   headers={"X-CSRF-Token": token}).status_code == 200
            assert editor.post("/api/vetting/runs/1/rows/5/review", json={"judgement": "same"},
                               headers={"X-CSRF-Token": token}).status_code == 200
        r = editor.post("/api/vetting/runs", data={"definition_id": DEF, "label": label, "round": "R1", "side": "A"},
                        files={"file": ("list.csv", listing.encode(), "text/csv")}, headers={"X-CSRF-Token": token})
        assert r.status_code == 201, r.text
    outcomes = [("P04", "exchanged")] + ([("P10", "released")] if hidden else [])
    for person, kind in outcomes:
        r = editor.post("/api/vetting/outcomes", json={"person": person, "kind": kind, "date": "2025-05-23",
                                                       "run_id": 1}, headers={"X-CSRF-Token": token})
        assert r.status_code == 201, r.text
    return web


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def worlds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Web, Web]]:
    """Both registries on one backend, built once for the module's tests: they only read (GET) as the
    viewer or an editor, the same paths in both worlds, so what one test leaves behind (sign-ins and
    audited reads in the audit log) is the same on both sides or only in A, and checked by no test.
    The first test of the module, the viewer's comparison, reads them untouched."""
    tmp = tmp_path_factory.mktemp("worlds")
    with ExitStack() as stack:
        stack.enter_context(pytest.MonkeyPatch.context()).setattr(users, "_HASHER", FAST_HASHER)   # as fast_hashing
        a, b = (stack.enter_context(contextmanager(fresh_db)(request, tmp / f"{name}.db", request.param))
                for name in ("with-hidden", "without-hidden"))
        yield _build(a, tmp / "a", hidden=True), _build(b, tmp / "b", hidden=False)


TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+\d{2}:?\d{2}|Z| ?UTC)?")
CSRF = re.compile(r'(name="csrf_token" value=|content=)"[^"]+"')


# the report's fingerprint (reports/fingerprint.py) digests the run's time with its content
FINGERPRINT = re.compile(r"\b[0-9a-f]{4}( [0-9a-f]{4}){4}\b")


def _norm_text(value: str) -> str:
    return FINGERPRINT.sub("<fingerprint>", CSRF.sub(r'\1"-"', TIMESTAMP.sub("<time>", value)))


AUDIT_NUMBERS = frozenset({"id", "batch", "seq", "prev_hash", "hash"})


def _norm(value: Any) -> Any:
    """Timestamps out; audit entries lose their own numbers (A has more entries, chained)."""
    if isinstance(value, dict):
        drop = AUDIT_NUMBERS if {"entity_type", "action"} <= value.keys() else frozenset()
        return {k: _norm(v) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, str):
        return _norm_text(value)
    return value


def _content(path: str, r: Any) -> Any:
    """A response as comparable data: JSON, the cells of an XLSX, the text of a PDF, or the body."""
    if path.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(r.content))
        return {ws.title: [[_norm_text(str(c)) if c is not None else None for c in row]
                           for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    if path.endswith(".pdf"):
        return _norm_text("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages))
    if r.headers.get("content-type", "").startswith("application/json"):
        return _norm(r.json())
    return _norm_text(r.text)


READS = [
    "/api/persons", "/api/persons?q=Иванов", "/api/persons?q=Иванов Иван&limit=1", "/api/persons?q=Сидоров",
    "/api/persons?q=Иванов&transliterate=false", "/api/persons?q=Борисов", "/api/persons?flag=violence",
    "/api/persons?flag=terrorism", "/api/persons?article=RU 318", "/api/persons?status=detained",
    "/api/persons?region=Крым", "/api/persons?code=RU",
    *[f"/api/persons/P0{i}" for i in range(1, 7)], *[f"/api/persons/P0{i}/history" for i in range(1, 7)],
    "/api/persons/P07", "/api/persons/P10/history", "/api/persons/%237", "/api/persons/%2310",
    "/api/persons/%2399", "/api/persons/P99",
    "/api/dashboard", "/api/duplicates",
    "/api/vetting/runs", "/api/vetting/runs?round=R1", "/api/vetting/runs/1", "/api/vetting/runs/2",
    *[f"/api/vetting/runs/{run}/report.{fmt}" for run in (1, 2) for fmt in ("html", "csv", "xlsx", "pdf")],
    "/api/vetting/diff?a=1&b=2", "/api/vetting/diff?a=2&b=1",
    "/", "/persons?q=Иванов", "/persons/P04", "/persons/P03", "/persons/P07", "/vetting", "/vetting/runs/1",
    "/vetting/runs/2", "/vetting/runs/1?match=review", "/vetting/diff?a=1&b=2",
    *[f"/vetting/runs/1/report.{fmt}" for fmt in ("html", "csv", "xlsx", "pdf")],
    "/api/assessments", *[f"/api/assessments/{i}" for i in range(1, 6)], "/assessments/queue",
    *[f"/assessments/{i}" for i in range(1, 6)], "/api/me", "/persons/P04/edit", "/cases/4/edit",
    "/sources/2/edit", "/duplicates", "/api/persons/P03/custody", "/api/persons/P07/custody",
    "/api/persons/P04/custody", "/api/rounds/R1/summary",
]


def test_a_viewer_reads_the_registry_as_if_hidden_records_did_not_exist(worlds: tuple[Web, Web]) -> None:
    with_hidden, without = worlds
    a, b = with_hidden.client("viewer"), without.client("viewer")
    for path in READS:
        ra, rb = a.get(path), b.get(path)
        assert ra.status_code == rb.status_code, (path, ra.text[:300], rb.text[:300])
        assert _content(path, ra) == _content(path, rb), path


def test_the_worlds_differ_for_an_editor(worlds: tuple[Web, Web]) -> None:
    """The registries really differ where the viewer's reads agree (the comparison can fail)."""
    with_hidden, without = worlds
    a, b = with_hidden.client("editor"), without.client("editor")
    for path in ("/api/vetting/runs/1", "/api/vetting/runs/1/report.csv", "/api/persons?q=Иванов",
                 "/api/vetting/diff?a=1&b=2", "/api/persons/P03", "/api/dashboard", "/api/vetting/runs"):
        assert _content(path, a.get(path)) != _content(path, b.get(path)), path
    csv = a.get("/api/vetting/runs/1/report.csv").text
    assert "P07" in csv and "P08" in csv and "P10" in csv


def _row(report: dict[str, Any], row_id: str) -> dict[str, Any]:
    return next(r for r in report["rows"] if r["id"] == row_id)


def test_findings_each_read_as_without_the_hidden_persons(worlds: tuple[Web, Web]) -> None:
    """The findings of issue 10, each checked on its own: the failure lists every finding that fails
    (on the code before, all of them did)."""
    with_hidden, _without = worlds
    viewer, editor = with_hidden.client("viewer"), with_hidden.client("editor")
    full, seen = editor.get("/api/vetting/runs/1").json(), viewer.get("/api/vetting/runs/1").json()
    assert "P07" in _row(full, "1")["explanation"] and _row(full, "1")["match"] == "review"
    assert "P08" in _row(full, "2")["explanation"] and "2 registry person(s)" in _row(full, "3")["explanation"]
    assert "318" in json.dumps(_row(full, "5")["flag_detail"], ensure_ascii=False)
    hidden_row = _row(seen, "4")
    flags = json.dumps(_row(seen, "5")["flag_detail"], ensure_ascii=False)
    listed = {r["id"]: r for r in viewer.get("/api/vetting/runs").json()}
    diff = json.dumps(viewer.get("/api/vetting/diff?a=1&b=2").json(), ensure_ascii=False)
    history = viewer.get("/api/persons/P04/history").json()
    findings = {
        "close candidates P01 and P07: the viewer's row is a plain match of P01":
            (_row(seen, "1")["match"], _row(seen, "1")["person_id"]) == ("match", "P01"),
        "'closest P08' for a bare surname":
            _row(seen, "2")["explanation"] == "no registry person with a matching name",
        "namesakes with other birth dates: only visible ones counted":
            "1 registry person(s)" in _row(seen, "3")["explanation"],
        "a row of a hidden person keeps neither 'match' nor its score":
            (hidden_row["match"], hidden_row["person_id"], hidden_row["status"], hidden_row["internal_id"])
            == ("no_match", "", "unknown", None) and hidden_row["score"] < 0.5,
        "flags and reasons rest only on visible cases (RU 318 and RU 205.2 are confidential)":
            "RU 111" in flags and "318" not in flags and "205.2" not in flags and "terrorism" not in flags,
        "summary counts know no hidden person":
            (seen["summary"]["by_match"]["match"], full["summary"]["by_match"]["match"]) == (4, 5),
        "GET /api/vetting/runs and the run's header count as the viewer's rows":
            listed[1]["by_status"] == seen["run"]["by_status"] == seen["summary"]["by_status"]
            and listed[1]["missing"] == seen["run"]["missing"] == seen["summary"]["missing"],
        "the missing list (P01 is matched in the viewer's world; P10 is hidden)":
            [m["person_id"] for m in seen["missing"]] == ["P02"],
        "outcomes of hidden persons": [o["person_id"] for o in seen["outcomes"]] == ["P04"],
        "the diff names no hidden person, key or flag":
            all(x not in diff for x in ("P10", "P08", "P07", "205.2")),
        "history: no cite of the confidential source":
            [h["after"] for h in history if h["action"] == "cite"] == ["1"],
    }
    assert [name for name, ok in findings.items() if not ok] == []


def test_not_found_is_one_answer_for_hidden_and_absent(worlds: tuple[Web, Web]) -> None:
    with_hidden, _ = worlds
    viewer = with_hidden.client("viewer")
    for hidden, absent in (("P07", "P99"), ("%237", "%2399")):
        rh, ra = viewer.get(f"/api/persons/{hidden}"), viewer.get(f"/api/persons/{absent}")
        assert rh.status_code == ra.status_code == 404
        assert rh.json()["detail"].replace(hidden.replace("%23", "#"), "X") == \
            ra.json()["detail"].replace(absent.replace("%23", "#"), "X")
        assert "P07" not in rh.text or hidden == "P07"
        page_h, page_a = viewer.get(f"/persons/{hidden}"), viewer.get(f"/persons/{absent}")
        assert page_h.status_code == page_a.status_code == 404
        assert _norm_text(page_h.text).replace(hidden, "X").replace(hidden.replace("%23", "#"), "X") == \
            _norm_text(page_a.text).replace(absent, "X").replace(absent.replace("%23", "#"), "X")

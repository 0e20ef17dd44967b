"""A small registry with users of every role, and a TestClient signed in as one of them."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from argon2 import PasswordHasher

from kartoteka.services import users
from kartoteka.services.imports import import_file
from kartoteka.services.users import create_user
from kartoteka.settings import Settings
from kartoteka.web.app import create_app
from tests.conftest import Db

PASSWORD = "correct horse battery"
XSS = "<script>alert('x')</script>"
PERSONS = f"""id,name,aliases,birth_date,gender,region,sensitivity
P1,Иванов Иван Иванович,IVANOV Ivan,1980-05-01,m,Москва,public
P2,Oleksandr Kovalenko,,1975,m,Kherson,internal
P3,Секретная Мария Петровна,,1990-02-03,f,Крым,confidential
P4,"{XSS} Smith",,1970,m,Tver,internal
"""
CASES = """case_id,person_id,jurisdiction,articles,detained_on,facility,status,sensitivity
C1,P1,RU,ч. 2 ст. 280.3 УК РФ,2022-03-01,ИК-2,convicted,public
C2,P3,RU,ст. 275 УК РФ,2023-01-01,СИЗО-1,detained,confidential
C3,P2,RU,ст. 205.2 УК РФ,2021-07-07,СИЗО-2,detained,confidential
"""


@dataclass
class Web:
    app: FastAPI
    db: Db
    settings: Settings
    tmp: Path

    def client(self, role: str | None = "admin") -> TestClient:
        """A client signed in as the user named after ``role`` (None: anonymous)."""
        c = TestClient(self.app, base_url="https://testserver")
        if role is not None:
            r = c.post("/login", data={"username": role, "password": PASSWORD, "csrf_token": csrf(c.get("/login").text)})
            assert r.status_code in (200, 303), r.text
        return c


def csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "page has no CSRF token"
    return m.group(1)


def finished_run(c: TestClient, job: str) -> int:
    """The run a vetting job (its page ``job``) made, once the job page redirects to it; every page before
    that is the job's own, which refreshes itself."""
    for _ in range(300):
        r = c.get(job, follow_redirects=False)
        if r.status_code == 303 and "/vetting/runs/" in r.headers["location"]:
            return int(r.headers["location"].rsplit("/", 1)[1])
        assert r.status_code == 200 and 'http-equiv="refresh"' in r.text, r.text
        time.sleep(0.1)
    raise AssertionError("vetting did not finish")


def write_registry(engine_db: Db, tmp: Path) -> None:
    (tmp / "persons.csv").write_text(PERSONS, encoding="utf-8")
    (tmp / "cases.csv").write_text(CASES, encoding="utf-8")
    import_file(engine_db.engine, "persons", tmp / "persons.csv", actor="test")
    import_file(engine_db.engine, "cases", tmp / "cases.csv", actor="test")


FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with small costs: the tests check the logic, not the cost (tests/services/test_users.py does)."""
    monkeypatch.setattr(users, "_HASHER", FAST_HASHER)


@pytest.fixture
def web(db: Db, tmp_path: Path) -> Iterator[Web]:
    write_registry(db, tmp_path)
    for role in ("viewer", "editor", "reviewer", "admin"):
        create_user(db.engine, username=role, password=PASSWORD, role=role, actor="test")
    settings = Settings(db=db.url, media_dir=tmp_path / "media", login_max_failures=3, login_lockout_seconds=60)
    yield Web(create_app(settings, engine=db.engine), db, settings, tmp_path)


ClientFor = Callable[[str | None], TestClient]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])

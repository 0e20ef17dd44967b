"""The cache of parsed catalogs: the same data as parsing, never a stale copy, never in the way."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml

from kartoteka import yamldata


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "kartoteka" / "catalogs"


def _no_parsing(text: str | bytes) -> object:
    raise AssertionError("parsed, not read from the cache")


def test_every_catalog_reads_the_same_from_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = Path(str(resources.files("kartoteka").joinpath("data")))
    texts = [p.read_text("utf-8") for p in sorted(folder.rglob("*.yaml"))]
    assert len(texts) >= 8
    first = [yamldata.safe_load(t) for t in texts]
    assert first == [yaml.safe_load(t) for t in texts]
    assert len(list(cache.glob("*.marshal"))) == len(set(texts))
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    monkeypatch.setattr(yamldata, "_parse", _no_parsing)
    assert [yamldata.safe_load(t) for t in texts] == first


def test_a_changed_catalog_is_read_afresh(cache: Path) -> None:
    assert yamldata.safe_load("names: [Ivan]\n") == {"names": ["Ivan"]}
    assert yamldata.safe_load("names: [Ivan, Petro]\n") == {"names": ["Ivan", "Petro"]}
    assert yamldata.safe_load(b"names: [Ivan]\n") == {"names": ["Ivan"]}


def test_data_marshal_cannot_hold_is_parsed_each_time(cache: Path) -> None:
    assert yamldata.safe_load("since: 2024-01-02\n") == {"since": dt.date(2024, 1, 2)}
    assert list(cache.glob("*.marshal")) == []


def test_no_cache_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert yamldata.safe_load("a: 1\n") == {"a": 1}


def test_a_cached_catalog_needs_no_pyyaml(cache: Path) -> None:
    text = "letters: {а: 1}\n"
    yamldata.safe_load(text)
    code = ("import json, sys\nfrom kartoteka import yamldata\n"
            f"data = yamldata.safe_load({text!r})\nprint(json.dumps([data, 'yaml' in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "XDG_CACHE_HOME": str(cache.parent.parent)})
    assert json.loads(done.stdout) == [{"letters": {"а": 1}}, False]


def test_cached_results_follow_their_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls: list[int] = []

    def build(n: int) -> list[int]:
        calls.append(n)
        return [n, n + 1]

    assert yamldata.cached("t", [b"a", b"b"], lambda: build(1)) == [1, 2]
    assert yamldata.cached("t", [b"a", b"b"], lambda: build(2)) == [1, 2]       # from the cache
    assert yamldata.cached("t", [b"ab", b""], lambda: build(3)) == [3, 4]       # other sources: built again
    assert yamldata.cached("u", [b"a", b"b"], lambda: build(4)) == [4, 5]       # another name
    assert calls == [1, 3, 4]

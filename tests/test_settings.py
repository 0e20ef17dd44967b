"""Settings from KARTOTEKA_* variables: precedence, parsing, refusals that never show the value."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from kartoteka.errors import reason_of
from kartoteka.settings import Settings, get_settings
from kartoteka.web.i18n import translations


def test_a_given_value_wins_over_the_environment_which_wins_over_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().max_rows == 2_000_000
    monkeypatch.setenv("KARTOTEKA_MAX_ROWS", "1234")
    monkeypatch.setenv("kartoteka_media_dir", "/srv/files")   # any case, as pydantic-settings read them
    s = Settings()
    assert (s.max_rows, s.media_dir) == (1234, Path("/srv/files"))
    assert Settings(max_rows=7).max_rows == 7
    get_settings.cache_clear()
    assert get_settings().max_rows == 1234
    get_settings.cache_clear()


def test_values_are_parsed_to_their_types() -> None:
    s = Settings(max_rows=" 12 ", media_dir="m", font_dir="", signing_key="k.pem")  # type: ignore[arg-type]
    assert (s.max_rows, s.media_dir, s.font_dir, s.signing_key) == (12, Path("m"), None, Path("k.pem"))
    assert s.replace(job_seconds=9).job_seconds == 9 and s.model_copy(update={"actor": "a"}).actor == "a"
    assert Settings(db="reg.db").db_url == "sqlite:///reg.db"


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("KARTOTEKA_MAX_ROWS", "12x9", "KARTOTEKA_MAX_ROWS must be a whole number"),
    ("KARTOTEKA_JOB_MEMORY_MB", "63", "KARTOTEKA_JOB_MEMORY_MB must be at least 64"),
    ("KARTOTEKA_SECRET_KEY", "changeme", "KARTOTEKA_SECRET_KEY must be a random string of at least 32 characters"),
])
def test_a_bad_value_is_refused_naming_the_variable_not_the_value(monkeypatch: pytest.MonkeyPatch, variable: str,
                                                                   value: str, message: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError) as caught:
        Settings()
    text = reason_of(caught.value)
    assert text.startswith(message) and value not in text
    uk = text.translated(translations("uk").gettext)   # type: ignore[attr-defined]
    assert variable in uk and uk != text


def test_the_secret_key_is_not_in_the_repr() -> None:
    key = "k" * 40
    assert key not in repr(Settings(secret_key=key)) and Settings(secret_key=key).secret_key == key


def test_each_field_reads_its_own_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for f in fields(Settings):
        assert f.metadata["name"] == f.name and f.metadata["doc"]
    monkeypatch.setenv("KARTOTEKA_ACTOR", "clerk")
    monkeypatch.setenv("KARTOTEKA_DEFAULT_LANGUAGE", "uk")
    assert (Settings().actor, Settings().default_language) == ("clerk", "uk")

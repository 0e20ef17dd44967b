"""An 'excepted' finding without a note is refused with the definition's exceptions in the reader's language:
the message quotes the catalog's own uk/ru texts (CatalogText), English as before when read as a str."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from kartoteka.errors import InvalidInput, translate
from kartoteka.services import assessments as svc
from kartoteka.services.assessments import CatalogText, SourceRef
from kartoteka.services.imports import import_file
from kartoteka.web.i18n import translations
from tests.conftest import Db


def test_the_exceptions_quoted_in_the_readers_language(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("id,name\nA1,Сорокина Мария\n", "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    aid = svc.create_assessment(db.engine, person="A1", definition_id="guidelines-2013", actor="alice")
    with pytest.raises(InvalidInput) as caught:
        svc.record_finding(db.engine, assessment_id=aid, criterion_id="excl-violence", finding="excepted",
                           actor="alice", cited=[SourceRef("https://example.org/verdict")])
    message = caught.value.headline()
    assert "necessary defence or extreme necessity [memory]" in message          # the English text, as before
    ru = translate(message, translations("ru").gettext)
    assert "необходимая оборона или крайняя необходимость [по памяти]" in ru and "necessary" not in ru
    uk = translate(message, translations("uk").gettext)
    assert "необхідна оборона або крайня необхідність [з пам'яті]" in uk and "necessary" not in uk
    assert translate(message, lambda text: text) == message                     # the CLI's English


def test_catalog_text_falls_back_to_english_and_survives_pickling() -> None:
    text = CatalogText({"en": "one", "ru": "один"})
    assert text == "one" and translate(text, translations("uk").gettext) == "one"
    again = pickle.loads(pickle.dumps(text))
    assert isinstance(again, CatalogText) and translate(again, translations("ru").gettext) == "один"

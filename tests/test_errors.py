"""errors.Message: the English text as before, plus a message id and values the web translates."""

from __future__ import annotations

import pickle

from kartoteka.errors import InvalidInput, Message, N_, NotFound, RowError, message_fields, reason_of, translate
from kartoteka.web.i18n import translations


def test_a_message_is_its_english_text_and_translates_nested_values() -> None:
    inner = Message(N_("'%(text)s' is in the future"), text="2999")
    outer = Message(N_("%(file)s: row %(row)d, column '%(column)s': %(reason)s"),
                    file="a.csv", row=12, column="birth_date", reason=inner)
    assert outer == "a.csv: row 12, column 'birth_date': '2999' is in the future"
    assert str(RowError("a.csv", 12, "birth_date", inner)) == outer
    assert translate(outer, translations("uk").gettext) == "a.csv: рядок 12, стовпець «birth_date»: «2999» — дата в майбутньому"
    assert RowError("a.csv", 12, "birth_date", inner).translated(translations("ru").gettext) == \
        "a.csv: строка 12, столбец «birth_date»: «2999» — дата в будущем"
    assert translate("plain English", translations("uk").gettext) == "plain English"
    copy = pickle.loads(pickle.dumps(outer))
    assert isinstance(copy, Message) and copy.values["row"] == 12 and copy == outer


def test_errors_raised_with_a_message_keep_their_text() -> None:
    exc = NotFound.of(N_("no %(entity)s '%(ref)s'"), entity="person", ref="P9")
    assert str(exc) == "no person 'P9'" and isinstance(exc.headline(), Message)
    assert message_fields(exc.headline()) == {"message_id": "no %(entity)s '%(ref)s'",
                                              "values": {"entity": "person", "ref": "P9"}}
    bad = InvalidInput(Message(N_("%(file)s: the file is empty"), file="x.csv"), [RowError("x.csv", 2, "id", "bad")])
    assert str(bad) == "x.csv: the file is empty\n  x.csv: row 2, column 'id': bad"
    assert bad.headline().msgid == "%(file)s: the file is empty"   # type: ignore[attr-defined]
    assert reason_of(ValueError(Message(N_("contains control characters")))).msgid == "contains control characters"  # type: ignore[attr-defined]
    assert reason_of(ValueError("plain")) == "plain" and message_fields("plain") == {}


def test_a_translation_that_does_not_fit_falls_back_to_english() -> None:
    broken = Message(N_("%(file)s: the file is empty"), file="x.csv")
    assert broken.translated(lambda _: "%(missing)s") == "x.csv: the file is empty"


def test_record_kinds_inside_messages_are_translated_too() -> None:
    from kartoteka.errors import entity_word
    from kartoteka.services.access import not_found

    exc = not_found("person", "P9")
    assert str(exc) == "no person 'P9'"
    assert translate(exc.headline(), translations("ru").gettext) == "не найдено: человек «P9»"
    assert translate(exc.headline(), translations("uk").gettext) == "не знайдено: особа «P9»"
    stale = Message(N_("%(entity)s %(id)s was changed concurrently; reload and try again"),
                    entity=entity_word("case"), id=4)
    assert str(stale).startswith("case 4 was changed")
    assert translate(stale, translations("uk").gettext).startswith("запис «справа 4» одночасно змінив")
    assert entity_word("vetting_run") == "vetting_run"   # a kind without a translation stays as it is

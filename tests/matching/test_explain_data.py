"""Explanations kept as data (matching/explain.py dumps / loads) render the same as before they were stored."""

from kartoteka.matching.explain import N_, dumps, loads, reason, render, render_each
from kartoteka.web.i18n import translations


def test_stored_reasons_render_as_the_originals() -> None:
    items = [reason(N_("%(role)s %(word)s ~ %(registry)s (%(how)s)"), role=reason(N_("surname")), word="Gorinov",
                    registry="Горинов", how=reason(N_("close spelling (%(ratio)s)"), ratio="0.91")),
             reason(N_("no birth date in the list"))]
    again = loads(dumps(items))
    assert again == items
    assert render_each(again) == "; ".join(render(r) for r in items)
    assert render_each(again).startswith("surname Gorinov ~ Горинов (")
    uk = render_each(again, translations("uk").gettext)
    assert uk.startswith("прізвище Gorinov ~ Горинов") and "surname" not in uk
    assert dumps([]) == "[]" and loads("[]") == []

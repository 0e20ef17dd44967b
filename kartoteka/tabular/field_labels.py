"""The fields a file's columns are read into (data/columns.yaml) named in words: the import's column choice,
the audit log and the reports' "Columns" line show ``gettext(FIELD_LABELS[code])``; the code stays the data."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a message for extraction without translating it here."""
    return message


FIELD_LABELS = {
    "aliases": N_("other names"), "articles": N_("articles"), "birth_date": N_("birth date"),
    "case_id": N_("case id"), "case_number": N_("case number"), "category": N_("category"),
    "category_definition": N_("category's definition"), "citizenship": N_("citizenship"), "court": N_("court"),
    "custody": N_("custody"), "decided_on": N_("decided on"), "decision": N_("decision"),
    "definition": N_("definition"), "detained_on": N_("detained on"), "facility": N_("facility"),
    "gender": N_("gender"), "given_name": N_("given name"), "held_by": N_("held by"), "id": N_("identifier"),
    "jurisdiction": N_("jurisdiction"), "name": N_("full name"), "organisation": N_("organisation"),
    "organisations": N_("designated organisations"), "patronymic": N_("patronymic"), "person_id": N_("person id"),
    "rationale": N_("rationale"), "region": N_("region"), "reviewer": N_("reviewer"),
    "row_number": N_("row number"), "sensitivity": N_("sensitivity"), "sentence": N_("sentence"),
    "source": N_("source"), "statement": N_("statement"), "status": N_("status"), "surname": N_("surname"),
    "verdict_on": N_("verdict date"),
}

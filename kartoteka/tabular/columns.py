"""Map a file's headers onto canonical fields: by the aliases in data/columns.yaml, or explicitly."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import cast


from kartoteka import yamldata

from kartoteka.errors import N_, InvalidInput


def normalise_header(text: str) -> str:
    s = text.replace("\ufeff", "").strip().lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")
    s = re.sub(r"[_\-.,;]+", " ", s)   # "Прізвище, ім'я, по батькові" is "Прізвище ім'я по батькові"
    s = re.sub(r"[\s:*]+$", "", s)       # "ПІБ:", "Дата народження*" (a footnote mark)
    return re.sub(r"\s+", " ", s).strip()


def header_forms(text: str) -> tuple[str, ...]:
    """A header as compared with the known column names: normalised, then without a remark in parentheses ("ФИО
    (рус.)", "Дата рождения (дд.мм.гггг)", "Full name (Latin)"), which is tried when the first is not known."""
    first = normalise_header(text)
    if "(" not in text:
        return (first,)
    bare = normalise_header(re.sub(r"\([^()]{0,80}\)", " ", text))
    return (first, bare) if bare and bare != first else (first,)


@lru_cache(maxsize=1)
def column_aliases() -> dict[str, dict[str, list[str]]]:
    text = resources.files("kartoteka").joinpath("data/columns.yaml").read_text("utf-8")
    data = cast(dict[str, dict[str, list[object]]], yamldata.safe_load(text))
    return {k: {f: [str(a) for a in names] for f, names in v.items()} for k, v in data.items()}


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """``["ФИО=name", "Born=birth_date"]`` -> ``{"ФИО": "name", "Born": "birth_date"}``."""
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise InvalidInput.of(N_("column mapping '%(pair)s' must look like HEADER=field"), pair=pair)
        header, fld = pair.split("=", 1)
        header, fld = header.strip(), fld.strip()
        if header in out and out[header] != fld:   # a typo would silently keep only the last
            raise InvalidInput.of(N_("column '%(header)s' is mapped twice (--map %(header)s=%(first)s and "
                                     "--map %(header)s=%(second)s); keep one"), header=header, first=out[header],
                                  second=fld)
        out[header] = fld
    return out


def map_columns(kind: str, headers: list[str], explicit: dict[str, str] | None = None,
                *, filename: str = "") -> dict[str, str]:
    """Return ``{field: header}`` for the fields found among ``headers``.

    Explicit pairs (header -> field) win; other headers are matched by alias. A header that two
    fields claim, or an explicit header that is not in the file, is an error.
    """
    aliases = column_aliases()[kind]
    fields: dict[str, str] = {}
    for header, fld in (explicit or {}).items():
        if header not in headers:
            raise InvalidInput.of(N_("%(file)s: the mapping names column '%(header)s', which the file does not have "
                                     "(its columns: %(columns)s)"), file=filename, header=header,
                                  columns=", ".join(headers))
        if fld not in aliases:
            raise InvalidInput.of(N_("%(file)s: '%(field)s' is not a %(kind)s field (known: %(known)s)"), file=filename,
                                  field=fld, kind=kind, known=", ".join(aliases))
        if fld in fields:   # one field, two columns: one of them would be dropped without a word
            raise InvalidInput.of(N_("%(file)s: the mapping gives field '%(field)s' to two columns, '%(first)s' and "
                                     "'%(second)s'; a field reads one column, so keep one"), file=filename,
                                  field=fld, first=fields[fld], second=header)
        fields[fld] = header
    taken = set(fields.values())
    lookup = {normalise_header(a): f for f, names in aliases.items() for a in [f, *names]}
    for form in (0, 1):   # headers as written first, then without a remark in parentheses ("Full name (Latin)")
        for header in headers:
            forms = header_forms(header)
            if header in taken or header in fields.values() or form >= len(forms):
                continue
            found = lookup.get(forms[form])
            if found and found not in fields:
                fields[found] = header
    return fields

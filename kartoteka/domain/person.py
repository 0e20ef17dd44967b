"""Persons and their names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from kartoteka.domain.dates import PartialDate
from kartoteka.errors import Message, N_


class Gender(str, Enum):
    MALE = "m"
    FEMALE = "f"


class Sensitivity(str, Enum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"


class NameKind(str, Enum):
    PRIMARY = "primary"
    ALIAS = "alias"
    TRANSLITERATION = "transliteration"
    FORMER = "former"


_GENDERS = {
    "m": Gender.MALE, "male": Gender.MALE, "м": Gender.MALE, "ч": Gender.MALE, "муж": Gender.MALE,
    "мужской": Gender.MALE, "чоловіча": Gender.MALE, "чол": Gender.MALE, "man": Gender.MALE,
    "f": Gender.FEMALE, "female": Gender.FEMALE, "ж": Gender.FEMALE, "жен": Gender.FEMALE,
    "женский": Gender.FEMALE, "жіноча": Gender.FEMALE, "жін": Gender.FEMALE, "w": Gender.FEMALE,
    "woman": Gender.FEMALE,
}


def parse_gender(text: str) -> Gender:
    key = text.strip().lower().rstrip(".")
    if key not in _GENDERS:
        raise ValueError(Message(N_("'%(text)s' is not a gender (use m/f, male/female, м/ж or ч/ж)"), text=text))
    return _GENDERS[key]


# a sensitivity as documentation staff write it in Ukrainian or Russian (a column filled by hand)
_SENSITIVITY_WORDS = {
    **dict.fromkeys(("публічний", "публічна", "публічно", "публичный", "публичная", "публично"), Sensitivity.PUBLIC),
    **dict.fromkeys(("внутрішній", "внутрішня", "внутрішнє", "внутренний", "внутренняя", "внутреннее",
                     "для службового користування", "для служебного пользования", "дск", "дсп"),
                    Sensitivity.INTERNAL),
    **dict.fromkeys(("конфіденційний", "конфіденційна", "конфіденційно", "конфиденциальный", "конфиденциальная",
                     "конфиденциально"), Sensitivity.CONFIDENTIAL),
}


def parse_sensitivity(text: str) -> Sensitivity:
    key = text.strip().lower().rstrip(".")
    if key in _SENSITIVITY_WORDS:
        return _SENSITIVITY_WORDS[key]
    try:
        return Sensitivity(text.strip().lower())
    except ValueError:
        raise ValueError(Message(N_("'%(text)s' is not a sensitivity (public, internal or confidential)"),
                                 text=text)) from None


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def script_of(text: str) -> str:
    """'cyrl', 'latn', 'mixed' or 'none' by the letters a text contains."""
    cyr = _CYRILLIC.search(text) is not None
    lat = _LATIN.search(text) is not None
    if cyr and lat:
        return "mixed"
    if cyr:
        return "cyrl"
    return "latn" if lat else "none"


# each script_of value in words (a msgid; "" for none): the person page and `kartoteka show` print these
SCRIPT_LABELS = {"cyrl": N_("cyrillic"), "latn": N_("latin"), "mixed": N_("mixed scripts"), "none": ""}


def script_label(script: str, gettext: Callable[[str], str]) -> str:
    """A name's script in the reader's words: "" for none, an unknown code as it is."""
    label = SCRIPT_LABELS.get(script, script)
    return gettext(label) if label and script in SCRIPT_LABELS else label


@dataclass(frozen=True)
class PersonName:
    full: str
    surname: str = ""
    given_name: str = ""
    patronymic: str = ""
    kind: NameKind = NameKind.PRIMARY
    script: str = ""
    lang: str = ""


@dataclass
class Person:
    ext_id: str
    names: list[PersonName]
    gender: Gender | None = None
    birth_date: PartialDate | None = None
    citizenship: list[str] = field(default_factory=list)
    region: str = ""
    sensitivity: Sensitivity = Sensitivity.INTERNAL

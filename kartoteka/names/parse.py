"""Split a name as written into surname, given name and patronymic.

Handles "Surname Given Patronymic" (the Russian/Ukrainian registry order), "Given Patronymic
Surname", "Surname, Given", an UPPERCASE surname anywhere, and initials ("Sorokina M. A.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kartoteka.names.keys import is_east_asian_surname, particles

_PATRONYMIC = re.compile(
    r"(ович|евич|ьевич|євич|йович|ич|овна|евна|ьевна|ична|инична|івна|ївна|ovich|evich|ovych|ievych|"
    r"yovych|ovna|evna|ivna|yivna|ichna|owitsch|ewitsch|owna|ewna|ovitch|evitch|avič|ovič|evič|ovna|"
    r"оглы|оглу|огълу|огли|кызы|къызы|кизи|улы|уулу|ogly|oglu|oğlu|kyzy|qizi|qızı|uly|uulu|"
    r"ўғли|қизи|ұлы|қызы|o['‘’ʼʻ]g['‘’ʼʻ]li|ugli)$",
    re.IGNORECASE,
)
_INITIAL = re.compile(r"^\w\.?$|^\w\.\w\.?$")


@dataclass(frozen=True)
class NameParts:
    surname: str = ""
    given_name: str = ""
    patronymic: str = ""

    def full(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)


def looks_like_patronymic(token: str) -> bool:
    return len(token) > 4 and bool(_PATRONYMIC.search(token))


def _is_upper_word(token: str) -> bool:
    return len(token) > 1 and token.isupper() and not _INITIAL.match(token)


@lru_cache(maxsize=65536)   # NameParts is immutable
def split_name(text: str) -> NameParts:
    """Best-effort split of a written name. Never fails; unknown structure keeps the order given."""
    s = re.sub(r"\s+", " ", text.strip())
    if not s:
        return NameParts()
    if "," in s:
        surname, rest = (x.strip() for x in s.split(",", 1))
        given = rest.split()
        return NameParts(surname, given[0] if given else "", " ".join(given[1:]))
    toks = s.split(" ")
    # Join initials written as "M. A." or "M.A."
    if len(toks) == 1:
        return NameParts(surname=toks[0])
    upper = [i for i, t in enumerate(toks) if _is_upper_word(t)]
    if len(upper) == 1 and len(toks) >= 2 and not all(_is_upper_word(t) for t in toks):
        i = upper[0]
        others = toks[:i] + toks[i + 1:]
        return NameParts(toks[i], others[0] if others else "", " ".join(others[1:]))
    if len(toks) >= 3 and all(_INITIAL.match(t) for t in toks[1:]):
        return NameParts(toks[0], toks[1], " ".join(toks[2:]))
    if len(toks) == 2 and _INITIAL.match(toks[1]):
        return NameParts(toks[0], toks[1])
    if 2 <= len(toks) <= 3 and is_east_asian_surname(toks[0]) and not is_east_asian_surname(toks[-1]) \
            and not looks_like_patronymic(toks[-1]):
        # East Asian order, surname first: "Kim Jong Un", "Nguyen Van An", "Ким Чен Ир"
        return NameParts(toks[0], " ".join(toks[1:]), "")
    _before, after = particles()
    if len(toks) >= 4 and toks[-1].casefold() in after:
        # Turkic patronymic: "Алиев Рашид Ахмед оглы", "Rashid Akhmed ogly Aliyev" is not handled
        return NameParts(toks[0], " ".join(toks[1:-2]), " ".join(toks[-2:]))
    if len(toks) >= 4 and looks_like_patronymic(toks[-1]) and not _latin(s):
        # several given names or a compound one written with a space: "Сейдаметов Эмир Усеин Ширинович"
        return NameParts(toks[0], " ".join(toks[1:-1]), toks[-1])
    if len(toks) >= 3 and looks_like_patronymic(toks[2]):
        return NameParts(toks[0], toks[1], " ".join(toks[2:]))
    if len(toks) >= 3 and looks_like_patronymic(toks[1]):
        return NameParts(" ".join(toks[2:]), toks[0], toks[1])
    if len(toks) == 2:
        # Latin lists mostly write "Given Surname"; Cyrillic registries "Surname Given".
        if _latin(s):
            return NameParts(toks[1], toks[0])
        return NameParts(toks[0], toks[1])
    latin = _latin(s)
    return NameParts(toks[-1] if latin else toks[0],
                     toks[0] if latin else toks[1],
                     " ".join(toks[1:-1]) if latin else " ".join(toks[2:]))


def _latin(text: str) -> bool:
    """No Cyrillic letters: Latin lists (with or without diacritics: Laškievič) put the given name first."""
    return not any("\u0400" <= c <= "\u04ff" for c in text)


@lru_cache(maxsize=65536)
def guess_language(text: str) -> str:
    """'uk', 'be', 'ru' for Cyrillic text with telling letters, '' otherwise."""
    low = text.lower()
    if any(c in low for c in "їєґ"):
        return "uk"
    if "ў" in low:
        return "be"
    if "і" in low:
        return "be" if any(c in low for c in "ыэ") else "uk"
    if any(c in low for c in "ыэъё"):
        return "ru"
    return ""

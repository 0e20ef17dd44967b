"""Name tokens prepared for comparison: keys, initials, given-name classes and gender hints."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import NamedTuple
from functools import lru_cache

from kartoteka.names.given import given_names
from kartoteka.names.keys import initial_keys, particles, token_keys, tokens

# -ович; -оглы, -улы, -уулу; Georgian -is dze
_PATRONYMIC_M = re.compile(r"(vQ|iQ|viS|vig|viCg|.{3}(?:agl[iu]|ugli|ul[iu]|[aeiou]sd(?:s|se|Ce)))$")
_PATRONYMIC_F = re.compile(r"(vna|Qna|ivna|.{3}(?:[kg]is[iu]|kizi|[aeiou]sasuli))$")   # -овна; -кызы, -гызы; -is asuli
_DOTTED = re.compile(r"(?<![^\W\d_])([^\W\d_]{1,2})\.")


@dataclass(frozen=True, eq=False)
class Token:
    """Tokens are made once per text (make_token is cached), so identity is equality: hashing
    stays cheap in the per-query memo and the block cache."""

    text: str
    keys: frozenset[str]
    initial: bool                    # a one-letter token: "M." in "Sorokina M. A."
    initials: frozenset[str]
    classes: frozenset[int]          # given-name classes (data/names/given_names.yaml)
    dim_classes: frozenset[int]      # classes reached only through a diminutive
    gender: str | None               # from the given-name table
    covers: tuple[int, ...] = ()     # positions in the query (set by the query side)
    parts: tuple[Token, ...] = ()    # the words of a joined name (Эмир-Усеин, "Джон Дэвид"), else ()

    def at(self, covers: tuple[int, ...]) -> Token:
        return Token(self.text, self.keys, self.initial, self.initials, self.classes, self.dim_classes,
                     self.gender, covers, self.parts)


@lru_cache(maxsize=300_000)
def make_token(text: str, initial: bool = False) -> Token:
    """A token; ``initial`` marks a transliterated initial such as "Yu." or "Zh."."""
    text = sys.intern(text)
    letters = [c for c in text if c.isalpha()]
    initial = initial or len(letters) == 1
    keys = token_keys(text)
    if initial:
        return Token(text, keys, True, initial_keys(text), frozenset(), frozenset(), None)
    members = given_names().lookup(text)
    classes = frozenset(m.name.id for m in members)
    dims = frozenset(m.name.id for m in members if m.kind == "dim")
    genders = {m.name.gender for m in members}
    words = [w for w in tokens(text) if len(w) > 1]
    parts = tuple(make_token(w) for w in words) if len(words) > 1 else ()
    if not genders and parts:
        genders = {p.gender for p in parts if p.gender}
    return Token(text, keys, False, initial_keys(text), classes, dims,
                 genders.pop() if len(genders) == 1 else None, (), parts)


def patronymic_gender(tok: Token) -> str | None:
    return _patronymic_gender(tok.keys)


@lru_cache(maxsize=300_000)   # by the keys: a query's tokens are new objects, its keys are not
def _patronymic_gender(keys: frozenset[str]) -> str | None:
    for key in keys:
        if _PATRONYMIC_F.search(key):
            return "f"
        if _PATRONYMIC_M.search(key):
            return "m"
    return None


class PreparedName(NamedTuple):
    """One registry name (primary, alias, transliteration) split into parts (a tuple: millions of
    them are made when the index is built)."""
    full: str
    surname: Token | None
    given: Token | None
    patronymic: Token | None
    kind: str = ""      # "" for the primary name, else person_names.kind (maiden, married, former, pseudonym ...)

    @property
    def gender_hint(self) -> str | None:
        if self.given is not None and self.given.gender:
            return self.given.gender
        if self.patronymic is not None:
            return patronymic_gender(self.patronymic)
        return None


@lru_cache(maxsize=300_000)
def prepare_part(text: str) -> Token | None:
    text = text.strip()
    if not text:
        return None
    words = tokens(text)
    if len(words) > 1 and all(len(w) == 1 for w in words):
        return make_token(words[0])
    return make_token("-".join(words) if len(words) > 1 else (words[0] if words else text))


def prepare_name(full: str, surname: str, given: str, patronymic: str, kind: str = "") -> PreparedName:
    return PreparedName(full, prepare_part(surname), prepare_part(given), prepare_part(patronymic),
                        "" if kind == "primary" else kind)


def query_units(text: str) -> list[Token]:
    """Tokens of a written name (initials split: "M.A." -> M, A) and joined neighbours, so that
    "Kara Murza" can meet "Kara-Murza"."""
    return list(_query_units(text))


@lru_cache(maxsize=50_000)
def _query_units(text: str) -> tuple[Token, ...]:
    """query_units, made once per text (tokens are immutable; namesakes and repeated list names share
    them): rescoring a changed person's duplicates prepares the names of the thousand namesakes of a
    common name in its blocks, most of them written alike."""
    words = [w for w in tokens(text) if w]
    dotted = {m.group(1) for m in _DOTTED.finditer(text)}
    singles = [make_token(w, len(w) <= 2 and w in dotted).at((i,)) for i, w in enumerate(words)]
    pairs = [make_token(words[i] + "-" + words[i + 1]).at((i, i + 1))
             for i in range(len(words) - 1) if len(words[i]) > 1 and len(words[i + 1]) > 1]
    # a double surname written in the other order (Громова-Савельева for Савельева-Громова) is the same one
    pairs += [make_token(words[i + 1] + "-" + words[i]).at((i, i + 1))
              for i in range(len(words) - 1) if len(words[i]) > 2 and len(words[i + 1]) > 2
              and f"{words[i]}-{words[i + 1]}".casefold() in text.casefold()]
    # a compound father's name before a Turkic particle: "Seit-Umer oğlu" (three words) is one patronymic
    after = particles()[1]
    triples = [make_token("-".join(words[i:i + 3])).at((i, i + 1, i + 2))
               for i in range(len(words) - 2)
               if words[i + 2].casefold() in after and len(words[i]) > 1 and len(words[i + 1]) > 1]
    return (*singles, *pairs, *triples)

"""Cross-script comparison keys ("skeletons") for name tokens.

A Cyrillic token has one key; a Latin token has one key per reading convention (English/passport,
German, French, Polish, scholarly), because ``ch`` is ч in English, ш in French and х in German.
Two tokens may name the same thing when their key sets intersect. Tables: data/names/readings.yaml.

Surnames whose usual renderings no reading rule relates (Armenian Hovhannisyan = Оганесян = Ованесян,
Korean Park = Bak = Пак) are listed as classes of forms (``surname_forms``): a token spelled as a listed form,
or sharing a long key with one, also gets the keys of its class's first form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from re import _constants, _parser   # type: ignore[attr-defined]   # to read a rule's first letters (_starts)
from typing import Any, cast


from kartoteka import yamldata

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ‘][^\W\d_]+)*", re.UNICODE)
# Latin and Cyrillic letters that look alike: a word typed or copied with both (Caxaрова with a Latin C, x
# and a; Kirilenko with a Cyrillic О) is read in the script most of its letters are in
_LATIN_LOOKALIKES, _CYRILLIC_LOOKALIKES = "aeopcxykiAEOPCXYKBMHTI", "аеорсхукіАЕОРСХУКВМНТІ"
_TO_CYRILLIC = str.maketrans(_LATIN_LOOKALIKES, _CYRILLIC_LOOKALIKES)
_TO_LATIN = str.maketrans(_CYRILLIC_LOOKALIKES, _LATIN_LOOKALIKES)
_ASCII_LETTER = re.compile(r"[A-Za-z]")


# One substitution of a reading or a fold: (plain string, replacement, None, None) replaced with str.replace
# (much faster than a regular expression), else ("", replacement, a regular expression's sub, start), tried
# only on a text that holds ``start`` (the letter every match begins with; None when not known: always
# tried). A plain tuple: unpacked faster than a NamedTuple in the loop of _apply.
_Rule = tuple[str, str, "Callable[[str, str], str] | None", "str | None"]


@dataclass(frozen=True)
class _Tables:
    cyrillic: dict[str, str]
    letters: dict[str, str]
    readings: dict[str, list[_Rule]]
    folds: list[_Rule]
    particles_before: frozenset[str]
    particles_after: frozenset[str]
    foreign: frozenset[str]
    east_asian: frozenset[str]
    forms: list[tuple[bool, list[str]]]   # surname_forms: (corroborate, the forms) per class

    multi_letters: tuple[str, ...] = field(init=False)   # the letters written with several characters

    def __post_init__(self) -> None:   # (read for every token: made once)
        object.__setattr__(self, "multi_letters", tuple(k for k in self.letters if len(k) > 1))


def _rule(pattern: str, repl: str) -> _Rule:
    if re.escape(pattern) == pattern and "\\" not in repl:
        return (pattern, repl, None, None)
    regex = re.compile(pattern)
    return ("", repl, regex.sub, _starts(regex))


def _starts(regex: re.Pattern[str]) -> str | None:
    """The letter every match of ``regex`` begins with (what it consumes first, past anchors and
    lookarounds), or None when there are several (testing for each costs about what a failed search
    costs), or they are not known, or a match may be empty."""
    if regex.flags & re.IGNORECASE:
        return None
    try:
        letters, empty = _first(list(_parser.parse(regex.pattern)))
    except Exception:   # noqa: BLE001 - an unexpected parse: no shortcut, the rule is always tried
        return None
    return None if letters is None or empty or len(letters) > 1 else letters.pop()


def _first(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """(letters a match of this sequence can begin with or None if unknown, whether it may match empty)."""
    out: set[str] = set()
    for op, av in items:
        if op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
            continue   # zero-width: consumes nothing
        if op is _constants.LITERAL:
            return out | {chr(av)}, False
        if op is _constants.IN:
            letters: set[str] = set()
            for kind, arg in av:
                if kind is _constants.LITERAL:
                    letters.add(chr(arg))
                elif kind is _constants.RANGE and arg[1] - arg[0] <= 30:
                    letters.update(chr(c) for c in range(arg[0], arg[1] + 1))
                else:   # a negated set, a category: anything
                    return None, False
            return out | letters, False
        if op is _constants.SUBPATTERN:
            if av[1] or av[2]:   # flags changed inside
                return None, False
            found, empty = _first(list(av[3]))
        elif op is _constants.BRANCH:
            found, empty = set(), False
            for alternative in av[1]:
                f, e = _first(list(alternative))
                if f is None:
                    return None, False
                found |= f
                empty = empty or e
        elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            found, empty = _first(list(av[2]))
            empty = empty or av[0] == 0
        else:   # any letter, a back reference ...
            return None, False
        if found is None:
            return None, False
        out |= found
        if not empty:
            return out, False
    return out, True


def _apply(rules: list[_Rule], s: str) -> str:
    for literal, repl, sub, starts in rules:
        if sub is None:
            s = s.replace(literal, repl)
        elif starts is None or starts in s:
            s = sub(repl, s)
    return s


def _readings_text() -> str:
    return resources.files("kartoteka").joinpath("data/names/readings.yaml").read_text("utf-8")


def key_sources() -> list[bytes]:
    """What every key depends on: the readings catalog and this module's code (for caches of keys)."""
    return [_readings_text().encode("utf-8"), Path(__file__).read_bytes()]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    text = _readings_text()
    data = cast(dict[str, Any], yamldata.safe_load(text))
    readings = {name: [_rule(a, b) for a, b in rules] for name, rules in data["readings"].items()}
    folds = [_rule(a, b) for a, b in data["folds"]]
    parts = data["particles"]
    forms = [(bool(group["corroborate"]), [str(f) for f in forms])
             for group in data["surname_forms"].values() for forms in group["classes"]]
    return _Tables(dict(data["cyrillic"]), dict(data["letters"]), readings, folds,
                   frozenset(str(p) for p in parts["before"]), frozenset(str(p) for p in parts["after"]),
                   frozenset(data["foreign_readings"]), frozenset(data["east_asian_surnames"]), forms)


# A key this long that a listed surname form has makes a token a member of its class; a shorter one
# (Pak, Bak, Lee: keys any short name may have) counts only when the token is spelled as the form.
FORM_KEY_MIN = 5
_NO_CLASSES: frozenset[int] = frozenset()


@dataclass(frozen=True)
class _Forms:
    """The surname_forms classes, indexed."""
    keys: tuple[frozenset[str], ...]        # per class: the keys every member gets (its first form's)
    corroborate: tuple[bool, ...]           # per class: a match through it needs a patronymic or birth date
    by_key: dict[str, frozenset[int]]       # a long key of a listed form -> its classes
    # a listed form with no long key (Park, Yi): its spelling (see _spelling) -> its classes; a form with a long
    # key needs no entry (a token spelled as it has that key)
    by_spelling: dict[str, frozenset[int]]
    spelling_max: int                       # the longest of those spellings (longer tokens are not looked up)
    every_key: frozenset[str]               # the union of ``keys``


def _spelling(token: str) -> str:
    """A token's letters for comparing with a listed form: lower case, no marks, hyphens or apostrophes."""
    return "".join(c for c in _strip_marks(unicodedata.normalize("NFC", token).lower()) if c.isalpha())


@lru_cache(maxsize=1)
def _forms() -> _Forms:
    by_key: dict[str, set[int]] = {}
    by_spelling: dict[str, set[int]] = {}
    keys: list[frozenset[str]] = []
    for i, (_corroborate, forms) in enumerate(_tables().forms):
        keys.append(_natural(forms[0])[0])
        for form in forms:
            long = [k for k in _natural(form)[0] if len(k) >= FORM_KEY_MIN]
            for k in long:
                by_key.setdefault(k, set()).add(i)
            if not long:
                by_spelling.setdefault(_spelling(form), set()).add(i)
    return _Forms(tuple(keys), tuple(c for c, _ in _tables().forms),
                  {k: frozenset(v) for k, v in by_key.items()}, {k: frozenset(v) for k, v in by_spelling.items()},
                  max(map(len, by_spelling), default=0), frozenset().union(*keys))


def surname_form_keys() -> frozenset[str]:
    """Every key that a class of listed surname forms gives its members."""
    return _forms().every_key


def listed_form(a: str, b: str) -> bool | None:
    """Whether two tokens are one surname only through a class of listed forms (Hovhannisyan / Оганесян,
    Park / Пак): None when their keys meet without it (a transliteration) or they share no class, else
    whether that class wants corroboration (a patronymic or birth date) before a `match`."""
    _ea, _ba, natural_a, classes_a = _keys(a)
    _eb, _bb, natural_b, classes_b = _keys(b)
    shared = classes_a & classes_b
    if not shared or natural_a & natural_b:
        return None
    return any(_forms().corroborate[i] for i in shared)


def is_east_asian_surname(word: str) -> bool:
    return word.casefold() in _tables().east_asian


def particles() -> tuple[frozenset[str], frozenset[str]]:
    """(words joining a surname: фон, de, ibn ...; words following a father's name: оглы, kyzy ...)."""
    t = _tables()
    return t.particles_before, t.particles_after


def without_particles(token: str) -> str:
    """A joined name without its leading particles ("фон-Браун" -> "Браун", "van der Berg" -> "Berg");
    the token itself when it has none or is nothing but particles."""
    words = [w for w in re.split(r"[-\s]+", token) if w]
    before = _tables().particles_before
    i = 0
    while i < len(words) - 1 and words[i].casefold() in before:
        i += 1
    return "-".join(words[i:]) if i else token


def is_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def tokens(text: str) -> list[str]:
    """Word tokens of a name: letters (apostrophes inside a word kept), hyphens split.

    Combining marks left after NFC (the Library of Congress tie bar in t͡s, i͡a) are dropped first."""
    text = "".join(c for c in unicodedata.normalize("NFC", text) if not unicodedata.combining(c))
    return [one_script(w) for w in _TOKEN.findall(text)]


def one_script(word: str) -> str:
    """A word with Latin and Cyrillic letters in the script most of its letters are in, its look-alike
    letters of the other replaced (Caxaрова -> Сахарова, Kirilenko with a Cyrillic О -> Kirilenko); a word
    in one script, or whose other letters have no look-alike, as it is."""
    if not _ASCII_LETTER.search(word) or not _CYRILLIC.search(word):
        return word
    cyrillic = len(_CYRILLIC.findall(word))
    latin = len(_ASCII_LETTER.findall(word))
    return word.translate(_TO_CYRILLIC if cyrillic >= latin else _TO_LATIN)


def fold_key(s: str) -> str:
    """An intermediate spelling folded into a key (for keys built by rule: Куртбекир + ов)."""
    return _fold(s)


def _fold(s: str) -> str:
    return _apply(_tables().folds, s)


def _strip_marks(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def token_keys(token: str) -> frozenset[str]:
    """All skeleton keys of one token (a word; a hyphenated surname is joined first). A joined name
    with leading particles also gets the keys of the rest ("фон-Браун" has the keys of "Браун"); a
    listed surname form also gets the keys of its class (Hovhannisyan has Оганесян's)."""
    return _keys(token)[0]


@lru_cache(maxsize=200_000)
def base_keys(token: str) -> frozenset[str]:
    """Keys from the transliteration readings only (no foreign-name readings): for the given-name table."""
    return _keys(token)[1]


@lru_cache(maxsize=200_000)
def _keys(token: str) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[int]]:
    """(all keys, keys of the transliteration readings, all keys but those of the surname-form classes,
    the classes of listed surname forms the token belongs to)."""
    natural, base = _natural(token)
    forms = _forms()
    classes: set[int] = set()
    if len(token) <= forms.spelling_max + 2:   # (room for marks and hyphens; most tokens are longer)
        classes |= forms.by_spelling.get(_spelling(token), _NO_CLASSES)
    for k in natural:
        if len(k) >= FORM_KEY_MIN:
            classes |= forms.by_key.get(k, _NO_CLASSES)
    if not classes:
        return natural, base, natural, frozenset()
    every = natural.union(*(forms.keys[i] for i in classes))
    return every, base, natural, frozenset(classes)


def _natural(token: str) -> tuple[frozenset[str], frozenset[str]]:
    """(all keys, keys of the transliteration readings) as the readings give them, with and without
    leading particles."""
    bare = without_particles(token)
    every, base = _token_keys(token)
    if bare != token:
        e2, b2 = _token_keys(bare)
        every, base = every | e2, base | b2
    return every, base


def _token_keys(token: str) -> tuple[frozenset[str], frozenset[str]]:
    t = unicodedata.normalize("NFC", token.replace("-", "").replace(" ", "")).lower()
    tables = _tables()
    if is_cyrillic(t):
        key = frozenset({_fold("".join(tables.cyrillic.get(c, c if c.isascii() else "") for c in t))})
        return key, key
    for multi in tables.multi_letters:
        t = t.replace(multi, tables.letters[multi])
    t = _strip_marks("".join(tables.letters.get(c, c) for c in t))
    read = {name: _apply(rules, t) for name, rules in tables.readings.items()}
    folded = {r: _fold(r) for r in set(read.values())}
    every = frozenset(folded.values()) - {""}
    base = frozenset(folded[r] for name, r in read.items() if name not in tables.foreign) - {""}
    return every, base


@lru_cache(maxsize=200_000)
def plain_form(token: str) -> str:
    """A lightly normalised spelling (no folds): for edit distances that the coarse key would blur."""
    t = unicodedata.normalize("NFC", token.replace("-", "")).lower()
    tables = _tables()
    if is_cyrillic(t):
        out = "".join(tables.cyrillic.get(c, c if c.isascii() else "") for c in t)
    else:
        for multi in tables.multi_letters:
            t = t.replace(multi, tables.letters[multi])
        out = _strip_marks("".join(tables.letters.get(c, c) for c in t))
        out = _apply(tables.readings["en"], out)
    return re.sub(r"[^a-zSQC]", "", out).replace("y", "i")


def primary_key(token: str) -> str:
    """One representative key (the shortest, then alphabetical) for display and stable ids."""
    keys = token_keys(token)
    return min(keys, key=lambda k: (len(k), k)) if keys else ""


def initial_keys(token: str) -> frozenset[str]:
    """First skeleton letter(s) of a token, for comparing with initials ("M." ~ Мария)."""
    return frozenset(k[0] for k in base_keys(token) if k)   # not the foreign readings (German v = ф)

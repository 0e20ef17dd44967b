"""Compare one part of a name (surname, given name, patronymic) across scripts and languages.

Each function returns a ``Sim``: a similarity in [0, 1], a short reason for the explanation, and a
conflict ("gender") when the two parts show different genders (Навальный / Навальная).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from kartoteka.matching.config import MatchSettings
from kartoteka.matching.explain import N_, Reason
from kartoteka.matching.tokens import Token, patronymic_gender
from kartoteka.names.given import given_names
from kartoteka.names.keys import is_cyrillic, listed_form, plain_form, surname_form_keys
from kartoteka.names.parse import guess_language

_FATHER_SUFFIXES = ("aviQ", "eviQ", "iviQ", "iQ", "avna", "evna", "ivna", "iQna", "Qna", "na", "viQ")


@dataclass(frozen=True)
class Sim:
    score: float
    how: str
    conflict: str = ""
    # what a `match` then needs besides the names (see scorer.score_candidate): "date" (a full birth date
    # that agrees: typos that make another real name, foldings, short-name typos) or "date_or_patronymic"
    # (a part of a compound name, a Russified surname)
    needs: str = ""
    values: tuple[tuple[str, str], ...] = ()   # for the placeholders in ``how`` (explain.py)

    @property
    def reason(self) -> Reason:
        return (self.how, self.values)


NONE = Sim(0.0, N_("no counterpart"))


def _fuzzy(a: Token, b: Token) -> float:
    """Best of: optimal-string-alignment similarity of the keys (transpositions count once), and of
    the plain spellings (a typo the coarse key would turn into two edits)."""
    best = 0.0
    similarity = OSA.normalized_similarity
    others = _long_keys(b.keys)
    for x, lx in _long_keys(a.keys):
        for y, ly in others:
            if (lx - ly if lx > ly else ly - lx) * 4 <= (lx if lx > ly else ly):  # else below 0.75 anyway
                sim = similarity(x, y)
                if sim > best:
                    best = sim
    pa, pb = plain_form(a.text), plain_form(b.text)
    if min(len(pa), len(pb)) >= 5 and abs(len(pa) - len(pb)) * 4 <= max(len(pa), len(pb)):
        best = max(best, similarity(pa, pb))
    return best


@lru_cache(maxsize=100_000)   # by the keys: a query's tokens are new objects, its keys are not
def _long_keys(keys: frozenset[str]) -> tuple[tuple[str, int], ...]:
    """The keys _fuzzy compares (four letters or more), with their lengths."""
    return tuple((k, len(k)) for k in keys if len(k) >= 4)


@lru_cache(maxsize=100_000)
def _key_lengths(keys: frozenset[str]) -> tuple[int, int]:
    return min(map(len, keys)), max(map(len, keys))


def _far_apart(q: Token, c: Token) -> bool:
    """Whether the two surnames' lengths alone rule out everything compare_surname looks for after the
    initials: every key of one is at least five letters longer than every key of the other (so no key
    is shared, no gender or Russified form), too much longer for _fuzzy to compare any two keys, and
    their plain spellings too different in length for it as well (_fuzzy is 0). A list's joined
    neighbours (Mikhail-Anatolevich) against a registry surname, mostly."""
    if not q.keys or not c.keys:
        return False
    qlo, qhi = _key_lengths(q.keys)
    clo, chi = _key_lengths(c.keys)
    gap = qlo - chi if qlo > chi else clo - qhi
    if gap < 5 or gap * 4 <= max(qhi, chi):
        return False
    pa, pb = len(plain_form(q.text)), len(plain_form(c.text))
    return min(pa, pb) < 5 or abs(pa - pb) * 4 > max(pa, pb)


def father_classes(tok: Token) -> frozenset[int]:
    """Given-name classes of the father's name inside a patronymic (Сергійович, Sergeyevich -> Сергей)."""
    return father_classes_of(tok.keys)


@lru_cache(maxsize=50_000)   # by the keys: a query's tokens are new objects, its keys are not
def father_classes_of(keys: frozenset[str]) -> frozenset[int]:
    table = given_names()
    out: set[int] = set()
    for key in keys:
        for suffix in _FATHER_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 1:
                stem = key[: -len(suffix)]
                guesses = [stem, stem + "i", stem + "ei", stem + "a", stem + "ai", stem + "av"]
                if stem.endswith("l"):  # Яковлевич, Павлович: the father is Яков, Павел
                    guesses += [stem[:-1], stem[:-1] + "el"]
                if stem.endswith("in"):  # Ильинична: Илья
                    guesses.append(stem[:-2] + "a")
                if len(stem) == 2:  # Львович: Лев
                    guesses.append(stem[0] + "e" + stem[1])
                for guess in guesses:
                    out |= table.classes_for_key(guess)
    return frozenset(i for i in out if table.entries[i].gender == "m")


_TURKIC = ("agli", "aglu", "ugli", "uli", "ulu", "kisi", "gisi", "kizi")
# A Georgian patronymic is the father's name in the genitive (-is, after a vowel -s) with dze (son) or
# asuli (daughter): Nodaris dze, Shalvas dze, Zurabis asuli (keys: nadarisdse, Salvasdse, surabisasuli).
_GEORGIAN = ("isdse", "isdCe", "isds", "isasuli")
_GEORGIAN_AFTER_VOWEL = ("sdse", "sdCe", "sds", "sasuli")


def father_stems(tok: Token) -> frozenset[str]:
    """The father's name inside a patronymic as a key stem: Ахмедович, Ахмед оглы, Akhmed-ogly and
    Ахмедоглы all give "agmed" (Turkic patronymics name the father and add оглы/кызы/улы/уулу)."""
    return father_stems_of(tok.keys)


@lru_cache(maxsize=50_000)
def father_stems_of(keys: frozenset[str]) -> frozenset[str]:
    out: set[str] = set()
    for key in keys:
        for suffix in _FATHER_SUFFIXES + _TURKIC:
            if key.endswith(suffix) and len(key) >= len(suffix) + 3:
                out.add(key[: -len(suffix)])
        for suffix in _TURKIC:
            # a father's name ending in the particle's first letter lost it when the key's doubled letters
            # collapsed: Мустафа оглы gives "mustafagli", Рафик кызы "rafikisi"
            if key.endswith(suffix) and len(key) >= len(suffix) + 2:
                out.add(key[: -len(suffix)] + suffix[0])
        for suffix in _GEORGIAN:
            if key.endswith(suffix) and len(key) >= len(suffix) + 3:
                out.add(key[: -len(suffix)])
        for suffix in _GEORGIAN_AFTER_VOWEL:   # Shalvas dze: the stem of Шалвович is "Salv"
            if key.endswith(suffix) and len(key) >= len(suffix) + 4 and key[-len(suffix) - 1] in "aeiou":
                out.add(key[: -len(suffix) - 1])
    return frozenset(out)


def _same_how(a: Token, b: Token) -> str:
    if a.text.casefold() == b.text.casefold():
        return N_("same spelling")
    if is_cyrillic(a.text) != is_cyrillic(b.text):
        return N_("transliteration")
    return N_("spelling variant")


def _feminine(key: str) -> set[str]:
    out = set()
    if key.endswith(("v", "n")):
        out.add(key + "a")
    if key.endswith("i") and len(key) > 3:
        out.add(key[:-1] + "a")
    return out


@lru_cache(maxsize=50_000)   # by the keys: a query's tokens are new objects, its keys are not
def feminine_forms(keys: frozenset[str]) -> frozenset[str]:
    """The feminine forms of the keys (each at most a letter longer than its key)."""
    return frozenset(f for k in keys for f in _feminine(k))


def gender_pair(a: Token, b: Token) -> bool:
    """True when one surname is the other's form for the other gender (Соколов / Соколова)."""
    return bool(feminine_forms(a.keys) & b.keys or feminine_forms(b.keys) & a.keys)


_DIFFERENT_SURNAME = Sim(0.0, N_("different surname"))
_LISTED = Sim(1.0, N_("known form of the same surname"))
_LISTED_CORROBORATED = Sim(1.0, N_("known form of the same surname"), needs="date_or_patronymic")


def compare_surname(q: Token, c: Token, s: MatchSettings) -> Sim:
    if q.initial or c.initial:
        return NONE
    if s.surname_min > 0 and _far_apart(q, c):   # (no similarity at all would still be below the minimum)
        return _DIFFERENT_SURNAME
    shared = q.keys & c.keys
    if shared:
        if not shared.isdisjoint(surname_form_keys()):   # (a listed surname's keys: rarely)
            listed = listed_form(q.text, c.text)
            if listed is not None:   # Hovhannisyan / Оганесян, Park / Пак (data/names/readings.yaml)
                return _LISTED_CORROBORATED if listed else _LISTED
        if folded(q.text, c.text):
            return Sim(s.folded, N_("same only after folding (ж/ш, о/а)"), needs="date")
        return Sim(1.0, _same_how(q, c))
    if gender_pair(q, c):
        return Sim(0.0, N_("form of the other gender"), "gender")
    if russified(q, c):
        return Sim(s.russified, N_("Russified form (-ов/-ев/-ин)"), needs="date_or_patronymic")
    ratio = _fuzzy(q, c)
    if ratio >= s.surname_min:
        return Sim(ratio * s.typo_factor, N_("close spelling (%(ratio)s)"), values=(("ratio", f"{ratio:.2f}"),),
                   needs="date" if other_suffix(q.text, c.text) else "")
    return _DIFFERENT_SURNAME


# Surname-forming suffixes that make another family when one replaces another (plain spellings, see
# plain_form): Костюкевич / Костюкович, Гринчук / Гринчак / Гринчик are different surnames, not typos; an
# Armenian -ян / -янц and a Russian -ов / -ев on one stem are another family too (Петросян / Петросов).
_SUFFIX_GROUPS = (("oviQ", "eviQ"), ("uk", "iuk", "ak", "iak", "ik", "ok"), ("ian", "ianC", "ov", "ev"))


@lru_cache(maxsize=50_000)
def other_suffix(a: str, b: str) -> bool:
    """Two spellings of one stem with different surname suffixes of one group: such a close spelling needs
    a full birth date before it is read as a typo (no list of real surnames knows them all)."""
    pa, pb = plain_form(a), plain_form(b)
    return any(x != y and pa.endswith(x) and pb.endswith(y) and len(pa) > len(x) + 2
               and pa[: -len(x)] == pb[: -len(y)] for group in _SUFFIX_GROUPS for x in group for y in group)


_LATIN_SIBILANTS = re.compile(r"shch|szcz|šč|sch|zh|rz|sh|sz|[žżšщжш]")
_SIBILANT = {"shch": "W", "szcz": "W", "šč": "W", "щ": "W", "sch": "?", "zh": "Z", "rz": "Z", "ž": "Z",
             "ż": "Z", "ж": "Z", "sh": "S", "sz": "S", "š": "S", "ш": "S"}
_CYRILLIC_PAIRS = {("о", "а"), ("а", "о"), ("з", "с"), ("с", "з"), ("г", "х"), ("х", "г")}


def _sibilants(text: str) -> list[str]:
    return [_SIBILANT[m] for m in _LATIN_SIBILANTS.findall(text.lower())]


@lru_cache(maxsize=50_000)
def folded(a: str, b: str) -> bool:
    """Two spellings that share a key only because the key folds letters no transliteration confuses:
    ж/ш (Kozhin / Кашин), a Latin o for a Cyrillic а (akanye goes the other way: Kalesnikava is
    Колесникова), and between Cyrillic spellings о/а, з/с, г/х (unless one is Ukrainian or Belarusian)."""
    sa, sb = _sibilants(a), _sibilants(b)
    if len(sa) == len(sb) and any(x != y and "?" not in (x, y) for x, y in zip(sa, sb)):
        return True
    ca, cb = is_cyrillic(a), is_cyrillic(b)
    if ca == cb:
        if not ca or guess_language(a) or guess_language(b) or len(a) != len(b):
            return False   # Ukrainian and Belarusian forms differ in vowels (Калеснікава / Колесникова)
        return any((x, y) in _CYRILLIC_PAIRS for x, y in zip(a.lower(), b.lower()))
    latin, cyr = (plain_form(b), plain_form(a)) if ca else (plain_form(a), plain_form(b))
    return any(op.tag == "replace" and latin[op.src_pos] == "o" and cyr[op.dest_pos] == "a"
               for op in Levenshtein.editops(latin, cyr))


RUSSIFYING = ("av", "ev", "in")


def russified(a: Token, b: Token) -> bool:
    """One surname is the other with a Russian suffix: Куртбекир / Куртбекиров, Kurtbekir / Куртбекирова."""
    return bool(russified_forms(a.keys) & b.keys or russified_forms(b.keys) & a.keys)


_RUSSIFIED_ENDINGS = tuple(e + f for e in RUSSIFYING for f in ("", "a"))


@lru_cache(maxsize=50_000)
def russified_forms(keys: frozenset[str]) -> frozenset[str]:
    """Keys of the surname with a Russian suffix. A key is already folded: only the junction can fold
    again (Абдулвапи + ев = Абдулвапиев, whose key drops the и before е)."""
    out: set[str] = set()
    for k in keys:
        if len(k) >= 5:
            stems = (k, k[:-1]) if k.endswith("i") else (k,)
            out.update(stem + end for stem in stems for end in _RUSSIFIED_ENDINGS)
    return frozenset(out)


def _initials(q: Token, c: Token) -> Sim:
    return Sim(0.8, N_("initial")) if q.initials & c.initials else Sim(0.0, N_("different initial"))


def compare_given(q: Token, c: Token, s: MatchSettings) -> Sim:
    if q.initial or c.initial:
        return _initials(q, c)
    if q.gender and c.gender and q.gender != c.gender:
        return Sim(0.0, N_("name of the other gender"), "gender")
    if q.keys & c.keys:
        return Sim(1.0, _same_how(q, c))
    shared = q.classes & c.classes
    if shared:
        if shared <= (q.dim_classes | c.dim_classes):
            return Sim(0.92, N_("diminutive"))
        return Sim(0.96, N_("language form"))
    compound = _compound_given(q, c, s)
    if compound is not None:
        return compound
    if q.classes and c.classes:
        return Sim(0.0, N_("different name"))
    ratio = _fuzzy(q, c)
    if ratio >= 0.8:   # a misspelt given name: the patronymic or a birth date must confirm it
        return Sim(ratio * s.typo_factor, N_("close spelling (%(ratio)s)"), needs="date_or_patronymic",
                   values=(("ratio", f"{ratio:.2f}"),))
    short = _short_typo(q, c)
    if short:
        return Sim(s.short_typo, N_("one letter differs"), needs="date")
    return Sim(0.0, N_("different name"))


def _compound_given(q: Token, c: Token, s: MatchSettings) -> Sim | None:
    """One side has several given names (Эмир-Усеин, "John David"): the other side's name(s) must
    all be among them (Эмир ~ Эмир-Усеин); a `match` then needs a patronymic or a birth date."""
    if not (q.parts or c.parts) or (q.parts and c.parts):
        return None
    whole, parts = (q, c.parts) if c.parts else (c, q.parts)
    best = max((compare_given(whole, p, s).score if whole is q else compare_given(p, whole, s).score)
               for p in parts)
    if best >= 0.9:
        return Sim(s.compound_part * best, N_("one of the given names"), needs="date_or_patronymic")
    return None


def _short_typo(q: Token, c: Token) -> bool:
    """Short names one edit apart (Ивн / Иван, Олга / Ольга), which the similarity ratio rejects."""
    pq, pc = plain_form(q.text), plain_form(c.text)
    return min(len(pq), len(pc)) >= 3 and pq[0] == pc[0] and OSA.distance(pq, pc) <= 1


def compare_patronymic(q: Token, c: Token, s: MatchSettings) -> Sim:
    if q.initial or c.initial:
        return _initials(q, c)
    gq, gc = patronymic_gender(q), patronymic_gender(c)
    if gq and gc and gq != gc:
        return Sim(0.0, N_("patronymic of the other gender"), "gender")
    if q.keys & c.keys:
        return Sim(1.0, _same_how(q, c))
    if not gq and not gc and (q.classes or c.classes):
        # a middle name (Брэдшоу Джон Дэвид), not a patronymic: compared as a given name
        middle = compare_given(q, c, s)
        return Sim(middle.score, N_("middle name"), middle.conflict, middle.needs)
    if father_classes(q) & father_classes(c) or father_stems(q) & father_stems(c):
        return Sim(0.95, N_("language form"))
    ratio = _fuzzy(q, c)
    if ratio >= 0.75:
        return Sim(0.9 * ratio + 0.1 * s.typo_factor, N_("language form or close spelling (%(ratio)s)"),
                   values=(("ratio", f"{ratio:.2f}"),))
    return Sim(0.0, N_("different patronymic"))

"""Labelled list rows derived from a synthetic registry, for matching tests and benchmarks.

Every row says how it was made (``_case``), which registry person it names (``_truth``, "" for
nobody) and which decision a careful human would make (``_expect``: match / no_match / review).
Positive cases write a registry person another way (transliteration schemes, press spellings,
Ukrainian/Belarusian forms, diminutives, name order, initials, typos, partial dates); negative cases
are relatives with the same surname, namesakes with another birth date, opposite-gender forms and
unknown people. The generator's material (its own name lists, these diminutives and spelling rules)
is kept apart from the matcher's tables in data/names/, so the benchmark is not circular.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kartoteka.names.translit import transliterate
from kartoteka.synth import registry as reg

POSITIVE = ("translit_icao", "translit_gost", "translit_mvd", "translit_bgn", "translit_loc",
            "translit_iso9", "translit_scholarly", "translit_national", "press_german", "press_french",
            "press_polish", "press_english", "language_form", "language_form_latin", "diminutive",
            "surname_first", "comma_order", "upper_surname", "initials", "no_patronymic", "hyphen_space",
            "typo", "date_year", "date_dotted", "date_off_by_one", "no_date")
NEGATIVE = ("relative", "namesake_other_date", "opposite_gender", "unknown")
SCHEME = {"translit_icao": "icao", "translit_gost": "gost52535", "translit_mvd": "mvd310",
          "translit_bgn": "bgn", "translit_loc": "loc", "translit_iso9": "iso9",
          "translit_scholarly": "scholarly", "press_german": "german", "press_french": "french",
          "press_polish": "polish", "press_english": "english_press"}
NATIONAL = {"ru": "icao", "uk": "kmu2010", "be": "be_national"}
# Generator-side diminutives (the matcher has its own table): Russian full form -> colloquial forms.
DIMINUTIVES = {
    "Александр": ["Саша", "Саня", "Шура"], "Алексей": ["Алёша", "Лёша"], "Андрей": ["Андрюша"],
    "Анатолий": ["Толя"], "Борис": ["Боря"], "Василий": ["Вася"], "Виктор": ["Витя"],
    "Владимир": ["Вова", "Володя"], "Вячеслав": ["Слава"], "Геннадий": ["Гена"], "Григорий": ["Гриша"],
    "Дмитрий": ["Дима", "Митя"], "Евгений": ["Женя"], "Иван": ["Ваня"], "Константин": ["Костя"],
    "Михаил": ["Миша"], "Николай": ["Коля"], "Павел": ["Паша"], "Пётр": ["Петя"], "Сергей": ["Серёжа"],
    "Юрий": ["Юра"], "Яков": ["Яша"], "Леонид": ["Лёня"], "Валерий": ["Валера"], "Станислав": ["Стас"],
    "Анна": ["Аня"], "Александра": ["Саша"], "Анастасия": ["Настя"], "Екатерина": ["Катя"],
    "Елена": ["Лена"], "Евгения": ["Женя"], "Ирина": ["Ира"], "Мария": ["Маша"], "Надежда": ["Надя"],
    "Наталья": ["Наташа"], "Ольга": ["Оля"], "Светлана": ["Света"], "Татьяна": ["Таня"],
    "Юлия": ["Юля"], "Людмила": ["Люда"], "Галина": ["Галя"], "Любовь": ["Люба"], "Ксения": ["Ксюша"],
}
_TO = {  # rough Cyrillic spelling shifts between the languages, for surnames
    ("ru", "uk"): [("ский", "ський"), ("цкий", "цький"), ("ё", "ьо"), ("э", "е"), ("и", "і"), ("ы", "и")],
    ("uk", "ru"): [("ський", "ский"), ("цький", "цкий"), ("і", "и"), ("ї", "и"), ("є", "е"), ("ʼ", ""),
                   ("'", "")],
    ("ru", "be"): [("ский", "скі"), ("ов", "оў"), ("ев", "еў"), ("щ", "шч"), ("ти", "ці"), ("и", "і")],
    ("be", "ru"): [("скі", "ский"), ("оў", "ов"), ("еў", "ев"), ("ў", "в"), ("шч", "щ"), ("і", "и"),
                   ("э", "е")],
}
_LETTERS = {True: "абвгдежзиклмнопрстуфхцчшя", False: "abdefghiklmnoprstuvyz"}


@dataclass
class _Ctx:
    rng: random.Random
    persons: list[dict[str, Any]]
    by_name: dict[tuple[str, str], list[dict[str, Any]]]
    givens: dict[str, list[list[str]]]
    by_norm: dict[tuple[str, str], list[dict[str, Any]]]


_NORM = str.maketrans({"і": "и", "ї": "и", "ы": "и", "є": "е", "э": "е", "ё": "е", "ў": "в", "ґ": "г",
                       "ь": None, "ъ": None, "'": None, "ʼ": None, "-": None, " ": None})


def _norm_surname(surname: str) -> str:
    """Generator-side: one spelling for a surname's Russian/Ukrainian/Belarusian variants."""
    s = surname.lower().translate(_NORM)
    for a, b in (("скии", "ски"), ("ский", "ски"), ("ськии", "ски"), ("ський", "ски"), ("ии", "и"),
                 ("шч", "щ"), ("ов", "ав"), ("о", "а")):
        s = s.replace(a, b)
    return s


def _norm_key(p: dict[str, Any]) -> tuple[str, str]:
    return (_norm_surname(p["surname"]), str(p["_truth"]["given_ru"]))


def _g(p: dict[str, Any]) -> str:
    return str(p["gender"])


def _iso(p: dict[str, Any]) -> str:
    return str(p["_truth"]["birth_iso"])


def _dotted(iso: str) -> str:
    if len(iso) == 10:
        return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}"
    return iso


def _shift(text: str, src: str, dst: str) -> str:
    if src == dst:
        return text
    rules = _TO.get((src, dst)) or (_TO.get((src, "ru"), []) + _TO.get(("ru", dst), []))
    low = text
    for a, b in rules:
        low = low.replace(a, b)
    return low


def _forms(ctx: _Ctx, p: dict[str, Any], field: str) -> list[str]:
    """[ru, uk, be] forms of the person's given name (field='given') or father's name ('father')."""
    ru = p["_truth"]["given_ru" if field == "given" else "father_ru"]
    gender = "m" if field == "father" else _g(p)
    for forms in ctx.givens["male" if gender == "m" else "female"]:
        if forms[0] == ru:
            return forms
    return [ru, ru, ru]


def _full(s: str, g: str, pa: str, *, order: str = "sgp") -> str:
    parts = {"s": s, "g": g, "p": pa}
    return " ".join(parts[c] for c in order if parts[c])


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(["sub", "del", "dup", "swap"])
    letters = _LETTERS[any("\u0400" <= c <= "\u04ff" for c in word)]
    if op == "sub":
        return word[:i] + rng.choice([c for c in letters if c != word[i].lower()]) + word[i + 1:]
    if op == "del":
        return word[:i] + word[i + 1:]
    if op == "dup":
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _positive(ctx: _Ctx, p: dict[str, Any], case: str) -> dict[str, Any]:
    rng = ctx.rng
    lang = p["_truth"]["lang"]
    s, g, pa = p["surname"], p["given_name"], p["patronymic"]
    iso = _iso(p)
    date = iso if rng.random() < 0.75 else _dotted(iso)
    if rng.random() < 0.15:
        date = ""
    name = _full(s, g, pa)
    if case in SCHEME or case == "translit_national":
        scheme = SCHEME.get(case) or NATIONAL[lang]
        if lang != "ru" and case not in ("translit_national",):
            scheme = NATIONAL[lang] if rng.random() < 0.5 else scheme
        lat = [transliterate(x, scheme) for x in (s, g, pa)]
        name = _full(lat[0], lat[1], lat[2] if rng.random() < 0.5 else "", order=rng.choice(["gs", "gps", "sgp"]))
    elif case in ("language_form", "language_form_latin"):
        other = rng.choice([x for x in reg.LANGS if x != lang])
        i = reg.LANGS.index(other)
        father = _forms(ctx, p, "father")
        pat = reg.patronymic(father[0], father, other, _g(p))
        parts = [_shift(s, lang, other), _forms(ctx, p, "given")[i], pat]
        if case == "language_form_latin":
            parts = [transliterate(x, NATIONAL[other]) for x in parts]
            name = _full(parts[1], parts[0], "", order="gs")
        else:
            name = _full(*parts)
    elif case == "diminutive":
        dims = DIMINUTIVES.get(p["_truth"]["given_ru"], [])
        dim = rng.choice(dims) if dims else g
        name = _full(s, dim, "") if rng.random() < 0.5 else transliterate(f"{dim} {s}", "english_press")
    elif case == "surname_first":
        name = _full(transliterate(s, "english_press"), transliterate(g, "english_press"), "")
    elif case == "comma_order":
        name = f"{s}, {g} {pa}".strip() if rng.random() < 0.5 else \
            f"{transliterate(s, 'icao').upper()}, {transliterate(g, 'icao')}"
    elif case == "upper_surname":
        name = f"{g} {pa} {s.upper()}" if rng.random() < 0.5 else \
            f"{transliterate(g, 'bgn')} {transliterate(s, 'bgn').upper()}"
    elif case == "initials":
        name = f"{s} {g[0]}. {pa[0]}." if pa and rng.random() < 0.6 else f"{s} {g[0]}."
        if rng.random() < 0.3:
            name = transliterate(name, "icao")
        date = iso
    elif case == "no_patronymic":
        name = _full(s, g, "")
    elif case == "hyphen_space":
        name = _full(s.replace("-", " "), g, pa, order=rng.choice(["sgp", "gs"]))
        if rng.random() < 0.5:
            name = transliterate(name, "english_press")
    elif case == "typo":
        which = rng.choice(["s", "g"])
        base = [s, g, pa] if rng.random() < 0.5 else [transliterate(x, "english_press") for x in (s, g, pa)]
        if which == "s":
            base[0] = _typo(rng, base[0])
        else:
            base[1] = _typo(rng, base[1])
        name = _full(*base)
    elif case == "date_year":
        date = iso[:4]
    elif case == "date_dotted":
        date = _dotted(iso)
    elif case == "date_off_by_one":
        d = dt.date.fromisoformat(iso) + dt.timedelta(days=rng.choice([-1, 1]))
        date = d.isoformat() if rng.random() < 0.5 else _dotted(d.isoformat())
    elif case == "no_date":
        date = ""
    if case in ("date_year", "date_dotted", "date_off_by_one") or not iso:
        pass
    has_pat = bool(pa) and any(_same_word(w, pa) for w in name.replace(",", " ").split())
    return {"name": name, "birth_date": date if iso else "", "gender": _g(p) if rng.random() < 0.3 else "",
            "_truth": p["id"], "_case": case, "_has_pat": has_pat or (case == "initials" and name.count(".") == 2)
            or (case == "language_form") or (case in SCHEME and len(name.split()) >= 3 + s.count("-"))}


def _same_word(word: str, patronymic: str) -> bool:
    return word.lower() == patronymic.lower()


def _other_date(rng: random.Random, taken: set[str]) -> str:
    while True:
        d = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
        if not any(t and (d.isoformat().startswith(t) or t.startswith(d.isoformat()[:4])) for t in taken):
            return d.isoformat()


def _negative(ctx: _Ctx, p: dict[str, Any], case: str, unknown: dict[str, Any]) -> dict[str, Any] | None:
    rng = ctx.rng
    s, g, pa = p["surname"], p["given_name"], p["patronymic"]
    twins = ctx.by_name[(s, g)]
    taken = {_iso(t) for t in twins}
    lang = p["_truth"]["lang"]
    li = reg.LANGS.index(lang)
    gender = _g(p)
    if case == "relative":
        pool = [f for f in ctx.givens["male" if rng.random() < 0.6 else "female"] if f[0] != p["_truth"]["given_ru"]]
        forms = rng.choice(pool)
        rel_gender = "m" if forms in ctx.givens["male"] else "f"
        sur = reg.feminine_surname(_masculine(s), lang) if rel_gender == "f" else _masculine(s)
        father = _forms(ctx, p, "father")
        pat = reg.patronymic(father[0], father, lang, rel_gender) if rng.random() < 0.5 else ""
        name = _full(sur, forms[li], pat)
        date = _other_date(rng, taken) if rng.random() < 0.6 else ""
        cyr, given_ru = name, forms[0]
    elif case == "namesake_other_date":
        name = cyr = _full(s, g, pa if rng.random() < 0.6 else "")
        given_ru = p["_truth"]["given_ru"]
        date = _other_date(rng, taken)
        if rng.random() < 0.4:
            name = transliterate(name, "icao")
    elif case == "opposite_gender":
        other = "f" if gender == "m" else "m"
        sur = reg.feminine_surname(s, lang) if other == "f" else _masculine(s)
        if sur == s:
            return None
        pair = _paired_given(ctx, p["_truth"]["given_ru"], other)
        forms = pair or rng.choice(ctx.givens["male" if other == "m" else "female"])
        name = cyr = _full(sur, forms[li], "")
        given_ru = forms[0]
        if rng.random() < 0.5:
            name = transliterate(name, "english_press")
        date = "" if rng.random() < 0.5 else _other_date(rng, taken)
        gender = other
    else:
        name = cyr = _full(unknown["surname"], unknown["given_name"],
                           unknown["patronymic"] if rng.random() < 0.6 else "")
        given_ru = unknown["_truth"]["given_ru"]
        date = unknown["_truth"]["birth_iso"]
        if (unknown["surname"], unknown["given_name"]) in ctx.by_name:
            date = _other_date(rng, {_iso(t) for t in ctx.by_name[(unknown["surname"], unknown["given_name"])]})
        if rng.random() < 0.4:
            name = transliterate(name, rng.choice(["icao", "english_press", "german"]))
        gender = _g(unknown)
    return {"name": name, "birth_date": date, "gender": gender if rng.random() < 0.3 else "",
            "_truth": "", "_case": case, "_cyrillic": cyr, "_given_ru": given_ru}


def _masculine(surname: str) -> str:
    for fem, masc in (("ская", "ский"), ("цкая", "цкий"), ("ська", "ський"), ("цька", "цький"),
                      ("ова", "ов"), ("ева", "ев"), ("ёва", "ёв"), ("ина", "ин"), ("ына", "ын"),
                      ("іна", "ін"), ("ая", "ый")):
        if surname.endswith(fem):
            return surname[: -len(fem)] + masc
    return surname


def _paired_given(ctx: _Ctx, ru: str, gender: str) -> list[str] | None:
    pool = ctx.givens["female" if gender == "f" else "male"]
    for forms in pool:
        a, b = forms[0], ru
        if gender == "m":
            a, b = b, a
        if b in (a + "а", a[:-1] + "я", a[:-2] + "ия", a[:-1] + "а"):
            return forms
    return None


def _expect(ctx: _Ctx, row: dict[str, Any], p: dict[str, Any]) -> str:
    """review when another registry person with the same name (in any of the three languages) is not
    told apart by the row."""
    if row["_case"] == "initials":
        others = [o for o in ctx.persons if _norm_surname(o["surname"]) == _norm_surname(p["surname"])
                  and o["given_name"][:1] == p["given_name"][:1] and o["id"] != p["id"]]
    else:
        others = [o for o in ctx.by_norm[_norm_key(p)] if o["id"] != p["id"]]
    for other in others:
        if other["gender"] != p["gender"]:
            continue
        same_father = other["_truth"]["father_ru"] == p["_truth"]["father_ru"]
        has_pat = row["_has_pat"]
        if row["_case"] == "initials":
            same_father = other["patronymic"][:1] == p["patronymic"][:1]
        told_by_pat = has_pat and not same_father
        d, od = row["birth_date"], _iso(other)
        told_by_date = bool(d and od and not _compatible(d, od))
        if not told_by_pat and not told_by_date:
            return "review"
    return "match"


def _compatible(written: str, iso: str) -> bool:
    if "." in written:
        parts = written.split(".")
        written = "-".join(reversed(parts))
    shared = min(len(written), len(iso))
    if written[:shared] == iso[:shared]:
        return True
    if len(written) == 10 and len(iso) == 10:
        a, b = dt.date.fromisoformat(written), dt.date.fromisoformat(iso)
        return abs((a - b).days) <= 1
    return False


def _collides(ctx: _Ctx, row: dict[str, Any]) -> bool:
    """A negative row must not name a registry person it cannot be told apart from (same surname
    and given name in the registry, and no contradicting birth date)."""
    words = row["_cyrillic"].split()
    others = [o for a in words for b in words for o in ctx.by_name.get((a, b), [])]
    others += [o for w in words for o in ctx.by_norm.get((_norm_surname(w), row["_given_ru"]), [])]
    for other in others:
        if not row["birth_date"] or not _iso(other) or _compatible(row["birth_date"], _iso(other)):
            return True
    return False


def generate_list(persons: list[dict[str, Any]], n_rows: int, *, seed: int = 1,
                  negative_share: float = 0.35) -> list[dict[str, Any]]:
    """Labelled list rows: ``id, name, birth_date, gender`` plus ``_truth``, ``_case``, ``_expect``."""
    rng = random.Random(seed)
    by_name: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    by_norm: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for p in persons:
        by_name[(p["surname"], p["given_name"])].append(p)
        by_norm[_norm_key(p)].append(p)
    ctx = _Ctx(rng, persons, by_name, reg._names()["given"], by_norm)
    unknowns = reg.iter_persons(n_rows * 20, seed=seed + 1000)
    rows: list[dict[str, Any]] = []
    n_neg = int(n_rows * negative_share)
    hyphenated = [p for p in persons if "-" in p["surname"]]
    while len(rows) < n_rows - n_neg:
        case = POSITIVE[len(rows) % len(POSITIVE)]
        pool = hyphenated if case == "hyphen_space" and hyphenated else persons
        p = rng.choice(pool)
        if case.startswith("date") and len(_iso(p)) != 10:
            continue
        row = _positive(ctx, p, case)
        row["_expect"] = _expect(ctx, row, p)
        rows.append(row)
    while len(rows) < n_rows:
        case = NEGATIVE[len(rows) % len(NEGATIVE)]
        p = rng.choice(persons)
        if case == "namesake_other_date" and not _iso(p):
            continue
        neg = _negative(ctx, p, case, next(unknowns))
        if neg is not None and not _collides(ctx, neg):
            neg["_expect"] = "no_match"
            rows.append(neg)
    rng.shuffle(rows)
    for i, row in enumerate(rows, 1):
        row["id"] = f"L{i:05d}"
    return rows

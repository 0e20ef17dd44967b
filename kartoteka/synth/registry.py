"""Generate a realistic synthetic registry: persons, cases and assessments, as import files.

Russian, Ukrainian and Belarusian given names, patronymics and gendered surnames; Latin aliases in
several transliteration schemes; partial dates; namesakes; cases under the RU, BY and UA codes with
articles written the way court records and NGO lists write them. Every person is invented.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast


from kartoteka import yamldata

from kartoteka.synth.articles import VIOLENT, pick_charges

LANGS = ("ru", "uk", "be")
PERSON_COLUMNS = ["id", "surname", "given_name", "patronymic", "aliases", "birth_date", "gender",
                  "citizenship", "region", "sensitivity"]
CASE_COLUMNS = ["case_id", "person_id", "jurisdiction", "articles", "court", "detained_on", "verdict_on",
                "sentence", "facility", "status"]
# an imported decision is an (invented) organisation's, with its statement (issue 10)
ASSESSMENT_COLUMNS = ["person_id", "definition", "decision", "decided_on", "organisation", "statement"]
DEMO_ORGANISATIONS = ("Demo Rights Group", "Sample Monitoring Centre", "Example Prisoners Watch")


def _statement(organisation: str, person_id: str) -> str:
    return f"https://example.org/{organisation.lower().replace(' ', '-')}/statements/{person_id}"
COURTS = {
    "RU": ["Южный окружной военный суд", "Московский городской суд", "Второй западный окружной военный суд",
           "Ростовский областной суд", "Тверской районный суд г. Москвы", "Верховный суд ДНР"],
    "UA": ["Шевченківський районний суд м. Києва", "Дніпровський районний суд м. Херсона",
           "Запорізький апеляційний суд"],
    "BY": ["Минский городской суд", "Суд Центрального района г. Минска", "Гомельский областной суд"],
}
CITIZEN_LANG = {"RU": "ru", "UA": "uk", "BY": "be"}


@dataclass
class SynthRegistry:
    persons: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _names() -> dict[str, Any]:
    text = resources.files("kartoteka").joinpath("data/synth/names.yaml").read_text("utf-8")
    return cast(dict[str, Any], yamldata.safe_load(text))


@lru_cache(maxsize=1)
def translit_schemes() -> dict[str, dict[str, Any]]:
    text = resources.files("kartoteka").joinpath("data/synth/translit.yaml").read_text("utf-8")
    return cast(dict[str, dict[str, Any]], yamldata.safe_load(text))


def transliterate(text: str, scheme: str) -> str:
    table: dict[str, str] = translit_schemes()[scheme]["map"]
    out = []
    for ch in text:
        low = ch.lower()
        if low in table:
            lat = table[low]
            out.append(lat.capitalize() if ch != low and lat else lat)
        else:
            out.append(ch)
    return "".join(out)


def feminine_surname(surname: str, lang: str) -> str:
    if "-" in surname:
        return "-".join(feminine_surname(p, lang) for p in surname.split("-"))
    for masc, fem in (("ский", "ская"), ("цкий", "цкая"), ("ской", "ская"), ("ой", "ая"), ("ый", "ая"),
                      ("ський", "ська"), ("цький", "цька"), ("ий", "а"), ("скі", "ская"), ("цкі", "цкая"),
                      ("ов", "ова"), ("ев", "ева"), ("ёв", "ёва"), ("ин", "ина"), ("оў", "ова"), ("ын", "ына"),
                      ("ін", "іна"), ("ёў", "ёва"), ("еў", "ева")):
        if surname.endswith(masc):
            return surname[: -len(masc)] + fem
    return surname  # -енко, -чук, -ич, -ук, -ко and the like do not change


def patronymic(father_ru: str, father_forms: list[str], lang: str, gender: str) -> str:
    table: dict[str, list[str]] = _names()["patronymic"]
    idx = LANGS.index(lang) * 2 + (0 if gender == "m" else 1)
    if father_ru in table:
        return table[father_ru][idx]
    base = father_forms[LANGS.index(lang)]
    suffix = {("ru", "m"): "ович", ("ru", "f"): "овна", ("uk", "m"): "ович", ("uk", "f"): "івна",
              ("be", "m"): "авіч", ("be", "f"): "аўна"}[(lang, gender)]
    if base.endswith(("й", "ь")):
        base = base[:-1]
        suffix = {"ru": "евич" if gender == "m" else "евна", "uk": "йович" if gender == "m" else "ївна",
                  "be": "евіч" if gender == "m" else "еўна"}[lang]
    return base + suffix


def _date(rng: random.Random, start: int, end: int) -> dt.date:
    return dt.date(start, 1, 1) + dt.timedelta(days=rng.randrange((dt.date(end, 12, 31) - dt.date(start, 1, 1)).days))


def _written_birth(rng: random.Random, born: dt.date) -> tuple[str, str]:
    """(as written in the file, ISO at the precision kept)."""
    r = rng.random()
    if r < 0.05:
        return "", ""
    if r < 0.18:
        return str(born.year), str(born.year)
    if r < 0.25:
        return born.strftime("%Y-%m"), born.strftime("%Y-%m")
    if r < 0.55:
        return born.strftime("%d.%m.%Y"), born.isoformat()
    return born.isoformat(), born.isoformat()


def _aliases(rng: random.Random, parts: tuple[str, str, str], lang: str) -> list[str]:
    surname, given, _ = parts
    schemes = [s for s, v in translit_schemes().items() if v["lang"] == lang] or ["icao_ru"]
    if lang != "ru" and rng.random() < 0.3:
        schemes.append("icao_ru")  # Russian-style passports for Ukrainians and Belarusians
    out = []
    for scheme in rng.sample(schemes, k=min(len(schemes), 1 + (rng.random() < 0.3))):
        lat_s, lat_g = transliterate(surname, scheme), transliterate(given, scheme)
        out.append(f"{lat_g} {lat_s}" if rng.random() < 0.6 else f"{lat_s.upper()} {lat_g}")
    return out


def _person(rng: random.Random, index: int) -> dict[str, Any]:
    names = _names()
    citizen = rng.choices(["RU", "UA", "BY"], weights=[55, 25, 20])[0]
    lang = CITIZEN_LANG[citizen]
    gender = "m" if rng.random() < 0.78 else "f"
    given_forms = rng.choice(names["given"]["male" if gender == "m" else "female"])
    father_forms = rng.choice(names["given"]["male"])
    surname_lang = lang if rng.random() < 0.85 else rng.choice(LANGS)
    surname = rng.choice(names["surnames"][surname_lang])
    if gender == "f":
        surname = feminine_surname(surname, lang)
    li = LANGS.index(lang)
    parts = (surname, given_forms[li], patronymic(father_forms[0], father_forms, lang, gender))
    born = _date(rng, 1950, 2004)
    written, iso = _written_birth(rng, born)
    sensitivity = rng.choices(["internal", "public", "confidential"], weights=[70, 20, 10])[0]
    return {
        "id": f"P{index:07d}", "surname": parts[0], "given_name": parts[1], "patronymic": parts[2],
        "aliases": "; ".join(_aliases(rng, parts, lang)), "birth_date": written, "gender": gender,
        "citizenship": citizen, "region": rng.choice(names["regions"][citizen]), "sensitivity": sensitivity,
        "_truth": {"lang": lang, "given_ru": given_forms[0], "father_ru": father_forms[0],
                   "birth_iso": iso, "namesake_of": None},
    }


def _case(rng: random.Random, person: dict[str, Any], n: int) -> dict[str, Any]:
    citizen = person["citizenship"]
    code = citizen if citizen != "UA" else rng.choices(["RU", "UA"], weights=[65, 35])[0]
    articles, kinds = pick_charges(rng, code)
    detained = _date(rng, 2012, 2025)
    verdict = detained + dt.timedelta(days=rng.randrange(90, 700))
    convicted = verdict < dt.date(2026, 6, 1) and rng.random() < 0.8
    years = rng.choice([2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20])
    return {
        "case_id": f"C{n:07d}", "person_id": person["id"], "jurisdiction": code, "articles": articles,
        "court": rng.choice(COURTS[code]), "detained_on": detained.isoformat(),
        "verdict_on": verdict.isoformat() if convicted else "",
        "sentence": f"{years} {'года' if years in (2, 3, 4) else 'лет'} лишения свободы" if convicted else "",
        "facility": f"ИК-{rng.randrange(1, 40)}" if convicted else f"СИЗО-{rng.randrange(1, 9)}",
        "status": "convicted" if convicted else "detained", "_kinds": kinds,
    }


def _assessments(rng: random.Random, person: dict[str, Any], kinds: list[str]) -> list[dict[str, Any]]:
    out = []
    violent = any(k in VIOLENT for k in kinds)
    if rng.random() < 0.65:
        decision = "not_recognised" if violent and rng.random() < 0.8 else (
            "recognised" if rng.random() < 0.85 else "under_review")
        out.append({"person_id": person["id"], "definition": "guidelines-2013", "decision": decision,
                    "decided_on": _date(rng, 2016, 2025).isoformat(),
                    "organisation": rng.choice(DEMO_ORGANISATIONS[:2])})   # one draw, as the seeds expect
    if rng.random() < 0.15 and not violent:
        out.append({"person_id": person["id"], "definition": "amnesty-poc",
                    "decision": "recognised" if "speech" in kinds else "not_recognised",
                    "decided_on": _date(rng, 2016, 2025).isoformat(), "organisation": DEMO_ORGANISATIONS[2]})
    for a in out:
        a["statement"] = _statement(a["organisation"], person["id"])
    return out


def iter_persons(n_persons: int, *, seed: int = 1, namesake_rate: float = 0.02) -> Iterator[dict[str, Any]]:
    """Persons one by one (memory stays flat for a million). About ``namesake_rate`` of them share the
    full name and gender of an earlier person but have another birth date."""
    rng = random.Random(seed)
    recent: list[dict[str, Any]] = []
    for i in range(1, n_persons + 1):
        person = _person(rng, i)
        if recent and rng.random() < namesake_rate:
            twin = rng.choice(recent)
            for key in ("surname", "given_name", "patronymic", "gender", "citizenship", "aliases"):
                person[key] = twin[key]
            person["_truth"] = {**twin["_truth"], "namesake_of": twin["id"],
                                "birth_iso": person["_truth"]["birth_iso"]}
            if person["birth_date"] == twin["birth_date"]:
                born = _date(rng, 1950, 2004)
                person["birth_date"] = person["_truth"]["birth_iso"] = born.isoformat()
        recent.append(person)
        if len(recent) > 500:
            recent.pop(0)
        yield person


def generate_registry(n_persons: int, *, seed: int = 1,
                      progress: Callable[[int, int], None] | None = None) -> SynthRegistry:
    """``progress(done, total)`` is called every 500 persons and at the end."""
    reg = SynthRegistry()
    rng = random.Random(seed + 7)
    for i, person in enumerate(iter_persons(n_persons, seed=seed), 1):
        if progress and (i % 500 == 0 or i == n_persons):
            progress(i, n_persons)
        reg.persons.append(person)
        kinds: list[str] = []
        for _ in range(1 if rng.random() < 0.9 else 2):
            case = _case(rng, person, len(reg.cases) + 1)
            kinds += case["_kinds"]
            reg.cases.append(case)
        reg.assessments += _assessments(rng, person, kinds)
    return reg


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def write_rows(path: Path, columns: list[str], rows: Iterator[dict[str, Any]] | list[dict[str, Any]],
               fmt: str = "csv") -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, extrasaction="ignore") if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for row in rows:
            if writer:
                writer.writerow(row)
            else:
                fh.write(json.dumps(_public(row), ensure_ascii=False) + "\n")
            n += 1
    return n


def write_registry(directory: Path, n_persons: int, *, seed: int = 1, fmt: str = "csv",
                   progress: Callable[[int, int], None] | None = None) -> dict[str, Path]:
    """Write persons, cases and assessments files that ``kartoteka import`` accepts."""
    directory.mkdir(parents=True, exist_ok=True)
    reg = generate_registry(n_persons, seed=seed, progress=progress)
    ext = "csv" if fmt == "csv" else "jsonl"
    paths = {kind: directory / f"{kind}.{ext}" for kind in ("persons", "cases", "assessments")}
    write_rows(paths["persons"], PERSON_COLUMNS, reg.persons, fmt)
    write_rows(paths["cases"], CASE_COLUMNS, reg.cases, fmt)
    write_rows(paths["assessments"], ASSESSMENT_COLUMNS, reg.assessments, fmt)
    return paths

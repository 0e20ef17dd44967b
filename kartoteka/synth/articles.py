"""Charge articles the synthetic generator writes, per jurisdiction, in the notations courts and NGO
lists use. ``kind`` drives the synthetic assessment outcome; it is not a screening rule."""

from __future__ import annotations

import random

# (article, parts, points, kind)
RU: list[tuple[str, list[str], list[str], str]] = [
    ("207.3", ["1", "2"], ["а", "д", "е"], "speech"), ("280.3", ["1"], [], "speech"),
    ("280.4", ["2", "3"], [], "speech"), ("205.2", ["2"], [], "speech"),
    ("282.2", ["1", "2"], [], "religion"), ("282.3", ["1"], [], "speech"),
    ("275", [""], [], "treason"), ("275.1", [""], [], "treason"), ("276", [""], [], "treason"),
    ("205.5", ["1", "2"], [], "terrorism_org"), ("205", ["1", "2"], ["а"], "arson"),
    ("212", ["2"], [], "assembly"), ("318", ["1"], [], "violence_minor"),
    ("105", ["2"], ["ж", "л"], "violence"), ("356", ["1"], [], "war_crime"),
    ("278", [""], [], "seizure"), ("322", ["3"], [], "border"), ("212.1", [""], [], "assembly"),
]
UA: list[tuple[str, list[str], list[str], str]] = [
    ("111-1", ["1", "3", "5"], [], "collaboration"), ("111", ["1", "2"], [], "treason"),
    ("438", ["1", "2"], [], "war_crime"), ("110", ["2", "3"], [], "separatism"),
    ("115", ["2"], [], "violence"), ("258", ["1"], [], "terrorism"), ("436-2", ["1", "3"], [], "speech"),
    ("114-2", ["1", "3"], [], "collaboration"),
]
BY: list[tuple[str, list[str], list[str], str]] = [
    ("342", ["1"], [], "assembly"), ("293", ["1", "2"], [], "assembly"), ("361-1", ["1", "3"], [], "speech"),
    ("361-4", [""], [], "speech"), ("368", ["1"], [], "speech"), ("369", [""], [], "speech"),
    ("130", ["1", "3"], [], "speech"), ("364", [""], [], "violence_minor"), ("363", ["1"], [], "violence_minor"),
    ("339", ["2"], [], "violence_minor"), ("356", [""], [], "treason"), ("289", ["1", "2"], [], "terrorism"),
]
POOLS = {"RU": RU, "UA": UA, "BY": BY}

NOTATIONS = {
    "RU": ["ч. {part} ст. {art} УК РФ", "ст. {art} ч. {part}", "{art} part {part}", "ч.{part} ст.{art}",
           "ч. {part} ст. {art} УК"],
    "UA": ["ч. {part} ст. {art} КК України", "Art. {art}({part}) CC of Ukraine", "ч. {part} ст. {art} ККУ"],
    "BY": ["ч. {part} ст. {art} УК РБ", "ч.{part} ст.{art} УК Беларуси", "ч. {part} ст. {art} УК"],
}
NO_PART = {"RU": ["ст. {art} УК РФ", "ст.{art} УК"], "UA": ["ст. {art} КК України", "Art. {art} CC of Ukraine"],
           "BY": ["ст. {art} УК РБ", "ст. {art} УК"]}
VIOLENT = {"violence", "war_crime", "arson", "seizure"}


def write_charge(rng: random.Random, code: str, art: str, parts: list[str], points: list[str]) -> str:
    part = rng.choice(parts)
    if not part:
        return rng.choice(NO_PART[code]).format(art=art)
    text = rng.choice(NOTATIONS[code]).format(art=art, part=part)
    if points and code == "RU" and rng.random() < 0.3 and text.startswith("ч. "):
        text = f"п. «{rng.choice(points)}» " + text
    return text


def pick_charges(rng: random.Random, code: str) -> tuple[str, list[str]]:
    """A charges text (one to three articles, joined the ways lists join them) and the kinds."""
    pool = POOLS[code]
    chosen = rng.sample(pool, k=1 if rng.random() < 0.7 else min(2, len(pool)))
    texts = [write_charge(rng, code, a, p, pts) for a, p, pts, _ in chosen]
    sep = rng.choice(["; ", ", ", " и " if code != "UA" else " та "])
    return sep.join(texts), [k for *_, k in chosen]

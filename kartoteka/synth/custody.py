"""Synthetic custody for a (synthetic) registry, and a two-sided round: the custody of each person
(most held by RU, some by UA, some released, exchanged or deceased), and one list from each side
naming the persons it wants from the other (with a few it should not: persons already exchanged,
persons the list's own side holds, strangers). For the demo and the tests; nothing here is real."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from kartoteka.synth.lists import _registry_persons, write_as
from kartoteka.synth.registry import iter_persons

CUSTODY_COLUMNS = ["person_id", "held_by", "custody", "place", "since", "confirmed_on", "source", "category",
                   "category_definition"]
RU_STATES = [("serving_sentence", 50), ("pretrial", 20), ("held_without_charge", 10), ("location_unknown", 5),
             ("released", 5), ("exchanged", 6), ("deceased", 2), ("house_arrest", 2)]
UA_STATES = [("serving_sentence", 55), ("pretrial", 25), ("in_absentia", 15), ("released", 5)]
DEFINITION = "guidelines-2013"


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([s for s, _w in weighted], [w for _s, w in weighted])[0]


def _custody(rng: random.Random, p: dict[str, Any]) -> dict[str, str] | None:
    r = rng.random()
    if r < 0.1:
        return None                        # nobody recorded as holding them
    party = "RU" if r < 0.78 else "UA"
    state = _pick(rng, RU_STATES if party == "RU" else UA_STATES)
    if party == "RU":
        category = ("political_prisoner" if p["status"] == "recognised" else
                    rng.choice(["civilian_detainee", "prisoner_of_war", "political_prisoner"]))
    else:
        category = rng.choice(["convicted_collaborator", "other", "prisoner_of_war"])
    year = rng.randint(2019, 2024)
    return {"person_id": p["ext_id"], "held_by": party, "custody": state, "place": "",
            "since": f"{year}-{rng.randint(1, 12):02d}", "confirmed_on": f"{year + 1}-{rng.randint(1, 12):02d}-01"
            if state not in ("released", "exchanged", "deceased", "in_absentia") else "",
            "source": f"https://example.org/synthetic/custody/{p['ext_id']}", "category": category,
            "category_definition": DEFINITION if category == "political_prisoner" else ""}


def _list(path: Path, rng: random.Random, people: list[dict[str, Any]], header: str, claim: str,
          strangers: int, seed: int) -> int:
    rows = [write_as(rng, p) for p in people]
    rows += [write_as(rng, {**s, "birth_date": s["_truth"]["birth_iso"], "lang": s["_truth"]["lang"]})
             for s in iter_persons(strangers, seed=seed)]
    rng.shuffle(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["№", "ФИО", "Дата рождения", header])
        for i, (name, birth) in enumerate(rows, 1):
            writer.writerow([i, name, birth, claim])
    return len(rows)


def write_round(engine: Engine, directory: Path, *, seed: int = 7, size: int = 40) -> dict[str, Path]:
    """custody.csv, list-ua.csv (Ukraine asks for persons Russia holds) and list-ru.csv (Russia asks
    for persons Ukraine holds) under ``directory``."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    people = _registry_persons(engine, DEFINITION)
    held = {p["ext_id"]: c for p in people if (c := _custody(rng, p)) is not None}
    paths = {"custody": directory / "custody.csv", "ua": directory / "list-ua.csv", "ru": directory / "list-ru.csv"}
    with paths["custody"].open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, CUSTODY_COLUMNS)
        writer.writeheader()
        writer.writerows(held.values())

    def pool(party: str, states: set[str] | None = None) -> list[dict[str, Any]]:
        return [p for p in people if p["ext_id"] in held and held[p["ext_id"]]["held_by"] == party
                and (states is None or held[p["ext_id"]]["custody"] in states)]

    def some(found: list[dict[str, Any]], k: int) -> list[dict[str, Any]]:   # a small registry has fewer
        return rng.sample(found, min(k, len(found)))

    in_ru = pool("RU", {"serving_sentence", "pretrial", "held_without_charge", "location_unknown", "house_arrest"})
    ua_asks = some(in_ru, size) + some(pool("RU", {"exchanged", "released"}), 2) + some(pool("UA"), 2)
    ru_asks = some(pool("UA"), size // 2) + some(in_ru, 2)
    _list(paths["ua"], rng, ua_asks, "політв'язень", "так", 3, seed + 11)
    _list(paths["ru"], rng, ru_asks, "политзаключенный", "да", 2, seed + 12)
    return paths

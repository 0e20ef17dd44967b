"""The labelled list generator covers every case and labels rows consistently."""

from kartoteka.synth.registry import generate_registry
from kartoteka.synth.variants import NEGATIVE, POSITIVE, generate_list


def test_every_case_appears_and_labels_are_consistent() -> None:
    persons = generate_registry(400, seed=5).persons
    rows = generate_list(persons, 200, seed=6)
    ids = {p["id"] for p in persons}
    assert {r["_case"] for r in rows} == set(POSITIVE) | set(NEGATIVE)
    assert len({r["id"] for r in rows}) == len(rows) == 200
    negatives = [r for r in rows if r["_case"] in NEGATIVE]
    assert len(negatives) >= 0.3 * len(rows)
    assert all(r["_truth"] == "" and r["_expect"] == "no_match" for r in negatives)
    assert all(r["_truth"] in ids and r["_expect"] in ("match", "review") for r in rows if r["_case"] in POSITIVE)
    assert any(r["_case"] == "translit_gost" and r["name"].isascii() for r in rows)

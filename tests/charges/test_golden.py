"""200+ real-style charge notations (invented cases) read into codes, articles, parts, tags and
designated organisations, including administrative, occupation-era and organisation charges."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from kartoteka.charges import parse_charges
from kartoteka.charges.organisations import find_organisations
from kartoteka.catalogs import article_index
from kartoteka.services.screening import _Charge

GOLDEN = yaml.safe_load((Path(__file__).parent / "golden_charges.yaml").read_text("utf-8"))["cases"]


def _tags(code: str, article: str, part: str, orgs: list[str]) -> list[str]:
    charge = _Charge(f"{code} {article}", code, article_index().get((code, article)), part)
    tags = set(charge.tags()) - {"general_part"}
    if orgs and tags & {"extremism_designation", "terrorism"}:
        from kartoteka.catalogs import load_organisations
        for org in orgs:
            tags |= set(load_organisations()[org].tags)
    return sorted(tags)


def test_the_golden_file_is_big_and_covers_every_kind_of_charge() -> None:
    codes = {e["code"] for c in GOLDEN for e in c["expect"]}
    assert len(GOLDEN) >= 200
    assert {"RU", "UA", "BY", "RU-ADM", "BY-ADM", "DNR", "LNR"} <= codes
    assert sum(1 for c in GOLDEN if c.get("organisations")) >= 15
    assert sum(1 for c in GOLDEN if len(c["expect"]) > 1) >= 25          # several charges in one text


@pytest.mark.parametrize("case", GOLDEN, ids=lambda c: c["text"][:60])
def test_each_notation_reads_as_expected(case: dict[str, Any]) -> None:
    parsed = parse_charges(case["text"], default_code=case.get("default_code"))
    got = [{"code": c.code, "article": c.article, "part": c.part} for c in parsed]
    assert got == [{k: e[k] for k in ("code", "article", "part")} for e in case["expect"]]
    orgs = [o.id for o in find_organisations(case["text"])]
    if "organisations" in case:
        assert orgs == case["organisations"]
    for charge, expected in zip(parsed, case["expect"]):
        assert _tags(charge.code, charge.article, charge.part, orgs) == expected["tags"]

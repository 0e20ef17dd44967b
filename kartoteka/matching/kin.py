"""A changed surname: a list row whose given name, patronymic and full birth date agree with a registry
person is a `review` candidate whatever the surname (marriage, a maiden name, a Russified or native
form the tables do not know). Such persons share no surname block, so they are found through their own
blocks: (full birth date, given-name class or key, father's name) hashed into one sorted array, built
on first use (only rows with a full birth date ask).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from array import array
from functools import lru_cache
from collections.abc import Iterable, Sequence


from kartoteka.domain.dates import PartialDate
from kartoteka.matching.compare import father_classes_of, father_stems_of
from kartoteka.matching.config import MatchSettings
from kartoteka.matching.explain import N_, reason
from kartoteka.matching.index import SortedBlocks
from kartoteka.matching.scorer import Candidate, Query, Scored, options
from kartoteka.matching.tokens import PreparedName, Token, patronymic_gender

if TYPE_CHECKING:   # numpy is loaded when an index is built or read, not at import (CLI start)
    pass

KIN_PART_MIN = 0.9   # given name and patronymic must each agree at least this well


def pairs(given: Token, patronymic: Token) -> tuple[tuple[str, str], ...]:
    """The (given-name block, father's-name block) pairs a person with these names is filed under."""
    # by what the pairs depend on: a token is equal only to itself, and a query's tokens are new objects
    return _pairs_of(given.classes, given.keys, patronymic.keys)


@lru_cache(maxsize=200_000)
def _pairs_of(classes: frozenset[int], keys: frozenset[str], father_keys: frozenset[str]
              ) -> tuple[tuple[str, str], ...]:
    # the given name's classes (Ольга = Olha), or its keys when the table does not know it; the father's
    # name inside the patronymic: its classes (Сергеевна = Serhiivna), else key stems
    given = ["c%d" % c for c in classes] or ["k" + k for k in keys]
    father = ["f%d" % c for c in father_classes_of(father_keys)] or ["s" + k for k in father_stems_of(father_keys)]
    return tuple((g, f) for g in given for f in father)


def _hashes(birth: PartialDate, given: Token, patronymic: Token) -> set[int]:
    """Blocks hash ("kin", date, given block, father block): matching/stored_keys.py relies on it."""
    day = birth.iso()
    return {hash(("kin", day, g, f)) for g, f in pairs(given, patronymic)}


def person_kin(birth: PartialDate | None, names: Sequence[PreparedName]) -> set[int]:
    """The kin blocks of a person born on ``birth`` with these names (none without a full birth date)."""
    blocks: set[int] = set()
    if birth is None or birth.day is None:
        return blocks
    for name in names:
        if name.given is not None and name.patronymic is not None and not name.given.initial:
            blocks |= _hashes(birth, name.given, name.patronymic)
    return blocks


def kin_arrays(persons: Iterable[tuple[int, PartialDate | None, Sequence[PreparedName]]]) -> tuple[bytes, bytes]:
    """(kin block hashes as int64, their rows as int32) of these (row, birth, names), in their order."""
    hashes: list[int] = []
    rows: list[int] = []
    for row, birth, names in persons:
        if birth is not None and birth.day is not None:
            blocks = person_kin(birth, names)
            hashes.extend(blocks)
            rows += [row] * len(blocks)
    return array("q", hashes).tobytes(), array("i", rows).tobytes()


class KinIndex:
    def __init__(self, candidates: Sequence[Candidate], *, parts: Sequence[tuple[bytes, bytes]] | None = None):
        """The candidates' kin blocks; or ``parts``, their ``kin_arrays`` already made (consecutive runs
        of rows, in row order: see Matcher's forked build)."""
        import numpy as np

        if parts is None:
            parts = [kin_arrays((row, cand.birth, cand.names) for row, cand in enumerate(candidates))]
        h = np.concatenate([np.frombuffer(h, dtype=np.int64) for h, _ in parts] or [np.empty(0, np.int64)])
        r = np.concatenate([np.frombuffer(r, dtype=np.int32) for _, r in parts] or [np.empty(0, np.int32)])
        self.block_rows = SortedBlocks(h, r)

    def candidates(self, q: Query) -> set[int]:
        if q.birth is None or q.birth.day is None:
            return set()
        singles = [u for u in q.units if len(u.covers) == 1 and not u.initial]
        blocks: set[int] = set()
        for g in singles:
            for p in singles:
                if p is not g and patronymic_gender(p) is not None:
                    blocks |= _hashes(q.birth, g, p)
        return self.block_rows.lookup(blocks, 200)


def score_kin(q: Query, cand: Candidate, s: MatchSettings) -> Scored | None:
    """A `review`-level score when given name, patronymic and the full birth date agree."""
    if q.birth is None or cand.birth is None or q.birth.day is None or q.birth != cand.birth:
        return None
    for name in cand.names:
        if name.given is None or name.patronymic is None:
            continue
        for gt, gs in options(q, "given", name.given, s):
            if gs.score < KIN_PART_MIN or gs.conflict:
                continue
            for pt, ps in options(q, "patronymic", name.patronymic, s):
                if ps.score < KIN_PART_MIN or ps.conflict or set(gt.covers) & set(pt.covers):
                    continue
                used = set(gt.covers) | set(pt.covers)
                other = next((u.text for u in q.units if len(u.covers) == 1 and u.covers[0] not in used), "")
                why = reason(N_("surname %(word)s differs from %(registry)s: a changed surname (marriage, maiden "
                                "name)? given name, patronymic and birth date agree"), word=other,
                             registry=name.surname.text if name.surname else "")
                return Scored(s.kin_review, name, s.kin_review, {"surname": None, "given": (gt, gs),
                              "patronymic": (pt, ps)}, [(s.kin_review, why)], "exact", q.birth, cand.birth)
    return None

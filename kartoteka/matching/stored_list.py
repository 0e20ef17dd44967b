"""A whole list matched through the stored index, a chunk of rows at a time (``match`` and ``vet``).

``ListMatcher`` is a StoredMatcher whose ``match_many`` first reads, for a chunk of rows at once, everything
the rows will ask the database for: which of their words are registry surnames, the surname variants
near them, the persons of every block their names (and full birth dates) fall in, those persons
themselves (each loaded and prepared once, shared by every row that finds it), and the stored
judgements of the rows. Each row is then matched by the Matcher's own code, which finds all that in
the matcher's caches: the look-ups of a chunk are a few large queries instead of several per row. The
prefetch only fills caches the row-by-row path fills itself, so the decisions are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from sqlalchemy import Connection

from kartoteka.domain.dates import PartialDate
from kartoteka.matching.config import DEFAULT, MatchSettings
from kartoteka.matching.engine import Judgement, MatchResult, NameQuery, query_key
from kartoteka.matching.stored import BLOCK_LIMIT, StoredIndex, StoredKin, StoredMatcher, _in_query
from kartoteka.matching.stored_keys import query_kin, query_pairs, stable_hash
from kartoteka.matching.tokens import Token, query_units
from kartoteka.matching.written import split_written

CHUNK = 1000   # list rows prefetched together
BATCH = 2000   # values per IN (...) of a prefetch query (SQLite allows 32,766 parameters)
Progress = Callable[[int, int], None]


class ListIndex(StoredIndex):
    """A StoredIndex that keeps the persons of every block it has read (the first BLOCK_LIMIT by id, so any
    smaller limit is a prefix), and reads the blocks of many rows in a few queries."""

    def __init__(self, conn: Connection, load: Callable[[set[int]], None],
                 sensitivities: list[str] | None = None) -> None:
        super().__init__(conn, load, sensitivities)
        self.blocks: dict[int, list[int]] = {}
        self.exact: dict[tuple[tuple[str, tuple[int, ...], bool], ...], set[int]] = {}   # of the chunk's rows

    def candidates(self, units: list[Token], *, near: bool = True) -> set[int]:
        if near:
            return super().candidates(units, near=True)
        found: set[int] = set()
        for h in self.exact_blocks(units):
            found.update(self.block_persons_of(h, BLOCK_LIMIT))
        self._load(found)
        return found

    def exact_blocks(self, units: list[Token]) -> set[int]:
        """The blocks of a list name without the near surnames (kept for the rows of the chunk)."""
        key = tuple((u.text, u.covers, u.initial) for u in units)
        hashes = self.exact.get(key)
        if hashes is None:
            hashes = self.exact[key] = {stable_hash(p) for p in query_pairs(units, self, near=False)}
        return hashes

    def block_persons_of(self, h: int, limit: int) -> list[int]:
        ids = self.blocks.get(h)
        if ids is None:
            self.read_blocks((h,))
            ids = self.blocks[h]
        return ids if len(ids) <= limit else ids[:limit]

    def block_persons(self, hashes: set[int], limit: int) -> dict[int, list[int]]:
        self.read_blocks(hashes)
        return {h: self.block_persons_of(h, limit) for h in hashes}

    def read_blocks(self, hashes: Collection[int]) -> None:
        items = sorted(h for h in hashes if h not in self.blocks)
        for h in items:
            self.blocks[h] = []
        for i in range(0, len(items), BATCH):
            for key, pid in _in_query(self.conn, 'SELECT nk."key", nk.person_id FROM name_keys nk{join} '
                                                 'WHERE nk."key" IN ({values}) ORDER BY nk."key", nk.person_id',
                                      items[i:i + BATCH], self.sensitivities):
                ids = self.blocks[key]
                if len(ids) < BLOCK_LIMIT:
                    ids.append(pid)


class ListMatcher(StoredMatcher):
    """A StoredMatcher for long lists: ``match_many`` prefetches per chunk of rows (see the module)."""

    def __init__(self, conn: Connection, *, settings: MatchSettings = DEFAULT,
                 sensitivities: Collection[str] | None = None) -> None:
        super().__init__(conn, settings=settings, sensitivities=sensitivities)
        self.index = ListIndex(conn, self._load, self.sensitivities)
        self._kin = StoredKin(self.index)

    def prefetch(self, qs: Sequence[NameQuery]) -> None:
        """Read what matching ``qs`` will look up, in a few queries (see the module)."""
        index = self.index
        assert isinstance(index, ListIndex)
        names: list[tuple[list[Token], PartialDate | None]] = []
        for q in qs:
            written, inline = split_written(q.name)   # as Matcher.prepare_all
            names += [(query_units(name), q.birth_date or inline) for name in written]
        index.existing({k for units, _ in names for u in units for k in u.keys})   # StoredMatcher._query
        index.exact.clear()
        blocks: set[int] = set()
        for units, birth in names:
            blocks |= index.exact_blocks(units)
            blocks |= {stable_hash(p) for p in query_kin(birth, units)}
        index.read_blocks(blocks)
        found: set[int] = set()
        for h in blocks:
            found.update(index.blocks[h])
        self._load(found)
        self._read_judgements([query_key(q) for q in qs])

    def _read_judgements(self, keys: list[str]) -> None:
        todo = sorted({k for k in keys if not dict.__contains__(self.judgements, k)})
        for k in todo:
            dict.__setitem__(self.judgements, k, [])
        mark = "?" if self.conn.dialect.paramstyle == "qmark" else "%s"
        for i in range(0, len(todo), BATCH):
            part = todo[i:i + BATCH]
            for key, pid, judgement, actor, at in self.conn.exec_driver_sql(
                    "SELECT query_key, person_id, judgement, actor, at FROM match_decisions WHERE other_person_id "
                    "IS NULL AND query_key IN (%s) ORDER BY id" % ", ".join([mark] * len(part)), tuple(part)):
                dict.__getitem__(self.judgements, key).append(Judgement(person_id=pid, judgement=judgement,
                                                                        actor=actor, at=str(at)[:19]))

    def match_many(self, qs: Sequence[NameQuery], progress: Progress | None = None) -> list[MatchResult]:
        out: list[MatchResult] = []
        for start in range(0, len(qs), CHUNK):
            chunk = qs[start:start + CHUNK]
            self.prefetch(chunk)
            for q in chunk:
                out.append(self.match(q))
                if progress and (len(out) % 100 == 0 or len(out) == len(qs)):
                    progress(len(out), len(qs))
        return out

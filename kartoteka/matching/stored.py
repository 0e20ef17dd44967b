"""A matcher that reads its candidates from the stored index (name_keys) instead of the whole registry.

``StoredMatcher(conn)`` is a Matcher whose rows are person ids: every list name's blocks are looked up
with indexed queries (matching/stored_keys.py computes them as the in-memory index does), and only the
persons found are loaded, so a search costs a few index look-ups at any registry size and sees every
committed change at once. Scoring, decisions, judgements and explanations are the Matcher's own.

``StoredMatcher(conn, sensitivities=...)`` is the matcher of the registry restricted to the persons of
those sensitivities (a viewer's world, services/viewer_world.py): its blocks find only those persons,
and the registry-wide statistics (its size, given-name shares, which surnames exist) count only them,
so it answers as ``Matcher.from_engine`` of a registry without the other persons would.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from types import SimpleNamespace
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, func, select

from kartoteka.db.bulk import driver_rows, in_values, int_array, mark
from kartoteka.db.tables import match_decisions, persons
from kartoteka.domain.dates import PartialDate
from kartoteka.matching.config import DEFAULT, MatchSettings
from kartoteka.matching.engine import Judgement, Matcher, _birth, _same_name
from kartoteka.matching.index import CandidateIndex
from kartoteka.matching.kin import KinIndex
from kartoteka.matching.records import chunks, load_records, name_rows
from kartoteka.matching.scorer import Candidate, Query
from kartoteka.matching.stored_keys import query_kin, query_pairs, stable_hash
from kartoteka.matching.tokens import PreparedName, Token, prepare_name, query_units

V = TypeVar("V")
_UNREAD = object()
BLOCK_LIMIT, KIN_LIMIT = 5000, 200   # as CandidateIndex.lookup and KinIndex.candidates: persons per block


class _Loaded(dict[int, V]):
    """Per person id, loaded from the database on first use."""

    def __init__(self, load: Callable[[set[int]], object]) -> None:
        super().__init__()
        self._load = load

    def __missing__(self, key: int) -> V:
        self._load({key})
        if not dict.__contains__(self, key):
            raise KeyError(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key: object) -> bool:
        if not dict.__contains__(self, key) and isinstance(key, int):
            self._load({key})
        return dict.__contains__(self, key)


class _Rows(_Loaded[Candidate]):
    def __init__(self, load: Callable[[set[int]], object], size: Callable[[], int]) -> None:
        super().__init__(load)
        self._size = size

    def __len__(self) -> int:   # the registry's size (Matcher._given_share divides by it)
        return self._size()


class _Judgements(dict[str, list[Judgement]]):
    def __init__(self, conn: Connection) -> None:
        super().__init__()
        self._conn = conn

    def get(self, key: str, default: list[Judgement] | None = None) -> list[Judgement]:  # type: ignore[override]
        if not dict.__contains__(self, key):
            stmt = select(match_decisions).where(match_decisions.c.query_key == key,
                                                 match_decisions.c.other_person_id.is_(None)).order_by(match_decisions.c.id)
            self[key] = [Judgement(r["person_id"], r["judgement"], r["actor"], str(r["at"])[:19])
                         for r in self._conn.execute(stmt).mappings()]
        return dict.__getitem__(self, key)


def _restriction(conn: Connection, sensitivities: list[str] | None) -> tuple[str, str, list[object]]:
    """(placeholder, join, its parameters): name_keys (aliased ``nk``) restricted to the persons of these
    sensitivities (no join when None), in the driver's parameter style."""
    m = mark(conn)
    if sensitivities is None:
        return m, "", []
    return m, " JOIN persons p ON p.id = nk.person_id AND p.sensitivity IN (%s)" % ", ".join(
        [m] * len(sensitivities)), list(sensitivities)


def _in_query(conn: Connection, sql: str, values: Sequence[object],
              sensitivities: list[str] | None) -> list[Any]:
    """Rows of ``sql`` over name_keys (aliased ``nk``), where ``{join}`` becomes the restriction to these
    sensitivities (nothing when None) and ``{values}`` `` IN (...)`` of ``values`` (db/bulk.py in_values): plain driver SQL,
    as a search runs thousands of these and building each statement cost more than running it."""
    _mark, join, params = _restriction(conn, sensitivities)
    clause, values_params = in_values(conn, values)
    return driver_rows(conn, sql.format(join=join, values=clause), params + values_params)


def _exist_query(conn: Connection, keys: Sequence[int], sensitivities: list[str] | None) -> list[Any]:
    """The ``keys`` some row of name_keys (of a person of these sensitivities) has: one EXISTS per key,
    which stops at its first row (a DISTINCT over ``IN`` read every row of a key: a common surname's
    thousands at a million persons, 2 ms a search's key on PostgreSQL). On PostgreSQL the keys come as
    one array (db/bulk.py in_values: one statement text whatever their number)."""
    m, join, restricted = _restriction(conn, sensitivities)
    if conn.dialect.name == "postgresql":
        return driver_rows(conn, f'SELECT k FROM unnest({m}::bigint[]) AS k WHERE EXISTS '
                                 f'(SELECT 1 FROM name_keys nk{join} WHERE nk."key" = k)', [int_array(keys), *restricted])
    one = f'SELECT {m} WHERE EXISTS (SELECT 1 FROM name_keys nk{join} WHERE nk."key" = {m})'
    params: list[object] = []
    for key in keys:
        params += [key, *restricted, key]
    return driver_rows(conn, " UNION ALL ".join([one] * len(keys)), params)


class _GivenCounts(dict[int, int]):
    """Persons whose first given name is in a class, counted in name_keys."""

    def __init__(self, conn: Connection, sensitivities: list[str] | None) -> None:
        super().__init__()
        self._conn, self._sensitivities = conn, sensitivities

    def get(self, c: int, default: int | None = 0) -> int:  # type: ignore[override]
        if not dict.__contains__(self, c):
            self[c] = int(_in_query(self._conn, 'SELECT count(*) FROM name_keys nk{join} WHERE nk."key"{values}',
                                    [stable_hash(("given", "c%d" % c))], self._sensitivities)[0][0])
        return dict.__getitem__(self, c)


class StoredIndex(CandidateIndex):
    def __init__(self, conn: Connection, load: Callable[[set[int]], set[int]],
                 sensitivities: list[str] | None = None) -> None:   # no super(): nothing in memory
        self.conn, self._load, self.sensitivities = conn, load, sensitivities
        self.surname_keys = frozenset()
        # what this matcher has read (its connection's view, for as long as it lives): a list repeats surnames
        self._near: dict[str, set[str]] = {}
        self._exists: dict[str, bool] = {}

    def near_variants(self, variants: set[str]) -> dict[str, set[str]]:
        items = sorted(v for v in variants if v not in self._near)
        for i in range(0, len(items), 500):
            part = items[i:i + 500]
            for v in part:
                self._near[v] = set()
            for v, k in _in_query(self.conn, "SELECT variant, \"key\" FROM surname_variants WHERE variant{values}",
                                  part, None):
                self._near[v].add(k)
        return {v: self._near[v] for v in variants if self._near[v]}

    def existing(self, keys: set[str]) -> set[str]:
        """The surname keys some non-deleted person (of the matcher's sensitivities) carries."""
        by_hash = {stable_hash(("surname", k)): k for k in keys if k not in self._exists}
        items = sorted(by_hash)
        for i in range(0, len(items), 200):
            part = items[i:i + 200]
            found = {h for (h,) in _exist_query(self.conn, part, self.sensitivities)}
            for h in part:
                self._exists[by_hash[h]] = h in found
        return {k for k in keys if self._exists[k]}

    def block_persons(self, hashes: set[int], limit: int) -> dict[int, list[int]]:
        """Person ids per block, the first ``limit`` by id (as the in-memory index keeps them)."""
        out: dict[int, list[int]] = {h: [] for h in hashes}
        items = sorted(hashes)
        for i in range(0, len(items), 500):
            for key, pid in _in_query(self.conn, 'SELECT nk."key", nk.person_id FROM name_keys nk{join} '
                                                 'WHERE nk."key"{values} ORDER BY nk."key", nk.person_id',
                                      items[i:i + 500], self.sensitivities):
                ids = out[key]
                if len(ids) < limit:
                    ids.append(pid)
        return out

    def person_ids(self, pairs: set[tuple[str, ...]], limit: int) -> set[int]:
        found: set[int] = set()
        for ids in self.block_persons({stable_hash(p) for p in pairs}, limit).values():
            found.update(ids)
        return found

    def persons(self, pairs: set[tuple[str, ...]], limit: int) -> set[int]:
        """The persons of these blocks that load: name_keys has no foreign key (migration 0025), so a key
        row may outlive its person when one is removed by hand; such a row finds nobody."""
        return self._load(self.person_ids(pairs, limit))

    def candidates(self, units: list[Token], *, near: bool = True) -> set[int]:
        return self.persons(query_pairs(units, self, near=near), BLOCK_LIMIT)

    def candidate_rows(self, units: list[Token], *, near: bool = True) -> set[int]:
        return self.person_ids(query_pairs(units, self, near=near), BLOCK_LIMIT)   # read when scored


class StoredKin(KinIndex):
    def __init__(self, index: StoredIndex) -> None:   # no super(): nothing in memory
        self.index = index

    def candidates(self, q: Query) -> set[int]:
        return self.index.persons(query_kin(q.birth, q.units), KIN_LIMIT)


# Every character str.strip() removes (str.isspace): a stored given name of only these is no given name.
# Written out: computing it walks every code point, 63 ms of a cold `kartoteka search` of one word
# (tests/matching/test_stored.py computes it and compares).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
              "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def no_given_name(dialect: str) -> str:
    """SQL true for a stored name whose given name is empty or whitespace (as ``prepare_part`` reads it): the
    predicate of the partial index ix_person_names_no_given, written as migration 0034 wrote it (SQLite and
    PostgreSQL use a partial index only for a query that repeats its predicate). Trimmed by characters, not
    bytes, on both."""
    return f"{'trim' if dialect == 'sqlite' else 'btrim'}(given_name, '{WHITESPACE}') = ''"


class StoredMatcher(Matcher):
    """A Matcher over one connection's view of the stored index; rows are person ids. With
    ``sensitivities``, the matcher of only the persons of those sensitivities."""

    def __init__(self, conn: Connection, *, settings: MatchSettings = DEFAULT,
                 sensitivities: Collection[str] | None = None) -> None:   # no super(): lazy
        self.conn, self.settings = conn, settings
        self.sensitivities = sorted(sensitivities) if sensitivities is not None else None
        self.judgements = _Judgements(conn)
        self.ids = cast(list[int], _Loaded[int](self._load))
        self.ext_ids = cast(list[str], _Loaded[str](self._load))
        self.candidates_ = cast(list[Candidate], _Rows(self._load, self._size))
        self.row_of = _Loaded[int](self._load)
        self.index = StoredIndex(conn, self._load, self.sensitivities)
        self._sims = {}
        self._kin = StoredKin(self.index)
        self._given_counts = _GivenCounts(conn, self.sensitivities)
        self._registry_size: int | None = None
        self._tried: set[int] = set()
        self._births: dict[int, PartialDate | None] = {}   # read by _probe: the persons it found, not yet loaded
        self._names_only: dict[int, list[PreparedName]] = {}   # read by _namesakes
        self._live: set[int] = set()   # the ids probed or loaded that this matcher has
        self._probed: set[int] = set()

    def _size(self) -> int:
        if self._registry_size is None:
            stmt = select(func.count()).select_from(persons).where(persons.c.deleted_at.is_(None))
            if self.sensitivities is not None:
                stmt = stmt.where(persons.c.sensitivity.in_(self.sensitivities))
            self._registry_size = self.conn.execute(stmt).scalar_one()
        return self._registry_size

    def _load(self, ids: set[int]) -> set[int]:
        """Load these persons' records (once); the ids among them this matcher has (not deleted, hidden
        or gone)."""
        new = ids - self._tried
        if new:
            self._tried |= new
            self._read(new)
        known = cast(dict[int, Candidate], self.candidates_)
        return {i for i in ids if dict.__contains__(known, i)}

    def _read(self, new: set[int]) -> None:
        """Read these persons (none read before) into the matcher."""
        recs = list(load_records(self.conn, new, sensitivities=self.sensitivities).values())
        shadow = SimpleNamespace(ids=[], ext_ids=[], candidates_=[])
        for _ in Matcher._ingest(cast(Matcher, shadow), recs):   # the Matcher's own record -> candidate
            pass
        for rec, cand in zip(recs, shadow.candidates_):
            dict.__setitem__(cast(dict[int, int], self.ids), rec.id, rec.id)
            dict.__setitem__(cast(dict[int, str], self.ext_ids), rec.id, rec.ext_id)
            dict.__setitem__(cast(dict[int, Candidate], self.candidates_), rec.id, cand)
            dict.__setitem__(self.row_of, rec.id, rec.id)
            self._live.add(rec.id)

    def _probe(self, ids: set[int]) -> set[int]:
        """The ids among these that this matcher has (as ``_load`` tells), with their birth dates read but
        not their names: a long list's rows skip most namesakes of a common name for their birth dates
        (Matcher._rank), so only the others are loaded (ListMatcher)."""
        new = ids - self._probed - self._tried   # (sets: a dict's keys would be walked whole each time)
        self._probed.update(new)
        shown = self.sensitivities or []
        where = f" AND sensitivity IN ({', '.join([mark(self.conn)] * len(shown))})" \
            if self.sensitivities is not None else ""
        for part in chunks(new):
            assert part is not None
            clause, params = in_values(self.conn, part)
            for pid, birth in driver_rows(self.conn, f"SELECT id, birth_date FROM persons WHERE deleted_at IS NULL "
                                                     f"AND id{clause}{where}", (*params, *shown)):
                self._births[pid] = _birth(birth)
            self._live.update(pid for pid in part if pid in self._births)
            self._tried.update(pid for pid in part if pid not in self._births)   # gone or not shown: so for _load
        return ids & self._live

    def birth_of(self, row: int) -> PartialDate | None:
        birth = self._births.get(row, _UNREAD)   # (probed: the date its loaded candidate has too)
        return self.candidates_[row].birth if birth is _UNREAD else cast(PartialDate | None, birth)

    def _namesakes(self, queries: list[Query], skipped: list[int]) -> int:
        """As Matcher._namesakes, from the skipped persons' names only (read at once, not prepared as
        candidates): at a million persons an unmatched row of a common name skips hundreds of them."""
        known = cast(dict[int, Candidate], self.candidates_)
        names: dict[int, list[PreparedName]] = {r: known[r].names for r in skipped if dict.__contains__(known, r)}
        for part in chunks({r for r in skipped if r not in names} - self._names_only.keys()):
            assert part is not None
            for pid in part:
                self._names_only[pid] = []
            for pid, name in name_rows(self.conn, part):
                self._names_only[pid].append(prepare_name(*name))
        names.update((r, self._names_only[r]) for r in skipped if r not in names)
        return sum(any(_same_name(query, name) for query in queries for name in names[row]) for row in skipped)

    def fetch(self, rows: list[int]) -> list[int]:
        return self.load_rows(rows)

    def person_id(self, row: int) -> int:
        return row

    def load_rows(self, rows: list[int]) -> list[int]:
        have = self._load(set(rows))
        return [r for r in rows if r in have]   # (not deleted or hidden since its blocks)

    def known(self, pid: int) -> Candidate | None:
        """The person's candidate if this matcher has it without reading the database."""
        return cast(dict[int, Candidate], self.candidates_).get(pid)

    def bare_rows(self, rows: set[int]) -> set[int]:
        """The persons among ``rows`` with a name without a given name, without reading the others: a
        stored name with an empty given name (which Matcher._split_if_needed may yet fill) counts."""
        out: set[int] = set()
        todo: list[int] = []
        for pid in rows:
            cand = self.known(pid)
            if cand is None:
                todo.append(pid)
            elif any(n.given is None for n in cand.names):
                out.add(pid)
        todo.sort()
        # through the partial index of such names (migration 0034), which the predicate written as there lets both
        # databases use (tests/db/test_schema.py): probing the index of every name read each candidate's names,
        # 15 of a one-word search's 32 ms at a million persons
        for i in range(0, len(todo), 500):
            clause, params = in_values(self.conn, todo[i:i + 500])
            out.update(pid for (pid,) in driver_rows(
                self.conn, f"SELECT DISTINCT person_id FROM person_names WHERE {no_given_name(self.conn.dialect.name)} "
                f"AND person_id{clause}", params))
        return out

    def _query(self, name: str, birth: PartialDate | None, gender: str | None) -> Query:
        keys = {k for u in query_units(name) for k in u.keys}
        self.index.surname_keys = frozenset(cast(StoredIndex, self.index).existing(keys))
        return super()._query(name, birth, gender)


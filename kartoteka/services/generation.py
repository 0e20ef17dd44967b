"""A cheap fingerprint of the registry's state, for caches that must drop when anything changes.

Every change to a record writes an audit entry, and every reviewer judgement a match decision, so
the newest of each moves whenever a cached result could be stale. Audit entries that change no data
(reads, sign-ins, downloads) do not count: ``audit_head.changed_seq`` skips them (db/chain.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine, func, select

from kartoteka.db.tables import audit_head, match_decisions, persons
from kartoteka.services import background

T = TypeVar("T")


_GENERATION = select(select(audit_head.c.changed_seq).where(audit_head.c.id == 1).scalar_subquery(),
                     select(func.max(match_decisions.c.id)).scalar_subquery())


def registry_generation(engine: Engine) -> tuple[int | None, int | None]:
    """The newest audit entry and match decision ids (one query, two index look-ups)."""
    with engine.connect() as conn:
        audit, decision = conn.execute(_GENERATION).one()
        return audit, decision


def registry_size(conn: Connection) -> int:
    """The registry's size, at least: the highest person id (one index look-up; a count would scan the table,
    and no person's id is above it)."""
    return int(conn.execute(select(func.max(persons.c.id))).scalar() or 0)


@dataclass(frozen=True)
class Kept(Generic[T]):
    """A value as ``GenerationCache.get_or_refresh`` gives it: ``current`` when it was computed for the registry
    as it is now, else the last one computed (at ``at``, a time.time()) while the current one is computed in the
    background; ``value`` None when none was computed yet and it is being computed."""
    value: T | None
    at: float
    current: bool


class GenerationCache(Generic[T]):
    """Values per (database, key), rebuilt when the registry generation moves (with
    ``judgements=False``, only when a record changes: for values that reviewers' judgements do not
    touch)."""

    def __init__(self, maxsize: int = 64, *, judgements: bool = True) -> None:
        self._lock = threading.Lock()
        # (database, key) -> (the generation it was computed for, the value, when: time.time())
        self._values: dict[tuple[str, Hashable], tuple[tuple[int | None, int | None], T, float]] = {}
        self.maxsize = maxsize
        self.judgements = judgements

    def _generation(self, engine: Engine) -> tuple[int | None, int | None]:
        audit, decision = registry_generation(engine)
        return audit, decision if self.judgements else None

    @staticmethod
    def _slot(engine: Engine, key: Hashable) -> tuple[str, Hashable]:
        return engine.url.render_as_string(hide_password=False), key

    def peek(self, engine: Engine, key: Hashable) -> T | None:
        """The value if it is current, without building it (None otherwise)."""
        cached = self._values.get(self._slot(engine, key))
        return cached[1] if cached is not None and cached[0] == self._generation(engine) else None

    def get(self, engine: Engine, key: Hashable, build: Callable[[], T]) -> T:
        return self._current(engine, key, build)[1]

    def _current(self, engine: Engine, key: Hashable, build: Callable[[], T]
                 ) -> tuple[tuple[int | None, int | None], T, float]:
        generation = self._generation(engine)
        slot = self._slot(engine, key)
        with self._lock:   # one build at a time: fifty requests must not load the registry fifty times
            cached = self._values.get(slot)
            if cached is None or cached[0] != generation:
                cached = (generation, build(), time.time())
                self._keep(slot, cached)
            return cached

    def _keep(self, slot: tuple[str, Hashable], kept: tuple[tuple[int | None, int | None], T, float]) -> None:
        """(Under the lock.)"""
        if len(self._values) >= self.maxsize and slot not in self._values:
            self._values.clear()
        self._values[slot] = kept

    def get_or_refresh(self, engine: Engine, key: Hashable, build: Callable[[], T], *,
                       wait: Callable[[], bool]) -> Kept[T]:
        """The current value, or, when the registry changed since the last one was computed, that last one while
        a background thread computes the current one (one at a time per value): for figures that take seconds
        at a million persons and may be a moment old if they say so. With none kept yet: computed now when
        ``wait()``, else in the background too (``value`` None)."""
        generation = self._generation(engine)
        slot = self._slot(engine, key)
        with self._lock:
            cached = self._values.get(slot)
        if cached is not None and cached[0] == generation:
            return Kept(cached[1], cached[2], True)
        if cached is None and wait():
            _, value, at = self._current(engine, key, build)
            return Kept(value, at, True)

        def refresh() -> None:
            seen = self._generation(engine)   # before the build: a change meanwhile leaves it stale again
            value = build()
            with self._lock:
                self._keep(slot, (seen, value, time.time()))

        background.start_once(("generation-cache", id(self), slot), refresh,
                              what=f"computing {key!r} for {engine.url.render_as_string(hide_password=True)}")
        return Kept(None, 0.0, False) if cached is None else Kept(cached[1], cached[2], False)

"""Search answers a process keeps while the registry does not change (GET /api/persons), and the rows of
the persons they show (browse.py: a person several searches show is read and flagged once per reader).

A search's answer (services/browse.py ``search``) depends on its filters and limit, on what the reader may
see (the sensitivities of their role: the matcher, the filters, the rows and the flags all follow them), on
the flags' source, and on the records. Every change to a record writes an audit entry that moves
``audit_head.changed_seq`` in the same transaction, so an answer kept under the chain position (with that
entry's hash) a search read before it computed anything is the answer at that position. A search that reads
another position drops every answer kept (a search that read an older one keeps nothing); a restored
backup has another hash at the same position. Answers are kept per reader's sensitivities: a reader is never
given what was computed for one who sees other records. Bounded by ROWS_MAX rows in all; the oldest used
answers go first. An answer is kept as the caller gives it: immutable (browse.py keeps tuples of its rows'
values and makes new rows of them, which callers may change).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from kartoteka.matching.stored_cache import PerEngine
from kartoteka.services.name_index import Head

ROWS_MAX = 30_000   # rows kept in all, each answer counting one more (as tuples: about 400 bytes a row)
Answer = tuple[Any, ...]   # one tuple per row


class ResultCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at: tuple[int, str | None] | None = None
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._rows = 0

    def get(self, head: Head, key: Hashable) -> Answer | None:
        if not head.current:
            return None
        with self._lock:
            if self._at != (head.seq, head.hash) or (found := self._answers.get(key)) is None:
                return None
            self._answers.move_to_end(key)
        return found

    def keep(self, head: Head, key: Hashable, rows: Answer) -> None:
        """Keep the answer a search computed after reading ``head``."""
        if not head.current or len(rows) > ROWS_MAX:
            return
        with self._lock:
            if self._at != (head.seq, head.hash):
                if self._at is not None and head.seq < self._at[0]:
                    return   # another search has read a newer position: this answer may be out of date there
                self._at = (head.seq, head.hash)
                self._answers.clear()
                self._rows = 0
            old = self._answers.pop(key, None)
            self._rows -= _size(old) if old is not None else 0
            while self._answers and self._rows + _size(rows) > ROWS_MAX:
                self._rows -= _size(self._answers.popitem(last=False)[1])
            self._answers[key] = rows
            self._rows += _size(rows)


def _size(answer: Answer) -> int:
    return len(answer) + 1   # an empty answer costs its key


result_cache = PerEngine(ResultCache)

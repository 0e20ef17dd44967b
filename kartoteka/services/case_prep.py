"""Case rows parsed apart from writing them: the pure half of a cases import.

Each row's values (dates, status, the person it belongs to), its hash and its parsed charges need no
database beyond the registry's person ids, so a large import has them prepared by a pool of processes
(services/prep_pool.py) while the importing process writes the chunks before them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from kartoteka.db.audit import created_snapshot
from kartoteka.errors import ErrorCollector, Message, N_, RowError
from kartoteka.services import rows as rowparse
from kartoteka.services.charges import parsed_charge_rows
from kartoteka.services.prep_pool import Chunk
from kartoteka.tabular.slashed import SlashedOrder

NOT_IN_REGISTRY = N_("person '%(person)s' is not in the registry")


def row_hash(values: dict[str, Any], extra: Any = None) -> str:
    payload = json.dumps([sorted(values.items()), extra], ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class CaseShared:
    """What every chunk needs: the registry's person ids by external id, and its cases' row hashes
    (a row carrying one is unchanged: its charges are not parsed)."""

    person_ids: dict[str, int]
    known: frozenset[str]
    existing: frozenset[str] = frozenset()   # the registry's case ids (a row naming one updates it)


@dataclass
class PreparedCase:
    row: int
    key: str                                   # the case id cell as written (claimed by the writer)
    values: dict[str, Any] | None              # with person_id and row_hash; None when the row has errors
    charges: list[dict[str, Any]] | None = None   # parsed charge rows (case_id 0) of a new or changed case
    snapshot: str | None = None                # its creation entry's JSON (audit.created_snapshot), when new


@dataclass
class PreparedCases:
    rows: list[PreparedCase]
    errors: list[RowError] = field(default_factory=list)


def prepare_case_chunk(chunk: Chunk, shared: CaseShared, *, fields: dict[str, str], file: str,
                       status_map: dict[str, str] | None, file_code: str | None,
                       orders: dict[str, SlashedOrder] | None = None) -> PreparedCases:
    errors = ErrorCollector(file)
    out: list[PreparedCase] = []
    for row_no, raw in chunk:
        values = rowparse.parse_case(rowparse.RowReader(fields, raw, row_no, errors, status_map, orders))
        key = raw.get(fields["case_id"], "").strip()
        if values is None:
            out.append(PreparedCase(row_no, key, None))
            continue
        person_ext = values.pop("person_ext_id")
        if person_ext not in shared.person_ids:
            errors.add(row_no, fields["person_id"], Message(NOT_IN_REGISTRY, person=person_ext))
            out.append(PreparedCase(row_no, key, None))
            continue
        values["person_id"] = shared.person_ids[person_ext]
        values["row_hash"] = row_hash(values)
        if values["row_hash"] in shared.known:
            out.append(PreparedCase(row_no, key, values))
            continue
        snapshot = None if values["ext_id"] in shared.existing else created_snapshot(values)
        out.append(PreparedCase(row_no, key, values, parsed_charge_rows(0, values, file_code=file_code), snapshot))
    return PreparedCases(out, errors.errors)

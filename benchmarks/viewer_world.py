"""What a viewer's rendering of a vetting report costs (the viewer's world, services/viewer_world.py).

    .venv/bin/python benchmarks/viewer_world.py [--persons 100000] [--rows 2000] [--hidden 0.02]

Builds a synthetic registry (benchmarks/vet_speed.py's bulk writer), makes a share of the persons
confidential, vets a list by an editor, then times reading the run back: as an administrator (the
baseline: the stored report, measured in the same run) and as a viewer, the first time (the rows that
could depend on a hidden person are found and matched again through the stored index restricted to
the hidden and to the visible persons) and again (the rendering is kept until the registry changes).
Also: how many rows were matched again, and a viewer's search.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.vet_speed import build_registry, write_list  # noqa: E402
from kartoteka.db.engine import make_engine  # noqa: E402
from kartoteka.db.schema import upgrade_schema  # noqa: E402
from kartoteka.db.tables import persons  # noqa: E402
from kartoteka.services import access  # noqa: E402
from kartoteka.services.access import Principal  # noqa: E402
from kartoteka.matching.engine import Matcher  # noqa: E402
from kartoteka.services.browse import PersonFilters, search  # noqa: E402
from kartoteka.services.name_index import rebuild_name_index  # noqa: E402
from kartoteka.services.runs import get_run  # noqa: E402
from kartoteka.services.vetting import vet_list  # noqa: E402
from kartoteka.services.viewer_world import _world_report  # noqa: E402


def _timed(label: str, fn: object) -> float:
    t = time.perf_counter()
    fn()  # type: ignore[operator]
    took = time.perf_counter() - t
    print(f"  {label:<62} {took:8.3f}s")
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=2_000)
    ap.add_argument("--hidden", type=float, default=0.02, help="share of persons made confidential")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    viewer, admin = Principal("v", "viewer"), Principal("a", "admin")
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade_schema(engine)
        rng = random.Random(args.seed)
        sample = set(rng.sample(range(1, args.persons + 1), min(args.persons, args.rows)))
        picked = build_registry(engine, args.persons, args.seed, sample)
        hidden = rng.sample(range(1, args.persons + 1), int(args.persons * args.hidden))
        with engine.begin() as conn:
            for i in range(0, len(hidden), 5000):
                conn.execute(update(persons).where(persons.c.id.in_(hidden[i:i + 5000])).values(
                    sensitivity="confidential"))
        t = time.perf_counter()
        rebuild_name_index(engine)   # the bulk writer above bypasses the services that keep the keys
        print(f"  (setup: the stored name index computed in {time.perf_counter() - t:.1f}s)")
        listing = Path(tmp) / "list.csv"
        write_list(listing, picked, args.rows, args.seed)
        run = vet_list(engine, path=listing, definition_id="guidelines-2013", actor="bench").run.id
        print(f"{args.persons:,} persons ({len(hidden):,} confidential), a {args.rows:,}-row list")
        base = _timed("administrator: load the run (baseline)",
                      lambda: access.redact_report(engine, admin, get_run(engine, run=run)))
        shown = sorted(set(range(1, args.persons + 1)) - set(hidden))
        old = _timed("baseline: the in-memory matchers of the visible and hidden registries",
                     lambda: (Matcher.from_engine(engine, person_ids=set(shown)),
                              Matcher.from_engine(engine, person_ids=set(hidden))))
        first = _timed("viewer, first read: find the rows, match them again",
                       lambda: access.redact_report(engine, viewer, get_run(engine, run=run)))
        again = _timed("viewer, again (kept until the registry changes)",
                       lambda: access.redact_report(engine, viewer, get_run(engine, run=run)))
        rebuilt = _timed("viewer, the rendering again (nothing kept)",
                         lambda: _world_report(engine, viewer, get_run(engine, run=run)))
        full, seen = get_run(engine, run=run), access.redact_report(engine, viewer, get_run(engine, run=run))
        changed = sum(1 for a, b in zip(full.rows, seen.rows) if (a.person_id, a.match, a.explanation)
                      != (b.person_id, b.match, b.explanation))
        print(f"  rows that read differently for the viewer: {changed:,} of {len(full.rows):,}")
        name = full.rows[0].name
        search(engine, admin, PersonFilters(text=name))   # loads the search matcher
        _timed(f"administrator search '{name}' (baseline)", lambda: search(engine, admin, PersonFilters(text=name)))
        _timed(f"viewer search '{name}'", lambda: search(engine, viewer, PersonFilters(text=name)))
        print(f"a viewer's read: {first:.2f}s the first time after any change "
              f"(a rendering with nothing kept: {rebuilt:.2f}s; building the in-memory matchers alone, "
              f"as before, took {old:.2f}s), then {again:.2f}s until the next change; "
              f"an administrator's read {base:.2f}s")


if __name__ == "__main__":
    main()

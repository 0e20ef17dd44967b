"""CPU per web search without HTTP: the web-p95 row's query mix through the service the route calls.

Usage: python benchmarks/search_cpu.py --db FILE [--passes 2] [--profile full|surname] [--limit N]

Opens the registry's engine and calls ``services.browse.search`` (what GET /api/persons calls) for the
mix of benchmarks/web_load.py (full-name searches of registry persons, and their surnames alone with
status=convicted), as an editor. Prints the CPU (time.process_time) per search of each kind, for the
first pass (the process's caches empty: as a worker under the web-p95 row, which sees most texts once)
and the later ones (warm); with ``--profile KIND`` the last pass of that kind runs under cProfile and the
top functions are printed; ``--dump FILE`` writes every result (ids, scores, flags, statuses) to compare two
versions. The baseline is the code before a change, run alternately with this one on the same machine
(``PYTHONPATH=<an export of the old tree>``): CPU times move with the machine's load.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from web_load import queries  # noqa: E402

from kartoteka.db.engine import make_engine  # noqa: E402
from kartoteka.services.access import Principal  # noqa: E402
from kartoteka.services.browse import PersonFilters, search  # noqa: E402
from kartoteka.web.adapters import flag_tags  # noqa: E402


def mix(db: Path, n: int) -> dict[str, list[PersonFilters]]:
    texts = queries(db, n)
    return {"full": [PersonFilters(t) for t in texts],
            "surname": [PersonFilters(t.split()[0], status="convicted") for t in texts[:200]]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="only the first N searches of each kind")
    ap.add_argument("--role", default="editor")
    ap.add_argument("--profile", default="")
    ap.add_argument("--dump", type=Path, default=None, help="write each search's result ids+scores here")
    ap.add_argument("--no-cache", action="store_true", help="keep no answers (the route keeps them)")
    args = ap.parse_args()
    engine = make_engine(f"sqlite:///{args.db}" if "://" not in str(args.db) else str(args.db))
    principal = Principal("bench", args.role)
    flags = flag_tags(principal)
    kinds = mix(args.db, args.persons)
    if args.limit:
        kinds = {k: v[:args.limit] for k, v in kinds.items()}
    cache_as = None if args.no_cache else "flag_tags"   # as GET /api/persons
    out = []
    for p in range(1, args.passes + 1):
        for kind, fs in kinds.items():
            prof = cProfile.Profile(time.process_time) if args.profile == kind and p == args.passes else None
            t = time.process_time()
            if prof:
                prof.enable()
            for f in fs:
                rows = search(engine, principal, f, limit=20, flags_for=flags, cache_as=cache_as)
                if p == args.passes and args.dump:
                    out.append(f"{kind}\t{f.text}\t" + " ".join(
                        f"{r.id}:{r.score!r}:{','.join(r.flags)}:{','.join(r.statuses)}" for r in rows))
            if prof:
                prof.disable()
            cpu = time.process_time() - t
            print(f"pass {p} {kind:<8} {len(fs):>5} searches  {cpu / len(fs) * 1000:7.2f} ms CPU each")
            if prof:
                pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
                pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    if args.dump:
        args.dump.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""In-process parts of benchmarks/scale.py, each run in a child process so that its CPU time and peak
memory are its own (os.wait4 in the parent). Prints one JSON object on stdout.

    python benchmarks/scale_child.py baseline-search URL QUERY      # Matcher.from_engine + one search
    python benchmarks/scale_child.py after-edit URL REPEATS BASELINE_REPEATS
    python benchmarks/scale_child.py duplicates URL                 # full scan, one edit, incremental update
    python benchmarks/scale_child.py token URL                      # an API token of the editor `bench`
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

from kartoteka.db.engine import make_engine
from kartoteka.services.access import system_principal
from kartoteka.services.persons import get_person
from kartoteka.services.persons_edit import PersonEdit, edit_person


def _edit_target(engine: Any) -> str:
    """The person the edits change: the 100th by id (the 1st on a tiny registry)."""
    with engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM persons").scalar_one()
        off = 99 if n > 100 else 0
        return str(conn.exec_driver_sql(f"SELECT ext_id FROM persons ORDER BY id LIMIT 1 OFFSET {off}").scalar_one())


def _rename(engine: Any, ext: str, name: str) -> None:
    version = int(get_person(engine, ext).person["version"])
    edit_person(engine, system_principal("bench"), ext, PersonEdit(version=version, primary_name=name))


def baseline_search(url: str, query: str) -> dict[str, Any]:
    from kartoteka.matching.engine import Matcher

    engine = make_engine(url)
    t, c = time.perf_counter(), time.process_time()
    matcher = Matcher.from_engine(engine)
    build, build_cpu = time.perf_counter() - t, time.process_time() - c
    t = time.perf_counter()
    matcher.search(query, limit=20, explain=False)
    return {"build_s": build, "build_cpu_s": build_cpu, "search_s": time.perf_counter() - t,
            "persons": len(matcher.ids)}


def after_edit(url: str, repeats: int, baseline_repeats: int) -> dict[str, Any]:
    """The stored index: edit one person's name, then search for the new name (the search syncs the
    index first). Baseline: the same after another edit, through load_matcher, which rebuilds the
    whole in-memory index (what every search did after any change before issue 17)."""
    from kartoteka.services.matching import load_matcher, search_persons

    engine = make_engine(url)
    ext = _edit_target(engine)
    search_persons(engine, text="Zaitsev Igor", limit=20, explain=False)   # the stored index is in sync
    after: list[float] = []
    after_cpu: list[float] = []
    for i in range(repeats):
        _rename(engine, ext, f"Зайцев Игорь {i}вич")
        t, c = time.perf_counter(), time.process_time()
        hits = search_persons(engine, text="Zaitsev Igor", limit=20, explain=False)
        after.append(time.perf_counter() - t)
        after_cpu.append(time.process_time() - c)
        if not any(h.ext_id == ext for h in hits):
            raise SystemExit("the edit is not visible to the next search")
    rebuild: list[float] = []
    for i in range(baseline_repeats):
        _rename(engine, ext, f"Зайцева Инна {i}")
        t = time.perf_counter()
        load_matcher(engine).search("Zaitseva Inna", limit=20, explain=False)
        rebuild.append(time.perf_counter() - t)
    return {"median_s": statistics.median(after), "max_s": max(after), "runs": after,
            "median_cpu_s": statistics.median(after_cpu),
            "baseline_median_s": statistics.median(rebuild) if rebuild else None, "baseline_runs": rebuild}


def cpu() -> float:
    """This process's CPU time and that of its ended children (the forked scorers of kartoteka/forked.py)."""
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def duplicates(url: str) -> dict[str, Any]:
    from kartoteka.services.matching import find_duplicates

    engine = make_engine(url)
    paths: list[str] = []
    t, c = time.perf_counter(), cpu()
    pairs = find_duplicates(engine, on_path=paths.append, full=True)   # not the pairs stored by an earlier run
    full, full_cpu = time.perf_counter() - t, cpu() - c
    ext = _edit_target(engine)
    _rename(engine, ext, f"Зайцев Игорь Петрович {int(time.time()) % 1000}")
    t, c = time.perf_counter(), cpu()
    find_duplicates(engine, on_path=paths.append)
    after, after_cpu = time.perf_counter() - t, cpu() - c
    # the web's path after another edit: the pairs brought up to date and the duplicates page's 200 read
    from kartoteka.services.duplicate_review import list_duplicates

    _rename(engine, ext, f"Зайцев Игорь Петрович {int(time.time()) % 1000 + 1}")
    t, c = time.perf_counter(), cpu()
    shown = list_duplicates(engine, principal=system_principal("bench"), limit=200, scan=False)
    return {"full_s": full, "full_cpu_s": full_cpu, "pairs": len(pairs), "after_edit_s": after,
            "after_edit_cpu_s": after_cpu, "paths": paths, "page_after_edit_s": time.perf_counter() - t,
            "page_after_edit_cpu_s": cpu() - c, "page_pairs": len(shown)}


def token(url: str) -> dict[str, Any]:
    """An API token of the editor `bench` (created when missing), for the web rows."""
    from kartoteka.services.users import create_token, create_user, list_users

    engine = make_engine(url)
    if not any(u.username == "bench" for u in list_users(engine)):
        create_user(engine, username="bench", password="brisk heron canal 1729", role="editor", actor="bench")
    return {"token": create_token(engine, username="bench", name="scale", actor="bench")}


def main() -> None:
    cmd, url, *rest = sys.argv[1:]
    if cmd == "baseline-search":
        out = baseline_search(url, rest[0])
    elif cmd == "after-edit":
        out = after_edit(url, int(rest[0]), int(rest[1]))
    elif cmd == "duplicates":
        out = duplicates(url)
    elif cmd == "token":
        out = token(url)
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()

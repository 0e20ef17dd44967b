"""benchmarks/scale.py must keep printing every row of issue 17's table (a tiny SQLite run, one pass each)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROWS = ["cli-help", "search-cold", "after-edit", "worker-start", "web-p95", "match", "import-persons",
        "import-cases", "duplicates"]


def test_scale_prints_every_row(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--persons", "150", "--backend",
                          "sqlite", "--cache", str(tmp_path), "--list-rows", "60", "--requests", "40", "--clients",
                          "4", "--quick"], capture_output=True, text=True, timeout=300, check=True).stdout
    assert "FAILED" not in out, out
    for row in ROWS:
        line = next((ln for ln in out.splitlines() if ln.startswith(f"[{row}] sqlite n=150: ")), None)
        assert line is not None, f"no figure for {row}:\n{out}"
        block = out[out.index(line):]
        assert "baseline (same run):" in block.splitlines()[1] and "target:" in block.splitlines()[2], block
    results = [json.loads(ln) for ln in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert sorted(r["row"] for r in results) == sorted(ROWS)
    assert all(r["met"] in (True, False) for r in results)
    web = next(r for r in results if r["row"] == "web-p95")
    assert web["rss_mb"] > 20 and "the server's RSS after it" in web["figure"]   # a worker that keeps garbage grows

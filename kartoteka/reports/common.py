"""What every report format shows the same way: titles, labels, the summary lines."""

from __future__ import annotations

from kartoteka.services.vetting_model import VetReport

STATUS_LABELS = {"recognised": "recognised political prisoner", "not_recognised": "in the registry, not recognised",
                 "under_review": "in the registry, under review", "unknown": "not in the registry"}
MATCH_LABELS = {"match": "match", "review": "needs review", "no_match": "no match"}
# Colours shared by HTML, XLSX and PDF (background, as RGB hex).
STATUS_COLOURS = {"recognised": "D9EAD3", "not_recognised": "F4CCCC", "under_review": "FFF2CC",
                  "unknown": "E0E0E0"}
FLAG_COLOUR = "F9CB9C"
DISCLAIMER = ("Flags come from the criminal-code articles and ask for review; they never decide a status. "
              "A 'review' row shows its candidate's status and flags until a reviewer confirms it; the status "
              "counts leave review rows out.")


def definition_title(definition_id: str) -> str:
    try:
        from kartoteka.catalogs import get_definition
        return f"{definition_id}: {get_definition(definition_id).title}"
    except Exception:  # an unknown or removed definition still renders
        return definition_id


def title(report: VetReport) -> str:
    run = report.run
    name = run.label or run.filename
    return f"Vetting run #{run.id}: {name}"


def run_lines(report: VetReport) -> list[tuple[str, str]]:
    run = report.run
    lines = [("List", f"{run.filename} ({run.list_format or '?'}, sha256 {run.sha256[:12]})"),
             ("Definition", definition_title(run.definition_id)),
             ("Run", f"#{run.id} at {run.at:%Y-%m-%d %H:%M} UTC by {run.actor}"),
             ("Matching", f"{run.algorithm} {run.algorithm_version}")]
    if run.round or run.side:
        lines.insert(0, ("Round / side", " / ".join(x for x in (run.round, run.side) if x)))
    if report.columns:
        lines.append(("Columns", ", ".join(f"{h} -> {f}" for f, h in report.columns.items())))
    return lines


def count_lines(report: VetReport) -> list[tuple[str, int, str]]:
    """(label, count, status or "") for the summary boxes."""
    s = report.summary
    out = [("rows", s.rows, "")] + [(STATUS_LABELS[k], v, k) for k, v in s.by_status.items()]
    return out + [("rows needing review", s.by_match["review"], ""), ("flagged rows", len(s.flagged), ""),
                  ("listed twice", len(s.duplicates), ""), ("recognised, not on the list", s.missing, "")]


def flag_reasons(report: VetReport) -> dict[str, str]:
    """Each flag tag shown in the report with its review question, once (court caveats vary by court,
    so the first one seen stands for the tag)."""
    out: dict[str, str] = {}
    for row in report.summary.flagged:
        for f in row.flag_detail:
            if f.tag in row.flags and f.tag not in out:
                out[f.tag] = f.reason.split(" Offence elements:")[0].split(" Court:")[0]
    return out

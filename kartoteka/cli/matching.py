"""Matching commands: match a list, search by name, registry duplicates, human judgements."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from kartoteka.cli.common import console, state, user_errors
from kartoteka.cli.language import cli_gettext, cli_language
from kartoteka.errors import N_, InvalidInput, Message, reason_of
from kartoteka.cli.lazy import lazy_callable, lazy_module

if TYPE_CHECKING:
    from kartoteka.domain.dates import parse_partial_date
    from kartoteka.matching.engine import NameQuery
    from kartoteka.services import matching as svc
    from kartoteka.tabular.columns import parse_mapping
else:
    parse_partial_date = lazy_callable("kartoteka.domain.dates", "parse_partial_date")
    NameQuery = lazy_callable("kartoteka.matching.engine", "NameQuery")
    svc = lazy_module("kartoteka.services.matching")
    parse_mapping = lazy_callable("kartoteka.tabular.columns", "parse_mapping")

MapOpt = Annotated[list[str] | None, typer.Option(
    "--map", help="Name a column explicitly: 'HEADER=field' (repeatable), e.g. --map 'ФИО=name'")]


def match(ctx: typer.Context, file: Path,
          out: Annotated[Path, typer.Option("--out", help="Where to write the results")],
          fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
          map: MapOpt = None) -> None:
    """Match every row of a list (CSV, XLSX, JSON Lines) against the registry.

    One output row per list row: id, person_id, score, decision (match / review / no_match), explanation.
    """
    st = state(ctx)
    _ = cli_gettext()
    with user_errors():
        if fmt not in ("csv", "json"):
            raise InvalidInput(Message(N_("unknown format '%(fmt)s' (use csv or json)"), fmt=fmt))
        engine = st.engine()
        from kartoteka.cli.progress import progress_bar   # rich.progress: not for search

        with progress_bar(_("Matching %(file)s") % {"file": file.name}) as progress:
            paths: list[str] = []
            results = svc.match_list(engine, path=file, mapping=parse_mapping(map or []), progress=progress,
                                     on_path=paths.append)
        svc.write_matches(results, out, fmt=fmt, gettext=_)
    counts = {d: sum(1 for r in results if r.result.decision == d) for d in ("match", "review", "no_match")}
    console.print(_("Matched %(rows)d rows of %(file)s: %(match)d match, %(review)d review, %(no_match)d no_match "
                    "-> %(out)s") % {"rows": len(results), "file": file.name, "out": out, **counts}, highlight=False)
    print_candidates_path(paths[0] if paths else "")


def print_candidates_path(path: str) -> None:
    """Where a match or a vet found its candidates ("index" or "registry")."""
    _ = cli_gettext()
    console.print(_("Candidates from the stored index") if path == "index" else
                  _("Candidates from the whole registry loaded into memory (faster for a long list)"),
                  highlight=False)


def search(ctx: typer.Context, text: str,
           limit: Annotated[int, typer.Option(help="How many persons to show")] = 20,
           exact: Annotated[bool, typer.Option("--exact", help="Only names containing the text as written")] = False,
           as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """Find persons by a name in any script or spelling ("Навальный", "Alexej Nawalny")."""
    st = state(ctx)
    _ = cli_gettext()
    with user_errors():
        hits = svc.search_persons(st.engine(), text=text, limit=limit, transliterate=not exact, gettext=_)
    if as_json:
        console.print_json(json.dumps([h.__dict__ for h in hits], ensure_ascii=False))
        return
    if not hits:
        console.print(_("No person matches '%(text)s'.") % {"text": escape(text)}, highlight=False)
        return
    table = Table(_("id"), _("name"), _("score"), _("explanation"), show_lines=False)
    for h in hits:
        table.add_row(escape(h.ext_id), escape(h.name), f"{h.score:.2f}", escape(h.explanation))
    console.print(table)


def duplicates(ctx: typer.Context,
               as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
               out: Annotated[Path | None, typer.Option("--out", help="Also write the pairs to this CSV file")] = None,
               rescan: Annotated[bool, typer.Option("--rescan", help="Score every person again, not only the "
                                                    "persons changed since the pairs were stored")] = False,
               ) -> None:
    """List likely duplicate persons inside the registry, with explanations. The pairs are stored: the web
    pages read them, and later calls rescore only the persons changed since."""
    st = state(ctx)
    _ = cli_gettext()
    with user_errors():
        from kartoteka.cli.progress import progress_bar   # rich.progress: not for search

        with progress_bar(_("Scoring persons for duplicates")) as progress:
            pairs = svc.find_duplicates(st.engine(), progress=progress, full=rescan,
                                        reasons=cli_language() != "en")   # (read only to translate them)
        if out is not None:
            svc.write_duplicates(pairs, out, gettext=_)
    if as_json:
        console.print_json(json.dumps([p.record(_) for p in pairs], ensure_ascii=False))
        return
    if not pairs:
        console.print(_("No likely duplicates."))
        return
    table = Table(_("id"), _("other id"), _("score"), _("explanation"))
    for p in pairs:
        table.add_row(escape(p.ext_id), escape(p.other_ext_id), f"{p.score:.2f}", escape(p.explain(_)))
    console.print(table)


def judge(ctx: typer.Context,
          person: Annotated[str, typer.Argument(help="The registry person's id")],
          judgement: Annotated[str, typer.Argument(help="same, different or unsure")],
          name: Annotated[str, typer.Option(help="The list name as written")] = "",
          birth_date: Annotated[str, typer.Option("--birth-date", help="The list's birth date, if any")] = "",
          other: Annotated[str, typer.Option(help="Another registry person (a duplicate pair) instead of a name")] = "") -> None:
    """Record a human judgement: is this list name (or this other registry person) the same person?"""
    from kartoteka.services.persons import get_person

    st = state(ctx)
    with user_errors():
        engine = st.engine()
        pid = get_person(engine, person).person["id"]
        other_id = get_person(engine, other).person["id"] if other else None
        if other_id is None and not name:
            raise InvalidInput(Message(N_("say which list name the judgement is about (--name), or --other "
                                          "for a pair")))
        try:
            birth = parse_partial_date(birth_date) if birth_date else None
        except ValueError as exc:
            raise InvalidInput(reason_of(exc)) from None
        key = svc.query_key(NameQuery(name, birth)) if other_id is None else \
            f"pair:{min(pid, other_id)}:{max(pid, other_id)}"
        first, second = (pid, other_id) if other_id is None or pid < other_id else (other_id, pid)
        svc.record_judgement(engine, query_key=key, person_id=first, other_person_id=second,
                             judgement=judgement, actor=st.actor)
    console.print(cli_gettext()("Recorded: %(judgement)s (%(key)s)") % {"judgement": judgement, "key": key},
                  highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(match)
    app.command()(search)
    app.command()(duplicates)
    app.command()(judge)

"""Registry commands: init, import, show, history, export, backup, restore, synth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from kartoteka.cli import exchange
from kartoteka.cli.common import console, state, user_errors
from kartoteka.cli.progress import progress_bar
from kartoteka.cli.imports import import_app
from kartoteka.cli.language import cli_gettext
from kartoteka.cli.lazy import lazy_callable, lazy_module

if TYPE_CHECKING:
    from kartoteka.db.schema import upgrade_schema
    from kartoteka.services import backup as backup_service
    from kartoteka.services.exports import export_records
    from kartoteka.services.access import system_principal, view_history, view_person
    from kartoteka.services.auditlog import record_event
    from kartoteka.services.secret_key import create_secret
    from kartoteka.services.files import protect_database_file
else:
    upgrade_schema = lazy_callable("kartoteka.db.schema", "upgrade_schema")
    backup_service = lazy_module("kartoteka.services.backup")
    export_records = lazy_callable("kartoteka.services.exports", "export_records")
    system_principal = lazy_callable("kartoteka.services.access", "system_principal")
    view_history = lazy_callable("kartoteka.services.access", "view_history")
    view_person = lazy_callable("kartoteka.services.access", "view_person")
    record_event = lazy_callable("kartoteka.services.auditlog", "record_event")
    create_secret = lazy_callable("kartoteka.services.secret_key", "create_secret")
    protect_database_file = lazy_callable("kartoteka.services.files", "protect_database_file")

EXPORT_FORMATS = ("csv", "xlsx", "jsonl")  # services.exports.FORMATS, written here so --help loads no service


def init(ctx: typer.Context) -> None:
    """Create the database schema, or upgrade it to this version."""
    st = state(ctx)
    _ = cli_gettext()
    with user_errors():
        before, after = upgrade_schema(st.engine(check_schema=False))
        values = {"before": before, "revision": after, "db": st.settings.db_url}
        if before is None:
            done = _("Schema created at revision %(revision)s: %(db)s") % values
        elif before == after:
            done = _("Schema already current at revision %(revision)s: %(db)s") % values
        else:
            done = _("Schema upgraded from %(before)s at revision %(revision)s: %(db)s") % values
        console.print(done, highlight=False)
        key = create_secret(st.settings)
        protect_database_file(st.settings)
        if key is not None:
            console.print(_("Secret key (signs sessions; keep it private): %(key)s") % {"key": key}, highlight=False)


def show(ctx: typer.Context, person: Annotated[str, typer.Argument(help="The person's id (or #internal-id)")]) -> None:
    """Print a person: names, cases and charges, status history, assessments and sources."""
    from kartoteka.domain.person import script_label

    st = state(ctx)
    _ = cli_gettext()
    with user_errors():   # the operator's reads of confidential records are audited like any other
        d = view_person(st.engine(), system_principal(st.actor), person, via="cli show")
    p = d.person
    console.print(f"[bold]{escape(d.primary_name)}[/]  " + escape(
        _("id %(id)s  (#%(number)s, version %(version)s, %(sensitivity)s)") % {
            "id": p["ext_id"], "number": p["id"], "version": p["version"], "sensitivity": _(p["sensitivity"])}),
        highlight=False)
    console.print(escape(_("Gender: %(gender)s   Born: %(born)s   Citizenship: %(citizenship)s   Region: %(region)s") % {
        "gender": {"m": _("male"), "f": _("female")}.get(p["gender"] or "", "?"), "born": p["birth_date"] or "?", "citizenship": p["citizenship"] or "?",
        "region": p["region"] or "?"}), highlight=False)
    names = Table(_("kind"), _("full name"), _("surname"), _("given"), _("patronymic"), _("script"), _("lang"),
                  title=_("Names"))
    for n in d.names:
        names.add_row(escape(_(n["kind"]) if n["kind"] else ""),
                      *(escape(str(n[k] or "")) for k in ("full", "surname", "given_name", "patronymic")),
                      escape(script_label(n["script"] or "", _)), escape(str(n["lang"] or "")))
    console.print(names)
    for c in d.cases:
        title = _("Case %(id)s") % {"id": c["ext_id"]}
        console.print(f"[bold]{escape(title)}[/] ({escape(c['jurisdiction'])}) {escape(c['articles_text'])}",
                      highlight=False)
        console.print("  " + escape(_("court: %(court)s; detained %(detained)s; verdict %(verdict)s; sentence: %(sentence)s; "
                                      "facility: %(facility)s; status: %(status)s") % {
            "court": c["court"], "detained": c["detained_on"] or "?", "verdict": c["verdict_on"] or "-",
            "sentence": c["sentence"] or "-", "facility": c["facility"] or "-",
            "status": _(c["status"]) if c["status"] else "-"}), highlight=False)
        for ch in d.charges.get(c["id"], []):
            known = "" if ch["in_catalog"] else "  (" + _("not in catalog") + ")"
            console.print("    " + escape(_("%(code)s %(article)s part %(part)s point %(point)s") % {
                "code": ch["code"], "article": ch["article"], "part": ch["part"] or "-", "point": ch["point"] or "-"}
                + f"  «{ch['raw']}»{known}"), highlight=False)
    if d.events:
        console.print("[bold]" + escape(_("Status history")) + "[/]")
        for e in d.events:
            console.print(escape(f"  {e['date'] or '?'}  {_(e['kind']) if e['kind'] else ''}  {e['note']}"),
                          highlight=False)
    if d.assessments:
        console.print("[bold]" + escape(_("Assessments")) + "[/]")
        undated = _("no date")
        for a in d.assessments:
            who = (_("decided by %(organisation)s (imported by %(user)s)") % {"organisation": a["origin"],
                                                                              "user": a["author"]}
                   if a.get("origin") else _("reviewer %(reviewer)s") % {"reviewer": a["reviewer"] or "-"})
            decision = _(a["decision"]) if a["decision"] else "-"
            console.print(escape(f"  {a['definition_id']} {a['definition_version']}: {decision} "
                                 f"({_(a['state'])}, {a['decided_on'] or undated}, {who})"), highlight=False)
    if d.sources:
        console.print("[bold]" + escape(_("Sources")) + "[/]")
        for s in d.sources:
            console.print(escape(f"  {s['title'] or s['url'] or s['file_path']}  {s['url']}  {s['sha256'][:12]}"), highlight=False)


def history(ctx: typer.Context, person: Annotated[str, typer.Argument(help="The person's id")],
            as_json: Annotated[bool, typer.Option("--json", help="Print JSON Lines")] = False) -> None:
    """Every change to a person and their cases, events and assessments: who, when, field, before, after."""
    st = state(ctx)
    with user_errors():
        entries = view_history(st.engine(), system_principal(st.actor), person)
    if as_json:
        for e in entries:
            console.print_json(json.dumps(e, default=str, ensure_ascii=False))
        return
    _ = cli_gettext()
    table = Table(_("when"), _("who"), _("record"), _("action"), _("field"), _("before"), _("after"),
                  title=escape(_("History of %(person)s") % {"person": person}))
    for e in entries:
        table.add_row(f"{e['at']:%Y-%m-%d %H:%M:%S}", escape(e["actor"]), f"{e['entity_type']} #{e['entity_id']}",
                      e["action"], escape(e["field"] or ""), escape((e["before"] or "")[:60]),
                      escape((e["after"] or "")[:60]))
    console.print(table)


def export(ctx: typer.Context, kind: Annotated[str, typer.Argument(help="persons, cases or ftm (FollowTheMoney)")],
           out: Annotated[Path, typer.Option("--out", "-o", help="Output file")],
           fmt: Annotated[str | None, typer.Option("--format", help=f"One of {', '.join(EXPORT_FORMATS)}; "
                                                                   "default from the file ending")] = None,
           audience: Annotated[str, typer.Option(help="ftm: public (as publish) or internal")] = "public",
           organisation: exchange.OrgOpt = "", sign: exchange.SignOpt = None) -> None:
    """Write persons or cases in a format that imports back unchanged (formulas neutralised)."""
    if kind == "ftm":
        return exchange.export_ftm_cmd(ctx, out, audience, organisation, sign)
    st = state(ctx)
    _ = cli_gettext()
    label = {"persons": _("Exporting persons"), "cases": _("Exporting cases")}.get(kind, kind)
    with user_errors():
        with progress_bar(label) as progress:
            n = export_records(st.engine(), kind=kind, path=out, fmt=fmt or out.suffix.lstrip(".").lower(),
                               progress=progress)
        record_event(st.engine(), actor=st.actor, action="export", entity=kind,
                     detail={"file": out.name, "rows": n})
        wrote = _("Wrote %(n)d persons to %(file)s") if kind == "persons" else _("Wrote %(n)d cases to %(file)s")
        console.print(wrote % {"n": n, "file": out}, highlight=False)
        if sign:
            exchange.sign_and_report(out, sign)


def backup(ctx: typer.Context, file: Path,
           logical: Annotated[bool, typer.Option(help="Portable gzipped JSON Lines dump (default on PostgreSQL)")] = False) -> None:
    """Take a consistent snapshot while the database is in use."""
    st = state(ctx)
    with user_errors():
        kind = backup_service.backup(st.engine(), file, logical=logical)
        record_event(st.engine(), actor=st.actor, action="backup", entity="database", detail={"file": file.name,
                                                                                             "kind": kind})
    _ = cli_gettext()
    console.print(_("Backup (%(kind)s) written to %(file)s") % {"kind": kind, "file": file}, highlight=False)


def restore(ctx: typer.Context, file: Path,
            yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False) -> None:
    """Replace the database contents with a backup."""
    _ = cli_gettext()
    if not yes:
        typer.confirm(_("Replace everything in the database with %(file)s?") % {"file": file}, abort=True)
    with user_errors():
        counts = backup_service.restore(state(ctx).engine(check_schema=False), file)
    console.print(_("Restored from %(file)s: %(counts)s") % {   # the counts name tables: data
        "file": file, "counts": ", ".join(f"{k} {v}" for k, v in counts.items() if v)}, highlight=False)


def synth(out: Annotated[Path, typer.Option("--out", help="Directory for the files")] = Path("synthetic"),
          persons: Annotated[int, typer.Option(help="How many persons")] = 2000,
          seed: Annotated[int, typer.Option(help="Random seed")] = 1,
          fmt: Annotated[str, typer.Option("--format", help="csv or jsonl")] = "csv") -> None:
    """Write a synthetic registry (persons, cases, assessments) to import; no real person is in it."""
    from kartoteka.synth.registry import write_registry

    _ = cli_gettext()
    with progress_bar(_("Writing a synthetic registry")) as progress:
        paths = write_registry(out, persons, seed=seed, fmt=fmt, progress=progress)
    files = {"persons": _("persons"), "cases": _("cases"), "assessments": _("assessments")}
    for kind, path in paths.items():
        console.print(f"{files.get(kind, kind)}: {path}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.add_typer(import_app, name="import")
    app.command()(show)
    app.command()(history)
    app.command()(export)
    app.command()(backup)
    app.command()(restore)
    app.command()(synth)
    app.add_typer(evidence_app, name="add")


evidence_app = typer.Typer(help="Sources and the status timeline.", no_args_is_help=True)


@evidence_app.command("source")
def add_source_cmd(ctx: typer.Context,
                   url: Annotated[str, typer.Option(help="Where the source is published")] = "",
                   file: Annotated[Path | None, typer.Option(help="A file to store (kept under its sha256)")] = None,
                   title: Annotated[str, typer.Option()] = "", publisher: Annotated[str, typer.Option()] = "",
                   accessed: Annotated[str, typer.Option(help="Date accessed")] = "",
                   sensitivity: Annotated[str, typer.Option()] = "internal",
                   cite: Annotated[list[str] | None, typer.Option(
                       help="Cite it for a record: person:ID, case:ID (repeatable)")] = None) -> None:
    """Register a source (URL or stored file) and optionally cite it for persons or cases."""
    from kartoteka.services import evidence

    st = state(ctx)
    with user_errors():
        engine = st.engine()
        targets = []   # every target found before the source is registered: a bad one leaves nothing behind
        with engine.connect() as conn:
            for target in cite or []:
                kind, _colon, ref = target.partition(":")
                targets.append((kind, evidence.cite_target(conn, entity_type=kind, ref=ref)))
        sid = evidence.add_source(engine, actor=st.actor, media_dir=st.settings.media_dir, url=url, file=file,
                                  title=title, publisher=publisher, accessed_on=accessed, sensitivity=sensitivity)
        for kind, entity_id in targets:
            evidence.cite(engine, actor=st.actor, source_id=sid, entity_type=kind, entity_id=entity_id)
    _ = cli_gettext()
    console.print(_("Source #%(id)s registered") % {"id": sid}, highlight=False)


@evidence_app.command("event")
def add_event_cmd(ctx: typer.Context, person: Annotated[str, typer.Argument(help="The person's id")],
                  kind: Annotated[str, typer.Argument(help="detained, charged, convicted, transferred, released, "
                                                           "exchanged, deported, died, disappeared")],
                  date: Annotated[str, typer.Option(help="YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY")] = "",
                  note: Annotated[str, typer.Option()] = "",
                  source: Annotated[int | None, typer.Option(help="Source number to cite")] = None,
                  case: Annotated[str, typer.Option(help="The case id it belongs to")] = "") -> None:
    """Add a status event to a person's timeline."""
    from kartoteka.services import evidence

    st = state(ctx)
    with user_errors():
        eid = evidence.add_event(st.engine(), actor=st.actor, person=person, kind=kind, date=date, note=note,
                                 source_id=source, case_ext_id=case)
    _ = cli_gettext()
    console.print(escape(_("Event #%(id)s (%(kind)s) added to %(person)s") % {
        "id": eid, "kind": kind, "person": person}), highlight=False)

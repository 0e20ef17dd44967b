"""Sharing and verifying: signing keys, signatures, FollowTheMoney import/export, organisations' claims."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from kartoteka.cli.common import console, err_console, state, user_errors
from kartoteka.cli.language import cli_gettext, cli_language
from kartoteka.cli.lazy import lazy_callable, lazy_module

if TYPE_CHECKING:
    from kartoteka.services import signing
    from kartoteka.services.auditlog import record_event
    from kartoteka.services.ftm_export import export_ftm, namespace_of
    from kartoteka.services.ftm_import import import_ftm
    from kartoteka.services.statements import merge_persons, person_claims
else:
    signing = lazy_module("kartoteka.services.signing")
    record_event = lazy_callable("kartoteka.services.auditlog", "record_event")
    export_ftm = lazy_callable("kartoteka.services.ftm_export", "export_ftm")
    namespace_of = lazy_callable("kartoteka.services.ftm_export", "namespace_of")
    import_ftm = lazy_callable("kartoteka.services.ftm_import", "import_ftm")
    merge_persons = lazy_callable("kartoteka.services.statements", "merge_persons")
    person_claims = lazy_callable("kartoteka.services.statements", "person_claims")


keys_app = typer.Typer(help="The organisation's signing key (Ed25519).", no_args_is_help=True)
KeyOpt = Annotated[Path, typer.Option("--key", envvar="KARTOTEKA_SIGNING_KEY",
                                      help="Private signing key file (never stored in the database)")]
SignOpt = Annotated[Path | None, typer.Option("--sign", envvar="KARTOTEKA_SIGNING_KEY",
                                              help="Sign what is written with this private key file")]
OrgOpt = Annotated[str, typer.Option("--organisation", envvar="KARTOTEKA_ORGANISATION",
                                     help="This organisation's name, written as the recogniser")]


@keys_app.command("create")
def keys_create(key: Annotated[Path, typer.Option("--key", help="Where to write the private key (0600)")],
                signer: Annotated[str, typer.Option("--signer", help="The organisation that signs")],
                force: Annotated[bool, typer.Option("--force", help="Replace an existing key")] = False) -> None:
    """Make an Ed25519 signing key: KEY (private, 0600) and KEY.pub (publish it with its fingerprint)."""
    with user_errors():
        pub = signing.create_key(path=key, signer=signer, force=force)
    _ = cli_gettext()
    console.print(_("Private key: %(key)s (keep it secret, off the server's database)") % {"key": key},
                  highlight=False)
    console.print(_("Public key: %(pub)s, fingerprint %(fingerprint)s") % {
        "pub": signing.public_key_path(key), "fingerprint": pub.fingerprint}, highlight=False)


def sign_and_report(target: Path, key: Path) -> Path:
    """Sign a file (FILE.sig) or a published folder (FOLDER/SIGNATURE.json) and say so."""
    sig = signing.sign_directory(target, key=key) if target.is_dir() else \
        signing.sign_files([target], key=key, out=signing.default_signature(target))
    console.print(cli_gettext()("Signed: %(sig)s") % {"sig": sig}, highlight=False)
    return sig


def sign(files: Annotated[list[Path], typer.Argument(help="Files (reports, exports) or a published folder")],
         key: KeyOpt) -> None:
    """Sign files: each FILE gets FILE.sig naming the signer, the time and the file's sha256."""
    with user_errors():
        for f in files:
            sign_and_report(f, key)


def verify(file: Annotated[Path, typer.Argument(help="The file, or a published folder")],
           sig: Annotated[Path | None, typer.Argument(help="The signature (default FILE.sig / FOLDER/SIGNATURE.json)")]
           = None,
           public_key: Annotated[Path | None, typer.Option("--public-key", help="The organisation's published "
                                                           "public key (KEY.pub)")] = None) -> None:
    """Check that a file is the one the organisation signed, unchanged."""
    _ = cli_gettext()   # KARTOTEKA_LANG: en, uk or ru
    with user_errors():
        pub = signing.load_public(public_key) if public_key else None
        try:
            result = signing.verify(file, sig or signing.default_signature(file), public_key=pub)
        except signing.VerificationFailed as exc:
            why = str(exc) if cli_language() == "en" else exc.translated(_)   # English: the detailed text
            err_console.print(f"[bold red]{escape(_('NOT VERIFIED'))}:[/] {escape(why)}", highlight=False)
            raise typer.Exit(2) from None
    console.print(f"[bold green]{escape(_('Verified'))}[/]: " + escape(_("%(files)s signed by %(signer)s at %(at)s") % {
        "files": ", ".join(result.files), "signer": result.signer, "at": result.signed_at}), highlight=False)
    if result.trusted:
        console.print(_("Key %(fingerprint)s is the published key given.") % {"fingerprint": result.fingerprint},
                      highlight=False)
    else:
        console.print(_("Key fingerprint %(fingerprint)s: compare it with the one %(signer)s publishes "
                        "(or pass --public-key).") % {"fingerprint": result.fingerprint, "signer": result.signer},
                      highlight=False)


def export_ftm_cmd(ctx: typer.Context, out: Path, audience: str, organisation: str, sign: Path | None) -> None:
    """``kartoteka export ftm``: called by the export command."""
    st = state(ctx)
    with user_errors():
        r = export_ftm(st.engine(), out=out, audience=audience, organisation=organisation,
                       namespace=namespace_of(organisation))
        record_event(st.engine(), actor=st.actor, action="export", entity="ftm",
                     detail={"file": out.name, "entities": r.entities, "audience": audience})
        console.print(cli_gettext()(
            "Wrote %(entities)d FollowTheMoney entities to %(out)s: %(persons)d persons, %(cases)d cases, "
            "%(sources)d sources, %(recognitions)d recognitions (%(audience)s)") % {
            "entities": r.entities, "out": out, "persons": r.persons, "cases": r.cases, "sources": r.sources,
            "recognitions": r.recognitions, "audience": audience}, highlight=False)
        if sign:
            sign_and_report(out, sign)


def import_ftm_cmd(ctx: typer.Context, file: Path,
                   source: Annotated[str, typer.Option("--source", help="The organisation the file comes from")],
                   sensitivity: Annotated[str, typer.Option(help="Sensitivity of the new records")] = "internal",
                   dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be created, merged "
                                                         "and reviewed; write nothing")] = False) -> None:
    """Import FollowTheMoney entities (JSON Lines) as another organisation's records, merging known persons."""
    st = state(ctx)
    with user_errors():
        r = import_ftm(st.engine(), path=file, organisation=source, actor=st.actor, sensitivity=sensitivity,
                       dry_run=dry_run)
    _ = cli_gettext()
    console.print((_("Dry run, nothing written: ") if dry_run else "") + _(
        "%(file)s from %(org)s: %(entities)d entities; %(created)d new persons, %(merged)d merged into known "
        "persons, %(cases)d cases, %(sources)d sources, %(recognitions)d recognitions, %(statements)d statements "
        "kept (%(replaced)d earlier values of %(org)s replaced), %(skipped)d skipped") % {
        "file": file.name, "org": r.organisation, "entities": r.entities, "created": r.created, "merged": r.merged,
        "cases": r.cases, "sources": r.sources, "recognitions": r.recognitions, "statements": r.statements,
        "replaced": r.replaced, "skipped": r.skipped}, highlight=False)
    if r.notes:
        console.print(_("Left out or left empty:"), highlight=False)
        for n in r.notes[:200]:
            console.print("  " + escape(n.translated(_)), highlight=False)
        if len(r.notes) > 200:
            console.print("  " + _("... and %(n)d more") % {"n": len(r.notes) - 200}, highlight=False)
    if r.review:
        table = Table(_("new person"), _("may be"), _("score"), _("why"),
                      title=_("To review (then `kartoteka merge KEEP OTHER`)"))
        for p in r.review:
            table.add_row(p.new_person, p.existing, f"{p.score:.2f}", p.why(_)[:120])
        console.print(table)


def merge(ctx: typer.Context, keep: Annotated[str, typer.Argument(help="The person that stays")],
          other: Annotated[str, typer.Argument(help="The same person's other record, merged into KEEP")]) -> None:
    """Merge two records of one person after review; every organisation's claims are kept."""
    st = state(ctx)
    with user_errors():
        merge_persons(st.engine(), keep=keep, other=other, actor=st.actor)
    _ = cli_gettext()
    console.print(escape(_("%(other)s merged into %(keep)s") % {"other": other, "keep": keep}), highlight=False)


def claims(ctx: typer.Context, person: Annotated[str, typer.Argument(help="The person's id")]) -> None:
    """What each organisation says about a person; disagreements are marked."""
    with user_errors():
        found = person_claims(state(ctx).engine(), person=person)
    _ = cli_gettext()
    table = Table(_("Property"), _("Value"), _("According to"),
                  title=escape(_("Claims about %(person)s") % {"person": person}))
    for c in found:
        for said in c.values:
            names = [(_(o) if o == "this registry" else o, d) for o, d in said.organisations]   # as the person page
            who = ", ".join(f"{o} ({d})" if d else o for o, d in names)
            table.add_row(escape(_(c.prop) if c.prop else c.prop)
                          + (" [bold red]" + escape(_("organisations disagree")) + "[/]" if c.disagree else ""),
                          escape(said.value), escape(who))
    console.print(table)


def register(app: typer.Typer) -> None:
    from kartoteka.cli import registry

    import_app: typer.Typer = vars(registry)["import_app"]   # the `kartoteka import` group
    app.add_typer(keys_app, name="keys")
    app.command("sign")(sign)
    app.command("verify")(verify)
    app.command("merge")(merge)
    app.command("claims")(claims)
    import_app.command("ftm")(import_ftm_cmd)


__all__ = ["OrgOpt", "SignOpt", "export_ftm_cmd", "register", "sign_and_report"]

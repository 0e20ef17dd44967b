"""Web and access commands: serve, user add/list/disable, token create, publish."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from kartoteka.cli import exchange
from kartoteka.cli.common import console, state, user_errors
from kartoteka.cli.language import cli_gettext
from kartoteka.cli.lazy import lazy_callable, lazy_module

if TYPE_CHECKING:
    from kartoteka.services import users as user_service
    from kartoteka.services.auditlog import record_event
    from kartoteka.services.publish import publish as publish_records
    from kartoteka.services.recognitions import write_recognitions
    from kartoteka.services.secret_key import require_secret
else:
    user_service = lazy_module("kartoteka.services.users")
    record_event = lazy_callable("kartoteka.services.auditlog", "record_event")
    publish_records = lazy_callable("kartoteka.services.publish", "publish")
    write_recognitions = lazy_callable("kartoteka.services.recognitions", "write_recognitions")
    require_secret = lazy_callable("kartoteka.services.secret_key", "require_secret")


user_app = typer.Typer(help="Users of the web interface and the API.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)


def serve(ctx: typer.Context,
          host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
          workers: Annotated[int, typer.Option(help="Worker processes (one per core)")] = 1) -> None:
    """Run the web interface and the JSON API (documented at /docs)."""
    from kartoteka.web.app import create_app
    from kartoteka.web.server import check_port, run_single, run_workers

    st = state(ctx)
    with user_errors():
        st.engine()  # refuse to start on a database without the current schema
        require_secret(st.settings)  # never sign cookies with a known or missing key
        check_port(host, port)
        _ = cli_gettext()
        console.print(_("Kartoteka on %(url)s  (API reference: /docs)") % {"url": f"http://{host}:{port}/"}
                      + (_(", %(n)d worker processes") % {"n": workers} if workers > 1 else ""))
        if workers > 1:  # each worker builds the app from the environment
            os.environ.update({"KARTOTEKA_DB": st.settings.db, "KARTOTEKA_ACTOR": st.settings.actor})
            raise typer.Exit(run_workers(host, port, workers))
        run_single(create_app(st.settings), host, port)


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    _ = cli_gettext()
    password: str = typer.prompt(_("Password"), hide_input=True,
                                 confirmation_prompt=_("Repeat for confirmation"))
    return password


@user_app.command("add")
def user_add(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Username")],
             role: Annotated[str, typer.Option(help="viewer, editor, reviewer or admin")] = "viewer",
             language: Annotated[str, typer.Option(help="Interface language: en, uk or ru")] = "en",
             password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                          help="Read the password from standard input")] = False,
             ) -> None:
    """Add a user; the password comes from a prompt, or from stdin (never from the command line)."""
    st = state(ctx)
    with user_errors():
        user = user_service.create_user(st.engine(), username=name, password=_read_password(password_stdin),
                                        role=role, language=language, actor=st.actor)
    _ = cli_gettext()
    console.print(escape(_("Added %(user)s (%(role)s)") % {"user": user.username, "role": user.role}))


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """List users, their roles, whether they are active or locked, and whether two-factor sign-in is on."""
    st = state(ctx)
    with user_errors():
        rows = user_service.list_users(st.engine())
    _ = cli_gettext()
    table = Table(_("username"), _("role"), _("language"), _("active"), _("locked until"), _("two-factor"))
    for u in rows:
        table.add_row(escape(u.username), u.role, u.language, _("yes") if u.active else _("no"),
                      f"{u.locked_until:%Y-%m-%d %H:%M}" if u.locked_until else "",
                      _("on") if u.totp_enabled else _("off"))
    console.print(table)


@user_app.command("disable")
def user_disable(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Username")]) -> None:
    """Disable a user: their sessions and API tokens stop working at once."""
    st = state(ctx)
    with user_errors():
        user_service.update_user(st.engine(), username=name, actor=st.actor, active=False)
    _ = cli_gettext()
    console.print(escape(_("Disabled %(user)s") % {"user": name}))


@user_app.command("password")
def user_password(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Your username")],
                  password_stdin: Annotated[bool, typer.Option(
                      "--password-stdin", help="Read the current and the new password from two lines of stdin")] = False,
                  ) -> None:
    """Change your own password (asks for the current one); your sessions and API tokens end."""
    st = state(ctx)
    _ = cli_gettext()
    if password_stdin or not sys.stdin.isatty():
        current, new = sys.stdin.readline().rstrip("\r\n"), sys.stdin.readline().rstrip("\r\n")
    else:
        current = typer.prompt(_("Current password"), hide_input=True)
        new = typer.prompt(_("New password"), hide_input=True, confirmation_prompt=_("Repeat for confirmation"))
    with user_errors():
        user_service.change_own_password(st.engine(), username=name, current=current, new=new)
    console.print(escape(_("Password of %(user)s changed; their sessions and API tokens have ended") % {"user": name}))


@user_app.command("reset-password")
def user_reset_password(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Username")],
                        password_stdin: Annotated[bool, typer.Option(
                            "--password-stdin", help="Read the new password from standard input")] = False) -> None:
    """Set a new password for a user (an operator's reset); their sessions and API tokens end for good."""
    st = state(ctx)
    with user_errors():
        user_service.update_user(st.engine(), username=name, actor=st.actor, password=_read_password(password_stdin))
    _ = cli_gettext()
    console.print(escape(_("New password set for %(user)s; their sessions and API tokens have ended")
                         % {"user": name}))


@user_app.command("enable")
def user_enable(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Username")]) -> None:
    """Enable a disabled user again (their old sessions and API tokens stay ended)."""
    st = state(ctx)
    with user_errors():
        user_service.update_user(st.engine(), username=name, actor=st.actor, active=True)
    _ = cli_gettext()
    console.print(escape(_("Enabled %(user)s") % {"user": name}))


@user_app.command("totp-off")
def user_totp_off(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Username")]) -> None:
    """Turn a user's two-factor sign-in off (a lost phone); they enrol again at their next sign-in."""
    from kartoteka.services import totp

    st = state(ctx)
    with user_errors():
        totp.disable(st.engine(), username=name, actor=st.actor)
    _ = cli_gettext()
    console.print(escape(_("Two-factor sign-in of %(user)s turned off") % {"user": name}))


@user_app.command("require-totp")
def user_require_totp(ctx: typer.Context, role: Annotated[str, typer.Argument(help="viewer, editor, reviewer or admin")],
                      off: Annotated[bool, typer.Option("--off", help="No longer require it")] = False) -> None:
    """Require two-factor sign-in for every user of a role (or stop requiring it with --off)."""
    from kartoteka.services import totp

    st = state(ctx)
    with user_errors():
        totp.set_role_policy(st.engine(), role=role, require_totp=not off, actor=st.actor)
    _ = cli_gettext()
    done = _("Two-factor sign-in no longer required for %(role)s") if off else _("Two-factor sign-in required for %(role)s")
    console.print(escape(done % {"role": role}))


@token_app.command("create")
def token_create(ctx: typer.Context, user: Annotated[str, typer.Argument(help="Username the token acts as")],
                 name: Annotated[str, typer.Option(help="What the token is for")] = "script") -> None:
    """Create an API token; it is printed once and only its hash is stored."""
    st = state(ctx)
    with user_errors():
        token = user_service.create_token(st.engine(), username=user, name=name, actor=st.actor)
    print(token)


def publish(ctx: typer.Context, out: Annotated[Path, typer.Option("--out", help="Directory to write into")],
            recognitions: Annotated[bool, typer.Option(help="Also write recognitions.jsonl (definition, "
                                                            "organisation, date, statement)")] = False,
            organisation: exchange.OrgOpt = "", sign: exchange.SignOpt = None) -> None:
    """Write public persons, cases and sources, only the fields whitelisted in data/publish.yaml."""
    st = state(ctx)
    with user_errors():
        report = publish_records(st.engine(), out=out)
        record_event(st.engine(), actor=st.actor, action="publish", entity="registry",
                     detail={"persons": report.persons, "cases": report.cases, "sources": report.sources})
        n = write_recognitions(st.engine(), out=out, organisation=organisation) if recognitions else 0
        _ = cli_gettext()
        counts = {"persons": report.persons, "cases": report.cases, "sources": report.sources, "n": n, "out": out}
        console.print(escape((_("Published %(persons)d persons, %(cases)d cases, %(sources)d sources, %(n)d recognitions "
                                "to %(out)s") if recognitions
                              else _("Published %(persons)d persons, %(cases)d cases, %(sources)d sources to %(out)s"))
                             % counts))
        if sign:
            exchange.sign_and_report(out, sign)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("publish")(publish)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")

"""Render the CLI reference (docs/cli.md) from the command tree itself, so it cannot drift."""

from __future__ import annotations

from typing import Any

import typer

from kartoteka.cli.main import app


def _walk(cmd: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, cmd)]
    if hasattr(cmd, "commands"):  # a group (typer vendors its own click classes)
        for name in sorted(cmd.commands):
            out += _walk(cmd.commands[name], [*path, name])
    return out


def render_reference() -> str:
    root = typer.main.get_command(app)
    lines = ["# CLI reference", "", "Generated from the command tree by `python -m kartoteka.cli.reference`; "
             "a test fails when it is out of date.", ""]
    for path, cmd in _walk(root, ["kartoteka"]):
        if len(path) == 1:
            continue
        lines += [f"## `{' '.join(path)}`", "", (cmd.help or "").strip().split("\n\n")[0], ""]
        params = [p for p in cmd.params if p.name != "help"]
        for p in params:
            if getattr(p, "param_type_name", "") == "argument":
                lines.append(f"- `{(p.name or '').upper()}` (argument)")
            else:
                names = ", ".join(f"`{o}`" for o in p.opts)
                helptext = getattr(p, "help", "") or ""
                lines.append(f"- {names}: {helptext}".rstrip(": "))
        if params:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render_reference(), end="")

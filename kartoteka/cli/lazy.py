"""Imports that wait until a command runs, so ``kartoteka --help`` starts without loading SQLAlchemy,
the services or the matcher; and a command group that imports only the module of the command run.

A command module writes its heavy imports twice: under ``if TYPE_CHECKING:`` (what mypy sees) and as
``name = lazy_callable("module", "name")`` or ``svc = lazy_module("module")`` for run time. The real
import happens on the first call or attribute access.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from types import ModuleType
from typing import Any

import typer
from typer.core import TyperGroup


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, executed on its first attribute access (its packages are imported now)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


class _LazyCallable:
    """A function or class imported on its first call."""

    def __init__(self, module: str, name: str) -> None:
        self._module, self._name = module, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(self._module), self._name)(*args, **kwargs)


def lazy_callable(module: str, name: str) -> Any:
    """``module.name``, imported when first called."""
    return _LazyCallable(module, name)


Modules = str | tuple[str, ...]   # the module that adds a command, then those that add subcommands to it


class _LazyCommands(MutableMapping[str, Any]):
    """A group's commands by name, each built (its modules imported, its options read) when first asked for."""

    def __init__(self, modules: Mapping[str, Modules], build: Callable[[str, Modules], Any]) -> None:
        self._modules, self._build = modules, build
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in self._modules:
                raise KeyError(name)
            self._built[name] = self._build(name, self._modules[name])
        return self._built[name]

    def __contains__(self, name: object) -> bool:
        return name in self._modules or name in self._built

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("commands are not removed")

    def __iter__(self) -> Iterator[str]:
        return iter([*self._modules, *(n for n in self._built if n not in self._modules)])

    def __len__(self) -> int:
        return len(set(self._modules) | set(self._built))


# What the command modules registered, per package: each module's register(app) runs once per process, as
# when every module was registered at start (some add subcommands to another module's group).
_REGISTERED: dict[str, tuple[typer.Typer, set[str]]] = {}


def registered(package: str, modules: Iterable[str]) -> typer.Typer:
    """One Typer holding what ``register(app)`` of each of ``modules`` (of ``package``) added, each run once."""
    app, done = _REGISTERED.setdefault(package, (typer.Typer(), set()))
    for module in modules:
        if module not in done:
            done.add(module)
            importlib.import_module(f"{package}.{module}").register(app)
    return app


def _build(package: str, name: str, modules: Modules, group: TyperGroup) -> Any:
    """The command ``name`` as Typer builds it, after its modules registered what they add."""
    from typer.main import get_command_from_info, get_command_name, get_group_from_info

    app = registered(package, (modules,) if isinstance(modules, str) else modules)
    for info in app.registered_commands:
        if (info.name or get_command_name(info.callback.__name__ if info.callback else "")) == name:
            return get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=group.rich_markup_mode)
    for sub in app.registered_groups:
        if sub.name == name:
            return get_group_from_info(sub, pretty_exceptions_short=True, suggest_commands=group.suggest_commands,
                                       rich_markup_mode=group.rich_markup_mode)
    raise LookupError(f"{package}: {modules} register no command {name!r}")


def lazy_group(package: str, commands: Mapping[str, Modules]) -> type[TyperGroup]:
    """A Typer group class whose subcommands are ``commands``: name -> the module of ``package`` whose
    ``register(app)`` adds it (or a tuple: that module, then the modules that add subcommands to it).
    ``kartoteka search`` imports and builds only ``search``; ``--help`` and the CLI reference build them
    all, in this order."""

    class LazyGroup(TyperGroup):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.commands = _LazyCommands(commands, lambda name, modules: _build(package, name, modules, self))

        def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
            """A run: Click's and Typer's own messages in its language from before its arguments are parsed (its
            usage errors included), then as before (kartoteka.cli.click_language)."""
            from kartoteka.cli.click_language import speaking

            with speaking(self, sys.argv[1:] if args is None else args):
                return super().main(args, *rest, **kwargs)

        def get_command(self, ctx: Any, cmd_name: str) -> Any:
            """The command, its help in the run's language (kartoteka.cli.help_translation)."""
            command = super().get_command(ctx, cmd_name)
            if command is not None:
                from kartoteka.cli.help_translation import localise

                localise(command, ctx)
            return command

    return LazyGroup

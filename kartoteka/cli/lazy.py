"""Imports that wait until a command runs, so ``kartoteka --help`` starts without loading SQLAlchemy,
the services or the matcher.

A command module writes its heavy imports twice: under ``if TYPE_CHECKING:`` (what mypy sees) and as
``name = lazy_callable("module", "name")`` or ``svc = lazy_module("module")`` for run time. The real
import happens on the first call or attribute access.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import Any


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

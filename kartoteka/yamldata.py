"""Reading the YAML catalogs: with libyaml's C loader when PyYAML has it (ten times faster than the
pure-Python one), else the same safe loader in Python. Both build only plain data (dicts, lists,
strings, numbers).

A catalog read once is kept, parsed, in the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``,
then ``kartoteka/catalogs``, 0700) in Python's ``marshal`` format, under a hash of the exact text
read, of this Python's version and of the installed PyYAML's files: a changed catalog, Python or
PyYAML is read afresh, never from a stale copy. The next process reads it in about a millisecond
instead of parsing it (and need not import PyYAML at all); every command's start read two or three
catalogs (~50 ms). Data that ``marshal`` cannot hold (a YAML date) is not kept; an unwritable or
missing folder only means no cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any


def _parse(text: str | bytes) -> Any:
    import yaml   # here: a catalog found in the cache needs no PyYAML

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


@lru_cache(maxsize=1)
def _parser_tag() -> bytes:
    """What the parsed data depends on besides the text and Python's version (which ``cached`` adds): PyYAML's
    files."""
    parts: list[str] = []
    spec = importlib.util.find_spec("yaml")
    folder = Path(spec.origin).parent if spec and spec.origin else None
    for path in sorted(folder.iterdir()) if folder else ():
        if path.suffix in (".py", ".so", ".pyd"):
            st = path.stat()
            parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts).encode()


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kartoteka" / "catalogs"


def store_bytes(path: Path, blob: bytes) -> None:
    """Keep ``blob`` in the cache file ``path`` (its folder made 0700); a cache that cannot be written is none."""
    import tempfile

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)   # whole or not at all, also when processes write it at once
    except OSError:
        return


def _store(path: Path, data: Any) -> None:
    try:
        blob = marshal.dumps(data)
    except ValueError:   # not plain data (a date): parsed each time
        return
    store_bytes(path, blob)


def cached(name: str, sources: list[bytes], build: Callable[[], Any]) -> Any:
    """``build()``, or what it returned before for these exact ``sources`` (the texts and code it is computed
    from) and this Python: kept in the same cache folder as the catalogs, as plain data."""
    digest = hashlib.blake2b(f"{sys.version}\0{marshal.version}\0{name}".encode(), digest_size=20)
    for part in sources:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    path = cache_dir() / f"{name}-{digest.hexdigest()}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    data = build()
    _store(path, data)
    return data


def safe_load(text: str | bytes) -> Any:
    """``yaml.safe_load``, faster: from the cache of parsed catalogs when this exact text was read before."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return cached("yaml", [_parser_tag(), data], lambda: _parse(text))

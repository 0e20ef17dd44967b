"""Signed files: an organisation's Ed25519 key signs the sha256 of each file it releases.

The private key lives in a file of its own (mode 0600), never in the database. The public key file
(``KEY.pub``, JSON) is what the organisation publishes. A signature file (JSON) names the signer, the
key's fingerprint, the time and the sha256 and size of every file; the Ed25519 signature covers all
of that, so a changed byte in any file, or in the signature file, fails verification.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kartoteka.errors import InvalidInput, KartotekaError, Message, N_
from kartoteka.tabular.limits import json_depth

FORMAT = "kartoteka-signature/1"
KEY_FORMAT = "kartoteka-key/1"
SIG_SUFFIX = ".sig"
DIR_SIGNATURE = "SIGNATURE.json"   # the signature of a published directory, inside it


class VerificationFailed(KartotekaError):
    """A file or signature that does not match: the message names the file and what differs; ``reason``
    (other_key, altered, unsigned, not_signed, missing, changed) and ``file`` let a page say it in its language."""

    def __init__(self, message: str, *, reason: str, file: str) -> None:
        super().__init__(message)
        self.reason, self.file = reason, file

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The reason in the language of ``gettext`` (the detailed English message when there is none)."""
        text = FAILURES.get(self.reason)
        return gettext(text) % {"file": self.file} if text else str(self)


FAILURES = {   # why a verification failed, per ``VerificationFailed.reason`` (the verify page says the same)
    "changed": N_("%(file)s has been changed since it was signed."),
    "missing": N_("%(file)s is signed but missing."),
    "unsigned": N_("%(file)s was not signed."),
    "not_signed": N_("The signature does not sign %(file)s."),
    "altered": N_("The signature file %(file)s was altered."),
    "other_key": N_("%(file)s was made with another key than the published one."),
}


# What _read_json says of a file that is absent, or is not the kind of file asked for.
_ABSENT = {"signing key": N_("signing key %(file)s does not exist"),
           "public key": N_("public key %(file)s does not exist"),
           "signature file": N_("signature file %(file)s does not exist")}
_NOT_OURS = {"signing key": N_("%(file)s is not a Kartoteka signing key"),
             "public key": N_("%(file)s is not a Kartoteka public key"),
             "signature file": N_("%(file)s is not a Kartoteka signature file")}


PRIVATE_GIVEN = N_("this is the private signing key, not the public one (KEY.pub): it was not kept; if it was given "
                   "to another organisation's server or sent to anyone, make a new key and publish its fingerprint")


@dataclass(frozen=True)
class PublicKey:
    signer: str
    raw: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)


@dataclass(frozen=True)
class Verified:
    signer: str
    fingerprint: str
    signed_at: str
    files: list[str]
    trusted: bool          # checked against a public key the caller supplied


def fingerprint(raw: bytes) -> str:
    """sha256 of the raw public key, in groups of four hex digits (the form organisations publish)."""
    h = hashlib.sha256(raw).hexdigest()[:32]
    return " ".join(h[i:i + 4] for i in range(0, 32, 4))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_private(path: Path, data: bytes) -> None:
    """Create ``path`` readable by its owner only (0600) before a byte is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o600)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def public_key_path(key: Path) -> Path:
    return key.with_name(key.name + ".pub")


def create_key(*, path: Path, signer: str, force: bool = False) -> PublicKey:
    """Write a new private key to ``path`` (0600) and its public key to ``path.pub``."""
    if not signer.strip():
        raise InvalidInput.of(N_("a signing key needs the signer's name (the organisation)"))
    if path.exists() and not force:
        raise InvalidInput.of(N_("%(file)s exists; refusing to replace a signing key (use --force)"), file=str(path))
    if public_key_path(path).exists() and not force:   # others may already check signatures with it
        raise InvalidInput.of(N_("%(file)s exists; refusing to replace a public key others may check signatures "
                                 "with (use --force)"), file=str(public_key_path(path)))
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes_raw()
    raw_public = private.public_key().public_bytes_raw()
    write_private(path, json.dumps({"format": KEY_FORMAT, "signer": signer, "algorithm": "ed25519",
                                    "private_key": _b64(raw_private)}, indent=1).encode())
    pub = PublicKey(signer, raw_public)
    public_key_path(path).write_text(json.dumps({
        "format": KEY_FORMAT, "signer": signer, "algorithm": "ed25519", "public_key": _b64(raw_public),
        "fingerprint": pub.fingerprint}, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return pub


def _loads(text: str) -> Any:
    """JSON of a key or signature file, which is never deeply nested (json.loads recurses: a file of 100,000
    '[' would end in a RecursionError, on the open /verify page too)."""
    if json_depth(text) > 8:
        raise json.JSONDecodeError("nested", text, 0)   # (a ValueError: its callers name the file, translated)
    return json.loads(text)


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = _loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InvalidInput(Message(_ABSENT[what], file=str(path))) from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(Message(_NOT_OURS[what], file=str(path))) from None
    if not isinstance(data, dict):
        raise InvalidInput(Message(_NOT_OURS[what], file=str(path)))
    return data


def load_private(path: Path) -> tuple[str, Ed25519PrivateKey]:
    if path.exists() and path.stat().st_mode & 0o077:
        raise InvalidInput.of(N_("%(file)s can be read by others (mode %(mode)s); chmod 600 it"), file=str(path),
                              mode=f"{path.stat().st_mode & 0o777:o}")
    data = _read_json(path, "signing key")
    if "private_key" not in data:
        raise InvalidInput.of(N_("%(file)s is not a private signing key"), file=str(path))
    try:
        return str(data.get("signer", "")), Ed25519PrivateKey.from_private_bytes(
            base64.b64decode(str(data["private_key"]), validate=True))
    except ValueError:
        raise InvalidInput(Message(_NOT_OURS["signing key"], file=str(path))) from None


def load_public(path: Path) -> PublicKey:
    data = _read_json(path, "public key")
    if "private_key" in data:
        raise InvalidInput.of(PRIVATE_GIVEN)
    raw = _raw_key(data.get("public_key"))
    if raw is None:
        raise InvalidInput.of(N_("%(file)s is not a public key"), file=str(path))
    return PublicKey(str(data.get("signer", "")), raw)


def _raw_key(text: object) -> bytes | None:
    """An Ed25519 public key written in base64 (32 bytes), or None for anything else."""
    try:
        raw = base64.b64decode(str(text), validate=True) if isinstance(text, str) else b""
    except ValueError:
        return None
    return raw if len(raw) == 32 else None


def parse_public(content: bytes) -> PublicKey:
    """A public key file's contents (an upload)."""
    private = False
    try:
        data = _loads(content.decode("utf-8"))
        private = isinstance(data, dict) and "private_key" in data
        raw = None if private else _raw_key(data["public_key"])
        if raw is None:
            raise ValueError(raw)
        return PublicKey(str(data.get("signer", "")), raw)
    except (ValueError, KeyError, AttributeError, TypeError, UnicodeDecodeError):
        if private:
            raise InvalidInput.of(PRIVATE_GIVEN) from None
        raise InvalidInput.of(N_("the public key file is not a Kartoteka public key (KEY.pub)")) from None


def _payload(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def is_private_key(path: Path) -> bool:
    """Whether ``path`` holds a private signing key (ours or any other Kartoteka key file)."""
    if not path.is_file() or path.stat().st_size > 64 * 1024:
        return False
    head = path.read_bytes()
    return b'"private_key"' in head and KEY_FORMAT.encode() in head


def sign_files(files: list[Path], *, key: Path, out: Path, base: Path | None = None) -> Path:
    """Write the signature of ``files`` to ``out``; names are relative to ``base`` (default: each file's folder).
    A private key among them is refused: signing it would release it with the files."""
    signer, private = load_private(key)
    entries = []
    for f in files:
        if not f.is_file():
            raise InvalidInput.of(N_("%(file)s is not a file"), file=str(f))
        if f.resolve() == key.resolve() or is_private_key(f):
            raise InvalidInput.of(N_("%(file)s is a private signing key: it is never signed or released with "
                                     "what is signed (keep the key outside the folder)"), file=str(f))
        name = f.relative_to(base).as_posix() if base else f.name
        entries.append({"name": name, "sha256": sha256_file(f), "bytes": f.stat().st_size})
    raw_public = private.public_key().public_bytes_raw()
    body = {"format": FORMAT, "signer": signer, "algorithm": "ed25519", "public_key": _b64(raw_public),
            "fingerprint": fingerprint(raw_public),
            "signed_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(), "files": entries}
    signed = {**body, "signature": _b64(private.sign(_payload(body)))}
    write_private(out, (json.dumps(signed, indent=1, ensure_ascii=False) + "\n").encode())
    return out


def sign_directory(directory: Path, *, key: Path) -> Path:
    """Sign every file in ``directory`` (a published folder) into ``directory/SIGNATURE.json``."""
    files = sorted(p for p in directory.rglob("*") if p.is_file() and p.name != DIR_SIGNATURE)
    return sign_files(files, key=key, out=directory / DIR_SIGNATURE, base=directory)


def default_signature(target: Path) -> Path:
    return target / DIR_SIGNATURE if target.is_dir() else target.with_name(target.name + SIG_SUFFIX)


def _by_content(entries: dict[str, dict[str, Any]], target: Path) -> dict[str, Any] | None:
    """The entry of a renamed file (a browser download): found by its digest, or the only one signed."""
    digest = sha256_file(target) if target.is_file() else ""
    same = [e for e in entries.values() if e["sha256"] == digest]
    if same:
        return same[0]
    return next(iter(entries.values())) if len(entries) == 1 else None


def _entries(files: object) -> dict[str, dict[str, Any]] | None:
    """The signed files by name, or None when the list is not the one ``sign_files`` writes."""
    if not isinstance(files, list) or not all(isinstance(e, dict) and isinstance(e.get("name"), str)
                                              and isinstance(e.get("sha256"), str)
                                              and not Path(e["name"]).is_absolute() and ".." not in Path(e["name"]).parts
                                              for e in files):
        return None
    return {str(e["name"]): e for e in files}


def verify(target: Path, signature: Path, *, public_key: PublicKey | None = None) -> Verified:
    """Check ``target`` (a file, or a signed directory) against ``signature``.

    Raises VerificationFailed naming the file that differs, or the signature that does not hold.
    """
    data = _read_json(signature, "signature file")
    if data.get("format") != FORMAT:
        raise InvalidInput(Message(_NOT_OURS["signature file"], file=str(signature)))
    body = {k: v for k, v in data.items() if k != "signature"}
    raw_public = _raw_key(data.get("public_key"))
    entries = _entries(data.get("files"))
    if raw_public is None or entries is None or not isinstance(data.get("signature"), str):
        raise VerificationFailed(Message(N_("the signature in %(file)s does not match its contents: the signature "
                                            "file was altered"), file=signature.name),
                                 reason="altered", file=signature.name)
    if public_key is not None and public_key.raw != raw_public:
        raise VerificationFailed(Message(
            N_("%(file)s was made with key %(key)s, not with the published key %(published)s of %(signer)s"),
            file=signature.name, key=fingerprint(raw_public), published=public_key.fingerprint,
            signer=public_key.signer), reason="other_key", file=signature.name)
    try:
        Ed25519PublicKey.from_public_bytes(raw_public).verify(base64.b64decode(str(data["signature"]), validate=True),
                                                              _payload(body))
    except (InvalidSignature, ValueError):
        raise VerificationFailed(Message(N_("the signature in %(file)s does not match its contents: the signature "
                                            "file was altered"), file=signature.name),
                                 reason="altered", file=signature.name) from None
    if target.is_dir():
        checks = [(target / name, e) for name, e in entries.items()]
        extra = sorted(p.relative_to(target).as_posix() for p in target.rglob("*")
                       if p.is_file() and p != signature and p.relative_to(target).as_posix() not in entries)
        if extra:
            raise VerificationFailed(Message(N_("%(file)s is in %(folder)s but was not signed"), file=extra[0],
                                             folder=target.name), reason="unsigned", file=extra[0])
    else:
        entry = entries.get(target.name) or _by_content(entries, target)
        if entry is None:
            raise VerificationFailed(Message(N_("%(signature)s does not sign %(file)s: no signed file has its "
                                                "contents (it signs %(signed)s)"), signature=signature.name,
                                             file=target.name, signed=", ".join(sorted(entries))),
                                     reason="not_signed", file=target.name)
        checks = [(target, entry)]
    for path, entry in checks:
        if not path.is_file():
            raise VerificationFailed(Message(N_("%(file)s is signed but missing"), file=str(entry["name"])),
                                     reason="missing", file=str(entry["name"]))
        digest = sha256_file(path)
        if digest != entry["sha256"]:
            raise VerificationFailed(Message(N_("%(file)s has been changed since it was signed (sha256 %(now)s…, "
                                                "signed %(signed)s…)"), file=str(entry["name"]), now=digest[:16],
                                             signed=str(entry["sha256"])[:16]),
                                     reason="changed", file=str(entry["name"]))
    return Verified(str(data.get("signer", "")), fingerprint(raw_public), str(data.get("signed_at", "")),
                    [str(e["name"]) for _, e in checks], public_key is not None)


def verify_bytes(content: bytes, name: str, signature: bytes, *,
                 public_key: PublicKey | None = None) -> Verified:
    """The same check for uploaded bytes (the web page): written to a private temporary folder."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(name.replace("\\", "/")).name
        target = Path(tmp) / (base if base not in ("", ".", "..") else "file")
        target.write_bytes(content)
        sig = Path(tmp) / "upload.sig"
        sig.write_bytes(signature)
        return verify(target, sig, public_key=public_key)

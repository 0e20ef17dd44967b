"""Signatures: what they hold, and each way a check fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kartoteka.errors import InvalidInput
from kartoteka.services import signing


def _signed(tmp: Path) -> tuple[Path, Path]:
    key = tmp / "k.key"
    signing.create_key(path=key, signer="Org A")
    f = tmp / "list.csv"
    f.write_text("id,name\n1,Тестов\n", "utf-8")
    return f, signing.sign_files([f], key=key, out=tmp / "list.csv.sig")


def test_an_edited_signature_file_fails(tmp_path: Path) -> None:
    f, sig = _signed(tmp_path)
    data = json.loads(sig.read_text())
    assert data["files"][0]["sha256"] == signing.sha256_file(f) and data["signer"] == "Org A"
    data["signer"] = "Org B"                                  # claim another signer
    sig.write_text(json.dumps(data))
    with pytest.raises(signing.VerificationFailed, match="signature file was altered"):
        signing.verify(f, sig)


def test_a_readable_private_key_is_refused_and_never_replaced(tmp_path: Path) -> None:
    f, _ = _signed(tmp_path)
    key = tmp_path / "k.key"
    assert key.stat().st_mode & 0o777 == 0o600 and "private_key" in key.read_text()
    with pytest.raises(InvalidInput, match="exists"):
        signing.create_key(path=key, signer="Org A")
    key.chmod(0o644)
    with pytest.raises(InvalidInput, match="can be read by others"):
        signing.sign_files([f], key=key, out=tmp_path / "x.sig")


def test_a_signature_for_another_file_fails(tmp_path: Path) -> None:
    f, sig = _signed(tmp_path)
    other = tmp_path / "other.csv"
    other.write_text("id,name\n2,Другой\n", "utf-8")
    with pytest.raises(signing.VerificationFailed, match="list.csv has been changed"):
        signing.verify(other, sig)                             # the signature signs one file: compared with it
    assert signing.verify(f, sig).files == ["list.csv"]


def test_a_private_key_is_never_signed_with_the_files(tmp_path: Path) -> None:
    f, _ = _signed(tmp_path)
    key = tmp_path / "k.key"
    with pytest.raises(InvalidInput, match="is a private signing key"):
        signing.sign_files([f, key], key=key, out=tmp_path / "both.sig")     # the key itself
    folder = tmp_path / "public"
    folder.mkdir()
    (folder / "list.csv").write_bytes(f.read_bytes())
    other = folder / "other.key"                                              # another key file inside the folder
    signing.create_key(path=other, signer="Org B")
    with pytest.raises(InvalidInput, match="other.key is a private signing key"):
        signing.sign_directory(folder, key=key)
    assert not (folder / signing.DIR_SIGNATURE).exists()


def test_key_files_written_in_a_checkout_are_ignored_by_git() -> None:
    """`kartoteka init` writes kartoteka.db.key beside ./kartoteka.db and `keys create --key org.key` writes into
    the current folder: in a checkout, `git add .` took both private keys (only *.db was ignored)."""
    import fnmatch

    patterns = [line.strip() for line in (Path(__file__).parents[2] / ".gitignore").read_text("utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    for name in ("kartoteka.db.key", "org.key"):
        assert any(fnmatch.fnmatch(name, p) for p in patterns), name
    assert not any(fnmatch.fnmatch("org.key.pub", p) for p in patterns)   # the public key may be shared

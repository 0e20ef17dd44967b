"""Password and username rules: at least 12 characters, not guessable (zxcvbn), not derived from the
username; usernames without control, format (bidirectional) or space characters."""

from __future__ import annotations

import unicodedata

from zxcvbn import zxcvbn

from kartoteka.errors import InvalidInput

MIN_PASSWORD = 12
MIN_SCORE = 3          # zxcvbn: 0 (too guessable) .. 4 (very unguessable)
MAX_USERNAME = 120
# Cc control, Cf format (bidirectional overrides, zero-width joiners), Z* separators, Co/Cs/Cn unusable.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cs", "Cn"})
_SITE_WORDS = ("kartoteka", "картотека", "political", "prisoner", "registry")


def N_(message: str) -> str:
    """Marks a message for translation; the web layer translates it when it shows it."""
    return message


USERNAME_RULE = N_("A username is 1-120 characters without spaces, control or bidirectional characters.")
TOO_SHORT = N_("A password needs at least 12 characters.")
HAS_USERNAME = N_("A password must not contain the username.")
GUESSABLE = N_("This password is too easy to guess (a common password, a word or a pattern). "
               "Use a longer passphrase of unrelated words.")


def check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > MAX_USERNAME or any(unicodedata.category(c) in _REFUSED_CATEGORIES for c in name):
        raise InvalidInput(USERNAME_RULE)
    return name


def check_password_strength(password: str, *, username: str = "") -> None:
    """Refuse short, common and user-derived passwords (the same rule for web, API and CLI)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(TOO_SHORT)
    folded = password.casefold()
    if username and len(username) >= 3 and username.casefold() in folded:
        raise InvalidInput(HAS_USERNAME)
    inputs = [username, *_SITE_WORDS] if username else list(_SITE_WORDS)
    if zxcvbn(password[:100], user_inputs=inputs)["score"] < MIN_SCORE:
        raise InvalidInput(GUESSABLE)

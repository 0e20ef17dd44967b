"""Signed session cookies, CSRF tokens, sign-in rate limiting and security headers."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "kt_session"
SESSION_MAX_AGE = 12 * 3600
SECOND_FACTOR_SECONDS = 300   # between a right password and the code
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})

SECURITY_HEADERS = {
    "content-security-policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


@dataclass
class Session:
    """What the session cookie holds: the signed-in user (or none), the CSRF token, a language."""

    user_id: int | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    lang: str | None = None
    changed: bool = False
    version: int = 0       # the user's session_version at sign-in; a newer one ends this session
    pending: int | None = None   # a user whose password was right and whose second factor is awaited
    pending_at: int = 0          # when (epoch seconds); the wait ends after SECOND_FACTOR_SECONDS

    def sign_in(self, user_id: int, version: int) -> None:
        """A new CSRF token on every sign-in, so a token seen before sign-in is worthless after."""
        self.user_id, self.version, self.csrf, self.changed = user_id, version, secrets.token_urlsafe(32), True
        self.pending, self.pending_at = None, 0

    def await_second_factor(self, user_id: int) -> None:
        self.sign_out()
        self.pending, self.pending_at = user_id, int(time.time())

    def second_factor_user(self) -> int | None:
        """The user whose code is awaited, while the wait lasts."""
        fresh = time.time() - self.pending_at < SECOND_FACTOR_SECONDS
        return self.pending if fresh else None

    def sign_out(self) -> None:
        self.user_id, self.version, self.csrf, self.changed = None, 0, secrets.token_urlsafe(32), True
        self.pending, self.pending_at = None, 0


class SessionCodec:
    def __init__(self, secret: str) -> None:
        self._s = URLSafeTimedSerializer(secret, salt="kartoteka-session")

    def dumps(self, session: Session) -> str:
        data = {"u": session.user_id, "c": session.csrf, "l": session.lang, "v": session.version}
        if session.pending is not None:
            data.update(p=session.pending, pa=session.pending_at)
        return self._s.dumps(data)

    def loads(self, cookie: str | None) -> Session:
        """The session in a cookie; a missing, forged or expired cookie gives a new anonymous one."""
        if not cookie:
            return Session(changed=True)
        try:
            data = self._s.loads(cookie, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return Session(changed=True)
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return Session(changed=True)
        uid, lang, version = data.get("u"), data.get("l"), data.get("v")
        pending, pending_at = data.get("p"), data.get("pa")
        return Session(uid if isinstance(uid, int) else None, data["c"], lang if isinstance(lang, str) else None,
                       version=version if isinstance(version, int) else 0,
                       pending=pending if isinstance(pending, int) else None,
                       pending_at=pending_at if isinstance(pending_at, int) else 0)


def csrf_ok(session: Session, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf.encode(), (token or "").encode())


def cookie_secure(host: str, scheme: str) -> bool:
    """Secure cookies everywhere except plain HTTP on the local machine."""
    return scheme == "https" or host.split(":")[0] not in LOCAL_HOSTS and not host.startswith("[::1]")


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key (a client address), in memory."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, key: str) -> bool:
        """Whether ``key`` is at its limit now (without recording an event)."""
        at = time.monotonic()
        with self._lock:
            events = self._events.get(key)
            return events is not None and sum(1 for t in events if t > at - self.window) >= self.limit

    def hit(self, key: str) -> bool:
        """Record one event; False when the key is over its limit."""
        at = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= at - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(at)
            if len(self._events) > 10_000:
                self._events = {k: v for k, v in self._events.items() if v and v[-1] > at - self.window}
            return True

"""Login throttling, in memory: failures per user name and per client address.

After FREE failures a key is locked, for LOCK_S seconds and twice as long after each further
failure (up to MAX_LOCK_S); failures are forgotten FORGET_S after the last one. A restart
forgets everything, which only helps an attacker who can restart the server.
"""

from __future__ import annotations

from dataclasses import dataclass

FREE = 5
LOCK_S = 15
MAX_LOCK_S = 15 * 60
FORGET_S = 60 * 60
MAX_KEYS = 10_000


@dataclass(slots=True)
class Failures:
    count: int
    last_ms: int

    def locked_until_ms(self) -> int:
        if self.count < FREE:
            return 0
        doublings = min(self.count - FREE, MAX_LOCK_S // LOCK_S)  # no huge shifts
        lock_s: int = min(LOCK_S << doublings, MAX_LOCK_S)
        return self.last_ms + lock_s * 1000


class Throttle:
    """Keys are strings like ``user:alice`` and ``address:10.0.0.7``.

    An attempt counts as a failure before the password is checked (the check takes a while
    and runs in a thread), so parallel guesses cannot slip past the lock; success undoes it.
    """

    def __init__(self) -> None:
        self._failures: dict[str, Failures] = {}

    def retry_after_s(self, keys: tuple[str, ...], now_ms: int) -> int:
        """Seconds until every key may try again; 0 if they all may now."""
        until = max((self._current(key, now_ms).locked_until_ms() for key in keys), default=0)
        return max(0, -(-(until - now_ms) // 1000))

    def attempt(self, keys: tuple[str, ...], now_ms: int) -> None:
        if len(self._failures) >= MAX_KEYS:
            self._forget_stale(now_ms)
        for key in keys:
            failures = self._current(key, now_ms)
            self._failures[key] = Failures(failures.count + 1, now_ms)

    def succeeded(self, user_key: str, keys: tuple[str, ...]) -> None:
        """Undo the attempt on every key, and clear the user's record altogether."""
        for key in keys:
            if key in self._failures:
                self._failures[key].count -= 1
        self._failures.pop(user_key, None)

    def _current(self, key: str, now_ms: int) -> Failures:
        found = self._failures.get(key)
        if found is None or now_ms - found.last_ms > FORGET_S * 1000:
            return Failures(0, now_ms)
        return found

    def _forget_stale(self, now_ms: int) -> None:
        stale = [k for k, f in self._failures.items() if now_ms - f.last_ms > FORGET_S * 1000]
        for key in stale or list(self._failures)[: MAX_KEYS // 2]:
            del self._failures[key]

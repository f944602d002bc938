"""Login rate limiting: failed attempts per (name, address) in a sliding window, in this
process's memory (one API process; behind several, put a limit at the proxy too)."""

from __future__ import annotations

import threading
import time
from collections import deque

from bracketry.service.errors import TooMany


class Throttle:
    """At most ``attempts`` failures per key within ``window_s`` seconds."""

    def __init__(self, attempts: int, window_s: float) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        """Raise :class:`TooMany` while ``key`` has used up its failures."""
        with self._lock:
            recent = self._recent(key, time.monotonic())
            if len(recent) >= self.attempts:
                wait = int(recent[0] + self.window_s - time.monotonic()) + 1
                raise TooMany(
                    f"too many failed sign-ins; try again in {wait} s",
                    retry_after=wait,
                    field="username",
                )

    def failed(self, key: str) -> None:
        """Count one failure of ``key``."""
        with self._lock:
            now = time.monotonic()
            self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        """Forget ``key``'s failures."""
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        recent = self._failures.setdefault(key, deque())
        while recent and recent[0] <= now - self.window_s:
            recent.popleft()
        return recent

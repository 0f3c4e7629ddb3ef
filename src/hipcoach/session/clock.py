"""Time for the session player, injectable so tests never really wait.

``now()`` is monotonic seconds (s) for durations; ``wall()`` is the aware UTC datetime used
for the history. :class:`FakeClock` advances only when something sleeps on it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """A monotonic clock in seconds plus wall time."""

    def now(self) -> float:
        """Monotonic time, s."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (s; <= 0 returns at once)."""
        ...

    def wall(self) -> datetime:
        """Current wall time (aware, UTC)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def wall(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that moves only when :meth:`sleep` or :meth:`advance` is called."""

    def __init__(self, start_wall: datetime | None = None, start_s: float = 0.0) -> None:
        self._t = float(start_s)
        self._t0 = float(start_s)
        self._wall0 = start_wall or datetime(2026, 1, 5, 8, 0, tzinfo=UTC)

    def now(self) -> float:
        return self._t

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` (s; negative is ignored)."""
        self._t += max(0.0, float(seconds))

    def wall(self) -> datetime:
        return self._wall0 + timedelta(seconds=self._t - self._t0)

"""Key presses for the session player: the real terminal, or a script for tests.

Keys are single characters ("p", " ", "s", ...); Enter is ``"\\n"``. A key source waits at
most ``timeout_s`` for a key, so the player keeps its display and timers running.
"""

from __future__ import annotations

import os
import select
import sys
import termios
import tty
from collections.abc import Iterable
from types import TracebackType
from typing import Any, Protocol, Self

from hipcoach.session.clock import Clock

ENTER = "\n"
BACKSPACE = "\x7f"


class KeySource(Protocol):
    """Where key presses come from."""

    def read(self, timeout_s: float) -> str | None:
        """The next key, waiting at most ``timeout_s`` (s); None if none came."""
        ...


class ScriptedKeys:
    """Key presses at given times of a (fake) clock: ``[(t_s, key), ...]``.

    ``read`` returns the next due key at once; otherwise it sleeps the clock until the next
    key is due or ``timeout_s`` has passed. When the script is exhausted, reads time out; a
    player waiting for an answer gets :data:`END_OF_SCRIPT` so a faulty test cannot hang.
    """

    END_OF_SCRIPT = "\x04"

    def __init__(self, clock: Clock, script: Iterable[tuple[float, str]]) -> None:
        self._clock = clock
        self._events = sorted(script, key=lambda e: e[0])
        self._next = 0
        self.idle_reads = 0

    def read(self, timeout_s: float) -> str | None:
        now = self._clock.now()
        if self._next < len(self._events):
            due, key = self._events[self._next]
            if due <= now:
                self._next += 1
                return key
            if due <= now + timeout_s:
                self._clock.sleep(due - now)
                self._next += 1
                return key
        else:
            self.idle_reads += 1
            if self.idle_reads > 100_000:
                return self.END_OF_SCRIPT
        self._clock.sleep(timeout_s)
        return None

    @property
    def exhausted(self) -> bool:
        """True once every scripted key was read."""
        return self._next >= len(self._events)


class TerminalKeys:
    """Single key presses from the terminal (cbreak mode while open; POSIX only).

    Use as a context manager; the terminal mode is restored on exit, also after an error.
    When stdin is not a terminal, lines are read instead (each line's characters are keys,
    followed by Enter), so ``echo 3 | hipcoach session`` style scripting works.
    """

    def __init__(self) -> None:
        self._fd = sys.stdin.fileno()
        self._saved: list[Any] | None = None  # termios attributes
        self._pending: list[str] = []
        self._eof = False

    def __enter__(self) -> Self:
        if os.isatty(self._fd):
            self._saved = termios.tcgetattr(self._fd)
            tty.setcbreak(self._fd)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._saved is not None:
            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def read(self, timeout_s: float) -> str | None:
        if self._pending:
            return self._pending.pop(0)
        if self._eof:
            select.select([], [], [], max(0.0, timeout_s))
            return ScriptedKeys.END_OF_SCRIPT
        ready, _, _ = select.select([self._fd], [], [], max(0.0, timeout_s))
        if not ready:
            return None
        data = os.read(self._fd, 64).decode("utf-8", errors="ignore")
        if not data:
            self._eof = True
            return ScriptedKeys.END_OF_SCRIPT
        self._pending.extend("\n" if ch == "\r" else ch for ch in data)
        return self._pending.pop(0)

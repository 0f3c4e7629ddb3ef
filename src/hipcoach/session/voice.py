"""Spoken cues with an offline voice (espeak-ng), or silence.

Speech never blocks the player: each utterance runs as its own process and a newer one
interrupts an older one still speaking, so cues stay current. When espeak-ng is missing or
fails, the session continues silently and says so once.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Protocol

from hipcoach.session.clock import Clock

VOICE_PROGRAMS = ("espeak-ng", "espeak")


class Voice(Protocol):
    """Something that can say a short text."""

    def say(self, text: str) -> None:
        """Start saying ``text`` (returns at once)."""
        ...

    def close(self) -> None:
        """Stop speaking and release resources."""
        ...


class SilentVoice:
    """Says nothing (``--mute``, or no speech program installed)."""

    def say(self, text: str) -> None:
        return None

    def close(self) -> None:
        return None


class RecordingVoice:
    """Remembers what would have been said, with the clock time (tests)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.said: list[tuple[float, str]] = []

    def say(self, text: str) -> None:
        self.said.append((self._clock.now(), text))

    def close(self) -> None:
        return None

    def texts(self) -> list[str]:
        """Just the texts, in order."""
        return [t for _, t in self.said]


class EspeakVoice:
    """espeak-ng in a child process per utterance (words per minute: ``rate_wpm``)."""

    def __init__(self, program: str, rate_wpm: int = 160) -> None:
        self._program = program
        self._rate = int(rate_wpm)
        self._proc: subprocess.Popen[bytes] | None = None
        self.failed: str | None = None

    def say(self, text: str) -> None:
        if self.failed is not None:
            return
        self._stop()
        try:
            self._proc = subprocess.Popen(
                [self._program, "-s", str(self._rate), "--", text],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            self.failed = f"{self._program} could not start ({exc}); continuing silently"

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                proc.kill()

    def close(self) -> None:
        self._stop()


def make_voice(mute: bool) -> tuple[Voice, str | None]:
    """The voice to use and a note for the user (None when speaking normally)."""
    if mute:
        return SilentVoice(), None
    for name in VOICE_PROGRAMS:
        path = shutil.which(name)
        if path is not None:
            return EspeakVoice(path), None
    return SilentVoice(), (
        "no offline voice found (install espeak-ng to hear the cues); the session is silent"
    )

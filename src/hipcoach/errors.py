"""User-facing errors. Each carries a one-line message naming the cause and the fix,
and the process exit code the CLI uses for it."""

from __future__ import annotations


class HipcoachError(Exception):
    """Base class: an expected failure with a message meant for the user."""

    exit_code = 1

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(message if fix is None else f"{message} — {fix}")


class InputError(HipcoachError):
    """The input file or source is missing, unreadable or not a video."""

    exit_code = 2


class ModelError(HipcoachError):
    """A pose model is missing or corrupt."""

    exit_code = 3


class NoPersonError(HipcoachError):
    """Nobody (or not enough of a body) was found in the video."""

    exit_code = 4


class ConfigError(HipcoachError):
    """A settings or data file is invalid."""

    exit_code = 5


class Interrupted(HipcoachError):
    """The user pressed Ctrl-C; partial results were saved where possible."""

    exit_code = 130


class NoExerciseError(HipcoachError):
    """A usable video, but no hip-series exercise was found in it."""

    exit_code = 6


class StorageError(HipcoachError):
    """The history database cannot be opened, read or written."""

    exit_code = 7


class SafetyStop(HipcoachError):
    """A safety answer means the exercises should not start (see a clinician first)."""

    exit_code = 8


class ScreenInconclusive(HipcoachError):
    """A screen could not give a finding (view, framing, people, too few reps/steps)."""

    exit_code = 9


class ScreenCannotRuleOut(HipcoachError):
    """The video was read, but the screen cannot rule the sign out (screens/evidence.py)."""

    exit_code = 10

"""Shared Rich helpers for the CLI: consoles, progress bars, error printing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from hipcoach.errors import HipcoachError

console = Console()
err_console = Console(stderr=True)

DISCLAIMER = (
    "hipcoach is not a medical device. It does not diagnose or treat anything; "
    "stop if anything hurts and see a clinician about pain."
)


class RateColumn(ProgressColumn):
    """Frames per second of the task."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- fps" if speed is None else f"{speed:5.1f} fps", style="cyan")


class LoggedProgress(Progress):
    """Progress for a log (stderr is not a terminal): plain lines instead of a live bar.

    One line after the first frame (a readiness signal for scripts and tests), then one
    every ``every_s`` seconds: ``pose: 120/614 frames``.
    """

    def __init__(self, *columns: ProgressColumn, every_s: float = 10.0) -> None:
        super().__init__(*columns, console=err_console, disable=True)
        self.every_s = every_s
        self._last: float | None = None

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        super().advance(task_id, advance)
        self._log(task_id)

    def update(self, task_id: TaskID, **fields: Any) -> None:
        super().update(task_id, **fields)
        self._log(task_id)

    def _log(self, task_id: TaskID) -> None:
        now = time.monotonic()
        if self._last is not None and now - self._last < self.every_s:
            return
        self._last = now
        task = self._tasks[task_id]
        total = f"/{int(task.total)}" if task.total else ""
        err_console.print(
            plain(f"{task.description}: {int(task.completed)}{total} frames"), highlight=False
        )


@contextmanager
def frame_progress(
    total: float | None, description: str, enabled: bool = True
) -> Iterator[Progress]:
    """A progress bar counting frames, with frames/s and ETA (stderr)."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    if enabled and not err_console.is_terminal:
        logged = LoggedProgress(*columns)
        logged.add_task(description, total=total)
        yield logged
        return
    with Progress(*columns, console=err_console, disable=not enabled, transient=False) as progress:
        progress.add_task(description, total=total)
        yield progress


_CONTROL = dict.fromkeys(i for i in range(32) if i not in (9, 10)) | {127: None}


def plain(text: str, style: str = "") -> Text:
    """Text from files or users shown as it is: no Rich markup, no terminal control
    characters (escape sequences are dropped, never sent to the terminal)."""
    return Text(str(text).translate(_CONTROL), style=style)


def print_error(exc: HipcoachError) -> None:
    """One line: the cause, then the fix (file names and messages shown literally)."""
    line = Text("error: ", style="bold red") + plain(exc.message)
    if exc.fix:
        line += Text(" — ", style="dim") + plain(exc.fix)
    err_console.print(line, highlight=False, soft_wrap=True)


def print_warning(message: str) -> None:
    """One warning line on stderr (shown literally)."""
    err_console.print(
        Text("warning: ", style="yellow") + plain(message), highlight=False, soft_wrap=True
    )

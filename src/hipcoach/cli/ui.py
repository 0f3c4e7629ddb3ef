"""Shared Rich helpers for the CLI: consoles, progress bars, error printing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
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

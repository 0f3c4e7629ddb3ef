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


def print_error(exc: HipcoachError) -> None:
    """One line: the cause, then the fix."""
    line = f"[bold red]error:[/] {exc.message}"
    if exc.fix:
        line += f" [dim]—[/] {exc.fix}"
    err_console.print(line, highlight=False, soft_wrap=True)


def print_warning(message: str) -> None:
    """One warning line on stderr."""
    err_console.print(f"[yellow]warning:[/] {message}", highlight=False, soft_wrap=True)

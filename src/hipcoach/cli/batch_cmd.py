"""``hipcoach batch IN --out OUT``: the library's batch driver with a progress bar over
videos and a summary. Every video's problem is one line; the overview lists them all."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from hipcoach.batch import BatchProgress, BatchRequest, BatchResult, JobOutcome, run_batch
from hipcoach.cli.ui import console, err_console, plain, print_warning
from hipcoach.errors import InputError


class BarProgress(BatchProgress):
    """Bars over videos and over frames on a terminal; one plain line per video in a log."""

    def __init__(self, stack: ExitStack, enabled: bool) -> None:
        self.stack, self.enabled = stack, enabled
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.frame_task: TaskID | None = None
        self.total, self.count = 0, 0

    def planned(self, total: int, to_run: int) -> None:
        """Open the bar (``total`` videos; the finished ones count at once)."""
        self.total = total
        if total - to_run:
            err_console.print(plain(f"batch: {total - to_run} of {total} video(s) already done"))
        if not self.enabled or not err_console.is_terminal:
            return
        columns = (
            TextColumn("[bold]{task.description:6s}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
        )
        self.bar = self.stack.enter_context(Progress(*columns, console=err_console))
        self.task = self.bar.add_task("videos", total=total)

    def frames_planned(self, total: int) -> None:
        """Add the bar over the frames of the videos that run now (when their count is known)."""
        if self.bar is not None and total:
            self.frame_task = self.bar.add_task("frames", total=total)

    def frames(self, count: int) -> None:
        """Advance the frames bar."""
        if self.bar is not None and self.frame_task is not None:
            self.bar.advance(self.frame_task, count)

    def finished(self, outcome: JobOutcome) -> None:
        """Advance the bar, or log the video (not the ones skipped)."""
        self.count += 1
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task)
        elif self.enabled and not outcome.skipped:
            what = "done" if outcome.status == "done" else f"failed: {outcome.reason}"
            name = f"{outcome.client}/{outcome.date}/{Path(outcome.video).name}"
            err_console.print(plain(f"batch: {self.count}/{self.total} {name} {what}"))


def summary(result: BatchResult) -> Table:
    """Videos done, skipped and failed, and the time taken."""
    table = Table(title="hipcoach batch", show_header=False)
    outcomes = result.outcomes
    table.add_row("clients", str(len({o.client for o in outcomes})))
    done = sum(o.status == "done" for o in outcomes)
    table.add_row("videos", f"{len(outcomes)}: {done} done, {len(result.failed)} failed")
    table.add_row("already done", f"{result.skipped} (skipped)")
    table.add_row("landmarks reused", str(sum(o.pose_cached and not o.skipped for o in outcomes)))
    table.add_row("time", f"{result.wall_s:.1f} s")
    return table


def run_batch_command(request: BatchRequest, quiet: bool) -> None:
    """Run the batch, show the summary and each failure; exit 2 when a video failed."""
    with ExitStack() as stack:
        result = run_batch(request, BarProgress(stack, not quiet))
    for warning in result.warnings:
        print_warning(warning)
    console.print(summary(result))
    for outcome in result.failed:
        name = f"{outcome.client}/{outcome.date}/{Path(outcome.video).name}"
        print_warning(f"{name}: {outcome.reason}")
    for path in result.written:
        console.print(plain(f"written: {path}"))
    if result.failed:
        raise InputError(
            f"{len(result.failed)} of {len(result.outcomes)} video(s) could not be used; "
            "the others are done",
            fix=f"see the reasons above and in {request.out / 'overview.html'}",
        )

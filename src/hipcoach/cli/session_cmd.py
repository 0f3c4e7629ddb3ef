"""``hipcoach session``: the guided hip series on the terminal (timer or live camera)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from hipcoach.config import Settings
from hipcoach.errors import Interrupted
from hipcoach.session.camera import CameraRepSource
from hipcoach.session.clock import SystemClock
from hipcoach.session.display import RichDisplay
from hipcoach.session.guided import Devices, GuidedOptions, run_guided
from hipcoach.session.keys import TerminalKeys
from hipcoach.session.pacing import TimerRepSource
from hipcoach.session.player import SessionOutcome
from hipcoach.session.progress import RepSource
from hipcoach.session.voice import make_voice
from hipcoach.types import Side


@dataclass(frozen=True)
class SessionJob:
    """What the user asked for on the command line."""

    settings: Settings
    routine_path: Path | None = None
    db: Path | None = None
    camera: int | None = None
    start_side: Side | None = None
    band_level: int | None = None
    mute: bool = False
    recheck_safety: bool = False

    def options(self) -> GuidedOptions:
        """The shared session engine's options."""
        return GuidedOptions(
            settings=self.settings,
            routine_path=self.routine_path,
            db=self.db,
            start_side=self.start_side,
            band_level=self.band_level,
            recheck_safety=self.recheck_safety,
        )


def make_source(job: SessionJob) -> RepSource:
    """The camera rep source for ``--camera N``, else the pacing timer."""
    if job.camera is None:
        return TimerRepSource(job.settings.session)
    return CameraRepSource.open_camera(job.camera, job.settings)


def run_session(job: SessionJob, dev: Devices, source: RepSource) -> SessionOutcome:
    """The shared session engine (:func:`~hipcoach.session.guided.run_guided`) on the
    terminal. Ctrl-C keeps every finished set."""
    name = f"guided (camera {job.camera})" if job.camera is not None else "guided (timer)"
    try:
        return run_guided(job.options(), dev, source, name, input_lost="no input")
    except KeyboardInterrupt as exc:
        raise Interrupted(
            "session interrupted", fix="every finished set is saved in the history"
        ) from exc


@contextmanager
def terminal_devices(console: Console, mute: bool) -> Iterator[tuple[Devices, str | None]]:
    """Real clock, terminal keys, Rich display and voice; restored/closed on exit."""
    voice, note = make_voice(mute)
    with ExitStack() as stack:
        keys = stack.enter_context(TerminalKeys())
        display = stack.enter_context(RichDisplay(console))
        stack.callback(voice.close)
        yield Devices(SystemClock(), keys, display, voice), note


def outcome_table(outcome: SessionOutcome) -> Table:
    """Sets of the session with reps vs target and status."""
    table = Table(title=f"session {outcome.session_id}")
    for col in ("leg", "exercise", "reps", "status", "form"):
        table.add_column(col, overflow="fold")
    for result, status in outcome.sets:
        faults = [f for f in result.flags if f.measurable]
        form = ", ".join(sorted({f.rule for f in faults})) or "-"
        table.add_row(
            result.side, result.exercise, f"{result.reps}/{result.target_reps}", status, form
        )
    return table

"""``hipcoach session``: the guided hip series on the terminal (timer or live camera)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from hipcoach.config import Settings
from hipcoach.errors import InputError, Interrupted, SafetyStop
from hipcoach.exercises.questionnaires import load_questionnaires
from hipcoach.exercises.routine import Routine, load_routine
from hipcoach.session.camera import CameraRepSource
from hipcoach.session.clock import Clock, SystemClock
from hipcoach.session.display import Display, PlayerView, RichDisplay
from hipcoach.session.keys import KeySource, TerminalKeys
from hipcoach.session.pacing import TimerRepSource
from hipcoach.session.plan import build_plan
from hipcoach.session.player import Player, SessionOutcome
from hipcoach.session.progress import RepSource
from hipcoach.session.prompts import Asker
from hipcoach.session.redflags import ask_red_flags, needs_asking
from hipcoach.session.voice import Voice, make_voice
from hipcoach.storage import History, open_db
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


@dataclass
class Devices:
    """The player's hardware, injectable for tests."""

    clock: Clock
    keys: KeySource
    display: Display
    voice: Voice


def make_source(job: SessionJob) -> RepSource:
    """The camera rep source for ``--camera N``, else the pacing timer."""
    if job.camera is None:
        return TimerRepSource(job.settings.session)
    return CameraRepSource.open_camera(job.camera, job.settings)


def safety_gate(job: SessionJob, history: History, dev: Devices, routine: Routine) -> None:
    """Red-flag questions when due; raises :class:`SafetyStop` on any "yes"."""
    questionnaire = load_questionnaires()["red_flags"]
    now = dev.clock.wall()
    if not (job.recheck_safety or needs_asking(history, questionnaire, now, job.settings.session)):
        return
    asker = Asker(dev.keys, dev.display, job.settings.session.tick_s)
    dev.display.show(
        PlayerView(phase="intro", title=routine.name, message=routine.safety.not_medical_device)
    )
    yes = ask_red_flags(asker, questionnaire, history, now)
    if yes:
        dev.voice.say("Please see a clinician before doing these exercises.")
        raise SafetyStop(
            f"you answered yes to: {yes[0]}"
            + (f" (and {len(yes) - 1} more)" if len(yes) > 1 else ""),
            fix=questionnaire.advice,
        )


def band_level(job: SessionJob, history: History) -> int:
    """The band asked for, else the band of the last stored session (0 = no band)."""
    if job.band_level is not None:
        return job.band_level
    sessions = history.sessions()
    return sessions[-1].band_level if sessions else 0


def run_session(job: SessionJob, dev: Devices, source: RepSource) -> SessionOutcome:
    """Open the history, check safety, run the player. Ctrl-C keeps every finished set."""
    routine = load_routine(job.routine_path)
    plan = build_plan(routine, job.start_side)
    with open_db(job.db) as history:
        safety_gate(job, history, dev, routine)
        player = Player(
            routine,
            plan,
            source,
            clock=dev.clock,
            keys=dev.keys,
            voice=dev.voice,
            display=dev.display,
            history=history,
            band_level=band_level(job, history),
            settings=job.settings.session,
        )
        name = f"guided (camera {job.camera})" if job.camera is not None else "guided (timer)"
        try:
            return player.run(name)
        except KeyboardInterrupt as exc:
            if player.outcome is not None:
                history.finish_session(
                    player.outcome.session_id, dev.clock.wall(), "interrupted (Ctrl-C)"
                )
            raise Interrupted(
                "session interrupted", fix="every finished set is saved in the history"
            ) from exc
        except InputError:
            if player.outcome is not None:
                history.finish_session(player.outcome.session_id, dev.clock.wall(), "no input")
            raise


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

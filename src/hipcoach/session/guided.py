"""One guided session run end to end (safety questions, band, the player), for any front-end.

``hipcoach session`` (terminal) and the web page drive the same
:class:`~hipcoach.session.player.Player`, plan, pain rules and history. This module holds
the steps around the player that do not depend on the front-end (as ``cli/session_cmd``
does for the terminal), and :class:`RemoteSession`: a session whose camera landmarks, keys
and screen come from a page (see :mod:`hipcoach.session.remote`), run in its own thread.
Times in seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hipcoach.analysis.result import SetResult
from hipcoach.backends.base import PoseCandidate
from hipcoach.config import DEFAULTS, Settings
from hipcoach.errors import HipcoachError, InputError, SafetyStop
from hipcoach.exercises.questionnaires import load_questionnaires
from hipcoach.exercises.routine import ExerciseSpec, Routine, load_routine
from hipcoach.session.camera import CameraRepSource
from hipcoach.session.clock import Clock, SystemClock
from hipcoach.session.display import Display, PlayerView
from hipcoach.session.keys import KeySource
from hipcoach.session.plan import build_plan
from hipcoach.session.player import Player, SessionOutcome
from hipcoach.session.progress import RepSource, SetProgress
from hipcoach.session.prompts import Asker
from hipcoach.session.redflags import ask_red_flags, needs_asking
from hipcoach.session.remote import PushedBackend, PushedFrames, RemoteKeys, RemoteScreen
from hipcoach.session.voice import Voice
from hipcoach.storage import History, open_db
from hipcoach.types import Side

CLINICIAN = "Please see a clinician before doing these exercises."
#: The stored stop reason of a session stopped by Ctrl-C.
INTERRUPTED = "interrupted (Ctrl-C)"
#: The stored stop reason of a page's session whose page went away.
PAGE_CLOSED = "the page was closed"


@dataclass(frozen=True)
class GuidedOptions:
    """What to run: settings, routine file (None = the bundled one), history database (None
    = the default), first working leg (None = the routine's order), band (None = the last
    session's), and whether to ask the red-flag questions even when not due."""

    settings: Settings = DEFAULTS
    routine_path: Path | None = None
    db: Path | None = None
    start_side: Side | None = None
    band_level: int | None = None
    recheck_safety: bool = False


@dataclass
class Devices:
    """The player's clock, keys, screen and voice (any front-end's)."""

    clock: Clock
    keys: KeySource
    display: Display
    voice: Voice


def safety_gate(opts: GuidedOptions, history: History, dev: Devices, routine: Routine) -> None:
    """Red-flag questions when due; raises :class:`SafetyStop` on any "yes"."""
    questionnaire = load_questionnaires()["red_flags"]
    now = dev.clock.wall()
    if not (
        opts.recheck_safety or needs_asking(history, questionnaire, now, opts.settings.session)
    ):
        return
    asker = Asker(dev.keys, dev.display, opts.settings.session.tick_s)
    dev.display.show(
        PlayerView(phase="intro", title=routine.name, message=routine.safety.not_medical_device)
    )
    yes = ask_red_flags(asker, questionnaire, history, now)
    if yes:
        dev.voice.say(CLINICIAN)
        more = f" (and {len(yes) - 1} more)" if len(yes) > 1 else ""
        raise SafetyStop(f"you answered yes to: {yes[0]}{more}", fix=questionnaire.advice)


def band_level(opts: GuidedOptions, history: History) -> int:
    """The band asked for, else the band of the last stored session (0 = no band)."""
    if opts.band_level is not None:
        return opts.band_level
    sessions = history.sessions()
    return sessions[-1].band_level if sessions else 0


def run_guided(
    opts: GuidedOptions,
    dev: Devices,
    source: RepSource,
    name: str,
    input_lost: str = "no input",
) -> SessionOutcome:
    """Open the history, ask the red-flag questions when due, run the player; every set is
    stored as it ends. Raises ``SafetyStop`` when a safety answer stops it; when the input
    ends (``InputError``) the stored session is finished with the reason ``input_lost``,
    on Ctrl-C with :data:`INTERRUPTED`, and the exception is raised."""
    routine = load_routine(opts.routine_path)
    plan = build_plan(routine, opts.start_side)
    with open_db(opts.db) as history:
        safety_gate(opts, history, dev, routine)
        player = Player(
            routine,
            plan,
            source,
            clock=dev.clock,
            keys=dev.keys,
            voice=dev.voice,
            display=dev.display,
            history=history,
            band_level=band_level(opts, history),
            settings=opts.settings.session,
        )
        try:
            return player.run(name)
        except KeyboardInterrupt:
            _finish(player, history, dev, INTERRUPTED)
            raise
        except InputError:
            _finish(player, history, dev, input_lost)
            raise


def _finish(player: Player, history: History, dev: Devices, reason: str) -> None:
    """Close the stored session of a player that did not end on its own."""
    if player.outcome is not None:
        history.finish_session(player.outcome.session_id, dev.clock.wall(), reason)


class TracedCount:
    """A ``RepSource`` around a :class:`CameraRepSource` that notes which frames each
    re-count covered: ``counted_frame_s`` is the newest frame time (s, frame clock) seen
    before the latest re-count (None before the first), so a front-end can tell how old the
    count it shows is; ``on_poll`` is called after each re-count."""

    counted_by: Literal["camera", "timer"] = "camera"

    def __init__(self, inner: CameraRepSource, on_poll: Callable[[], None] = lambda: None) -> None:
        self.inner = inner
        self.on_poll = on_poll
        self.counted_frame_s: float | None = None

    def begin(self, side: Side, exercise: ExerciseSpec, routine: Routine, t_s: float) -> None:
        """As :meth:`CameraRepSource.begin`."""
        self.inner.begin(side, exercise, routine, t_s)

    def poll(self, t_s: float) -> SetProgress:
        """As :meth:`CameraRepSource.poll`, noting the frames a re-count covered."""
        newest = self.inner.feed_state().last_frame_s
        before = self.inner.last_count
        progress = self.inner.poll(t_s)
        if self.inner.last_count is not before:
            self.counted_frame_s = newest
            self.on_poll()
        return progress

    def end(self, t_s: float) -> SetResult:
        """As :meth:`CameraRepSource.end`."""
        return self.inner.end(t_s)

    def close(self) -> None:
        """As :meth:`CameraRepSource.close`."""
        self.inner.close()


class RemoteSession:
    """A guided session fed by a page: landmarks in (:meth:`push_frame`), keys in
    (:meth:`press`), the view and speech out (``screen``), run in a background thread.

    ``size``: the page's picture (width, height) in pixels, which landmark fractions refer
    to. ``on_change`` is called from any thread when there is something new to show.
    Frames are counted synchronously in :meth:`push_frame` (cheap: the pose model ran in
    the page), so nothing queues.
    """

    def __init__(
        self,
        opts: GuidedOptions,
        size: tuple[int, int],
        on_change: Callable[[], None] = lambda: None,
        clock: Clock | None = None,
    ) -> None:
        self.opts = opts
        self.frames = PushedFrames()
        self.source = CameraRepSource(
            self.frames, PushedBackend(), opts.settings, threaded=False, size=size
        )
        self.counter = TracedCount(self.source, on_change)
        self.keys = RemoteKeys()
        self.screen = RemoteScreen(on_change)
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self.outcome: SessionOutcome | None = None
        self.error: HipcoachError | None = None
        self.finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hipcoach-web-session", daemon=True)

    def start(self) -> None:
        """Start the session thread."""
        self._thread.start()

    def _run(self) -> None:
        dev = Devices(self._clock, self.keys, self.screen, self.screen)
        try:
            self.outcome = run_guided(
                self.opts, dev, self.counter, "guided (browser camera)", PAGE_CLOSED
            )
        except HipcoachError as exc:
            self.error = exc
        except Exception as exc:  # noqa: BLE001 - reported to the page, never a traceback
            self.error = HipcoachError(f"the session stopped unexpectedly ({exc})")
        finally:
            self.finished.set()
            self.screen.on_change()

    def push_frame(self, t_s: float, candidates: Sequence[PoseCandidate]) -> None:
        """Count the frame at ``t_s`` (s, page clock) now and let the player poll."""
        with self._lock:
            if self.finished.is_set():
                return
            self.frames.push(t_s, candidates)
            self.source.pump(max_frames=1)
        self.keys.wake()

    def press(self, keys: str) -> None:
        """Keys from the page (as on the terminal: " ", "p", "s", "n", "q", digits, Enter)."""
        self.keys.press(keys)

    def end_input(self) -> None:
        """The page went away: the input ends now (cheap, never blocks), so the session
        stores what it has and finishes with :data:`PAGE_CLOSED`."""
        self.keys.close()

    def close(self, timeout_s: float = 3.0) -> None:
        """End the session (as "q"; the input then ends) and release the feed."""
        self.end_input()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        self.frames.close()
        self.source.close()

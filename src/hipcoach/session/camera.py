"""The camera as a :class:`~hipcoach.session.progress.RepSource`: live reps and form cues.

``hipcoach session --camera N`` opens the webcam and the pose model once
(:meth:`CameraRepSource.open_camera`); a background thread (:class:`~.live.PoseFeed`) runs
the model on every frame and follows the exerciser between and during sets. For each set the
player names the exercise and the working leg (``begin``); ``poll`` updates the count of the
set so far with :class:`~hipcoach.analysis.live_count.LiveSetCount` -- the count
:func:`~hipcoach.analysis.single_set.count_known_set` (the counters, thresholds and form rules
of ``hipcoach analyze``) gives on the same frames, for a cost that does not grow with the set
(it re-counts only the set's tail) -- at most every ``LiveSettings.recount_interval_s`` (less
often when counting is slow, see ``LiveSettings.max_count_share``); ``end`` counts the whole
set with ``count_known_set``.

Clocks: frames carry their own times (s since the camera started); the player has its own
clock (s). At ``begin(t_s)`` the newest processed frame is taken as happening at ``t_s``
(when no frame has come yet, the first frame of the set is), which fixes the offset between
the two; the :class:`~hipcoach.analysis.result.SetResult` of ``end`` is on the PLAYER's
clock (the ``RepSource`` convention): ``start_s``/``end_s`` are the ``begin``/``end`` times
and ``rep_times`` the reps' times.

What ``poll`` reports as ``problem`` (first that applies): the camera gives no new picture
("no picture from the camera"), nobody found in the frames of the last
``LiveSettings.no_person_after_s`` ("no person in view"), else what the count could not read
(view, other side lain on, circles the other way). A failure of the camera or the model is
raised from the next ``poll`` as a :class:`~hipcoach.errors.HipcoachError`, never a
traceback; ``end`` still returns what was counted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from hipcoach.analysis.cues import CueSelector
from hipcoach.analysis.live_count import LiveSetCount
from hipcoach.analysis.result import Flag, SetResult
from hipcoach.analysis.single_set import (
    KnownSetCount,
    count_known_set,
    empty_result,
    shift_times,
)
from hipcoach.backends import create_backend
from hipcoach.backends.base import PoseBackend
from hipcoach.config import DEFAULTS, ModelName, Settings
from hipcoach.errors import InputError
from hipcoach.exercises.routine import ExerciseSpec, Routine
from hipcoach.session.live import FIX_CAMERA, FeedState, PoseFeed
from hipcoach.session.progress import SetProgress
from hipcoach.types import Side
from hipcoach.video.base import Frame
from hipcoach.video.open import open_source

NO_PICTURE = "no picture from the camera"
NO_PERSON = "no person in view"
CAMERA_STOPPED = "the camera stopped giving pictures"


@dataclass
class _RunningSet:
    """The set between ``begin`` and ``end`` (times in s on the player's clock)."""

    side: Side
    exercise: ExerciseSpec
    routine: Routine
    t0_s: float
    #: The live count of the set's frames (frames' clock).
    count: LiveSetCount
    #: Frame clock minus player clock (s); None until the set's first frame.
    offset_s: float | None
    counted_at_s: float = -math.inf
    #: Time between re-counts (s): ``recount_interval_s``, longer when counting is slow.
    interval_s: float = 0.0
    progress: SetProgress = field(default_factory=lambda: SetProgress(reps=0))
    #: (rule, rep) of the fault flags already offered to the cue selector.
    offered: set[tuple[str, int]] = field(default_factory=set)


class CameraRepSource:
    """Counts the reps of each set from a camera (see the module docstring).

    ``frames``: a frame source (a webcam ``CameraSource``, a video file, or any iterable of
    :class:`~hipcoach.video.base.Frame` with increasing times). ``backend``: the pose model
    (``create_backend()``; ``ReplayBackend`` in tests). ``threaded=False`` processes frames
    only when :meth:`pump` is called (deterministic tests). The source owns both and closes
    them in :meth:`close`.
    """

    counted_by: Literal["camera", "timer"] = "camera"

    def __init__(
        self,
        frames: Iterable[Frame],
        backend: PoseBackend,
        settings: Settings = DEFAULTS,
        *,
        threaded: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        self._settings = settings
        self._feed = PoseFeed(
            frames, backend, tracking=settings.tracking, threaded=threaded, size=size
        )
        self._cues = CueSelector(settings.cues)
        self._set: _RunningSet | None = None
        #: The newest count of the running set (view, signals, events), for overlays.
        self.last_count: KnownSetCount | None = None

    @classmethod
    def open_camera(
        cls, index: int, settings: Settings = DEFAULTS, model: ModelName | None = None
    ) -> CameraRepSource:
        """Open webcam ``index`` and the MediaPipe model (``settings.pose.model`` unless
        ``model``) and start the camera thread. Raises ``InputError`` (camera) or
        ``ModelError`` (model) with the fix."""
        source = open_source(index, settings.pose, settings.video)
        try:
            backend = create_backend(model or settings.pose.model, settings=settings.pose)
        except BaseException:
            source.close()
            raise
        return cls(source, backend, settings)

    # ------------------------------------------------------------------ the feed
    def pump(self, max_frames: int | None = None, until_s: float | None = None) -> int:
        """Process queued frames now (only for ``threaded=False``): see ``PoseFeed.pump``."""
        return self._feed.pump(max_frames, until_s)

    def feed_state(self) -> FeedState:
        """Frames processed, last detection, failure (times on the frames' clock, s)."""
        return self._feed.state()

    @property
    def alive(self) -> bool:
        """True while the camera thread runs."""
        return self._feed.alive

    # ------------------------------------------------------------------ RepSource
    def begin(self, side: Side, exercise: ExerciseSpec, routine: Routine, t_s: float) -> None:
        """Start counting a set of ``exercise`` by the ``side`` leg at ``t_s`` (s, player's
        clock); frames processed before now are not part of it."""
        self._feed.open_window()
        start = self._feed.state().window_start_s
        offset = None if start is None else start - t_s
        count = LiveSetCount(side, exercise, routine, self._settings)
        self._set = _RunningSet(side, exercise, routine, t_s, count, offset)
        self.last_count = None

    def poll(self, t_s: float) -> SetProgress:
        """Reps, new cue and problem of the running set at ``t_s`` (s, player's clock).

        Raises the camera thread's ``HipcoachError`` if it failed, ``InputError`` if the
        camera stopped giving pictures.
        """
        run = self._running("poll")
        state = self._feed.state()
        if state.error is not None:
            raise state.error
        if state.ended:
            raise InputError(CAMERA_STOPPED, fix=FIX_CAMERA)
        self._resolve_offset(run, state)
        progress = run.progress
        if t_s - run.counted_at_s >= run.interval_s:
            started = time.perf_counter()
            progress = self._recount(run, t_s)
            run.counted_at_s, run.progress = t_s, replace(progress, cue=None)
            cost_s = time.perf_counter() - started
            live = self._settings.live
            run.interval_s = max(live.recount_interval_s, cost_s / live.max_count_share)
        problem = self._live_problem(run, t_s, state)
        return progress if problem is None else replace(progress, problem=problem)

    def end(self, t_s: float) -> SetResult:
        """Stop the set at ``t_s`` (s, player's clock) and count it once more, after waiting
        up to ``LiveSettings.end_wait_s`` for the frames up to then."""
        run = self._running("end")
        self._resolve_offset(run, self._feed.state())
        seq = None
        if run.offset_s is not None:
            self._feed.wait_for(t_s + run.offset_s, self._settings.live.end_wait_s)
            seq = self._feed.window(until_s=t_s + run.offset_s)
        self._feed.close_window()
        self._set = None
        end_s = max(run.t0_s, t_s)
        if seq is None or run.offset_s is None:
            return empty_result(run.side, run.exercise, run.t0_s, end_s)
        count = count_known_set(seq, run.side, run.exercise, run.routine, self._settings)
        self.last_count = count
        return replace(shift_times(count.result, -run.offset_s), start_s=run.t0_s, end_s=end_s)

    def close(self) -> None:
        """Stop the camera thread and release the camera and the model (safe twice)."""
        self._set = None
        self._feed.close(self._settings.live.join_timeout_s)

    def __enter__(self) -> CameraRepSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ helpers
    def _running(self, what: str) -> _RunningSet:
        if self._set is None:
            raise RuntimeError(f"{what}() without begin()")
        return self._set

    @staticmethod
    def _resolve_offset(run: _RunningSet, state: FeedState) -> None:
        if run.offset_s is None and state.window_start_s is not None:
            run.offset_s = state.window_start_s - run.t0_s

    def _recount(self, run: _RunningSet, t_s: float) -> SetProgress:
        known = run.count.known_until_s  # the frames before it are kept by the count
        seq = self._feed.window(since_s=known if math.isfinite(known) else None)
        if seq is None:
            return SetProgress(reps=0)
        count = run.count.update(seq)
        self.last_count = count
        flags = tuple(count.result.flags)
        cue = self._cues.offer(t_s, self._new_faults(run, flags))
        return SetProgress(
            reps=count.result.reps,
            cue=cue.message if cue is not None else None,
            problem=count.problem,
            flags=flags,
        )

    @staticmethod
    def _new_faults(run: _RunningSet, flags: tuple[Flag, ...]) -> list[Flag]:
        """Fault flags of reps not offered to the cue selector before (each once)."""
        new = [
            f
            for f in flags
            if f.measurable and f.rep is not None and (f.rule, f.rep) not in run.offered
        ]
        run.offered.update((f.rule, f.rep) for f in new if f.rep is not None)
        return new

    def _live_problem(self, run: _RunningSet, t_s: float, state: FeedState) -> str | None:
        live = self._settings.live
        if state.last_frame_s is None or state.first_frame_s is None:
            return NO_PICTURE if t_s - run.t0_s >= live.stalled_after_s else None
        if run.offset_s is not None and t_s + run.offset_s - state.last_frame_s >= (
            live.stalled_after_s
        ):
            return NO_PICTURE
        since = max(state.first_frame_s, state.last_detection_s or -math.inf)
        return NO_PERSON if state.last_frame_s - since >= live.no_person_after_s else None

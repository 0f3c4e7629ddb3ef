"""Frames → pose model → the exerciser, kept for the set that is running (live counting).

:class:`PoseFeed` runs the pose backend on every frame of a frame source and follows the
exerciser with the same code as ``hipcoach pose`` / ``analyze`` (``extract.py``):
:class:`~hipcoach.sequence.tracking.PersonTracker` picks the person, a
:class:`~hipcoach.sequence.builder.SequenceBuilder` keeps the landmarks. It keeps only the
frames of the current *window* (opened at the start of each set), so memory does not grow
over a session, while the model stays loaded and the tracker keeps following the person
between sets.

It runs either in a background thread (a webcam; ``threaded=True``) or synchronously: the
caller pumps frames with :meth:`PoseFeed.pump` (tests, deterministic replays). Failures
while reading or inferring never escape as tracebacks: they are kept as a
:class:`~hipcoach.errors.HipcoachError` in :attr:`FeedState.error`. Frame times are the
source's own seconds (``Frame.time_s``).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from hipcoach.backends.base import PoseBackend, PoseCandidate
from hipcoach.config import DEFAULTS, TrackingSettings
from hipcoach.errors import HipcoachError
from hipcoach.sequence.builder import SequenceBuilder
from hipcoach.sequence.schema import PoseSequence
from hipcoach.sequence.tracking import PersonTracker
from hipcoach.video.base import Frame

FIX_CAMERA = "check that the camera is connected and not used by another program"


@dataclass(frozen=True)
class FeedState:
    """What the feed has done so far (times in s, on the frames' clock; None = not yet)."""

    #: Time of the newest processed frame, and of the first one.
    last_frame_s: float | None
    first_frame_s: float | None
    #: Time of the newest frame in which the exerciser was found.
    last_detection_s: float | None
    #: Time the current window starts at: its first frame is later than this (or is this
    #: frame, when the window was opened before any frame came). None = no frame yet.
    window_start_s: float | None
    #: Frames processed since the feed started.
    frames: int
    #: True once the source has no more frames (or the feed failed or was closed).
    ended: bool
    #: Why the feed stopped, if it failed.
    error: HipcoachError | None


class PoseFeed:
    """Runs ``backend`` on ``frames`` and keeps the exerciser's landmarks of one window.

    ``size``: (width, height) in pixels that landmark pixels refer to; by default the
    source's ``info`` size when it has one (a ``FrameSource``), else the first frame's.
    The feed owns ``frames`` and ``backend``: :meth:`close` closes both (when they have a
    ``close`` method).
    """

    def __init__(
        self,
        frames: Iterable[Frame],
        backend: PoseBackend,
        *,
        tracking: TrackingSettings = DEFAULTS.tracking,
        threaded: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        self._source = frames
        self._backend = backend
        self._tracking = tracking
        self._threaded = threaded
        info = getattr(frames, "info", None)
        self._size = size or ((int(info.width), int(info.height)) if info is not None else None)
        self._tracker: PersonTracker | None = None
        self._it: Iterator[Frame] | None = None
        self._cond = threading.Condition()
        self._stop = threading.Event()
        #: The window's frames: times (s) and the exerciser (None = not found).
        self._times: list[float] = []
        self._people: list[PoseCandidate | None] = []
        self._window_start: float | None = None
        self._window_open = False
        self._last: float | None = None
        self._first: float | None = None
        self._last_seen: float | None = None
        self._frames = 0
        self._ended = False
        self._error: HipcoachError | None = None
        self._released = False
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._run, name="hipcoach-camera", daemon=True)
            self._thread.start()

    # ------------------------------------------------------------------ processing
    def _process(self, frame: Frame) -> None:
        if self._last is not None and frame.time_s <= self._last:
            return  # a camera glitch: frame times must increase
        if self._size is None:
            self._size = (int(frame.rgb.shape[1]), int(frame.rgb.shape[0]))
        if self._tracker is None:
            self._tracker = PersonTracker(*self._size, self._tracking)
        person = self._tracker.update(frame.time_s, self._backend.detect(frame))
        with self._cond:
            self._last = frame.time_s
            self._first = frame.time_s if self._first is None else self._first
            self._frames += 1
            if person is not None:
                self._last_seen = frame.time_s
            if self._window_open:
                if not self._times and self._window_start is None:
                    self._window_start = frame.time_s
                self._times.append(frame.time_s)
                self._people.append(person)
            self._cond.notify_all()

    def _step(self) -> bool:
        """Process the next frame; False when there is none (end, failure or stop)."""
        if self._ended or self._stop.is_set():
            return False
        try:
            if self._it is None:
                self._it = iter(self._source)
            frame = next(self._it, None)
            if frame is not None:
                self._process(frame)
                return True
        except HipcoachError as exc:
            self._fail(exc)
        except Exception as exc:  # noqa: BLE001 - any failure of the camera or model is reported
            self._fail(HipcoachError(f"the camera feed stopped ({_short(exc)})", fix=FIX_CAMERA))
        self._finish()
        return False

    def _fail(self, error: HipcoachError) -> None:
        with self._cond:
            self._error = error

    def _finish(self) -> None:
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    def _run(self) -> None:
        try:
            while self._step():
                pass
        finally:
            self._finish()
            self._release()

    def pump(self, max_frames: int | None = None, until_s: float | None = None) -> int:
        """Synchronous mode only: process frames now, in the caller's thread.

        Stops after ``max_frames`` frames, once a frame at or past ``until_s`` (s, frame
        clock) has been processed, or at the end of the source. Returns the frames processed.
        """
        if self._threaded:
            raise RuntimeError("pump() is for a feed made with threaded=False")
        done = 0
        while max_frames is None or done < max_frames:
            if until_s is not None and self._last is not None and self._last >= until_s:
                break
            if not self._step():
                break
            done += 1
        return done

    # ------------------------------------------------------------------ windows
    def open_window(self) -> None:
        """Drop the kept frames; keep the frames processed from now on."""
        with self._cond:
            self._window_open = True
            self._times, self._people = [], []
            self._window_start = self._last

    def close_window(self) -> None:
        """Stop keeping frames (between sets)."""
        with self._cond:
            self._window_open = False
            self._times, self._people = [], []
            self._window_start = None

    def window(
        self, until_s: float | None = None, since_s: float | None = None
    ) -> PoseSequence | None:
        """The frames kept since :meth:`open_window`, from ``since_s`` up to ``until_s``
        (s, both included, when given), or None when there is none. Costs the frames
        returned, not the window's."""
        with self._cond:
            first = 0 if since_s is None else bisect.bisect_left(self._times, since_s)
            stop = len(self._times)
            if until_s is not None:
                stop = bisect.bisect_right(self._times, until_s)
            rows = list(zip(self._times[first:stop], self._people[first:stop], strict=True))
            size = self._size
        if not rows or size is None:
            return None
        builder = SequenceBuilder(*size)
        for t, person in rows:
            builder.append(t, person)
        return builder.build()

    def state(self) -> FeedState:
        """A consistent snapshot of the counters (see :class:`FeedState`)."""
        with self._cond:
            return FeedState(
                last_frame_s=self._last,
                first_frame_s=self._first,
                last_detection_s=self._last_seen,
                window_start_s=self._window_start,
                frames=self._frames,
                ended=self._ended,
                error=self._error,
            )

    def wait_for(self, frame_s: float, timeout_s: float) -> bool:
        """Wait (threaded mode) until a frame at or past ``frame_s`` (s) has been processed
        or the feed has ended, at most ``timeout_s`` (s). True when such a frame came."""

        def ready() -> bool:
            return self._ended or (self._last is not None and self._last >= frame_s)

        with self._cond:
            if self._threaded:
                self._cond.wait_for(ready, timeout=timeout_s)
            return self._last is not None and self._last >= frame_s

    # ------------------------------------------------------------------ shutdown
    def _release(self) -> None:
        with self._cond:
            if self._released:
                return
            self._released = True
        for obj in (self._source, self._backend):
            _close(obj)

    def close(self, timeout_s: float = DEFAULTS.live.join_timeout_s) -> bool:
        """Stop the thread (waiting up to ``timeout_s`` s) and release the camera and the
        model. Safe to call twice. False when the thread did not stop in time (it is a
        daemon thread; it releases them itself when its current frame is done)."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                return False
        self._finish()
        self._release()
        return True

    @property
    def alive(self) -> bool:
        """True while the background thread runs."""
        return self._thread is not None and self._thread.is_alive()


def _close(obj: Any) -> None:
    close = getattr(obj, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # noqa: BLE001 - nothing to do about a failed release at shutdown
            return


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]

"""Camera set-up check from live landmarks: the same view checks as ``hipcoach analyze``.

The camera set-up page sends landmarks while the person lies down in view; this keeps the
last ``window_s`` seconds of the exerciser (followed with the same
:class:`~hipcoach.sequence.tracking.PersonTracker` as every other path) and judges them with
:func:`hipcoach.analysis.view.assess_view` -- lying across the picture, whole body in view,
not too close, not turned too far to count -- giving the problems and the fix in words.
Times in seconds (the page's clock).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from hipcoach.analysis.view import assess_view
from hipcoach.backends.base import PoseCandidate
from hipcoach.config import DEFAULTS, Settings
from hipcoach.sequence.builder import SequenceBuilder
from hipcoach.sequence.tracking import PersonTracker
from hipcoach.types import Side

#: Shown until enough frames came to judge (s of frames needed: ``min_s``).
WAITING = "hold still in view for a moment"


@dataclass(frozen=True)
class SetupReport:
    """The view judged from the last seconds: ``ok`` when no problem was found.
    ``view``: "front", "front_high", "diagonal", "feet" or "unknown" ("" before a verdict);
    ``lying_on`` / ``working_leg``: the sides found (None when unknown)."""

    ok: bool
    view: str = ""
    lying_on: Side | None = None
    working_leg: Side | None = None
    problems: list[str] = field(default_factory=list)
    fix: str | None = None


class SetupCheck:
    """Keeps the last ``window_s`` s of the exerciser and judges the camera's view.

    ``size``: (width, height) in pixels of the picture that landmark fractions refer to.
    """

    def __init__(
        self,
        size: tuple[int, int],
        settings: Settings = DEFAULTS,
        window_s: float = 3.0,
        min_s: float = 1.0,
    ) -> None:
        self._size = size
        self._settings = settings
        self._window_s = window_s
        self._min_s = min_s
        self._tracker = PersonTracker(size[0], size[1], settings.tracking)
        self._frames: deque[tuple[float, PoseCandidate | None]] = deque()

    def add(self, t_s: float, candidates: Sequence[PoseCandidate]) -> None:
        """The people found in the frame at ``t_s`` (s; times must increase)."""
        if self._frames and t_s <= self._frames[-1][0]:
            return
        person = self._tracker.update(t_s, list(candidates))
        self._frames.append((t_s, person))
        while self._frames and self._frames[0][0] < t_s - self._window_s:
            self._frames.popleft()

    def report(self) -> SetupReport:
        """The verdict on the kept frames (``WAITING`` until ``min_s`` s of them came)."""
        if not self._frames or self._frames[-1][0] - self._frames[0][0] < self._min_s:
            return SetupReport(ok=False, problems=[WAITING])
        builder = SequenceBuilder(*self._size)
        for t_s, person in self._frames:
            builder.append(t_s, person)
        view, _ = assess_view(builder.build(), self._settings.view, self._settings.signal)
        return SetupReport(
            ok=not view.problems,
            view=view.view,
            lying_on=view.lying_on,
            working_leg=view.working_leg,
            problems=list(view.problems),
            fix=view.fix,
        )

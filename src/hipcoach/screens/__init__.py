"""Weak-glute-med screens from video: squat knee valgus, one-leg stance and gait pelvic drop.

- :mod:`~hipcoach.screens.common`: the frontal-view checks (oblique, tilted, side view, body
  out of frame, other people) and per-frame frontal-plane signals.
- :mod:`~hipcoach.screens.squat`, :mod:`~hipcoach.screens.stance`,
  :mod:`~hipcoach.screens.gait`: one screen each, from a :class:`~hipcoach.sequence.PoseSequence`
  to a :class:`~hipcoach.screens.result.ScreenResult`.
(The screening report, its charts and overlay video are presentation: ``hipcoach.report.screens``,
``screen_plots``, ``screen_overlay``.)

"left"/"right" are always the person's own sides. Angles in degrees, times in seconds.
Not a medical device: a screen says what was measured, never a diagnosis.
"""

from hipcoach.errors import ScreenInconclusive
from hipcoach.screens.result import ScreenName, ScreenResult
from hipcoach.types import Finding

__all__ = ["Finding", "ScreenInconclusive", "ScreenName", "ScreenResult"]

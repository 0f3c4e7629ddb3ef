"""Rep counting for the hip series, the same code live (one sample at a time) and offline.

- :mod:`~hipcoach.reps.hysteresis`: one excursion above a threshold = one rep (leg raises,
  the bicycle's knee drive).
- :mod:`~hipcoach.reps.excursion_circles`: leg circles counted per lifted excursion, with
  their direction from the loop of the leg's path.

Every counter takes a frozen config (the per-exercise thresholds come from the routine file,
``exercises/hip_series.toml``, see ``analysis.events``), has ``update(t_s, ...)`` for one
sample, ``reps`` and ``rejected``. Times are in seconds and may be irregular; NaN samples
are "no reading". Thresholds are in the unit of the signal.
"""

from hipcoach.config import CircleConfig, HysteresisConfig
from hipcoach.reps._common import Rejection, RejectReason
from hipcoach.reps.excursion_circles import CircleRep, Direction
from hipcoach.reps.hysteresis import HysteresisCounter, Rep, count_reps

__all__ = [
    "CircleConfig",
    "CircleRep",
    "Direction",
    "HysteresisConfig",
    "HysteresisCounter",
    "RejectReason",
    "Rejection",
    "Rep",
    "count_reps",
]

"""Rep counting for the hip series, the same code live (one sample at a time) and offline.

- :mod:`~hipcoach.reps.hysteresis`: one excursion above a threshold = one rep (leg raises).
- :mod:`~hipcoach.reps.cycles`: up past one threshold then down past another
  (bicycle-to-sidekick), with incomplete attempts reported separately.
- :mod:`~hipcoach.reps.circles`: full turns of a 2-D path around its centre.
- :mod:`~hipcoach.reps.excursion_circles`: leg circles counted per lifted excursion (what
  the analysis uses).

Every counter takes a frozen config from :mod:`hipcoach.config` (the per-exercise
thresholds come from the routine file, ``exercises/hip_series.toml``, see
``analysis.events``), has ``update(t_s, ...)`` for one sample, ``reps`` and ``rejected``, and
a batch helper that feeds the same counter in a loop. Times are in seconds and may be
irregular; NaN samples are "no reading". Thresholds are in the unit of the signal.
"""

from hipcoach.config import BiphasicConfig, CircleConfig, HysteresisConfig
from hipcoach.reps._common import Rejection, RejectReason
from hipcoach.reps.circles import CircleCounter, CircleRep, Direction, count_circles
from hipcoach.reps.cycles import BiphasicCounter, BiphasicRep, BiphasicState, count_biphasic
from hipcoach.reps.hysteresis import HysteresisCounter, Rep, count_reps

__all__ = [
    "BiphasicConfig",
    "BiphasicCounter",
    "BiphasicRep",
    "BiphasicState",
    "CircleConfig",
    "CircleCounter",
    "CircleRep",
    "Direction",
    "HysteresisConfig",
    "HysteresisCounter",
    "RejectReason",
    "Rejection",
    "Rep",
    "count_biphasic",
    "count_circles",
    "count_reps",
]

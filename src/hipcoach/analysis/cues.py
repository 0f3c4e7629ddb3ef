"""One cue at a time: pick which form cue to say, with a cool-down (for live use).

Fed the flags of each finished rep as they come (``offer``), it returns at most one cue:
the most important broken rule (``cue_priority`` in ``exercises.rule_registry``), never
within ``cooldown_s`` of the previous cue and never the same cue again within
``repeat_after_s``. Flags that are "not measurable from this view" are never spoken.
Times in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from hipcoach.analysis.result import Flag
from hipcoach.config import DEFAULTS, CueSettings
from hipcoach.exercises.rule_registry import cue_rank


class CueSelector:
    """Chooses the next cue to say (see the module docstring)."""

    def __init__(self, settings: CueSettings = DEFAULTS.cues) -> None:
        self.settings = settings
        self._last_any = -math.inf
        self._last_rule: dict[str, float] = {}

    def offer(self, t_s: float, flags: Iterable[Flag]) -> Flag | None:
        """The flag whose cue to say now at ``t_s`` (s), or None to stay quiet."""
        if t_s - self._last_any < self.settings.cooldown_s:
            return None
        candidates = [
            f
            for f in flags
            if f.measurable
            and t_s - self._last_rule.get(f.rule, -math.inf) >= self.settings.repeat_after_s
        ]
        if not candidates:
            return None
        chosen = min(candidates, key=lambda f: cue_rank(f.rule))
        self._last_any = t_s
        self._last_rule[chosen.rule] = t_s
        return chosen

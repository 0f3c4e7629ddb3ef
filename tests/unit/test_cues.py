"""One cue at a time, with a cool-down and no quick repeats."""

from __future__ import annotations

from hipcoach.analysis.cues import CueSelector
from hipcoach.analysis.result import Flag
from hipcoach.config import CueSettings


def flag(rule: str, measurable: bool = True) -> Flag:
    return Flag(rule, 1, 30.0 if measurable else None, "deg", measurable, f"cue for {rule}")


def test_most_important_rule_first_then_cooldown() -> None:
    sel = CueSelector(CueSettings(cooldown_s=5.0, repeat_after_s=20.0))
    first = sel.offer(1.0, [flag("tempo"), flag("pelvis_roll"), flag("toes_up")])
    assert first is not None and first.rule == "pelvis_roll"
    assert sel.offer(3.0, [flag("toes_up")]) is None  # within the cool-down
    again = sel.offer(6.5, [flag("pelvis_roll"), flag("toes_up")])
    assert again is not None and again.rule == "toes_up"  # pelvis_roll not repeated yet
    assert sel.offer(12.0, [flag("pelvis_roll")]) is None
    later = sel.offer(21.5, [flag("pelvis_roll")])
    assert later is not None and later.rule == "pelvis_roll"


def test_unmeasurable_flags_are_never_spoken() -> None:
    sel = CueSelector(CueSettings(cooldown_s=0.0, repeat_after_s=0.0))
    assert sel.offer(0.0, [flag("pelvis_roll", measurable=False)]) is None
    chosen = sel.offer(1.0, [flag("pelvis_roll", measurable=False), flag("tempo")])
    assert chosen is not None and chosen.rule == "tempo"

"""Every measurable form rule pinned by its measure AND its threshold (issue 14).

A synthetic set of three reps with clean signals; then one fault injected on rep 2 just past
the rule's threshold for that exercise (flagged, on rep 2 only) and just short of it (not
flagged). Switching a measure off (NaN), moving a threshold, or reading the wrong signal
fails these tests (``tools/mutate_rules.py`` checks that in CI).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from hipcoach.analysis.events import Event
from hipcoach.analysis.rules import MEASURES, RepContext, evaluate_rules
from hipcoach.analysis.sets import LabelledSet
from hipcoach.analysis.signals import LegSignals
from hipcoach.exercises.routine import load_routine

ROUTINE = load_routine()
FPS = 30.0
REPS = ((1.0, 2.0), (3.0, 4.0), (5.0, 6.0))  # start, end (s); peaks in the middle
MARGIN = 1.5  # deg or s past / short of the threshold (x 0.1 for tempo)


def _signals(peak: float) -> LegSignals:
    t = np.arange(0.0, 8.0, 1.0 / FPS)
    abd = np.zeros_like(t)
    for a, b in REPS:
        inside = (t >= a) & (t <= b)
        abd[inside] = peak * np.sin(np.pi * (t[inside] - a) / (b - a))
    zero = np.zeros_like(t)
    return LegSignals(t, abd, zero.copy(), zero.copy(), zero.copy(), zero.copy(), zero.copy(),
                      zero.copy(), zero.copy(), zero.copy())  # fmt: skip


def _events(kind: str, peak: float, radius: float | None = None) -> tuple[Event, ...]:
    extra = (("radius_deg", radius),) if radius is not None else ()
    return tuple(Event(kind, a, b, peak, extra) for a, b in REPS)  # type: ignore[arg-type]


def _in_rep2(sig: LegSignals, value: float, field: str, window: tuple[float, float]) -> None:
    t = sig.times_s
    arr = getattr(sig, field)
    arr[(t >= window[0]) & (t <= window[1])] = value


def _faults(exercise: str, sig: LegSignals, events: tuple[Event, ...], rule: str) -> list[int]:
    """Reps flagged by ``rule``: through ``evaluate_rules`` from a view the rule is measured
    from; a rule no view supports yet (its measure exists, the routine lists no view) is
    judged from its measure and threshold directly."""
    spec = ROUTINE.exercise(exercise)  # type: ignore[arg-type]
    spec_rule = ROUTINE.rule(rule)  # type: ignore[arg-type]
    views = [v for v in ("front_high", "front", "diagonal") if v in spec_rule.views]
    if views:
        flags = evaluate_rules(LabelledSet(spec, events), sig, views[0], ROUTINE)
        return [f.rep for f in flags if f.rule == rule and f.measurable and f.rep is not None]
    limit = spec.threshold(spec_rule)
    out = []
    for i, e in enumerate(events):
        nxt = events[i + 1] if i + 1 < len(events) else None
        value = MEASURES[rule](RepContext(e, nxt, sig, spec))
        if np.isfinite(value) and spec_rule.is_fault(value, limit):
            out.append(i + 1)
    return out


#: The routine file's thresholds, pinned (deg; tempo in s). Changing one in hip_series.toml
#: must be a decision that updates this table, with its evidence (docs/hip-series.md).
PINNED: dict[tuple[str, str], float] = {
    ("small_leg_raise", "pelvis_roll"): 10.0,
    ("small_leg_raise", "toes_up"): 7.0,
    ("small_leg_raise", "trunk_leg_alignment"): 15.0,
    ("small_leg_raise", "knee_bent"): 7.0,
    ("small_leg_raise", "range_of_motion"): 5.0,
    ("small_leg_raise", "tempo"): 0.3,
    ("bicycle_sidekick", "incomplete_extension"): 5.0,
    ("big_leg_lift", "pelvis_roll"): 16.0,
    ("big_leg_lift", "toes_up"): 13.0,
    ("leg_circle_ccw", "circle_size"): 3.0,
}


def _threshold(exercise: str, rule: str) -> float:
    """The pinned threshold (the tests judge the routine's rules against it)."""
    return PINNED[(exercise, rule)]


def test_every_pinned_threshold_is_the_routines() -> None:
    for (exercise, rule), value in PINNED.items():
        spec = ROUTINE.exercise(exercise)  # type: ignore[arg-type]
        assert spec.threshold(ROUTINE.rule(rule)) == value, (exercise, rule)  # type: ignore[arg-type]


Injector = Callable[[LegSignals, float], None]


def _window_field(field: str) -> Injector:
    return lambda sig, v: _in_rep2(sig, v, field, (3.0, 4.0))


CASES: list[tuple[str, str, Injector]] = [
    ("small_leg_raise", "toes_up", _window_field("foot_up_deg")),
    ("big_leg_lift", "toes_up", _window_field("foot_up_deg")),
    ("small_leg_raise", "knee_bent", _window_field("knee_flexion_deg")),
    ("small_leg_raise", "pelvis_roll", _window_field("pelvis_roll_deg")),
    ("big_leg_lift", "pelvis_roll", _window_field("pelvis_roll_deg")),
    ("small_leg_raise", "trunk_leg_alignment", _window_field("flexion_depth_deg")),
]


@pytest.mark.parametrize(("exercise", "rule", "inject"), CASES)
def test_a_fault_just_past_the_threshold_is_flagged_on_its_rep(
    exercise: str, rule: str, inject: Injector
) -> None:
    peak = 0.5 * (ROUTINE.exercise(exercise).target_peak_deg_min  # type: ignore[arg-type]
                  + ROUTINE.exercise(exercise).target_peak_deg_max)  # type: ignore[arg-type]  # fmt: skip
    limit = _threshold(exercise, rule)
    sign = 1.0 if ROUTINE.rule(rule).direction == "above" else -1.0  # type: ignore[arg-type]
    clean = _signals(peak)
    assert _faults(exercise, clean, _events("abduction", peak), rule) == []
    past = _signals(peak)
    inject(past, limit + sign * MARGIN)
    assert _faults(exercise, past, _events("abduction", peak), rule) == [2]
    short = _signals(peak)
    inject(short, limit - sign * MARGIN)
    assert _faults(exercise, short, _events("abduction", peak), rule) == []


def test_range_of_motion_flags_a_peak_outside_the_target_range() -> None:
    spec = ROUTINE.exercise("small_leg_raise")
    limit = _threshold("small_leg_raise", "range_of_motion")
    ok = 0.5 * (spec.target_peak_deg_min + spec.target_peak_deg_max)
    sig = _signals(ok)
    high = spec.target_peak_deg_max + limit + MARGIN
    near = spec.target_peak_deg_max + limit - MARGIN
    events = list(_events("abduction", ok))
    assert _faults("small_leg_raise", sig, tuple(events), "range_of_motion") == []
    events[1] = replace(events[1], peak_deg=high)
    assert _faults("small_leg_raise", sig, tuple(events), "range_of_motion") == [2]
    events[1] = replace(events[1], peak_deg=near)
    assert _faults("small_leg_raise", sig, tuple(events), "range_of_motion") == []


def test_circle_size_flags_a_radius_outside_the_target_range() -> None:
    spec = ROUTINE.exercise("leg_circle_ccw")
    limit = _threshold("leg_circle_ccw", "circle_size")
    ok = 0.5 * (spec.target_peak_deg_min + spec.target_peak_deg_max)
    sig = _signals(20.0)
    events = list(_events("circle_ccw", 20.0, ok))
    assert _faults("leg_circle_ccw", sig, tuple(events), "circle_size") == []
    big = spec.target_peak_deg_max + limit + MARGIN
    events[1] = replace(events[1], extra=(("radius_deg", big),))
    assert _faults("leg_circle_ccw", sig, tuple(events), "circle_size") == [2]
    events[1] = replace(events[1], extra=(("radius_deg", big - 2 * MARGIN),))
    assert _faults("leg_circle_ccw", sig, tuple(events), "circle_size") == []


def test_tempo_flags_a_lift_faster_than_the_threshold() -> None:
    """Lift time = amplitude / fast speed; a 1 s sine rep lifts in about 1/pi s."""
    limit = _threshold("small_leg_raise", "tempo")
    assert ROUTINE.rule("tempo").direction == "below"

    def fast_rep2(duration: float) -> LegSignals:
        sig = _signals(20.0)
        t = sig.times_s
        a = 3.0
        inside = (t >= a) & (t <= a + duration)
        sig.abduction_2d_deg[(t >= 3.0) & (t <= 4.0)] = 0.0
        sig.abduction_2d_deg[inside] = 20.0 * np.sin(np.pi * (t[inside] - a) / duration)
        return sig

    events = _events("abduction", 20.0)
    slow = fast_rep2(1.0)  # lift time ~0.32 s
    lift_time = 1.0 / np.pi
    assert lift_time > limit
    assert _faults("small_leg_raise", slow, events, "tempo") == []
    quick = fast_rep2(0.5 * limit * np.pi)  # lift time half the threshold
    assert _faults("small_leg_raise", quick, events, "tempo") == [2]


def test_incomplete_extension_flags_a_kick_that_does_not_reach_back() -> None:
    limit = _threshold("bicycle_sidekick", "incomplete_extension")
    sig = _signals(60.0)
    t = sig.times_s
    sig.thigh_depth_deg[:] = -(limit + 10.0)  # every kick reaches well back
    events = _events("bicycle", 60.0)
    assert _faults("bicycle_sidekick", sig, events, "incomplete_extension") == []
    after2 = (t >= 4.0) & (t <= 5.0)
    sig.thigh_depth_deg[after2] = -(limit - MARGIN)  # rep 2's kick stops short
    assert _faults("bicycle_sidekick", sig, events, "incomplete_extension") == [2]
    sig.thigh_depth_deg[after2] = -(limit + MARGIN)
    assert _faults("bicycle_sidekick", sig, events, "incomplete_extension") == []


def test_every_rule_of_the_routine_schema_has_one_measure() -> None:
    from hipcoach.exercises.rule_registry import RULE_IDS

    assert set(MEASURES) == set(RULE_IDS)
    assert {r.id for r in ROUTINE.rules} == set(RULE_IDS)


def test_the_docs_rules_table_is_generated_from_the_routine() -> None:
    from pathlib import Path

    from hipcoach.exercises.rules_table import rules_markdown

    docs = Path(__file__).resolve().parents[2] / "docs" / "hip-series.md"
    assert rules_markdown(ROUTINE) in docs.read_text(encoding="utf-8"), (
        "docs/hip-series.md's rules table is stale: paste `python -m "
        "hipcoach.exercises.rules_table` between its markers"
    )

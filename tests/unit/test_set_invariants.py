"""Invariants of the set structure: no two sets share time, every rep is in exactly one set."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hipcoach.analysis.events import PRIORITY, Event, EventKind, resolve_overlaps
from hipcoach.analysis.sets import group_events, label_groups
from hipcoach.config import DEFAULTS
from hipcoach.evaluation.score import overlap_s
from hipcoach.exercises.routine import load_routine

SEG = DEFAULTS.segment
KINDS: list[EventKind] = ["abduction", "bicycle", "circle_ccw", "circle_cw"]


@st.composite
def event_lists(draw: st.DrawFn) -> list[Event]:
    """Per kind, a sequential (non-overlapping) run of events, as each counter gives; the
    kinds overlap each other freely."""
    events: list[Event] = []
    for kind in KINDS:
        t = draw(st.floats(0.0, 5.0))
        for _ in range(draw(st.integers(0, 6))):
            t += draw(st.floats(0.0, 4.0))
            dur = draw(st.floats(0.3, 3.0))
            peak = draw(st.floats(5.0, 80.0))
            events.append(Event(kind, t, t + dur, peak))
            t += dur
    return sorted(events, key=lambda e: e.start_s)


@settings(max_examples=300, deadline=None)
@given(event_lists())
def test_resolved_events_are_pairwise_disjoint(events: list[Event]) -> None:
    out = resolve_overlaps(events, SEG)
    for i, a in enumerate(out):
        assert a.end_s > a.start_s
        for b in out[i + 1 :]:
            assert overlap_s(a.start_s, a.end_s, b.start_s, b.end_s) <= 1e-9


@settings(max_examples=300, deadline=None)
@given(event_lists())
def test_highest_priority_events_are_never_dropped(events: list[Event]) -> None:
    out = resolve_overlaps(events, SEG)
    bikes = [e for e in events if e.kind == "bicycle"]
    assert [e for e in out if e.kind == "bicycle"] == bikes
    assert all(PRIORITY[e.kind] <= PRIORITY["bicycle"] for e in out)


@settings(max_examples=200, deadline=None)
@given(event_lists())
def test_sets_never_overlap_and_every_rep_is_in_one_set(events: list[Event]) -> None:
    resolved = resolve_overlaps(events, SEG)
    groups = group_events(resolved, SEG.set_gap_s, SEG.peak_jump_deg)
    sets = label_groups(groups, load_routine(), SEG)
    spans = [(s.events[0].start_s, s.events[-1].end_s) for s in sets]
    for i, a in enumerate(spans):
        for b in spans[i + 1 :]:
            assert overlap_s(*a, *b) <= 1e-9
    in_sets = [e for s in sets for e in s.events]
    assert sorted(in_sets, key=lambda e: e.start_s) == resolved


def test_a_circle_during_a_bicycle_set_is_the_bicycle() -> None:
    """The leg hovering during a bicycle set drew a 'circle' in one clip: the bicycle wins."""
    bike = [Event("bicycle", 2.0 + 2.5 * k, 3.5 + 2.5 * k, 90.0) for k in range(2)]
    circle = [Event("circle_ccw", 2.2, 3.6, 18.0), Event("circle_ccw", 4.6, 6.1, 18.0)]
    out = resolve_overlaps(sorted(bike + circle, key=lambda e: e.start_s), SEG)
    assert [e.kind for e in out] == ["bicycle", "bicycle"]


def test_a_raise_mostly_inside_a_circle_lift_is_dropped_and_a_grazing_one_trimmed() -> None:
    circle = Event("circle_cw", 10.0, 11.5, 25.0)
    inside = Event("abduction", 9.8, 11.6, 25.0)
    grazing = Event("abduction", 11.3, 13.3, 20.0)
    out = resolve_overlaps([inside, circle, grazing], SEG)
    assert [(e.kind, e.start_s) for e in out] == [("circle_cw", 10.0), ("abduction", 11.5)]


def test_bicycle_reps_seen_only_in_the_2d_foreshortening_are_added_once() -> None:
    from hipcoach.analysis.events import bicycle_events
    from hipcoach.reps import Rep

    def rep(a: float, b: float, peak: float) -> Rep:
        return Rep(1, a, 0.5 * (a + b), b, peak, b - a, True)

    depth = [rep(1.0, 2.0, 70.0)]
    fold = [rep(1.1, 2.1, 60.0), rep(3.5, 4.5, 58.0)]  # the first is the same rep
    events = bicycle_events(depth, fold)
    assert [(e.start_s, e.peak_deg) for e in events] == [(1.0, 70.0), (3.5, 58.0)]


def test_circles_of_unknown_direction_never_pad_a_measured_circle_set() -> None:
    routine = load_routine()
    ccw = [Event("circle_ccw", 10.0 + 1.5 * k, 11.5 + 1.5 * k, 25.0) for k in range(4)]
    unknown = [Event("circle", 18.5, 20.0, 25.0)]
    sets = label_groups(group_events(ccw + unknown, SEG.set_gap_s), routine, SEG)
    assert [(s.exercise.id, len(s.events)) for s in sets] == [
        ("leg_circle_ccw", 4),
        ("leg_circle_cw", 1),
    ]


def test_a_camera_turned_toward_the_head_does_not_double_count_bicycles() -> None:
    """One camera 35 deg toward the feet for the first side is 35 deg toward the head after
    the side switch; there the kick-back foreshortens the thigh like the knee drive."""
    from hipcoach.analysis.analyze import analyze_sequence
    from hipcoach.synth.sidelying import SideLyingScript, full_series_script, generate

    script = SideLyingScript(full_series_script("left"), side_lying_on="left", view="diagonal")
    result, _ = analyze_sequence(generate(script, transitions=True).sequence)
    bikes = [s.reps for s in result.sets if s.exercise == "bicycle_sidekick"]
    assert bikes == [5, 5]

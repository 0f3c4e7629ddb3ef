"""The live count (``analysis.live_count.LiveSetCount``) equals ``count_known_set`` on the
frames so far, after EVERY frame, on every set of the stored corpus (real-model landmarks,
``tests/data/corpus``); reps settling too early break that equality, so the comparison can
fail.

Every frame rather than only where a count changes: the offline count on a prefix is not
monotone (a view judged over a few more frames can withhold the count for a moment), so
the frames between two changes are where a wrong tail would show. ``count_known_set`` on
each prefix costs O(frames) per frame, so the sets here are the corpus's (about 10 s at 10
frames/s); the rendered clips, with longer stretches, are in
``tests/integration/test_live_count_rendered.py``.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from functools import cache
from typing import Any

import numpy as np
import pytest

from hipcoach.analysis.live_count import CountWindow, LiveSetCount
from hipcoach.analysis.single_set import count_known_set
from hipcoach.config import DEFAULTS
from hipcoach.exercises.routine import ExerciseSpec, Routine, load_routine
from hipcoach.sequence.io import load_npz
from hipcoach.sequence.schema import PoseSequence
from hipcoach.types import Side
from tests.conftest import REPO

CORPUS = REPO / "tests" / "data" / "corpus"
CLIPS = sorted(p.stem for p in CORPUS.glob("*.npz"))
LEAD_S = 0.5  # rest before/after the true set in the counted frames (s)
#: Reps settling at once: the live count then differs from the offline count on at least
#: one frame of this set (found with the defaults' harness).
BROKEN = {
    "settled at once": (CountWindow(0.0), ("B07_L_front_high_far", "leg_circle_cw")),
}


@cache
def routine() -> Routine:
    return load_routine()


def spec(exercise: str) -> ExerciseSpec:
    return next(e for e in routine().exercises if e.id == exercise)


def clip_sets(clip: str) -> list[tuple[PoseSequence, Side, str]]:
    """The frames of each true set of ``clip`` (with ``LEAD_S`` of rest around), its leg and
    exercise."""
    seq = load_npz(CORPUS / f"{clip}.npz")
    truth: dict[str, Any] = json.loads((CORPUS / f"{clip}.truth.json").read_text())
    out = []
    for seg in truth["segments"]:
        if seg["reps"] == 0:
            continue
        keep = (seq.times_s >= seg["start"] - LEAD_S) & (seq.times_s <= seg["end"] + LEAD_S)
        out.append((seq.select(keep), seg["side"], seg["exercise"]))
    return out


def mismatches(
    seq: PoseSequence, side: Side, exercise: str, window: CountWindow | None = None
) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Frames after which the live count differs from ``count_known_set`` on the frames so
    far: (frames, offline reps, live reps); and the frames each update re-counted."""
    live = LiveSetCount(side, spec(exercise), routine(), DEFAULTS, window)
    out: list[tuple[int, int, int]] = []
    tails: list[int] = []
    for n in range(1, len(seq) + 1):
        so_far = seq.select(np.arange(n))
        offline = count_known_set(so_far, side, spec(exercise), routine()).result.reps
        now = live.update(so_far).result.reps
        tails.append(live.tail_frames)
        if now != offline:
            out.append((n, offline, now))
    return out, tails


def test_the_corpus_is_there() -> None:
    assert len(CLIPS) >= 25


@pytest.mark.parametrize("clip", CLIPS)
def test_live_count_equals_offline_after_every_frame(clip: str) -> None:
    sets = clip_sets(clip)
    assert sets
    for seq, side, exercise in sets:
        wrong, _ = mismatches(seq, side, exercise)
        assert not wrong, (clip, exercise, wrong[:5])


@pytest.mark.parametrize(("clip", "side"), [("B01_L_front", "right"), ("B02_R_front_high", "left")])
def test_the_live_readings_are_the_offline_ones(clip: str, side: Side) -> None:
    """A whole clip counted as one long set of raises (so the tail moves on): after every
    frame the live count's view and signals are, bit for bit, those of ``count_known_set``
    on the same frames, i.e. read over the whole set, not over the tail."""
    seq, exercise = load_npz(CORPUS / f"{clip}.npz"), "small_leg_raise"
    live = LiveSetCount(side, spec(exercise), routine())
    for n in range(1, len(seq) + 1):
        so_far = seq.select(np.arange(n))
        a = live.update(so_far).analysis
        b = count_known_set(so_far, side, spec(exercise), routine()).analysis
        assert a is not None and b is not None
        assert (a.view.view, a.view.working_leg, a.view.labels_swapped) == (
            b.view.view,
            b.view.working_leg,
            b.view.labels_swapped,
        )
        np.testing.assert_array_equal(
            [a.view.pitch_deg, a.view.yaw_deg, a.view.feet_scale_ratio],
            [b.view.pitch_deg, b.view.yaw_deg, b.view.feet_scale_ratio],
        )
        assert (a.signals is None) == (b.signals is None), n
        if a.signals is not None and b.signals is not None:
            for f in fields(a.signals):
                np.testing.assert_array_equal(
                    getattr(a.signals, f.name), getattr(b.signals, f.name), err_msg=f.name
                )


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_window_too_short_breaks_the_equality(case: str) -> None:
    """The comparison above can fail: with one knob of the window at zero, some frame of a
    corpus set is counted differently live and offline."""
    window, (clip, exercise) = BROKEN[case]
    (seq, side, _), *_ = [s for s in clip_sets(clip) if s[2] == exercise]
    wrong, _ = mismatches(seq, side, exercise, window)
    assert wrong


def test_the_tail_stays_short_on_a_long_set() -> None:
    """A whole clip counted as one long set of raises: the count is the offline count at
    the end, and once reps settle an update re-counts far fewer frames than the set has."""
    seq = load_npz(CORPUS / "B01_L_front.npz")
    live = LiveSetCount("right", spec("small_leg_raise"), routine())
    tails = []
    for n in range(1, len(seq) + 1):
        count = live.update(seq.select(np.arange(n)))
        tails.append(live.tail_frames)
    offline = count_known_set(seq, "right", spec("small_leg_raise"), routine())
    assert count.result.reps == offline.result.reps > 0
    # the same reps; a settled rep keeps the times it had when it settled, and the later
    # frames move the whole set's readings (the view, the baselines) a little
    np.testing.assert_allclose(count.result.rep_times, offline.result.rep_times, atol=0.01)
    window = CountWindow.from_settings(DEFAULTS)
    fps = (len(seq) - 1) / seq.duration_s
    longest = max(e.max_rep_s for e in routine().exercises)
    assert live.settled_reps > 0
    assert tails[-1] < len(seq) / 2
    assert tails[-1] <= (longest + window.settle_s) * fps + 2


def test_the_frames_from_known_until_s_are_enough() -> None:
    """Given only the frames from ``known_until_s`` on (the count keeps the earlier ones),
    the count is the same as given all; a part that leaves a gap is refused."""
    seq = load_npz(CORPUS / "B08_R_front.npz")
    whole = LiveSetCount("left", spec("small_leg_raise"), routine())
    part = LiveSetCount("left", spec("small_leg_raise"), routine())
    for n in range(1, len(seq) + 1):
        so_far = seq.select(np.arange(n))
        tail = so_far.select(so_far.times_s >= part.known_until_s)
        a, b = whole.update(so_far), part.update(tail)
        assert (a.result.reps, a.problem) == (b.result.reps, b.problem), n
        assert a.result.rep_times == b.result.rep_times
        again = part.update(so_far.select(so_far.times_s >= part.known_until_s))  # no new frame
        assert (again.result.reps, again.result.rep_times) == (b.result.reps, b.result.rep_times)
    assert part.known_until_s == seq.times_s[-1]
    later = replace(seq, times_s=seq.times_s + seq.duration_s + 1.0)
    with pytest.raises(ValueError, match="gap"):
        part.update(later.select(np.arange(5, 10)))


def test_no_frames_yet() -> None:
    live = LiveSetCount("left", spec("big_leg_lift"), routine())
    count = live.update(PoseSequence.empty(0, 64, 48))
    assert count.result.reps == 0 and count.problem == "no picture yet"
    assert live.since_s() == -np.inf and live.known_until_s == -np.inf

"""Build history databases with known contents for the history tests.

``make_set`` / ``add_session`` write exactly what a test states; ``seed_realistic`` writes
three weeks of a believable routine (pain easing, form improving, a band added, one
painful session and a step back, a weaker left leg, some timer-counted sessions and a
stored warning-sign check).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hipcoach.analysis.result import Flag, SetResult
from hipcoach.storage import CountedBy, History, SetStatus

#: (exercise id, target reps, right-leg peak angle in deg); the left leg is weaker.
SERIES: tuple[tuple[str, int, float], ...] = (
    ("small_leg_raise", 10, 26.0),
    ("bicycle_sidekick", 5, 82.0),
    ("big_leg_lift", 10, 40.0),
    ("leg_circle_ccw", 5, 7.5),
    ("leg_circle_cw", 5, 7.5),
)
CHECK_ANSWERS = {
    "low_back_tight": 2,
    "side_waist_tight": 1,
    "outer_hip_tight": 2,
    "deep_buttock_pain": 0,
    "painful_side": "left",
    "sitting_pain": True,
    "leg_tingling": False,
}


@dataclass
class SetSpec:
    """One set as a test states it (peaks in deg; ``faults``: 1-based rep numbers)."""

    exercise: str = "small_leg_raise"
    side: str = "right"
    reps: int = 10
    target: int | None = 10
    peak_deg: float = 25.0
    faults: Sequence[int] = ()
    whole_set_fault: bool = False
    not_measurable: bool = False
    status: SetStatus = "done"
    counted_by: CountedBy = "camera"
    peaks: list[float] | None = None


@dataclass
class SessionSpec:
    """One session as a test states it (pain: moment -> scores, 0..10)."""

    at: datetime
    sets: list[SetSpec] = field(default_factory=list)
    band: int = 0
    pain: dict[str, list[int]] = field(default_factory=dict)
    stop_reason: str | None = None
    finished: bool = True


def make_set(spec: SetSpec) -> SetResult:
    """The :class:`SetResult` for a spec: reps 2 s apart, peaks, fault flags per rep."""
    flags = [Flag("toes_up", r, 35.0, "deg", True, "keep the toes forward") for r in spec.faults]
    if spec.whole_set_fault:
        flags.append(Flag("pelvis_roll", None, 20.0, "deg", True, "keep the hips stacked"))
    if spec.not_measurable:
        flags.append(Flag("knee_bent", None, None, "deg", False, "not measurable from this view"))
    timer = spec.counted_by == "timer"
    peaks = spec.peaks if spec.peaks is not None else [spec.peak_deg] * spec.reps
    return SetResult(
        side=spec.side,  # type: ignore[arg-type]
        exercise=spec.exercise,
        reps=spec.reps,
        start_s=0.0,
        end_s=2.0 * spec.reps,
        rep_times=[(2.0 * i, 2.0 * i + 1.5) for i in range(spec.reps)],
        peak_angle_deg=[] if timer else peaks,
        target_reps=spec.target,
        direction=None,
        flags=flags,
    )


def add_session(h: History, spec: SessionSpec) -> int:
    """Store one session with its sets and pain scores; returns its id."""
    sid = h.start_session(spec.at, "live", band_level=spec.band)
    for moment, scores in spec.pain.items():
        for k, score in enumerate(scores):
            offset = {"before": 0, "during": 60 + k, "after": 400}[moment]
            h.add_pain(sid, spec.at + timedelta(seconds=offset), score, moment)  # type: ignore[arg-type]
    for s in spec.sets:
        h.add_set(sid, make_set(s), status=s.status, counted_by=s.counted_by)
    if spec.finished:
        h.finish_session(sid, spec.at + timedelta(minutes=7), spec.stop_reason)
    return sid


def full_series(
    *, faults: int = 0, short: int = 0, counted_by: CountedBy = "camera", left_weaker: bool = True
) -> list[SetSpec]:
    """Both legs, every exercise at target; ``faults`` reps with a fault in each left-leg
    set, ``short`` reps missing from the left leg's big lifts."""
    out = []
    for side in ("left", "right"):
        for exercise, target, peak in SERIES:
            reps = target - (short if side == "left" and exercise == "big_leg_lift" else 0)
            weaker = 0.85 if side == "left" and left_weaker else 1.0
            out.append(SetSpec(exercise, side, reps, target, peak * weaker, counted_by=counted_by))
    for spec in out:
        if spec.side == "left":
            spec.faults = list(range(1, min(faults, spec.reps) + 1))
    return out


def clean_session(at: datetime, band: int = 0, **pain: list[int]) -> SessionSpec:
    """A pain-free (0 before / 0 after unless given), clean, complete camera session."""
    scores = {"before": [0], "after": [0], **pain}
    return SessionSpec(at, full_series(), band=band, pain=scores)


def seed_realistic(h: History, end: datetime, seed: int = 6) -> None:
    """Three weeks of sessions ending on the day of ``end`` (an aware datetime), each at
    18:30 in ``end``'s time zone."""
    rng = random.Random(seed)
    start = end.replace(hour=18, minute=30, second=0, microsecond=0) - timedelta(days=20)
    skipped_days = {4, 10, 15}
    for day in range(21):
        if day in skipped_days:
            continue
        at = start + timedelta(days=day)
        band = 0 if day < 9 or day in (13, 14) else 1
        before = max(0, 3 - day // 4)
        after = max(0, before - 1 + rng.choice((0, 0, 1)))
        if day >= 16:
            before = after = rng.choice((0, 0, 1))
        pain = {"before": [before], "after": [after], "during": [max(before, after)]}
        stop = None
        faults = max(0, 4 - day // 3)
        short = 2 if day < 5 else 0
        counted_by: CountedBy = "timer" if day in (3, 7) else "camera"
        if day == 12:
            pain = {"before": [1], "during": [3, 5], "after": [4]}
            stop = "pain"
        sets = full_series(faults=faults, short=short, counted_by=counted_by)
        if day == 12:
            sets = sets[:7]
            sets[-1].status = "stopped"
            sets[-1].reps = 4
        for s in sets:
            if s.counted_by != "timer":
                s.peaks = [s.peak_deg + rng.uniform(-2.0, 2.0) for _ in range(s.reps)]
        add_session(h, SessionSpec(at, sets, band=band, pain=pain, stop_reason=stop))
    h.add_answers("check", end - timedelta(days=2), dict(CHECK_ANSWERS))

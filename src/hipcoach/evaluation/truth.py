"""Ground truth of a side-lying session as evaluation types (times in s, angles in deg).

``ClipTruth`` holds the true sets (with their true reps when known) and, per frame, time,
exercise label, working leg and abduction. Readers: :func:`clip_truth` for the renderer's
``ground_truth.json`` and the corpus' slim copy (with ``segments``), below;
``hipcoach.evaluation.rendered.render_truth`` for the older slim copies of rendered clips;
``hipcoach.evaluation.synthetic.synth_truth`` for ``hipcoach.synth`` sessions.

A true SET is a run of consecutive script segments of one exercise with no ``rest`` segment
of ``SET_BREAK_S`` or more between them: a pause inside a set (``gap_s``), or lowering the
leg and resting a moment between single circles, keeps one set, as a person doing "5
circles, lowering in between" does one set. Its reps
are the segments' rep events; each true rep keeps the faults injected into it (renderer
fault name -> size, deg) mapped to the routine's rule ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]

#: Renderer fault -> the routine rule that should flag it.
FAULT_RULES = {
    "toes_up_deg": "toes_up",
    "knee_bend_deg": "knee_bent",
    "pelvis_roll_deg": "pelvis_roll",
    "leg_forward_deg": "trunk_leg_alignment",
    "momentum": "tempo",
}
#: Routine rule -> the renderer fault it should flag.
RULE_FAULT = {rule: fault for fault, rule in FAULT_RULES.items()}
#: A rest at least this long between two segments of one exercise makes them two sets (s).
SET_BREAK_S = 1.5

#: Frame labels of exercise segments (any other label is a rest, a break or a transition).
EXERCISES = (
    "small_leg_raise",
    "bicycle_sidekick",
    "big_leg_lift",
    "leg_circle_ccw",
    "leg_circle_cw",
    "leg_raise",
)


@dataclass(frozen=True)
class TrueRep:
    """One true rep: time span (s) and the rules its injected faults should trigger."""

    start_s: float
    end_s: float
    faults: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TrueSet:
    """One true set: exercise id, working leg, span (s), reps, circle direction.

    ``count``: the true number of reps when it is known without rep spans (e.g. from a
    script); None = ``len(reps)``.
    """

    exercise: str
    side: str
    start_s: float
    end_s: float
    reps: tuple[TrueRep, ...] = ()
    direction: str | None = None
    count: int | None = None

    @property
    def n_reps(self) -> int:
        """Number of true reps."""
        return len(self.reps) if self.count is None else self.count


@dataclass(frozen=True)
class ClipTruth:
    """True sets and, per frame, time (s), exercise label and working-leg abduction (deg).

    ``legs``: the working leg per frame when it changes (a session on both sides); None =
    ``working_leg`` throughout.
    """

    name: str
    placement: str
    lying_on: str
    working_leg: str
    sets: tuple[TrueSet, ...]
    t: F64
    exercise: NDArray[np.str_]
    abduction_deg: F64
    tags: dict[str, Any] = field(default_factory=dict)
    legs: NDArray[np.str_] | None = None

    @property
    def in_exercise(self) -> NDArray[np.bool_]:
        """Frames inside an exercise segment (not a rest, a break or a transition)."""
        return np.isin(self.exercise, EXERCISES)

    @property
    def frame_legs(self) -> NDArray[np.str_]:
        """The working leg of every frame."""
        if self.legs is not None:
            return self.legs
        return np.full(len(self.t), self.working_leg)


#: A fault of at least this size (deg) counts as injected; ``True`` (momentum) always does.
MIN_FAULT_DEG = 1.0


def fault_rules(faults: dict[str, Any] | None) -> frozenset[str]:
    """The rules that should flag these injected faults (renderer fault name -> size in deg,
    or ``True``); faults smaller than ``MIN_FAULT_DEG`` and unknown names are left out."""
    return frozenset(
        FAULT_RULES[k]
        for k, v in (faults or {}).items()
        if k in FAULT_RULES
        and (v is True or (isinstance(v, (int, float)) and abs(v) >= MIN_FAULT_DEG))
    )


def _rep(event: dict[str, Any]) -> TrueRep:
    return TrueRep(float(event["start"]), float(event["end"]), fault_rules(event.get("faults")))


def true_sets(segments: list[dict[str, Any]], working_leg: str) -> tuple[TrueSet, ...]:
    """Runs of same-exercise segments not separated by a rest (see the module docstring)."""
    runs: list[list[dict[str, Any]]] = []
    prev: str | None = None
    for seg in segments:
        ex = str(seg["exercise"])
        if ex == "rest":
            if float(seg["end"]) - float(seg["start"]) >= SET_BREAK_S:
                prev = None
            continue
        if prev == ex:
            runs[-1].append(seg)
        else:
            runs.append([seg])
        prev = ex
    out = []
    for run in runs:
        reps = tuple(_rep(e) for seg in run for e in seg.get("rep_events", []))
        ex = str(run[0]["exercise"])
        direction = ex.rsplit("_", 1)[1] if ex.startswith("leg_circle") else None
        start, end = float(run[0]["start"]), float(run[-1]["end"])
        out.append(TrueSet(ex, working_leg, start, end, reps, direction))
    return tuple(out)


def clip_truth(gt: dict[str, Any], name: str = "", tags: dict[str, Any] | None = None) -> ClipTruth:
    """Truth of one clip from the renderer's ``ground_truth.json`` or the corpus' slim copy
    (both need ``segments`` with ``rep_events``)."""
    if "segments" not in gt:
        raise ValueError("truth file has no 'segments': re-collect it with tools/render_corpus.py")
    leg = str(gt["working_leg"])
    frames = gt["frames"]
    abd_key = "hip_abduction_deg" if "hip_abduction_deg" in frames[0] else "top_leg_abduction_deg"
    return ClipTruth(
        name=name,
        placement=str((tags or {}).get("view", gt.get("view", ""))),
        lying_on=str(gt["lying_on_side"]),
        working_leg=leg,
        sets=true_sets(gt["segments"], leg),
        t=np.array([f["t"] for f in frames], np.float64),
        exercise=np.array([f["exercise"] for f in frames]).astype(str),
        abduction_deg=np.array([f[abd_key] for f in frames], np.float64),
        tags=dict(tags or {}),
    )


def load_clip_truth(path: Path, name: str = "", tags: dict[str, Any] | None = None) -> ClipTruth:
    """Read a truth JSON file (see :func:`clip_truth`)."""
    return clip_truth(json.loads(path.read_text(encoding="utf-8")), name or path.stem, tags)

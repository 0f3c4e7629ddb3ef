"""The landmark suite: synthetic side-lying sessions with exact truth (``hipcoach.synth``).

The grid: lying side (left, right) x camera view (front, front_high, diagonal) x noise
(clean; 1.5 px + 0.015 m + visibility noise 0.05; the same plus 2% of frames dropped in
0.2 s bursts) x seeds, frame rates cycling through 30, 24 and 29.97 fps. Even seeds run a
short single-side script, odd seeds the whole routine on both sides with getting down, a
side switch and getting up (``full_series_script`` + ``transitions=True``). The geometry is
exact plus optional noise: NOT the real pose model's depth errors.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.evaluation.score import ClipScore, score_clip
from hipcoach.evaluation.truth import ClipTruth, TrueRep, TrueSet, fault_rules
from hipcoach.synth.program import MOVES
from hipcoach.synth.sidelying import (
    SHORT_SERIES,
    SideLyingScript,
    SyntheticSession,
    full_series_script,
    generate,
)
from hipcoach.synth.skeleton import LyingSide, View

#: The renderer's series_short.json (4 small raises, 3 bicycle, 4 big lifts, 3+3 circles).
SHORT_SCRIPT: tuple[dict[str, Any], ...] = tuple(dict(seg) for seg in SHORT_SERIES)
#: Natural variation added to every exercise segment (speed and amplitude shares, deg).
VARIATION = {"speed_var": 0.1, "amp_var": 0.1, "jitter_deg": 0.5}
#: Noise settings of ``generate`` (px, m, visibility share, dropped share, burst s).
NOISE: dict[str, dict[str, float]] = {
    "clean": {},
    "noisy": {"pixel_noise_px": 1.5, "world_noise_m": 0.015, "visibility_noise": 0.05},
    "noisy+drop": {
        "pixel_noise_px": 1.5,
        "world_noise_m": 0.015,
        "visibility_noise": 0.05,
        "dropout_rate": 0.02,
        "dropout_burst_s": 0.2,
    },
}
SIDES: tuple[LyingSide, ...] = ("left", "right")
VIEWS: tuple[View, ...] = ("front", "front_high", "diagonal")
FPS = (30.0, 24.0, 29.97)


@dataclass(frozen=True)
class GridSession:
    """One cell of the grid: name, tags (side, view, noise, fps, script), the script and
    whether the session gets down, switches side and gets up."""

    name: str
    tags: dict[str, str]
    script: SideLyingScript
    transitions: bool


def vary(segments: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of the segments, ``VARIATION`` added to the exercise segments (a segment's
    own values win)."""
    return [
        {**VARIATION, **s} if s.get("kind", "rest") not in ("rest", *MOVES) else dict(s)
        for s in segments
    ]


def landmark_sessions(seeds: int) -> list[GridSession]:
    """The synthetic grid (see the module docstring), ``seeds`` sessions per cell."""
    out = []
    k = 0
    for side in SIDES:
        for view in VIEWS:
            for noise in NOISE:
                for seed in range(seeds):
                    fps = FPS[k % len(FPS)]
                    k += 1
                    full = seed % 2 == 1
                    segs = full_series_script(side) if full else SHORT_SCRIPT
                    script = SideLyingScript(
                        vary(segs), side_lying_on=side, view=view, fps=fps, seed=100 + seed
                    )
                    tags = {
                        "side": side,
                        "view": view,
                        "noise": noise,
                        "fps": f"{fps:g}",
                        "script": "full+transitions" if full else "short",
                    }
                    name = f"{side}/{view}/{noise}/seed{seed}/{fps:g}fps"
                    out.append(GridSession(name, tags, script, full))
    return out


def synth_truth(
    truth: dict[str, Any], name: str = "", tags: dict[str, Any] | None = None
) -> ClipTruth:
    """Truth of a ``hipcoach.synth.sidelying`` session: its sets with their reps (and the
    faults injected into each) and its per-frame labels, working leg and abduction."""
    events = truth["events"]
    reps: dict[int, list[TrueRep]] = {}
    for r in events.get("reps", []):
        rep = TrueRep(float(r["start"]), float(r["end"]), fault_rules(r.get("faults")))
        reps.setdefault(int(r["set"]), []).append(rep)
    sets = tuple(
        TrueSet(
            s["exercise"],
            s["side"],
            float(s["start_s"]),
            float(s["end_s"]),
            tuple(reps.get(j, ())),
            s.get("direction"),
            count=int(s["n_reps"]),
        )
        for j, s in enumerate(events["sets"])
    )
    pf = truth["per_frame"]
    return ClipTruth(
        name=name,
        placement=str((tags or {}).get("view", truth.get("view", ""))),
        lying_on=str(truth["lying_on_side"]),
        working_leg=str(truth["working_leg"]),
        sets=sets,
        t=np.asarray(pf["t"], np.float64),
        exercise=np.asarray(pf["exercise"]).astype(str),
        abduction_deg=np.asarray(pf["abduction_deg"], np.float64),
        tags=dict(tags or {}),
        legs=np.asarray(pf["working_leg"]).astype(str),
    )


def noisy_session(script: SideLyingScript, noise: str, transitions: bool) -> SyntheticSession:
    """Generate ``script`` with the ``NOISE`` setting named ``noise``."""
    n = NOISE[noise]
    return generate(
        script,
        pixel_noise_px=n.get("pixel_noise_px", 0.0),
        world_noise_m=n.get("world_noise_m", 0.0),
        visibility_noise=n.get("visibility_noise", 0.0),
        dropout_rate=n.get("dropout_rate", 0.0),
        dropout_burst_s=n.get("dropout_burst_s", 0.0),
        transitions=transitions,
    )


def run_landmark_suite(
    seeds: int, progress: Callable[[ClipScore], None] | None = None
) -> list[ClipScore]:
    """Generate, analyse and score every synthetic session; ``progress`` is called with
    each score (analysis seconds in ``analysis_s``)."""
    scores = []
    for s in landmark_sessions(seeds):
        session = noisy_session(s.script, s.tags["noise"], s.transitions)
        t0 = time.perf_counter()
        result, blocks = analyze_sequence(session.sequence)
        elapsed = time.perf_counter() - t0
        score = score_clip(synth_truth(session.truth, s.name, s.tags), result, blocks)
        score.analysis_s = elapsed
        scores.append(score)
        if progress is not None:
            progress(score)
    return scores

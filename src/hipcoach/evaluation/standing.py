"""Scoring the screens on the rendered standing corpus (``tests/data/standing_corpus``).

Each clip holds the real pose model's landmarks and the renderer's truth
(``tools/render_standing_corpus.py``). One-leg stances are scored per hold: the screen's
finding and measured free-side drop against the true drop and trunk lean; squats per rep
bottom and knee: the measured FPPA against the true picture FPPA. A clinically relevant sign
is a drop or a lean toward the stance side of ``RELEVANT_DEG`` or more, or a valgus of
``VALGUS_POSITIVE_DEG`` (issue 12). Angles in degrees, times in seconds.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hipcoach.config import DEFAULTS, Settings
from hipcoach.screens.result import ScreenResult
from hipcoach.sequence.io import load
from hipcoach.sequence.schema import PoseSequence

RELEVANT_DEG = 6.0
VALGUS_POSITIVE_DEG = 15.0
VALGUS_NEGATIVE_DEG = 5.0


@dataclass(frozen=True)
class StandingClip:
    """One corpus entry (``manifest.json``)."""

    name: str
    body: str
    split: str
    motion: str
    options: dict[str, str]

    def number(self, key: str) -> float:
        """A numeric render option (``drop-deg`` ...), 0 when not given."""
        return float(self.options.get(key, 0.0))


@dataclass(frozen=True)
class StanceRow:
    """One stance clip: truth and what the screen said."""

    clip: StandingClip
    true_drop_deg: float
    true_lean_deg: float
    finding: str
    measured_drop_deg: float

    @property
    def relevant(self) -> bool:
        """A drop or a lean toward the stance side of ``RELEVANT_DEG`` or more."""
        return max(self.true_drop_deg, self.true_lean_deg) >= RELEVANT_DEG

    @property
    def level(self) -> bool:
        """Level pelvis, upright trunk."""
        return self.true_drop_deg == 0.0 and self.true_lean_deg == 0.0


@dataclass(frozen=True)
class SquatRow:
    """One squat clip: the true and measured FPPA at every rep bottom and knee (deg)."""

    clip: StandingClip
    true_valgus_deg: float
    finding: str
    true_fppa_deg: list[float]
    measured_fppa_deg: list[float]

    def errors(self) -> list[float]:
        """Measured minus true FPPA (deg), where both exist."""
        return [
            m - t
            for m, t in zip(self.measured_fppa_deg, self.true_fppa_deg, strict=True)
            if math.isfinite(m) and math.isfinite(t)
        ]


def read_manifest(folder: Path) -> list[StandingClip]:
    """The clips of the corpus in ``folder``."""
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    clips = []
    for c in data["clips"]:
        opts = list(c["options"])
        options = {opts[k].lstrip("-"): opts[k + 1] for k in range(0, len(opts) - 1, 2)}
        clips.append(StandingClip(c["name"], c["body"], c["split"], c["motion"], options))
    return clips


def _truth(folder: Path, clip: StandingClip) -> dict[str, Any]:
    text = (folder / f"{clip.name}.truth.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def score_stance(result: ScreenResult, clip: StandingClip) -> StanceRow:
    """The stance screen's reading of ``clip`` against its render options."""
    drops = [i.get("pelvic_drop_median_deg") for i in result.items]
    finite = [float(d) for d in drops if isinstance(d, int | float) and math.isfinite(d)]
    return StanceRow(
        clip,
        clip.number("drop-deg"),
        clip.number("lean-deg"),
        result.finding,
        float(np.median(finite)) if finite else math.nan,
    )


def true_bottom_fppa(truth: dict[str, Any], rep: dict[str, Any], side: str) -> float:
    """Mean true picture FPPA (deg) of ``side`` over the held bottom of ``rep``."""
    lo, hi = rep["bottom_from_s"] - 1e-6, rep["bottom_to_s"] + 1e-6
    rows = [f[f"fppa_{side}_deg"] for f in truth["frames"] if lo <= f["t"] <= hi]
    if not rows:  # a coarse frame rate can step over a short hold: the nearest frame
        rows = [min(truth["frames"], key=lambda f: abs(f["t"] - rep["bottom_s"]))]
        rows = [rows[0][f"fppa_{side}_deg"]]
    return float(np.mean(rows))


def score_squat(result: ScreenResult, clip: StandingClip, truth: dict[str, Any]) -> SquatRow:
    """The squat screen's FPPA at each true rep bottom (nearest measured bottom)."""
    reps = truth["events"]["reps"]
    true_vals, measured = [], []
    for rep in reps:
        item = min(
            result.items,
            key=lambda i: abs(float(i.get("bottom_s") or math.inf) - rep["bottom_s"]),
            default=None,
        )
        for side in ("left", "right"):
            true_vals.append(true_bottom_fppa(truth, rep, side))
            value = None if item is None else item.get(f"fppa_{side}_deg")
            measured.append(float(value) if isinstance(value, int | float) else math.nan)
    return SquatRow(clip, clip.number("valgus-deg"), result.finding, true_vals, measured)


Screen = Callable[[PoseSequence, Settings], ScreenResult]


def score_corpus(
    folder: Path, settings: Settings = DEFAULTS
) -> tuple[list[StanceRow], list[SquatRow]]:
    """Every stance and squat clip of the corpus through its screen (stored landmarks, no
    model run); the walks are scored by :mod:`hipcoach.evaluation.gait`."""
    from hipcoach.screens.squat import screen_squat  # noqa: PLC0415
    from hipcoach.screens.stance import screen_stance  # noqa: PLC0415

    stances, squats = [], []
    for clip in read_manifest(folder):
        seq = load(folder / f"{clip.name}.npz")
        if clip.motion == "stance":
            stances.append(score_stance(screen_stance(seq, settings), clip))
        elif clip.motion == "squat":  # walks: hipcoach.evaluation.gait
            truth = _truth(folder, clip)
            squats.append(score_squat(screen_squat(seq, settings), clip, truth))
    return stances, squats


@dataclass(frozen=True, kw_only=True)
class SignCalls:
    """How a screen called clips with known truth: ``found`` of ``relevant`` clips with the
    sign called positive, ``quiet`` of ``level`` clips without it not called positive, and
    ``false_negatives``: clips with the sign called "negative" (the answer that must never
    happen)."""

    found: int
    relevant: int
    quiet: int
    level: int
    false_negatives: int

    @property
    def sensitivity(self) -> float:
        """Share of clips with the sign called positive."""
        return self.found / self.relevant if self.relevant else math.nan

    @property
    def specificity(self) -> float:
        """Share of clips without the sign not called positive."""
        return self.quiet / self.level if self.level else math.nan


def sign_calls(relevant: list[str], level: list[str]) -> dict[str, int]:
    """The :class:`SignCalls` counts from the findings of the clips with and without the
    sign (keyword arguments for a summary)."""
    return {
        "found": sum(f == "positive" for f in relevant),
        "relevant": len(relevant),
        "quiet": sum(f != "positive" for f in level),
        "level": len(level),
        "false_negatives": sum(f == "negative" for f in relevant),
    }


@dataclass(frozen=True, kw_only=True)
class StanceSummary(SignCalls):
    """Stance sign calls (:class:`SignCalls`) and the drop MAE (deg)."""

    drop_mae_deg: float


def summarize_stance(rows: list[StanceRow]) -> StanceSummary:
    """The issue-12 stance numbers of ``rows``; ``false_negatives`` = relevant signs called
    "negative" (the one answer that must never happen)."""
    relevant = [r for r in rows if r.relevant]
    level = [r for r in rows if r.level]
    errors = [
        abs(r.measured_drop_deg - r.true_drop_deg)
        for r in rows
        if math.isfinite(r.measured_drop_deg)
    ]
    return StanceSummary(
        **sign_calls([r.finding for r in relevant], [r.finding for r in level]),
        drop_mae_deg=float(np.mean(errors)) if errors else math.nan,
    )


@dataclass(frozen=True)
class SquatSummary:
    """FPPA MAE (deg) and the valgus calls on clearly positive and clearly negative clips."""

    fppa_mae_deg: float
    fppa_bias_deg: float
    positives_found: int
    positives: int
    negatives_quiet: int
    negatives: int


def summarize_squat(rows: list[SquatRow]) -> SquatSummary:
    """The issue-12 squat numbers of ``rows``."""
    errors = [e for r in rows for e in r.errors()]
    pos = [r for r in rows if r.true_valgus_deg >= VALGUS_POSITIVE_DEG]
    neg = [r for r in rows if r.true_valgus_deg <= VALGUS_NEGATIVE_DEG]
    return SquatSummary(
        fppa_mae_deg=float(np.mean(np.abs(errors))) if errors else math.nan,
        fppa_bias_deg=float(np.mean(errors)) if errors else math.nan,
        positives_found=sum(r.finding == "positive" for r in pos),
        positives=len(pos),
        negatives_quiet=sum(r.finding != "positive" for r in neg),
        negatives=len(neg),
    )

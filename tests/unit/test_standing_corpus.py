"""The screens on the rendered standing corpus, re-scored from stored landmarks (real pose
model, exact truth; tests/data/standing_corpus). Bodies S01-S04 may set thresholds; S05-S08
are only ever scored. The honesty invariant holds on every clip; the targets of issue 12 are
asserted where met and marked as strict expected failures, with the measurement, where not
(docs/screens.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hipcoach.config import DEFAULTS
from hipcoach.evaluation.standing import (
    SquatRow,
    StanceRow,
    read_manifest,
    score_corpus,
    summarize_squat,
    summarize_stance,
)
from hipcoach.screens.stance import screen_stance
from hipcoach.sequence.io import load

CORPUS = Path(__file__).resolve().parents[1] / "data" / "standing_corpus"
CLIPS = read_manifest(CORPUS)


@cache
def scored() -> tuple[tuple[StanceRow, ...], tuple[SquatRow, ...]]:
    stances, squats = score_corpus(CORPUS)
    return tuple(stances), tuple(squats)


def _split(rows: tuple[StanceRow, ...] | tuple[SquatRow, ...], split: str) -> list[Any]:
    return [r for r in rows if r.clip.split == split]


def test_corpus_covers_eight_bodies_split_by_body() -> None:
    bodies = {c.body for c in CLIPS}
    assert len(bodies) >= 8
    dev = {c.body for c in CLIPS if c.split == "dev"}
    val = {c.body for c in CLIPS if c.split == "val"}
    fresh = {c.body for c in CLIPS if c.split == "val2"}
    assert dev and val and dev.isdisjoint(val)
    assert len(fresh) >= 3 and fresh.isdisjoint(dev | val)
    assert {c.motion for c in CLIPS} == {"stance", "squat", "walk"}


@pytest.mark.parametrize("name", [c.name for c in CLIPS if c.motion == "stance"])
def test_a_relevant_sign_is_never_called_negative(name: str) -> None:
    (row,) = [r for r in scored()[0] if r.clip.name == name]
    if row.relevant:
        assert row.finding != "negative", (row.finding, row.true_drop_deg, row.true_lean_deg)


@pytest.mark.parametrize("split", ["dev", "val"])
def test_level_stances_are_not_called_positive(split: str) -> None:
    s = summarize_stance(_split(scored()[0], split))
    assert s.level and s.quiet / s.level >= 0.9, s


@pytest.mark.parametrize("split", ["dev", "val"])
def test_a_trunk_lean_over_the_stance_leg_is_found(split: str) -> None:
    """The compensated sign (a lean of 5-10 deg toward the stance side) is read."""
    leans = [r for r in _split(scored()[0], split) if r.true_lean_deg >= 6.0]
    assert leans and all(r.finding == "positive" for r in leans), leans


@pytest.mark.xfail(
    strict=True,
    reason="the hip landmarks do not follow a pelvic drop under an upright trunk (docs/"
    "screens.md: 0 of the upright drops of 6-12 deg were found on any body), so stance "
    "sensitivity stays below 80 %; those clips say cannot rule out",
)
def test_validation_stance_sensitivity_target() -> None:
    s = summarize_stance(_split(scored()[0], "val"))
    assert s.sensitivity >= 0.8 and s.drop_mae_deg <= 2.5, s


def test_the_hidden_free_foot_still_gives_a_hold() -> None:
    """Development body S01's lifted foot (visibility 0.36-0.52 behind the stance leg):
    read from ``stance_min_visibility``; at the general 0.5 the hold is lost."""
    seq = load(CORPUS / "S01_stance_L_level.npz")
    assert screen_stance(seq).items
    strict = DEFAULTS.screen.model_copy(update={"stance_min_visibility": 0.5})
    assert not screen_stance(seq, DEFAULTS.model_copy(update={"screen": strict})).items


@pytest.mark.parametrize("split", ["dev", "val", "val2"])
def test_squat_valgus_calls_on_clear_cases(split: str) -> None:
    """Valgus of 15 deg or more (render) positive; 5 deg or less never positive."""
    s = summarize_squat(_split(scored()[1], split))
    assert s.positives and s.positives_found == s.positives, s
    assert s.negatives and s.negatives_quiet == s.negatives, s


def test_fresh_validation_fppa_mae_within_3_deg() -> None:
    """Issue 12's squat target (FPPA MAE <= 3 deg) on the fresh bodies (``val2``), rendered
    after the reading was chosen on the development bodies and scored once."""
    s = summarize_squat(_split(scored()[1], "val2"))
    assert s.fppa_mae_deg <= 3.0, s


def _validation_errors() -> list[float]:
    rows = [r for r in scored()[1] if r.clip.split in ("val", "val2")]
    return [e for r in rows for e in r.errors()]


@pytest.mark.xfail(
    strict=True,
    reason="per-knee FPPA at the bottom on the 8 validation bodies: MAE 3.7 deg, errors "
    "-10.3..+5.3 deg, 15 of 32 within 3 deg (the bodies differ: one reads a 42.8 deg "
    "valgus 4-10 deg low, another straight knees 1-5 deg high); the stated uncertainty "
    "is +-9 deg instead (docs/screens.md)",
)
def test_validation_fppa_per_knee_within_3_deg() -> None:
    errors = _validation_errors()
    assert errors and max(abs(e) for e in errors) <= 3.0, errors


def test_the_stated_fppa_uncertainty_holds_on_validation_bodies() -> None:
    """``fppa_uncertainty_deg`` (shown in the report) covers 95 % of the validation
    readings, and a squat is called negative only below a relevant valgus minus it."""
    errors = np.abs(_validation_errors())
    uncertainty = DEFAULTS.screen.fppa_uncertainty_deg
    assert errors.size >= 24 and np.percentile(errors, 95) <= uncertainty
    from hipcoach.screens.evidence import EVIDENCE

    assert f"{uncertainty:g}°" in EVIDENCE["squat"].accuracy
    for r in scored()[1]:
        if r.finding == "negative":
            assert max(r.measured_fppa_deg) < 15.0 - uncertainty, r


def test_the_hip_centre_estimate_helps_on_validation_bodies() -> None:
    """The hips moved apart to the joint centres (``fppa_hip_width_factor``, fitted on the
    development bodies) must lower the validation FPPA error against the model's hips."""
    off = DEFAULTS.screen.model_copy(update={"fppa_hip_width_factor": 1.0})
    raw = score_corpus(CORPUS, DEFAULTS.model_copy(update={"screen": off}))[1]
    before = summarize_squat([r for r in raw if r.clip.split == "val"]).fppa_mae_deg
    after = summarize_squat(_split(scored()[1], "val")).fppa_mae_deg
    assert after < before - 1.0, (before, after)


def test_crossed_knees_keep_the_feet_on_their_sides() -> None:
    """Development body S04 (25 deg valgus): the knees cross and the model swaps the feet's
    labels (the FPPA read 5-8 deg for a true 52.6); with each foot put back on its own
    side (``feet_by_side``) the collapse is read within 5 deg."""
    (row,) = [r for r in scored()[1] if r.clip.name == "S04_squat_valgus25"]
    assert row.errors() and max(abs(e) for e in row.errors()) <= 5.0, row


#: Clips counted in the screens' evidence before the corpus (docs/screens.md).
PRIOR = {"stance": (1, 5, 2, 2), "squat": (2, 2, 3, 3)}


def test_the_screens_evidence_counts_the_corpus() -> None:
    """EVIDENCE (the report's sensitivity/specificity) = the earlier clips + this corpus."""
    from hipcoach.screens.evidence import EVIDENCE, RELEVANT_VALGUS_DEG

    stances, squats = scored()
    st = summarize_stance(list(stances))
    got = EVIDENCE["stance"]
    want = (st.found, st.relevant, st.quiet, st.level)
    prior = PRIOR["stance"]
    assert (got.detected, got.with_sign, got.cleared, got.without_sign) == tuple(
        p + w for p, w in zip(prior, want, strict=True)
    )

    def true_fppa(r: SquatRow) -> float:
        return float(sum(r.true_fppa_deg) / len(r.true_fppa_deg))

    with_sign = [r for r in squats if true_fppa(r) >= RELEVANT_VALGUS_DEG]
    without = [r for r in squats if true_fppa(r) <= 5.0]
    want_sq = (
        sum(r.finding == "positive" for r in with_sign),
        len(with_sign),
        sum(r.finding != "positive" for r in without),
        len(without),
    )
    sq = EVIDENCE["squat"]
    assert (sq.detected, sq.with_sign, sq.cleared, sq.without_sign) == tuple(
        p + w for p, w in zip(PRIOR["squat"], want_sq, strict=True)
    )

"""The gait screen on the rendered walks of the standing corpus, re-scored from stored
landmarks (real pose model, exact truth; tests/data/standing_corpus, ``*_walk_*``). Bodies
S01-S04 may set thresholds; S05-S08 are only ever scored. The honesty rule holds on every
walk; issue 12's gait targets are marked as strict expected failures, with the measurement,
where not met (docs/screens.md, "Gait on the rendered walks")."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from hipcoach.evaluation.gait import GaitRow, score_gait_corpus, summarize_gait
from hipcoach.evaluation.standing import read_manifest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "standing_corpus"
WALKS = [c for c in read_manifest(CORPUS) if c.motion == "walk"]


@cache
def scored() -> tuple[GaitRow, ...]:
    return tuple(score_gait_corpus(CORPUS))


def _split(split: str) -> list[GaitRow]:
    return [r for r in scored() if r.clip.split == split]


def _row(name: str) -> GaitRow:
    (row,) = [r for r in scored() if r.clip.name == name]
    return row


def test_the_walks_cover_both_splits_directions_and_dropping_sides() -> None:
    for split in ("dev", "val"):
        rows = _split(split)
        assert any(r.level for r in rows) and any(r.relevant for r in rows), split
        assert {r.direction for r in rows} == {"toward", "away"}, split
    assert {leg for r in scored() for leg in r.dropping} == {"left", "right"}


def test_the_truth_is_the_rendered_drop() -> None:
    """The picture drop at each step's peak equals the rendered drop within 0.5 deg (camera
    level at hip height, pelvis square to it)."""
    for r in scored():
        for side in r.sides:
            option = r.clip.number(f"drop-{side.stance_leg}-deg")
            assert side.true_drop_deg == pytest.approx(option, abs=0.5), (r.clip.name, side)


@pytest.mark.parametrize("name", [c.name for c in WALKS])
def test_a_walk_with_a_real_drop_is_never_called_negative(name: str) -> None:
    row = _row(name)
    if row.relevant:
        assert row.finding != "negative", row


@pytest.mark.parametrize("split", ["dev", "val"])
def test_no_level_walk_is_called_positive(split: str) -> None:
    s = summarize_gait(_split(split))
    assert s.level and s.quiet == s.level, s


#: Clips counted in the gait evidence before the corpus (docs/screens.md): issue 12's two
#: rendered walks (a 9 deg drop missed; a level walk not positive).
PRIOR = (0, 1, 1, 1)


def test_the_gait_evidence_counts_the_corpus() -> None:
    """EVIDENCE["gait"] (the report's sensitivity/specificity) = issue 12's walks + these."""
    from hipcoach.screens.evidence import EVIDENCE

    s = summarize_gait(list(scored()))
    got = EVIDENCE["gait"]
    want = (s.found, s.relevant, s.quiet, s.level)
    assert (got.detected, got.with_sign, got.cleared, got.without_sign) == tuple(
        p + w for p, w in zip(PRIOR, want, strict=True)
    )
    assert not got.rules_out  # so every non-positive walk says "cannot rule out"


def test_every_walk_toward_the_camera_gives_a_finding() -> None:
    """Walking toward the camera at least the 7 steps a finding needs are found."""
    toward = [r for r in scored() if r.direction == "toward"]
    assert toward and all(r.finding != "inconclusive" for r in toward), toward


def test_steps_on_each_leg_are_found_toward_the_camera() -> None:
    """The step signal (the ankles' heights) finds at least 9 of 10 steps on each leg of
    each split walking toward the camera (the knee-flexion difference it replaced found 37
    of 60 steps standing on the left leg)."""
    for split in ("dev", "val"):
        toward = [r for r in _split(split) if r.direction == "toward"]
        for leg in ("left", "right"):
            found = sum(r.side(leg).found_steps for r in toward)
            true = sum(r.side(leg).true_steps for r in toward)
            assert true and found >= 0.9 * true, (split, leg, found, true)


@pytest.mark.xfail(
    strict=True,
    reason="one step of 60 walking toward the camera is missed on the validation bodies "
    "(S05_walk_toward_L_drop10: 4 of 5 steps standing on the left leg); docs/screens.md",
)
def test_every_step_toward_the_camera_is_found() -> None:
    toward = [r for r in scored() if r.direction == "toward"]
    assert all(s.found_steps == s.true_steps for r in toward for s in r.sides)


def test_steps_are_found_walking_away() -> None:
    """Walking away (the back to the camera) the ankles' heights find the steps (seen from
    behind the model's knees read nearly straight, so the knee-flexion difference found
    none); the drop is still not seen, so these walks say cannot rule out, never negative."""
    away = [r for r in scored() if r.direction == "away"]
    assert away and all(r.finding == "cannot_rule_out" for r in away), away


@pytest.mark.xfail(
    strict=True,
    reason="the hip landmarks do not follow a pelvic drop under an upright trunk: the "
    "dropping side of 6-10 deg walks read +0.1..+0.6 deg (validation: dropping-side MAE "
    "7.5 deg, 0 of 4 drops found, no side named); those walks say cannot rule out "
    "(docs/screens.md)",
)
def test_validation_gait_drop_within_tolerance_and_side_named() -> None:
    s = summarize_gait(_split("val"))
    assert s.within_tolerance == s.walks and s.side_named == s.relevant, s

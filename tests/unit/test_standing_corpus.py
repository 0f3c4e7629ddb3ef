"""The screens on the rendered standing corpus, re-scored from stored landmarks (real pose
model, exact truth; tests/data/standing_corpus). Bodies S01-S04 may set thresholds; S05-S08
are only ever scored. The honesty invariant holds on every clip; the targets of issue 12 are
asserted where met and marked as strict expected failures, with the measurement, where not
(docs/screens.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from hipcoach.config import DEFAULTS
from hipcoach.evaluation.standing import (
    SquatRow,
    StanceRow,
    read_manifest,
    score_corpus,
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


@pytest.mark.parametrize("name", [c.name for c in CLIPS if c.motion == "stance"])
def test_a_relevant_sign_is_never_called_negative(name: str) -> None:
    (row,) = [r for r in scored()[0] if r.clip.name == name]
    if row.relevant:
        assert row.finding != "negative", (row.finding, row.true_drop_deg, row.true_lean_deg)


@pytest.mark.parametrize("split", ["dev", "val"])
def test_level_stances_are_not_called_positive(split: str) -> None:
    s = summarize_stance(_split(scored()[0], split))
    assert s.level and s.quiet / s.level >= 0.9, s


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

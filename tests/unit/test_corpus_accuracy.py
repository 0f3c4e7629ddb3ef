"""The rendered corpus, re-scored from its stored landmarks (real pose model, exact truth).

Bodies of the development split set the thresholds; validation bodies only ever get scored
(those tagged "seen" were scored before a rule changed, see tests/data/corpus/README.md).
The invariants hold on every clip; the targets of issue 11 are asserted on the validation
bodies where they are met, and marked as strict expected failures, with the measurement,
where they are not (docs/accuracy.md). ``python benchmarks/accuracy.py --suite corpus``
prints the tables of docs/accuracy.md from the same data.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from hipcoach.evaluation.corpus import SUPPORTED, read_manifest, score_corpus, summarize
from hipcoach.evaluation.score import ClipScore

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
CLIPS = read_manifest(CORPUS)


@cache
def scores() -> tuple[ClipScore, ...]:
    return tuple(score_corpus(CORPUS))


def split(name: str, views: tuple[str, ...] = SUPPORTED) -> list[ClipScore]:
    return [c for c in scores() if c.tags["split"] == name and c.tags["view"] in views]


def test_corpus_covers_bodies_sides_and_placements() -> None:
    assert len({c.body for c in CLIPS}) >= 10
    assert {c.side for c in CLIPS} == {"left", "right"}
    val = [c for c in CLIPS if c.split == "val"]
    dev = [c for c in CLIPS if c.split == "dev"]
    assert {c.body for c in val}.isdisjoint({c.body for c in dev})
    for part in (dev, val):
        assert {"front", "front_high", "diagonal15", "diagonal30"} <= {c.view for c in part}


@pytest.mark.parametrize("name", [c.name for c in CLIPS])
def test_no_overlapping_sets_and_no_phantom_reps(name: str) -> None:
    (clip,) = [c for c in scores() if c.name == name]
    assert clip.overlapping_pairs == 0, clip.found
    if name.startswith("B03"):  # two single circles of unknown direction: one set of 2
        pytest.xfail("B03: circles whose direction is not measurable merge into one set")
    assert clip.phantom_reps == 0, clip.notes


@pytest.mark.parametrize("name", [c.name for c in CLIPS if c.split == "val"])
def test_a_printed_count_is_right_or_withheld_on_validation_bodies(name: str) -> None:
    (clip,) = [c for c in scores() if c.name == name]
    for row in clip.sets:
        if row.found_reps is not None:
            assert row.exact, (name, row, clip.found)


def test_beyond_the_supported_placements_counts_are_withheld() -> None:
    oblique = [c for c in scores() if c.tags["view"] not in SUPPORTED]
    assert {c.tags["split"] for c in oblique} == {"dev", "val"}
    for clip in oblique:
        assert all(row.withheld for row in clip.sets if row.found_reps is not None or row.withheld)
        assert any(row.withheld for row in clip.sets), clip.found


@pytest.mark.parametrize(
    "view",
    [
        "front",
        "front_high",
        "diagonal30",
        "diagonal10",
        "diagonal15",
        "diagonal20",
    ],
)
def test_validation_circle_directions_are_never_wrong(view: str) -> None:
    """A direction is either right or reported as not measurable (never the wrong way)."""
    rows = [(c.name, r) for c in split("val", (view,)) for r in c.sets]
    assert any(r.exercise.startswith("leg_circle") for _, r in rows)
    for name, row in rows:
        assert row.direction_ok is not False, (name, row)


def test_validation_abduction_error() -> None:
    assert summarize(split("val", ("front", "front_high"))).angle_mae <= 4.0
    assert summarize(split("val")).angle_mae <= 4.0


@pytest.mark.xfail(
    strict=True,
    reason="exact share 0.946, rep MAE 0.162 on the validation bodies: B10 (3 m, 15 deg) "
    "was found only by the detector's sensitive second pass, so its 4 sets are withheld "
    "(docs/accuracy.md)",
)
def test_validation_counts_meet_the_targets() -> None:
    s = summarize(split("val"))
    assert s.exact_share >= 0.95, [c.found for c in split("val")]
    assert s.mae <= 0.05


@pytest.mark.xfail(
    strict=True,
    reason="cameras turned toward the feet over-read abduction by foreshortening (val: "
    "5.6 deg at 30, 3.9 deg at 15 deg); no depth-free yaw estimate good enough to undo it",
)
def test_validation_abduction_error_on_diagonal_placements() -> None:
    for view in ("diagonal15", "diagonal30"):
        assert summarize(split("val", (view,))).angle_mae <= 4.0, view


def test_a_withheld_count_reads_no_form_either() -> None:
    """Where the landmarks cannot support a count (too oblique, found only by the sensitive
    detector pass), they cannot support a form judgement: every rule of such a set is "not
    measurable" with the reason, and none is counted as checked (B10, B13, B14 had 22 such
    flags on clean reps before)."""
    from hipcoach.analysis.analyze import analyze_sequence
    from hipcoach.sequence.io import load_npz

    withheld = 0
    for name in ("B10_R_diagonal15_far", "B13_L_diagonal45", "B14_R_diagonal45"):
        result, _ = analyze_sequence(load_npz(CORPUS / f"{name}.npz"))
        for s in result.sets:
            if s.count_withheld is None:
                continue
            withheld += 1
            assert s.rules_checked == [], (name, s.exercise)
            assert s.flags and not any(f.measurable for f in s.flags), (name, s.flags)
            assert all(s.count_withheld in f.message for f in s.flags)
            assert s.form_text().startswith("not checked")
    assert withheld >= 6

"""A count the view cannot support is never shown as a count; a form score never claims more
rules than were checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from hipcoach.analysis.result import AnalysisResult, Flag, SetResult
from hipcoach.cli.analyze_cmd import render_result
from hipcoach.history.stats import FormReading
from hipcoach.storage.db import open_db

WITHHELD = "the camera looks too oblique to count reps"


def _set(**kw: object) -> SetResult:
    base: dict[str, object] = {
        "side": "right",
        "exercise": "small_leg_raise",
        "reps": 7,
        "start_s": 1.0,
        "end_s": 9.0,
        "rep_times": [(1.0 + k, 1.8 + k) for k in range(7)],
        "peak_angle_deg": [20.0] * 7,
        "target_reps": 10,
    }
    base.update(kw)
    return SetResult(**base)  # type: ignore[arg-type]


def _unmeasurable(rule: str) -> Flag:
    return Flag(rule, None, None, "deg", False, f"{rule}: not measurable from this view")


def test_withheld_count_is_null_in_json_and_survives_a_round_trip() -> None:
    s = _set(count_withheld=WITHHELD)
    data = s.to_json()
    assert data["reps"] is None
    assert data["count_withheld"] == WITHHELD
    back = AnalysisResult.from_json(
        {"view": "diagonal", "lying_on": "left", "sets": [data], "duration_s": 10.0}
    )
    assert not back.sets[0].counted
    assert back.comparison() == []


def test_terminal_never_prints_a_withheld_count() -> None:
    result = AnalysisResult("front", "left", [_set(reps=3, count_withheld=WITHHELD)])
    console = Console(width=200, record=True)
    console.print(render_result(result))
    text = console.export_text()
    assert "not counted / 10" in text
    assert "3 / 10" not in text
    assert "place the camera in front of you" in text


def test_form_text_counts_the_rules_checked() -> None:
    flags = [_unmeasurable("knee_bent"), _unmeasurable("pelvis_roll")]
    s = _set(flags=flags, rules_checked=["toes_up", "tempo"])
    assert s.form_text() == "no fault seen · 2 of 4 rules checked"
    s.flags.append(Flag("toes_up", 2, 12.0, "deg", True, "toes"))
    assert s.form_text() == "1 fault · 2 of 4 rules checked"


def test_form_text_with_no_rule_measurable_says_not_checked() -> None:
    s = _set(flags=[_unmeasurable("knee_bent")], rules_checked=[])
    assert s.form_text().startswith("not checked")
    assert "no fault" not in s.form_text()


def test_history_form_reading_names_the_unmeasured_rules() -> None:
    assert FormReading(10, 10).text() == "100%"
    assert FormReading(10, 10, ("knee_bent", "pelvis_roll")).text() == (
        "100% · 2 rules not measurable"
    )
    assert FormReading(0, 0).text() == "no reading"


def test_import_stores_no_withheld_count(tmp_path: Path) -> None:
    result = AnalysisResult(
        "front", "left", [_set(), _set(exercise="big_leg_lift", count_withheld=WITHHELD)]
    )
    path = tmp_path / "a.json"
    path.write_text(json.dumps(result.to_json()), encoding="utf-8")
    loaded = AnalysisResult.from_json(json.loads(path.read_text(encoding="utf-8")))
    history = open_db(tmp_path / "h.db")
    sid = history.import_analysis(loaded, "k", datetime(2026, 12, 1, tzinfo=UTC))
    assert sid is not None
    assert [s.result.exercise for s in history.sets_of(sid)] == ["small_leg_raise"]


def test_a_circle_set_without_a_measurable_direction_says_so() -> None:
    s = _set(
        exercise="leg_circle_ccw",
        reps=2,
        direction=None,
        direction_withheld="circle direction not measurable from this view",
    )
    data = s.to_json()
    assert "direction" not in data and data["direction_withheld"].startswith("circle direction")
    back = AnalysisResult.from_json(
        {"view": "diagonal", "lying_on": "left", "sets": [data], "duration_s": 10.0}
    )
    assert back.sets[0].direction is None and back.sets[0].direction_withheld
    console = Console(width=200, record=True)
    console.print(render_result(AnalysisResult("diagonal", "left", [s])))
    text = console.export_text()
    assert "direction not measurable" in text
    assert "(ccw)" not in text


def test_a_person_found_only_by_the_sensitive_second_pass_gets_no_counts() -> None:
    from dataclasses import replace as dc_replace

    from hipcoach.analysis.analyze import FIX_WEAK_DETECTION, WEAK_DETECTION, analyze_sequence
    from hipcoach.sequence.io import load_npz
    from hipcoach.sequence.schema import WEAK_DETECTION_NOTE

    corpus = Path(__file__).resolve().parents[1] / "data" / "corpus"
    seq = load_npz(corpus / "B01_L_front.npz")
    assert all(s.counted for s in analyze_sequence(seq)[0].sets)
    weak = dc_replace(seq, provenance=dc_replace(seq.provenance, notes=(WEAK_DETECTION_NOTE,)))
    result, blocks = analyze_sequence(weak)
    assert result.sets and all(s.count_withheld == WEAK_DETECTION for s in result.sets)
    assert blocks and all(b.view.fix == FIX_WEAK_DETECTION for b in blocks)  # what to change
    assert any(FIX_WEAK_DETECTION in problem for problem in result.problems)


def test_the_second_detector_pass_only_for_files_that_missed_most_frames() -> None:
    from dataclasses import replace as dc_replace

    import numpy as np

    from hipcoach.config import DEFAULTS
    from hipcoach.extract import ExtractionResult
    from hipcoach.pipeline import PoseRequest, retry_settings
    from hipcoach.sequence.io import load_npz
    from hipcoach.video.base import SourceInfo

    corpus = Path(__file__).resolve().parents[1] / "data" / "corpus"
    seq = load_npz(corpus / "B01_L_front.npz")
    keep = np.arange(len(seq)) < 0.4 * len(seq)
    nan = {
        name: np.where(
            keep.reshape(-1, *[1] * (getattr(seq, name).ndim - 1)), getattr(seq, name), np.nan
        )
        for name in ("image_xy", "image_z", "visibility", "presence", "world")
    }
    missed = dc_replace(seq, detected=keep, **nan)
    info = SourceInfo("clip.mp4", "file", seq.width, seq.height, nominal_fps=10.0)
    job = PoseRequest(source="clip.mp4", settings=DEFAULTS)
    retry = retry_settings(job, ExtractionResult(missed, info))
    assert retry is not None
    assert retry.pose.min_detection_confidence == DEFAULTS.pose.retry_detection_confidence
    assert retry_settings(job, ExtractionResult(seq, info)) is None  # found everywhere
    camera = dc_replace(job, source="0")
    assert retry_settings(camera, ExtractionResult(missed, info)) is None  # a live camera


def test_impossible_values_in_an_analysis_file_are_refused() -> None:
    import pytest

    good = _set().to_json()
    for key, value in [
        ("reps", 1_099_511_627_776),
        ("reps", -1),
        ("start_s", float("inf")),
        ("end_s", 1e12),
        ("exercise", "x" * 500),
        ("exercise", "bad\x1bname"),
        ("peak_angle_deg", [1e9]),
    ]:
        doc = {
            "view": "front",
            "lying_on": "left",
            "duration_s": 10.0,
            "sets": [good | {key: value}],
        }
        with pytest.raises(ValueError):
            AnalysisResult.from_json(doc)
    AnalysisResult.from_json(
        {"view": "front", "lying_on": "left", "duration_s": 10.0, "sets": [good]}
    )


def test_terminal_speaks_the_routine_names_not_internal_ids() -> None:
    flags = [_unmeasurable("knee_bent"), Flag("toes_up", 1, 12.0, "deg", True, "toes")]
    result = AnalysisResult("front_high", "left", [_set(reps=3, flags=flags)])
    console = Console(width=80, record=True)
    console.print(render_result(result))
    text = console.export_text()
    for internal in ("small_leg_raise", "toes_up", "knee_bent", "front_high"):
        assert internal not in text, internal
    assert "Small side-lying" in text and "foot turned up" in text and "knee bent" in text


def test_analyze_says_it_is_not_a_medical_device(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hipcoach.cli.app import app

    npz = Path(__file__).resolve().parents[1] / "data" / "corpus" / "B01_L_front.npz"
    out = CliRunner().invoke(app, ["analyze", str(npz), "-q"])
    assert out.exit_code == 0, out.output
    assert "not a medical device" in out.output

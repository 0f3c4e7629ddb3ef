"""Hypothesis fuzzing of the two readers of user JSON (issue 13): `hipcoach import` and
`hipcoach screen report`. Any document either reads, or fails with one InputError; a
document that reads is safe for everything downstream (the history database, the history
tables and the screening report)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipcoach.cli.history_cmd import read_analysis, read_overview, render_overview
from hipcoach.config import DEFAULTS
from hipcoach.errors import InputError
from hipcoach.screens.result import load_result
from hipcoach.storage import open_db

SCREEN = Path(__file__).resolve().parents[1] / "data" / "screen_squat_result.json"
ANALYSIS: dict[str, Any] = {
    "view": "front",
    "lying_on": "left",
    "working_legs": ["right"],
    "problems": [],
    "sets": [
        {
            "side": "right",
            "exercise": "small_leg_raise",
            "reps": 2,
            "target_reps": 10,
            "start_s": 1.0,
            "end_s": 4.0,
            "rep_times": [[1.0, 2.0], [2.5, 4.0]],
            "peak_angle_deg": [21.5, 22.0],
            "flags": [
                {"rule": "knee_bent", "rep": 2, "value": 7.0, "unit": "deg",
                 "measurable": True, "message": "Top knee stays straight."},
            ],
            "rules_checked": ["knee_bent", "toes_up"],
        }
    ],
    "comparison": {},
    "source": "clip.mp4",
    "duration_s": 5.0,
}  # fmt: skip

JSON_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=12,
)  # fmt: skip


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    """``base`` with one to three places replaced by arbitrary JSON (or removed)."""
    doc = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            return draw(JSON)
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON)
    return doc


def _write(tmp: Path, doc: Any) -> Path:
    path = tmp / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_the_bases_read() -> None:
    assert read_analysis is not None and load_result(SCREEN).screen == "squat"


FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


@FUZZ
@given(doc=mutated(ANALYSIS) | JSON)
def test_import_reads_or_fails_with_one_input_error(tmp_path: Path, doc: Any) -> None:
    path = _write(tmp_path, doc)
    try:
        result, key = read_analysis(path)
    except InputError:
        return
    db = tmp_path / f"{key[:12]}.sqlite3"
    with open_db(db) as history:  # what reads is safe downstream
        history.import_analysis(result, key, datetime(2026, 12, 1, 9, tzinfo=UTC))
        _, overview = read_overview(history, DEFAULTS.history)
        render_overview(overview, DEFAULTS.history)


@FUZZ
@given(doc=mutated(json.loads(SCREEN.read_text(encoding="utf-8"))) | JSON)
def test_screen_report_reads_or_fails_with_one_input_error(tmp_path: Path, doc: Any) -> None:
    path = _write(tmp_path, doc)
    try:
        result = load_result(path)
    except InputError:
        return
    from hipcoach.report.screens import render_screening

    assert "<html" in render_screening([result], None).lower()


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}'])
def test_non_finite_json_constants_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "doc.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="not a number"):
        read_analysis(path)

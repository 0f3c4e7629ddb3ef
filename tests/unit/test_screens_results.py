"""Screen JSON schema, the combined HTML report and the CLI (synthetic landmarks, no model)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hipcoach.cli.app import app
from hipcoach.errors import ConfigError, ScreenInconclusive
from hipcoach.report.screens import render_screening
from hipcoach.screens.result import ScreenResult, load_result
from hipcoach.screens.squat import screen_squat
from hipcoach.screens.stance import screen_stance
from hipcoach.sequence.io import save
from hipcoach.storage import open_db
from hipcoach.synth.standing import one_leg_stance, squats


def test_json_schema_round_trip(tmp_path: Path) -> None:
    r = screen_stance(one_leg_stance("right", drop_deg=6.0).sequence)
    data = json.loads(r.write_json(tmp_path / "s.json").read_text())
    assert {"screen", "finding", "reason", "per_side", "items", "stance_leg"} <= set(data)
    assert data["screen"] == "stance" and data["stance_leg"] == "right"
    assert set(data["per_side"]) == {"left", "right"}
    assert data["items"][0]["pelvic_drop_median_deg"] == pytest.approx(6.0, abs=2)
    again = load_result(tmp_path / "s.json")
    assert again.finding == r.finding and again.items[0]["hold_s"] == pytest.approx(
        r.items[0]["hold_s"]
    )


def test_inconclusive_json_says_why_and_has_no_nan(tmp_path: Path) -> None:
    r = screen_squat(one_leg_stance().sequence)
    text = r.write_json(tmp_path / "q.json").read_text()
    assert "NaN" not in text
    data = json.loads(text)
    assert data["finding"] == "inconclusive" and data["reason"] and data["fix"]
    assert "stance_leg" not in data


def test_bad_json_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="screen"):
        ScreenResult.from_dict({"screen": "jump", "finding": "positive", "reason": ""})


def test_report_escapes_and_says_not_a_diagnosis(tmp_path: Path) -> None:
    r = screen_squat(squats(3, adduction_deg=(10, 0), rotation_deg=(15, 0)).sequence)
    r.source = "<script>alert(1)</script>.mp4"
    html = render_screening([r], None, datetime(2026, 1, 1))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Not a diagnosis" in html and "No check answered yet" in html
    assert html.count('class="item-row"') == 3


def test_cli_screens_and_report(tmp_path: Path) -> None:
    runner = CliRunner()
    squat_npz, stance_npz = tmp_path / "squat.npz", tmp_path / "stance.npz"
    save(squats(3, adduction_deg=(10, 0), rotation_deg=(15, 0)).sequence, squat_npz)
    save(one_leg_stance("left").sequence, stance_npz)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    res = runner.invoke(
        app,
        ["screen", "squat", str(squat_npz), "--json", str(a), "--plot", str(tmp_path / "p.png")],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(a.read_text())["finding"] == "positive"
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
    res = runner.invoke(app, ["screen", "squat", str(stance_npz), "--json", str(b)])
    assert isinstance(res.exception, ScreenInconclusive) and res.exception.exit_code == 9
    assert json.loads(b.read_text())["finding"] == "inconclusive"
    db = tmp_path / "h.sqlite"
    with open_db(db) as store:
        store.add_answers("check", datetime(2026, 1, 2, tzinfo=UTC), {"low_back_tight": 2})
    out = tmp_path / "screening.html"
    res = runner.invoke(
        app, ["screen", "report", str(a), str(b), "--out", str(out), "--db", str(db)]
    )
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert html.count('class="card screen"') == 2 and "Latest hip and back check" in html
    assert "No check answered yet" not in html

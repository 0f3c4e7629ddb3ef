"""The HTML report in a real headless Chromium (Debian's /usr/bin/chromium via Playwright).

Checks that every chart loads, that the page asks for nothing from the network, and saves a
full-page screenshot to docs/screenshots/analysis-report.png for the documentation.
Never runs ``playwright install``: the browser comes from the system package ``chromium``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.analysis.evidence import RENDERED_ONLY
from hipcoach.exercises.routine import load_routine
from hipcoach.report import write_report
from hipcoach.synth.sidelying import SideLyingScript, generate
from tests.conftest import REPO
from tests.helpers.browser import open_in_chromium

pytestmark = pytest.mark.integration

SCREENSHOT = REPO / "docs" / "screenshots" / "analysis-report.png"

# A full series: the right leg reaches every target; the left leg is weaker (fewer reps,
# lower lifts) and turns the toes up late in its small raises and bends the knee in lifts.
SESSION: list[dict[str, Any]] = [
    {"kind": "rest", "s": 2.0}, {"kind": "small_leg_raise", "reps": 10},
    {"kind": "rest", "s": 3.0}, {"kind": "bicycle_sidekick", "reps": 5},
    {"kind": "rest", "s": 3.0}, {"kind": "big_leg_lift", "reps": 10},
    {"kind": "rest", "s": 3.0}, {"kind": "leg_circle", "direction": "ccw", "reps": 5},
    {"kind": "rest", "s": 2.0}, {"kind": "leg_circle", "direction": "cw", "reps": 5},
    {"kind": "rest", "s": 2.0}, {"kind": "switch_side"}, {"kind": "rest", "s": 2.0},
    {"kind": "small_leg_raise", "reps": 8, "peak_deg": 16.0,
     "toes_up_deg": {"deg": 35.0, "reps": [6, 7, 8]}},
    {"kind": "rest", "s": 3.0}, {"kind": "bicycle_sidekick", "reps": 5},
    {"kind": "rest", "s": 3.0},
    {"kind": "big_leg_lift", "reps": 7, "peak_deg": 36.0,
     "knee_bend_deg": {"deg": 30.0, "reps": [4, 5]}},
    {"kind": "rest", "s": 3.0}, {"kind": "leg_circle", "direction": "cw", "reps": 5},
    {"kind": "rest", "s": 2.0}, {"kind": "leg_circle", "direction": "ccw", "reps": 4},
    {"kind": "rest", "s": 2.0},
]  # fmt: skip


def _report(path: Path) -> Path:
    session = generate(
        SideLyingScript(segments=SESSION, side_lying_on="left", view="front", fps=30.0)
    )
    routine = load_routine()
    result, blocks = analyze_sequence(session.sequence, routine)
    result.source = "hip-series-session.mp4"
    assert len(result.sets) == 10
    when = datetime(2026, 1, 15, 9, 30)
    return write_report(result, blocks, session.sequence, routine, path, generated=when)


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    report = _report(tmp_path / "report.html")
    with open_in_chromium(report) as opened:
        images = opened.images()
        rows = opened.page.locator("tr.set-row").count()
        summaries = opened.page.locator("li.form-summary").all_inner_texts()
        title = opened.page.title()
        limits = opened.page.locator("#limits li").all_inner_texts()
        rep_rows = opened.page.locator("tr.rep-row").all_inner_texts()
        counted = (
            opened.page.locator(".stat", has_text="Reps counted").locator(".value").inner_text()
        )
        references = opened.page.locator("tr.set-row .reference").all_inner_texts()
        shot = opened.screenshot(SCREENSHOT, tmp_path / "r.png")
    assert shot.stat().st_size > 10_000
    assert len(images) == 4  # summary, asymmetry, one angle chart per side
    assert all(i["done"] and i["w"] > 0 and i["h"] > 0 and i["alt"] for i in images), images
    assert rows == 10
    assert len(summaries) == 10
    assert all("rules checked" in t or "not checked" in t for t in summaries), summaries
    assert not any(t.strip() == "no form faults seen" for t in summaries)
    assert "hip-series-session.mp4" in title
    assert limits[0] == RENDERED_ONLY and any("validation bodies" in x for x in limits)
    assert len(rep_rows) == int(counted)  # every counted rep has its row
    toes = [r.split("\t")[:2] for r in rep_rows if "Foot turned up:" in r]
    assert toes == [["6", "6"], ["6", "7"], ["6", "8"]]  # set 6, the injected reps
    assert len(references) == 10 and all("target" in r for r in references)
    assert opened.external_requests() == []
    assert SCREENSHOT.stat().st_size > 10_000


def test_withheld_counts_and_directions_show_as_not_measured(tmp_path: Path) -> None:
    """A set the view cannot count shows "not counted" with the reason, never a number."""
    session = generate(
        SideLyingScript(segments=SESSION[:9], side_lying_on="left", view="front", fps=30.0)
    )
    routine = load_routine()
    result, blocks = analyze_sequence(session.sequence, routine)
    reason = "the camera is turned too far toward your feet to count reps"
    result.sets[0].count_withheld = reason
    circles = [s for s in result.sets if s.direction is not None]
    circles[0].direction, circles[0].direction_withheld = None, "circle direction not measurable"
    path = write_report(result, blocks, session.sequence, routine, tmp_path / "r.html")
    with open_in_chromium(path) as opened:
        first = opened.page.locator("tr.set-row").first.inner_text()
        page = opened.page.content()
    assert "not counted" in first and reason in first
    assert f">{result.sets[0].reps} / " not in first
    assert "not measurable from this view" in page

"""The HTML report in a real headless Chromium (Debian's /usr/bin/chromium via Playwright).

Checks that every chart loads, that the page asks for nothing from the network, and saves a
full-page screenshot to docs/screenshots/analysis-report.png for the documentation.
Never runs ``playwright install``: the browser comes from the system package ``chromium``.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hipcoach.analysis.analyze import analyze_sequence
from hipcoach.exercises.routine import load_routine
from hipcoach.report import write_report
from hipcoach.synth.sidelying import SideLyingScript, generate
from tests.conftest import REPO

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
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
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install the Debian package 'chromium'")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    report = _report(tmp_path / "report.html")
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            page.goto(report.as_uri(), wait_until="load")
            images = page.evaluate(
                "() => Array.from(document.images).map(i => "
                "({w: i.naturalWidth, h: i.naturalHeight, done: i.complete, alt: i.alt}))"
            )
            rows = page.locator("tr.set-row").count()
            title = page.title()
            # The committed screenshot is refreshed only on request, so test runs leave the
            # work tree clean: HIPCOACH_UPDATE_SCREENSHOTS=1 python -m pytest ...
            shot = (
                SCREENSHOT if os.environ.get("HIPCOACH_UPDATE_SCREENSHOTS") else tmp_path / "r.png"
            )
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    assert len(images) == 4  # summary, asymmetry, one angle chart per side
    assert all(i["done"] and i["w"] > 0 and i["h"] > 0 and i["alt"] for i in images), images
    assert rows == 10
    assert "hip-series-session.mp4" in title
    external = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert external == []
    assert SCREENSHOT.stat().st_size > 10_000

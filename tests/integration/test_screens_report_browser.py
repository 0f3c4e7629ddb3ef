"""The combined screening report in real headless Chromium (Debian's /usr/bin/chromium).

Checks that every chart loads, that nothing is asked from the network and that each screen
shows its finding; the screenshot goes to docs/screenshots/screening-report.png only with
HIPCOACH_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from hipcoach.screens.gait import screen_gait
from hipcoach.screens.report import write_screening
from hipcoach.screens.squat import screen_squat
from hipcoach.screens.stance import screen_stance
from hipcoach.synth.standing import one_leg_stance, squats, walk_toward
from tests.conftest import REPO
from tests.helpers.browser import open_in_chromium

pytestmark = pytest.mark.integration
SCREENSHOT = REPO / "docs" / "screenshots" / "screening-report.png"


def test_screening_report_in_chromium(tmp_path: Path) -> None:
    results = [
        screen_squat(squats(3, adduction_deg=(10, 0), rotation_deg=(15, 0)).sequence),
        screen_stance(one_leg_stance("left", drop_deg=1.0).sequence),
        screen_gait(walk_toward(5).sequence),
    ]
    report = write_screening(results, tmp_path / "s.html", None, datetime(2026, 1, 15, 9, 30))
    with open_in_chromium(report) as opened:
        images = opened.images()
        badges = opened.page.locator(".badge").all_inner_texts()
        text = opened.page.inner_text("body")
        shot = opened.screenshot(SCREENSHOT, tmp_path / "s.png")
    assert badges == ["positive", "negative", "inconclusive"]
    assert len(images) == 3
    assert all(i["done"] and i["w"] > 0 and i["h"] > 0 and i["alt"] for i in images), images
    assert "Not a diagnosis" in text and "not enough steps" in text
    assert opened.external_requests() == []
    assert shot.stat().st_size > 10_000

"""The combined screening report in real headless Chromium (Debian's /usr/bin/chromium).

Checks that every chart loads, that nothing is asked from the network and that each screen
shows its finding in words ("cannot rule out" for the stance screen, which may never say
"negative"), with the values of quiet findings rendered grey; the screenshot goes to
docs/screenshots/screening-report.png only with HIPCOACH_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from hipcoach.report.screens import write_screening
from hipcoach.screens.gait import screen_gait
from hipcoach.screens.squat import screen_squat
from hipcoach.screens.stance import screen_stance
from hipcoach.synth.standing import StandingView, one_leg_stance, squats, walk_toward
from tests.conftest import REPO
from tests.helpers.browser import open_in_chromium

pytestmark = pytest.mark.integration
CELL_COLOURS_JS = (
    "() => Array.from(document.querySelectorAll('section.screen')).map(s => {"
    " const t = s.querySelector('table.sides');"
    " const td = t && t.querySelector('td');"
    " return {quiet: t.classList.contains('quiet'), td: td && getComputedStyle(td).color}; })"
)


def _grey(css: str) -> bool:
    """True for the light grey of values that are no reading (rgb channels high, near equal)."""
    r, g, b = (int(v) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return min(r, g, b) > 130 and max(r, g, b) - min(r, g, b) < 30


SCREENSHOT = REPO / "docs" / "screenshots" / "screening-report.png"


def test_screening_report_in_chromium(tmp_path: Path) -> None:
    results = [
        screen_squat(squats(3, adduction_deg=(10, 0), rotation_deg=(15, 0)).sequence),
        screen_stance(one_leg_stance("left", drop_deg=1.0).sequence),
        screen_gait(walk_toward(5).sequence),
        screen_squat(squats(3, view=StandingView(yaw_deg=35)).sequence),
    ]
    report = write_screening(results, tmp_path / "s.html", None, datetime(2026, 1, 15, 9, 30))
    with open_in_chromium(report) as opened:
        images = opened.images()
        badges = opened.page.locator(".badge").all_inner_texts()
        text = opened.page.inner_text("body")
        colours = opened.page.evaluate(CELL_COLOURS_JS)
        shot = opened.screenshot(SCREENSHOT, tmp_path / "s.png")
    assert badges == ["positive", "cannot rule out", "inconclusive", "inconclusive"]
    assert len(images) == 4
    assert all(i["done"] and i["w"] > 0 and i["h"] > 0 and i["alt"] for i in images), images
    assert "Not a diagnosis" in text and "not enough steps" in text
    assert "does not rule it out" in text and "What to do:" in text
    assert text.count("Greyed values are not readings") == 3
    for raw in ("fppa 3d", "fppa_", "_deg", "kasr", "(°)", "° °"):
        assert raw not in text.lower(), raw
    # per card: the item cells' colour; quiet findings grey, the positive squat dark
    dark, *quiet = colours
    assert dark["quiet"] is False and _grey(dark["td"]) is False
    assert [c["quiet"] for c in quiet] == [True, True, True]
    assert all(_grey(c["td"]) for c in quiet if c["td"]), quiet
    assert opened.external_requests() == []
    assert shot.stat().st_size > 10_000

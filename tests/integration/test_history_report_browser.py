"""The history report in a real headless Chromium (Debian's /usr/bin/chromium via Playwright).

Seeds three weeks of sessions (pain easing, form improving, a band added, one session
stopped for pain and a step back, a weaker left leg, two timer-counted sessions, a stored
check), then checks that every chart loads and is visible, that the page asks nothing from
the network, and screenshots it. With ``HIPCOACH_UPDATE_SCREENSHOTS=1`` the screenshot
replaces docs/screenshots/history-report.png. Never runs ``playwright install``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hipcoach.analysis.evidence import HISTORY_LIMITS
from hipcoach.config import HistorySettings
from hipcoach.history.overview import build_overview
from hipcoach.history.report import write_history_report
from hipcoach.history.stats import load_history
from hipcoach.storage import open_db
from tests.conftest import REPO
from tests.helpers.browser import open_in_chromium
from tests.helpers.history import seed_realistic

pytestmark = pytest.mark.integration

SCREENSHOT = REPO / "docs" / "screenshots" / "history-report.png"
TODAY = date(2026, 1, 21)


def _report(tmp_path: Path) -> Path:
    settings = HistorySettings()
    with open_db(tmp_path / "history.sqlite3") as h:
        seed_realistic(h, datetime(2026, 1, 21, 8, 0, tzinfo=UTC))
        data = load_history(h)
        latest = h.answers("check")[-1]
    overview = build_overview(data, settings, today=TODAY, tz=UTC)
    assert overview.progression.kind == "add_band"
    return write_history_report(
        overview,
        data,
        tmp_path / "history.html",
        settings,
        latest_check=latest,
        generated=datetime(2026, 1, 21, 20, 0),
        tz=UTC,
    )


def test_history_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    report = _report(tmp_path)
    with open_in_chromium(report) as opened:
        page = opened.page
        images = opened.images()
        headings = page.locator("figure h3").all_inner_texts()
        calendar_days = page.locator("#calendar td.has").count()
        sessions = page.locator("tr.session-row").count()
        painful = page.locator("tr.session-row.painful td").first.inner_text()
        next_step = page.locator("#progression .headline").inner_text()
        check = page.locator("#check").inner_text()
        marked = page.locator("#asymmetry th.painful").all_inner_texts()
        limits = page.locator("#limits li").all_inner_texts()
        refs = page.locator("#asymmetry .reference").all_inner_texts()
        safety = page.locator("#safety").inner_text()
        shot = opened.screenshot(SCREENSHOT, tmp_path / "h.png")
    assert headings == [
        "Pain per session",
        "Form score per session",
        "Left vs right (last 5 sessions)",
        "Band level",
    ]
    assert len(images) == 4
    for i in images:
        assert i["done"] and i["w"] > 400 and i["h"] > 150 and i["alt"], i
        assert i["visible"] and i["shown_w"] > 400 and i["shown_h"] > 100, i
    assert calendar_days == 18  # one session a day, 3 days missed in 3 weeks
    assert sessions == 18
    assert painful == "11"  # the session stopped for pain is highlighted
    assert next_step == "Ready for more: try band level 2"
    assert "What the answers suggest" in check and "not a diagnosis" in check
    assert [m.lower() for m in marked] == ["left leg (hurts)"]  # the side the check named
    assert limits == list(HISTORY_LIMITS)
    assert refs and all(r.startswith("target ") for r in refs)
    assert "not a medical device" in safety
    assert opened.external_requests() == []
    assert shot.stat().st_size > 50_000
    assert SCREENSHOT.stat().st_size > 50_000

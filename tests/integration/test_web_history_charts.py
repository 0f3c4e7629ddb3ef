"""The web history page's interactive charts in real headless Chromium (Debian's
/usr/bin/chromium via Playwright), served by uvicorn on 127.0.0.1 in a thread, with a
history of a few sessions on both legs: the charts are drawn, pointing at or focusing a
point shows its date and value, a legend button hides its series and shows it again, no
request leaves 127.0.0.1, nothing is logged (a CSP violation would be), and axe-core finds
no serious violation. ``HIPCOACH_UPDATE_SCREENSHOTS=1`` writes docs/web/history-charts.png.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO
from tests.helpers.browser import axe_serious, chromium
from tests.helpers.history import SessionSpec, add_session, full_series
from tests.helpers.webapp import running_server, web_config

pytestmark = pytest.mark.integration

SHOT = REPO / "docs" / "web" / "history-charts.png"
#: (before, max during, after) pain per session, one session a day.
PAIN = ((3, 4, 2), (2, 3, 1), (1, 2, 1), (1, 1, 0))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, list[str], list[str]]]:
    """The history page loaded and logged in; the requests and console errors it made."""
    pytest.importorskip("fastapi", reason='pip install -e ".[dev]"')
    from hipcoach.storage import open_db
    from hipcoach.web.server import free_port

    tmp = tmp_path_factory.mktemp("web-charts")
    config = web_config(tmp, port=free_port())
    start = datetime.now(UTC).replace(hour=18, minute=0) - timedelta(days=len(PAIN))
    with open_db(config.db_path) as h:
        for day, (before, during, after) in enumerate(PAIN):
            pain = {"before": [before], "during": [during], "after": [after]}
            spec = SessionSpec(start + timedelta(days=day), full_series(faults=2), day // 2, pain)
            add_session(h, spec)
    requests: list[str] = []
    errors: list[str] = []
    with running_server(config), chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.on("request", lambda r: requests.append(r.url))
        p = context.new_page()
        p.on("console", lambda m: errors.extend([m.text] if m.type == "error" else []))
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.goto(config.login_url)
        p.goto(config.url.rstrip("/") + "/history", wait_until="networkidle")
        yield p, requests, errors


def _readout(p: Any, chart: str) -> str:
    return str(p.locator(f"#chart-{chart} .chart-readout").inner_text())


def test_the_charts_are_drawn_with_a_point_per_value(page: Any) -> None:
    p, _, _ = page
    ids = p.eval_on_selector_all("figure.chart", "els => els.map(e => e.dataset.chart)")
    assert ids == ["pain", "form", "side-reps", "side-peak", "band"]
    assert p.locator("#chart-pain .chart-point").count() == 3 * len(PAIN)
    assert p.locator("#chart-side-reps .chart-point").count() == 2 * 5  # both legs x 5
    box = p.locator("#chart-pain svg.chart-svg").bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 100


def test_hovering_and_focusing_a_point_shows_its_date_and_value(page: Any) -> None:
    p, _, _ = page
    point = p.locator('#chart-pain g[data-series="pain-before"] .chart-point').first
    point.hover()
    text = _readout(p, "pain")
    assert "before: 3 / 10" in text
    assert text.split(" · ")[0] == point.get_attribute("data-readout").split(" · ")[0]
    assert point.locator("title").text_content() == point.get_attribute("data-readout")
    p.mouse.move(0, 0)  # out of the charts: a scroll must not put the pointer on a bar
    bar = p.locator('#chart-side-reps g[data-series="side-reps-left"] .chart-point').first
    bar.focus()
    assert _readout(p, "side-reps") == bar.get_attribute("data-readout")
    # 10 small leg raises a set x 4 sessions, with the exercise's name
    assert _readout(p, "side-reps") == "Small side-lying leg raises · left leg: 40 reps"
    p.keyboard.press("Tab")  # the next bar gets the focus, and its value is shown
    second = p.locator('#chart-side-reps g[data-series="side-reps-left"] .chart-point').nth(1)
    assert _readout(p, "side-reps") == second.get_attribute("data-readout")


def test_a_legend_button_hides_its_series_and_shows_it_again(page: Any) -> None:
    p, _, _ = page
    button = p.locator('#chart-side-peak button[data-series="side-peak-right"]')
    series = p.locator('#chart-side-peak g[data-series="side-peak-right"]')
    left = p.locator('#chart-side-peak g[data-series="side-peak-left"]')
    assert series.is_visible() and button.get_attribute("aria-pressed") == "true"
    button.click()
    assert button.get_attribute("aria-pressed") == "false"
    assert not series.is_visible() and left.is_visible()
    button.click()
    assert series.is_visible() and button.get_attribute("aria-pressed") == "true"


def test_the_page_stays_local_logs_nothing_and_passes_axe(page: Any, tmp_path: Path) -> None:
    p, requests, errors = page
    own = {urlsplit(r).hostname for r in requests}
    assert own == {"127.0.0.1"}
    assert errors == []  # a CSP violation would be logged here
    assert axe_serious(p, iframes=False) == []
    shot = SHOT if os.environ.get("HIPCOACH_UPDATE_SCREENSHOTS") else tmp_path / "charts.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    p.locator("h2#h-charts").scroll_into_view_if_needed()
    p.locator("section[aria-labelledby=h-charts]").screenshot(path=str(shot))

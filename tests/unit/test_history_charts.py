"""The history's SVG chart builder (hipcoach.history.charts): the points and values it draws
come from the stored sessions, both legs get a series, and every text is escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hipcoach.config import HistorySettings
from hipcoach.exercises.routine import load_routine
from hipcoach.history.charts import (
    ChartData,
    Point,
    Series,
    chart_svg,
    day_number,
    history_charts,
)
from hipcoach.history.overview import build_overview
from hipcoach.history.stats import load_history
from hipcoach.storage import open_db
from tests.helpers.history import SessionSpec, add_session, full_series

START = datetime(2026, 3, 2, 18, 30, tzinfo=UTC)


def _charts(tmp_path: Path) -> dict[str, ChartData]:
    with open_db(tmp_path / "h.sqlite3") as h:
        for day, (before, after) in enumerate(((3, 2), (2, 1), (1, 0))):
            pain = {"before": [before], "during": [before + 1], "after": [after]}
            add_session(h, SessionSpec(START + timedelta(days=day), full_series(), 1, pain))
        data = load_history(h)
    overview = build_overview(data, HistorySettings(), today=START.date() + timedelta(days=2))
    found = history_charts(overview.sessions, overview.asymmetry, load_routine(), HistorySettings())
    return {c.id: c for c in found}


def test_the_charts_hold_each_session_s_values(tmp_path: Path) -> None:
    charts = _charts(tmp_path)
    assert list(charts) == ["pain", "form", "side-reps", "side-peak", "band"]
    pain = {s.key: s for s in charts["pain"].series}
    assert [p.y for p in pain["before"].points] == [3.0, 2.0, 1.0]
    assert [p.y for p in pain["max_during"].points] == [4.0, 3.0, 2.0]
    assert [p.y for p in pain["after"].points] == [2.0, 1.0, 0.0]
    first = pain["before"].points[0]
    assert first.x == day_number(START.astimezone())
    assert first.readout.startswith(f"{START.astimezone():%a %d %b %H:%M}")
    assert first.readout.endswith("before: 3 / 10")
    assert [p.y for p in charts["band"].series[0].points] == [1.0, 1.0, 1.0]
    reps = {s.key: s for s in charts["side-reps"].series}
    assert set(reps) == {"left", "right"}
    assert reps["left"].points[0].value == "left leg: 30 reps"  # 10 reps x 3 sessions
    assert len(charts["side-reps"].categories) == len(reps["right"].points) == 5


def test_the_svg_has_a_focusable_titled_mark_per_point_and_a_legend_per_series(
    tmp_path: Path,
) -> None:
    chart = _charts(tmp_path)["pain"]
    html = str(chart_svg(chart))
    root = ET.fromstring(html)  # well-formed
    marks = [e for e in root.iter() if e.get("class") == "chart-point"]
    assert len(marks) == sum(len(s.points) for s in chart.series) == 9
    assert all(m.get("tabindex") == "0" and m.get("data-readout") for m in marks)
    assert all(m.find("title") is not None for m in marks)
    buttons = list(root.iter("button"))
    keys = ["pain-before", "pain-max_during", "pain-after"]
    assert [b.get("data-series") for b in buttons] == keys
    groups = [e.get("data-series") for e in root.iter("g") if e.get("class") == "chart-series"]
    assert groups == [b.get("data-series") for b in buttons]
    assert not re.search(r"\sstyle=|<script", html)  # nothing the CSP would block


def test_every_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & "quotes"'
    series = Series("k", evil, '"#fff" onclick="x"', (Point(0, 1.0, evil, evil),))
    chart = ChartData("c", evil, evil, evil, (0.0, 2.0), ((1.0, evil),), (series,), (evil,), evil)
    html = str(chart_svg(chart))
    assert "<script" not in html and 'onclick="x"' not in html
    root = ET.fromstring(html)
    mark = next(e for e in root.iter() if e.get("class") == "chart-point")
    assert mark.get("data-readout") == f"{evil} · {evil}"


def test_a_session_without_a_value_breaks_the_line_and_a_stop_is_named(tmp_path: Path) -> None:
    with open_db(tmp_path / "h.sqlite3") as h:
        add_session(h, SessionSpec(START, full_series(), 0, {"before": [2], "after": [1]}))
        add_session(h, SessionSpec(START + timedelta(days=1), full_series(), 0, {}))
        stopped = SessionSpec(START + timedelta(days=2), full_series(), 0, {"before": [1]})
        stopped.pain["during"], stopped.stop_reason = [6], "pain"
        add_session(h, stopped)
        data = load_history(h)
    overview = build_overview(data, HistorySettings(), today=START.date() + timedelta(days=2))
    chart = history_charts(overview.sessions, [], load_routine(), HistorySettings())[0]
    before = next(s for s in chart.series if s.key == "before")
    assert [(p.y, p.joined) for p in before.points] == [(2.0, True), (1.0, False)]
    assert before.points[1].label.endswith("(stopped: pain)")
    html = str(chart_svg(chart))
    path = re.search(r'data-series="pain-before"><path class="chart-line" d="([^"]+)"', html)
    assert path is not None and path.group(1).count("M") == 2  # no line across the gap
    assert 'class="chart-rule"' in html and ">ease off<" in html


def test_the_history_page_has_the_charts_and_its_frame_leaves_the_pngs_out(
    tmp_path: Path,
) -> None:
    from tests.helpers.webapp import client, web_config

    config = web_config(tmp_path)
    with open_db(config.db_path) as h:
        for day in range(3):
            spec = SessionSpec(START + timedelta(days=day), full_series(), 0, {"before": [1]})
            add_session(h, spec)
    c = client(config)
    page = c.get("/history").text
    assert page.count('<figure class="chart"') == 5
    assert '<script src="/static/js/charts.js" defer></script>' in page
    assert 'src="/history/report?charts=0"' in page
    assert c.get("/static/js/charts.js").status_code == 200
    assert c.get("/static/css/charts.css").status_code == 200
    assert "data:image/png" not in c.get("/history/report?charts=0").text
    assert "data:image/png" in c.get("/history/report").text

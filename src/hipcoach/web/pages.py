"""Rendering pages with the base layout, and the pages that read the history: today and
history. Templates are ``templates/*.html.j2``; every page extends ``base.html.j2``."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from functools import lru_cache
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from hipcoach.config import DEFAULTS
from hipcoach.history.charts import chart_svg, history_charts
from hipcoach.history.overview import Overview, build_overview
from hipcoach.history.progression import band_text
from hipcoach.history.stats import HistoryData, load_history
from hipcoach.storage import open_db
from hipcoach.web.config import WebConfig
from hipcoach.web.routine_file import load_user_routine

#: Plain words shown at the foot of every page.
DISCLAIMER = (
    "hipcoach is not a medical device. It does not diagnose or treat anything; "
    "stop if anything hurts and see a clinician about pain."
)
#: (path, label) of the navigation, in order.
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Today"),
    ("/session", "Guided session"),
    ("/history", "History"),
    ("/analyse", "Analyse a video"),
    ("/screens", "Screens"),
    ("/routine", "Routine"),
)
#: CSP for a stored report shown in a frame: no script at all; its own ``<style>`` blocks
#: (by hash) and ``style=`` attributes (the bar widths of its tables; they cannot run code).
REPORT_CSP = (
    "default-src 'none'; img-src data:; style-src {hashes}; style-src-elem {hashes}; "
    "style-src-attr 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)

router = APIRouter()


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The app's Jinja2 environment (templates from the package, autoescaped)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("hipcoach.web", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def config_of(request: Request) -> WebConfig:
    """The running server's :class:`WebConfig`."""
    config: WebConfig = request.app.state.config
    return config


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """``templates/<name>`` rendered with what the base layout needs (CSRF token, the
    navigation with the current page marked, the disclaimer)."""
    config = config_of(request)
    values = {
        "csrf_token": config.csrf_token,
        "nav": NAV,
        "current": request.url.path,
        "disclaimer": DISCLAIMER,
        "title": "",
        **(context or {}),
    }
    html = environment().get_template(name).render(**values)
    return HTMLResponse(html, status_code=status_code)


def report_response(html: str) -> HTMLResponse:
    """A stored, self-contained report (its own inline ``<style>``) as a page allowed in a
    frame of this app: its styles are allowed by hash, and no script can run."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S)
    ]
    csp = REPORT_CSP.format(hashes=" ".join(hashes) or "'none'")
    return HTMLResponse(html, headers={"content-security-policy": csp})


def read_history(config: WebConfig) -> tuple[HistoryData, Overview]:
    """The stored history and its statistics (streak, pain, next step...)."""
    with open_db(config.db_path) as store:
        data = load_history(store)
    return data, build_overview(data, DEFAULTS.history)


def pain_points(overview: Overview, last: int = 10) -> list[dict[str, Any]]:
    """The last sessions' pain before/after as bar heights (0-10), for the small chart."""
    return [
        {
            "day": f"{s.day:%d %b}",
            "before": s.pain.before,
            "after": s.pain.after,
            "worst": s.pain.worst,
        }
        for s in overview.sessions[-last:]
    ]


@router.get("/", response_class=HTMLResponse)
def today(request: Request) -> HTMLResponse:
    """Start the series, the streak, the pain trend and the next step."""
    _, overview = read_history(config_of(request))
    last = overview.sessions[-1] if overview.sessions else None
    return render(
        request,
        "today.html.j2",
        {
            "title": "Today",
            "overview": overview,
            "last": last,
            "band_now": band_text(last.band_level) if last else band_text(0),
            "pain": pain_points(overview),
            "done_today": bool(last and last.day == overview.today),
            "now": datetime.now().astimezone(),
        },
    )


def history_svgs(overview: Overview, config: WebConfig) -> list[Markup]:
    """The history's charts as interactive inline SVG figures (``static/js/charts.js``)."""
    routine = load_user_routine(config.routine_path)
    found = history_charts(overview.sessions, overview.asymmetry, routine, DEFAULTS.history)
    return [chart_svg(c) for c in found]


@router.get("/history", response_class=HTMLResponse)
def history(request: Request) -> HTMLResponse:
    """The streak, next step and interactive charts, then the history report's content
    (without its PNG charts) in a frame."""
    config = config_of(request)
    _, overview = read_history(config)
    return render(
        request,
        "history.html.j2",
        {
            "title": "History",
            "overview": overview,
            "pain": pain_points(overview, last=30),
            "charts": history_svgs(overview, config),
        },
    )


@router.get("/history/report", response_class=HTMLResponse)
def history_report(request: Request) -> HTMLResponse:
    """The same page ``hipcoach report`` writes (charts included), shown in the frame."""
    from hipcoach.history.report import render_history_report  # noqa: PLC0415 - matplotlib

    config = config_of(request)
    data, overview = read_history(config)
    with open_db(config.db_path) as store:
        checks = store.answers("check")
    html = render_history_report(
        overview,
        data,
        DEFAULTS.history,
        latest_check=checks[-1] if checks else None,
        with_charts=request.query_params.get("charts") != "0",
    )
    return report_response(html)

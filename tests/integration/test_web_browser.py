"""The web app (``hipcoach serve``) in real headless Chromium (Debian's /usr/bin/chromium via
Playwright; never ``playwright install``), served by uvicorn on 127.0.0.1 in a thread.

Every page renders with its heading and the not-a-medical-device line, asks nothing from
any other host, logs no error (a CSP violation would be one) and has no serious or critical
axe-core violation (axe-core vendored under tests/vendor, MPL-2.0). The token link sets the
cookie and leaves the address; an inline script is blocked; a page on another local port
can neither POST nor open a WebSocket; an uploaded clip is analysed (a hip series and a
squat screen) and a non-video is refused with a message. Screenshots go to docs/web/ with
``HIPCOACH_UPDATE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO
from tests.helpers.browser import axe_serious, chromium
from tests.helpers.history import seed_realistic
from tests.helpers.webapp import CLIPS, running_server, web_config

pytestmark = pytest.mark.integration

SHOTS = REPO / "docs" / "web"
PAGES = {
    "today": ("/", "Today"),
    "history": ("/history", "History"),
    "analyse": ("/analyse", "Analyse a video"),
    "screens": ("/screens", "Screens"),
    "routine": ("/routine", "Routine"),
}
HIP_CLIP = CLIPS / "rendered" / "faults_left_front.mp4"
SQUAT_CLIP = CLIPS / "rendered_standing" / "squat_valgus.mp4"


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    pytest.importorskip("fastapi", reason='pip install -e ".[dev]"')
    from hipcoach.storage import open_db
    from hipcoach.web.server import free_port

    tmp = tmp_path_factory.mktemp("web")
    config = web_config(tmp, port=free_port())
    with open_db(config.db_path) as h:
        seed_realistic(h, datetime.now(UTC) - timedelta(days=1))
    with running_server(config):
        yield config


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Visit:
    """A browser context logged in to the app, recording every request and console error."""

    def __init__(self, browser: Any, config: Any, *, login: bool = True) -> None:
        self.config = config
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        if login:
            self.page.goto(config.login_url)

    def elsewhere(self) -> list[str]:
        """Requests to anything but this app (another host, port or scheme)."""
        own = urlsplit(self.config.url).netloc
        return [u for u in self.requests if urlsplit(u).netloc != own or not u.startswith("http:")]

    def axe_serious(self) -> list[str]:
        """axe-core violations of impact serious or critical (the report frame excluded:
        the stored reports have their own tests)."""
        return axe_serious(self.page, iframes=False)

    def shot(self, name: str, scratch: Path) -> None:
        import os

        path = SHOTS / f"{name}.png" if os.environ.get("HIPCOACH_UPDATE_SCREENSHOTS") else scratch
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, app_server: Any) -> Iterator[Visit]:
    v = Visit(browser, app_server)
    yield v
    v.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_renders_offline_and_accessibly(visit: Visit, name: str, tmp_path: Path) -> None:
    path, heading = PAGES[name]
    response = visit.page.goto(visit.config.url.rstrip("/") + path, wait_until="networkidle")
    assert response is not None and response.status == 200
    assert heading in visit.page.locator("h1").first.inner_text()
    assert "not a medical device" in visit.page.locator("footer").inner_text()
    current = visit.page.locator('nav a[aria-current="page"]').inner_text()
    assert current == {"today": "Today"}.get(name, heading)
    if name == "history":
        frame = visit.page.frame_locator("iframe.report-frame")
        assert frame.locator("h1").first.inner_text()  # the history report loaded in the frame
    assert visit.elsewhere() == []
    assert visit.errors == []  # a CSP violation or a script error would be logged here
    assert visit.axe_serious() == []
    visit.shot(name, tmp_path / f"{name}.png")


def test_the_token_link_sets_the_cookie_and_leaves_the_address(
    browser: Any, app_server: Any
) -> None:
    v = Visit(browser, app_server, login=False)
    try:
        refused = v.page.goto(app_server.url)
        assert refused is not None and refused.status == 401
        assert "link" in v.page.locator("main").inner_text()
        v.page.goto(app_server.login_url)
        assert v.page.url == app_server.url  # the token is not left in the address bar
        (cookie,) = v.context.cookies()
        assert cookie["name"] == f"hipcoach_token_{app_server.port}" and cookie["httpOnly"]
        assert cookie["sameSite"] == "Strict"
        assert v.page.evaluate("document.cookie") == ""  # not readable by scripts
    finally:
        v.close()


def test_csp_blocks_an_inline_script_and_posts_need_the_csrf_token(visit: Visit) -> None:
    visit.page.goto(visit.config.url + "routine")
    visit.page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.body.appendChild(s); }"
    )
    assert visit.page.evaluate("window.injected") is None
    assert any("Content Security Policy" in e for e in visit.errors)
    status = visit.page.evaluate(
        "async (token) => (await fetch('/routine', {method: 'POST', headers: token ?"
        " {'X-CSRF-Token': token, 'Content-Type': 'application/json'} :"
        " {'Content-Type': 'application/json'}, body: '{}'})).status"
    , None)  # fmt: skip
    assert status == 403
    with_token = visit.page.evaluate(
        "async () => (await fetch('/routine', {method: 'POST', headers: {'X-CSRF-Token':"
        " hipcoach.csrf(), 'Content-Type': 'application/json'}, body: '{}'})).status"
    )
    assert with_token == 422  # past the CSRF check; the empty form is then refused


EVIL_PAGE = """<!doctype html><html><body><script>
const target = "http://127.0.0.1:{port}";
fetch(target + "/routine", {{method: "POST", mode: "no-cors", credentials: "include",
  headers: {{"Content-Type": "text/plain"}}, body: '{{"reps": {{}}, "band": 9}}'}});
const ws = new WebSocket("ws://127.0.0.1:{port}/ws/live");
ws.onopen = () => {{ document.title = "ws-open"; }};
ws.onclose = () => {{ document.title = "ws-closed"; }};
</script></body></html>"""


def test_a_page_from_another_local_port_can_neither_post_nor_open_a_websocket(
    visit: Visit, tmp_path: Path
) -> None:
    config = visit.config
    (tmp_path / "evil.html").write_text(EVIL_PAGE.format(port=config.port), encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        done: list[str] = []
        for event in ("requestfinished", "requestfailed"):
            visit.page.on(event, lambda r: done.append(r.url))
        visit.page.goto(f"http://127.0.0.1:{evil.server_address[1]}/evil.html")
        visit.page.wait_for_function("document.title !== ''", timeout=5000)
        assert visit.page.title() == "ws-closed"  # refused at the handshake, never opened
        visit.page.wait_for_timeout(200)
        assert any(u.endswith("/routine") for u in done)  # the POST was sent, with the cookie
    finally:
        evil.shutdown()
    from hipcoach.web.routine_file import preferred_band

    assert preferred_band(config.routine_path) != 9  # ... and refused: nothing was saved


def _upload(visit: Visit, page: str, clip: Path, choose: str | None = None) -> None:
    visit.page.goto(visit.config.url.rstrip("/") + page)
    if choose:
        visit.page.check(f'input[name="screen-kind"][value="{choose}"]')
    visit.page.set_input_files("#video-file", str(clip))
    visit.page.click("#upload-form button[type=submit]")


def test_an_uploaded_hip_series_clip_is_analysed(visit: Visit, tmp_path: Path) -> None:
    _upload(visit, "/analyse", HIP_CLIP)
    visit.page.wait_for_url("**/jobs/*")
    visit.page.wait_for_selector("#job-result:not(.hidden)", timeout=150_000)
    rows = visit.page.locator("#job-summary tbody tr")
    assert rows.count() >= 2
    assert "right" in rows.first.inner_text()  # lying on the left: the right leg works
    frame = visit.page.frame_locator("#job-report")
    assert "Hip series report" in frame.locator("h1").first.inner_text()
    visit.page.select_option("#pain-before", "2")
    visit.page.select_option("#pain-after", "1")
    visit.page.click("#keep-form button[type=submit]")
    status = visit.page.locator("#keep-status")
    status.filter(has_text="Kept in your history").wait_for(timeout=10_000)
    assert visit.elsewhere() == [] and visit.errors == []
    visit.shot("analysis-result", tmp_path / "analysis.png")
    from hipcoach.storage import open_db

    with open_db(visit.config.db_path) as h:
        (kept,) = [s for s in h.sessions() if s.source == HIP_CLIP.name]
        assert sorted(p.score for p in h.pain_scores() if p.session_id == kept.id) == [1, 2]
    assert visit.axe_serious() == []
    assert visit.page.locator("#keep-form button").is_disabled()  # kept once
    again = visit.page.evaluate(
        "async () => await hipcoach.postJSON(document.getElementById('keep-form').dataset.url,"
        " {band: 1})"
    )
    assert again == {"session": None, "already_kept": True}


def test_an_uploaded_squat_gets_a_finding_with_its_reason(visit: Visit, tmp_path: Path) -> None:
    _upload(visit, "/screens", SQUAT_CLIP, choose="squat")
    visit.page.wait_for_selector("#job-result:not(.hidden)", timeout=150_000)
    finding = visit.page.locator("#job-summary .finding").inner_text()
    assert finding  # positive / negative / inconclusive ..., as the screen says
    assert visit.page.locator("#job-summary p").nth(1).inner_text()  # the reason
    assert visit.elsewhere() == [] and visit.errors == []
    assert visit.axe_serious() == []
    visit.shot("screen-result", tmp_path / "screen.png")


def test_a_non_video_upload_or_a_path_outside_is_refused_with_a_message(
    visit: Visit, tmp_path: Path
) -> None:
    fake = tmp_path / "holiday.mp4"
    fake.write_text("these are my notes, not a video\n" * 10, encoding="utf-8")
    _upload(visit, "/analyse", fake)
    status = visit.page.locator("#upload-status")
    status.filter(has_text="Not analysed").wait_for(timeout=10_000)
    assert "not a video" in status.inner_text()
    assert "/jobs/" not in visit.page.url
    visit.page.fill("#video-path", str(CLIPS / ".." / ".." / "README.md"))
    visit.page.click("#path-form button[type=submit]")
    status.filter(has_text="outside the folders").wait_for(timeout=10_000)
    assert "/jobs/" not in visit.page.url


def test_a_video_without_a_person_says_so_with_the_fix(visit: Visit, tmp_path: Path) -> None:
    from tests.helpers.clips import gradient_painter, write_clip

    empty = write_clip(tmp_path / "empty room.mp4", [i / 30 for i in range(30)],
                       gradient_painter(160, 120))  # fmt: skip
    _upload(visit, "/analyse", empty)
    error = visit.page.locator("#job-error:not(.hidden)")
    error.wait_for(timeout=60_000)
    text = error.inner_text()
    assert "Not analysed:" in text and "What to do:" in text
    assert visit.page.locator("#job-result").is_hidden()
    assert visit.errors == []


def test_the_routine_page_saves_reps(visit: Visit) -> None:
    visit.page.goto(visit.config.url + "routine")
    visit.page.fill("#reps-big_leg_lift", "12")
    visit.page.fill("#band", "1")
    visit.page.click("#routine-form button[type=submit]")
    visit.page.locator("#routine-status").filter(has_text="Saved").wait_for(timeout=10_000)
    visit.page.reload()
    assert visit.page.input_value("#reps-big_leg_lift") == "12"
    assert visit.page.input_value("#band") == "1"

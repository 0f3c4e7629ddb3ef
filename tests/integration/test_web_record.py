"""The Screens page records the movement with the camera and sends it like an upload.

Its own module: Chromium needs a fake camera here, and Playwright's sync API allows one
browser driver at a time (the page tests keep theirs open for their module).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers.browser import FAKE_CAMERA_ARGS, chromium
from tests.helpers.webapp import running_server, web_config


def test_a_screen_recorded_with_the_camera_is_sent_and_judged(tmp_path: Path) -> None:
    """Chromium's synthetic camera picture has no person in it, so the job answers with
    what to change; the recording reached this app as the chosen screen, and nothing else
    was asked of any other host."""
    pytest.importorskip("fastapi", reason='pip install -e ".[dev]"')
    from hipcoach.web.server import free_port

    config = web_config(tmp_path, port=free_port())
    requests: list[str] = []
    errors: list[str] = []
    with running_server(config), chromium(*FAKE_CAMERA_ARGS) as browser:
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(config.login_url)  # the token link logs in
        page.goto(config.url.rstrip("/") + "/screens")
        page.check('input[name="screen-kind"][value="squat"]')
        page.click("#record-start")
        page.wait_for_timeout(2500)
        page.click("#record-stop")
        page.wait_for_url("**/jobs/*", timeout=30_000)
        page.locator("#job-error:not(.hidden), #job-result:not(.hidden)").first.wait_for(
            timeout=90_000
        )
    uploads = [u for u in requests if "/jobs/upload" in u]
    assert uploads and "name=recording.webm" in uploads[0] and "kind=squat" in uploads[0]
    own = urlsplit(config.url).netloc
    assert all(urlsplit(u).netloc == own for u in requests if u.startswith("http"))
    assert errors == []

"""The web app's security rules (issue 15), each shown to refuse what it must, in-process
(FastAPI's TestClient): token cookie, Host allow-list, CSRF, upload cap and sniffing, local
paths, WebSocket Origin, CSP, and clear errors instead of tracebacks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.webapp import CLIPS, client, web_config

pytest.importorskip("fastapi", reason='pip install -e ".[dev]"')

from fastapi import Depends, WebSocket
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from hipcoach.errors import ConfigError
from hipcoach.web.app import create_app
from hipcoach.web.security import (
    CSP,
    cookie_name,
    origin_allowed,
    require_websocket_origin,
)
from hipcoach.web.server import make_config

WEB = Path(__file__).resolve().parents[2] / "src" / "hipcoach" / "web"
CLIP = CLIPS / "rendered" / "faults_left_front.mp4"
HTML = {"accept": "text/html"}


@pytest.fixture
def config(tmp_path: Path, monkeypatch):
    """The app on temporary folders; jobs record their source instead of running the model
    (the real runs are in tests/integration/test_web_browser.py)."""
    started: list[tuple[str, Path]] = []
    monkeypatch.setattr(
        "hipcoach.web.media_pages.run_analysis",
        lambda job, source, *_: started.append(("analysis", source)),
    )
    monkeypatch.setattr(
        "hipcoach.web.media_pages.run_screen",
        lambda job, source, *_: started.append((job.kind, source)),
    )
    return web_config(tmp_path)


# ---------------------------------------------------------------------------- the token


def test_the_link_sets_an_httponly_strict_cookie_and_drops_the_token(config) -> None:
    c = client(config, login=False)
    r = c.get(f"/history?token={config.token}&x=1", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/history?x=1"
    cookie = r.headers["set-cookie"]
    assert f"hipcoach_token_{config.port}={config.token}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert c.get("/history", headers=HTML).status_code == 200  # the cookie now opens pages


@pytest.mark.parametrize("path", ["/", "/history", "/routine", "/static/css/app.css"])
def test_every_request_needs_the_token(config, path: str) -> None:
    c = client(config, login=False)
    r = c.get(path, headers=HTML)
    assert r.status_code == 401
    assert "link" in r.text and "Traceback" not in r.text
    c.cookies.set(cookie_name(config), "wrong" + config.token)
    assert c.get(path).status_code == 401
    assert c.get(f"{path}?token=nope").status_code == 401
    assert c.get(path).json()["fix"].startswith("open the link")


def test_each_server_has_its_own_token_and_cookie(tmp_path: Path) -> None:
    """Browsers keep cookies per host, not per port: a second server must neither log the
    first one out nor be opened by its cookie."""
    first, second = web_config(tmp_path, port=8765), web_config(tmp_path, port=8766)
    assert first.token != second.token
    assert cookie_name(first) != cookie_name(second)
    c = client(first, login=False)
    c.cookies.set(cookie_name(second), first.token)
    assert c.get("/").status_code == 401


# ---------------------------------------------------------------------------- Host


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "127.0.0.1:9999", "192.168.1.2:8765", ""]
)
def test_other_host_headers_are_refused(config, host: str) -> None:
    r = client(config).get("/", headers={"host": host})
    assert r.status_code == 400
    assert "127.0.0.1" in r.json()["error"]


def test_localhost_and_loopback_ip_are_accepted(config) -> None:
    c = client(config)
    for host in ("127.0.0.1:8765", "localhost:8765"):
        assert c.get("/", headers={"host": host}).status_code == 200


def test_serve_refuses_to_bind_beyond_loopback(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="other machines"):
        make_config(host="0.0.0.0", db_path=tmp_path / "h.sqlite3")


# ---------------------------------------------------------------------------- CSRF


def test_post_needs_the_csrf_header_and_the_apps_origin(config) -> None:
    c = client(config)
    body = {"reps": {"small_leg_raise": 12}, "band": 1}
    no_header = c.post("/routine", json=body, headers={"x-csrf-token": ""})
    assert no_header.status_code == 403 and "CSRF" in no_header.json()["error"]
    other_site = c.post("/routine", json=body, headers={"origin": "http://evil.example"})
    assert other_site.status_code == 403
    assert other_site.json()["error"].startswith("the request did not come from this app")
    no_origin = TestClient(c.app, base_url=config.url.rstrip("/"))
    no_origin.cookies.set(cookie_name(config), config.token)
    r = no_origin.post("/routine", json=body, headers={"x-csrf-token": config.csrf_token})
    assert r.status_code == 403
    assert not config.routine_path.exists()  # nothing was written by a refused request
    assert c.post("/routine", json=body).status_code == 200


def test_origin_check() -> None:
    hosts = {"127.0.0.1:8765", "localhost:8765"}
    assert origin_allowed("http://127.0.0.1:8765", hosts)
    assert origin_allowed("http://localhost:8765/analyse?x", hosts)
    for bad in (None, "", "null", "https://127.0.0.1:8765", "http://127.0.0.1:8766",
                "http://127.0.0.1:8765.evil.example", "http://evil.example"):  # fmt: skip
        assert not origin_allowed(bad, hosts)


# ---------------------------------------------------------------------------- WebSocket


def _ws_app(config):
    app = create_app(config)

    @app.websocket("/ws/test")
    async def echo(websocket: WebSocket, _: None = Depends(require_websocket_origin)) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    return app


def test_websocket_needs_the_token_and_the_apps_origin(config) -> None:
    c = TestClient(_ws_app(config), base_url=config.url.rstrip("/"))
    own = {"origin": config.url.rstrip("/")}
    url = config.url.replace("http:", "ws:") + "ws/test"
    for headers, cookie in (({"origin": "http://evil.example"}, True), ({}, True), (own, False)):
        c.cookies.clear()
        if cookie:
            c.cookies.set(cookie_name(config), config.token)
        with pytest.raises(WebSocketDisconnect), c.websocket_connect(url, headers=headers):
            pass
    c.cookies.set(cookie_name(config), config.token)
    with c.websocket_connect(url, headers=own) as ws:
        assert ws.receive_text() == "hello"


def test_the_websocket_dependency_refuses_by_itself(config) -> None:
    """The live route's own check (for a route mounted without the middleware)."""
    import asyncio
    from types import SimpleNamespace

    from fastapi import WebSocketException

    socket = SimpleNamespace(
        app=SimpleNamespace(state=SimpleNamespace(config=config)),
        headers={"origin": "http://evil.example"},
    )
    with pytest.raises(WebSocketException):
        asyncio.run(require_websocket_origin(socket))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- uploads


def test_an_upload_over_the_cap_is_refused(tmp_path: Path) -> None:
    config = web_config(tmp_path, max_upload_bytes=1000)
    c = client(config)
    declared = c.post("/jobs/upload?kind=analysis&name=a.mp4", content=b"\0" * 2000)
    assert declared.status_code == 413 and "over" in declared.json()["error"]

    def chunks():
        for _ in range(10):
            yield b"\0" * 500

    streamed = c.post("/jobs/upload?kind=analysis&name=a.mp4", content=chunks())
    assert streamed.status_code == 413
    assert not any((tmp_path / "web").rglob("*.mp4"))  # the partial file is gone


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("notes.txt", b"hello", "not a video file name"),
        ("clip.mp4", b"<html><script>alert(1)</script></html>" * 3, "not a video"),
        ("clip.mp4", b"", "empty"),
        ("clip.mp4", b"\0\0\0\x18ftypisom" + b"\x13" * 4000, "cannot read"),
        ("../../etc/clip.mov", b"#!/bin/sh\nrm -rf /\n", "not a video"),
    ],
)
def test_an_upload_must_be_a_video(config, name: str, data: bytes, why: str) -> None:
    r = client(config).post(f"/jobs/upload?kind=analysis&name={name}", content=data)
    assert r.status_code == 400, r.text
    assert why in r.json()["error"] and r.json()["fix"]
    assert not any(p.is_file() for p in config.work_dir.rglob("*"))


def test_an_upload_keeps_a_safe_form_of_its_name() -> None:
    from hipcoach.web.media import upload_name

    assert upload_name("my squat.MP4") == "my squat.mp4"
    assert upload_name("../../etc/x.mov") == "x.mov"
    assert upload_name("C:\\videos\\a;b$(c).webm") == "a_b__c_.webm"
    assert upload_name("..mp4.mp4") == "mp4.mp4"
    assert upload_name("...mp4") == "video.mp4"


def test_an_upload_starts_a_job(config) -> None:
    c = client(config)
    r = c.post("/jobs/upload?kind=squat&name=my squat.mp4", content=CLIP.read_bytes())
    assert r.status_code == 202
    job = r.json()
    assert c.get(job["progress"]).json()["name"] == "my squat.mp4"
    assert c.get(job["url"], headers=HTML).status_code == 200


# ---------------------------------------------------------------------------- local paths


def test_local_paths_stay_inside_the_allowed_folders(config, tmp_path: Path) -> None:
    c = client(config)
    videos = tmp_path / "videos"
    outside = tmp_path / "outside.mp4"
    outside.write_bytes(CLIP.read_bytes())
    (videos / "link.mp4").symlink_to(outside)
    cases = {
        f"{videos}/../outside.mp4": 403,
        f"{videos}/{'../' * 30}etc/passwd": 403,
        str(videos / "link.mp4"): 403,  # a link inside pointing outside
        "videos/clip.mp4": 400,  # not a full path
        str(videos / "missing.mp4"): 400,
        str(videos): 400,  # a folder
        "": 422,
    }
    for path, status in cases.items():
        r = c.post("/jobs/local", json={"kind": "analysis", "path": path})
        assert r.status_code == status, (path, r.text)
        assert "Traceback" not in r.text
    ok = c.post("/jobs/local", json={"kind": "analysis", "path": str(CLIP)})
    assert ok.status_code == 202


# ---------------------------------------------------------------------------- CSP, pages


@pytest.mark.parametrize("path", ["/", "/history", "/analyse", "/screens", "/routine", "/nope"])
def test_every_page_has_the_strict_csp_and_no_inline_script(config, path: str) -> None:
    r = client(config).get(path, headers=HTML)
    assert r.status_code == (404 if path == "/nope" else 200)
    csp = r.headers["content-security-policy"]
    assert csp == CSP
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)  # type: ignore[union-attr]
    assert script_src == "'self' 'wasm-unsafe-eval'"
    assert "unsafe-inline" not in csp and "unsafe-eval'" not in csp.replace("wasm-unsafe-eval", "")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "not a medical device" in r.text
    for tag in re.findall(r"<script[^>]*>", r.text):
        assert "src=" in tag
    assert not re.search(r"\son[a-z]+=", r.text) and " style=" not in r.text


def test_a_stored_report_may_style_itself_but_never_run_script(config) -> None:
    r = client(config).get("/history/report")
    csp = r.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp
    assert re.search(r"style-src 'sha256-[^']+'", csp)


def test_templates_and_static_files_name_no_other_host() -> None:
    offenders = []
    for path in [*WEB.rglob("*.j2"), *WEB.rglob("*.js"), *WEB.rglob("*.css")]:
        if "live" in path.relative_to(WEB).parts:
            continue  # the live page's files are checked by its own tests
        if re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(WEB)))
    assert not offenders


# ---------------------------------------------------------------------------- errors


def test_errors_are_one_clear_message_never_a_traceback(config, monkeypatch) -> None:
    c = client(config, login=True)
    assert c.get("/jobs/" + "0" * 32, headers=HTML).status_code == 404
    assert c.get("/jobs/../../etc/passwd").status_code == 404
    for probe in ("/static/../security.py", "/static/%2e%2e/security.py",
                  "/static/..%2f..%2fweb%2fsecurity.py", "/static/css/../../app.py"):  # fmt: skip
        r = c.get(probe)
        assert r.status_code == 404 and "SecurityMiddleware" not in r.text, probe
    bad = c.post("/routine", json={"reps": {"small_leg_raise": 0}, "band": 11})
    assert bad.status_code == 422 and "greater than or equal to 1" in bad.json()["error"]
    unknown = c.post("/routine", json={"reps": {"sit_up": 5}, "band": 0})
    assert unknown.status_code == 400 and "sit_up" in unknown.json()["error"]

    def broken(_config):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("hipcoach.web.pages.read_history", broken)
    c2 = TestClient(c.app, base_url=config.url.rstrip("/"), raise_server_exceptions=False)
    c2.cookies.set(cookie_name(config), config.token)
    r = c2.get("/", headers=HTML)
    assert r.status_code == 500
    assert "unexpected error (RuntimeError)" in r.text and "Traceback" not in r.text


def test_the_routine_page_saves_reps_and_band(config) -> None:
    from hipcoach.exercises.routine import load_routine

    c = client(config)
    r = c.post("/routine", json={"reps": {"small_leg_raise": 14, "leg_circle_cw": 6}, "band": 2})
    assert r.status_code == 200
    saved = load_routine(config.routine_path)
    assert saved.exercise("small_leg_raise").target_reps == 14
    assert saved.exercise("leg_circle_cw").target_reps == 6
    assert saved.exercise("big_leg_lift").target_reps == 10
    assert "# " in config.routine_path.read_text(encoding="utf-8")  # comments kept
    page = c.get("/routine", headers=HTML).text
    assert 'value="14"' in page and 'id="band"' in page and 'value="2"' in page


def test_an_uploaded_video_is_removed_once_analysed_and_old_jobs_at_start(config) -> None:
    import time

    c = client(config)
    job = c.post("/jobs/upload?kind=analysis&name=a.mp4", content=CLIP.read_bytes()).json()
    deadline = time.monotonic() + 10
    while c.get(job["progress"]).json()["state"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    folder = config.work_dir / "jobs" / job["id"]
    assert folder.is_dir() and not list(folder.glob("*.mp4"))
    keep = c.post(job["url"] + "/keep", json={"pain_before": 11})
    assert keep.status_code == 422  # pain is 0-10
    assert c.post("/jobs/" + "f" * 32 + "/keep", json={}).status_code == 404
    client(config)  # a new server on the same folders: the old job's folder is removed
    assert not folder.exists()


def test_a_damaged_history_is_a_message_with_the_fix(config) -> None:
    config.db_path.write_bytes(b"this is not a database" * 100)
    r = client(config).get("/", headers=HTML)
    assert r.status_code == 500
    assert "damaged" in r.text and "What to do" in r.text and "Traceback" not in r.text

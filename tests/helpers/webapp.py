"""The web app for tests: a config on temporary folders, an in-process client that passes
the token, Host and CSRF checks like the app's own pages, and a real server in a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

CLIPS = REPO / "tests" / "data"


def web_config(tmp: Path, port: int = 8765, **changes: Any) -> Any:
    """A :class:`WebConfig` whose history, routine and uploads live under ``tmp``; local
    paths may point into ``tmp`` and the repository's test clips."""
    pytest.importorskip("fastapi", reason='pip install -e ".[dev]"')
    from hipcoach.web.server import make_config

    config = make_config(
        port=port,
        db_path=tmp / "history.sqlite3",
        work_dir=tmp / "web",
        routine_path=tmp / "config" / "routine.toml",
        media_roots=(tmp / "videos", CLIPS),
    )
    (tmp / "videos").mkdir(exist_ok=True)
    return replace(config, **changes) if changes else config


def client(config: Any, *, login: bool = True) -> Any:
    """A TestClient for ``create_app(config)`` at the app's own address; with ``login``
    it holds the token cookie and sends the page's Origin and CSRF header on POST."""
    from fastapi.testclient import TestClient

    from hipcoach.web.app import create_app
    from hipcoach.web.security import cookie_name

    c = TestClient(create_app(config), base_url=config.url.rstrip("/"))
    if login:
        c.cookies.set(cookie_name(config), config.token)
        c.headers.update({"origin": config.url.rstrip("/"), "x-csrf-token": config.csrf_token})
    return c


@contextmanager
def running_server(config: Any) -> Iterator[Any]:
    """``create_app(config)`` served by uvicorn in a thread on ``config.port``."""
    import uvicorn

    from hipcoach.web.app import create_app

    app = create_app(config)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=config.port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield app
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.jobs.shutdown()

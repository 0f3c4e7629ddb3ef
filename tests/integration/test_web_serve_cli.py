"""`hipcoach serve` as a user runs it: the printed link logs in, Ctrl-C stops it cleanly,
and a busy port or a non-loopback host is one line with the fix (exit 5)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
pytest.importorskip("fastapi", reason='pip install -e ".[dev]"')

HIPCOACH = [sys.executable, "-m", "hipcoach"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers={"cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def test_serve_prints_a_link_that_logs_in_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "HIPCOACH_DB": str(tmp_path / "history.sqlite3")}
    proc = subprocess.Popen(
        [*HIPCOACH, "serve", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        url = ""
        while not url.startswith("http://127.0.0.1:"):
            assert time.monotonic() < deadline, "no link printed"
            url = proc.stdout.readline().strip()
        assert "?token=" in url
        status, headers = _get(url)  # the link is printed once the server listens
        assert status == 303 and headers["location"] == "/"
        cookie = headers["set-cookie"].split(";")[0]
        assert _get(url.split("?")[0], cookie)[0] == 200
        assert _get(url.split("?")[0])[0] == 401
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


def test_a_busy_port_or_an_open_host_is_one_line_with_the_fix() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        taken = subprocess.run(
            [*HIPCOACH, "serve", "--no-browser", "--port", str(port)],
            check=False, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert taken.returncode == 5
    assert f"port {port}" in taken.stderr and "--port 0" in taken.stderr
    assert "Open this link" not in taken.stdout
    opened = subprocess.run(
        [*HIPCOACH, "serve", "--no-browser", "--host", "0.0.0.0"],
        check=False, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert opened.returncode == 5 and "other machines" in opened.stderr

"""Run the web app with uvicorn on 127.0.0.1: :func:`serve` (``hipcoach serve``)."""

from __future__ import annotations

import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hipcoach.errors import ConfigError
from hipcoach.storage.db import default_db_path
from hipcoach.web.config import (
    DEFAULT_MAX_UPLOAD_BYTES,
    LOOPBACK_HOSTS,
    WebConfig,
    bundled_data_dir,
    new_token,
)

if TYPE_CHECKING:
    import uvicorn

DEFAULT_PORT = 8765


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on now (for tests and ``--port 0``)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def make_config(
    *,
    port: int = DEFAULT_PORT,
    host: str = "127.0.0.1",
    db_path: Path | None = None,
    work_dir: Path | None = None,
    routine_path: Path | None = None,
    media_roots: tuple[Path, ...] | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
) -> WebConfig:
    """A :class:`WebConfig` with a new token and the user's folders by default: the
    routine file beside the history database, uploads in its ``web`` folder, local paths
    from the home folder (and the bundled sample). Only loopback hosts are allowed."""
    if host not in LOOPBACK_HOSTS:
        raise ConfigError(
            f"--host {host} would open the app to other machines",
            fix="use 127.0.0.1 (the default) or localhost",
        )
    if port == 0:
        port = free_port(host)
    data_dir = (db_path or default_db_path()).parent
    return WebConfig(
        token=new_token(),
        port=port,
        host=host,
        db_path=db_path,
        work_dir=work_dir or data_dir / "web",
        routine_path=routine_path or data_dir / "routine.toml",
        media_roots=media_roots or (Path.home(), bundled_data_dir()),
        max_upload_bytes=max_upload_bytes,
    )


def serve(
    config: WebConfig,
    *,
    open_browser: bool = True,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve until Ctrl-C: say the link with the token (``announce``), open it in the
    browser unless told not to."""
    import uvicorn  # noqa: PLC0415 - only when serving

    from hipcoach.web.app import create_app  # noqa: PLC0415

    app = create_app(config)
    server = uvicorn.Server(
        uvicorn.Config(app, host=config.host, port=config.port, log_level="warning")
    )
    _check_port_free(config)
    threading.Thread(
        target=_when_started, args=(server, config, announce, open_browser), daemon=True
    ).start()
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn stopped on Ctrl-C and passed the signal on
        announce("stopped")
    finally:
        app.state.jobs.shutdown()


def _when_started(
    server: uvicorn.Server, config: WebConfig, announce: Callable[[str], None], open_browser: bool
) -> None:
    """Once the server listens: the link, and the browser opened on it."""
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.05)
    announce("hipcoach is running on this computer only. Open this link (Ctrl-C stops it):")
    announce(config.login_url)
    if open_browser:
        webbrowser.open(config.login_url)


def _check_port_free(config: WebConfig) -> None:
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    with socket.socket(family) as sock:
        try:
            sock.bind((config.host, config.port))
        except OSError as exc:
            raise ConfigError(
                f"port {config.port} on {config.host} is in use ({exc.strerror})",
                fix="pass another --port, or --port 0 for any free port",
            ) from exc

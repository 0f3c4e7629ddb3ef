"""The web app's settings: one frozen :class:`WebConfig` per running server."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

#: Uploads larger than this are refused (413) before they are written out.
DEFAULT_MAX_UPLOAD_BYTES = 500_000_000
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def new_token() -> str:
    """A fresh random token (printed in the link, as Jupyter does)."""
    return secrets.token_urlsafe(32)


def bundled_data_dir() -> Path:
    """The package's own data folder (the demo clip), always allowed as a local path."""
    return Path(str(resources.files("hipcoach") / "data"))


@dataclass(frozen=True)
class WebConfig:
    """Everything one server needs; ``app.state.config`` in every route.

    ``db_path`` None: the default history database (``$HIPCOACH_DB`` or the user data
    folder). ``routine_path``: the user's own routine file (the bundled routine is used
    while it does not exist; the routine page writes it). ``work_dir``: scratch folder for
    uploads and job outputs. ``media_roots``: folders a "local path" may point into.
    """

    token: str
    port: int
    work_dir: Path
    routine_path: Path
    host: str = "127.0.0.1"
    db_path: Path | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    media_roots: tuple[Path, ...] = field(default_factory=tuple)
    model: str = "lite"

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """``Host`` header values accepted (DNS rebinding guard): loopback names + port."""
        names = {"127.0.0.1", "localhost", self.host}
        return frozenset(f"[{n}]:{self.port}" if ":" in n else f"{n}:{self.port}" for n in names)

    @property
    def csrf_token(self) -> str:
        """The token pages send back in ``X-CSRF-Token`` (derived, so the page never
        holds the login token itself)."""
        return hmac.new(self.token.encode(), b"csrf", hashlib.sha256).hexdigest()

    @property
    def url(self) -> str:
        """The app's address (no token)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def login_url(self) -> str:
        """The link to print and open: the address with the token."""
        return f"{self.url}?token={self.token}"

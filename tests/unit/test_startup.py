"""`hipcoach --help` answers without loading the heavy libraries (issue 14, lazy imports):
a deterministic check of what the help imports, not a timing (benchmarks/startup.py times
it against `python -c "import typer"`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    *("scipy", "mediapipe", "matplotlib", "cv2", "av", "jinja2", "sklearn", "numpy"),
    *("fastapi", "starlette", "uvicorn"),
)

PROBE = """
import sys
from hipcoach.cli.app import main
sys.argv = ["hipcoach", *{args!r}, "--help"]
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print("HEAVY:" + ",".join(heavy))
"""


@pytest.mark.parametrize(
    "args", [[], ["pose"], ["analyze"], ["import"], ["session"], ["screen", "squat"], ["serve"]]
)
def test_help_loads_no_heavy_library(args: list[str]) -> None:
    code = PROBE.format(args=args, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("HEAVY:"))
    assert line == "HEAVY:", line

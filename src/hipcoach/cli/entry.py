"""The console entry point, kept free of heavy imports so that Ctrl-C works from the start.

Ctrl-C policy (README, exit code 130): the first press stops the work and hipcoach saves
what was done (partial landmarks, sets already stored), then prints one line. Further
presses while it saves are held (one note says so); a fourth press quits at once without
saving. A press before any work started (while the program loads) prints one line too.
"""

from __future__ import annotations

import os
import signal
import sys
import warnings
from types import FrameType

INTERRUPTED_LINE = b"error: interrupted (Ctrl-C) before any work was done; nothing was written\n"
HOLDING_LINE = b"still saving what was done; press Ctrl-C twice more to quit without saving\n"
QUIT_LINE = b"error: interrupted again; quit without saving\n"
EXIT_INTERRUPTED = 130


class CtrlC:
    """SIGINT handler: the first press raises KeyboardInterrupt, later ones are held."""

    def __init__(self) -> None:
        self.presses = 0

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.presses += 1
        if self.presses == 1:
            raise KeyboardInterrupt
        if self.presses == 2:
            os.write(2, HOLDING_LINE)
        elif self.presses >= 4:
            os.write(2, QUIT_LINE)
            os._exit(EXIT_INTERRUPTED)


HANDLER = CtrlC()


def main() -> None:
    """Run ``hipcoach`` (see :func:`hipcoach.cli.app.main`) with the Ctrl-C policy above."""
    if not os.environ.get("HIPCOACH_DEBUG"):
        # numpy's "All-NaN slice" and the like are not actionable for a user; the tests run
        # the CLI with every warning recorded and fail on any (tests/helpers/bad_input.py)
        warnings.simplefilter("ignore", RuntimeWarning)
    try:
        signal.signal(signal.SIGINT, HANDLER)
        from hipcoach.cli.app import main as run  # noqa: PLC0415 - after the handler

        run()
    except KeyboardInterrupt:
        os.write(2, INTERRUPTED_LINE)
        _exit_interrupted()
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED:
            _exit_interrupted()
        raise
    finally:
        # The work is done and reported: a press while the interpreter shuts down (Python
        # restores the default handler then, which would kill it silently) is ignored.
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _exit_interrupted() -> None:
    """Exit 130 now. What was done is saved and reported; the normal shutdown is skipped
    because CPython re-kills itself with SIGINT (no exit code, no line) when a Ctrl-C hit
    code run through ``PyRun_String`` (pybind11 modules do) even though it was handled."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)

"""The bad-input harness: run the command line in-process and check what a user would see.

:func:`run_cli` calls the real ``main()`` (the function behind the ``hipcoach`` script, minus
its Ctrl-C wrapper) with ``sys.argv`` set, capturing stdout, stderr and every Python warning.
:func:`check_outcome` asserts the contract of issue 13: the expected exit code (one the README
lists), exactly one ``error:`` line naming the cause, no traceback, no warning a user would
see, and every file that existed before byte-identical afterwards with no temporary file left.
The crafted files themselves are made by the functions below, never stored.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import traceback
import warnings
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

README_CODES = {0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 130}
QUIET_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning)


@dataclass
class Outcome:
    """What one run showed."""

    code: int
    stdout: str
    stderr: str
    warnings: list[str]

    @property
    def errors(self) -> list[str]:
        """The ``error:`` lines on stderr."""
        return [ln for ln in self.stderr.splitlines() if ln.startswith("error:")]


def run_cli(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Outcome:
    """Run ``hipcoach ARGS`` in this process (stdin empty), as the console script does."""
    from hipcoach.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    saved_argv, saved_stdin, saved_cwd = sys.argv, sys.stdin, Path.cwd()
    saved_env = {k: os.environ.get(k) for k in (env or {})}
    sys.argv, sys.stdin = ["hipcoach", *args], io.StringIO("")
    os.environ.update(env or {})
    os.chdir(cwd)
    code: int
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with redirect_stdout(out), redirect_stderr(err):
                try:
                    main()
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
                except BaseException:  # noqa: BLE001 - the harness reports any escape
                    err.write("Traceback (escaped main):\n" + traceback.format_exc())
                    code = -1
    finally:
        sys.argv, sys.stdin = saved_argv, saved_stdin
        os.chdir(saved_cwd)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    shown = [
        f"{w.category.__name__}: {w.message}"
        for w in caught
        if not issubclass(w.category, QUIET_WARNINGS)
    ]
    return Outcome(code, out.getvalue(), err.getvalue(), shown)


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every regular file under ``root`` (symlinks and FIFOs by their target name)."""
    digests: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            digests[rel] = "link:" + os.readlink(path)
        elif path.is_fifo():
            digests[rel] = "fifo"
        elif path.is_file():
            digests[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def check_outcome(
    outcome: Outcome, code: int, text: str, before: dict[str, str], after: dict[str, str]
) -> None:
    """The issue-13 contract for one bad input (see the module docstring)."""
    shown = outcome.stdout + outcome.stderr
    assert "Traceback" not in shown, shown
    assert outcome.code in README_CODES, (outcome.code, shown)
    assert outcome.code == code, (outcome.code, shown)
    assert not outcome.warnings, outcome.warnings
    if code not in (0, 9, 10):
        assert len(outcome.errors) == 1, outcome.stderr
        assert text.lower() in outcome.errors[0].lower(), outcome.stderr
        assert "[Errno" not in outcome.errors[0], outcome.errors[0]
    elif text:
        assert text.lower() in shown.lower(), shown
    changed = {k: v for k, v in before.items() if after.get(k) != v}
    assert not changed, f"user files changed or vanished: {sorted(changed)}"
    temps = [k for k in after if ".tmp" in Path(k).name]
    assert not temps, f"temporary files left: {temps}"


# ------------------------------------------------------------------ crafted landmark files
def write_npz(path: Path, **arrays: Any) -> Path:
    """A ``.npz`` with exactly these arrays (no pickles)."""
    with path.open("wb") as fh:
        np.savez(fh, allow_pickle=False, **arrays)
    return path


def npz_arrays(path: Path) -> dict[str, Any]:
    """Every array of a real ``.npz`` (to mutate one)."""
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def huge_header_npz(path: Path, base: Path) -> Path:
    """A real file whose ``world`` header asks for ~400 GiB (the data are 400 bytes)."""
    arrays = npz_arrays(base)
    dtype = arrays["world"].dtype
    write_npz(path, **{k: v for k, v in arrays.items() if k != "world"})
    buf = io.BytesIO()
    header = {
        "descr": np.lib.format.dtype_to_descr(dtype),
        "fortran_order": False,
        "shape": (1_000_000_000, 33, 3),
    }
    np.lib.format.write_array_header_1_0(buf, header)
    buf.write(np.zeros((1, 33, 3), dtype).tobytes())
    with zipfile.ZipFile(path, "a") as zout:
        zout.writestr("world.npy", buf.getvalue())
    return path


def provenance_with(base: Path, path: Path, text: str) -> Path:
    """A copy of ``base`` whose provenance JSON is ``text``."""
    arrays = npz_arrays(base)
    arrays["provenance"] = np.array(text)
    return write_npz(path, **arrays)


def analysis_with(base: dict[str, Any], path: Path, **changes: Any) -> Path:
    """An analysis JSON: ``base`` with top-level or first-set fields changed."""
    data = json.loads(json.dumps(base))
    for key, value in changes.items():
        if key.startswith("set_"):
            data["sets"][0][key[4:]] = value
        else:
            data[key] = value
    path.write_text(json.dumps(data, allow_nan=True), encoding="utf-8")
    return path

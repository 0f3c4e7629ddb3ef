"""The user's routine file, as the routine page edits it: the target reps of each exercise
are changed in the TOML text (comments and everything else are kept), the result is checked
by the routine loader (:func:`hipcoach.exercises.routine.parse_routine`) and written
atomically (:func:`hipcoach.files.write_text`). The band level is not part of the routine
file's schema, so it is kept beside it in ``preferences.json``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hipcoach.errors import ConfigError
from hipcoach.exercises.routine import BUNDLED_NAME, Routine, parse_routine
from hipcoach.exercises.toml_errors import read_data_file
from hipcoach.files import write_text

PREFERENCES = "preferences.json"
MAX_BAND = 10
_TABLE = re.compile(r"^\s*\[\[?[^\]]+\]\]?\s*(#.*)?$")
_ID = re.compile(r'^\s*id\s*=\s*"([^"]+)"')
_REPS = re.compile(r"^(\s*target_reps\s*=\s*)(\d+)(.*)$")


def routine_text(path: Path) -> tuple[str, str]:
    """The text of the user's routine file (the bundled one while ``path`` does not exist)
    and its name for messages."""
    return read_data_file(path if path.exists() else None, BUNDLED_NAME, "routine")


def load_user_routine(path: Path) -> Routine:
    """The user's routine (checked), or the bundled one while ``path`` does not exist."""
    text, source = routine_text(path)
    return parse_routine(text, source)


def with_target_reps(text: str, reps: dict[str, int]) -> str:
    """``text`` with ``target_reps`` of each exercise in ``reps`` (by id) replaced."""
    lines = text.splitlines(keepends=True)
    current: str | None = None
    in_exercise = False
    for i, line in enumerate(lines):
        if _TABLE.match(line):
            in_exercise = line.strip().startswith("[[exercise]]")
            current = None
            continue
        found = _ID.match(line)
        if in_exercise and found:
            current = found.group(1)
            continue
        match = _REPS.match(line.rstrip("\r\n"))
        if in_exercise and current in reps and match:
            end = line[len(line.rstrip("\r\n")) :]
            lines[i] = f"{match.group(1)}{int(reps[current])}{match.group(3)}{end}"
    return "".join(lines)


def save_target_reps(path: Path, reps: dict[str, int]) -> Routine:
    """Write the user's routine with new target reps (checked first: nothing is written when
    the result is not a valid routine, ConfigError names the line and field)."""
    text, _ = routine_text(path)
    known = {e.id for e in parse_routine(text, path.name).exercises}
    unknown = sorted(set(reps) - known)
    if unknown:
        raise ConfigError(f"no exercise {', '.join(unknown)} in the routine", fix="reload the page")
    new_text = with_target_reps(text, reps)
    routine = parse_routine(new_text, path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, new_text)
    return routine


def preferences_path(routine_path: Path) -> Path:
    """Where the band level is kept: beside the routine file."""
    return routine_path.with_name(PREFERENCES)


def preferred_band(routine_path: Path) -> int | None:
    """The band level saved on the routine page (None: never saved, or unreadable)."""
    try:
        data = json.loads(preferences_path(routine_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    band = data.get("band_level") if isinstance(data, dict) else None
    return band if isinstance(band, int) and 0 <= band <= MAX_BAND else None


def save_band(routine_path: Path, band: int) -> None:
    """Keep the band level (0 = none .. 10) for the next sessions."""
    if not 0 <= band <= MAX_BAND:
        raise ConfigError(f"band level {band} is not 0-{MAX_BAND}", fix="choose 0 (no band) to 10")
    target = preferences_path(routine_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, json.dumps({"band_level": band}, indent=2) + "\n")

"""Strict loading of coach-editable TOML data files into pydantic models, with errors that
name the file, the line and the key (``exercise[2].rep_high_deg``) and how to fix it."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from hipcoach.errors import ConfigError
from hipcoach.exercises.toml_lines import Loc, TomlLineIndex
from hipcoach.files import path_problem

ModelT = TypeVar("ModelT", bound=BaseModel)
_TOML_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)")


class LocatedValueError(ValueError):
    """A validation failure that knows which key (relative to the validated model) is wrong."""

    def __init__(self, loc: Loc, message: str) -> None:
        super().__init__(message)
        self.loc = loc


def field_path(loc: Sequence[str | int]) -> str:
    """``("exercise", 2, "rep_high_deg")`` -> ``"exercise[2].rep_high_deg"``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def describe(error: ErrorDetails) -> tuple[Loc, str]:
    """Full data location and a short message for one pydantic error."""
    loc: Loc = tuple(error["loc"])
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, LocatedValueError):
        return (*loc, *cause.loc), str(cause)
    if isinstance(cause, Exception):
        return loc, str(cause)
    if error["type"] == "extra_forbidden":
        return loc, "unknown key"
    if error["type"] == "missing":
        return loc, "required key is missing"
    value = error.get("input")
    got = f" (got {value!r})" if isinstance(value, str | int | float) else ""
    return loc, f"{error['msg']}{got}"


def validation_error(text: str, source: str, exc: ValidationError, fix: str) -> ConfigError:
    """The first validation failure as "FILE line N: key: message" (and how many more)."""
    index = TomlLineIndex(text)
    found = []
    for error in exc.errors():
        loc, message = describe(error)
        found.append((index.line_of(loc), field_path(loc), message))
    line, field, message = found[0]
    text_out = f"{source} line {line}: {field}: {message}"
    if len(found) > 1:
        more = "; ".join(f"line {n}: {f}" for n, f, _ in found[1:4])
        text_out += f" (also {len(found) - 1} more: {more}{'; ...' if len(found) > 4 else ''})"
    return ConfigError(text_out, fix=fix)


def syntax_error(text: str, source: str, exc: tomllib.TOMLDecodeError, fix: str) -> ConfigError:
    """A TOML syntax error with its line, column and the key it is under."""
    raw = str(exc)
    match = _TOML_AT.search(raw)
    reason = _TOML_AT.sub("", raw)
    if match is not None and match.group(1) is not None:
        line, where = int(match.group(1)), f" at column {match.group(2)}"
    else:
        line, where = max(1, len(text.rstrip("\n").split("\n"))), " at the end of the file"
    field = field_path(TomlLineIndex(text).path_at(line))
    return ConfigError(
        f"{source} line {line}: {field}: TOML syntax error{where}: {reason}", fix=fix
    )


def parse_model(text: str, source: str, model: type[ModelT], fix: str) -> ModelT:
    """Parse TOML ``text`` and validate it as ``model``; ``source`` names it in errors.

    Raises:
        ConfigError: on a TOML syntax error or any validation failure (file, line, key).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise syntax_error(text, source, exc, fix) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(text, source, exc, fix) from exc


def read_data_file(path: Path | None, bundled: str, what: str) -> tuple[str, str]:
    """The text of a data file and its name for messages: ``path``, or when None the
    bundled file ``bundled`` of :mod:`hipcoach.exercises`. ``what`` names it in errors
    ("routine", "questionnaire")."""
    if path is None:
        source = bundled
        resource = resources.files("hipcoach.exercises").joinpath(bundled)
    else:
        source, resource = str(path), Path(path)
        problem = path_problem(resource)  # a folder, a FIFO (would hang), a link loop...
        if problem is not None:
            raise ConfigError(
                f"the {what} file: {problem}",
                fix=f"give the path of a .toml file, or omit it to use the bundled {what} file",
            )
        if resource.stat().st_size > 1_000_000:
            raise ConfigError(
                f"{source}: the {what} file is over 1 MB, not a {what}",
                fix=f"give the path of a .toml file, or omit it to use the bundled {what} file",
            )
    try:
        return resource.read_text(encoding="utf-8"), source
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else exc.strerror
        raise ConfigError(
            f"{source}: cannot read the {what} file ({reason or type(exc).__name__})",
            fix=f"check the path, or omit it to use the bundled {what} file",
        ) from exc

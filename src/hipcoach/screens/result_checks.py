"""Checks of a screen result read from a file (``hipcoach screen report``).

A screen JSON may have been edited or crafted: every part the report draws or prints is
checked here for the shape and range ``ScreenResult.to_dict`` writes, so the report never
meets a list where it expects a number. Each failure is a ``ValueError`` naming the field.
"""

from __future__ import annotations

import math
from typing import Any

from hipcoach.types import SIDES

MAX_TEXT = 2_000
MAX_ITEMS = 1_000
MAX_SERIES = 200_000
MAX_VALUE = 1e6  # degrees, seconds, ratios and pixels are all far below this

Scalar = str | int | float | bool | None


def _scalar(value: Any, where: str) -> Scalar:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if not math.isfinite(value) or abs(value) > MAX_VALUE:
            raise ValueError(f"{where} must be a finite number within +-{MAX_VALUE:g}")
        return value
    if isinstance(value, str):
        return text(value, where)
    raise ValueError(f"{where} must be a number, a text, true/false or null")


def text(value: Any, where: str) -> str:
    """A printable text of at most 2000 characters (new lines allowed)."""
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValueError(f"{where} must be a text of at most {MAX_TEXT} characters")
    if not value.replace("\n", " ").isprintable():
        raise ValueError(f"{where} holds control characters")
    return value


def _plain(value: Any, where: str) -> Scalar | list[Scalar]:
    if isinstance(value, list):
        if len(value) > 100:
            raise ValueError(f"{where} must be a short list")
        return [_scalar(v, where) for v in value]
    return _scalar(value, where)


def flat(value: Any, where: str) -> dict[str, Any]:
    """An object of plain values (numbers, texts, true/false, null, short lists of them)."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_ITEMS:
        raise ValueError(f"{where} must be an object of plain values")
    return {text(k, where): _plain(v, f"{where}.{k}") for k, v in value.items()}


def per_side(value: Any) -> dict[str, dict[str, Any]]:
    """``per_side``: an object per side of plain values."""
    if value is None:
        value = {}
    if not isinstance(value, dict) or set(value) - set(SIDES):
        raise ValueError("'per_side' must be an object with 'left' and 'right'")
    return {s: flat(value.get(s), f"per_side.{s}") for s in SIDES}


def items(value: Any) -> list[dict[str, Any]]:
    """``items``: a list of objects of plain values."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise ValueError(f"'items' must be a list of at most {MAX_ITEMS} objects")
    return [flat(v, f"items[{i}]") for i, v in enumerate(value)]


def numbers(value: Any, where: str) -> dict[str, float]:
    """An object of finite numbers (``thresholds``)."""
    out = flat(value, where)
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in out.values()):
        raise ValueError(f"{where} must hold numbers only")
    return {k: float(v) for k, v in out.items() if isinstance(v, int | float)}


def series(value: Any) -> dict[str, list[float]]:
    """``series``: equally long lists of finite numbers or null (null read as NaN)."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 100:
        raise ValueError("'series' must be an object of number lists")
    out: dict[str, list[float]] = {}
    for key, values in value.items():
        if not isinstance(values, list) or len(values) > MAX_SERIES:
            raise ValueError(f"series.{key} must be a list of numbers")
        row = [_scalar(v, f"series.{key}") for v in values]
        if any(isinstance(v, str | bool) for v in row):
            raise ValueError(f"series.{key} must hold numbers or null")
        out[text(key, "series")] = [math.nan if v is None else float(v) for v in row]
    if len({len(v) for v in out.values()}) > 1:
        raise ValueError("the lists of 'series' must be equally long")
    return out


def warnings(value: Any) -> list[str]:
    """``warnings``: a list of texts."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 100:
        raise ValueError("'warnings' must be a list of texts")
    return [text(w, "warnings") for w in value]


def duration(value: Any) -> float:
    """``duration_s``: seconds, 0 to one day."""
    number = _scalar(value or 0.0, "duration_s")
    if isinstance(number, str | bool) or number is None or not 0 <= number <= 86_400:
        raise ValueError("'duration_s' must be seconds within 0-86400")
    return float(number)

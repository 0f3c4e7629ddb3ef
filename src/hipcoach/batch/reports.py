"""Placeholder, replaced below."""

from __future__ import annotations

from pathlib import Path

from hipcoach.batch.outcome import JobOutcome
from hipcoach.batch.plan import Job


def write_reports(
    out: Path, jobs: list[Job], outcomes: list[JobOutcome], *, pdf: bool
) -> tuple[list[Path], list[str]]:
    return [], []

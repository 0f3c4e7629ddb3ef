"""Text from files (imported exercise names, notes, file names) is shown literally: no Rich
markup, no terminal control characters, no matplotlib mathtext."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from hipcoach.analysis.result import AnalysisResult, SetResult
from hipcoach.cli.history_cmd import asymmetry_table, read_overview, sessions_table
from hipcoach.cli.ui import plain
from hipcoach.config import DEFAULTS
from hipcoach.exercises.routine import load_routine
from hipcoach.history.plots import asymmetry_png
from hipcoach.report.plots import plot_label
from hipcoach.storage.db import open_db

NASTY = ["[/red]", "[link=http://x]click[/link]", "\x1b[31mred\x1b[0m", "$\\foo{$"]


def _analysis(name: str, side: str) -> AnalysisResult:
    s = SetResult(side, name, 5, 1.0, 9.0, [(1.0 + k, 1.8 + k) for k in range(5)], [20.0] * 5)  # type: ignore[arg-type]
    return AnalysisResult("front", "left", [s], source="x.mp4", duration_s=10.0)


def test_plain_drops_markup_meaning_and_control_characters() -> None:
    for text in NASTY:
        out = plain(text).plain
        assert "\x1b" not in out
        console = Console(width=200, record=True)
        console.print(plain(text))
        assert console.export_text().strip() == text.replace("\x1b", "")


def test_history_tables_and_chart_survive_nasty_exercise_names(tmp_path: Path) -> None:
    history = open_db(tmp_path / "h.db")
    when = datetime(2026, 12, 1, 9, tzinfo=UTC)
    # import refuses unknown exercise names; a database written otherwise (an older
    # version, a crafted file) may still hold them, and must still print safely
    for k, name in enumerate(NASTY):
        for side in ("left", "right"):
            history.import_analysis(_analysis(name, side), f"{k}{side}", when)
    _, overview = read_overview(history, DEFAULTS.history)
    console = Console(width=200, record=True)
    console.print(sessions_table(overview, 10))
    console.print(asymmetry_table(overview))
    text = console.export_text()
    assert "[link=http://x]click[/link]" in text and "$\\foo{$" in text
    png = asymmetry_png(overview.asymmetry, load_routine())
    assert png is None or png[:4] == b"\x89PNG"
    assert plot_label("$\\foo{$") == "\\$\\foo{\\$"

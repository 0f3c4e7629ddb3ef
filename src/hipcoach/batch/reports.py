"""The driver's shared outputs: a report per client (HTML, and PDF through Chromium) and
one overview of all clients (``overview.csv`` one row per client, ``videos.csv`` one row
per video with its status and reason, ``overview.html`` both tables).

Every page is deterministic (no "made at" clock time): a re-run whose results did not
change leaves the files, and their PDFs, as they are; two runs with the same results give
the same bytes, whatever the engine or the number of workers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Final

from hipcoach import __version__
from hipcoach.analysis.evidence import HISTORY_LIMITS, MEASURED
from hipcoach.batch.checks import CheckOnFile
from hipcoach.batch.outcome import JobOutcome
from hipcoach.batch.pdf import PdfError, find_chromium, print_pdf
from hipcoach.batch.summaries import ClientSummary, summarise
from hipcoach.exercises.routine import load_routine
from hipcoach.files import write_text
from hipcoach.report.figures import figure, html_environment, png_bytes, style_axes
from hipcoach.report.html import data_uri
from hipcoach.screens.result import NOT_A_DIAGNOSIS

CLIENT_COLUMNS: Final = (
    "client",
    "sessions",
    "first_date",
    "last_date",
    "latest_reps",
    "latest_target",
    "latest_fault_reps",
    "latest_left_reps",
    "latest_right_reps",
    "latest_left_vs_right",
    "squat",
    "stance",
    "gait",
    "videos_not_used",
)
VIDEO_COLUMNS: Final = ("client", "date", "video", "kind", "status", "reason", "output")
_LEFT, _RIGHT = "#ff8c00", "#00aaff"  # the leg colours of every hipcoach chart


def _template(name: str) -> str:
    return resources.files("hipcoach.batch").joinpath(name).read_text(encoding="utf-8")


def client_cells(c: ClientSummary) -> dict[str, str]:
    """The client's row of ``overview.csv`` (text cells; "" where there is nothing)."""
    latest = c.latest
    screens = {s.screen: f"{s.label} ({s.date})" for s in c.latest_screens()}
    dates = c.dates
    return {
        "client": c.client,
        "sessions": str(len(c.sessions)),
        "first_date": dates[0] if dates else "",
        "last_date": dates[-1] if dates else "",
        "latest_reps": str(latest.reps) if latest else "",
        "latest_target": str(latest.target) if latest else "",
        "latest_fault_reps": str(latest.fault_reps) if latest else "",
        "latest_left_reps": str(latest.left_reps) if latest else "",
        "latest_right_reps": str(latest.right_reps) if latest else "",
        "latest_left_vs_right": latest.sides if latest else "",
        "squat": screens.get("squat", ""),
        "stance": screens.get("stance", ""),
        "gait": screens.get("gait", ""),
        "videos_not_used": str(len(c.problems)),
    }


def reps_chart(c: ClientSummary) -> str | None:
    """Counted reps per session, left and right, against the target (a ``data:`` PNG)."""
    if not c.sessions:
        return None
    x = list(range(len(c.sessions)))
    with figure(7.5, 2.8) as fig:
        ax = fig.add_subplot()
        ax.bar(
            [i - 0.2 for i in x],
            [s.left_reps for s in c.sessions],
            0.4,
            color=_LEFT,
            label="left leg",
        )
        ax.bar(
            [i + 0.2 for i in x],
            [s.right_reps for s in c.sessions],
            0.4,
            color=_RIGHT,
            label="right leg",
        )
        targets = [(i - 0.2, s.left_target) for i, s in enumerate(c.sessions)]
        targets += [(i + 0.2, s.right_target) for i, s in enumerate(c.sessions)]
        shown = [(xi, t) for xi, t in targets if t]
        ax.plot([xi for xi, _ in shown], [t for _, t in shown], "k_", markersize=20, label="target")
        ax.set_xticks(x, [f"{s.date}\n{s.video}" for s in c.sessions], fontsize=7)
        ax.set_ylabel("reps")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
        style_axes(ax)
        return data_uri(png_bytes(fig))


def render_client(c: ClientSummary, disclaimer: str, check: CheckOnFile | None = None) -> str:
    """The client report's HTML (``check``: the client's latest check, or why none)."""
    return (
        html_environment()
        .from_string(_template("client.html.j2"))
        .render(
            c=c,
            check=check or CheckOnFile(None, "No check on file."),
            chart=reps_chart(c),
            style=_template("style.css.j2"),
            version=__version__,
            disclaimer=disclaimer,
            not_a_diagnosis=NOT_A_DIAGNOSIS,
            limits=HISTORY_LIMITS,
            accuracy_measured=MEASURED,
        )
    )


def _video_rows(outcomes: Sequence[JobOutcome]) -> list[dict[str, str]]:
    rows = []
    for o in sorted(outcomes, key=lambda o: (o.client, o.date, Path(o.video).name)):
        rows.append(
            {
                "client": o.client,
                "date": o.date,
                "video": Path(o.video).name,
                "kind": o.kind,
                "status": o.status,
                "reason": o.reason,
                "output": o.outputs.get("html", ""),
            }
        )
    return rows


def _csv(columns: Sequence[str], rows: Sequence[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def render_overview(
    clients: Sequence[ClientSummary], outcomes: Sequence[JobOutcome], disclaimer: str, pdf: bool
) -> str:
    """The overview page: one row per client, then one per video."""
    rows = [{"client": c.client, "cells": list(client_cells(c).values())[1:]} for c in clients]
    videos = [{**v, "link": v["output"]} for v in _video_rows(outcomes)]
    return (
        html_environment()
        .from_string(_template("overview.html.j2"))
        .render(
            rows=rows,
            client_headers=[h.replace("_", " ") for h in CLIENT_COLUMNS],
            videos=videos,
            failed=sum(o.status == "failed" for o in outcomes),
            pdf=pdf,
            style=_template("style.css.j2"),
            version=__version__,
            disclaimer=disclaimer,
        )
    )


def _write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless ``path`` holds it already; True when it was written."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, text)
    return True


def _print_pdfs(pages: list[Path], workers: int) -> list[str]:
    """Print each page to PDF beside it (``workers`` at a time); the warnings."""
    if not pages:
        return []
    chromium = find_chromium()
    if chromium is None:
        return ["no Chromium found: client reports are HTML only (install chromium for PDF)"]

    def one(page: Path) -> str | None:
        try:
            print_pdf(page, page.with_suffix(".pdf"), chromium)
        except PdfError as exc:
            return str(exc)
        return None

    with ThreadPoolExecutor(max(1, workers)) as pool:
        return [w for w in pool.map(one, pages) if w]


def write_reports(
    out: Path,
    outcomes: Sequence[JobOutcome],
    routine_path: Path | None = None,
    *,
    pdf: bool = True,
    workers: int = 1,
    checks: dict[str, CheckOnFile] | None = None,
) -> tuple[list[Path], list[str]]:
    """Write the client reports (with each client's latest check from ``checks``) and the
    overview; returns (files written, warnings)."""
    routine = load_routine(routine_path)
    disclaimer = str(routine.safety.not_medical_device)
    clients = summarise(out, list(outcomes), routine)
    written: list[Path] = []
    to_print: list[Path] = []
    for c in clients:
        page = out / c.client / "report.html"
        check = (checks or {}).get(c.client)
        changed = _write_if_changed(page, render_client(c, disclaimer, check))
        written.append(page)
        if pdf and (changed or not page.with_suffix(".pdf").is_file()):
            to_print.append(page)
    warnings = _print_pdfs(to_print, workers)
    if pdf:
        written += [p.with_suffix(".pdf") for p in to_print if p.with_suffix(".pdf").is_file()]
    files = {
        "overview.csv": _csv(CLIENT_COLUMNS, [client_cells(c) for c in clients]),
        "videos.csv": _csv(VIDEO_COLUMNS, _video_rows(outcomes)),
        "overview.html": render_overview(clients, outcomes, disclaimer, pdf),
    }
    for name, text in files.items():
        _write_if_changed(out / name, text)
        written.append(out / name)
    return written, warnings

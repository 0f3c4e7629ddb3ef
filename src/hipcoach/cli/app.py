"""Entry point: ``hipcoach`` sub-commands. Errors become one line and an exit code."""

from __future__ import annotations

import math
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from hipcoach import __version__
from hipcoach.cli.options import ModelOpt, settings_for
from hipcoach.cli.screen_app import screen_app
from hipcoach.cli.ui import DISCLAIMER, console, plain, print_error, print_warning
from hipcoach.config import DEFAULTS
from hipcoach.errors import ConfigError, HipcoachError
from hipcoach.files import check_outputs
from hipcoach.storage.db import database_files

if TYPE_CHECKING:
    from rich.table import Table

    from hipcoach.cli.analyze_cmd import AnalyzeOutput
    from hipcoach.extract import ExtractionResult

# Commands import what they run inside their bodies (PLC0415 below): `hipcoach --help`
# must not load scipy, mediapipe or matplotlib (docs/performance.md, start-up).

app = typer.Typer(
    name="hipcoach",
    help="Offline camera coach for the side-lying hip series. " + DISCLAIMER,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: wraps, and no "<bool>" next to flags
)

app.add_typer(screen_app, name="screen")


def _summary(result: ExtractionResult, title: str) -> Table:
    from rich.table import Table  # noqa: PLC0415

    seq = result.sequence
    table = Table(title=title, show_header=False)
    table.add_row("source", seq.provenance.source)
    table.add_row(
        "frames", f"{len(seq)} over {seq.duration_s:.2f} s (median {seq.median_fps:.2f} fps)"
    )
    table.add_row("size", f"{seq.width}x{seq.height} px, rotation {seq.provenance.rotation_deg}°")
    table.add_row("person detected", f"{seq.detection_rate:.1%} of frames")
    table.add_row("model", f"{seq.provenance.model} ({seq.provenance.model_sha256[:12]})")
    speed = len(seq) / result.wall_s if result.wall_s > 0 else float("nan")
    table.add_row("speed", f"{speed:.1f} frames/s end to end")
    return table


def _positive(value: float | None) -> float | None:
    """A positive, finite number of seconds (else a usage error, exit 2)."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"must be a positive number of seconds, got {value}")
    return value


@app.command()
def pose(
    source: Annotated[
        str,
        typer.Argument(
            help="Video file, folder of frames, or webcam index (e.g. 0).", metavar="SOURCE"
        ),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Save landmarks: .npz, .csv or .trc.")
    ] = None,
    overlay: Annotated[
        Path | None, typer.Option(help="Write a video with the skeleton drawn (.mp4).")
    ] = None,
    model: ModelOpt = DEFAULTS.pose.model,
    max_people: Annotated[
        int | None, typer.Option(help="People the model looks for (1-8).")
    ] = None,
    max_seconds: Annotated[
        float | None,
        typer.Option(help="Stop after this many seconds of video (> 0).", callback=_positive),
    ] = None,
    allow_partial_body: Annotated[
        bool, typer.Option(help="Warn instead of failing when the body is partly out of frame.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Threads for a video of 10 s or more, split in time (default: every core).",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Find the exerciser's 33 body landmarks in every frame of a video."""
    from hipcoach.cli.pose_cmd import PoseJob, run_pose  # noqa: PLC0415

    check_outputs([source], {"--out": out, "--overlay": overlay})
    job = PoseJob(
        source=source,
        out=out,
        overlay=overlay,
        settings=settings_for(model, max_people),
        show_progress=not quiet,
        max_duration_s=max_seconds,
        allow_partial_body=allow_partial_body,
        workers=workers,
    )
    result = run_pose(job)
    console.print(_summary(result, "hipcoach pose"))
    if out:
        console.print(f"landmarks saved to [bold]{out}[/]")
    if overlay:
        console.print(f"overlay video saved to [bold]{overlay}[/]")


ThumbnailsOpt = Annotated[
    bool,
    typer.Option(
        "--thumbnails",
        help="Put a small picture of each rep (with the skeleton) into the --report. "
        "Off by default: they are pictures of you.",
    ),
]


@app.command()
def analyze(
    source: Annotated[
        str,
        typer.Argument(
            help="Video of the hip series, or landmarks (.npz) saved by `hipcoach pose`.",
            metavar="SOURCE",
        ),
    ],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the result as JSON.")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Write a self-contained HTML report with charts (FILE.html)."
        ),
    ] = None,
    overlay: Annotated[
        Path | None,
        typer.Option(
            "--overlay",
            help="Write the video with the skeleton, exercise, rep count and cues (OUT.mp4).",
        ),
    ] = None,
    landmarks: Annotated[
        Path | None, typer.Option(help="Also save the landmarks (.npz/.csv/.trc).")
    ] = None,
    routine: Annotated[
        Path | None, typer.Option(help="Routine file (default: the bundled hip series).")
    ] = None,
    model: ModelOpt = DEFAULTS.pose.model,
    thumbnails: ThumbnailsOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Count reps per side and exercise of the side-lying hip series, and check form."""
    from hipcoach.cli.analyze_cmd import AnalyzeJob, run_analyze, write_outputs  # noqa: PLC0415

    if thumbnails and report is None:
        raise typer.BadParameter("--thumbnails needs --report FILE.html", param_hint="--thumbnails")
    outputs = {"--json": json_out, "--report": report, "--overlay": overlay}
    check_outputs([source, *([routine] if routine else [])], {**outputs, "--landmarks": landmarks})
    job = AnalyzeJob(
        source=source,
        settings=settings_for(model),
        routine_path=routine,
        landmarks_out=landmarks,
        show_progress=not quiet,
        thumbnails=thumbnails,
    )
    result = run_analyze(job)
    written = write_outputs(result, job, json_out=json_out, report=report, overlay=overlay)
    _show_analysis(result, written)


def _show_analysis(result: AnalyzeOutput, written: list[tuple[str, Path]]) -> None:
    """Print the analysis table and the files written; no set found raises NoExerciseError."""
    from hipcoach.analysis.analyze import NO_EXERCISE  # noqa: PLC0415
    from hipcoach.analysis.view import FIX_PLACEMENT  # noqa: PLC0415
    from hipcoach.cli.analyze_cmd import render_result  # noqa: PLC0415
    from hipcoach.errors import NoExerciseError  # noqa: PLC0415

    if result.result.sets:
        console.print(render_result(result.result, result.routine))
        console.print(f"[dim]{DISCLAIMER}[/]")
    for what, path in written:
        console.print(f"{what} written to [bold]{path}[/]")
    if not result.result.sets:
        why = [p for p in result.result.problems if p != NO_EXERCISE]
        raise NoExerciseError(NO_EXERCISE + (f": {why[0]}" if why else ""), fix=FIX_PLACEMENT)


DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="History database (default: $HIPCOACH_DB or the user data folder)."),
]


@app.command("import")
def import_(
    analysis: Annotated[
        list[Path],
        typer.Argument(help="JSON files from `hipcoach analyze --json`.", metavar="FILE"),
    ],
    db: DbOpt = None,
    started_at: Annotated[
        datetime | None,
        typer.Option(help="When the session took place (default: the file's time)."),
    ] = None,
    pain_before: Annotated[
        int | None, typer.Option(min=0, max=10, help="Pain before the session, 0-10.")
    ] = None,
    pain_after: Annotated[
        int | None, typer.Option(min=0, max=10, help="Pain after the session, 0-10.")
    ] = None,
    band: Annotated[
        int, typer.Option(min=0, max=10, help="Resistance band level used (0 = none).")
    ] = 0,
) -> None:
    """Add sessions analysed offline to the private history (a file is counted once).
    Give the pain before/after and the band so that the pain trend and the next step work."""
    from hipcoach.cli.history_cmd import ImportExtras, import_files  # noqa: PLC0415

    extras = ImportExtras(pain_before, pain_after, band)
    for path, session in import_files(db, analysis, started_at, extras):
        note = f"as session {session}" if session else "already in the history, skipped"
        console.print(plain(f"{path.name}: {note}"))


@app.command()
def history(
    db: DbOpt = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the sessions and statistics as JSON.")
    ] = False,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write one row per set to FILE.csv.")
    ] = None,
    reps_csv: Annotated[
        Path | None, typer.Option("--reps-csv", help="Write one row per rep to FILE.csv.")
    ] = None,
) -> None:
    """Streak, calendar, pain and form trends, left vs right, and the next step."""
    from hipcoach.cli.history_cmd import print_history  # noqa: PLC0415
    from hipcoach.storage import open_db  # noqa: PLC0415

    check_outputs(database_files(db), {"--csv": csv_out, "--reps-csv": reps_csv})
    with open_db(db) as store:
        print_history(
            store, DEFAULTS.history, console, as_json=json_out, csv_out=csv_out, reps_csv=reps_csv
        )


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write (FILE.html).")],
    db: DbOpt = None,
) -> None:
    """Write a self-contained HTML report of the history, with charts."""
    from hipcoach.cli.history_cmd import write_history_report  # noqa: PLC0415
    from hipcoach.storage import open_db  # noqa: PLC0415

    check_outputs(database_files(db), {"--out": out})
    with open_db(db) as store:
        path, overview = write_history_report(store, DEFAULTS.history, out)
    if overview.empty:
        print_warning("the history has no sessions yet; the report says so")
    console.print(f"history report written to [bold]{path}[/]")


@app.command()
def check(
    db: DbOpt = None,
    show: Annotated[
        bool, typer.Option("--show", help="Show the latest stored answers instead of asking.")
    ] = False,
) -> None:
    """A short check of other weak-glute-med signs (low back, side of the waist, outer hip,
    deep buttock); the answers are kept in the history. Not a diagnosis."""
    from hipcoach.cli.check_cmd import run_check, show_latest  # noqa: PLC0415
    from hipcoach.storage import open_db  # noqa: PLC0415

    with open_db(db) as store:
        if show:
            console.print(show_latest(store))
        else:
            run_check(store, console)


@app.command()
def session(
    camera: Annotated[
        int | None,
        typer.Option(min=0, help="Webcam index: count reps and check form live (default: timer)."),
    ] = None,
    start_side: Annotated[
        Literal["left", "right"] | None,
        typer.Option(help="Working leg to start with (default: routine order)."),
    ] = None,
    band: Annotated[
        int | None,
        typer.Option(
            min=0, max=10, help="Resistance band level (0 = none; default: as last session)."
        ),
    ] = None,
    mute: Annotated[bool, typer.Option("--mute", help="No spoken cues.")] = False,
    routine: Annotated[
        Path | None, typer.Option(help="Routine file (default: the bundled hip series).")
    ] = None,
    recheck_safety: Annotated[
        bool, typer.Option("--recheck-safety", help="Ask the safety questions again.")
    ] = False,
    db: DbOpt = None,
    model: ModelOpt = DEFAULTS.pose.model,
) -> None:
    """Run the guided hip series: both sides, count-in, paced or camera-counted reps,
    voice cues, breaks and pain check-ins. Keys: space pause, p pain, s skip, n next, q quit."""
    from hipcoach.cli.session_cmd import (  # noqa: PLC0415
        SessionJob,
        make_source,
        outcome_table,
        run_session,
        terminal_devices,
    )

    job = SessionJob(
        settings=settings_for(model),
        routine_path=routine,
        db=db,
        camera=camera,
        start_side="left" if start_side == "left" else ("right" if start_side else None),
        band_level=band,
        mute=mute,
        recheck_safety=recheck_safety,
    )
    console.print(f"[dim]{DISCLAIMER}[/]")
    source = make_source(job)
    try:
        with terminal_devices(console, mute) as (devices, note):
            if note:
                print_warning(note)
            outcome = run_session(job, devices, source)
    finally:
        source.close()
    console.print(outcome_table(outcome))
    if outcome.stop_reason:
        console.print(f"[bold yellow]Stopped:[/] {outcome.stop_reason}")


@app.command()
def serve(
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")
    ] = 8765,
    host: Annotated[
        str, typer.Option(help="Loopback address to bind: 127.0.0.1 (default) or localhost.")
    ] = "127.0.0.1",
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the link only; do not open a browser.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """The local web app: today, guided session, history, analyse a video, screens and
    routine, in your browser. Binds 127.0.0.1 only; prints a link with a one-time token."""
    from hipcoach.web.server import make_config  # noqa: PLC0415 - FastAPI on use
    from hipcoach.web.server import serve as run_server  # noqa: PLC0415

    config = make_config(port=port, host=host, db_path=db)
    console.print(f"[dim]{DISCLAIMER}[/]")
    run_server(
        config,
        open_browser=not no_browser,
        announce=lambda text: console.print(plain(text), soft_wrap=True),
    )


@app.command()
def batch(
    source: Annotated[
        Path,
        typer.Argument(
            help="Folder of <client>/<YYYY-MM-DD>/ videos, or a manifest CSV "
            "(client,date,video,kind).",
            metavar="IN",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for every output.")],
    workers: Annotated[
        int | None, typer.Option(min=1, max=512, help="Videos at a time (default: every core).")
    ] = None,
    engine: Annotated[
        Literal["local", "ray"], typer.Option(help="local processes, or a Ray cluster.")
    ] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (default: start a local one).")
    ] = None,
    routine: Annotated[
        Path | None, typer.Option(help="Routine file (default: the bundled hip series).")
    ] = None,
    model: ModelOpt = DEFAULTS.pose.model,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="No PDF client reports.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Analyse many clients' videos: per-video results, per-client reports (HTML, PDF) and
    an overview. Resumable: finished videos are skipped; a bad video never stops it."""
    from hipcoach.batch import BatchRequest  # noqa: PLC0415
    from hipcoach.cli.batch_cmd import run_batch_command  # noqa: PLC0415

    request = BatchRequest(
        source, out, settings_for(model), routine, engine, workers, address, pdf=not no_pdf
    )
    run_batch_command(request, quiet)


@app.command()
def models() -> None:
    """List the pose models and check their checksums."""
    from rich.table import Table  # noqa: PLC0415

    from hipcoach.modelstore import list_models  # noqa: PLC0415

    table = Table(title="pose models")
    for col in ("model", "status", "size", "sha256", "location"):
        table.add_column(col, overflow="fold")
    styles = {"ok": "green", "missing": "yellow", "corrupt": "red"}
    for info in list_models():
        size = f"{info.bytes / 1e6:.1f} MB" if info.bytes else "-"
        table.add_row(
            info.name,
            f"[{styles[info.status]}]{info.status}[/]",
            size,
            (info.sha256_expected or "")[:16],
            str(info.path or info.where),
        )
    console.print(table)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option(help="Where to write the demo outputs.")] = Path(
        "hipcoach-demo"
    ),
    model: ModelOpt = DEFAULTS.pose.model,
) -> None:
    """Analyse the bundled sample: a rendered person doing a short hip series on both sides."""
    from importlib.resources import files  # noqa: PLC0415

    from hipcoach.cli.analyze_cmd import AnalyzeJob, render_result, run_analyze, write_outputs  # noqa: PLC0415

    clip = Path(str(files("hipcoach") / "data" / "demo_hip_series.mp4"))
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out-dir {out_dir} is a file", fix="give a folder name")
    out_dir.mkdir(parents=True, exist_ok=True)
    console.print(f"[dim]{DISCLAIMER}[/]")
    job = AnalyzeJob(
        source=str(clip), settings=settings_for(model), landmarks_out=out_dir / "landmarks.csv"
    )
    output = run_analyze(job)
    write_outputs(
        output,
        job,
        json_out=out_dir / "analysis.json",
        report=out_dir / "report.html",
        overlay=None,
    )
    console.print(render_result(output.result, output.routine))
    console.print(f"outputs in [bold]{out_dir}[/]: analysis.json, report.html, landmarks.csv")


def version_callback(value: bool) -> None:
    """Print the version and exit."""
    if value:
        console.print(f"hipcoach {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Offline camera coach for the side-lying hip series (not a medical device)."""


INTERRUPTED = (
    "interrupted (Ctrl-C); unfinished outputs were not written, existing files are unchanged"
)


def main() -> None:
    """Console entry point: run the app, turning expected errors into one line + exit code.

    Typer handles usage errors itself (message + exit code 2); hipcoach's own errors
    print one line with the cause and the fix and exit with the error's code.
    """
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:  # usage errors: one line, like every other error
        sys.exit(_usage_error(exc))
    except typer.Abort:
        print_error(HipcoachError(INTERRUPTED))
        sys.exit(130)
    except HipcoachError as exc:
        print_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print_error(HipcoachError(INTERRUPTED))
        sys.exit(130)
    if code == 130:  # Typer turns a Ctrl-C it catches into a silent exit 130
        print_error(HipcoachError(INTERRUPTED))
    if isinstance(code, int) and code:
        sys.exit(code)


def _usage_error(exc: typer.TyperException) -> int:
    """Print a command-line usage error as one ``error:`` line; its exit code (2)."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # `hipcoach` alone: the help
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        return int(getattr(exc, "exit_code", 2))
    message = getattr(exc, "format_message", lambda: str(exc))()
    ctx = getattr(exc, "ctx", None)
    where = f"`{ctx.command_path} --help`" if ctx is not None else "`hipcoach --help`"
    print_error(HipcoachError(str(message), fix=f"see {where}"))
    return int(getattr(exc, "exit_code", 2))

"""The ``hipcoach screen`` commands (Typer). Kept light: the screens load only when a
command runs (:mod:`hipcoach.cli.screen_cmd`), so ``--help`` answers at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hipcoach.cli.options import ModelOpt
from hipcoach.cli.ui import console
from hipcoach.config import DEFAULTS

if TYPE_CHECKING:
    from hipcoach.screens.result import ScreenName

screen_app = typer.Typer(
    help="Weak-glute-med screens from a video: squat, one-leg stance, gait. Not a diagnosis.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
SourceArg = Annotated[
    str,
    typer.Argument(
        help="Video file (or landmarks .npz saved by `hipcoach pose`).", metavar="SOURCE"
    ),
]
JsonOpt = Annotated[Path | None, typer.Option("--json", help="Write the result as JSON.")]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Write the chart (FILE.png).")]
OverlayOpt = Annotated[
    Path | None, typer.Option("--overlay", help="Write the video with the angles (OUT.mp4).")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


SCREENS: dict[ScreenName, str] = {
    "squat": "Squats filmed from the front: do the knees cave inward at the bottom (FPPA, KASR)?",
    "stance": "Standing on one leg, filmed from the front: does the pelvis drop (Trendelenburg)?",
    "gait": "Walking toward or away from the camera: does the pelvis drop with each step?",
}


def _screen_command(screen: ScreenName, doc: str) -> Callable[..., None]:
    """The Typer command of one screen (the three differ only in the screen they run)."""

    def command(
        source: SourceArg,
        json_out: JsonOpt = None,
        plot: PlotOpt = None,
        overlay: OverlayOpt = None,
        model: ModelOpt = DEFAULTS.pose.model,
        quiet: QuietOpt = False,
    ) -> None:
        from hipcoach.cli.screen_cmd import run_screen_command  # noqa: PLC0415

        run_screen_command(screen, source, (json_out, plot, overlay), model, quiet)

    command.__doc__ = doc
    command.__name__ = screen
    return command


for _name, _doc in SCREENS.items():
    screen_app.command(_name)(_screen_command(_name, _doc))


@screen_app.command("report")
def report(
    results: Annotated[
        list[Path],
        typer.Argument(help="JSON files from `hipcoach screen ... --json`.", metavar="FILE"),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")],
    db: Annotated[
        Path | None, typer.Option("--db", help="History database (for the latest check).")
    ] = None,
    no_check: Annotated[
        bool, typer.Option("--no-check", help="Leave out the questionnaire answers.")
    ] = False,
) -> None:
    """Combine screen results (and the latest `hipcoach check`) into one HTML report."""
    from hipcoach.cli.screen_cmd import screen_report  # noqa: PLC0415

    path = screen_report(results, out, db, no_check)
    console.print(f"screening report written to [bold]{path}[/]")

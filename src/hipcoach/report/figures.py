"""Shared pieces of hipcoach's self-contained HTML pages: matplotlib figures rendered to
PNG without a GUI backend or global pyplot state, their common style, and the Jinja2
environment (autoescaping, strict undefined)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final

import jinja2

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI: Final = 110
"""Resolution of every chart (dots per inch); sizes are given in inches."""


@contextmanager
def figure(width_in: float, height_in: float) -> Iterator[Figure]:
    """A figure (inches) on its own Agg canvas; cleared when the block ends.

    matplotlib is imported here, not at module import, so importing hipcoach stays light.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    try:
        yield fig
    finally:
        fig.clear()


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes (white background)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def style_axes(ax: Axes) -> None:
    """Light grid behind the data, no top/right frame."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, color="#e4e4e4", linewidth=0.8)
    ax.set_axisbelow(True)


def html_environment() -> jinja2.Environment:
    """The Jinja2 environment of every page (autoescaped; a missing variable is an error)."""
    return jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

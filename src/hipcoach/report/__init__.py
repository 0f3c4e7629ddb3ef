"""Reports of an analysis: a self-contained HTML page with charts, and an overlay video.

- :func:`write_report` (``html``): one HTML file, charts embedded as PNG data URIs.
- :func:`write_analysis_overlay` (``overlay``): the recording with the skeleton and a
  coaching panel (exercise, leg, rep count, circle direction, cue; "rest" between sets).
- ``plots``: the charts as PNG bytes, and the colours and labels both outputs share.

Needs matplotlib and Jinja2 (imported only when this package is).
"""

from hipcoach.report.html import render_report, write_report
from hipcoach.report.overlay import write_analysis_overlay

__all__ = ["render_report", "write_analysis_overlay", "write_report"]

"""History analytics: streaks, calendar, trends, left vs right, progression, report, CSV.

- :mod:`~hipcoach.history.stats`: pure statistics over stored rows.
- :mod:`~hipcoach.history.progression`: the next-step suggestion, always with its reasons.
- :mod:`~hipcoach.history.overview`: everything above for one history, in one object.
- :mod:`~hipcoach.history.export`: CSV and JSON.
- :mod:`~hipcoach.history.report`: the self-contained HTML history report (imports
  matplotlib and Jinja2, so it is not imported here).
"""

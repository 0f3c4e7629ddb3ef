"""The Jinja2 template of the combined screening report (kept as a Python string so it
ships with the package without a package-data entry)."""

from typing import Final

# fmt: off
TEMPLATE_HTML: Final = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f4f5f7; color: #1d2430; }
  main { max-width: 980px; margin: 0 auto; padding: 24px 16px 48px; }
  h1 { margin: 0 0 4px; font-size: 26px; }
  .sub { color: #5b6472; margin: 0 0 16px; }
  .card { background: #fff; border-radius: 10px; padding: 18px 20px; margin: 0 0 18px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  .note { background: #fff8e1; border-left: 5px solid #f0b400; padding: 10px 14px; border-radius: 6px; margin-bottom: 18px; }
  .badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; font-size: 14px; }
  .positive { background: #fde2dd; color: #9b2c1a; }
  .negative { background: #dcf3e3; color: #1d6b38; }
  .inconclusive { background: #e6e8ec; color: #3b4250; }
  h2 { margin: 0 0 8px; font-size: 20px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0; }
  th, td { border-bottom: 1px solid #e4e6ea; padding: 4px 6px; text-align: left; }
  th { background: #f0f2f5; }
  img { max-width: 100%; height: auto; }
  .fix { color: #1d4f91; }
  ul { margin: 4px 0; padding-left: 20px; }
</style>
</head>
<body>
<main>
<h1>{{ title }}</h1>
<p class="sub">Generated {{ generated }} by hipcoach {{ version }}</p>
<div class="note"><strong>Not a diagnosis.</strong> {{ disclaimer }}</div>
{% if not sections %}
<section class="card"><p>No screen results were given.</p></section>
{% endif %}
{% for s in sections %}
<section class="card screen" id="screen-{{ loop.index }}">
  <h2>{{ s.title }} <span class="badge {{ s.finding }}">{{ s.finding }}</span></h2>
  {% if s.source %}<p class="sub">Video: {{ s.source }}</p>{% endif %}
  <p><strong>What was measured.</strong> {{ s.measured }}</p>
  <p><strong>Result.</strong> {{ s.reason }}{% if s.stance_leg %} (standing leg: {{ s.stance_leg }}){% endif %}</p>
  <p><strong>What it suggests.</strong> {{ s.suggests }}</p>
  {% if s.fix %}<p class="fix"><strong>To film it again:</strong> {{ s.fix }}</p>{% endif %}
  {% if s.warnings %}<ul>{% for w in s.warnings %}<li>{{ w }}</li>{% endfor %}</ul>{% endif %}
  {% if s.chart %}<img src="{{ s.chart }}" alt="{{ s.title }} chart">{% endif %}
  {% if s.rows %}
  <table class="items">
    <thead><tr>{% for c in s.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
    <tbody>{% for row in s.rows %}<tr class="item-row">{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody>
  </table>
  {% endif %}
  <table class="sides">
    <tbody>{% for side, text in s.sides %}<tr><th>{{ side }}</th><td>{{ text }}</td></tr>{% endfor %}</tbody>
  </table>
</section>
{% endfor %}
<section class="card check" id="check">
  <h2>Latest hip and back check</h2>
  {% if check %}
  <p class="sub">Answered {{ check.when }}</p>
  <table><tbody>{% for q, a in check.answers %}<tr><td>{{ q }}</td><td>{{ a }}</td></tr>{% endfor %}</tbody></table>
  <ul>{% for f in check.findings %}<li>{{ f }}</li>{% endfor %}</ul>
  {% else %}
  <p>No check answered yet: run <code>hipcoach check</code>.</p>
  {% endif %}
</section>
<div class="note"><strong>Not a diagnosis.</strong> {{ disclaimer }}</div>
</main>
</body>
</html>
"""  # noqa: E501
# fmt: on

"""Measured evidence lives in docs/, not in the code (issue 14, item 7).

Docstrings and comments in ``src/hipcoach`` keep conventions, units and a one-line reason for
a value; the measurements behind it (with their date and the command that reproduces them)
are in docs/ (``docs/settings.md``, ``docs/accuracy.md``, ``docs/hip-series.md``,
``docs/screens.md``...). A cheap guard: no docstring or comment quotes a corpus body id
(B01-B99 of the side-lying corpus, S01-S99 of the standing one) or a correlation value
("r = 0.9"). ``screens/evidence.py`` holds evidence as data (its counts are tested against
the corpus) and is not checked. Values in code (strings, numbers) are never checked.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "hipcoach"

#: Modules whose numbers are deliberate data (their counts are tested against the corpus).
DATA_MODULES = frozenset({"screens/evidence.py"})

EVIDENCE = re.compile(
    r"\b[BS](?:0[1-9]|[1-9][0-9])\b"  # a corpus body id: B05, S01
    r"|\br\s*=\s*[-+−]?\s*0?\.\d"  # a correlation: r = 0.88, r = -0.81, r = .9
)


def _docstrings(tree: ast.Module) -> list[tuple[int, str]]:
    nodes = [
        tree,
        *(
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        ),
    ]
    out = []
    for node in nodes:
        text = ast.get_docstring(node, clean=False)
        if text:
            out.append((node.body[0].lineno, text))
    return out


def _comments(source: str) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [(t.start[0], t.string) for t in tokens if t.type == tokenize.COMMENT]


def evidence_in(source: str) -> list[str]:
    """``"line N: quoted text"`` for every docstring or comment line of ``source`` that quotes
    a body id or a correlation value."""
    found = []
    for start, text in [*_docstrings(ast.parse(source)), *_comments(source)]:
        for k, line in enumerate(text.splitlines()):
            if EVIDENCE.search(line):
                found.append(f"line {start + k}: {line.strip()}")
    return found


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.relative_to(SRC).as_posix() not in DATA_MODULES)


def test_the_guard_sees_evidence_and_lets_code_be() -> None:
    source = '''"""Signals.

Reads abduction (measured: r = 0.997 against the truth)."""
X = "B05"  # development body B05 read 1.3 s late
def f():
    """Fitted on S01-S04."""
    r = 0.5  # a plain assignment in code is not a comment
    return r
# Angles in deg; r = radius (m); Bézier B-spline; 0.5 s; "3 of 6 rules checked"
'''
    assert evidence_in(source) == [
        "line 3: Reads abduction (measured: r = 0.997 against the truth).",
        "line 6: Fitted on S01-S04.",
        "line 4: # development body B05 read 1.3 s late",
    ]


def test_the_package_has_modules_to_check() -> None:
    assert len(_modules()) > 50


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.toml")), ids=lambda p: p.name)
def test_no_measured_evidence_in_data_file_comments(path: Path) -> None:
    """The routine file (which users edit) keeps one-line reasons, not measurements."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [
        f"line {n}: {line.strip()}"
        for n, line in enumerate(lines, 1)
        if line.lstrip().startswith("#") and EVIDENCE.search(line)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(SRC).as_posix())
def test_no_measured_evidence_in_docstrings_or_comments(path: Path) -> None:
    found = evidence_in(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.relative_to(SRC.parent)} quotes measured evidence in a docstring or comment; "
        "move it to docs/ with its date and command and leave a pointer:\n" + "\n".join(found)
    )

"""The import graph follows the layers (issue 14): nothing below the command line imports it,
and benchmarks use the library, never ``hipcoach.cli``."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "hipcoach"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_no_module_below_the_cli_imports_it() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "cli" or rel.name == "__main__.py":
            continue
        if any(m == "hipcoach.cli" or m.startswith("hipcoach.cli.") for m in _imports(path)):
            offenders.append(str(rel))
    assert not offenders


def test_benchmarks_use_the_library_not_the_cli() -> None:
    offenders = [
        p.name
        for p in (ROOT / "benchmarks").glob("*.py")
        if any(m.startswith("hipcoach.cli") for m in _imports(p))
    ]
    assert not offenders

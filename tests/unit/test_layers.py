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


def test_only_the_cli_imports_the_web_app() -> None:
    """``hipcoach.web`` sits beside the command line, above the library (issue 15): the
    library never imports it, and it never imports the command line."""
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        imported = _imports(path)
        if rel.parts[0] == "web":
            bad = any(m == "hipcoach.cli" or m.startswith("hipcoach.cli.") for m in imported)
        elif rel.parts[0] != "cli":
            bad = any(m == "hipcoach.web" or m.startswith("hipcoach.web.") for m in imported)
        else:
            continue
        if bad:
            offenders.append(str(rel))
    assert not offenders


def test_the_cli_imports_the_web_app_only_inside_its_command() -> None:
    """`hipcoach --help` must not load FastAPI: no module-level import of hipcoach.web."""
    for path in (SRC / "cli").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("hipcoach.web"), path.name


def test_benchmarks_use_the_library_not_the_cli() -> None:
    offenders = [
        p.name
        for p in (ROOT / "benchmarks").glob("*.py")
        if any(m.startswith("hipcoach.cli") for m in _imports(p))
    ]
    assert not offenders


def test_shared_types_are_declared_once() -> None:
    """Side, View and Finding live in hipcoach.types only (issue 14: one type per idea)."""
    import re

    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "types.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"^(Side|View|Finding) = ", text, re.M):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == ["synth/skeleton.py"]  # camera placements of the synthetic scenes


def test_the_batch_package_is_library_and_loads_on_use() -> None:
    """``hipcoach.batch`` (issue 16) is library: it imports neither the command line nor the
    web app, and the command line imports it only inside ``hipcoach batch`` (fast --help)."""
    for path in (SRC / "batch").rglob("*.py"):
        bad = [m for m in _imports(path) if m.startswith(("hipcoach.cli", "hipcoach.web"))]
        assert not bad, (path.name, bad)
    tree = ast.parse((SRC / "cli" / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("hipcoach.batch"), node.module


#: The layers, lowest first (the brief's flow: video -> backends -> sequence -> signal ->
#: exercises -> reps / analysis / screens -> session, storage, report -> cli, web). A module
#: may import its own layer and those below, never one above. ``backends`` and ``sequence``
#: share a layer: the builder takes the backends' candidates, the replay backend plays a
#: sequence. ``synth`` and ``evaluation`` make and score test footage.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(names.split())
    for names in (
        "errors types files interrupts landmarks config modelstore memory",
        "video",
        "backends sequence extract timesplit pipeline",
        "signal synth",
        "exercises reps",
        "analysis screens",
        "session storage report history evaluation",
        "batch",
        "cli web __main__",
    )
)


def _layer(name: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if name in names)


def test_no_module_imports_a_higher_layer() -> None:
    top = {p.name if p.is_dir() else p.stem for p in SRC.iterdir() if p.name != "__pycache__"}
    top -= {"__init__", "models", "data", "py"}
    unplaced = sorted(n for n in top if not any(n in names for names in LAYERS))
    assert not unplaced, f"give these a layer: {unplaced}"
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if rel.name == "__init__.py" and len(rel.parts) == 1:
            continue
        own = _layer(rel.parts[0] if len(rel.parts) > 1 else rel.stem)
        for module in _imports(path):
            parts = module.split(".")
            if parts[0] != "hipcoach" or len(parts) < 2:
                continue
            if _layer(parts[1]) > own:
                offenders.append(f"{rel} imports {module}")
    assert not offenders, offenders

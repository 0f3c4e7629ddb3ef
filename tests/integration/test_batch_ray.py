"""The Ray engine (issue 16): a local Ray cluster on 127.0.0.1 runs the same task function
and gives the same outputs as the local engine; without Ray, ``--engine ray`` says how to
install it in one line. Skipped when Ray is not installed (``pip install "hipcoach[batch]"``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hipcoach.batch import BatchRequest, run_batch
from tests.helpers.bad_input import run_cli
from tests.integration.test_batch import make_input, results

pytestmark = pytest.mark.integration


def test_ray_gives_the_same_outputs_as_the_local_engine(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray", reason='Ray is not installed: pip install "hipcoach[batch]"')
    source = make_input(tmp_path / "in")
    on_ray = run_batch(BatchRequest(source, tmp_path / "ray", engine="ray", workers=2, pdf=False))
    assert not ray.is_initialized(), "the local cluster is shut down after the batch"
    local = run_batch(BatchRequest(source, tmp_path / "local", workers=2, pdf=False))
    assert [(o.video, o.status) for o in on_ray.outcomes] == [
        (o.video, o.status) for o in local.outcomes
    ]
    assert results(tmp_path / "ray") == results(tmp_path / "local")


def test_the_local_ray_cluster_listens_on_loopback_only() -> None:
    ray = pytest.importorskip("ray", reason='Ray is not installed: pip install "hipcoach[batch]"')
    from hipcoach.batch.engines import _init_ray, _loopback_cluster

    with _loopback_cluster():
        _init_ray(ray, 1, None)
        try:
            assert {n["NodeManagerAddress"] for n in ray.nodes()} == {"127.0.0.1"}
        finally:
            ray.shutdown()


def test_without_ray_the_engine_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    day = tmp_path / "in" / "ann" / "2026-11-02"
    day.mkdir(parents=True)
    (day / "a.mp4").write_bytes(b"x")
    args = ["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--engine", "ray"]
    outcome = run_cli(args, cwd=tmp_path)
    assert outcome.code == 5, outcome.stderr
    assert outcome.errors == ['error: the ray engine needs Ray: pip install "hipcoach[batch]"']


def test_an_unreachable_cluster_is_one_line_at_once(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason='Ray is not installed: pip install "hipcoach[batch]"')
    day = tmp_path / "in" / "ann" / "2026-11-02"
    day.mkdir(parents=True)
    (day / "a.mp4").write_bytes(b"x")
    args = ["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--engine", "ray"]
    outcome = run_cli([*args, "--address", "127.0.0.1:1"], cwd=tmp_path)
    assert outcome.code == 5, outcome.stderr
    assert len(outcome.errors) == 1, outcome.stderr
    assert "cannot reach the Ray cluster at 127.0.0.1:1" in outcome.errors[0]

"""Renderer truth as evaluation types, clip discovery and the landmark cache
(hipcoach.evaluation.rendered)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hipcoach.evaluation import rendered
from hipcoach.evaluation.rendered import (
    check_counts,
    frame_reps,
    has_fault_labels,
    label_runs,
    render_truth,
    rendered_clips,
)
from hipcoach.synth.program import DEFAULTS as SCRIPT_DEFAULTS
from hipcoach.synth.sidelying import SideLyingScript, generate

CIRCLES = int(SCRIPT_DEFAULTS["leg_circle"]["reps"])


def gt(labels: list[str], **extra: Any) -> dict[str, Any]:
    """Frames every 0.5 s with these labels; two raises then default circles (cw)."""
    frames = [
        {"t": 0.5 * i, "exercise": lab, "top_leg_abduction_deg": float(i)}
        for i, lab in enumerate(labels)
    ]
    return {
        "view": "front",
        "lying_on_side": "left",
        "working_leg": "right",
        "script": [
            {"kind": "rest", "s": 1.0},
            {"kind": "small_leg_raise", "reps": 2},
            {"kind": "rest", "s": 1.0},
            {"kind": "leg_circle", "direction": "cw"},
        ],
        "events": {
            "reps": [{"start": 1.0}, {"start": 2.0}],
            "circles": [{"start": 4.0, "n_circles": CIRCLES}],
        },
        "frames": frames,
        **extra,
    }


LABELS = ["rest"] * 2 + ["small_leg_raise"] * 4 + ["rest"] * 2 + ["leg_circle_cw"] * 4 + ["rest"]


def test_label_runs_keep_exercise_runs_only() -> None:
    assert label_runs(["rest", "a", "a", "rest", "leg_circle_cw"]) == [("leg_circle_cw", 4, 5)]
    assert label_runs(["big_leg_lift", "big_leg_lift", "rest", "big_leg_lift"]) == [
        ("big_leg_lift", 0, 2),
        ("big_leg_lift", 3, 4),
    ]


def test_render_truth_sets_from_label_runs_and_script_counts() -> None:
    truth = render_truth(gt(LABELS), "clip", {"view": "front_high"})
    raises, circles = truth.sets
    assert (raises.exercise, raises.side, raises.n_reps) == ("small_leg_raise", "right", 2)
    assert (raises.start_s, raises.end_s) == (0.75, 2.75)  # half a frame either side
    assert (circles.exercise, circles.direction, circles.n_reps) == ("leg_circle_cw", "cw", CIRCLES)
    assert (truth.name, truth.placement, truth.lying_on) == ("clip", "front_high", "left")
    assert truth.abduction_deg[3] == 3.0 and truth.frame_legs.tolist() == ["right"] * 13
    assert raises.reps == ()  # no per-frame rep labels


def test_render_truth_refuses_a_script_that_does_not_fit() -> None:
    with pytest.raises(ValueError, match="1 runs"):
        render_truth(gt(LABELS[:8]))
    bad = gt(LABELS)
    bad["events"]["reps"].append({"start": 2.5})
    with pytest.raises(ValueError, match="events say 3"):
        render_truth(bad)


def test_check_counts_takes_events_starting_within_the_tolerance() -> None:
    sets = render_truth(gt(LABELS)).sets
    early = {"events": {"reps": [{"start": 0.3}, {"start": 2.0}], "circles": []}}
    with pytest.raises(ValueError, match="events say 1"):
        check_counts(early, sets[:1], 0.0)
    check_counts(early, sets[:1], 0.5)


def rep_frames() -> list[dict[str, Any]]:
    rows = [
        (1.0, "small_leg_raise", 1, 1, {}),
        (1.5, "small_leg_raise", 1, 1, {"toes_up_deg": 0.5}),
        (2.0, "small_leg_raise", 1, 2, {"toes_up_deg": 30.0}),
        (2.5, "small_leg_raise", 1, 2, {}),
        (3.0, "rest", 2, None, {}),
        (4.0, "leg_circle_cw", 3, 1, {"knee_bend_deg": -12.0}),
    ]
    return [
        {"t": t, "exercise": ex, "segment": seg, "rep": r, "faults_active": f}
        for t, ex, seg, r, f in rows
    ]


def test_frame_reps_group_frames_by_segment_and_rep_with_their_faults() -> None:
    reps = frame_reps({"frames": rep_frames()})
    assert sorted(reps) == [0, 1]
    assert [(r.start_s, r.end_s, r.faults) for r in reps[0]] == [
        (1.0, 1.5, frozenset()),  # 0.5 deg: below the floor
        (2.0, 2.5, frozenset({"toes_up"})),
    ]
    assert reps[1][0].faults == frozenset({"knee_bent"})  # the size, not the sign, counts
    assert has_fault_labels({"frames": rep_frames()})
    bare = [{k: v for k, v in f.items() if k != "faults_active"} for f in rep_frames()]
    assert not has_fault_labels({"frames": bare})
    assert frame_reps({"frames": [{"t": 0.0, "exercise": "rest"}]}) == {}


def test_rendered_clips_need_a_truth_beside_the_video(tmp_path: Path) -> None:
    for name in ("series_a.mp4", "series_b.mp4", "series_c.mp4", "faults_x.mp4"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "series_a.truth.json").write_text("{}")
    (tmp_path / "series_b").mkdir()
    (tmp_path / "series_b" / "ground_truth.json").write_text("{}")
    (tmp_path / "faults_x.truth.json").write_text("{}")
    got = rendered_clips([tmp_path], "series_")
    assert [(v.name, t.relative_to(tmp_path).as_posix()) for v, t in got] == [
        ("series_a.mp4", "series_a.truth.json"),
        ("series_b.mp4", "series_b/ground_truth.json"),
    ]
    assert [v.name for v, _ in rendered_clips([tmp_path], "faults")] == ["faults_x.mp4"]


def test_cached_pose_runs_the_model_once_per_video(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = SideLyingScript([{"kind": "rest", "s": 0.5}], view="front", fps=10.0)
    seq = generate(script).sequence
    calls: list[str] = []

    def fake_find_poses(request: Any) -> Any:
        calls.append(request.source)
        return SimpleNamespace(sequence=seq, inference_s=2.5)

    monkeypatch.setattr(rendered, "find_poses", fake_find_poses)
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"video bytes")
    cache = tmp_path / "cache"
    first, inference, _ = rendered.cached_pose(video, cache)
    again, inference_again, _ = rendered.cached_pose(video, cache)
    assert calls == [str(video)] and inference == inference_again == 2.5
    assert len(again.times_s) == len(first.times_s) == len(seq.times_s)
    (meta,) = cache.glob("clip-*.json")
    assert json.loads(meta.read_text())["inference_s"] == 2.5
    video.write_bytes(b"other bytes")  # a new video: a new key
    rendered.cached_pose(video, cache)
    rendered.cached_pose(video, None)  # no cache: always the model
    assert len(calls) == 3

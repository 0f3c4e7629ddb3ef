"""Synthetic side-lying hip-series sessions (landmark sequences) with exact ground truth.

The motion program re-implements ``Program`` of ``../shared/tools/render-side-lying/render.py``
(same segment schema, DEFAULTS, FAULT_KEYS, random draws, ``circle_sequence`` and
ground-truth keys; the renderer needs bpy so it is not imported): the same script JSON drives
both, and gives the same rep times. Added segment kinds: ``switch_side`` (roll over to lie on
the other side), ``break`` (lie still, shift a little) and, with ``transitions=True``,
``getting_down`` / ``getting_up``; they move the whole body and have no reps.

Angles (degrees) are those of the WORKING (top) leg relative to the pelvis: abduction
(0 = legs parallel, ``REST_DEG`` = legs together), flexion (+ forward), rotation (+ =
external, toes up; the renderer's ``hip_external_rotation_deg``), knee flexion (0 =
straight), pelvis roll (+ = the whole body rolls forward, toward the belly/camera). Lying on
the left side the right leg works and the head is at image-right; on the right side, mirrored.
Times are in seconds, positions in metres, pixels in the frame of ``width`` x ``height``.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hipcoach.backends.base import PoseCandidate
from hipcoach.landmarks import N_LANDMARKS
from hipcoach.sequence import PoseSequence
from hipcoach.sequence.builder import SequenceBuilder
from hipcoach.synth.program import (  # noqa: F401 - re-exported public names
    COMMON,
    DEFAULTS,
    FAULT_KEYS,
    MOVES,
    REST_DEG,
    Seg,
    circle_sequence,
    evaluate,
    exercise_id,
    faults_for_rep,
    layout,
    other_side,
    working_leg,
)
from hipcoach.synth.skeleton import (
    Camera,
    LyingSide,
    View,
    lying_camera,
    side_lying_bodies,
)


@dataclass
class SideLyingScript:
    """A session: renderer-style ``segments``, the side lain on first, camera view, frame
    rate (frames/s, may be non-integer), frame size (pixels) and random seed."""

    segments: list[dict[str, Any]]
    side_lying_on: LyingSide = "left"
    view: View = "front"
    fps: float = 30.0
    width: int = 640
    height: int = 480
    seed: int = 0

    @classmethod
    def from_json(cls, data: Any, **overrides: Any) -> SideLyingScript:
        """From a renderer script: a segment list, or ``{"segments", "side", "seed",
        "camera": {"view"}}``; keyword overrides win (e.g. ``fps=15``)."""
        cfg: dict[str, Any] = {"segments": data} if isinstance(data, list) else dict(data)
        kw: dict[str, Any] = {"segments": [dict(s) for s in cfg["segments"]]}
        kw["side_lying_on"] = cfg.get("side", "left")
        kw["seed"] = int(cfg.get("seed", 0))
        if cfg.get("camera", {}).get("view"):
            kw["view"] = cfg["camera"]["view"]
        return cls(**{**kw, **overrides})


@dataclass(frozen=True)
class SyntheticSession:
    """Generated landmarks and their ground truth (see :func:`generate`)."""

    sequence: PoseSequence
    truth: dict[str, Any]


def _dropouts(rng: np.random.Generator, n: int, rate: float, burst_frames: float) -> Any:
    """Boolean mask of dropped frames: about ``rate`` of them, in bursts of the given mean."""
    if rate <= 0 or n == 0:
        return np.zeros(n, bool)
    if burst_frames <= 1:
        return rng.random(n) < rate
    k = rng.poisson(rate * n / burst_frames)
    starts = rng.integers(0, n, k)
    ends = np.minimum(starts + np.maximum(1, np.round(rng.exponential(burst_frames, k))), n)
    edge = np.zeros(n + 1, int)
    np.add.at(edge, starts, 1)
    np.add.at(edge, ends.astype(int), -1)
    return np.cumsum(edge)[:n] > 0


def _observe(
    script: SideLyingScript, cam: Camera, ch: dict[str, Any], noise: tuple[float, ...]
) -> PoseSequence:
    """Project the bodies, add noise (px sd, m sd, visibility sd, dropout rate, burst s)."""
    n, (px_sd, world_sd, vis_sd, drop_rate, burst_s) = len(ch["abd"]), noise
    rng = np.random.default_rng([script.seed % 2**32, 7919])
    top = (ch["abd"], ch["flex"], ch["knee"], ch["rot"])
    body = side_lying_bodies(ch["lying"], top, (ch["babd"], ch["bflex"], ch["bknee"]), ch["roll"])
    offset = np.stack([ch["x"], ch["y"], ch["z"]], axis=1)
    px, world, depth = cam.project_frames(body, ch["vroll"], ch["yaw"], offset)
    zn = world[..., 2] * cam.focal_px / depth[:, None] / cam.width
    px = px + rng.normal(0.0, px_sd, px.shape) if px_sd > 0 else px
    world = world + rng.normal(0.0, world_sd, world.shape) if world_sd > 0 else world
    vis = np.full((n, N_LANDMARKS), 0.99)
    if vis_sd > 0:
        vis = np.clip(vis - np.abs(rng.normal(0.0, vis_sd, vis.shape)), 0, 1)
    drop = _dropouts(rng, n, drop_rate, burst_s * script.fps)
    norm = np.concatenate([px / [script.width, script.height], zn[..., None]], -1)
    norm, vis, world = norm.astype(np.float32), vis.astype(np.float32), world.astype(np.float32)
    builder = SequenceBuilder(script.width, script.height)
    for i in range(n):
        cand = None if drop[i] else PoseCandidate(norm[i], vis[i], vis[i], world[i])
        builder.append(i / script.fps, cand)
    return builder.build()


# --- ground truth ---------------------------------------------------------------------------
_DEFINITIONS = {
    "time": "seconds from the first frame; frame i is at i / fps",
    "abduction_deg": "working (top) leg, relative to the pelvis; 0 = legs parallel, -4 = together",
    "flexion_deg": "working leg; + = forward (toward the front), - = extension behind",
    "rotation_deg": "working leg about its long axis; + = external (toes turn up)",
    "knee_deg": "working leg knee flexion; 0 = straight",
    "pelvis_roll_deg": "whole body about its long axis; + = upper side rolls forward (to camera)",
    "circle direction": "cw/ccw as seen from the feet end looking toward the head",
    "sets.start_s/end_s": "segment start/end including lift and lower (excluding gap_s)",
    "moves": "getting_down, switch_side, getting_up, break: whole-body motion, never reps",
}


def _head(lying_on: str) -> str:
    """Image side of the head for the front/diagonal views."""
    return "right" if lying_on == "left" else "left"


# fmt: off
def _events(segs: list[Seg]) -> dict[str, list[dict[str, Any]]]:
    """events.reps (every exercise), events.sets and render.py's legacy events.circles."""
    reps: list[dict[str, Any]] = []
    sets: list[dict[str, Any]] = []
    circles: list[dict[str, Any]] = []
    for seg in segs:
        if seg["kind"] == "rest" or seg["kind"] in MOVES:
            continue
        eid, leg, evs = exercise_id(seg), working_leg(seg["side"]), seg["rep_events"]
        item = {"exercise": eid, "segment": seg["index"], "side": leg,
                "lying_on_side": seg["side"], "start_s": seg["t0"], "end_s": seg["t1"],
                "n_reps": len(evs)}
        if seg["kind"] == "leg_circle":
            item["direction"] = seg["direction"]
            item["anatomical_sequence"] = circle_sequence(seg["direction"], seg["side"])
            if evs:
                circles.append({
                    "start": evs[0]["start"], "end": evs[-1]["end"], "n_circles": len(evs),
                    "period_s": seg["rep_s"], "radius_deg": seg["radius_deg"],
                    "centre_abduction_deg": seg["centre_deg"], "side": leg,
                    "direction_seen_from_feet": seg["direction"],
                    "anatomical_sequence": item["anatomical_sequence"]})
        reps += [{"exercise": eid, "set": len(sets), "segment": seg["index"], "side": leg,
                  **copy.deepcopy(ev)} for ev in evs]
        sets.append(item)
    return {"reps": reps, "sets": sets, "circles": circles}


def _segment_summary(s: Seg) -> dict[str, Any]:
    keys = {*DEFAULTS.get(s["kind"], {"s": 0}), *COMMON, *FAULT_KEYS}
    return {"index": s["index"], "kind": s["kind"], "exercise": exercise_id(s),
            "lying_on_side": s["side_from"], "lying_on_side_end": s["side"],
            "side": working_leg(s["side"]), "start": s["t0"], "end": s["t1"],
            "reps": len(s["rep_events"]), "params": {k: s[k] for k in keys if k in s}}


def _truth(
    script: SideLyingScript, segments: list[Seg], segs: list[Seg], ch: dict[str, Any], cam: Camera
) -> dict[str, Any]:
    n, lying, side = len(ch["abd"]), ch["lying"], script.side_lying_on
    per_frame = {
        "t": np.arange(n) / script.fps, "abduction_deg": ch["abd"], "flexion_deg": ch["flex"],
        "rotation_deg": ch["rot"], "knee_deg": ch["knee"], "pelvis_roll_deg": ch["roll"],
        "phase": ch["phase"].astype(str), "exercise": ch["exercise"].astype(str),
        "rep": ch["rep"], "segment": ch["segment"], "lying_on_side": lying.astype(str),
        "working_leg": np.where(lying == "left", "right", "left")}
    return {
        "format": "hipcoach-synth-side-lying/1", "fps": script.fps, "n_frames": n,
        "width": script.width, "height": script.height, "view": script.view,
        "camera": dict(cam.__dict__), "lying_on_side": side, "working_leg": working_leg(side),
        "head_in_image": "away" if script.view == "feet" else _head(side), "seed": script.seed,
        "script": copy.deepcopy(segments), "definitions": dict(_DEFINITIONS),
        "segments": [_segment_summary(s) for s in segs], "events": _events(segs),
        "per_frame": per_frame}
# fmt: on


def generate(
    script: SideLyingScript,
    *,
    pixel_noise_px: float = 0.0,
    world_noise_m: float = 0.0,
    visibility_noise: float = 0.0,
    dropout_rate: float = 0.0,
    dropout_burst_s: float = 0.0,
    transitions: bool = False,
) -> SyntheticSession:
    """Landmarks an ideal pose model would report for ``script``, plus ground truth.

    Noise: Gaussian pixel noise (px, sd), world noise (m, sd), visibility lowered by
    ``|N(0, visibility_noise)|``; ``dropout_rate`` (0..1) of frames have no detection
    (NaN), in bursts of mean ``dropout_burst_s`` seconds (0 = independent frames).
    ``transitions`` adds getting down before and getting up after the script.
    """
    segments = [dict(s) for s in script.segments]
    if transitions:
        segments = [{"kind": "getting_down"}, *segments, {"kind": "getting_up"}]
    segs, duration = layout(segments, script.side_lying_on, script.seed)
    n = round(duration * script.fps)
    ch = evaluate(segs, np.arange(n) / script.fps, script.seed)
    cam = lying_camera(script.side_lying_on, script.view, script.width, script.height)
    noise = (pixel_noise_px, world_noise_m, visibility_noise, dropout_rate, dropout_burst_s)
    seq = _observe(script, cam, ch, noise)
    return SyntheticSession(seq, _truth(script, segments, segs, ch, cam))


#: The short series of the rendered test clips and the demo (``series_short.json``): every
#: exercise of the routine with few reps (4 small raises, 3 bicycles, 4 big lifts, 3 + 3
#: circles) and short rests.
SHORT_SERIES: tuple[dict[str, Any], ...] = (
    {"kind": "rest", "s": 1.5},
    {"kind": "small_leg_raise", "reps": 4, "rep_s": 1.5, "peak_deg": 20},
    {"kind": "rest", "s": 1.0},
    {"kind": "bicycle_sidekick", "reps": 3},
    {"kind": "rest", "s": 1.0},
    {"kind": "big_leg_lift", "reps": 4, "rep_s": 2.0, "peak_deg": 45},
    {"kind": "rest", "s": 1.0},
    {"kind": "leg_circle", "reps": 3, "direction": "ccw"},
    {"kind": "rest", "s": 1.0},
    {"kind": "leg_circle", "reps": 3, "direction": "cw"},
    {"kind": "rest", "s": 1.5},
)


def full_series_script(
    side_first: LyingSide = "left", reps: int | dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """The whole routine lying on ``side_first`` (the script's ``side_lying_on``), a switch,
    then on the other side, with rests (s). ``reps``: one count for every exercise, or per
    kind. Each side starts its circles with forward-up-back-down (render.py's legacy order)."""
    out: list[dict[str, Any]] = []
    for lying in (side_first, other_side(side_first)):
        first = "ccw" if lying == "left" else "cw"
        plan = [("small_leg_raise", {}), ("bicycle_sidekick", {}), ("big_leg_lift", {}),
                ("leg_circle", {"direction": first}),
                ("leg_circle", {"direction": "cw" if first == "ccw" else "ccw"})]  # fmt: skip
        out += [{"kind": "switch_side"}] if out else []
        for (kind, extra), rest_s in zip(plan, (2.0, 3.0, 3.0, 3.0, 2.0), strict=True):
            count = reps if isinstance(reps, int) else (reps or {}).get(kind)
            out += [{"kind": "rest", "s": rest_s}, {"kind": kind, **extra}]
            out[-1].update({} if count is None else {"reps": int(count)})
        out.append({"kind": "rest", "s": 2.0})
    return out


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, tuple):
        return list(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def save_truth(truth: dict[str, Any], path: str | Path) -> None:
    """Write ``truth`` as JSON (NumPy arrays become lists)."""
    Path(path).write_text(json.dumps(truth, indent=1, default=_jsonable), encoding="utf-8")

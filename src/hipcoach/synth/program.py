"""The motion program of a synthetic side-lying session: segment layout and per-frame
joint angles (degrees) and body placement, vectorised over time (seconds).

Re-implements ``Program`` of ../shared/tools/render-side-lying/render.py (same segment schema,
DEFAULTS, FAULT_KEYS, random draws, ``circle_sequence``); see ``synth.sidelying``.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np

from hipcoach.synth.skeleton import F64, LyingSide

Seg = dict[str, Any]
#: Keyframes: (progress knots 0..1, {channel: values at the knots}, phase between knots).
Table = tuple[tuple[float, ...], dict[str, tuple[float, ...]], tuple[str, ...]]

# --- constants shared with render.py (same names and values) ------------------------------
# fmt: off
REST_DEG = -4.0  # top-leg abduction when the legs touch (legs together)
FAULT_KEYS = ("pelvis_roll_deg", "toes_up_deg", "knee_bend_deg", "leg_forward_deg")
DEFAULTS: dict[str, dict[str, Any]] = {
    "rest": {"s": 1.0},
    "small_leg_raise": {"reps": 10, "rep_s": 1.5, "peak_deg": 20.0},
    "big_leg_lift": {"reps": 10, "rep_s": 2.0, "peak_deg": 45.0},
    "leg_raise": {"reps": 10, "rep_s": 2.0, "peak_deg": 40.0},
    "bicycle_sidekick": {"reps": 5, "rep_s": 2.5, "hover_deg": 10.0,
                         "knee_forward_hip_deg": 85.0, "knee_forward_knee_deg": 100.0,
                         "extend_hip_deg": 65.0, "kick_back_deg": 25.0, "lift_s": 0.6},
    "leg_circle": {"reps": 5, "rep_s": 1.5, "direction": "ccw", "centre_deg": 20.0,
                   "radius_deg": 10.0, "lift_s": 0.6},
}
COMMON: dict[str, Any] = {"jitter_deg": 0.0, "speed_var": 0.0, "amp_var": 0.0,
                          "fault_reps": None, "momentum": False, "gap_s": 0.0}
#: Whole-body moves added here (default duration, s). They have no reps.
MOVES: dict[str, float] = {"getting_down": 4.0, "getting_up": 4.0, "switch_side": 4.0,
                           "break": 5.0}
_RAISES = ("small_leg_raise", "big_leg_lift", "leg_raise")
_BOTTOM = (0.0, 8.0, 20.0)  # bottom leg: abduction, hip flexion, knee (render.py Body.pose)
_STAND_Y, _KNEEL_Y = -0.77, -0.35  # hip centre above its lying height (m; room y is down)
#: Per-frame channels: working leg, pelvis roll, bottom leg, whole body (deg; x, y, z in m).
_CH = ("abd", "flex", "rot", "knee", "roll", "babd", "bflex", "bknee", "vroll", "yaw",
       "x", "y", "z")
#: Keyframes of the moves for lying on the LEFT side (channels in _FLIP change sign on the
#: right side): (progress 0..1 knots, {channel: values}, phase names between knots).
_FLIP = ("x", "yaw", "vroll")
_DOWN: Table = (
    (0.0, 0.3, 0.45, 0.65, 0.82, 1.0),
    {"x": (-1.3, 0, 0, 0, 0, 0), "y": (_STAND_Y, _STAND_Y, _STAND_Y, _KNEEL_Y, -0.2, 0),
     "z": (0.4, 0, 0, 0, 0, 0), "yaw": (90, 90, 0, 0, 0, 0), "vroll": (0, 0, 0, 0, 40, 90),
     "abd": (0, 0, 0, 0, 10, REST_DEG), "flex": (0, 0, 0, 0, 35, 0), "knee": (0, 0, 0, 90, 70, 0),
     "babd": (0, 0, 0, 0, 5, 0), "bflex": (0, 0, 0, 0, 35, 8), "bknee": (0, 0, 0, 90, 70, 20)},
    ("walk_in", "turn", "kneel", "lie_down", "lie_down"),
)
_SWITCH: Table = (  # from lying on the left side to lying on the right side
    (0.0, 0.25, 0.5, 0.75, 1.0),
    {"vroll": (90, 45, 0, -45, -90), "y": (0, -0.2, _KNEEL_Y, -0.2, 0),
     "abd": (REST_DEG, 10, 0, 10, REST_DEG), "flex": (0, 35, 0, 35, 0),
     "knee": (0, 70, 90, 70, 0), "babd": (0, 5, 0, 5, 0), "bflex": (8, 35, 0, 35, 8),
     "bknee": (20, 70, 90, 70, 20)},
    ("sit_up", "sit_up", "lie_down", "lie_down"),
)
_UP_PH = {"walk_in": "walk_out", "turn": "turn", "kneel": "stand_up", "lie_down": "sit_up"}
#: Break shifts: channel, uniform range of the excursion (deg or m).
_SHIFTS = (("roll", -5, 5), ("x", -0.05, 0.05), ("y", -0.02, 0.01), ("abd", -2, 2),
           ("knee", 0, 15), ("bknee", 0, 10))
# fmt: on


def other_side(side: str) -> LyingSide:
    """The other body side."""
    return "right" if side == "left" else "left"


def _sgn(side: str) -> float:
    return 1.0 if side == "left" else -1.0


def working_leg(lying_on: str) -> LyingSide:
    """The top (working) leg, the person's own side, when lying on ``lying_on``."""
    return other_side(lying_on)


def circle_sequence(direction: str, side: str) -> str:
    """render.py: anatomical order of the foot for a circle ``direction`` (cw/ccw seen from
    the feet end looking toward the head) when lying on ``side``."""
    fubd = (direction == "ccw") == (side == "left")
    return "forward-up-back-down" if fubd else "back-up-forward-down"


def exercise_id(seg: Seg) -> str:
    """Exercise id of a segment (leg circles get their direction)."""
    return f"leg_circle_{seg['direction']}" if seg["kind"] == "leg_circle" else str(seg["kind"])


def faults_for_rep(seg: Seg, rep_index: int) -> dict[str, Any]:
    """render.py: {fault_key: deg} (and momentum) injected in this rep (1-based index)."""
    out: dict[str, Any] = {}
    default_reps = seg.get("fault_reps")
    for k in FAULT_KEYS:
        v = seg.get(k)
        if v in (None, 0, 0.0):
            continue
        reps = default_reps
        if isinstance(v, dict):
            reps = v.get("reps", default_reps)
            v = v["deg"]
        if reps is None or rep_index in reps:
            out[k] = float(v)
    m = seg.get("momentum")
    if m:
        reps = m if isinstance(m, list) else default_reps
        if reps is None or rep_index in reps:
            out["momentum"] = True
    return out


# --- layout (render.py Program.__init__/_layout, same random draws) -----------------------
def _noise_params(rng: random.Random, amp: float) -> list[tuple[float, float, float]]:
    if not amp:
        return []
    return [
        (rng.uniform(0.4, 2.5), rng.uniform(0, 2 * math.pi), rng.uniform(0.5, 1.0))
        for _ in range(3)
    ]


def _rep_marks(seg: Seg, ev: dict[str, Any]) -> None:
    t, dur, faults = ev["start"], ev["duration_s"], ev["faults"]
    if seg["kind"] in _RAISES:
        fr = (0.2, 0.0, 0.25) if faults.get("momentum") else (0.4, 0.1, 0.4)
        ev["profile"] = fr
        ev["peak_start"] = t + fr[0] * dur
        ev["peak_end"] = t + (fr[0] + fr[1]) * dur
        ev["peak"] = (ev["peak_start"] + ev["peak_end"]) / 2
        ev["lowered"] = t + (fr[0] + fr[1] + fr[2]) * dur
        boost = 1.1 if faults.get("momentum") else 1.0
        ev["peak_abduction_deg"] = seg["peak_deg"] * ev["amp_scale"] * boost
    elif seg["kind"] == "bicycle_sidekick":
        ev["peak"] = t + 0.3 * dur  # knee forward (max hip flexion)
        ev["extended_forward"] = t + 0.5 * dur
        ev["kick_back"] = t + 0.75 * dur  # max hip extension
        ev["kick_back_end"] = t + 0.85 * dur
        ev["peak_flexion_deg"] = seg["knee_forward_hip_deg"] * ev["amp_scale"]
        ev["peak_extension_deg"] = seg["kick_back_deg"] * ev["amp_scale"]
    else:  # circle: starts at the front or back point, top of the circle at 1/4
        ev["peak"] = t + 0.25 * dur
        ev["sequence"] = circle_sequence(seg["direction"], seg["side"])


def _layout_reps(seg: Seg, rng: random.Random) -> None:
    kind, t = seg["kind"], seg["t0"]
    seg["rep_events"] = []
    if kind == "rest":
        seg["t1"] = t + float(seg["s"])
        return
    pre = seg["lift_s"] if kind in ("bicycle_sidekick", "leg_circle") else 0.0
    t += pre
    sv, av = seg["speed_var"], seg["amp_var"]
    for r in range(int(seg["reps"])):
        dur = seg["rep_s"] * (1 + rng.uniform(-sv, sv))
        if kind == "leg_circle":
            dur = seg["rep_s"] * (1 + rng.uniform(-sv, sv) * 0.5)
        amp = 1 + rng.uniform(-av, av)
        ev = {
            "index": r + 1,
            "start": t,
            "end": t + dur,
            "duration_s": dur,
            "amp_scale": amp,
            "faults": faults_for_rep(seg, r + 1),
        }
        _rep_marks(seg, ev)
        seg["rep_events"].append(ev)
        t += dur
    seg["t_reps_end"] = t
    seg["t1"] = t + pre


def layout(segments: list[dict[str, Any]], side: str, seed: int) -> tuple[list[Seg], float]:
    """Timed segments (t0, t1, t1_gap, rep_events, side...) and the total duration (s)."""
    rng = random.Random(seed)
    segs: list[Seg] = []
    t, lying = 0.0, side
    for i, raw in enumerate(segments):
        kind = raw.get("kind", "rest")
        if kind in MOVES:
            seg = {"s": MOVES[kind], **raw, "kind": kind, "index": i, "t0": t, "side_from": lying}
            lying = other_side(lying) if kind == "switch_side" else lying
            seg.update(side=lying, rep_events=[], jitter_deg=0.0)
            seg["t1"] = seg["t1_gap"] = t + float(seg["s"])
        elif kind in DEFAULTS:
            seg = {**COMMON, **DEFAULTS[kind], **raw, "kind": kind, "index": i, "side": lying}
            seg["side_from"] = lying
            seg["noise"] = [_noise_params(rng, seg["jitter_deg"]) for _ in range(4)]
            seg["t0"] = t
            _layout_reps(seg, rng)
            seg["t1_gap"] = seg["t1"] + seg["gap_s"]
        else:
            raise ValueError(f"unknown segment kind {kind!r}")
        t = seg["t1_gap"]
        segs.append(seg)
    return segs, t


# --- evaluation: per-frame channels, vectorised per segment -------------------------------
def _ease(u: F64) -> F64:
    """Cosine ease-in/out 0..1 -> 0..1 (render.py ``ease``)."""
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(u, 0.0, 1.0))


def _rest(n: int, side: str) -> dict[str, Any]:
    st: dict[str, Any] = {k: np.zeros(n) for k in _CH}
    st["abd"][:] = REST_DEG
    st["babd"][:], st["bflex"][:], st["bknee"][:] = _BOTTOM
    st["vroll"][:] = 90.0 * _sgn(side)
    st.update(phase=np.full(n, "rest", object), rep=np.zeros(n, int), lying=np.full(n, side, "<U5"))
    return st


def _per_rep(seg: Seg, key: str, idx: Any) -> F64:
    return np.asarray(np.array([e[key] for e in seg["rep_events"]], np.float64)[idx])


def _reps(seg: Seg, tt: F64) -> tuple[Any, Any, F64]:
    """Rep index (0-based), in-rep mask and rep progress u (0..1) per frame."""
    if not seg["rep_events"]:
        return np.zeros(len(tt), int), np.zeros(len(tt), bool), np.zeros(len(tt))
    starts = np.array([e["start"] for e in seg["rep_events"]])
    ends = np.array([e["end"] for e in seg["rep_events"]])
    i = np.clip(np.searchsorted(starts, tt, "right") - 1, 0, len(starts) - 1)
    inrep = (tt >= starts[i]) & (tt < ends[i])
    return i, inrep, np.where(inrep, (tt - starts[i]) / (ends[i] - starts[i]), 0.0)


def _raise(seg: Seg, tt: F64, st: dict[str, Any], i: Any, inrep: Any, u: F64) -> F64:
    up, hold, down = np.array([e["profile"] for e in seg["rep_events"]])[i].T
    peak = _per_rep(seg, "peak_abduction_deg", i)
    span = peak - REST_DEG
    conds = [u < up, u < up + hold, u < up + hold + down]
    fall = REST_DEG + span * (1 - _ease((u - up - hold) / down))
    a = np.select(conds, [REST_DEG + span * _ease(u / up), peak, fall], REST_DEG)
    ph = np.select(conds, ["up", "hold", "down"], "rest")
    mom = np.array([bool(e["faults"].get("momentum")) for e in seg["rep_events"]])[i]
    a = a + np.where(mom & (ph == "down"), 0.06 * span * np.sin(np.pi * (u - up) / down), 0.0)
    st["abd"] = np.where(inrep, a, REST_DEG)
    st["phase"] = np.where(inrep, ph, "rest").astype(object)
    return np.where(inrep, np.maximum(0.0, (a - REST_DEG) / np.maximum(1e-6, span)), 0.0)


def _lift_lower(seg: Seg, tt: F64, st: dict[str, Any], level: float) -> tuple[Any, Any]:
    lift = tt < seg["t0"] + seg["lift_s"]
    lower = ~lift & (tt >= seg["t_reps_end"])
    up = REST_DEG + (level - REST_DEG) * _ease((tt - seg["t0"]) / seg["lift_s"])
    down = REST_DEG + (level - REST_DEG) * (1 - _ease((tt - seg["t_reps_end"]) / seg["lift_s"]))
    st["abd"] = np.where(lift, up, np.where(lower, down, level))
    st["phase"] = np.where(lift, "lift", np.where(lower, "lower", "rest")).astype(object)
    return lift, lower


_BIKE_U = np.array([0.0, 0.3, 0.5, 0.75, 0.85, 1.0])
_BIKE_PH = np.array(["knee_forward", "extend_forward", "kick_back", "hold_back", "return"])
_BIKE_KEYS = ("knee_forward_hip_deg", "knee_forward_knee_deg", "extend_hip_deg", "kick_back_deg")


def _bicycle(seg: Seg, tt: F64, st: dict[str, Any], i: Any, inrep: Any, u: F64) -> F64:
    _lift_lower(seg, tt, st, seg["hover_deg"])
    a = _per_rep(seg, "amp_scale", i)
    f, k, e, b = (seg[key] for key in _BIKE_KEYS)
    z = np.zeros_like(a)
    fl = np.stack([z, f * a, e * a, -b * a, -b * a, z], 1)
    kn = np.tile([0.0, k, 5.0, 0.0, 0.0, 0.0], (len(a), 1))
    j = np.clip(np.searchsorted(_BIKE_U, u, "right") - 1, 0, 4)
    w = _ease((u - _BIKE_U[j]) / (_BIKE_U[j + 1] - _BIKE_U[j]))
    r = np.arange(len(a))
    st["flex"] = np.where(inrep, fl[r, j] + (fl[r, j + 1] - fl[r, j]) * w, 0.0)
    st["knee"] = np.where(inrep, kn[r, j] + (kn[r, j + 1] - kn[r, j]) * w, 0.0)
    st["phase"] = np.where(inrep, _BIKE_PH[j], st["phase"]).astype(object)
    return np.where(inrep, np.sin(np.pi * u), 0.0)


def _circle(seg: Seg, tt: F64, st: dict[str, Any], i: Any, inrep: Any, u: F64) -> F64:
    c = seg["centre_deg"]
    _lift_lower(seg, tt, st, c)
    t_start = seg["rep_events"][0]["start"]
    ramp = np.minimum(1.0, np.minimum((tt - t_start) / 0.3, (seg["t_reps_end"] - tt) / 0.3))
    r = seg["radius_deg"] * _per_rep(seg, "amp_scale", i) * ramp
    sgn = 1.0 if circle_sequence(seg["direction"], seg["side"]).startswith("forward") else -1.0
    st["abd"] = np.where(inrep, c + r * np.sin(2 * np.pi * u), st["abd"])
    st["flex"] = np.where(inrep, sgn * r * np.cos(2 * np.pi * u), 0.0)
    st["phase"] = np.where(inrep, "circle", st["phase"]).astype(object)
    return np.where(inrep, ramp, 0.0)


_FAULT_CH = dict(zip(FAULT_KEYS, ("roll", "rot", "knee", "flex"), strict=True))


def _exercise(seg: Seg, tt: F64, st: dict[str, Any]) -> None:
    """render.py Program.at for one exercise segment, on frames with t0 <= t < t1."""
    i, inrep, u = _reps(seg, tt)
    kind = seg["kind"]
    fn = _raise if kind in _RAISES else _bicycle if kind == "bicycle_sidekick" else _circle
    if seg["rep_events"]:
        env = fn(seg, tt, st, i, inrep, u)
        for key, ch in _FAULT_CH.items():
            vals = np.array([e["faults"].get(key, 0.0) for e in seg["rep_events"]])[i]
            st[ch] = st[ch] + vals * env
    elif kind != "rest" and kind not in _RAISES:
        _lift_lower(seg, tt, st, seg["hover_deg" if kind == "bicycle_sidekick" else "centre_deg"])
    st["rep"] = np.where(inrep, i + 1, 0)
    amp, lifted = seg["jitter_deg"], st["phase"] != "rest"
    for k, (ch, scale) in enumerate((("abd", 1.0), ("flex", 1.0), ("rot", 0.5), ("roll", 0.3))):
        comps = seg["noise"][k]
        if comps:
            norm = sum(c[2] for c in comps)
            wave = sum(a * np.sin(2 * np.pi * f * tt + p) for f, p, a in comps)
            st[ch] = st[ch] + scale * amp * wave / norm * 1.6 * lifted
    st["knee"] = np.maximum(0.0, st["knee"])


def _keyframes(u: F64, table: Table, s: float) -> dict[str, Any]:
    """Eased interpolation of a keyframe table at progress ``u`` (0..1); ``s`` = +1 lying on
    the left side, -1 on the right (flips the channels in ``_FLIP``)."""
    knots = np.asarray(table[0])
    j = np.clip(np.searchsorted(knots, u, "right") - 1, 0, len(knots) - 2)
    w = _ease((u - knots[j]) / (knots[j + 1] - knots[j]))
    out: dict[str, Any] = {"phase": np.asarray(table[2], object)[j]}
    for key, vals in table[1].items():
        v = np.asarray(vals, np.float64) * (s if key in _FLIP else 1.0)
        out[key] = v[j] + (v[j + 1] - v[j]) * w
    return out


def _getting_down(u: F64, t_walk: F64, s: float) -> dict[str, Any]:
    """Walk in (facing the walking direction), turn to the camera, kneel, lie down on the
    side ``s`` (+1 left, -1 right). ``t_walk`` (s) drives the stride (0.9 Hz per leg)."""
    k = _keyframes(u, _DOWN, s)
    stride = np.sin(2 * np.pi * 0.9 * t_walk) * (1.0 - _ease((u - 0.22) / 0.12))
    k["flex"] += 25 * stride
    k["bflex"] -= 25 * stride
    k["knee"] += 40 * np.maximum(0.0, stride)
    k["bknee"] += 40 * np.maximum(0.0, -stride)
    return k


def _break(seg: Seg, tt: F64, st: dict[str, Any], seed: int, s: float) -> None:
    """Lying still: breathing roll, plus one or two small shifts that return."""
    rng = np.random.default_rng([seed % 2**32, seg["index"]])
    st["roll"] = 0.4 * np.sin(2 * np.pi * 0.25 * tt + rng.uniform(0, 2 * np.pi))
    for _ in range(1 + int(rng.integers(0, 2))):
        start, length = rng.uniform(0, max(float(seg["s"]) - 1.5, 0.0)), rng.uniform(0.8, 1.5)
        bump = np.sin(np.pi * np.clip((tt - seg["t0"] - start) / length, 0, 1)) ** 2
        for ch, lo, hi in _SHIFTS:
            st[ch] = st[ch] + rng.uniform(lo, hi) * (s if ch in _FLIP else 1.0) * bump
    st["phase"] = np.full(len(tt), "break", object)


def _move(seg: Seg, tt: F64, st: dict[str, Any], seed: int) -> None:
    kind, dur, t0 = seg["kind"], float(seg["s"]), seg["t0"]
    u = (tt - t0) / dur if dur > 0 else np.ones_like(tt)
    s = _sgn(seg["side"])
    if kind == "getting_down":
        st.update(_getting_down(u, tt - t0, s))
    elif kind == "getting_up":
        st.update(_getting_down(1.0 - u, t0 + dur - tt, s))
        st["phase"] = np.array([_UP_PH[p] for p in st["phase"]], object)
    elif kind == "switch_side":
        st.update(_keyframes(u, _SWITCH, _sgn(seg["side_from"])))
        st["lying"] = np.where(u < 0.5, seg["side_from"], seg["side"])
    else:
        _break(seg, tt, st, seed, s)


def evaluate(segs: list[Seg], t: F64, seed: int = 0) -> dict[str, Any]:
    """Per-frame channels at times ``t`` (s): working-leg angles (abd, flex, rot, knee; deg),
    pelvis roll, bottom leg (babd, bflex, bknee), whole body (vroll, yaw: deg; x, y, z: m),
    and labels (phase, rep, lying, exercise, segment)."""
    n = len(t)
    first = segs[0]["side_from"] if segs else "left"
    out = _rest(n, first)
    out.update(exercise=np.full(n, "rest", object), segment=np.full(n, -1))
    which = np.searchsorted(np.array([s["t0"] for s in segs]), t, "right") - 1
    for k, seg in enumerate(segs):
        m = (which == k) & (t < seg["t1_gap"])
        if not m.any():
            continue
        tt = t[m]
        st = _rest(len(tt), seg["side_from"])
        active = tt < seg["t1"]
        if seg["kind"] in MOVES:
            _move(seg, tt, st, seed)
        elif seg["kind"] != "rest" and active.any():
            sub = {key: v[active] for key, v in st.items()}
            _exercise(seg, tt[active], sub)
            for key, v in sub.items():
                st[key][active] = v
        for key, v in st.items():
            out[key][m] = v
        out["exercise"][m] = exercise_id(seg)
        out["segment"][m] = seg["index"]
    return out


# --- observation ---------------------------------------------------------------------------

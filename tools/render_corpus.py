"""The side-lying validation corpus: many bodies, cameras, tempos and scripts, with exact truth.

Every clip is defined here (``CLIPS``): a body (anny phenotype), clothing, mat colour, light,
the side the person lies on, a camera placement and a script of sets drawn from the ranges a
real person uses (tempo 0.6-1.6x the routine's pace, small raises 10-30 deg, big lifts
30-60 deg, circles 5-15 deg radius with 1-10 circles per lift, with and without lowering
between circles, bicycles at different hover heights, rests, a pause inside a set, form
faults on chosen reps). Validation clips tagged "seen" were scored before a rule changed
(B11 and B12 showed the circle-direction failures that changed it); the rest of the
validation split was first scored with the final rules. Bodies ``B01``-``B07`` are the
DEVELOPMENT split (thresholds may be
tuned on them); ``B08``-``B12`` are the VALIDATION split (only ever scored). ``B13`` (dev) and
``B14`` (val) film from 45 deg toward the feet, beyond the supported placements, to set and
check where counting stops.

Steps (each skips work already done, so an interrupted run resumes):

    python tools/render_corpus.py plan   --out /work/corpus        # scripts + manifest (fast)
    python tools/render_corpus.py render --out /work/corpus        # Blender, slow (~1 h, 2 cores)
    python tools/render_corpus.py pose   --out /work/corpus        # real pose model -> .npz
    python tools/render_corpus.py collect --out /work/corpus --dest tests/data/corpus

``render`` runs the shared renderer (``$RENDER_SHARED``, default
``../shared/tools/render-side-lying``) with its own Python (``--render-python``; its venv
needs bpy, anny and torch CPU, see that folder's requirements), through a small wrapper that
also sets the light of the clip. ``collect`` copies, per clip, the slim truth
(``tools/slim_truth.py``) and the landmarks into ``--dest`` with a ``manifest.json``; tests and
``benchmarks/accuracy.py --suite corpus`` re-score the whole corpus from those in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from slim_truth import slim  # tools/ is on sys.path when this script runs

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(
    os.environ.get("RENDER_SHARED", ROOT.parent / "shared" / "tools" / "render-side-lying")
)
FPS, FRAME_STEP, WIDTH, HEIGHT, SAMPLES = 30, 3, 480, 360, 5

# Routine pace of the renderer's defaults (s per rep); tempo multiplies these.
PACE = {"small_leg_raise": 1.5, "big_leg_lift": 2.0, "bicycle_sidekick": 2.5, "leg_circle": 1.5}


@dataclass(frozen=True)
class Clip:
    """One rendered clip: who, where the camera is, and what they do."""

    name: str
    body: str
    split: str
    side: str
    view: str
    phenotype: dict[str, float]
    clothing: dict[str, str]
    light: dict[str, float]
    segments: list[dict[str, Any]]
    cam_dist: float | None = None
    cam_height: float | None = None
    seed: int = 0
    notes: str = ""
    tags: list[str] = field(default_factory=list)

    def script(self) -> dict[str, Any]:
        """The renderer's script (JSON object form)."""
        return {
            "side": self.side,
            "body": self.phenotype,
            "clothing": self.clothing,
            "seed": self.seed,
            "segments": self.segments,
        }

    def duration_s(self) -> float:
        """Approximate length of the motion (s), for planning the render cost."""
        total = 0.0
        for s in self.segments:
            kind = s["kind"]
            if kind == "rest":
                total += s.get("s", 1.0)
                continue
            total += s.get("reps", 1) * s.get("rep_s", PACE.get(kind, 2.0)) + s.get("gap_s", 0.0)
            if kind in ("bicycle_sidekick", "leg_circle"):
                total += 2 * s.get("lift_s", 0.6)
        return total


def rest(s: float = 0.8) -> dict[str, Any]:
    """A rest with the legs together."""
    return {"kind": "rest", "s": s}


def raise_(kind: str, reps: int, peak: float, tempo: float = 1.0, **kw: Any) -> dict[str, Any]:
    """Small raises or big lifts at ``tempo`` x the routine's pace."""
    return {
        "kind": kind,
        "reps": reps,
        "peak_deg": peak,
        "rep_s": round(PACE[kind] * tempo, 3),
        **kw,
    }


def bike(reps: int, hover: float, tempo: float = 1.0, **kw: Any) -> dict[str, Any]:
    """Bicycle-to-sidekicks hovering at ``hover`` deg of abduction."""
    rep_s = round(PACE["bicycle_sidekick"] * tempo, 3)
    return {"kind": "bicycle_sidekick", "reps": reps, "hover_deg": hover, "rep_s": rep_s, **kw}


def circles(
    direction: str, n: int, radius: float = 10.0, tempo: float = 1.0, **kw: Any
) -> dict[str, Any]:
    """``n`` circles in one lift."""
    return {
        "kind": "leg_circle",
        "direction": direction,
        "reps": n,
        "radius_deg": radius,
        "rep_s": round(PACE["leg_circle"] * tempo, 3),
        **kw,
    }


def body(g: float, age: float, w: float, m: float, h: float, p: float = 0.5) -> dict[str, float]:
    """An anny phenotype (gender 0 male .. 1 female; height 0.3-0.7 for adults)."""
    return {"gender": g, "age": age, "weight": w, "muscle": m, "height": h, "proportions": p}


def dress(skin: str, shirt: str, bottoms: str, socks: str, hair: str, mat: str) -> dict[str, str]:
    """Clothing colours (names of the renderer's tables; ``socks="skin"``: bare feet)."""
    return {
        "skin": skin,
        "shirt": shirt,
        "bottoms": bottoms,
        "socks": socks,
        "hair": hair,
        "mat": mat,
    }


def light(key: float, sun: float, world: float, warm: float = 0.0) -> dict[str, float]:
    """Light: key area light and sun energy factors, world strength factor, warm (+) / cool (-)."""
    return {"key": key, "sun": sun, "world": world, "warm": warm}


S, B = "small_leg_raise", "big_leg_lift"
TOES = "toes_up_deg"

# fmt: off
CLIPS: list[Clip] = [
    # ---- development bodies -------------------------------------------------------------
    Clip("B01_L_front", "B01", "dev", "left", "front",
         body(0.0, 0.5, 0.5, 0.6, 0.55), dress("light", "blue", "black", "white", "dark", "teal"),
         light(1.0, 1.0, 1.0),
         [rest(1.0), raise_(S, 3, 20), rest(), bike(2, 10), rest(), raise_(B, 3, 45), rest(),
          circles("ccw", 3), rest(), circles("cw", 3), rest(1.0)],
         tags=["short series"]),
    Clip("B02_R_front_high", "B02", "dev", "right", "front_high",
         body(1.0, 0.3, 0.3, 0.4, 0.42), dress("dark", "pink", "grey", "skin", "dark", "purple"),
         light(0.6, 1.4, 0.8, 0.3),
         [rest(1.0), raise_(S, 2, 22, gap_s=2.5), raise_(S, 2, 22), rest(),
          raise_(B, 2, 55, 1.4), rest(), circles("cw", 1, 9), rest(0.6), circles("cw", 1, 9),
          rest(1.0)],
         tags=["pause inside a set", "one circle per lift, lowered between"]),
    Clip("B03_L_diagonal15", "B03", "dev", "left", "diagonal15",
         body(0.2, 0.85, 0.8, 0.3, 0.6), dress("tan", "green", "navy", "black", "grey", "grey"),
         light(1.3, 0.7, 1.2, -0.2),
         [rest(1.0), raise_(S, 3, 12, 0.7), rest(), bike(3, 18, 1.2), rest(),
          circles("ccw", 1, 11), rest(), circles("cw", 1, 11), rest(1.0)],
         tags=["one circle per lift"]),
    Clip("B04_R_diagonal30", "B04", "dev", "right", "diagonal30",
         body(0.8, 0.6, 0.7, 0.5, 0.45), dress("medium", "white", "black", "skin", "brown", "grey"),
         light(0.8, 1.0, 0.9, 0.2),
         [rest(1.0), raise_(B, 3, 35, 0.8), rest(), circles("ccw", 5, 6, 0.8), rest(),
          circles("cw", 5, 6, 0.8), rest(1.0)]),
    Clip("B05_L_front_far", "B05", "dev", "left", "front",
         body(0.4, 0.45, 0.55, 0.8, 0.65),
         dress("light", "yellow", "blue", "grey", "blonde", "red"),
         light(1.1, 1.2, 1.0),
         [rest(1.0), raise_(S, 3, 22, **{TOES: {"deg": 30, "reps": [2]},
                                          "knee_bend_deg": {"deg": 30, "reps": [3]}}), rest(),
          bike(2, 5), rest(), raise_(B, 3, 58, pelvis_roll_deg={"deg": 18, "reps": [2]}),
          rest(1.0)],
         cam_dist=3.6, tags=["faults", "far camera"]),
    Clip("B06_R_front_near", "B06", "dev", "right", "front",
         body(0.6, 0.2, 0.4, 0.6, 0.5), dress("dark", "orange", "black", "white", "dark", "teal"),
         light(0.7, 0.8, 1.3, -0.3),
         [rest(1.0), raise_(S, 2, 28, 1.6), rest(), circles("ccw", 8, 12, 0.6), rest(),
          circles("cw", 1, 8, gap_s=0.8), circles("cw", 1, 8), rest(1.0)],
         cam_dist=2.0, tags=["fast circles", "near camera"]),
    Clip("B07_L_front_high_far", "B07", "dev", "left", "front_high",
         body(0.1, 0.7, 0.65, 0.7, 0.5), dress("medium", "purple", "grey", "skin", "dark", "grey"),
         light(1.2, 0.6, 0.9, 0.1),
         [rest(1.0), bike(3, 12, 0.7), rest(),
          raise_(B, 3, 50, **{TOES: {"deg": 25, "reps": [1, 3]}}), rest(),
          circles("cw", 4, 15), rest(1.0)],
         cam_dist=3.0, cam_height=1.9, tags=["faults", "big circles"]),
    # ---- validation bodies (never used to set a threshold) ---------------------------------
    Clip("B08_R_front", "B08", "val", "right", "front",
         body(0.9, 0.4, 0.45, 0.5, 0.4),
         dress("light", "teal", "black", "white", "blonde", "purple"),
         light(0.9, 1.1, 1.0, 0.1),
         [rest(1.0), raise_(S, 3, 18), rest(), bike(2, 15), rest(), raise_(B, 3, 40), rest(),
          circles("ccw", 3), rest(), circles("cw", 3), rest(1.0)],
         tags=["short series", "seen"]),
    Clip("B09_L_front_high", "B09", "val", "left", "front_high",
         body(0.3, 0.75, 0.75, 0.4, 0.58), dress("tan", "red", "navy", "black", "grey", "teal"),
         light(1.4, 0.8, 1.1, -0.1),
         [rest(1.0), raise_(S, 2, 24, 1.3, gap_s=2.5), raise_(S, 2, 24, 1.3), rest(),
          raise_(B, 3, 48, knee_bend_deg={"deg": 35, "reps": [2]}), rest(),
          circles("ccw", 1, 10, gap_s=0.6), circles("ccw", 1, 10), rest(), circles("cw", 4, 7),
          rest(1.0)],
         tags=["pause inside a set", "faults", "one circle per lift, lowered between", "seen"]),
    Clip("B10_R_diagonal15_far", "B10", "val", "right", "diagonal15",
         body(0.7, 0.5, 0.6, 0.3, 0.48), dress("dark", "yellow", "grey", "skin", "dark", "red"),
         light(0.7, 1.3, 0.8, 0.3),
         [rest(1.0), raise_(S, 3, 25, 0.6), rest(), bike(2, 8, 1.5), rest(), circles("ccw", 6, 8),
          rest(), circles("cw", 1, 10), rest(1.0)],
         cam_dist=3.0, tags=["fast raises", "slow bicycles", "one circle per lift", "seen"]),
    Clip("B11_L_diagonal30", "B11", "val", "left", "diagonal30",
         body(0.05, 0.35, 0.35, 0.9, 0.62),
         dress("medium", "black", "white", "white", "brown", "grey"),
         light(1.0, 1.0, 1.0),
         [rest(1.0), raise_(S, 3, 15), rest(), raise_(B, 3, 38, 1.2), rest(),
          circles("ccw", 2, 14), rest(), circles("cw", 2, 14), rest(1.0)],
         tags=["seen"]),
    Clip("B12_R_front_far", "B12", "val", "right", "front",
         body(0.5, 0.9, 0.9, 0.2, 0.44), dress("light", "green", "navy", "grey", "grey", "teal"),
         light(1.2, 1.1, 1.2, -0.2),
         [rest(1.0), raise_(S, 3, 20, **{TOES: {"deg": 30, "reps": [2]},
                                          "pelvis_roll_deg": {"deg": 15, "reps": [3]}}), rest(),
          bike(3, 20), rest(), raise_(B, 2, 58), rest(), circles("ccw", 10, 7, 0.6), rest(1.0)],
         cam_dist=4.0, tags=["faults", "far camera", "ten circles", "seen"]),
    # ---- beyond the supported placements: where counting must stop (dev sets the limit,
    # ---- val checks it) --------------------------------------------------------------
    Clip("B13_L_diagonal45", "B13", "dev", "left", "diagonal45",
         body(0.6, 0.55, 0.5, 0.5, 0.5), dress("light", "navy", "black", "white", "brown", "teal"),
         light(1.0, 0.9, 1.0),
         [rest(1.0), raise_(S, 3, 20), rest(), raise_(B, 3, 45), rest(), circles("ccw", 3),
          rest(1.0)],
         tags=["too oblique"]),
    Clip("B14_R_diagonal45", "B14", "val", "right", "diagonal45",
         body(0.3, 0.4, 0.6, 0.6, 0.55), dress("tan", "grey", "black", "skin", "dark", "purple"),
         light(0.9, 1.1, 1.1, 0.1),
         [rest(1.0), raise_(S, 3, 22), rest(), raise_(B, 3, 42), rest(), circles("cw", 3),
          rest(1.0)],
         tags=["too oblique", "seen"]),
    # ---- added after the circle-direction rules changed on seeing B11 and B12: fresh
    # ---- validation bodies at 30 and 15 deg and square-on -------------------------------
    Clip("B15_R_diagonal30", "B15", "val", "right", "diagonal30",
         body(0.85, 0.65, 0.55, 0.35, 0.38),
         dress("tan", "pink", "black", "white", "blonde", "red"),
         light(1.1, 0.9, 1.0, 0.2),
         [rest(1.0), raise_(S, 2, 20), rest(), circles("ccw", 3, 9), rest(),
          circles("cw", 3, 9), rest(1.0)],
         cam_dist=2.8,
         tags=["seen"]),
    Clip("B16_L_diagonal15", "B16", "val", "left", "diagonal15",
         body(0.15, 0.3, 0.45, 0.7, 0.56),
         dress("dark", "white", "grey", "black", "dark", "teal"),
         light(0.8, 1.2, 0.9, -0.1),
         [rest(1.0), raise_(B, 2, 45), rest(), circles("ccw", 3, 10), rest(),
          circles("cw", 3, 10), rest(1.0)],
         tags=["seen"]),
    Clip("B17_R_front", "B17", "val", "right", "front",
         body(0.45, 0.5, 0.65, 0.45, 0.52),
         dress("medium", "red", "grey", "white", "brown", "purple"),
         light(1.0, 1.0, 1.1),
         [rest(1.0), bike(2, 12), rest(), circles("ccw", 4, 8, 0.8), rest(),
          circles("cw", 4, 8, 0.8), rest(1.0)],
         cam_dist=3.2,
         tags=["seen"]),
    # ---- between square-on and 30 deg (B16's 15 deg read as square-on): two development
    # ---- bodies at 10 and 20 deg to set the rules, three fresh validation bodies --------
    Clip("B18_R_diagonal10", "B18", "dev", "right", "diagonal10",
         body(0.35, 0.6, 0.7, 0.5, 0.5), dress("tan", "blue", "grey", "white", "dark", "red"),
         light(1.0, 1.1, 0.9, 0.1),
         [rest(1.0), raise_(S, 2, 18), rest(), circles("ccw", 3, 9), rest(),
          circles("cw", 3, 9), rest(1.0)]),
    Clip("B19_L_diagonal20", "B19", "dev", "left", "diagonal20",
         body(0.75, 0.45, 0.4, 0.55, 0.47),
         dress("light", "green", "black", "skin", "brown", "purple"),
         light(0.9, 1.0, 1.1, -0.1),
         [rest(1.0), raise_(B, 2, 42), rest(), circles("cw", 3, 11), rest(),
          circles("ccw", 3, 11), rest(1.0)],
         cam_dist=2.8),
    Clip("B20_L_diagonal10", "B20", "val", "left", "diagonal10",
         body(0.55, 0.35, 0.6, 0.65, 0.53),
         dress("medium", "grey", "navy", "white", "dark", "teal"),
         light(1.1, 0.9, 1.0),
         [rest(1.0), raise_(S, 2, 22), rest(), circles("ccw", 3, 10), rest(),
          circles("cw", 3, 10), rest(1.0)],
         tags=["seen"]),
    Clip("B21_R_diagonal20", "B21", "val", "right", "diagonal20",
         body(0.1, 0.55, 0.5, 0.75, 0.6), dress("dark", "red", "black", "black", "dark", "grey"),
         light(1.2, 0.8, 1.0, 0.2),
         [rest(1.0), raise_(B, 2, 40), rest(), circles("cw", 3, 9), rest(),
          circles("ccw", 3, 9), rest(1.0)],
         cam_dist=3.0,
         tags=["seen"]),
    Clip("B22_R_diagonal15", "B22", "val", "right", "diagonal15",
         body(0.9, 0.7, 0.75, 0.3, 0.42),
         dress("light", "purple", "grey", "grey", "blonde", "teal"),
         light(0.9, 1.0, 1.0, -0.2),
         [rest(1.0), raise_(S, 2, 15), rest(), circles("ccw", 3, 8), rest(),
          circles("cw", 3, 8), rest(1.0)],
         tags=["seen"]),
    # ---- fresh validation bodies for the world-landmark yaw rule (set on dev B01-B19) ----
    Clip("B23_L_diagonal10", "B23", "val", "left", "diagonal10",
         body(0.25, 0.45, 0.55, 0.6, 0.54), dress("tan", "teal", "black", "white", "dark", "grey"),
         light(1.0, 1.0, 1.0, 0.1),
         [rest(1.0), raise_(S, 2, 20), rest(), circles("cw", 3, 10), rest(),
          circles("ccw", 3, 10), rest(1.0)],
         tags=["seen"]),
    Clip("B24_R_diagonal15", "B24", "val", "right", "diagonal15",
         body(0.65, 0.6, 0.65, 0.4, 0.46),
         dress("medium", "navy", "grey", "skin", "brown", "red"),
         light(0.9, 1.1, 1.0, -0.1),
         [rest(1.0), raise_(B, 2, 45), rest(), circles("ccw", 3, 9), rest(),
          circles("cw", 3, 9), rest(1.0)],
         tags=["seen"]),
    Clip("B25_L_diagonal20", "B25", "val", "left", "diagonal20",
         body(0.4, 0.8, 0.6, 0.5, 0.5), dress("light", "orange", "navy", "black", "grey", "teal"),
         light(1.1, 0.9, 1.1),
         [rest(1.0), raise_(S, 2, 18), rest(), circles("ccw", 3, 10), rest(),
          circles("cw", 3, 10), rest(1.0)],
         cam_dist=2.8,
         tags=["seen"]),
    # ---- fresh validation bodies (defined 2026-12-04 before the zoomed second pose pass and
    # ---- any later rule were scored on them): far and dim cameras, 10 deg turns ----------
    Clip("B26_L_diagonal15_far", "B26", "val", "left", "diagonal15",
         body(0.2, 0.55, 0.7, 0.45, 0.5), dress("dark", "grey", "black", "skin", "dark", "red"),
         light(0.6, 1.2, 0.8, 0.2),
         [rest(1.0), raise_(S, 3, 22, 0.7), rest(), bike(2, 10, 1.3), rest(),
          circles("cw", 4, 9), rest(), circles("ccw", 2, 10), rest(1.0)],
         cam_dist=3.2, tags=["seen", "fast raises", "far camera"]),
    Clip("B27_R_diagonal10", "B27", "val", "right", "diagonal10",
         body(0.8, 0.65, 0.5, 0.35, 0.45), dress("medium", "blue", "grey", "white", "grey", "teal"),
         light(1.0, 0.9, 1.1, -0.1),
         [rest(1.0), raise_(S, 2, 20), rest(), circles("ccw", 3, 10), rest(),
          circles("cw", 3, 10), rest(1.0)],
         tags=["seen"]),
    Clip("B28_L_front_far", "B28", "val", "left", "front",
         body(0.6, 0.3, 0.45, 0.55, 0.52), dress("tan", "red", "navy", "black", "blonde", "grey"),
         light(0.7, 0.8, 0.9),
         [rest(1.0), bike(2, 12), rest(), raise_(B, 3, 45, 1.2), rest(), circles("ccw", 3, 8),
          rest(1.0)],
         cam_dist=4.0, tags=["seen", "far camera", "dim light"]),
    Clip("B29_R_diagonal10", "B29", "val", "right", "diagonal10",
         body(0.3, 0.4, 0.8, 0.6, 0.56),
         dress("light", "yellow", "black", "skin", "brown", "purple"),
         light(1.1, 1.0, 1.0, 0.1),
         [rest(1.0), raise_(B, 2, 40), rest(), circles("cw", 3, 9), rest(),
          circles("ccw", 3, 9), rest(1.0)],
         cam_dist=2.8,
         tags=["seen"]),
    # ---- fresh validation bodies (defined 2026-12-04 09:10 UTC, after B26-B29 were scored
    # ---- and the circle gate changed for B27): a spread of placements ------------------
    Clip("B30_L_front", "B30", "val", "left", "front",
         body(0.45, 0.6, 0.55, 0.5, 0.5),
         dress("medium", "orange", "black", "white", "dark", "blue"),
         light(1.0, 1.0, 1.0),
         [rest(1.0), raise_(S, 2, 16, 1.2), rest(), bike(2, 10), rest(), circles("ccw", 3, 9),
          rest(), circles("cw", 3, 9), rest(1.0)],
         cam_dist=3.0),
    Clip("B31_R_diagonal10", "B31", "val", "right", "diagonal10",
         body(0.7, 0.5, 0.65, 0.45, 0.48), dress("tan", "grey", "navy", "skin", "brown", "red"),
         light(0.9, 1.1, 1.0, 0.1),
         [rest(1.0), raise_(B, 2, 38), rest(), circles("ccw", 3, 10), rest(),
          circles("cw", 3, 10), rest(1.0)]),
    Clip("B32_L_front_high", "B32", "val", "left", "front_high",
         body(0.15, 0.7, 0.5, 0.7, 0.58),
         dress("dark", "teal", "grey", "black", "dark", "grey"),
         light(1.1, 0.9, 1.0, -0.1),
         [rest(1.0), raise_(S, 3, 20), rest(), circles("cw", 3, 8), rest(),
          circles("ccw", 3, 8), rest(1.0)]),
    Clip("B33_R_diagonal20", "B33", "val", "right", "diagonal20",
         body(0.95, 0.35, 0.4, 0.3, 0.44),
         dress("light", "red", "black", "white", "blonde", "teal"),
         light(1.0, 1.0, 1.1),
         [rest(1.0), bike(2, 12, 1.2), rest(), circles("ccw", 3, 11), rest(),
          circles("cw", 3, 11), rest(1.0)],
         cam_dist=3.2),
]
# fmt: on


def clip_dir(out: Path, clip: Clip) -> Path:
    """Where one clip's renderer output lives."""
    return out / clip.name


def plan(out: Path) -> int:
    """Write every clip's script and the manifest; print the render cost."""
    out.mkdir(parents=True, exist_ok=True)
    frames = 0
    for c in CLIPS:
        d = clip_dir(out, c)
        d.mkdir(exist_ok=True)
        (d / "script.json").write_text(json.dumps(c.script(), indent=1), encoding="utf-8")
        n = int(c.duration_s() * FPS / FRAME_STEP)
        frames += n
        print(f"{c.name:24s} {c.split:3s} {c.view:11s} {c.duration_s():5.1f} s  ~{n} frames")
    manifest = {"fps": FPS // FRAME_STEP, "clips": [asdict(c) for c in CLIPS]}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    print(f"total ~{frames} frames")
    return 0


WRAPPER = """
import os, sys
sys.path.insert(0, os.environ["RENDER_SHARED"])
import render
light = dict(kv.split("=") for kv in os.environ.get("CORPUS_LIGHT", "").split(",") if kv)
_setup = render.setup_scene
def setup_scene(bpy, *a, **k):
    obj = _setup(bpy, *a, **k)
    warm = float(light.get("warm", 0))
    for lamp in bpy.data.lights:
        factor = float(light.get("sun" if lamp.type == "SUN" else "key", 1))
        lamp.energy *= factor
        lamp.color = (1.0, 1.0 - 0.5 * max(0, -warm) - 0.15 * max(0, warm),
                      1.0 - 0.5 * max(0, warm))
    bg = bpy.context.scene.world.node_tree.nodes["Background"].inputs["Strength"]
    bg.default_value *= float(light.get("world", 1))
    return obj
render.setup_scene = setup_scene
sys.argv[0] = "render.py"
render.main()
"""


def render(out: Path, python: str, names: set[str] | None, threads: int) -> int:
    """Render and encode every clip that has no video yet."""
    wrapper = out / "_render_lit.py"
    wrapper.write_text(WRAPPER, encoding="utf-8")
    for c in CLIPS:
        if names and c.name not in names:
            continue
        d = clip_dir(out, c)
        video = d / f"{c.name}.mp4"
        if video.exists():
            continue
        cmd = [
            python,
            str(wrapper),
            "--out",
            str(d / "render"),
            "--script",
            str(d / "script.json"),
            "--view",
            c.view,
            "--frame-step",
            str(FRAME_STEP),
            "--width",
            str(WIDTH),
            "--height",
            str(HEIGHT),
            "--samples",
            str(SAMPLES),
            "--skip-existing",
        ]
        if c.cam_dist is not None:
            cmd += ["--cam-dist", str(c.cam_dist)]
        if c.cam_height is not None:
            cmd += ["--cam-height", str(c.cam_height)]
        env = {
            **os.environ,
            "RENDER_SHARED": str(SHARED),
            "THREADS": str(threads),
            "CORPUS_LIGHT": ",".join(f"{k}={v}" for k, v in c.light.items()),
        }
        print("rendering", c.name, flush=True)
        subprocess.run(cmd, check=True, env=env)
        tmp = d / "tmp.mp4"
        subprocess.run([python, str(SHARED / "encode.py"), str(d / "render"), str(tmp)], check=True)
        tmp.replace(video)
    return 0


def pose(out: Path, model: str) -> int:
    """Landmarks of every rendered clip with the real pose model (``hipcoach pose``)."""
    for c in CLIPS:
        d = clip_dir(out, c)
        video, npz = d / f"{c.name}.mp4", d / f"{c.name}.npz"
        if not video.exists() or npz.exists():
            continue
        print("pose", c.name, flush=True)
        cmd = [
            sys.executable,
            "-m",
            "hipcoach",
            "pose",
            str(video),
            "--out",
            str(npz),
            "--model",
            model,
        ]
        subprocess.run(cmd, check=False)
    return 0


def collect(out: Path, dest: Path) -> int:
    """Slim truth + landmarks + manifest of every finished clip into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    done = []
    for c in CLIPS:
        d = clip_dir(out, c)
        gt_path, npz = d / "render" / "ground_truth.json", d / f"{c.name}.npz"
        if not (gt_path.exists() and npz.exists()):
            print("not ready:", c.name)
            continue
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        slim_gt = slim(gt)
        slim_gt["segments"] = [_slim_segment(s) for s in gt["segments"]]
        slim_gt["camera"] = gt["camera"]
        slim_gt["phenotype"] = gt["phenotype"]
        (dest / f"{c.name}.truth.json").write_text(json.dumps(slim_gt), encoding="utf-8")
        shutil.copyfile(npz, dest / f"{c.name}.npz")
        done.append(asdict(c))
    manifest = {"fps": FPS // FRAME_STEP, "clips": done}
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    print(f"{len(done)} clips in {dest}")
    return 0


SEGMENT_KEYS = (
    "index",
    "kind",
    "exercise",
    "side",
    "start",
    "end",
    "reps",
    "direction",
    "direction_seen_from_feet",
    "faults_injected",
)
REP_KEYS = ("index", "start", "end", "peak", "peak_abduction_deg", "faults")


def _slim_segment(seg: dict[str, Any]) -> dict[str, Any]:
    out = {k: seg[k] for k in SEGMENT_KEYS if k in seg}
    out["rep_events"] = [{k: e[k] for k in REP_KEYS if k in e} for e in seg.get("rep_events", [])]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("step", choices=["plan", "render", "pose", "collect"])
    p.add_argument("--out", type=Path, default=Path("/work/corpus"))
    p.add_argument("--dest", type=Path, default=ROOT / "tests" / "data" / "corpus")
    p.add_argument("--render-python", default=os.environ.get("RENDER_PYTHON", "python"))
    p.add_argument("--only", default="", help="comma list of clip names (render)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--model", default="full")
    a = p.parse_args(argv)
    if a.step == "plan":
        return plan(a.out)
    if a.step == "render":
        plan(a.out)
        return render(a.out, a.render_python, set(filter(None, a.only.split(","))), a.threads)
    if a.step == "pose":
        return pose(a.out, a.model)
    return collect(a.out, a.dest)


if __name__ == "__main__":
    raise SystemExit(main())

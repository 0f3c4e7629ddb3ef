"""The baseline of issue 16: a hobby-style pose loop (OpenCV decode + legacy ``mp.solutions.pose``).

Run with a Python that has the LEGACY MediaPipe (``mp.solutions`` was removed after 0.10.x;
hipcoach itself uses the Tasks API). ``benchmarks/pose_vs_legacy.py`` builds that venv
(``--make-venv``) and times this script against ``hipcoach pose`` in the same run.

    /path/to/legacy-venv/bin/python benchmarks/legacy_pose_loop.py CLIP

Prints the frames read and the frames with a person; no landmarks are kept.
"""

from __future__ import annotations

import sys

import cv2  # type: ignore[import-not-found]
import mediapipe as mp  # type: ignore[import-not-found]


def main() -> int:
    cap = cv2.VideoCapture(sys.argv[1])
    frames = found = 0
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            frames += 1
            result = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            found += result.pose_landmarks is not None
    cap.release()
    print(f"frames {frames} with a person {found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One "body in the picture" check (sequence.quality) behind the pose step, the side-lying
view check and the screens: same frames, same message, same fix; each keeps its own share."""

from __future__ import annotations

import numpy as np
import pytest

from hipcoach.analysis.view import assess_view, frame_geometry
from hipcoach.backends.base import PoseCandidate
from hipcoach.config import DEFAULTS
from hipcoach.landmarks import Landmark
from hipcoach.screens.common import check_frontal_view
from hipcoach.sequence.builder import SequenceBuilder
from hipcoach.sequence.quality import (
    FIX_FRAMING,
    LOWER_BODY,
    body_in_picture,
    framing_problems,
    out_of_frame_problem,
)
from hipcoach.sequence.schema import PoseSequence
from hipcoach.synth import BodyPose, Camera, candidate_from_body, standing_body

W, H = 640, 480


def _person() -> PoseCandidate:
    cam = Camera(width=W, height=H, distance_m=3.0, centre_px=(W / 2, H / 2))
    return candidate_from_body(standing_body(BodyPose()), cam)


def _sequence(n_cut: int, n: int = 10, landmark: int = Landmark.LEFT_ANKLE) -> PoseSequence:
    """``n`` frames of a standing person; in the first ``n_cut`` ``landmark`` is below the
    picture."""
    whole = _person()
    builder = SequenceBuilder(W, H)
    for i in range(n):
        xyz = whole.norm_xyz.copy()
        if i < n_cut:
            xyz[landmark, 1] = 1.2
        builder.append(i / 10, PoseCandidate(xyz, whole.visibility, whole.presence, whole.world))
    return builder.build()


@pytest.mark.parametrize("landmark", [int(lm) for lm in LOWER_BODY])
def test_each_of_hips_knees_and_ankles_is_needed(landmark: int) -> None:
    inside = body_in_picture(_sequence(3, landmark=landmark), DEFAULTS.signal.min_visibility)
    assert inside.tolist() == [False] * 3 + [True] * 7


def test_a_hidden_landmark_counts_as_out_of_the_picture() -> None:
    seq = _sequence(0)
    seq.visibility[:4, Landmark.RIGHT_KNEE] = 0.0
    assert body_in_picture(seq, 0.5).tolist() == [False] * 4 + [True] * 6
    assert body_in_picture(seq, 0.0).all()


def test_the_message_names_the_share_and_the_frames_below_the_limit_only() -> None:
    assert out_of_frame_problem(0.5, 0.5, "the frames") is None
    message = out_of_frame_problem(0.49, 0.5, "the lying frames")
    assert message == (
        "body partly out of frame: hips, knees and ankles were all in the picture in only "
        "49% of the lying frames"
    )


def test_pose_step_and_screens_use_the_same_check_with_their_own_share() -> None:
    seq = _sequence(3)  # 70 % of the frames show the body
    assert framing_problems(seq) == []  # the pose step needs 50 %
    screen = check_frontal_view(seq)  # the screens need 80 %
    assert screen.problems[0] == out_of_frame_problem(0.7, 0.8, "the frames")
    assert screen.fix == FIX_FRAMING
    cut = _sequence(6)
    assert framing_problems(cut) == [out_of_frame_problem(0.4, 0.5, "the frames with a person")]


def test_side_lying_view_reads_the_same_frames() -> None:
    seq = _sequence(3)
    np.testing.assert_array_equal(
        frame_geometry(seq).whole_body, body_in_picture(seq, DEFAULTS.signal.min_visibility)
    )
    report, _ = assess_view(seq)  # a standing person: not lying, so no framing message
    assert not any("out of frame" in p for p in report.problems)

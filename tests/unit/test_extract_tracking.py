"""Pipeline and person tracking on synthetic skeletons fed through the ReplayBackend."""

from __future__ import annotations

import numpy as np
import pytest

from hipcoach.backends import ReplayBackend
from hipcoach.backends.base import PoseCandidate
from hipcoach.errors import NoPersonError
from hipcoach.extract import extract_poses
from hipcoach.sequence.builder import SequenceBuilder
from hipcoach.sequence.quality import framing_problems, require_person
from hipcoach.sequence.tracking import PersonTracker
from hipcoach.synth import BodyPose, Camera, candidate_from_body, standing_body
from hipcoach.video.base import Frame
from tests.helpers.sources import BlankSource

W, H = 640, 480


def person(x_px: float, distance_m: float = 3.0, abduction: float = 0.0) -> PoseCandidate:
    body = standing_body(BodyPose(left_hip_abduction_deg=abduction))
    cam = Camera(width=W, height=H, distance_m=distance_m, centre_px=(x_px, H / 2))
    return candidate_from_body(body, cam)


def test_missing_frames_are_kept_as_nan() -> None:
    times = [i / 30 for i in range(10)]
    frames = [[person(320)] if i % 3 else [] for i in range(10)]
    result = extract_poses(BlankSource(times, W, H), ReplayBackend(frames))
    seq = result.sequence
    assert len(seq) == 10
    np.testing.assert_allclose(seq.times_s, times)
    np.testing.assert_array_equal(seq.detected, [i % 3 != 0 for i in range(10)])
    assert np.isnan(seq.image_xy[0]).all() and np.isfinite(seq.image_xy[1]).all()


def test_pixels_are_scaled_to_the_source_size() -> None:
    cand = person(300)
    seq = extract_poses(BlankSource([0.0], W, H), ReplayBackend([[cand]])).sequence
    np.testing.assert_allclose(seq.image_xy[0], cand.norm_xyz[:, :2] * [W, H], rtol=1e-6)


def test_exerciser_is_largest_and_is_kept_when_a_bystander_comes_closer() -> None:
    tracker = PersonTracker(W, H)
    near, far = person(200, distance_m=2.5), person(500, distance_m=6.0)
    assert tracker.update(0.0, [far, near]) is near
    # Bystander walks toward the camera and becomes larger; the exerciser stays put.
    for i in range(1, 20):
        big_bystander = person(500 - i, distance_m=2.0)
        chosen = tracker.update(i / 30, [big_bystander, person(200, distance_m=2.5)])
        assert chosen is not None
        assert abs(chosen.centre()[0] * W - 200) < 5
    assert tracker.frames_with_others == 20


def test_bystander_never_replaces_a_lost_exerciser() -> None:
    tracker = PersonTracker(W, H)
    tracker.update(0.0, [person(150)])
    assert tracker.update(0.1, [person(560)]) is None  # only a far-away other person in view
    # After a long absence the search radius has grown enough to find the person again.
    assert tracker.update(3.0, [person(560)]) is not None


def test_interrupt_returns_partial_sequence() -> None:
    times = [i / 30 for i in range(50)]

    def stop_at_20(frame: Frame, _: PoseCandidate | None) -> None:
        if frame.index == 20:
            raise KeyboardInterrupt

    result = extract_poses(
        BlankSource(times, W, H), ReplayBackend([[person(320)]] * 50), on_frame=stop_at_20
    )
    assert result.interrupted
    assert len(result.sequence) == 21


def test_replay_from_sequence_round_trips() -> None:
    frames = [[person(320, abduction=a)] if a % 20 else [] for a in range(0, 60, 5)]
    times = [i / 10 for i in range(len(frames))]
    first = extract_poses(BlankSource(times, W, H), ReplayBackend(frames)).sequence
    second = extract_poses(BlankSource(times, W, H), ReplayBackend.from_sequence(first)).sequence
    np.testing.assert_array_equal(first.detected, second.detected)
    np.testing.assert_allclose(first.image_xy, second.image_xy, rtol=1e-5)
    np.testing.assert_allclose(first.world, second.world)


def test_quality_checks() -> None:
    builder = SequenceBuilder(W, H)
    builder.append(0.0, None)
    with pytest.raises(NoPersonError):
        require_person(builder.build())
    whole = person(320)
    builder.append(0.1, whole)
    assert framing_problems(builder.build()) == []
    cut = PoseCandidate(
        norm_xyz=whole.norm_xyz.copy(),
        visibility=whole.visibility.copy(),
        presence=whole.presence,
        world=whole.world,
    )
    cut.norm_xyz[25:, 1] = 1.2  # knees and feet below the picture
    for i in range(2, 6):
        builder.append(i / 10, cut)
    assert "partly out of frame" in framing_problems(builder.build())[0]


def test_builder_rejects_time_going_backwards() -> None:
    builder = SequenceBuilder(W, H)
    builder.append(1.0, None)
    with pytest.raises(ValueError, match="not after"):
        builder.append(1.0, None)

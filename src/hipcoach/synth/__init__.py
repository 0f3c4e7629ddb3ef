"""Synthetic skeletons with known geometry, for tests and benchmarks (no model needed)."""

from hipcoach.synth.skeleton import BodyPose, Camera, candidate_from_body, standing_body

__all__ = ["BodyPose", "Camera", "candidate_from_body", "standing_body"]

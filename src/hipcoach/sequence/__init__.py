"""The pose data schema shared by every layer: :class:`PoseSequence`."""

from hipcoach.sequence.schema import PoseSequence, Provenance

__all__ = ["PoseSequence", "Provenance"]

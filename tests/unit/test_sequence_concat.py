"""``PoseSequence.concat``: the one way pieces of a sequence are joined (the live count's
growing set, the stitched parts of a split video)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from hipcoach.sequence.io import load_npz
from hipcoach.sequence.schema import PoseSequence

CLIP = Path(__file__).resolve().parents[1] / "data" / "corpus" / "B01_L_front.npz"


def test_pieces_join_back_to_the_whole() -> None:
    seq = load_npz(CLIP)
    cuts = [0, 7, 7, 120, len(seq)]  # an empty piece in the middle changes nothing
    pieces = [seq.select(np.arange(a, b)) for a, b in itertools.pairwise(cuts)]
    joined = PoseSequence.concat(pieces)
    for name in ("times_s", "image_xy", "image_z", "visibility", "presence", "world"):
        np.testing.assert_array_equal(getattr(joined, name), getattr(seq, name))
    np.testing.assert_array_equal(joined.detected, seq.detected)
    assert (joined.width, joined.height, joined.provenance) == (
        seq.width,
        seq.height,
        seq.provenance,
    )

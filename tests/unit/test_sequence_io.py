"""Saving/loading PoseSequence files: npz round trip, CSV and OpenSim TRC exports."""

from __future__ import annotations

import csv
import math
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipcoach.errors import InputError
from hipcoach.landmarks import N_LANDMARKS, NAMES, Landmark
from hipcoach.sequence.export import (
    TRC_MARKER_NAMES,
    TRC_MARKERS,
    csv_header,
    to_csv,
    to_trc,
    trc_header,
)
from hipcoach.sequence.io import FORMAT_VERSION, load, load_csv, load_npz, save, save_npz
from hipcoach.sequence.schema import PoseSequence, Provenance

ARRAYS = ("times_s", "image_xy", "image_z", "visibility", "presence", "world", "detected")
PROV = Provenance(
    source="clip ü.mp4",
    model="pose_landmarker_full",
    model_sha256="ab" * 32,
    versions={"mediapipe": "1.2.2", "hipcoach": "0.1.0"},
    rotation_deg=90,
    frames_with_others=3,
    notes=("interrupted at 12.3 s", "ünïcode"),
)


def make_seq(
    n: int = 6,
    undetected: tuple[int, ...] = (1, 4),
    seed: int = 0,
    width: int = 640,
    height: int = 480,
) -> PoseSequence:
    """A sequence with random finite values and NaN on the ``undetected`` frames."""
    rng = np.random.default_rng(seed)
    detected = np.ones(n, bool)
    detected[list(undetected)] = False
    xy = rng.uniform(0, [width, height], (n, N_LANDMARKS, 2))
    arrays = {
        "image_xy": xy,
        "image_z": rng.uniform(-300, 300, (n, N_LANDMARKS)),
        "visibility": rng.uniform(0, 1, (n, N_LANDMARKS)),
        "presence": rng.uniform(0, 1, (n, N_LANDMARKS)),
        "world": rng.uniform(-1, 1, (n, N_LANDMARKS, 3)),
    }
    for arr in arrays.values():
        arr[~detected] = np.nan
    return PoseSequence(
        times_s=np.arange(n) / 30.0 + 0.5,
        detected=detected,
        width=width,
        height=height,
        provenance=PROV,
        **arrays,
    )


def assert_same(a: PoseSequence, b: PoseSequence) -> None:
    for name in ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)  # NaN == NaN here
    assert (a.width, a.height, a.provenance) == (b.width, b.height, b.provenance)


# ---------------------------------------------------------------------- npz
def test_npz_round_trip_preserves_everything(tmp_path: Path) -> None:
    seq = make_seq()
    path = tmp_path / "seq.npz"
    save_npz(seq, path)
    back = load_npz(path)
    assert_same(seq, back)
    assert np.isnan(back.world[1]).all() and not back.detected[1]
    with np.load(path, allow_pickle=False) as data:
        assert int(data["format_version"]) == FORMAT_VERSION


def test_save_and_load_dispatch_on_suffix(tmp_path: Path) -> None:
    seq = make_seq()
    save(seq, tmp_path / "a.NPZ")
    assert_same(seq, load(tmp_path / "a.NPZ"))
    with pytest.raises(InputError) as err:
        save(seq, tmp_path / "a.xyz")
    assert err.value.message == "unknown output format '.xyz'"
    assert err.value.fix == "use .npz, .csv or .trc"
    with pytest.raises(InputError):
        load(tmp_path / "a.trc")
    assert not (tmp_path / "a.xyz").exists()


def test_atomic_write_leaves_only_the_target(tmp_path: Path) -> None:
    save_npz(make_seq(), tmp_path / "seq.npz")
    save_npz(make_seq(seed=1), tmp_path / "seq.npz")  # overwrite
    to_csv(make_seq(), tmp_path / "seq.csv")
    to_trc(make_seq(), tmp_path / "seq.trc")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seq.csv", "seq.npz", "seq.trc"]


def test_interrupted_write_keeps_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "seq.npz"
    good = make_seq()
    save_npz(good, path)

    def explode(fh: object, *args: object, **kwargs: object) -> None:
        fh.write(b"PK\x03\x04 half an archive")  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", explode)
    with pytest.raises(KeyboardInterrupt):
        save_npz(make_seq(seed=5), path)
    assert [p.name for p in tmp_path.iterdir()] == ["seq.npz"]
    assert_same(good, load_npz(path))


def test_write_into_missing_folder_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write"):
        save(make_seq(), tmp_path / "nope" / "seq.npz")


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_npz(tmp_path / "absent.npz")
    with pytest.raises(InputError, match="not a file"):
        load_npz(tmp_path)


@pytest.mark.parametrize("content", [b"", b"hello, not numpy", b"PK\x03\x04garbage" * 10])
def test_corrupt_file_is_input_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_npz(path)
    assert "\n" not in str(err.value)


def test_truncated_npz_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / "seq.npz"
    save_npz(make_seq(n=50), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError):
        load_npz(path)


def test_plain_npy_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / "arr.npz"
    with path.open("wb") as fh:
        np.save(fh, np.arange(3))
    with pytest.raises(InputError, match="single NumPy array"):
        load_npz(path)


def _rewrite(path: Path, **changes: object) -> None:
    with np.load(path, allow_pickle=False) as data:
        content = {k: data[k] for k in data.files}
    for key, value in changes.items():
        if value is None:
            del content[key]
        else:
            content[key] = value
    np.savez_compressed(path, **content)


def test_missing_keys_are_named(tmp_path: Path) -> None:
    path = tmp_path / "seq.npz"
    save_npz(make_seq(), path)
    _rewrite(path, world=None, width=None)
    with pytest.raises(InputError, match="missing width, world"):
        load_npz(path)


def test_newer_format_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "seq.npz"
    save_npz(make_seq(), path)
    _rewrite(path, format_version=np.int64(FORMAT_VERSION + 1))
    with pytest.raises(InputError, match="upgrade") as err:
        load_npz(path)
    assert err.value.fix == "upgrade hipcoach"


@pytest.mark.parametrize(
    "changes",
    [
        {"provenance": np.array("{not json")},
        {"width": np.float64(3.5)},
        {"image_xy": np.zeros((6, 5, 2))},
        {"world": np.array(["a", "b"])},
    ],
)
def test_damaged_content_is_input_error(tmp_path: Path, changes: dict[str, object]) -> None:
    path = tmp_path / "seq.npz"
    save_npz(make_seq(), path)
    _rewrite(path, **changes)
    with pytest.raises(InputError):
        load_npz(path)


def test_pickled_object_arrays_are_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "seq.npz"
    save_npz(make_seq(), path)
    _rewrite(path, provenance=np.array([{"source": "x"}], dtype=object))
    with pytest.raises(InputError):
        load_npz(path)


def test_npz_is_a_plain_zip_without_pickles(tmp_path: Path) -> None:
    path = tmp_path / "seq.npz"
    save_npz(make_seq(), path)
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
    assert names == {
        f"{k}.npy" for k in (*ARRAYS, "width", "height", "format_version", "provenance")
    }


@st.composite
def sequences(draw: st.DrawFn) -> PoseSequence:
    n = draw(st.integers(0, 8))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    detected = rng.random(n) < draw(st.floats(0, 1))
    steps = rng.uniform(1e-3, 1.0, n)
    arrays = {
        "image_xy": rng.normal(0, 500, (n, N_LANDMARKS, 2)),
        "image_z": rng.normal(0, 100, (n, N_LANDMARKS)),
        "visibility": rng.random((n, N_LANDMARKS)),
        "presence": rng.random((n, N_LANDMARKS)),
        "world": rng.normal(0, 1, (n, N_LANDMARKS, 3)),
    }
    nan_share = draw(st.floats(0, 1))
    for arr in arrays.values():
        arr[rng.random(arr.shape) < nan_share] = np.nan  # scattered NaN in detected frames
        arr[~detected] = np.nan
    prov = Provenance(
        source=draw(st.text(max_size=20)),
        notes=tuple(draw(st.lists(st.text(max_size=10), max_size=3))),
        rotation_deg=draw(st.sampled_from([0, 90, 180, 270])),
        versions=draw(st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3)),
    )
    return PoseSequence(
        times_s=np.cumsum(steps) - draw(st.floats(0, 100)),
        detected=detected,
        width=draw(st.integers(1, 8000)),
        height=draw(st.integers(1, 8000)),
        provenance=prov,
        **arrays,
    )


@settings(max_examples=40, deadline=None)
@given(seq=sequences())
def test_npz_round_trip_property(seq: PoseSequence) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.npz"
        save_npz(seq, path)
        assert_same(seq, load_npz(path))
        assert [p.name for p in Path(tmp).iterdir()] == ["s.npz"]


# ---------------------------------------------------------------------- CSV
def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_csv_layout_and_empty_cells(tmp_path: Path) -> None:
    seq = make_seq(n=6, undetected=(1, 4))
    path = tmp_path / "seq.csv"
    save(seq, path)
    rows = read_csv(path)
    assert len(rows) == len(seq) + 1
    assert rows[0][0] == "time_s" and rows[0][1:5] == [
        "nose_x",
        "nose_y",
        "nose_z",
        "nose_visibility",
    ]
    assert rows[0][-1] == "right_foot_index_visibility"
    assert rows[0] == csv_header()
    assert all(len(r) == 1 + N_LANDMARKS * 4 for r in rows)
    for i, row in enumerate(rows[1:]):
        empty = [c == "" for c in row[1:]]
        assert all(empty) if not seq.detected[i] else not any(empty), i
        assert row[0] != ""
    assert "nan" not in path.read_text().lower()


def test_csv_values_parse_back_within_rounding(tmp_path: Path) -> None:
    seq = make_seq()
    path = tmp_path / "seq.csv"
    to_csv(seq, path)
    rows = read_csv(path)[1:]
    col = {name: k for k, name in enumerate(csv_header())}
    for i, row in enumerate(rows):
        assert float(row[0]) == pytest.approx(seq.times_s[i], abs=5e-7)
        if not seq.detected[i]:
            continue
        for j, name in enumerate(NAMES):
            x, y = (float(row[col[f"{name}_{a}"]]) for a in "xy")
            assert x == pytest.approx(seq.image_xy[i, j, 0], abs=5e-4)
            assert y == pytest.approx(seq.image_xy[i, j, 1], abs=5e-4)
            assert float(row[col[f"{name}_z"]]) == pytest.approx(seq.image_z[i, j], abs=5e-4)
            vis = float(row[col[f"{name}_visibility"]])
            assert vis == pytest.approx(seq.visibility[i, j], abs=5e-5)
            assert len(row[col[f"{name}_visibility"]].split(".")[1]) == 4


def test_csv_loads_back(tmp_path: Path) -> None:
    seq = make_seq()
    path = tmp_path / "seq.csv"
    to_csv(seq, path)
    back = load(path, width=seq.width, height=seq.height)
    assert back.width == seq.width and back.height == seq.height
    np.testing.assert_array_equal(back.detected, seq.detected)
    np.testing.assert_allclose(back.image_xy, seq.image_xy, atol=5e-4)
    np.testing.assert_allclose(back.visibility, seq.visibility, atol=5e-5)
    np.testing.assert_allclose(back.times_s, seq.times_s, atol=5e-7)
    assert np.isnan(back.world).all() and np.isnan(back.presence).all()
    with pytest.raises(InputError, match="frame size"):
        load(path)


def test_csv_with_wrong_columns_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputError):
        load_csv(path, width=10, height=10)
    to_csv(make_seq(n=3, undetected=()), path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines[:2], lines[2].replace(",", ",abc,", 1)]) + "\n")
    with pytest.raises(InputError, match="line 3"):
        load_csv(path, width=10, height=10)


# ---------------------------------------------------------------------- TRC
def opensim_tokens(line: str) -> list[str]:
    """Split a TRC line the way OpenSim's FileAdapter::tokenize does (tab delimiters,
    empty fields kept, a trailing empty remainder dropped)."""
    parts = line.rstrip("\r\n").split("\t")
    return parts[:-1] if parts and parts[-1] == "" else parts


def read_trc(path: Path) -> tuple[dict[str, str], list[str], list[list[str]], list[str]]:
    lines = path.read_text(encoding="utf-8").split("\n")
    meta = dict(zip(lines[1].split("\t"), lines[2].split("\t"), strict=True))
    markers = [m for m in lines[3].split("\t")[2:] if m]
    assert lines[5] == ""  # blank line between header and data
    data = [opensim_tokens(ln) for ln in lines[6:] if ln]
    return meta, markers, data, lines


def test_trc_header_and_rows(tmp_path: Path) -> None:
    seq = make_seq(n=6, undetected=(1, 4))
    path = tmp_path / "walk.trc"
    save(seq, path)
    meta, markers, data, lines = read_trc(path)
    m = N_LANDMARKS
    assert lines[0] == "PathFileType\t4\t(X/Y/Z)\twalk.trc"
    assert list(meta) == [
        "DataRate",
        "CameraRate",
        "NumFrames",
        "NumMarkers",
        "Units",
        "OrigDataRate",
        "OrigDataStartFrame",
        "OrigNumFrames",
    ]
    assert float(meta["DataRate"]) == pytest.approx(30.0, abs=1e-3)
    assert meta["CameraRate"] == meta["OrigDataRate"] == meta["DataRate"]
    assert int(meta["NumFrames"]) == int(meta["OrigNumFrames"]) == len(seq) == len(data)
    assert int(meta["NumMarkers"]) == m and meta["Units"] == "m"
    assert markers == list(TRC_MARKERS) and len(set(markers)) == m
    assert lines[3].startswith("Frame#\tTime\tNose\t\t\t")
    xyz = [t for t in opensim_tokens(lines[4]) if t]
    assert xyz == [f"{a}{i}" for i in range(1, m + 1) for a in "XYZ"]
    for i, row in enumerate(data):
        assert len(row) == 2 + 3 * m
        assert int(row[0]) == i + 1
        assert float(row[1]) == pytest.approx(seq.times_s[i], abs=5e-7)
        cells = row[2:]
        if seq.detected[i]:
            assert all(c != "" for c in cells)
        else:
            assert all(c == "" for c in cells)


def test_trc_marker_names_map_known_landmarks() -> None:
    assert TRC_MARKERS[Landmark.RIGHT_HIP] == "RHip"
    assert TRC_MARKERS[Landmark.LEFT_KNEE] == "LKnee"
    assert TRC_MARKERS[Landmark.RIGHT_FOOT_INDEX] == "RBigToe"
    assert TRC_MARKERS[Landmark.NOSE] == "Nose"
    assert TRC_MARKERS[Landmark.LEFT_PINKY] == "left_pinky"
    assert set(TRC_MARKER_NAMES) <= set(NAMES)


def test_trc_world_axes_y_up_and_right_handed(tmp_path: Path) -> None:
    seq = make_seq(n=3, undetected=())
    world = seq.world.copy()
    world[:, Landmark.LEFT_HIP] = (0.1, 0.0, 0.0)
    world[:, Landmark.LEFT_ANKLE] = (0.1, 0.8, 0.05)  # below the hip: larger MediaPipe y
    seq = replace(seq, world=world)
    path = tmp_path / "s.trc"
    to_trc(seq, path)
    _, _, data, _ = read_trc(path)
    row = data[0]

    def marker(idx: int) -> tuple[float, float, float]:
        x, y, z = (float(v) for v in row[2 + 3 * idx : 5 + 3 * idx])
        return x, y, z

    hip, ankle = marker(Landmark.LEFT_HIP), marker(Landmark.LEFT_ANKLE)
    assert ankle[1] < hip[1]  # lower in the body -> lower TRC Y
    assert ankle == pytest.approx((0.1, -0.8, -0.05))  # (x, -y, -z)
    assert hip == pytest.approx((0.1, 0.0, 0.0))  # X keeps the image right


def test_trc_empty_cells_for_single_missing_marker(tmp_path: Path) -> None:
    seq = make_seq(n=2, undetected=())
    world = seq.world.copy()
    world[0, -1, 2] = np.nan  # last marker, one coordinate missing
    seq = replace(seq, world=world)
    path = tmp_path / "s.trc"
    to_trc(seq, path)
    _, _, data, lines = read_trc(path)
    assert len(data[0]) == 2 + 3 * N_LANDMARKS
    assert data[0][-3:] == ["", "", ""]
    assert lines[6].endswith("\t\t\t\t")
    assert all(c != "" for c in data[0][:-3])


def test_trc_image_space(tmp_path: Path) -> None:
    seq = make_seq(n=4, undetected=(2,), height=480)
    path = tmp_path / "img.trc"
    to_trc(seq, path, space="image")
    meta, _, data, _ = read_trc(path)
    assert meta["Units"] == "px"
    j = int(Landmark.RIGHT_KNEE)
    x, y, z = (float(v) for v in data[0][2 + 3 * j : 5 + 3 * j])
    assert x == pytest.approx(seq.image_xy[0, j, 0], abs=5e-4)
    assert y == pytest.approx(480 - seq.image_xy[0, j, 1], abs=5e-4)
    assert z == 0.0
    assert all(c == "" for c in data[2][2:])


def test_trc_mm_and_bad_units(tmp_path: Path) -> None:
    seq = make_seq(n=2, undetected=())
    to_trc(seq, tmp_path / "mm.trc", units="mm")
    meta, _, data, _ = read_trc(tmp_path / "mm.trc")
    assert meta["Units"] == "mm"
    assert float(data[0][2]) == pytest.approx(seq.world[0, 0, 0] * 1000, abs=1e-3)
    with pytest.raises(InputError):
        to_trc(seq, tmp_path / "bad.trc", space="image", units="m")
    with pytest.raises(InputError):
        to_trc(seq, tmp_path / "bad.trc", units="furlong")
    assert not (tmp_path / "bad.trc").exists()


def test_trc_single_frame_rate_is_zero(tmp_path: Path) -> None:
    seq = make_seq(n=1, undetected=())
    to_trc(seq, tmp_path / "one.trc")
    meta, _, data, _ = read_trc(tmp_path / "one.trc")
    assert meta["DataRate"] == "0" and meta["NumFrames"] == "1" and len(data) == 1
    assert not math.isnan(float(data[0][2]))


def test_trc_rate_is_median_fps_rounded() -> None:
    seq = make_seq(n=5, undetected=())
    times = np.array([0.0, 1 / 29.97, 2 / 29.97, 3 / 29.97, 1.0])
    seq = replace(seq, times_s=times)
    values = trc_header(seq, "x.trc", "m").split("\n")[2].split("\t")
    assert values[0] == "29.97"

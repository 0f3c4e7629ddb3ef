"""Batch planning, content keys and manifests (issue 16), without running a video."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipcoach.batch.keys import file_sha256, job_key, pose_key
from hipcoach.batch.outcome import JobOutcome, read_manifest, write_manifest
from hipcoach.batch.plan import Job, kind_of, plan_jobs
from hipcoach.config import DEFAULTS
from hipcoach.errors import ConfigError, InputError


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("hip.mp4", "hip-series"),
        ("Squat_front.MOV", "squat"),
        ("left-stance.mp4", "stance"),
        ("gait2.webm", "gait"),
        ("session.npz", "hip-series"),
    ],
)
def test_the_kind_comes_from_the_file_name(name: str, kind: str) -> None:
    assert kind_of(name) == kind


def test_a_folder_tree_gives_sorted_jobs_and_ignores_other_files(tmp_path: Path) -> None:
    for rel in ("bob/2026-11-03/squat.mp4", "ann/2026-11-02/b.mp4", "ann/2026-11-02/a.MP4"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    (tmp_path / "ann/2026-11-02/notes.txt").write_text("x")
    (tmp_path / "ann/2026-11-02/.hidden.mp4").write_bytes(b"x")
    (tmp_path / ".cache/2026-11-02").mkdir(parents=True)
    jobs = plan_jobs(tmp_path)
    assert [(j.client, j.date, j.video.name, j.kind) for j in jobs] == [
        ("ann", "2026-11-02", "a.MP4", "hip-series"),
        ("ann", "2026-11-02", "b.mp4", "hip-series"),
        ("bob", "2026-11-03", "squat.mp4", "squat"),
    ]


def test_two_videos_writing_the_same_outputs_are_refused(tmp_path: Path) -> None:
    day = tmp_path / "ann" / "2026-11-02"
    day.mkdir(parents=True)
    (day / "a.mp4").write_bytes(b"x")
    (day / "a.mov").write_bytes(b"x")
    with pytest.raises(ConfigError, match="would write the same outputs"):
        plan_jobs(tmp_path)


def test_a_date_folder_must_be_a_date(tmp_path: Path) -> None:
    (tmp_path / "ann" / "monday").mkdir(parents=True)
    with pytest.raises(ConfigError, match="'monday' is not a date"):
        plan_jobs(tmp_path)


def test_a_manifest_needs_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "jobs.csv"
    path.write_text("client,video\nann,a.mp4\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no column date, kind"):
        plan_jobs(path)


def test_a_manifest_with_a_bom_and_spaces_is_read(tmp_path: Path) -> None:
    path = tmp_path / "jobs.csv"
    text = "\ufeffClient, Date ,video,kind\n ann , 2026-11-02 , v/a.mp4 , gait \n"
    path.write_text(text, encoding="utf-8")
    (job,) = plan_jobs(path)
    assert job == Job("ann", "2026-11-02", tmp_path / "v" / "a.mp4", "gait")


def test_neither_folder_nor_csv_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "a.mp4").write_bytes(b"x")
    with pytest.raises(InputError, match="neither a folder nor a manifest"):
        plan_jobs(tmp_path / "a.mp4")


def test_keys_change_with_what_the_results_depend_on(tmp_path: Path) -> None:
    video = tmp_path / "a.mp4"
    video.write_bytes(b"abc")
    sha = file_sha256(video)
    base = job_key(sha, DEFAULTS, "m", "r", "hip-series")
    assert base == job_key(sha, DEFAULTS, "m", "r", "hip-series")
    assert base != job_key(sha, DEFAULTS, "m", "r2", "hip-series")  # routine
    assert base != job_key(sha, DEFAULTS, "m", "r", "squat")  # kind
    assert base != job_key(sha, DEFAULTS, "m2", "r", "hip-series")  # model file
    rules = DEFAULTS.model_copy(
        update={"segment": DEFAULTS.segment.model_copy(update={"set_gap_s": 9.0})}
    )
    assert base != job_key(sha, rules, "m", "r", "hip-series")
    # the landmarks do not depend on the analysis settings or the routine
    assert pose_key(sha, DEFAULTS, "m") == pose_key(sha, rules, "m")
    lite = DEFAULTS.model_copy(update={"pose": DEFAULTS.pose.model_copy(update={"model": "lite"})})
    assert pose_key(sha, DEFAULTS, "m") != pose_key(sha, lite, "m")


def test_a_manifest_whose_output_was_deleted_is_not_a_finished_job(tmp_path: Path) -> None:
    job = Job("ann", "2026-11-02", tmp_path / "a.mp4", "hip-series")
    (tmp_path / "ann" / "2026-11-02").mkdir(parents=True)
    (tmp_path / "ann" / "2026-11-02" / "a.analysis.json").write_text("{}")
    outcome = JobOutcome("ann", "2026-11-02", str(job.video), job.kind, "k", "done")
    outcome.outputs = {"json": "ann/2026-11-02/a.analysis.json"}
    write_manifest(tmp_path, job, outcome)
    stored = read_manifest(tmp_path, job)
    assert stored is not None and stored.to_json() == outcome.to_json()
    (tmp_path / "ann" / "2026-11-02" / "a.analysis.json").unlink()
    assert read_manifest(tmp_path, job) is None

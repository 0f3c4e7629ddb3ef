"""``hipcoach batch``: the local engine on 2 workers, the re-run skip, a corrupt video
listed, identical outputs for 1 and 2 workers, the pose cache after a routine change, the
PDF client report, and the command line's errors. The Ray engine is in test_batch_ray.py.

Inputs are made here: landmarks from the test corpora (no model needed), the first 12 s of
the bundled demo clip and a 76-frame rendered stance clip (the real model runs on these),
and a file of random bytes named like a video.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from importlib.resources import files
from pathlib import Path

import av
import pytest

from hipcoach.batch import BatchConfig, BatchRequest, BatchResult, JobOutcome, Task, run_batch
from hipcoach.batch.engines import run_local
from hipcoach.batch.plan import plan_jobs
from hipcoach.batch.task import run_task
from hipcoach.config import DEFAULTS
from tests.helpers.bad_input import run_cli

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data"
DEMO = Path(str(files("hipcoach") / "data" / "demo_hip_series.mp4"))


def trim(src: Path, dst: Path, seconds: float) -> Path:
    """The first ``seconds`` of ``src`` re-encoded to ``dst`` (H.264, same size and rate)."""
    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        stream_in = inp.streams.video[0]
        stream = out.add_stream("libx264", rate=stream_in.average_rate)
        stream.width, stream.height, stream.pix_fmt = stream_in.width, stream_in.height, "yuv420p"
        for frame in inp.decode(stream_in):
            if frame.time is not None and frame.time > seconds:
                break
            img = av.VideoFrame.from_ndarray(frame.to_ndarray(format="rgb24"), format="rgb24")
            out.mux(stream.encode(img))
        out.mux(stream.encode())
    return dst


def make_input(root: Path) -> Path:
    """IN/<client>/<date>/ with landmarks, two real clips and a corrupt file."""
    days = {
        "ann/2026-11-02": [(DATA / "corpus" / "B01_L_front.npz", "series.npz")],
        "ann/2026-11-09": [
            (DATA / "corpus" / "B02_R_front_high.npz", "series.npz"),
            (DATA / "standing_corpus" / "S01_squat_valgus0.npz", "squat.npz"),
        ],
        "bob/2026-11-03": [(DATA / "rendered_standing" / "stance_level_left.mp4", "stance.mp4")],
    }
    for day, items in days.items():
        (root / day).mkdir(parents=True)
        for src, name in items:
            shutil.copy(src, root / day / name)
    (root / "bob/2026-11-03/broken.mp4").write_bytes(bytes(range(256)) * 40)
    (root / "cy/2026-11-04").mkdir(parents=True)
    trim(DEMO, root / "cy/2026-11-04/demo.mp4", 12.0)
    return root


@pytest.fixture(scope="module")
def batch_in(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_input(tmp_path_factory.mktemp("batch") / "in")


@pytest.fixture(scope="module")
def two_workers(batch_in: Path) -> tuple[Path, BatchResult]:
    out = batch_in.parent / "out2"
    return out, run_batch(BatchRequest(batch_in, out, workers=2, pdf=False))


def results(out: Path) -> dict[str, bytes]:
    """Every per-video JSON result and the overview CSVs and client pages, by path."""
    paths = [*out.glob("*/*/*.json"), *out.glob("*.csv"), *out.glob("*/report.html")]
    return {
        str(p.relative_to(out)): p.read_bytes() for p in paths if not p.name.endswith(".job.json")
    }


def test_two_workers_do_every_video_and_list_the_corrupt_one(
    two_workers: tuple[Path, BatchResult],
) -> None:
    out, result = two_workers
    status = {Path(o.video).name + "@" + o.client: o.status for o in result.outcomes}
    assert status == {
        "series.npz@ann": "done",
        "squat.npz@ann": "done",
        "broken.mp4@bob": "failed",
        "stance.mp4@bob": "done",
        "demo.mp4@cy": "done",
    }
    assert (out / "ann/2026-11-09/squat.squat.json").is_file()
    assert (out / "cy/2026-11-04/demo.report.html").is_file()
    rows = list(csv.DictReader((out / "videos.csv").open(encoding="utf-8")))
    broken = next(r for r in rows if r["video"] == "broken.mp4")
    assert broken["status"] == "failed" and "cannot read broken.mp4" in broken["reason"]
    assert "broken.mp4" in (out / "overview.html").read_text(encoding="utf-8")
    clients = {r["client"]: r for r in csv.DictReader((out / "overview.csv").open())}
    assert set(clients) == {"ann", "bob", "cy"}
    assert clients["ann"]["sessions"] == "2" and clients["bob"]["videos_not_used"] == "1"
    client = (out / "ann/report.html").read_text(encoding="utf-8")
    assert "reps vs target" in client.lower()
    assert 'id="limits"' in client and "checked on rendered (computer-made) bodies" in client
    assert not list(out.rglob("*.tmp*")), "a temporary file was left behind"


def test_a_rerun_skips_every_finished_video(
    batch_in: Path, two_workers: tuple[Path, BatchResult]
) -> None:
    out, first = two_workers
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = run_batch(BatchRequest(batch_in, out, workers=2, pdf=False))
    assert again.skipped == len(again.outcomes), "the corrupt video's failure is kept too"
    assert [o.status for o in again.outcomes] == [o.status for o in first.outcomes]
    assert again.wall_s < 0.05 * sum(o.wall_s for o in first.outcomes) + 1.0
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert after == before, "a re-run rewrote a finished output"


def test_one_and_two_workers_give_the_same_outputs(
    batch_in: Path, two_workers: tuple[Path, BatchResult]
) -> None:
    out1 = batch_in.parent / "out1"
    run_batch(BatchRequest(batch_in, out1, workers=1, pdf=False))
    assert results(out1) == results(two_workers[0])


def test_a_changed_routine_reuses_the_stored_landmarks(
    batch_in: Path, two_workers: tuple[Path, BatchResult], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(two_workers[0], out)
    routine = tmp_path / "routine.toml"
    bundled = files("hipcoach.exercises").joinpath("hip_series.toml").read_text(encoding="utf-8")
    routine.write_text(bundled.replace("target_reps = 10", "target_reps = 12", 1), encoding="utf-8")
    result = run_batch(BatchRequest(batch_in, out, routine_path=routine, workers=2, pdf=False))
    done = [o for o in result.outcomes if o.status == "done"]
    assert done and not any(o.skipped for o in done), "a changed routine must re-run the jobs"
    assert all(o.pose_cached for o in done), "the landmarks must come from the pose cache"
    demo = json.loads((out / "cy/2026-11-04/demo.analysis.json").read_text(encoding="utf-8"))
    assert demo["sets"] is not None


def test_client_reports_are_printed_to_pdf(tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed (Debian package chromium)")
    day = tmp_path / "in" / "ann" / "2026-11-02"
    day.mkdir(parents=True)
    shutil.copy(DATA / "corpus" / "B01_L_front.npz", day / "series.npz")
    result = run_batch(BatchRequest(tmp_path / "in", tmp_path / "out", workers=1))
    pdf = tmp_path / "out" / "ann" / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF"), result.warnings
    assert pdf in result.written and not result.warnings


def test_a_manifest_csv_plans_the_listed_videos(tmp_path: Path) -> None:
    (tmp_path / "v").mkdir()
    shutil.copy(DATA / "corpus" / "B01_L_front.npz", tmp_path / "v" / "a.npz")
    manifest = tmp_path / "jobs.csv"
    manifest.write_text("client,date,video,kind\nann,2026-11-02,v/a.npz,hip-series\n")
    jobs = plan_jobs(manifest)
    assert [(j.client, j.date, j.video, j.kind) for j in jobs] == [
        ("ann", "2026-11-02", tmp_path / "v" / "a.npz", "hip-series")
    ]


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (lambda t: t / "missing", 2, "not found"),
        (
            lambda t: (t / "empty" / "ann" / "2026-11-02").mkdir(parents=True) or t / "empty",
            2,
            "no videos in",
        ),
        (lambda t: _manifest(t, "ann,2026-11-02,a.mp4,yoga"), 5, "line 2: kind 'yoga'"),
        (lambda t: _manifest(t, "ann,yesterday,a.mp4,squat"), 5, "'yesterday' is not a date"),
        (lambda t: _manifest(t, "../x,2026-11-02,a.mp4,squat"), 5, "cannot be a folder name"),
    ],
    ids=["missing-in", "no-videos", "bad-kind", "bad-date", "client-path"],
)
def test_unusable_input_is_one_line_with_its_exit_code(
    tmp_path: Path, make: object, code: int, words: str
) -> None:
    source = make(tmp_path)  # type: ignore[operator]
    outcome = run_cli(["batch", str(source), "--out", str(tmp_path / "out")], cwd=tmp_path)
    assert outcome.code == code, outcome.stderr
    assert len(outcome.errors) == 1 and words in outcome.errors[0], outcome.stderr
    assert "Traceback" not in outcome.stderr and not outcome.warnings


def _manifest(tmp_path: Path, row: str) -> Path:
    path = tmp_path / "jobs.csv"
    path.write_text(f"client,date,video,kind\n{row}\n", encoding="utf-8")
    return path


def test_out_inside_in_or_a_file_is_refused(tmp_path: Path) -> None:
    source = make_input_small(tmp_path / "in")
    inside = run_cli(["batch", str(source), "--out", str(source / "out")], cwd=tmp_path)
    assert inside.code == 5 and "inside the input folder" in inside.stderr
    (tmp_path / "file").write_text("x")
    onto_file = run_cli(["batch", str(source), "--out", str(tmp_path / "file")], cwd=tmp_path)
    assert onto_file.code == 5 and "is a file" in onto_file.stderr


def make_input_small(root: Path) -> Path:
    day = root / "ann" / "2026-11-02"
    day.mkdir(parents=True)
    shutil.copy(DATA / "corpus" / "B01_L_front.npz", day / "series.npz")
    return root


def test_the_command_lists_a_failed_video_and_exits_2(tmp_path: Path) -> None:
    source = make_input_small(tmp_path / "in")
    (source / "ann" / "2026-11-02" / "bad.mp4").write_bytes(b"not a video")
    args = ["batch", str(source), "--out", str(tmp_path / "out"), "--workers", "1", "--no-pdf"]
    outcome = run_cli(args, cwd=tmp_path)
    assert outcome.code == 2, outcome.stderr
    assert "ann/2026-11-02/bad.mp4: cannot read bad.mp4" in outcome.stderr.replace("\n", " ")
    assert "1 of 2 video(s) could not be used" in outcome.stderr
    assert (tmp_path / "out" / "ann" / "2026-11-02" / "series.analysis.json").is_file()


def crash_on_crash_videos(task: Task, config: BatchConfig) -> JobOutcome:
    """A worker function whose process dies on a video named ``crash*`` (as a crash in
    native code would), and runs the real task otherwise."""
    if task.job.video.name.startswith("crash"):
        os._exit(70)
    return run_task(task, config)


def test_a_worker_process_that_dies_fails_only_its_video(tmp_path: Path) -> None:
    day = tmp_path / "in" / "ann" / "2026-11-02"
    day.mkdir(parents=True)
    for name in ("a.npz", "crash.npz", "b.npz"):
        shutil.copy(DATA / "corpus" / "B01_L_front.npz", day / name)
    jobs = plan_jobs(tmp_path / "in")
    tasks = [Task(job, f"key-{job.stem}", f"pose-{job.stem}") for job in jobs]
    config = BatchConfig(tmp_path / "out", DEFAULTS)
    outcomes: list[JobOutcome] = []
    run_local(tasks, config, 2, outcomes.append, fn=crash_on_crash_videos)
    by_name = {Path(o.video).name: o for o in outcomes}
    assert sorted(by_name) == ["a.npz", "b.npz", "crash.npz"] and len(outcomes) == 3
    assert by_name["a.npz"].status == by_name["b.npz"].status == "done"
    crashed = by_name["crash.npz"]
    assert crashed.status == "failed" and "died on this video" in crashed.reason
    assert not crashed.keep, "a crash is not kept: the next run tries the video again"


def test_client_report_in_chromium_states_its_limits(
    two_workers: tuple[Path, BatchResult], tmp_path: Path
) -> None:
    from tests.helpers.browser import open_in_chromium

    out, _ = two_workers
    shots = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    with open_in_chromium(out / "ann" / "report.html") as opened:
        limits = opened.page.locator("#limits li").all_inner_texts()
        images = opened.images()
        shot = opened.screenshot(shots / "client-report.png", tmp_path / "c.png")
    assert limits and "rendered (computer-made) bodies" in limits[0]
    assert all(i["done"] and i["w"] > 0 for i in images), images
    assert opened.external_requests() == []
    assert shot.stat().st_size > 10_000

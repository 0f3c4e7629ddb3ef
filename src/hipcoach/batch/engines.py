"""Engines: run the task function over many videos, the same function everywhere.

``local``: a :class:`~concurrent.futures.ProcessPoolExecutor` of ``workers`` processes
(started with ``spawn``: no fork of a driver that has threads), each warmed once
(:func:`~hipcoach.batch.task.warm_worker`). ``ray``: each video is one Ray task running
:func:`~hipcoach.batch.task.run_task` on a cluster (``address``) or on a local one bound to
127.0.0.1 (every port on loopback); only the task's arguments (a path and settings) and its
small outcome travel through Ray, never frames or landmarks. Both call ``on_done`` in the
driver as each video finishes, in finishing order.

Ctrl-C in the driver: jobs not started are cancelled, running ones get the interrupt (they
write nothing), finished ones are kept (their manifests are on disk); the
KeyboardInterrupt is then re-raised for the caller.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import os
import signal
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import Any, Final, Literal

from hipcoach.batch.outcome import JobOutcome
from hipcoach.batch.relay import relayed
from hipcoach.batch.task import BatchConfig, Task, run_task, set_frame_reporter, warm_worker
from hipcoach.errors import ConfigError

EngineName = Literal["local", "ray"]
OnDone = Callable[[JobOutcome], None]
#: Told of frames done in a worker: (video path, frames to add); called from a thread.
OnFrames = Callable[[str, int], None]
RAY_INSTALL: Final = 'the ray engine needs Ray: pip install "hipcoach[batch]"'

# ------------------------------------------------------------------- local worker side
_STATE = {"busy": False, "stopping": False}


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    """In a worker: stop the running job; take no queued job after it."""
    _STATE["stopping"] = True
    if _STATE["busy"]:
        _STATE["busy"] = False  # a second press while unwinding is not raised again
        raise KeyboardInterrupt


def _init_worker(frames_done: Any = None) -> None:
    signal.signal(signal.SIGINT, _on_sigint)
    if frames_done is not None:  # the driver's progress bar over frames
        set_frame_reporter(lambda video, n: frames_done.put((video, n)))
    warm_worker()


def _worker_task(task: Task, config: BatchConfig) -> JobOutcome:
    if _STATE["stopping"]:
        raise KeyboardInterrupt
    _STATE["busy"] = True
    try:
        return run_task(task, config)
    finally:
        _STATE["busy"] = False


# ------------------------------------------------------------------- driver side
def lost(task: Task, why: str) -> JobOutcome:
    """The outcome of a job whose worker did not answer (not kept: retried next run)."""
    job = task.job
    return JobOutcome(
        job.client, job.date, str(job.video), job.kind, task.key, "failed",
        reason=f"{why}; it is tried again next run", exit_code=1, keep=False,
    )  # fmt: skip


def _stop_pool(pool: ProcessPoolExecutor, futures: Iterable[Future[JobOutcome]]) -> None:
    """Cancel queued jobs and interrupt running ones (their workers may not have seen the
    terminal's Ctrl-C: a signal sent to the driver alone), then wait for the workers."""
    processes: dict[int, Any] = dict(getattr(pool, "_processes", None) or {})
    for future in futures:
        future.cancel()  # only the ones no worker took yet
    for pid in processes:
        with contextlib.suppress(OSError):  # already gone
            os.kill(pid, signal.SIGINT)
    pool.shutdown(wait=True, cancel_futures=True)


#: The function a local worker runs per task (tests pass one that crashes its process).
WorkerFn = Callable[[Task, BatchConfig], JobOutcome]


def _pool_pass(
    tasks: Sequence[Task],
    config: BatchConfig,
    workers: int,
    on_done: OnDone,
    fn: WorkerFn,
    frames_done: Any = None,
) -> list[Task]:
    """Run ``tasks`` on one pool; the tasks left unfinished because a worker process died
    (a crash in native code breaks the whole pool). Workers put (video, frames) on
    ``frames_done`` (a queue) as they go."""
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        min(workers, len(tasks)), context, initializer=_init_worker, initargs=(frames_done,)
    )
    futures: dict[Future[JobOutcome], Task] = {}
    unfinished: list[Task] = []
    try:
        for task in tasks:
            futures[pool.submit(fn, task, config)] = task
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except BrokenProcessPool:
                unfinished.append(futures[future])
                continue
            except Exception as exc:  # noqa: BLE001 - one failed video, never a stop
                outcome = lost(futures[future], f"the worker failed ({type(exc).__name__})")
            on_done(outcome)
    except KeyboardInterrupt:
        _stop_pool(pool, futures)
        raise
    pool.shutdown(wait=True)
    return unfinished


def run_local(
    tasks: Sequence[Task],
    config: BatchConfig,
    workers: int,
    on_done: OnDone,
    fn: WorkerFn | None = None,
    on_frames: OnFrames | None = None,
) -> None:
    """Run ``tasks`` on ``workers`` local processes (module docstring). A worker process
    that dies (a crash in native code) breaks its pool: the videos it left unfinished then
    run again one at a time, each in a pool of its own, so only the video that crashes
    again is reported as failed (and tried again next run). ``on_frames`` hears of the
    frames the workers do (from a thread of this process)."""
    run = fn or _worker_task
    if not tasks:
        return
    context = multiprocessing.get_context("spawn")
    handle = (lambda item: on_frames(*item)) if on_frames is not None else (lambda item: None)
    with relayed(context, handle) as frames_done:
        queue = frames_done if on_frames is not None else None
        for task in _pool_pass(tasks, config, workers, on_done, run, queue):
            if _pool_pass([task], config, 1, on_done, run, queue):
                on_done(lost(task, "the worker process died on this video (a crash)"))


def _ray() -> Any:
    try:
        import ray  # noqa: PLC0415 - optional dependency
    except ImportError as exc:
        raise ConfigError(RAY_INSTALL) from exc
    return ray


#: Ray's switch for single-machine clusters on loopback (its default on macOS/Windows).
_LOOPBACK_VAR: Final = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"


@contextlib.contextmanager
def _loopback_cluster() -> Iterator[None]:
    """A local Ray cluster on 127.0.0.1 only: every Ray port listens on loopback (Ray would
    otherwise advertise, and listen on, the machine's network address)."""
    constants: Any = importlib.import_module("ray._private.ray_constants")
    saved = os.environ.get(_LOOPBACK_VAR), constants.ENABLE_RAY_CLUSTER
    os.environ[_LOOPBACK_VAR] = "0"
    constants.ENABLE_RAY_CLUSTER = False
    try:
        yield
    finally:
        if saved[0] is None:
            os.environ.pop(_LOOPBACK_VAR, None)
        else:
            os.environ[_LOOPBACK_VAR] = saved[0]
        constants.ENABLE_RAY_CLUSTER = saved[1]


def _check_reachable(address: str, timeout_s: float = 5.0) -> None:
    """A ``[ray://]host:port`` address must accept a connection within ``timeout_s``
    (Ray itself retries for minutes, logging natively); ``auto`` is left to Ray."""
    hostport = address.removeprefix("ray://")
    host, sep, port = hostport.rpartition(":")
    if not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as exc:
        raise ConfigError(
            f"cannot reach the Ray cluster at {address} ({exc.strerror or exc})",
            fix="check --address (e.g. auto on the cluster, or ray://head:10001) and that "
            "the cluster runs",
        ) from exc


def _init_ray(ray: Any, workers: int, address: str | None) -> None:
    quiet: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
    if not address:
        ray.init(num_cpus=workers, include_dashboard=False, **quiet)
        return
    _check_reachable(address)
    try:
        ray.init(address=address, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigError(
            f"cannot reach the Ray cluster at {address}: {exc}",
            fix="check --address (e.g. ray://head:10001 or auto) and that the cluster runs",
        ) from exc


def run_ray(
    tasks: Sequence[Task],
    config: BatchConfig,
    workers: int,
    on_done: OnDone,
    address: str | None = None,
) -> None:
    """Run ``tasks`` as Ray tasks, one video each (module docstring)."""
    ray = _ray()
    if not tasks:
        return
    with contextlib.nullcontext() if address else _loopback_cluster():
        _init_ray(ray, workers, address)
        try:
            remote = ray.remote(num_cpus=1, max_retries=1)(run_task)
            config_ref = ray.put(config)
            refs = {remote.remote(t, config_ref): t for t in tasks}
            _wait_ray(ray, refs, on_done)
        finally:
            ray.shutdown()


def _wait_ray(ray: Any, refs: dict[Any, Task], on_done: OnDone) -> None:
    pending = list(refs)
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                try:
                    outcome: JobOutcome = ray.get(ref)
                except Exception as exc:  # noqa: BLE001 - RayTaskError, a lost worker...
                    outcome = lost(refs[ref], f"the Ray task failed ({type(exc).__name__})")
                on_done(outcome)
    except KeyboardInterrupt:
        for ref in pending:
            ray.cancel(ref)  # a running task gets KeyboardInterrupt and writes nothing
        raise


def run_engine(
    engine: EngineName,
    tasks: Sequence[Task],
    config: BatchConfig,
    workers: int,
    on_done: OnDone,
    address: str | None = None,
    on_frames: OnFrames | None = None,
) -> None:
    """Run ``tasks`` on ``engine`` (``address`` is for Ray only); ``on_done`` hears of each
    video, ``on_frames`` of frames done (local engine only: Ray tasks report per video)."""
    if engine == "ray":
        run_ray(tasks, config, workers, on_done, address)
    else:
        run_local(tasks, config, workers, on_done, on_frames=on_frames)

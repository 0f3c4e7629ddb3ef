"""``hipcoach batch``: many clients' videos → per-video results, per-client reports and one
overview, on every local core or on a Ray cluster, resumable and fault-isolated.

The library side (no printing): :func:`plan_jobs` (IN → jobs), :func:`run_task` (one video,
what every engine runs), :func:`run_batch` (the driver). See ``docs/scaling.md``.
"""

from hipcoach.batch.driver import BatchProgress, BatchRequest, BatchResult, run_batch
from hipcoach.batch.outcome import JobOutcome
from hipcoach.batch.plan import KINDS, Job, Kind, plan_jobs
from hipcoach.batch.task import BatchConfig, Task, run_task

__all__ = [
    "KINDS",
    "BatchConfig",
    "BatchProgress",
    "BatchRequest",
    "BatchResult",
    "Job",
    "JobOutcome",
    "Kind",
    "Task",
    "plan_jobs",
    "run_batch",
    "run_task",
]

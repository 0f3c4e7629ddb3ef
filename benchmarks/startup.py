"""Start-up time of `hipcoach --help` and every sub-command's `--help`, as a ratio to
`python -c "import typer"` measured in the same run (issue 14: under 0.5 s each).

    python benchmarks/startup.py            # 5 runs each, medians
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = [
    [],
    ["pose"],
    ["analyze"],
    ["import"],
    ["history"],
    ["report"],
    ["check"],
    ["session"],
    ["models"],
    ["demo"],
    ["screen"],
    ["screen", "squat"],
    ["screen", "report"],
]


def wall(argv: list[str], runs: int) -> float:
    """Median wall time (s) of ``argv`` over ``runs`` runs."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    base = wall([sys.executable, "-c", "import typer"], args.runs)
    print(f"baseline `python -c 'import typer'`: {base:.3f} s\n")
    print("| command | wall (s) | ratio to import typer |\n|---|---|---|")
    worst = 0.0
    for cmd in COMMANDS:
        t = wall([sys.executable, "-m", "hipcoach", *cmd, "--help"], args.runs)
        worst = max(worst, t)
        print(f"| hipcoach {' '.join(cmd)} --help | {t:.3f} | {t / base:.2f} |")
    print(f"\nslowest: {worst:.3f} s ({worst / base:.2f}x the baseline)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

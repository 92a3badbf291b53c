"""Whole-catalogue speed: verify and report as a user runs them, each beside a baseline run in the same sitting.

Every row runs the command line in a fresh process (no result cache: ``--no-cache``)
and prints wall time, the CPU time of the process and its children, and the peak
resident memory of the largest process; then the ratio against its baseline:

* ``verify --profile quick`` with the default jobs (the machine's cores) against ``--jobs 1``;
* ``verify --profile full`` likewise (with ``--full``: it takes minutes);
* ``report`` from the quick results (SVG, figures in parallel) against ``report --png``
  (a PNG beside every SVG, the old default);
* with ``--tests``: the README's test command's pytest part (``python -m pytest -q``, on every
  core through pytest-xdist) against the same in one process (``-n 0``).

Load from other processes changes wall times, so the load average is printed with
each row; compare rows of one sitting, not across machines. A row whose CPU divided by
the cores exceeds its goal says so: no scheduling can meet that goal without less work.

    python benchmarks/catalogue_speed.py [--full] [--tests] [PATTERN...]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(args: list[str], module: str = "convergence") -> tuple[float, float, float]:
    """(wall s, CPU s of the child and its descendants, peak RSS in MB of the largest of them)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", module, *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024  # ru_maxrss is in kB on Linux; a running maximum


# The project's speed goals on a 2-core machine (wall seconds of the row; peak RSS of the full profile).
GOALS_S = {"verify quick": 6.0, "verify full": 20.0, "report": 4.0, "pytest": 20.0}
GOAL_RSS_MB = 600.0


def _goal(label: str, wall: float, cpu: float, rss: float) -> str:
    """Whether the row met its goal; ``cpu``: the least CPU the row's work took (run or baseline)."""
    goal = next((g for name, g in GOALS_S.items() if label.startswith(name)), None)
    if goal is None:
        return ""
    text = f"   goal ≤ {goal:g} s: {'met' if wall <= goal else 'missed'}"
    # No schedule finishes the work sooner than with every core busy on it all the time.
    floor = cpu / (os.cpu_count() or 1)
    if floor > goal:
        text += f" (its CPU alone needs ≥ {floor:.1f} s on {os.cpu_count()} cores: less work, not better scheduling)"
    if label.startswith("verify full"):
        text += f", RSS ≤ {GOAL_RSS_MB:g} MB: {'met' if rss <= GOAL_RSS_MB else 'missed'}"
    return text


def row(label: str, args: list[str], baseline: list[str], module: str = "convergence") -> None:
    wall, cpu, rss = measure(args, module)
    base_wall, base_cpu, _ = measure(baseline, module)
    print(f"{label:<34} {wall:7.1f} s  (cpu {cpu:6.1f} s, peak RSS ≤ {rss:5.0f} MB)   baseline {base_wall:7.1f} s"
          f"  (cpu {base_cpu:6.1f} s)   ratio {wall / base_wall:5.2f}   load {os.getloadavg()[0]:.1f}"
          f"{_goal(label, wall, min(cpu, base_cpu), rss)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*", help="claim id globs (default: every claim)")
    parser.add_argument("--full", action="store_true", help="also the full profile (minutes)")
    parser.add_argument("--tests", action="store_true", help="also the test suite, twice (minutes)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="catalogue-speed-") as tmp:
        quick, base = str(Path(tmp) / "quick"), str(Path(tmp) / "base")
        common = [*args.patterns, "--profile", "quick", "--no-cache"]
        row("verify quick (default jobs)", ["verify", *common, "--out", quick],
            ["verify", *common, "--jobs", "1", "--out", base])
        if args.full:
            full = [*args.patterns, "--profile", "full", "--no-cache"]
            row("verify full (default jobs)", ["verify", *full, "--out", str(Path(tmp) / "full")],
                ["verify", *full, "--jobs", "1", "--out", str(Path(tmp) / "full1")])
        results = str(Path(quick) / "results.json")
        row("report (SVG, parallel figures)", ["report", "--results", results, "--out", str(Path(tmp) / "r1")],
            ["report", "--results", results, "--png", "--out", str(Path(tmp) / "r2")])
    if args.tests:
        row("pytest (every core)", ["-q"], ["-q", "-n", "0"], module="pytest")


if __name__ == "__main__":
    main()

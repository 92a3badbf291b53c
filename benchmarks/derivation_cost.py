"""What building and checking the derivations costs, beside the quick profile that pays it.

Rows, each measured in a fresh process of this sitting:

* building every claim's derivation in one process (every identity and inequality
  check included): wall and CPU seconds;
* ``verify --profile quick --no-cache`` with the default jobs: wall and CPU;
* with ``--before REV``: the serial build at another revision (a temporary git
  worktree), so the cost the checks added is measured against code from before them,
  on the same machine and in the same sitting, not against a remembered number.

It prints the build's share of the quick profile and, with ``--before``, the CPU the
checked derivations add over REV as a share of the quick profile's CPU.

    python benchmarks/derivation_cost.py [--before REV]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in a child with the tree under test first on sys.path; every tree builds a derivation
# through Claim.check_theory (verify does it in each claim's worker, before the experiment).
BUILD = """
import time
from convergence import discovery
claims = discovery.index() if hasattr(discovery, "index") else discovery.discover()
started = time.perf_counter()
claims = [ref.load() for ref in claims] if hasattr(discovery, "index") else claims
for claim in claims:
    claim.check_theory()
print(len(claims), time.perf_counter() - started)
"""


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(tree: Path) -> tuple[int, float, float]:
    """(claims, wall s of the import and build, CPU s of the process, imports included)."""
    before = _child_cpu()
    out = subprocess.run([sys.executable, "-c", BUILD], cwd=tree, check=True, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(tree)})
    count, wall = out.stdout.split()[-2:]
    return int(count), float(wall), _child_cpu() - before


def quick_profile() -> tuple[float, float]:
    before = _child_cpu()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="derivation-cost-") as out:
        subprocess.run([sys.executable, "-m", "convergence", "verify", "--profile", "quick", "--no-cache",
                        "--out", out], cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - started, _child_cpu() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REV", help="also build the derivations at this git revision")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
    count, serial_wall, serial_cpu = build(ROOT)
    print(f"derivations, serial:        {count} claims, build {serial_wall:6.1f} s wall,"
          f" process CPU {serial_cpu:6.1f} s")
    quick_wall, quick_cpu = quick_profile()
    print(f"verify --profile quick:     {quick_wall:6.1f} s wall, CPU {quick_cpu:6.1f} s (default jobs)")
    print(f"the build is {serial_cpu / quick_cpu:.0%} of the quick profile's CPU")
    if args.before:
        with tempfile.TemporaryDirectory(prefix="derivation-before-") as tmp:
            tree = Path(tmp) / "tree"
            subprocess.run(["git", "worktree", "add", "--detach", str(tree), args.before], cwd=ROOT, check=True,
                           capture_output=True)
            try:
                old_count, old_wall, old_cpu = build(tree)
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)
        print(f"derivations at {args.before}: {old_count} claims, build {old_wall:6.1f} s wall, "
              f"process CPU {old_cpu:6.1f} s")
        added = serial_cpu - old_cpu
        print(f"checked derivations add {added:.1f} CPU s over {args.before}: "
              f"{added / (quick_cpu - added):.0%} of the quick profile's CPU without them (load average "
              f"{os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()

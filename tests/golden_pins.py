"""Golden pins: each claim's quick-profile numbers at the default master seed.

A claim's *fingerprint* is what a refactor must not change silently: its verdict,
margin, a summary of its measured values and interval (count, sum, extremes, first
and last point), the theory values it was compared with, and every mutant's verdict.
``tests/test_claims.py`` compares each run against ``tests/golden/quick.json``.

A change that moves a pinned number on purpose (a different random stream, a fixed
experiment) regenerates the file and says why in its commit message::

    python -m tests.golden_pins            # rewrite tests/golden/quick.json
    python -m tests.golden_pins ID [ID...] # re-pin only these claims

Floats are compared at a relative tolerance of 1e-9: runs are bit-identical on one
machine, and 1e-9 leaves room only for a different BLAS summation order. They are
bit-identical only under the same library versions: a newer NumPy, SciPy or JAX moves
margins of near-zero residuals and points at a filter's edge. The pins were made under
the locked versions of ``constraints.txt``; a failing pin names any installed version
that differs from the lock.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

GOLDEN_PATH = Path(__file__).with_name("golden") / "quick.json"
CONSTRAINTS_PATH = Path(__file__).resolve().parent.parent / "constraints.txt"
RTOL = 1e-9


def _flat(values: Any) -> list[float]:
    if isinstance(values, list):
        return [x for v in values for x in _flat(v)]
    return [math.nan if values is None else float(values)]


def _summary(values: Any) -> dict[str, Any] | None:
    flat = [] if values is None else _flat(values)
    if not flat:
        return None
    finite = [v for v in flat if math.isfinite(v)]
    return {
        "count": len(flat),
        "non_finite": len(flat) - len(finite),
        "sum": math.fsum(finite),
        "min": min(finite, default=None),
        "max": max(finite, default=None),
        "first": flat[0] if math.isfinite(flat[0]) else None,
        "last": flat[-1] if math.isfinite(flat[-1]) else None,
    }


def fingerprint(record: dict[str, Any]) -> dict[str, Any]:
    """The pinned part of one claim's result record."""
    interval = record.get("interval")
    return {
        "verdict": record["verdict"],
        "margin": None if record.get("margin") is None else _flat(record["margin"]),
        "measured": _summary(record.get("measured_values")),
        "theory": _summary(record.get("theory_values")),
        "interval": _summary(interval) if interval is not None else None,
        "mutants": {m["description"]: m["verdict"] for m in record.get("mutants", [])},
    }


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Human-readable differences between two fingerprints (floats at RTOL)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual)):
            if key not in expected or key not in actual:
                found.append(f"{path}/{key}: only in {'pinned' if key in expected else 'new run'}")
            else:
                found += differences(expected[key], actual[key], f"{path}/{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{path}[{i}]")]
    if isinstance(expected, float | int) and isinstance(actual, float | int) and not isinstance(expected, bool):
        if math.isclose(expected, actual, rel_tol=RTOL, abs_tol=1e-300):
            return []
    elif expected == actual:
        return []
    return [f"{path}: pinned {expected!r}, now {actual!r}"]


def unlocked_versions() -> list[str]:
    """Installed packages whose version differs from ``constraints.txt`` (the pins' environment)."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for line in CONSTRAINTS_PATH.read_text().splitlines():
        name, _, locked = line.split("#")[0].strip().partition("==")
        if not locked:
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue  # an optional package this environment does not use
        if installed != locked:
            found.append(f"{name} {installed} (locked {locked})")
    return found


def load_golden() -> dict[str, Any]:
    return json.loads(GOLDEN_PATH.read_text()) if GOLDEN_PATH.exists() else {}


def main(ids: list[str]) -> None:
    from convergence.discovery import discover
    from convergence.runner import RunOptions, run_claim
    from convergence.seeds import DEFAULT_SEED

    pins = load_golden()
    for claim in discover():
        if ids and claim.id not in ids:
            continue
        record = run_claim(claim, RunOptions(profile="quick", seed=DEFAULT_SEED))
        pins[claim.id] = fingerprint(record)
        print(f"pinned {claim.id}: {record['verdict']}")
    GOLDEN_PATH.parent.mkdir(exist_ok=True)
    GOLDEN_PATH.write_text(json.dumps(dict(sorted(pins.items())), indent=1, allow_nan=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])

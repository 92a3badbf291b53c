"""results.json: the schema-versioned record of a verification run.

The report and CI read only this file. It is written atomically (temporary
file in the same folder, then ``os.replace``), so an interrupted run never
leaves a half-written results.json behind.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .errors import ResultsFileError
from .schema import MAX_BYTES, SCHEMA_VERSION, parse_results

__all__ = ["SCHEMA_VERSION", "make_results", "read_results", "write_results"]


def environment() -> dict[str, Any]:
    env: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    for package in ("numpy", "scipy", "sympy", "matplotlib", "typst"):
        try:
            env[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            env[package] = "not installed"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
        env["commit"] = commit.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        env["commit"] = "unknown"
    return env


def totals(records: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts: dict[str, int] = {}
    for record in records:
        verdicts[record["verdict"]] = verdicts.get(record["verdict"], 0) + 1
    mutants = [m for r in records for m in r.get("mutants", [])]
    return {
        "claims": len(records),
        "as_expected": sum(r["verdict"] == r["expected"] for r in records),
        "passed": sum(bool(r["passed"]) for r in records),
        "mutants": len(mutants),
        "mutants_killed": sum(bool(m["killed"]) for m in mutants),
        "verdicts": verdicts,
    }


def make_results(records: list[dict[str, Any]], *, seed: int, profile: str, command: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": command,
        "seed": seed,
        "profile": profile,
        "environment": environment(),
        "totals": totals(records),
        "claims": records,
    }


def write_results(results: dict[str, Any], path: Path) -> None:
    write_atomic(path, json.dumps(results, indent=1, allow_nan=False) + "\n")


def read_results(path: Path) -> dict[str, Any]:
    """Read and validate a results file (``convergence.schema``); every problem is one line."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ResultsFileError(f"{path}: no such results file (run 'convergence verify' first)") from None
    except OSError as exc:
        raise ResultsFileError(f"{path}: cannot read results ({exc.strerror or exc})") from None
    return parse_results(data, str(path))


def command_line() -> str:
    return " ".join(["convergence", *sys.argv[1:]])

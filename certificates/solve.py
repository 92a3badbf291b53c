"""Solve one PEP with Clarabel (through CVXPY) and record what the solver said.

PEPit is imported here, lazily: ``available()`` is False without it and no
certificate is computed. Solutions are kept in memory for the process (two
claims certifying the same method at the same point share one solve); nothing
is written to disk.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import Any

SOLVER = "CLARABEL"
# Clarabel runs at its default tolerances (1e-8). Some PEPs with many symmetric branches (SAGA's expectation
# over index sequences) then end "optimal_inaccurate" at a gap of ~5e-8; those are solved again at the
# tolerances below, where they end "optimal". 1e-7 stays ten times below the accuracy the judgement trusts
# (rtol 1e-6, convergence/certify.py); the record names the settings used per point.
RETRY_SETTINGS = {"tol_gap_abs": 1e-7, "tol_gap_rel": 1e-7, "tol_feas": 1e-7}


@dataclass(frozen=True)
class Solution:
    """The worst case of one PEP.

    ``value`` is the dual objective PEPit returns: a certified upper bound on the
    worst case once the dual is feasible, which the solver guarantees up to its
    tolerances. ``primal`` is the value of the primal SDP (a worst-case instance's
    metric, up to the same tolerances); ``gap`` = |value − primal| / |value|
    is the accuracy actually reached.
    """

    value: float
    primal: float
    gap: float
    status: str
    solver: str
    seconds: float
    settings: str = "defaults"


def available() -> bool:
    """True when PEPit and the solver can be imported (the optional extra ``pep``)."""
    return all(importlib.util.find_spec(name) is not None for name in ("PEPit", "cvxpy", "clarabel"))


def solver_versions() -> dict[str, str]:
    """Versions of the modelling tool chain and the solver's tolerances, for the record."""
    versions = {}
    for name in ("pepit", "cvxpy", "clarabel"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def solve(program: Callable[..., Any], point: Mapping[str, float]) -> Solution:
    """Build the program's PEP at ``point`` and solve it (cached per process)."""
    return _solve(program, tuple(sorted((k, float(v)) for k, v in point.items())))


@lru_cache(maxsize=512)
def _solve(program: Callable[..., Any], point: tuple[tuple[str, float], ...]) -> Solution:
    started = time.perf_counter()
    problem, value = _attempt(program, point, {})
    settings = "defaults"
    if str(problem.wrapper.prob.status) == "optimal_inaccurate":
        problem, value = _attempt(program, point, RETRY_SETTINGS)
        settings = ", ".join(f"{k}={v:g}" for k, v in RETRY_SETTINGS.items())
    prob = problem.wrapper.prob
    status = str(prob.status)
    if value is None:  # unbounded or infeasible: no finite worst case
        return Solution(float("inf"), float("inf"), float("inf"), status, SOLVER, time.perf_counter() - started,
                        settings)
    primal = float(prob.value)
    value = float(value)
    gap = abs(value - primal) / max(abs(value), 1e-300)
    return Solution(value, primal, gap, status, str(prob.solver_stats.solver_name),
                    round(time.perf_counter() - started, 4), settings)


def _attempt(program: Callable[..., Any], point: tuple[tuple[str, float], ...], settings: dict) -> tuple[Any, Any]:
    import warnings

    import cvxpy

    problem = program(**dict(point))
    with warnings.catch_warnings():  # "solution may be inaccurate": the status says so, and is recorded
        warnings.simplefilter("ignore", UserWarning)
        value = problem.solve(wrapper="cvxpy", solver=cvxpy.CLARABEL, verbose=0, **settings)
    return problem, value

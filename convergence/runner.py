"""Run claims: experiment, theory at the measured points, comparison, mutants.

One claim's failure never stops the others: an exception (``SystemExit``
included) in an experiment becomes an ERROR verdict with its message recorded.
``run_claims`` runs every claim in a forked worker process
(``convergence.workers``), so a claim that kills its process or hangs past the
timeout also becomes that claim's ERROR. The worker first builds and checks
the claim's derivation; one that fails a check (or outlives the timeout) is a
malformed claim, refused in one line, as when a claim is loaded. Each claim's
random stream depends only on the master seed and its id, so results are
identical whatever ``jobs``.

Non-finite data is never evidence: the one function where the theory and every
mutant meet the measurement (``judge``) returns INCONCLUSIVE when the
measurement holds NaN or infinity, so such data neither confirms, refutes nor
kills a mutant.
"""

from __future__ import annotations

import dataclasses
import functools
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from theory.derivation import Step
from theory.typst_printer import to_latex, to_text, to_typst

from . import certify
from .claim import Claim
from .discovery import check_claim_theory
from .errors import ClaimDefinitionError
from .jsonable import to_jsonable
from .measurement import Figure, Measurement, Series
from .models import MODEL_POINTS
from .overrides import apply as apply_overrides
from .resolution import assess
from .seeds import claim_rng
from .theory_eval import NonFiniteTheoryError, evaluate, require_finite
from .verdicts import Outcome, Verdict
from .workers import Task, WorkerFailure, run_tasks, shared_flag

# Seconds one claim may run before it is ended as ERROR "timed out after N s". The slowest
# claim takes ~2.5 s in the quick profile on one core, so 300 s is a wide margin for a loaded
# machine while a hung claim still ends within minutes; the full profile is ~10-100x larger.
DEFAULT_TIMEOUTS = {"quick": 300.0, "full": 3600.0}


@dataclass(frozen=True)
class RunOptions:
    profile: str = "quick"
    seed: int = 0
    jobs: int = 1
    timeout: float | None = None  # seconds per claim; None: the profile's default
    overrides: tuple[tuple[str, Any], ...] = ()  # verify --set NAME=VALUE (see overrides.py)

    def params(self, claim: Claim) -> tuple[dict[str, Any], dict[str, Any]]:
        """The claim's parameters for the profile with the overrides that apply, and those overrides."""
        return apply_overrides(claim.params.for_profile(self.profile), dict(self.overrides))

    @property
    def claim_timeout(self) -> float:
        return self.timeout if self.timeout is not None else DEFAULT_TIMEOUTS.get(self.profile, 3600.0)


def describe_claim(claim: Claim) -> dict[str, Any]:
    """The claim's record fields that do not depend on a run (shared by results.json and ``show``)."""
    return {
        "id": claim.id,
        "title": claim.title,
        "family": claim.family,
        "kind": claim.kind,
        "expected": claim.expected.value,
        "statement": claim.statement,
        "source": {"where": claim.source.where, "quote": claim.source.quote},
        "references": list(claim.references),
        "corrects": claim.corrects,
        "notes": claim.notes,
        "path": claim.path,
        "symbols": dict(claim.params.symbols),
        "tolerance": to_jsonable(claim.comparison.tolerance()),
    }


def describe_step_check(step: Step) -> dict[str, Any]:
    """A step's justification kind and what its check did (results.json, ``show`` and the report)."""
    check = step.check
    return {
        "kind": step.kind,
        "check": step.check_text(),
        "method": check.method if check else None,
        "detail": check.detail if check else "",
        "points": check.points if check and check.method == "sampled" else None,
        "worst_slack": check.worst_slack if check and check.method == "sampled" else None,
        "confirmed": list(check.confirmed) if check else [],
        "uses": list(step.uses),
        "how": step.how,
        "reference": step.reference,
    }


def describe_theory(claim: Claim) -> dict[str, Any]:
    """The derivation in every printed form the report and ``show`` need."""
    derivation = claim.theory
    modelled = {model.step for model in claim.models}
    return {
        "srepr": sp.srepr(derivation.result),
        "text": to_text(derivation.result),
        "typst": to_typst(derivation.result),
        "latex": to_latex(derivation.result),
        "assumptions": list(derivation.assumptions),
        "steps": [
            {
                "label": step.label,
                "text": to_text(step.expr),
                "typst": to_typst(step.expr),
                "latex": to_latex(step.expr),
                "justification": step.justification,
                **describe_step_check(step),
                **({"model_points": MODEL_POINTS} if step.label in modelled else {}),
            }
            for step in derivation.steps
        ],
        "counts": derivation.counts(),
    }


def _figure_with_theory(claim: Claim, measurement: Measurement) -> dict[str, Any] | None:
    """The experiment's figure, plus the theory drawn on its dense grid(s) (mutants on the main grid)."""
    figure: Figure | None = measurement.figure
    if figure is None:
        return None
    series = [_thin(s) for s in figure.series]
    if figure.theory_x is not None:
        main = [("theory", figure.theory_grid)] if figure.theory_grid is not None else []
        curves = main + [(f"theory, {label}", grid) for label, grid in figure.theory_curves]
        for label, grid in curves:
            x = np.asarray(grid[figure.theory_x], dtype=float)
            theory_y = evaluate(claim.theory.result, grid, claim.params.symbols)
            series.append(Series(label, x, np.broadcast_to(theory_y, x.shape), kind="line", role="theory"))
        if figure.draw_mutants and curves:
            grid = curves[0][1]
            x = np.asarray(grid[figure.theory_x], dtype=float)
            for mutant in claim.mutants:
                y = evaluate(mutant.resolve(claim.theory.result), grid, claim.params.symbols)
                series.append(Series(f"mutant: {mutant.description}", x, np.broadcast_to(y, x.shape),
                                     kind="line", role="mutant"))
    data = to_jsonable(figure)
    data["series"] = to_jsonable(series)
    data.pop("theory_grid", None)
    data.pop("theory_curves", None)
    return data


# results.json keeps every point only up to this many; beyond it, a fixed subset (the points
# that deviate most from theory, plus evenly spaced ones) so the file stays a few MB, not 100.
MAX_STORED_POINTS = 2000
MAX_FIGURE_POINTS = 5000  # per series; a scatter of more points draws the same picture


def _stored_points(theory_values: np.ndarray, measurement: Measurement) -> dict[str, Any]:
    """Per-point arrays for results.json: all of them, or a subset that keeps the worst points."""
    measured = measurement.values_array()
    shape = np.broadcast_shapes(measured.shape, np.shape(theory_values))
    arrays = {"theory_values": theory_values, "measured_values": measured, "stderr": measurement.stderr}
    if measurement.interval is not None:
        arrays["interval_lower"], arrays["interval_upper"] = measurement.interval
    inputs = dict(measurement.inputs)
    total = int(np.prod(shape)) if shape else 1
    if total <= MAX_STORED_POINTS:
        stored = {k: to_jsonable(v) for k, v in arrays.items() if k.startswith(("theory", "measured", "stderr"))}
        stored["interval"] = to_jsonable(measurement.interval)
        stored["inputs"] = to_jsonable(inputs)
        stored["points_total"] = total
        return stored
    flat = {k: np.broadcast_to(np.asarray(v, dtype=float), shape).ravel() for k, v in arrays.items() if v is not None}
    with np.errstate(all="ignore"):
        deviation = np.abs(flat["measured_values"] - flat["theory_values"]) / np.maximum(
            np.abs(flat["theory_values"]), np.finfo(float).tiny)
    deviation = np.where(np.isfinite(deviation), deviation, np.inf)
    worst = np.argsort(-deviation, kind="stable")[: MAX_STORED_POINTS // 5]
    spread = np.linspace(0, total - 1, MAX_STORED_POINTS - len(worst)).astype(int)
    keep = np.union1d(worst, spread)
    stored = {k: to_jsonable(flat[k][keep]) for k in ("theory_values", "measured_values", "stderr") if k in flat}
    stored["interval"] = (to_jsonable([flat["interval_lower"][keep], flat["interval_upper"][keep]])
                          if "interval_lower" in flat else None)
    stored["inputs"] = {}
    for name, value in inputs.items():
        value = np.asarray(value, dtype=float)
        stored["inputs"][name] = to_jsonable(value if value.size == 1 else np.broadcast_to(value, shape).ravel()[keep])
    stored["points_total"] = total
    stored["points_stored"] = int(len(keep))
    return stored


def _thin(series: Series) -> Series:
    """Every k-th point of a long 1-D series (heatmaps and short series are kept whole)."""
    x, y = np.asarray(series.x, dtype=float), np.asarray(series.y, dtype=float) if series.y is not None else None
    if series.kind == "heatmap" or x.ndim != 1 or x.size <= MAX_FIGURE_POINTS:
        return series
    step = int(np.ceil(x.size / MAX_FIGURE_POINTS))
    pick = slice(None, None, step)

    def part(values):
        if values is None or np.ndim(values) == 0:
            return values
        array = np.asarray(values, dtype=float)
        return array[pick] if array.shape[:1] == x.shape else array

    return dataclasses.replace(series, x=x[pick], y=part(y), lower=part(series.lower), upper=part(series.upper),
                               label=f"{series.label} (1 in {step} of {x.size} points shown)")


def non_finite_data(measurement: Measurement) -> str | None:
    """What in the measurement is NaN or infinite (values, interval, or the stderr it is built from)."""
    parts = {"values": measurement.values}
    if measurement.interval is not None:
        parts["interval lower"], parts["interval upper"] = measurement.interval
    elif measurement.stderr is not None:
        parts["stderr"] = measurement.stderr
    found = []
    for name, value in parts.items():
        array = np.asarray(value, dtype=float)
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        if bad:
            found.append(f"{bad} of {np.size(array)} {name}")
    return "; ".join(found) or None


def judge(claim: Claim, theory_values: np.ndarray, measurement: Measurement) -> Outcome:
    """The one place where the theory and every mutant are judged against the measurement."""
    bad = non_finite_data(measurement)
    if bad is not None:
        return Outcome(Verdict.INCONCLUSIVE, f"the measurement is not finite ({bad} are NaN or infinite):"
                       " non-finite data is never evidence", details={"non_finite": bad})
    return claim.comparison.judge(theory_values, measurement)


def _judge_mutants(claim: Claim, measurement: Measurement) -> list[dict[str, Any]]:
    judged = []
    for mutant in claim.mutants:
        expression = mutant.resolve(claim.theory.result)
        name = f"the mutant {mutant.description!r}"
        try:
            values = evaluate(expression, measurement.inputs, claim.params.symbols, name)
            require_finite(values, measurement.inputs, name)
            outcome = judge(claim, values, measurement)
            verdict, summary = outcome.verdict, outcome.summary
        except Exception as exc:  # a mutant that cannot even be evaluated has not been refuted
            verdict, summary = Verdict.ERROR, _describe_exception(exc)
        judged.append({
            "description": mutant.description,
            "expression": to_text(expression),
            "typst": to_typst(expression),
            "verdict": verdict.value,
            "killed": verdict is Verdict.REFUTED,
            "summary": summary,
        })
    return judged


def _base_record(claim: Claim, options: RunOptions) -> dict[str, Any]:
    params, overridden = options.params(claim)
    return {
        **describe_claim(claim),
        "params": to_jsonable(params),
        "seed": options.seed,
        "profile": options.profile,
        **({"overrides": to_jsonable(overridden)} if overridden else {}),
    }


def _finish(record: dict[str, Any], started: float) -> dict[str, Any]:
    record.setdefault("mutants", [])
    record["runtime_s"] = round(time.perf_counter() - started, 4)
    record["passed"] = (record["verdict"] == record["expected"] and all(m["killed"] for m in record["mutants"])
                        and record.get("certificate", {}).get("verdict") != Verdict.ERROR.value)
    return record


def _mark_error(record: dict[str, Any], summary: str, error: str) -> None:
    record.update({"verdict": Verdict.ERROR.value, "summary": summary, "error": error,
                   "mutants": record.get("mutants", [])})


def _describe_exception(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"SystemExit: the experiment called sys.exit({exc.code!r})"
    if isinstance(exc, NonFiniteTheoryError):  # a plain statement, not a Python error
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def error_record(claim: Claim, options: RunOptions, summary: str, error: str = "",
                 runtime_s: float = 0.0) -> dict[str, Any]:
    """The ERROR record of a claim whose run produced no record (its worker died or timed out)."""
    record = _base_record(claim, options)
    _mark_error(record, summary, error or summary)
    _finish(record, time.perf_counter())
    record["runtime_s"] = round(runtime_s, 4)
    return record


def run_claim(claim: Claim, options: RunOptions) -> dict[str, Any]:
    """Verify one claim; always returns a result record (ERROR on exceptions, SystemExit included)."""
    started = time.perf_counter()
    record = _base_record(claim, options)
    try:
        record["theory"] = describe_theory(claim)
        params = options.params(claim)[0]
        with np.errstate(all="ignore"):
            measurement = claim.experiment(params, claim_rng(options.seed, claim.id))
        if not isinstance(measurement, Measurement):
            raise TypeError(f"the experiment returned {type(measurement).__name__}, not a Measurement")
        theory_values = evaluate(claim.theory.result, measurement.inputs, claim.params.symbols, "the theory")
        require_finite(theory_values, measurement.inputs, "the theory")
        outcome: Outcome = judge(claim, theory_values, measurement)
        record.update({
            "verdict": outcome.verdict.value,
            "summary": outcome.summary,
            "margin": to_jsonable(outcome.margin),
            "margin_label": outcome.margin_label,
            "comparison_details": to_jsonable(outcome.details),
            **_stored_points(theory_values, measurement),
            "level": measurement.level,
            "samples": measurement.samples,
            "details": to_jsonable(measurement.details),
            "mutants": _judge_mutants(claim, measurement),
            # the smallest change of the theory this measurement refutes (no re-run; convergence/resolution.py)
            "resolution": to_jsonable(assess(claim.comparison, theory_values, measurement, options.profile,
                                             claim.statement)),
            "figure": _figure_with_theory(claim, measurement),
        })
        record.update(certify.leg(claim, measurement, options.profile, record))  # third leg, judged separately
    except (Exception, SystemExit) as exc:  # SystemExit is not an Exception, and must not end the run
        _mark_error(record, _describe_exception(exc), traceback.format_exc())
    return _finish(record, started)


@dataclass(frozen=True)
class _Refused:
    """A worker's answer for a claim whose derivation failed its checks (sent as plain data)."""

    field: str
    message: str


def _run_in_worker(claim: Claim, options: RunOptions, built: Any) -> dict[str, Any] | _Refused:
    """Worker entry point (forked: the claim is inherited, not re-loaded).

    The claim's derivation is built and checked here, in the worker that then runs its
    experiment, not in the parent beforehand: the derivations, SymPy's slow part of a run,
    are built side by side with the other claims' experiments, and no derivation is sent
    between processes (SymPy does not always unpickle what it pickled). ``built`` (shared
    memory) is set once the derivation stands, so a worker that times out before tells the
    parent that the derivation, not the experiment, took too long.
    """
    try:
        check_claim_theory(claim)
    except ClaimDefinitionError as exc:  # plain data: the exception's own pickling loses fields
        return _Refused(exc.field, exc.message)
    built.value = 1
    return run_claim(claim, options)


def run_claims(
    claims: list[Claim],
    options: RunOptions,
    on_result: Callable[[int, int, dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Run every claim; ``on_result(done, total, record)`` reports progress."""
    results: list[dict[str, Any]] = []
    certify.preload(claims)  # forked workers inherit the solver's imports
    _import_on_first_use()
    for index, record in enumerate(_iter_results(claims, options), start=1):
        results.append(record)
        if on_result is not None:
            on_result(index, len(claims), record)
    return sorted(results, key=lambda r: r["id"])


def _import_on_first_use() -> None:
    """Make SymPy import, once in the parent, what it imports the first time a process simplifies or
    lambdifies (``sympy.physics.units``, ``sympy.codegen``): nearly every claim's worker does both, and a
    forked worker inherits the parent's modules instead of importing them again (~0.15 s each)."""
    x = sp.Symbol("x")
    sp.simplify(x + 1)
    sp.lambdify([x], x, modules=["numpy", "scipy"], docstring_limit=0)


def _iter_results(claims: list[Claim], options: RunOptions) -> Iterator[dict[str, Any]]:
    """Each claim in its own worker process; a worker that dies or times out is that claim's ERROR.

    A derivation that fails its checks, or is not built within the timeout, is a malformed
    claim, not a result: it raises ``ClaimDefinitionError`` (one line naming the file), and
    the workers still running are killed (``run_tasks``), as a refusal at loading would.
    """
    by_key = {claim.id: claim for claim in claims}
    built = {claim.id: shared_flag() for claim in claims}  # set by the worker once the derivation stands
    tasks = [Task(claim.id, functools.partial(_run_in_worker, claim, options, built[claim.id])) for claim in claims]
    for task, outcome in run_tasks(tasks, jobs=options.jobs, timeout=options.claim_timeout):
        claim = by_key[task.key]
        if isinstance(outcome, _Refused):
            raise ClaimDefinitionError(outcome.field, outcome.message, claim.path)
        if isinstance(outcome, WorkerFailure) and outcome.timed_out and not built[task.key].value:
            raise ClaimDefinitionError("derivation", f"was not built within {options.claim_timeout:g} s (--timeout)",
                                       claim.path)
        if isinstance(outcome, WorkerFailure):
            yield error_record(claim, options, outcome.message, outcome.details, runtime_s=outcome.runtime_s)
        else:
            yield outcome

"""The certificate leg: judge a claim's theory against a PEP worst case, beside its comparison.

For a claim that declares a ``certificate`` (certificates/spec.py), the exact
worst case of the method over the function class is computed at each point of
the certificate's grid, and three things are judged and reported separately
from the claim's own comparison:

(a) validity: theory ≥ certified worst case at every point, up to the solver
    accuracy ``rtol`` (relative). A violation makes the claim REFUTED, with the
    numbers: the bound fails on a function of the class.
(b) the experiment: its worst instance at a point does not exceed the certified
    worst case (up to the same accuracy). A violation means the experiment (or
    its normalisation) is wrong: the leg is an ERROR and the claim does not pass.
(c) tightness: theory / certified worst case (1 = the bound is attained).

Why rtol = 1e-6 by default: PEPit returns the dual objective of the SDP, a
valid upper bound on the worst case once the dual is feasible; Clarabel stops
at gap and feasibility residuals of 1e-8 (its defaults; 1e-7 for a PEP that
ends "optimal_inaccurate" at 1e-8, certificates/solve.py), and on the claims
here the primal–dual gap reached is ≤ 1e-7 relative (recorded per point). A
point whose primal–dual gap exceeds the accuracy (rtol times the value, or the
program's scale when given), or whose status is not "optimal", is not
trusted: the leg is an ERROR rather than a silent pass.

Without PEPit the leg does not run, the record says so ("legs" lists the legs
that ran) and the verdict is the comparison's alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

import certificates

from .claim import Claim
from .jsonable import to_jsonable
from .measurement import Measurement
from .theory_eval import evaluate
from .verdicts import Verdict

NOT_COMPUTED = "certificates were not computed: PEPit is not installed (pip install '.[pep]')"


def _bound_expression(claim: Claim) -> sp.Expr:
    bound = claim.certificate.bound
    if bound is None:
        return claim.theory.result
    if isinstance(bound, str):
        for step in claim.theory.steps:
            if step.label == bound:
                return step.expr.rhs
        raise ValueError(f"certificate bound names derivation step {bound!r}, which the derivation does not have")
    return sp.sympify(bound)


def _at(expression: sp.Expr, claim: Claim, point: Mapping[str, float]) -> float:
    symbol_map = {name: claim.params.symbols.get(name, name) for name in point}
    return float(evaluate(expression, point, symbol_map))


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def leg(claim: Claim, measurement: Measurement, profile: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The record fields the certificate leg adds (possibly overriding verdict and summary)."""
    legs = ["derivation", "experiment"]
    if claim.certificate is None:
        return {"legs": legs}
    if not certificates.available():
        return {"legs": legs, "certificate": {"ran": False, "reason": NOT_COMPUTED}}
    try:
        result = _run(claim, measurement, profile)
    except Exception as exc:  # the leg's failure is reported, the comparison's verdict stands
        result = {"ran": True, "verdict": Verdict.ERROR.value, "summary": f"{type(exc).__name__}: {exc}", "points": []}
    result["declaration"] = claim.certificate.describe()
    result["versions"] = certificates.solver_versions()
    # No timing in the leg's record: records are equal across runs except runtime_s (which includes the leg).
    updates: dict[str, Any] = {"legs": legs + ["certificate"], "certificate": result}
    if result["verdict"] == Verdict.REFUTED.value and record.get("verdict") != Verdict.REFUTED.value:
        updates["experiment_verdict"] = record.get("verdict")
        updates["verdict"] = Verdict.REFUTED.value
        updates["summary"] = f"refuted by the certificate: {result['summary']} (comparison: {record.get('summary')})"
    return updates


def _run(claim: Claim, measurement: Measurement, profile: str) -> dict[str, Any]:
    spec = claim.certificate
    bound = _bound_expression(claim)
    mutants = [(m.description, m.resolve(claim.theory.result)) for m in claim.mutants] if spec.bound is None else []
    rows, problems = [], []
    for point in spec.points(measurement, profile):
        solution = certificates.solve(spec.program, point)
        convert = spec.convert or (lambda value, _p: value)
        certified = float(convert(solution.value, point))
        tol = spec.rtol * max(abs(certified), spec.scale(point) if spec.scale is not None else 0.0)
        theory = _at(bound, claim, point)
        observed = spec.observed(measurement, point) if spec.observed is not None else None
        row = {
            "point": dict(point), "x": float(point[spec.variable]), "certified": certified,
            "certified_primal": float(convert(solution.primal, point)), "gap": solution.gap,
            "status": solution.status, "solver": solution.solver, "solver_settings": solution.settings,
            "theory": theory, "tightness": theory / certified if certified != 0 else float("nan"),
            "valid": bool(theory >= certified - tol),
            "observed": None if observed is None else float(observed),
            "experiment_within": None if observed is None else bool(observed <= certified + tol),
        }
        if spec.reference is not None:
            reference = float(convert(certificates.solve(spec.reference, point).value, point))
            row["reference"], row["ratio_to_reference"] = reference, certified / reference
        row["mutants_below_certificate"] = [d for d, e in mutants if _at(e, claim, point) < certified - tol]
        if solution.status != "optimal" or not abs(row["certified"] - row["certified_primal"]) <= tol:
            problems.append(f"{spec.variable} = {_fmt(row['x'])}: status {solution.status}, gap {solution.gap:.1e}")
        rows.append(row)
    if not rows:
        raise ValueError("the certificate has no points")
    out: dict[str, Any] = {"ran": True, "points": to_jsonable(rows)}
    ratios = np.array([r["tightness"] for r in rows])
    out["tightness_min"], out["tightness_max"] = float(np.min(ratios)), float(np.max(ratios))
    out["mutants_refuted"] = sorted({d for r in rows for d in r["mutants_below_certificate"]})
    invalid = [r for r in rows if not r["valid"]]
    beyond = [r for r in rows if r["experiment_within"] is False]
    compared = sum(r["observed"] is not None for r in rows)
    label = spec.bound_label or "the theory"
    if problems:
        out["verdict"], out["summary"] = Verdict.ERROR.value, "solver accuracy not reached: " + "; ".join(problems)
    elif invalid:
        worst = max(invalid, key=lambda r: r["certified"] / r["theory"] if r["theory"] > 0 else np.inf)
        out["verdict"] = Verdict.REFUTED.value
        out["summary"] = (f"the certified worst case exceeds {label} at {len(invalid)} of {len(rows)} points; "
                          f"at {spec.variable} = {_fmt(worst['x'])}: certified {_fmt(worst['certified'])} > "
                          f"{label} {_fmt(worst['theory'])} (ratio {_fmt(worst['certified'] / worst['theory'])})")
    elif beyond:
        r = beyond[0]
        out["verdict"] = Verdict.ERROR.value
        out["summary"] = (f"the experiment's worst instance exceeds the certified worst case at {spec.variable} = "
                          f"{_fmt(r['x'])}: {_fmt(r['observed'])} > {_fmt(r['certified'])}")
    else:
        out["verdict"] = Verdict.CONFIRMED.value
        head = label[0].upper() + label[1:]
        out["summary"] = (f"{head} ≥ certified worst case at all {len(rows)} points; tightness (bound/certified) "
                          f"in [{_fmt(out['tightness_min'])}, {_fmt(out['tightness_max'])}]; experiment's worst ≤ "
                          f"certified at {compared} point(s)")
    return out


def preload(claims: list[Claim]) -> None:
    """Import PEPit and CVXPY once in the parent when a selected claim is certified.

    Claims run in forked workers (convergence/workers.py); importing CVXPY takes
    ~1.5 s (several under load), which each worker would otherwise pay again.
    """
    if any(c.certificate is not None for c in claims) and certificates.available():
        import cvxpy  # noqa: F401
        import PEPit  # noqa: F401

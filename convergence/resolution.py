"""Resolution: the smallest change of a claim's theory that its own comparison refutes.

A verdict says whether theory and measurement agree; it does not say how much
disagreement the measurement could have detected. The resolution does: the
theory values at the measured points are perturbed and judged again by the
claim's own comparison (``comparison.judge``, the same code as the verdict),
and the smallest perturbation that is REFUTED is found by bisection. It needs
only the measurement, never a re-run, so the runner computes it right after
judging and stores it in the record.

What is perturbed, per comparison kind:

- ``exact``, ``tight``, ``stochastic``: the theory scaled by (1 + δ) and by
  (1 − δ); the two directions are bisected separately ("−x % / +y %").
- ``exponent``: the predicted exponent shifted by −δ and by +δ (absolute).
- labels (``exact`` with rtol = 0, atol = 1/2 on integers: regime labels, counts): shifted by ±δ
  (absolute); the goal is that a change by one label is refuted (δ < 1).
- ``upper``: the bound lowered by δ|t| only (raising an upper bound makes it
  weaker, so no measurement can refute that); the smallest refuted lowering is
  the *tightness*: how close the worst instance found comes to the bound.
- ``lower``: the bound raised by δ|t| only; likewise.

For a bisection to find *the* threshold the set of refuted δ must be an
interval [δ*, ∞). It is: each point's acceptance condition (e.g.
|m − (1+δ)t| <= atol + rtol(1+δ)|t|, or lo <= (1+δ)t <= hi) holds on a convex
set of δ, and the intersection over points is convex; when δ = 0 is accepted
that set is [0, δ*). The tests check the bisection against direct judgements
just inside and just outside δ* for every kind.

**Claims whose theory the comparison refutes** (expected-REFUTED seed
statements, or a claim that failed). Here δ = 0 is refuted and the question is
different: *by how much does the statement miss, and could the comparison
tell a smaller miss apart?* The resolution records

- ``miss``: the smallest change of the stated theory that the comparison
  accepts (signed, in the units above), found from candidate changes (the
  point-wise ratios measured/theory, a log grid) and refined by bisection;
  ``None`` when no change up to the cap is accepted — the statement is wrong in
  *shape* (no constant factor or shift repairs it), the strongest refutation;
- ``band``: the accepted range of changes [a, b]; its half-width around its
  centre is the resolution there (the smallest change from the nearest accepted
  theory that the comparison would still refute), held to the same goal as a
  confirmed claim of the kind. A refuted bound has the one-sided band [a, ∞):
  "the bound holds only when raised by a".

Non-finite data gives no resolution (``status = "no-evidence"``); a comparison
that raises gives ``status = "error"`` with the message.

Goals (``goal_for``): tight and stochastic claims resolve <= 2 % in both
directions; exponent claims <= 0.05; exact claims, and tight claims whose
tolerance is at rounding level (rtol <= 1e-6), <= 1e-6; bounds are attained
within 2 % unless the comparison declares them loose (``Upper(loose="id")``,
naming the companion claim with the tight constant). The quick profile may be
up to 2.5 times wider. A claim that cannot reach its goal says why, with numbers,
in its comparison's ``resolution_note``: the miss is then recorded as
``explained`` (still ``meets_goal: false``), never for missing evidence
(non-finite data, an error).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .comparisons import Comparison, non_finite_points
from .measurement import Measurement
from .verdicts import Verdict

# Search range: a relative change down to 1e-12 (rounding) and up to ×11 / ×0.001; shifts up to 10.
FLOOR = 1e-12
CAP = {"plus": 10.0, "minus": 0.999}
SHIFT_CAP = 10.0
BOUND_RAISE_CAP = 1e3  # a violated bound may need raising by more than ×11
ITERATIONS = 80  # geometric bisection: [1e-12, 10] to a ratio below 1 + 1e-8
QUICK_WIDENING = 2.5
ROUNDING_NOTE = 1e-6  # a statistical comparison resolving below this has no sampling noise (sampling_note)
GOALS = {"relative": 0.02, "shift": 0.05, "rounding": 1e-6, "bound": 0.02}
SIGN = {"plus": 1.0, "minus": -1.0}


def unit(comparison: Comparison, theory: Any = None, measurement: Measurement | None = None) -> str:
    """'shift' for exponent claims (absolute change), 'label' for integer labels, 'relative' otherwise.

    Labels: an ``exact`` comparison with rtol = 0 and atol = 1/2 on integer values accepts exactly the
    same integer (a regime label, a count); scaling a label by 2 % means nothing, so the resolution is
    the smallest absolute shift refuted, and the goal is that every change by one label is refuted.
    """
    if comparison.kind == "exponent":
        return "shift"
    if (comparison.kind == "exact" and getattr(comparison, "rtol", None) == 0 and getattr(comparison, "atol", 0) == 0.5
            and theory is not None and measurement is not None and _integers(theory)
            and _integers(measurement.values)):
        return "label"
    return "relative"


def _integers(values: Any) -> bool:
    array = np.asarray(values, dtype=float)
    return bool(array.size) and bool(np.all(np.isfinite(array) & (array == np.round(array))))


def directions(comparison: Comparison) -> tuple[str, ...]:
    """The changes a measurement can refute: both, or only the tightening of a bound."""
    return {"upper": ("minus",), "lower": ("plus",)}.get(comparison.kind, ("minus", "plus"))


def perturb(comparison: Comparison, theory: np.ndarray, signed: float, unit_name: str | None = None) -> np.ndarray:
    """The theory changed by the signed amount ``signed`` (δ with its direction's sign)."""
    if (unit_name or unit(comparison)) in ("shift", "label"):
        return theory + signed
    if comparison.kind in ("upper", "lower"):
        return theory + signed * np.abs(theory)  # lowered/raised by a fraction of its size, whatever its sign
    return theory * (1.0 + signed)


def resolve(comparison: Comparison, theory: Any, measurement: Measurement) -> dict[str, Any]:
    """The claim's resolution (module docstring): JSON-able, with a short ``text``."""
    theory = np.asarray(theory, dtype=float)
    u = unit(comparison, theory, measurement)
    base: dict[str, Any] = {"unit": u, "directions": list(directions(comparison))}
    if non_finite_points(theory, measurement.values, measurement.stderr,
                         *(measurement.interval if measurement.interval is not None else ())):
        return {**base, "status": "no-evidence", "text": "no evidence (non-finite data)"}
    try:
        refuted = _refuter(comparison, theory, measurement, u)
        if not refuted(0.0):
            found = {d: _smallest_refuted(refuted, d, _cap(u, d)) for d in directions(comparison)}
            out = {**base, "status": "consistent", **found,
                   "cap": {d: _cap(u, d) for d in directions(comparison)}}
        else:
            out = {**base, "status": "refuted", **_miss(comparison, theory, measurement, refuted, u)}
    except Exception as exc:  # the comparison itself failed: recorded, never fatal for the claim
        return {**base, "status": "error", "text": f"error: {type(exc).__name__}: {exc}"}
    out["text"] = describe(out)
    return out


def _refuter(comparison: Comparison, theory: np.ndarray, measurement: Measurement,
             u: str) -> Callable[[float], bool]:
    def refuted(signed: float) -> bool:
        return comparison.judge(perturb(comparison, theory, signed, u), measurement).verdict is Verdict.REFUTED

    return refuted


def _cap(u: str, direction: str) -> float:
    return SHIFT_CAP if u in ("shift", "label") else CAP[direction]


def _smallest_refuted(refuted: Callable[[float], bool], direction: str, cap: float) -> float | None:
    """Smallest δ in [FLOOR, cap] with ``refuted(sign·δ)``, by geometric bisection; None if even cap is not."""
    sign = SIGN[direction]
    if not refuted(sign * cap):
        return None
    if refuted(sign * FLOOR):
        return FLOOR
    lo, hi = FLOOR, cap  # lo accepted, hi refuted
    for _ in range(ITERATIONS):
        mid = math.sqrt(lo * hi)
        if refuted(sign * mid):
            hi = mid
        else:
            lo = mid
        if hi / lo < 1 + 1e-9:
            break
    return hi


def _edge(accepted: Callable[[float], bool], inside: float, outside: float) -> float:
    """Bisect between an accepted and a refuted signed change; returns the accepted end, to ~1e-9 relative."""
    for _ in range(200):
        mid = 0.5 * (inside + outside)
        if mid in (inside, outside):
            break
        if accepted(mid):
            inside = mid
        else:
            outside = mid
        if abs(outside - inside) <= 1e-9 * max(abs(inside), abs(outside), FLOOR):
            break
    return inside


def _candidates(comparison: Comparison, theory: np.ndarray, measurement: Measurement, u: str) -> np.ndarray:
    """Signed changes worth trying when the stated theory is refuted: point-wise fits and a log grid."""
    data = [measurement.values_array()]
    if measurement.interval is not None:
        data += [np.asarray(v, dtype=float) for v in measurement.interval]
    fits = []
    for array in data:
        array, t = np.broadcast_arrays(array, theory)
        with np.errstate(all="ignore"):
            if u in ("shift", "label"):
                fit = array - t
            elif comparison.kind in ("upper", "lower"):
                fit = (array - t) / np.abs(t)
            else:
                fit = array / t - 1.0
        fits.append(np.ravel(fit))
    fits = np.concatenate(fits)
    fits = fits[np.isfinite(fits)]
    if fits.size > 400:
        fits = np.quantile(fits, np.linspace(0, 1, 401))
    grid = np.geomspace(1e-9, 1e3, 145)
    return np.unique(np.concatenate([fits, grid, -grid]))


def _miss(comparison: Comparison, theory: np.ndarray, measurement: Measurement,
          refuted: Callable[[float], bool], u: str) -> dict[str, Any]:
    """For a refuted theory: the nearest accepted change (the miss) and the accepted band around it."""
    allowed = directions(comparison) if comparison.kind not in ("upper", "lower") else (
        ("plus",) if comparison.kind == "upper" else ("minus",))  # a violated bound must be loosened
    low = -CAP["minus"] if u == "relative" else -SHIFT_CAP
    high = BOUND_RAISE_CAP if comparison.kind in ("upper", "lower") else _cap(u, "plus")
    candidates = _candidates(comparison, theory, measurement, u)
    candidates = candidates[(candidates >= low) & (candidates <= high)]
    candidates = candidates[[("plus" if c > 0 else "minus") in allowed for c in candidates]]
    accepted = [float(c) for c in candidates if not refuted(float(c))]
    if not accepted:
        return {"miss": None, "band": None, "searched": [float(low) if "minus" in allowed else 0.0,
                                                           float(high) if "plus" in allowed else 0.0]}
    nearest = min(accepted, key=abs)
    near_edge = _edge(lambda s: not refuted(s), nearest, 0.0)
    far_end = high if nearest > 0 else low
    if refuted(far_end):
        far_edge = _edge(lambda s: not refuted(s), nearest, far_end)
    else:
        far_edge = None  # accepted up to the end of the search (a bound raised far enough always holds)
    band = sorted([near_edge, far_edge]) if far_edge is not None else (
        [near_edge, None] if nearest > 0 else [None, near_edge])
    return {"miss": near_edge, "band": band, "band_halfwidth": _halfwidth(u, band)}


def _halfwidth(u: str, band: list[float | None]) -> float | None:
    """Half-width of the accepted band around its centre, in the claim's units (relative or shift)."""
    if band[0] is None or band[1] is None:
        return None
    a, b = band
    if u in ("shift", "label"):
        return (b - a) / 2
    return (b - a) / (2 + a + b)  # (1+b)/(1+c) − 1 with 1+c the band's centre factor


# --- goals ---------------------------------------------------------------------------------------

def goal_for(comparison: Comparison, profile: str, unit_name: str = "") -> dict[str, Any]:
    """The resolution a claim of this kind should reach (module docstring), widened for quick."""
    widen = QUICK_WIDENING if profile == "quick" else 1.0
    kind = comparison.kind
    rtol = getattr(comparison, "rtol", None)
    if unit_name == "label":  # every change by one label refuted, whatever the profile
        return {"goal": "label", "size": 1.0}
    if kind == "exponent":
        name, size = "shift", GOALS["shift"]
    elif kind == "exact" or (kind == "tight" and rtol is not None and rtol <= 1e-6):
        name, size = "rounding", GOALS["rounding"]
    elif kind in ("upper", "lower"):
        name, size = "bound", GOALS["bound"]
    else:
        name, size = "relative", GOALS["relative"]
    goal = {"goal": name, "size": size * widen}
    loose = getattr(comparison, "loose", None)
    if loose:
        goal["loose"] = loose
    note = getattr(comparison, "resolution_note", None)
    if note:
        goal["note"] = note  # why the claim cannot reach the goal (comparisons: "Explained misses")
    return goal


def meets(resolution: dict[str, Any], goal: dict[str, Any]) -> tuple[bool, str]:
    """Whether the resolution reaches the goal, and a short reason when it does not."""
    size = goal["size"]
    status = resolution.get("status")
    if status in ("no-evidence", "error", None):
        return False, resolution.get("text", "no resolution")
    if status == "refuted":
        if resolution.get("miss") is None:
            change = "rescaling" if resolution.get("unit") == "relative" else "shift"
            return True, f"no {change} of the statement is accepted (wrong in shape)"
        width = resolution.get("band_halfwidth")
        if width is None:  # one-sided band of a violated bound
            return True, "bound violated"
        return (width <= size, "" if width <= size else f"accepted band ±{_fmt(width, resolution['unit'])}")
    misses = []
    for direction in resolution["directions"]:
        value = resolution.get(direction)
        if value is None or value > size or (goal.get("goal") == "label" and value >= size):
            shown = f"> {_fmt(resolution['cap'][direction], resolution['unit'])}" if value is None else _fmt(
                value, resolution["unit"])
            misses.append(f"{'−' if direction == 'minus' else '+'}{shown}")
    if misses and goal.get("loose"):
        return True, f"bound declared loose (tight constant: {goal['loose']})"
    return (not misses, ", ".join(misses))


def sampling_note(comparison: Comparison, resolution: dict[str, Any]) -> str:
    """A warning (not a miss) when a statistical comparison resolves to rounding level.

    An interval from independent runs that pins the theory to 1e-6 means the data carry no sampling
    noise: deterministic numbers judged as if they were random, possibly one computation against itself.
    """
    statistical = comparison.kind in ("stochastic", "exponent") or getattr(comparison, "alpha", None) is not None
    values = [resolution.get(d) for d in resolution.get("directions", ())]
    if statistical and resolution.get("status") == "consistent" and values and all(
            v is not None and v <= ROUNDING_NOTE for v in values):
        return "note: a statistical comparison resolving to rounding level (no sampling noise in the data?)"
    return ""


# --- text ---------------------------------------------------------------------------------------

def _fmt(value: float, unit_name: str) -> str:
    if unit_name in ("shift", "label"):
        return f"{value:.2g}"
    if value >= 1e-4:
        return f"{100 * value:.2g} %"
    return f"{value:.1e}"


def describe(resolution: dict[str, Any]) -> str:
    """One short cell: '−1.2 % / +1.5 %', 'tight 0.8 %', 'misses +35 % (band ±1 %)', ..."""
    status = resolution.get("status")
    unit_name = resolution.get("unit", "relative")
    if status != "consistent" and status != "refuted":
        return resolution.get("text", "—")

    def side(direction: str) -> str:
        value = resolution.get(direction)
        sign = "−" if direction == "minus" else "+"
        if value is None:
            return f"{sign}>{_fmt(resolution['cap'][direction], unit_name)}"
        return f"{sign}{_fmt(value, unit_name)}"

    if status == "consistent":
        dirs = resolution["directions"]
        if len(dirs) == 1:
            return f"tight {side(dirs[0])[1:]}"
        return ("labels " if unit_name == "label" else "") + " / ".join(side(d) for d in dirs)
    miss = resolution.get("miss")
    if miss is None:
        return "misses: no rescaling fits" if unit_name == "relative" else "misses: no shift fits"
    text = f"misses {'+' if miss > 0 else '−'}{_fmt(abs(miss), unit_name)}"
    width = resolution.get("band_halfwidth")
    if width is not None:
        text += f" (band ±{_fmt(width, unit_name)})"
    return text


def assess(comparison: Comparison, theory: Any, measurement: Measurement, profile: str,
           statement: str | None = None) -> dict[str, Any]:
    """The record stored in results.json: the resolution, its goal, and whether it is met (and why not).

    A bound declared loose meets its goal only if the claim's ``statement`` (when given) says so
    (the word "loose"): a reader of the statement must not take the bound for the tight constant.
    """
    resolution = resolve(comparison, theory, measurement)
    goal = goal_for(comparison, profile, resolution.get("unit", ""))
    ok, why = meets(resolution, goal)
    why = why or sampling_note(comparison, resolution)
    if ok and why.startswith("bound declared loose") and statement is not None and "loose" not in statement.lower():
        ok, why = False, "bound declared loose, but the statement does not say so"
    # A miss the claim explains (``resolution_note``) stays a miss (meets_goal False), marked as explained.
    explained = not ok and bool(goal.get("note")) and resolution.get("status") in ("consistent", "refuted")
    return {**resolution, "goal": goal, "meets_goal": ok, "why": why, "explained": explained}

"""The six comparison kinds: how a theory value and a measurement are judged.

Every kind states its tolerance in the claim; none has a default tolerance
(the constructor refuses a missing one). Each ``judge`` takes the theory
evaluated at the measurement's points and returns an ``Outcome``:

- ``Exact``      identity up to floating-point error.
- ``Tight``      equality within a stated relative tolerance.
- ``Upper``      measured <= theory on every instance (the bound holds).
- ``Lower``      measured >= theory on every instance.
- ``Exponent``   a fitted slope's interval contains the prediction and
                 excludes the named alternative; INCONCLUSIVE if it holds both.
- ``Stochastic`` a confidence interval contains the prediction and is
                 narrower than the stated resolution; INCONCLUSIVE if wider.

The deterministic kinds (exact, tight, upper, lower) compare elementwise with
``|m - t| <= atol + rtol*|t|``.

**Non-finite data is never evidence.** NaN or inf anywhere in the measured
values, their standard errors or interval, or the theory evaluated at the
points makes every kind return INCONCLUSIVE (never REFUTED, never CONFIRMED):
a diverged or broken experiment neither passes a claim nor refutes a theory
or a mutant. (The runner applies the same rule to the whole claim.)

**Bounds on an expectation: ``Upper(alpha=...)`` / ``Lower(alpha=...)``.**
When a bound is on an expected value (E[X] <= B) the experiment hands over the
*sample mean* and its uncertainty, never a confidence limit as the value::

    Measurement(values=mean, stderr=sem, samples=runs, ...)      # preferred
    comparison=Upper(rtol=0.0, alpha=CLAIM_ALPHA)

(or ``interval=(lower, upper), level=CLAIM_ALPHA`` built by the claim, each end
a one-sided limit at a level no weaker than ``alpha`` after Bonferroni over the
points.) The comparison builds the one-sided limit itself: for ``Upper`` the
lower confidence limit ``LCL = mean - q * stderr`` with ``q`` the Student t
quantile ``t_{samples-1}(1 - alpha/points)`` (normal quantile when
``samples`` is not given), Bonferroni over the points; for ``Lower`` the upper
limit. A theory (or mutant) bound is REFUTED only when the interval excludes
it: ``LCL > bound + allowance`` at some point, i.e. the data show the
expectation beyond the bound at level ``alpha``. Otherwise it is CONFIRMED
(consistent with the data). So a correct bound is refuted with probability at
most ``alpha`` (inside the catalogue's α budget), and a mutant counts as
refuted only with the same evidence. How much a statistical bound could tell
apart is not in the verdict: it is the claim's *resolution* (tightness, see
``convergence/resolution.py``), reported next to it.

**Loose bounds.** ``Upper(..., loose="other.claim-id")`` declares that the
claim's bound is known not to be attained (its statement says so) and names
the companion claim that states the tight constant; the resolution report then
does not hold the bound to the 2 % tightness goal.

**Explained misses.** ``resolution_note="why, with numbers"`` (any kind,
keyword only) records why the claim cannot reach its resolution goal (a bound
with no known tight constant, a sample size the time budget cannot buy). It
changes no verdict and no resolution: ``convergence power`` and the report show
the miss as *explained*, with the note, instead of an unexplained MISS. The
note must state at least one number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, ClassVar

import numpy as np

from .errors import ClaimDefinitionError
from .measurement import Measurement
from .verdicts import Outcome, Verdict

_MISSING: Any = object()


def _require(name: str, value: Any, kind: str) -> float:
    if value is _MISSING or value is None:
        raise ClaimDefinitionError("tolerance", f"{kind} comparison needs '{name}' (there is no default)")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ClaimDefinitionError("tolerance", f"{kind} '{name}' must be a number, got {value!r}") from None
    if not np.isfinite(number) or number < 0:
        raise ClaimDefinitionError("tolerance", f"{kind} '{name}' must be finite and >= 0, got {value!r}")
    return number


def _as_arrays(theory: Any, measurement: Measurement) -> tuple[np.ndarray, np.ndarray]:
    measured = measurement.values_array()
    theory_arr = np.asarray(theory, dtype=float)
    measured, theory_arr = np.broadcast_arrays(measured, theory_arr)
    return measured, theory_arr


def non_finite_points(*arrays: Any) -> int:
    """How many points carry NaN or inf in any of the given arrays (None is skipped)."""
    present = [np.asarray(a, dtype=float) for a in arrays if a is not None]
    if not present:
        return 0
    bad = np.zeros(np.broadcast_shapes(*(a.shape for a in present)), dtype=bool)
    for array in present:
        bad = bad | ~np.isfinite(array)
    return int(np.sum(bad))


def _no_evidence(kind: str, count: int, points: int) -> Outcome:
    """The outcome for non-finite data: INCONCLUSIVE, whatever the theory (or mutant) says."""
    return Outcome(
        Verdict.INCONCLUSIVE,
        f"{kind}: non-finite data (NaN or inf) at {count} of {points} point(s): no evidence either way",
        margin=None,
        margin_label="non-finite data",
        details={"non_finite_points": count, "points": points},
    )


def _measurement_arrays(measurement: Measurement) -> tuple[Any, ...]:
    interval = measurement.interval if measurement.interval is not None else (None, None)
    return (measurement.values, measurement.stderr, *interval)


@dataclass(frozen=True)
class Comparison:
    kind: ClassVar[str] = ""
    # Why the claim misses its resolution goal (module docstring, "Explained misses"); None if it does not.
    resolution_note: str | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        note = self.resolution_note
        if note is not None and (not isinstance(note, str) or not any(ch.isdigit() for ch in note)):
            raise ClaimDefinitionError("tolerance", f"{self.kind} 'resolution_note' must be text stating the "
                                       f"numbers of the miss, got {note!r}")

    def judge(self, theory: Any, measurement: Measurement) -> Outcome:  # pragma: no cover
        raise NotImplementedError

    def tolerance(self) -> dict[str, float]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


@dataclass(frozen=True)
class _Elementwise(Comparison):
    """Shared machinery of exact/tight/upper/lower: scaled deviations per point."""

    rtol: float = _MISSING
    atol: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "rtol", _require("rtol", self.rtol, self.kind))
        object.__setattr__(self, "atol", _require("atol", self.atol, self.kind))

    def _allowance(self, theory: np.ndarray) -> np.ndarray:
        return self.atol + self.rtol * np.abs(theory)


class Exact(_Elementwise):
    """Identity up to floating-point error: |m - t| <= atol + rtol|t| everywhere."""

    kind = "exact"

    def judge(self, theory, measurement):
        measured, theory = _as_arrays(theory, measurement)
        return _equality_outcome(self, measured, theory)


class Tight(_Elementwise):
    """Equality within a stated relative tolerance: |m - t| <= atol + rtol|t|."""

    kind = "tight"

    def judge(self, theory, measurement):
        measured, theory = _as_arrays(theory, measurement)
        return _equality_outcome(self, measured, theory)


def _equality_outcome(cmp: _Elementwise, measured: np.ndarray, theory: np.ndarray) -> Outcome:
    bad = non_finite_points(measured, theory)
    if bad:
        return _no_evidence(cmp.kind, bad, int(measured.size))
    deviation = np.abs(measured - theory)
    allowance = cmp._allowance(theory)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(allowance > 0, deviation / allowance, np.where(deviation == 0, 0.0, np.inf))
    worst = float(np.max(scaled)) if scaled.size else 0.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # theory may be exactly 0
        rel = deviation / np.maximum(np.abs(theory), np.finfo(float).tiny)
    max_rel = float(np.max(np.where(np.isfinite(rel), rel, np.inf))) if rel.size else 0.0
    ok = worst <= 1.0
    n_bad = int(np.sum(scaled > 1.0))
    summary = (
        f"max |m-t| / (atol + rtol|t|) = {worst:.3g} over {scaled.size} point(s)"
        f" (max rel. error {max_rel:.3g}; rtol={cmp.rtol:g}, atol={cmp.atol:g})"
    )
    if not ok:
        summary += f"; {n_bad} point(s) outside"
    return Outcome(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        summary,
        margin=worst,
        margin_label="deviation / allowance (<= 1 passes)",
        details={"max_relative_error": max_rel, "points_outside": n_bad, "points": int(scaled.size)},
    )


def one_sided_limit(measurement: Measurement, alpha: float, side: str, kind: str) -> np.ndarray:
    """The measurement's one-sided confidence limit at family-wise level ``alpha`` (Bonferroni over points).

    ``side="lower"`` gives the lower limit (used to refute an upper bound), ``"upper"`` the upper one.
    From ``stderr``: ``values -/+ q * stderr`` with q the Student t quantile t_{samples-1}(1 - alpha/points),
    or the normal quantile when ``samples`` is not given. A precomputed ``interval`` must have been built
    at a level no weaker than ``alpha``; its end is then a one-sided limit at that level or stronger
    (a two-sided interval at level a has each end at a/2).
    """
    values = measurement.values_array()
    if measurement.interval is not None:
        _check_level(measurement, alpha, kind)
        lo, hi = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in measurement.interval))
        return np.broadcast_to(lo if side == "lower" else hi, values.shape)
    if measurement.stderr is None:
        raise ValueError(f"{kind}: a bound on an expectation needs the measurement's stderr (or interval)")
    stderr = np.asarray(measurement.stderr, dtype=float)
    points = max(int(np.size(values)), 1)
    q = _quantile(alpha / points, measurement.samples)
    return values - q * stderr if side == "lower" else values + q * stderr


def _check_level(measurement: Measurement, alpha: float, kind: str) -> None:
    if measurement.level is None or measurement.level > alpha * (1 + 1e-12):
        raise ValueError(
            f"{kind}: the measurement's interval was built at level {measurement.level},"
            f" weaker than the claim's alpha={alpha}"
        )


@dataclass(frozen=True)
class Upper(_Elementwise):
    """Upper bound: measured <= theory + atol + rtol|theory| on every instance.

    The outcome reports the slack of the worst instance, (t - m)/|t|: how
    close the bound came to being attained (0 = tight, negative = violated).

    With ``alpha`` the bound is on an expectation: ``values`` are sample means
    with ``stderr`` (and ``samples``), and the bound is refuted only when the
    one-sided confidence limit (lower limit for Upper) lies beyond it; the
    slack is then the slack of that limit (module docstring). ``loose`` names
    the companion claim with the tight constant when the bound is known loose.
    """

    alpha: float | None = None
    loose: str | None = None

    kind: ClassVar[str] = "upper"
    sign: ClassVar[float] = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.alpha is not None:
            object.__setattr__(self, "alpha", _require("alpha", self.alpha, self.kind))
            if not 0 < self.alpha < 1:
                raise ClaimDefinitionError("tolerance", f"{self.kind} alpha must lie in (0, 1), got {self.alpha}")
        if self.loose is not None and (not isinstance(self.loose, str) or not self.loose.strip()):
            raise ClaimDefinitionError("tolerance", f"{self.kind} 'loose' must name the companion claim id")

    def tolerance(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rtol": self.rtol, "atol": self.atol}
        if self.alpha is not None:
            out["alpha"] = self.alpha
        if self.loose is not None:
            out["loose"] = self.loose
        return out

    def judge(self, theory, measurement):
        measured, theory = _as_arrays(theory, measurement)
        bad = non_finite_points(theory, *_measurement_arrays(measurement))
        if bad:
            return _no_evidence(self.kind, bad, int(measured.size))
        decisive = measured
        if self.alpha is not None:  # the limit on the side that can refute the bound
            limit = one_sided_limit(measurement, self.alpha, "lower" if self.sign > 0 else "upper", self.kind)
            decisive = np.broadcast_to(limit, measured.shape)
        excess = self.sign * (decisive - theory)  # > 0 means the bound is exceeded
        violated = excess > self._allowance(theory)
        with np.errstate(divide="ignore", invalid="ignore"):
            slack = -excess / np.maximum(np.abs(theory), np.finfo(float).tiny)
            point_slack = -self.sign * (measured - theory) / np.maximum(np.abs(theory), np.finfo(float).tiny)
        worst = float(np.min(slack)) if slack.size else 0.0
        n_bad = int(np.sum(violated))
        word = "<=" if self.sign > 0 else ">="
        details = {"violations": n_bad, "instances": int(slack.size), "worst_slack": worst}
        if self.alpha is None:
            summary = (
                f"measured {word} theory on {slack.size - n_bad}/{slack.size} instance(s);"
                f" worst relative slack {worst:.3g} (rtol={self.rtol:g}, atol={self.atol:g})"
            )
            label = "worst relative slack (>= 0 holds)"
        else:
            which = "lower" if self.sign > 0 else "upper"
            point_worst = float(np.min(point_slack)) if point_slack.size else 0.0
            summary = (
                f"one-sided {which} confidence limit (alpha={self.alpha:g}, Bonferroni over {slack.size})"
                f" {word} theory on {slack.size - n_bad}/{slack.size} instance(s); worst relative slack of the"
                f" limit {worst:.3g}, of the mean {point_worst:.3g} (rtol={self.rtol:g}, atol={self.atol:g})"
            )
            label = f"worst relative slack of the {which} confidence limit (>= 0 holds)"
            details.update({"worst_slack_of_mean": point_worst, "confidence_limit": np.ravel(decisive).tolist(),
                            "limit_side": which})
        return Outcome(
            Verdict.REFUTED if n_bad else Verdict.CONFIRMED,
            summary,
            margin=worst,
            margin_label=label,
            details=details,
        )


@dataclass(frozen=True)
class Lower(Upper):
    """Lower bound: measured >= theory - atol - rtol|theory| on every instance (``alpha``: see Upper)."""

    kind: ClassVar[str] = "lower"
    sign: ClassVar[float] = -1.0


def _interval(measurement: Measurement, alpha: float, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """The measurement's interval at level alpha (Bonferroni across points).

    A precomputed interval must have been built at a level no weaker than the
    claim's alpha; otherwise it is built from ``stderr``: Student t with
    samples - 1 degrees of freedom when ``samples`` is given (the normal
    quantile would be too narrow for few runs), else normal.
    """
    values = measurement.values_array()
    if measurement.interval is not None:
        _check_level(measurement, alpha, kind)
        lo, hi = (np.asarray(v, dtype=float) for v in measurement.interval)
        return np.broadcast_arrays(lo, hi)
    if measurement.stderr is None:
        raise ValueError(f"{kind}: the measurement has neither an interval nor a standard error")
    stderr = np.asarray(measurement.stderr, dtype=float)
    points = max(int(np.size(values)), 1)
    q = _quantile(alpha / (2 * points), measurement.samples)
    return values - q * stderr, values + q * stderr


def _interval_against(theory: Any, measurement: Measurement, alpha: float, kind: str,
                      ) -> Outcome | tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(values, lower, upper, theory shaped as the values), or the no-evidence Outcome of non-finite data."""
    values = measurement.values_array()
    bad = non_finite_points(theory, *_measurement_arrays(measurement))
    if bad:
        return _no_evidence(kind, bad, int(values.size))
    lo, hi = _interval(measurement, alpha, kind)
    return values, lo, hi, np.broadcast_to(np.asarray(theory, dtype=float), values.shape)


def _quantile(tail: float, samples: int | None) -> float:
    """Upper ``tail`` quantile of the mean's distribution: Student t (samples - 1 d.f.) or normal."""
    if samples is not None and int(samples) >= 2:
        from scipy import stats  # only statistical kinds need it; keeps `convergence list` light

        return float(stats.t.ppf(1 - tail, int(samples) - 1))
    return NormalDist().inv_cdf(1 - tail)


@dataclass(frozen=True)
class Exponent(Comparison):
    """A fitted exponent (log-log slope or log-rate) against its prediction.

    CONFIRMED when the interval contains the predicted exponent and excludes
    ``alternative``; REFUTED when it excludes the prediction; INCONCLUSIVE
    when it contains both (the experiment cannot tell them apart).
    """

    kind: ClassVar[str] = "exponent"
    alpha: float = _MISSING
    alternative: Any = _MISSING

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "alpha", _require("alpha", self.alpha, self.kind))
        if self.alternative is _MISSING:
            raise ClaimDefinitionError("tolerance", "exponent comparison needs the named 'alternative'")
        if not 0 < self.alpha < 1:
            raise ClaimDefinitionError("tolerance", f"exponent alpha must lie in (0, 1), got {self.alpha}")

    def tolerance(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "alternative": np.asarray(self.alternative, dtype=float).tolist()}

    def judge(self, theory, measurement):
        judged = _interval_against(theory, measurement, self.alpha, self.kind)
        if isinstance(judged, Outcome):
            return judged
        values, lo, hi, theory = judged
        alternative = np.broadcast_to(np.asarray(self.alternative, dtype=float), values.shape)
        holds_theory = (lo <= theory) & (theory <= hi)
        holds_alt = (lo <= alternative) & (alternative <= hi)
        text = ", ".join(
            f"{v:.4g} [{a:.4g}, {b:.4g}]" for v, a, b in zip(values.ravel(), np.ravel(lo), np.ravel(hi))
        )
        if not np.all(holds_theory):
            verdict = Verdict.REFUTED
        elif np.any(holds_alt):
            verdict = Verdict.INCONCLUSIVE
        else:
            verdict = Verdict.CONFIRMED
        distance = float(np.max(np.abs(values - theory))) if values.size else 0.0
        return Outcome(
            verdict,
            f"fitted {text} (alpha={self.alpha:g}); predicted {np.ravel(theory).tolist()},"
            f" alternative {np.ravel(alternative).tolist()}",
            margin=distance,
            margin_label="|fitted - predicted|",
            details={"lower": np.ravel(lo).tolist(), "upper": np.ravel(hi).tolist()},
        )


@dataclass(frozen=True)
class Stochastic(Comparison):
    """A confidence interval from independent runs against the prediction.

    ``alpha`` is the family-wise level of the claim (split across points by
    Bonferroni); ``resolution`` the largest acceptable interval half-width
    relative to |theory| (or absolute, where ``abs_resolution`` is given).
    """

    kind: ClassVar[str] = "stochastic"
    alpha: float = _MISSING
    resolution: float = _MISSING
    relative: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "alpha", _require("alpha", self.alpha, self.kind))
        object.__setattr__(self, "resolution", _require("resolution", self.resolution, self.kind))
        if not 0 < self.alpha < 1:
            raise ClaimDefinitionError("tolerance", f"stochastic alpha must lie in (0, 1), got {self.alpha}")

    def judge(self, theory, measurement):
        judged = _interval_against(theory, measurement, self.alpha, self.kind)
        if isinstance(judged, Outcome):
            return judged
        values, lo, hi, theory = judged
        contains = (lo <= theory) & (theory <= hi)
        half_width = (hi - lo) / 2
        scale = np.abs(theory) if self.relative else np.ones_like(theory)
        with np.errstate(divide="ignore", invalid="ignore"):
            width = np.where(scale > 0, half_width / scale, np.inf)
        worst_width = float(np.max(width)) if width.size else 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            rel_err = np.abs(values - theory) / np.where(np.abs(theory) > 0, np.abs(theory), 1.0)
        if not np.all(contains):
            verdict = Verdict.REFUTED
        elif worst_width > self.resolution:
            verdict = Verdict.INCONCLUSIVE
        else:
            verdict = Verdict.CONFIRMED
        word = "relative" if self.relative else "absolute"
        return Outcome(
            verdict,
            f"interval contains theory at {int(np.sum(contains))}/{contains.size} point(s);"
            f" widest {word} half-width {worst_width:.3g} (resolution {self.resolution:g}, alpha={self.alpha:g});"
            f" max rel. deviation {float(np.max(rel_err)) if rel_err.size else 0.0:.3g}",
            margin=worst_width,
            margin_label=f"widest {word} half-width",
            details={
                "lower": np.ravel(lo).tolist(),
                "upper": np.ravel(hi).tolist(),
                "points_outside": int(np.sum(~contains)),
            },
        )


KINDS: dict[str, type[Comparison]] = {
    cls.kind: cls for cls in (Exact, Tight, Upper, Lower, Exponent, Stochastic)
}

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
``|m - t| <= atol + rtol*|t|``; non-finite measurements fail the comparison
(a diverged run never silently passes).
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Comparison:
    kind: ClassVar[str] = ""

    def judge(self, theory: Any, measurement: Measurement) -> Outcome:  # pragma: no cover
        raise NotImplementedError

    def tolerance(self) -> dict[str, float]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, (int, float))}


@dataclass(frozen=True)
class _Elementwise(Comparison):
    """Shared machinery of exact/tight/upper/lower: scaled deviations per point."""

    rtol: float = _MISSING
    atol: float = 0.0

    def __post_init__(self) -> None:
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
    deviation = np.abs(measured - theory)
    allowance = cmp._allowance(theory)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(allowance > 0, deviation / allowance, np.where(deviation == 0, 0.0, np.inf))
    scaled = np.where(np.isfinite(measured) & np.isfinite(theory), scaled, np.inf)
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


class Upper(_Elementwise):
    """Upper bound: measured <= theory + atol + rtol|theory| on every instance.

    The outcome reports the slack of the worst instance, (t - m)/|t|: how
    close the bound came to being attained (0 = tight, negative = violated).
    """

    kind = "upper"
    sign: ClassVar[float] = 1.0

    def judge(self, theory, measurement):
        measured, theory = _as_arrays(theory, measurement)
        excess = self.sign * (measured - theory)  # > 0 means the bound is exceeded
        violated = (excess > self._allowance(theory)) | ~np.isfinite(measured)
        with np.errstate(divide="ignore", invalid="ignore"):
            slack = -excess / np.maximum(np.abs(theory), np.finfo(float).tiny)
        slack = np.where(np.isfinite(slack), slack, -np.inf)
        worst = float(np.min(slack)) if slack.size else 0.0
        n_bad = int(np.sum(violated))
        word = "<=" if self.sign > 0 else ">="
        summary = (
            f"measured {word} theory on {slack.size - n_bad}/{slack.size} instance(s);"
            f" worst relative slack {worst:.3g} (rtol={self.rtol:g}, atol={self.atol:g})"
        )
        return Outcome(
            Verdict.REFUTED if n_bad else Verdict.CONFIRMED,
            summary,
            margin=worst,
            margin_label="worst relative slack (>= 0 holds)",
            details={"violations": n_bad, "instances": int(slack.size), "worst_slack": worst},
        )


class Lower(Upper):
    """Lower bound: measured >= theory - atol - rtol|theory| on every instance."""

    kind = "lower"
    sign = -1.0


def _interval(measurement: Measurement, alpha: float, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """The measurement's interval at level alpha (Bonferroni across points).

    A precomputed interval must have been built at a level no weaker than the
    claim's alpha; otherwise a normal interval is built from ``stderr``.
    """
    values = measurement.values_array()
    if measurement.interval is not None:
        if measurement.level is None or measurement.level > alpha * (1 + 1e-12):
            raise ValueError(
                f"{kind}: the measurement's interval was built at level {measurement.level},"
                f" weaker than the claim's alpha={alpha}"
            )
        lo, hi = (np.asarray(v, dtype=float) for v in measurement.interval)
        return np.broadcast_arrays(lo, hi)
    if measurement.stderr is None:
        raise ValueError(f"{kind}: the measurement has neither an interval nor a standard error")
    stderr = np.asarray(measurement.stderr, dtype=float)
    points = max(int(np.size(values)), 1)
    z = NormalDist().inv_cdf(1 - alpha / (2 * points))
    return values - z * stderr, values + z * stderr


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
        object.__setattr__(self, "alpha", _require("alpha", self.alpha, self.kind))
        if self.alternative is _MISSING:
            raise ClaimDefinitionError("tolerance", "exponent comparison needs the named 'alternative'")
        if not 0 < self.alpha < 1:
            raise ClaimDefinitionError("tolerance", f"exponent alpha must lie in (0, 1), got {self.alpha}")

    def tolerance(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "alternative": np.asarray(self.alternative, dtype=float).tolist()}

    def judge(self, theory, measurement):
        values = measurement.values_array()
        lo, hi = _interval(measurement, self.alpha, self.kind)
        theory = np.broadcast_to(np.asarray(theory, dtype=float), values.shape)
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
        object.__setattr__(self, "alpha", _require("alpha", self.alpha, self.kind))
        object.__setattr__(self, "resolution", _require("resolution", self.resolution, self.kind))
        if not 0 < self.alpha < 1:
            raise ClaimDefinitionError("tolerance", f"stochastic alpha must lie in (0, 1), got {self.alpha}")

    def judge(self, theory, measurement):
        values = measurement.values_array()
        lo, hi = _interval(measurement, self.alpha, self.kind)
        theory = np.broadcast_to(np.asarray(theory, dtype=float), values.shape)
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

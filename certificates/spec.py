"""What a claim declares to get a certificate (plain data: no PEPit import here)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Point = Mapping[str, float]


@dataclass(frozen=True)
class Certificate:
    """A worst-case certificate attached to a claim.

    Args:
        program: a function of ``certificates.programs``: keyword arguments are
            the point's entries, it returns a PEPit ``PEP`` with the metric set.
        function_class: the class the worst case is taken over, e.g. "L-smooth convex".
        method: the method as the program writes it, e.g. "GD, η = 1/L".
        metric: the performance metric, e.g. "f(x_T) − f*".
        initial: the initial condition, e.g. "‖x₀ − x*‖² ≤ R²".
        variable: the point entry drawn on the figure's x-axis ("T", "eta", …).
        points: ``(measurement, profile) -> points``; each point is a dict of the
            claim's input names (the theory is evaluated there) and the program's
            arguments. ``fixed_points`` builds one from fixed grids per profile.
        observed: ``(measurement, point) -> float | None``: the experiment's worst
            instance at that point in the certificate's units, None where the
            experiment has no instance comparable with the point.
        convert: maps the certified metric to the theory's units (e.g. a squared
            distance ratio to a rate); identity when None.
        bound: None to judge the claim's own result; a SymPy expression (over the
            claim's input names or theory symbols) or the label of a derivation
            step whose right side is the bound, for claims whose result is not
            itself the bound (an exponent, a decay rate).
        bound_label: how the report names that bound.
        rtol: the accuracy the certified value is trusted to, relative. The
            default 1e-6 is argued in convergence/certify.py (Clarabel's gap and
            feasibility tolerances are 1e-8, 1e-7 on a retry; the dual value PEPit
            returns is a valid bound up to those residuals). The primal–dual gap
            must lie within the same accuracy.
        reference: an optional second program solved on the same points (e.g. GD
            at the same step), reported as the ratio certified / reference.
        reference_label: its name in the report.
        scale: the magnitude of the program's data at a point (e.g. η‖∇f‖² for a
            one-step change): the solver's accuracy is relative to it, not to the
            certified value, when the value is much smaller (values near 0).
    """

    program: Callable[..., Any]
    function_class: str
    method: str
    metric: str
    initial: str
    variable: str
    points: Callable[[Any, str], Sequence[Point]]
    observed: Callable[[Any, Point], float | None] | None = None
    convert: Callable[[float, Point], float] | None = None
    bound: Any = None
    bound_label: str = ""
    rtol: float = 1e-6
    reference: Callable[..., Any] | None = None
    reference_label: str = ""
    scale: Callable[[Point], float] | None = None

    def __post_init__(self) -> None:
        for name in ("program", "points"):
            if not callable(getattr(self, name)):
                raise TypeError(f"certificate.{name} must be callable")
        for name in ("function_class", "method", "metric", "initial", "variable"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise TypeError(f"certificate.{name} must be a non-empty string")
        if not 0 < float(self.rtol) < 1e-2:
            raise TypeError("certificate.rtol must lie in (0, 1e-2)")

    def describe(self) -> dict[str, Any]:
        """The declaration as JSON-able text (results.json, ``show``)."""
        return {
            "program": self.program.__name__, "function_class": self.function_class, "method": self.method,
            "metric": self.metric, "initial": self.initial, "variable": self.variable,
            "bound": self.bound_label or "the claim's result", "rtol": self.rtol,
            "reference": self.reference_label or None,
        }


def fixed_points(quick: Sequence[Point], full: Sequence[Point] | None = None) -> Callable[[Any, str], list[dict]]:
    """Points that do not depend on the measurement: one grid per profile (full defaults to quick)."""
    grids = {"quick": [dict(p) for p in quick], "full": [dict(p) for p in (full if full is not None else quick)]}

    def points(measurement: Any, profile: str) -> list[dict]:
        return [dict(p) for p in grids[profile]]

    return points


def worst_at(variable: str, scale: Callable[[Mapping[str, Any]], Any] | None = None,
             where: Callable[[Mapping[str, Any]], Any] | None = None) -> Callable[[Any, Point], float | None]:
    """An ``observed`` function: the largest measured value among the experiment's points whose input
    ``variable`` equals the point's, rescaled by ``scale`` (a function of the inputs, e.g. L·R²) from
    the experiment's units to the point's; ``where`` optionally selects points (a boolean mask of the inputs).
    None when the experiment has no point there.
    """
    import numpy as np

    def observed(measurement: Any, point: Point) -> float | None:
        values = np.asarray(measurement.values, dtype=float)
        inputs = {k: np.broadcast_to(np.asarray(v, dtype=float), values.shape) for k, v in measurement.inputs.items()}
        mask = inputs[variable] == float(point[variable])
        if where is not None:
            mask = mask & np.asarray(where(inputs), dtype=bool)
        if not np.any(mask):
            return None
        normalised = values / (scale(inputs) if scale is not None else 1.0)
        return float(np.max(normalised[mask]) * (scale(point) if scale is not None else 1.0))

    return observed

"""The optimizer table: every optimizer factory the engine accepts, in one place.

To add an optimizer, write its factory (returning an ``Optimizer``) in
``empirics/optimizers.py``, ``optimizers_momentum.py`` or ``adaptive.py`` and add
one ``Entry`` to ``TABLE`` below. tests/test_optimizer_contract.py then holds it to
the contracts every entry meets (hypothesis-driven):

* a batch of hyper-parameters, as (runs, 1) arrays, gives the iterates of the
  separate single runs bit for bit (every update is elementwise, so row r of the
  batch performs the same floating-point operations as run r alone);
* from its initial state, a zero gradient leaves x unchanged (Adam and AMSGrad:
  only for ε > 0, since with ε = 0 the step is 0/0; their ranges keep ε > 0);
* every state array is shaped (runs, …), so the engine can zero a diverged run's
  row; the arrays are named by ``Entry.state``;
* on any quadratic with curvatures in [1, 2], with hyper-parameters anywhere in
  the entry's ranges, f(x_T) − f* ≤ ``tolerance``·(f(x_0) − f*) after
  T = ``steps`` updates; for an entry marked ``monotone=False`` (the Adam family,
  whose iterates leave x* again once v̂ has decayed) the contract is that some
  x_t with t ≤ T meets the tolerance;
* an in-place ``step``, where the optimizer has one, is bit-identical to ``update``;
* a schedule the optimizer takes is called with the step count below.

A test also checks that every public function in ``empirics`` annotated to return
an ``Optimizer`` is some entry's factory, so an unregistered optimizer fails the suite.

Step-count convention (the one convention, stated here once): updates are counted
from 1. The update that produces x_t from x_{t−1} is update t, and a schedule passed
to an optimizer (Adam's step-size multiplier, the accelerated method's momentum β_k)
is evaluated at t = 1, 2, … — never at 0. The schedules of ``empirics/schedules.py``
are indexed from 0 (their t is the number of updates already taken), so one of them
enters an optimizer as ``lambda t: schedule(t - 1)``.

Beside the table (``BESIDE_THE_TABLE``): optimizers of this interface that draw their
own gradients, from a finite sum's components (``variance_reduction.svrg_method``,
``saga_method``) or from a stochastic oracle (``stochastic.sgd_method``), so the table's
contracts on deterministic quadratics do not apply; tests/test_variance_reduction.py and
tests/test_stochastic.py hold them to their recursions. Clipping and projection are
options of ``sgd_method`` and ``adaptive.drive``. AdaGrad and RMSProp are not implemented.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .adaptive import adam, inverse_sqrt
from .optimizers import Optimizer, State, gradient_descent, heavy_ball, nesterov_lookahead
from .optimizers_momentum import accelerated_gradient, nesterov_pytorch, nesterov_sutskever

# The contract's test problems: diagonal quadratics with curvatures in this interval.
CURVATURES = (1.0, 2.0)


@dataclass(frozen=True)
class Entry:
    """One optimizer of the table.

    Attributes:
        name: unique name in the table.
        factory: the public factory the entry builds with.
        hyper: hyper-parameter name ↦ (low, high), a range in which the method
            converges on every quadratic with curvatures in ``CURVATURES``.
        state: names of the state arrays, in the order ``init`` returns them.
        steps, tolerance: the convergence contract (see the module docstring).
        monotone: whether the contract holds at step T itself (True) or at some
            step t ≤ T (False: the method converges, then moves away again).
        fixed: keyword arguments held fixed (a form, a flag).
        build: how to call ``factory`` when the hyper-parameters are not its own
            keyword arguments (a constant momentum passed as a schedule).
        note: why the ranges, steps or tolerance are what they are; any exception.
    """

    name: str
    factory: Callable[..., Optimizer]
    hyper: Mapping[str, tuple[float, float]]
    state: tuple[str, ...]
    steps: int
    tolerance: float
    monotone: bool = True
    fixed: Mapping[str, Any] = field(default_factory=dict)
    build: Callable[..., Optimizer] | None = None
    note: str = ""

    def make(self, **values: Any) -> Optimizer:
        """The optimizer at these hyper-parameter values (scalars or (runs, 1) arrays)."""
        if set(values) != set(self.hyper):
            raise ValueError(f"{self.name} takes {sorted(self.hyper)}, got {sorted(values)}")
        return (self.build or self.factory)(**values, **self.fixed)

    def representative(self) -> dict[str, float]:
        """The middle of every range: one well-behaved setting."""
        return {k: 0.5 * (lo + hi) for k, (lo, hi) in self.hyper.items()}

    def named(self, state: State) -> dict[str, np.ndarray]:
        """The state tuple as a mapping from the entry's state names."""
        if len(state) != len(self.state):
            raise ValueError(f"{self.name} has state {self.state}, got {len(state)} arrays")
        return dict(zip(self.state, state))


def _constant_momentum_agm(eta: Any, beta: Any) -> Optimizer:
    return accelerated_gradient(eta, lambda k: beta)


def _adam_inverse_sqrt(**kwargs: Any) -> Optimizer:
    return adam(**kwargs, schedule=inverse_sqrt)


_MOMENTUM = {"eta": (0.1, 0.5), "beta": (0.0, 0.5)}
_ADAM = {"eta": (0.05, 0.1), "beta1": (0.8, 0.9), "beta2": (0.999, 0.9999), "eps": (1e-9, 1e-7)}
_ADAM_NOTE = ("not monotone near x*: once the gradients are small v̂ decays, the step "
              "grows and the iterate leaves x* again (measured over 3000 random runs in "
              "these ranges: every run reached 1e-8 by step 414, yet about 1 run in 100 "
              "was back above it at step 3000, up to 2e-3); η ≥ 0.05 because with "
              "β₂ near 1 v̂ remembers the first large gradients and η = 0.02 takes "
              "thousands of steps; ε > 0 for the zero-gradient contract.")

TABLE: tuple[Entry, ...] = (
    Entry("gd", gradient_descent, {"eta": (0.1, 0.9)}, (), 300, 1e-12,
          note="rate max|1 − ηλ| ≤ 0.9 on λ ∈ [1, 2]."),
    Entry("heavy-ball-sum", heavy_ball, _MOMENTUM, ("v",), 300, 1e-12, fixed={"form": "sum"},
          note="ηλ ≤ 1 < 2(1 + β): inside the stability region."),
    Entry("heavy-ball-ema", heavy_ball, {"eta": (0.1, 0.9), "beta": (0.0, 0.5)}, ("v",), 300, 1e-12,
          fixed={"form": "ema"}, note="the sum form with step η(1 − β)."),
    Entry("nesterov-lookahead", nesterov_lookahead, _MOMENTUM, ("v",), 300, 1e-12),
    Entry("nesterov-sutskever", nesterov_sutskever, _MOMENTUM, ("v",), 300, 1e-12,
          note="same iterates as the lookahead form with v = −η·v_lookahead."),
    Entry("nesterov-pytorch", nesterov_pytorch, _MOMENTUM, ("buffer",), 300, 1e-12,
          note="its iterate is the lookahead point x − ηβv of the lookahead form."),
    Entry("accelerated-gradient", accelerated_gradient, {"eta": (0.1, 0.5)}, ("x_prev", "k"), 300, 1e-12,
          note="β_k = (k − 1)/(k + 2) → 1, so its guarantee is only f(x_T) − f* ≤ "
               "2‖x_0 − x*‖²/(η(T + 1)²); the tolerance is measured (worst of 1200 random "
               "runs: 8e-22 at T = 300), not that bound."),
    Entry("accelerated-gradient-constant", accelerated_gradient, _MOMENTUM, ("x_prev", "k"), 300, 1e-12,
          build=_constant_momentum_agm, note="constant β: the lookahead Nesterov iterates."),
    Entry("adam", adam, _ADAM, ("m", "v", "u", "t"), 1000, 1e-8, monotone=False, note=_ADAM_NOTE),
    Entry("adam-uncorrected", adam, _ADAM, ("m", "v", "u", "t"), 1000, 1e-8, monotone=False,
          fixed={"bias_correction": False}, note=_ADAM_NOTE),
    Entry("amsgrad", adam, _ADAM, ("m", "v", "u", "t"), 1000, 1e-8, monotone=False, fixed={"amsgrad": True},
          note="u is the running maximum of the raw v, but u/(1 − β₂^t) still decays as "
               "t grows, so the step can grow back as in Adam. " + _ADAM_NOTE),
    Entry("amsgrad-uncorrected", adam, _ADAM, ("m", "v", "u", "t"), 1000, 1e-8, monotone=False,
          fixed={"amsgrad": True, "bias_correction": False}, note=_ADAM_NOTE),
    Entry("adam-inverse-sqrt", adam, {"eta": (0.5, 1.0)}, ("m", "v", "u", "t"), 1000, 1e-2,
          build=_adam_inverse_sqrt,
          note="η_t = η/√t: sublinear by design; the contract is a 100-fold decrease."),
)

BY_NAME: dict[str, Entry] = {e.name: e for e in TABLE}

# Optimizer factories outside the table, and why (see the module docstring).
BESIDE_THE_TABLE: dict[str, str] = {
    "svrg_method": "draws component gradients of a finite sum; needs the problem and a generator",
    "saga_method": "draws component gradients of a finite sum; needs the problem and a generator",
    "sgd_method": "draws its gradients from a stochastic oracle with a generator",
    "clocked": "wraps another optimizer: feeds it update t's gradient of a time-dependent problem, then projects",
}

"""optax's optimizers and schedules evaluated on NumPy inputs, in float64, returned as NumPy arrays.

Conventions mapped onto optax (the README states them):

* SGD ``optax.sgd(η)``; heavy ball sum form ``optax.sgd(η, momentum=β)`` (trace t ← g + βt, x ← x − ηt).
* Nesterov ``optax.sgd(η, momentum=β, nesterov=True)`` updates the lookahead point p = x − ηβv of the
  suite's lookahead form (v ← βv + ∇f(x − ηβv), x ← x − ηv): compare p, not x.
* Adam ``optax.adam(η, b1, b2, eps, eps_root=0)``: the suite's bias-corrected Adam.
* AMSGrad: optax takes the maximum of the bias-corrected v̂ (``bias_correction_nu=True``) where the
  suite corrects the running maximum of the raw v; with both corrections off (Reddi et al.'s
  original) the two are the same algorithm.
* Schedules: step = ``exponential_decay(staircase=True)``, exponential = ``exponential_decay`` with
  rate e^(−k) per step, cosine = ``cosine_decay_schedule(alpha = η_min/η₀)``, warm-up + cosine =
  ``warmup_cosine_decay_schedule`` (its decay_steps include the warm-up), SGDR = ``sgdr_schedule``
  with warmup_steps = 0. optax has no triangular cyclical schedule.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
import optax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")

OPTIMIZERS = ("sgd", "heavy_ball", "nesterov", "adam", "amsgrad", "amsgrad_uncorrected")


def _transform(kind: str, h: dict):
    if kind == "sgd":
        return optax.sgd(h["eta"])
    if kind == "heavy_ball":
        return optax.sgd(h["eta"], momentum=h["beta"])
    if kind == "nesterov":
        return optax.sgd(h["eta"], momentum=h["beta"], nesterov=True)
    if kind == "adam":
        return optax.adam(h["eta"], b1=h["beta1"], b2=h["beta2"], eps=h["eps"], eps_root=0.0)
    if kind == "amsgrad":
        return optax.amsgrad(h["eta"], b1=h["beta1"], b2=h["beta2"], eps=h["eps"])
    if kind == "amsgrad_uncorrected":
        return optax.amsgrad(h["eta"], b1=h["beta1"], b2=h["beta2"], eps=h["eps"],
                             bias_correction_mu=False, bias_correction_nu=False)
    raise ValueError(f"unknown optimizer {kind!r}")


def _trajectory_one(kind: str, steps: int, A, x0, h):
    tx = _transform(kind, h)

    def body(carry, _):
        x, state = carry
        updates, state = tx.update(A @ x, state, x)
        x = optax.apply_updates(x, updates)
        return (x, state), x

    _, xs = jax.lax.scan(body, (x0, tx.init(x0)), None, length=steps)
    return jnp.concatenate([x0[None], xs])


def _states_one(kind: str, steps: int, A, x0, h):
    """Iterates and Adam-type moments (m, v, running max of v) before every step."""
    tx = _transform(kind, h)

    def body(carry, _):
        x, state = carry
        moments = state[0]
        record = (x, moments.mu, moments.nu, getattr(moments, "nu_max", moments.nu))
        updates, state = tx.update(A @ x, state, x)
        return (optax.apply_updates(x, updates), state), record

    (x_last, _), records = jax.lax.scan(body, (x0, tx.init(x0)), None, length=steps)
    return x_last, records


_RUNNERS: dict[tuple[str, int], object] = {}


def adam_states(kind: str, A: np.ndarray, x0: np.ndarray, steps: int, **hyper: np.ndarray) -> dict[str, np.ndarray]:
    """For "adam", "amsgrad", "amsgrad_uncorrected": x_t, m_t, v_t and optax's nu_max_t before step t + 1
    (shape (steps, runs, dim)) and x_T, so the suite's update can be applied to optax's own state."""
    key = (f"states-{kind}", steps)
    if key not in _RUNNERS:
        one = lambda A_, x_, h_: _states_one(kind, steps, A_, x_, h_)  # noqa: E731
        _RUNNERS[key] = jax.jit(jax.vmap(one))
    hyper = {k: jnp.asarray(np.asarray(v, dtype=float).reshape(-1)) for k, v in hyper.items()}
    x_last, (xs, ms, vs, maxes) = _RUNNERS[key](jnp.asarray(A, dtype=jnp.float64), jnp.asarray(x0, dtype=jnp.float64),
                                                hyper)
    move = lambda a: np.swapaxes(np.asarray(a), 0, 1)  # noqa: E731
    return {"x": move(xs), "m": move(ms), "v": move(vs), "nu_max": move(maxes), "x_last": np.asarray(x_last)}


def trajectories(kind: str, A: np.ndarray, x0: np.ndarray, steps: int, **hyper: np.ndarray) -> np.ndarray:
    """optax's iterates on f_r(x) = ½xᵀA_r x for a batch r: shape (steps + 1, runs, dim).

    ``hyper`` holds one value per run (η, β, β₁, β₂, ε as the optimizer needs).
    """
    key = (kind, steps)
    if key not in _RUNNERS:
        one = lambda A_, x_, h_: _trajectory_one(kind, steps, A_, x_, h_)  # noqa: E731
        _RUNNERS[key] = jax.jit(jax.vmap(one))
    hyper = {k: jnp.asarray(np.asarray(v, dtype=float).reshape(-1)) for k, v in hyper.items()}
    out = _RUNNERS[key](jnp.asarray(A, dtype=jnp.float64), jnp.asarray(x0, dtype=jnp.float64), hyper)
    return np.swapaxes(np.asarray(out), 0, 1)


def schedule(kind: str, **p: float):
    """The optax schedule for one set of hyper-parameters (scalars), as a function of the step."""
    if kind == "step":
        return optax.exponential_decay(p["eta0"], int(p["s"]), p["gamma"], staircase=True)
    if kind == "exponential":
        return optax.exponential_decay(p["eta0"], 1, float(np.exp(-p["k"])))
    if kind == "cosine":
        return optax.cosine_decay_schedule(p["eta0"], int(p["T"]), alpha=p["eta_min"] / p["eta0"])
    if kind == "warmup_cosine":
        return optax.warmup_cosine_decay_schedule(p["f"] * p["eta0"], p["eta0"], int(p["W"]), int(p["W"] + p["T"]),
                                                  end_value=p["eta_min"])
    if kind == "cosine_restarts":
        cycles = int(p.get("cycles", 8))
        return optax.sgdr_schedule([dict(init_value=p["eta0"], peak_value=p["eta0"], warmup_steps=0,
                                         decay_steps=int(p["T"]), end_value=p["eta_min"])] * cycles)
    raise ValueError(f"optax has no counterpart of schedule {kind!r}")


SCHEDULES = ("step", "exponential", "cosine", "warmup_cosine", "cosine_restarts")


def schedule_values(kind: str, steps: Sequence[int] | np.ndarray, **p: float) -> np.ndarray:
    """optax's η_t at the integer steps t (float64 NumPy array)."""
    # Evaluated eagerly on the whole array: jit would recompile for every set of hyper-parameters.
    return np.asarray(schedule(kind, **p)(jnp.asarray(np.asarray(steps, dtype=np.int64))), dtype=float)

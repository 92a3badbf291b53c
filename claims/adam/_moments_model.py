"""The typeset moment recursions against one update of the experiments' Adam (not a claim)."""

import numpy as np

from convergence import Model
from empirics.adaptive import adam


def moments_after_one_update(beta_1, beta_2, eps, m, v, g):
    """(m_t, v_t) of ``adam`` after one update from (m, v, u, t) = (m, v, v, 0) on the gradient g.

    All arrays (N,) (the model's points); the optimizer acts on (N, 1) batches. η and ε do not enter
    the moments.
    """
    column = lambda values: np.asarray(values, dtype=float)[:, None]  # noqa: E731
    zeros = np.zeros((len(beta_1), 1))
    _, new = adam(1.0, column(beta_1), column(beta_2), eps).update(zeros, (column(m), column(v), column(v), zeros),
                                                                  lambda x: column(g))
    return new[0][:, 0], new[1][:, 0]


def adam_moments_models(eps: float) -> tuple[Model, Model]:
    """Models of the definition step "Adam's moments", one per moment; ``eps`` as the experiment runs Adam
    (η and ε do not enter the moments: the check is that the recursions are the optimizer's)."""
    ranges = {"beta_1": (0.01, 0.99), "beta_2": (0.5, 0.9999), "g[t]": (-3, 3), "m_t-1": (-3, 3), "v_t-1": (0, 9)}
    return tuple(Model("Adam's moments",
                       lambda beta_1, beta_2, _i=i, **p: moments_after_one_update(
                           beta_1, beta_2, eps, p["m_t-1"], p["v_t-1"], p["g[t]"])[_i],
                       ranges, part=part)
                 for i, part in enumerate(("m_t", "v_t")))

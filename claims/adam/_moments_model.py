"""The typeset "Adam's moments" against one update of the experiments' Adam (not a claim)."""

import numpy as np

from convergence import Model
from empirics.adaptive import adam


def _moment_after_one_update(index: int, eps: float):
    """m_t (index 0) or v_t (index 1) of ``adam`` from (m, v, u, t) = (m_(t−1), v_(t−1), v_(t−1), 0) on g[t]."""

    def moment(beta_1, beta_2, **p):
        column = lambda values: values[:, None]  # noqa: E731  (points are (N,); the optimizer acts on (N, 1))
        state = (column(p["m_t-1"]), column(p["v_t-1"]), column(p["v_t-1"]), np.zeros((len(beta_1), 1)))
        _, new = adam(1.0, column(beta_1), column(beta_2), eps).update(np.zeros((len(beta_1), 1)), state,
                                                                      lambda x: column(p["g[t]"]))
        return new[index][:, 0]

    return moment


def adam_moments_models(eps: float) -> tuple[Model, Model]:
    """Models of the definition step "Adam's moments", one per moment; ``eps`` as the experiment runs Adam
    (η and ε do not enter the moments: the check is that the recursions are the optimizer's)."""
    ranges = {"beta_1": (0.01, 0.99), "beta_2": (0.5, 0.9999), "g[t]": (-3, 3), "m_t-1": (-3, 3), "v_t-1": (0, 9)}
    return tuple(Model("Adam's moments", _moment_after_one_update(i, eps), ranges, part=part)
                 for i, part in enumerate(("m_t", "v_t")))

"""Shared experiment of sgd.minibatch-variance and sgd.variance-linear-seed (a helper, not a claim).

At a fixed point of a ridge finite sum, the component gradients ∇ℓ_i and the
full gradient ∇L are known exactly, so σ² = (1/n) Σ‖∇ℓ_i − ∇L‖² is exact and
the squared error ‖g_B − ∇L‖² of a mini-batch mean has expectation Var(g_B)
without estimating the mean. One array of R × B_max indices drawn with
replacement gives every batch size at once through cumulative sums (prefix
batches of one draw are valid batches of each size).
"""

import numpy as np

from empirics.finite_sum import synthetic_ridge


def batch_errors(params, rng):
    """Squared errors (R, len(B)) of mini-batch means with replacement, the B grid, σ² and n."""
    n, d = params["n"], params["dim"]
    problem = synthetic_ridge(rng, n, d, kappa=5.0, noise=1.0, reg=0.0)
    x = problem.x_star[None, :] + rng.standard_normal((1, d))
    deviations = problem.component_grads(x)[0] - problem.grad(x)[0]  # (n, d), exact, sums to ~0
    sigma2 = float(np.mean(np.sum(deviations**2, axis=1)))
    sizes = np.asarray(params["batch_sizes"])
    draws = rng.integers(0, n, size=(params["runs"], sizes.max()))
    partial = np.cumsum(deviations[draws], axis=1)[:, sizes - 1, :] / sizes[None, :, None]
    return np.sum(partial**2, axis=2), sizes, sigma2, n

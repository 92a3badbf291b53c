"""Shared experiment of sgd.minibatch-variance and sgd.variance-linear-seed (a helper, not a claim).

At a fixed point of a ridge finite sum, the component gradients ∇ℓ_i and the
full gradient ∇L are known exactly, so σ² = (1/n) Σ‖∇ℓ_i − ∇L‖² is exact and
the squared error ‖g_B − ∇L‖² of a mini-batch mean has expectation Var(g_B)
without estimating the mean. One array of R × B_max indices drawn with
replacement gives every batch size at once through cumulative sums (prefix
batches of one draw are valid batches of each size).
"""

import numpy as np

from empirics.problems import synthetic_ridge


def _deviations(params, rng):
    """∇ℓ_i − ∇L at a random point of a ridge finite sum (n, d), exact (sums to ~0); σ², n and d."""
    n, d = params["n"], params["dim"]
    problem = synthetic_ridge(rng, n, d, kappa=5.0, noise=1.0, reg=0.0)
    x = problem.x_star[None, :] + rng.standard_normal((1, d))
    deviations = problem.component_grads(x)[0] - problem.grad(x)[0]
    return deviations, float(np.mean(np.sum(deviations**2, axis=1))), n, d


def batch_errors(params, rng, chunk=10000):
    """Squared errors (R, len(B)) of mini-batch means with replacement, the B grid, σ² and n.

    The prefix sums are formed ``chunk`` runs at a time (each run's alone, so the result does not
    depend on it): all at once they would hold R × B_max × d floats twice (400 MB in the full profile).
    """
    deviations, sigma2, n, _ = _deviations(params, rng)
    sizes = np.asarray(params["batch_sizes"])
    draws = rng.integers(0, n, size=(params["runs"], sizes.max()))
    errors = np.empty((params["runs"], len(sizes)))
    for start in range(0, params["runs"], chunk):
        rows = slice(start, start + chunk)
        partial = np.cumsum(deviations[draws[rows]], axis=1)[:, sizes - 1, :] / sizes[None, :, None]
        errors[rows] = np.sum(partial**2, axis=2)
    return errors, sizes, sigma2, n


def block_errors(params, rng, chunk=4000):
    """Per-run mean squared errors (R, len(B)) from disjoint blocks of one draw, the B grid, σ² and n.

    Each run draws B_max indices with replacement once; for every batch size B
    it forms ⌊B_max/B⌋ disjoint consecutive blocks (each a valid, independent
    batch of size B) and averages ‖g_B − ∇L‖² over them. Small batches thus get
    many independent batches per run (64 at B = 1) for the same draws, which is
    where the squared error is most variable (heavy-tailed component norms).
    Runs are independent, so a t interval over runs is valid for every B (the
    B columns share draws; Bonferroni over B does not need independence).
    Chunked over runs to bound memory (R × B_max × d floats per chunk).
    """
    deviations, sigma2, n, d = _deviations(params, rng)
    sizes = np.asarray(params["batch_sizes"])
    longest = int(sizes.max())
    runs = params["runs"]
    out = np.empty((runs, len(sizes)))
    for start in range(0, runs, chunk):
        draws = rng.integers(0, n, size=(min(chunk, runs - start), longest))
        sums = {1: deviations[draws]}  # block size -> (r, blocks, d) sums of consecutive blocks
        for k, size in enumerate(sizes):
            base = max(b for b in sums if size % b == 0)  # build from the largest divisor already summed
            factor, parent = size // base, sums[base]
            blocks = longest // size
            block_sums = parent[:, : blocks * factor].reshape(len(draws), blocks, factor, d).sum(axis=2)
            sums[int(size)] = block_sums
            out[start: start + len(draws), k] = np.einsum("rbd,rbd->rb", block_sums, block_sums).mean(axis=1) / size**2
    return out, sizes, sigma2, n

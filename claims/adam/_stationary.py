"""Shared gradient streams for the bias-correction and std-seed claims (not a claim).

A *random-phase* stationary stream: a random sequence a_0 … a_{P−1} is read
cyclically from each of its P starting phases, one run per phase. Averaged
over the P runs, every g_t has exactly the population mean of a and g_t² the
population mean of a², at every t: an exactly stationary process whose
expectations are finite sums, so the claims can compare them at the
floating-point level instead of through a Monte-Carlo interval.
"""

import numpy as np

from empirics.adaptive import adam, corrected_moments, drive, prescribed


def random_phase_history(a: np.ndarray, steps: int) -> np.ndarray:
    """(steps, P, 1) history: run s sees g_t = a[(s + t − 1) mod P]."""
    period = a.shape[-1]
    index = (np.arange(period)[None, :] + np.arange(steps)[:, None]) % period
    return a[index][..., None]


def moments_along(history: np.ndarray, beta1, beta2, checkpoints: np.ndarray):
    """Adam's raw and corrected moments per run at checkpoints, read from the real optimizer's state.

    Returns an array (len(checkpoints), 2, 2, runs): [raw (m, v), corrected (m̂, v̂)].
    """

    def observe(x, state, t):
        raw = corrected_moments(state, beta1, beta2, bias_correction=False)
        hat = corrected_moments(state, beta1, beta2, bias_correction=True)
        return np.array([[raw[0][:, 0], raw[1][:, 0]], [hat[0][:, 0], hat[1][:, 0]]])

    steps = int(np.max(checkpoints))
    record = drive(adam(1.0, beta1, beta2, 1e-8), prescribed(history),
                   np.zeros((history.shape[1], 1)), steps, checkpoints, observe=observe)
    return record.observations

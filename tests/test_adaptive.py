"""Adam/AMSGrad steps (empirics/adaptive.py) against their defining recursions, and theory/adam.py identities."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from empirics.adaptive import (
    PeriodicLinearOnline,
    adam,
    corrected_moments,
    drive,
    impulse_responses,
    online_regret,
    prescribed,
)
from theory import adam as th
from theory.typst_printer import to_typst

betas = st.floats(0.0, 0.999)


def reference_adam(history, eta, b1, b2, eps, bias_correction=True, amsgrad=False):
    """Scalar loop transcription of Kingma & Ba's Algorithm 1 (AMSGrad: max of raw v)."""
    x, m, v, u, out = 0.0, 0.0, 0.0, 0.0, []
    for t, g in enumerate(history, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        u = max(u, v) if amsgrad else v
        mh, uh = (m / (1 - b1**t), u / (1 - b2**t)) if bias_correction else (m, u)
        x = x - eta * mh / (np.sqrt(uh) + eps)
        out.append(x)
    return np.array(out)


@settings(max_examples=40, deadline=None)
@given(b1=betas, b2=st.floats(0.5, 0.9999), seed=st.integers(0, 2**31), bc=st.booleans(), ams=st.booleans())
def test_batched_adam_matches_scalar_reference(b1, b2, seed, bc, ams):
    rng = np.random.default_rng(seed)
    history = rng.standard_normal((25, 3, 2))
    eta, steps = 0.1, 25
    rec = drive(adam(eta, b1, b2, 1e-8, bias_correction=bc, amsgrad=ams), prescribed(history),
                np.zeros((3, 2)), steps, np.arange(1, steps + 1))
    # Both compute 1 − β₂^t, the batch with a float exponent, the loop with an int one: an ulp or
    # two apart, which the subtraction turns into a relative error of ~ε/(1 − β₂^t) ≤ ε/(t(1 − β₂))
    # in v̂ (seen: 4e-14 absolute in x at β₂ = 0.9999). Steps are ≤ ~η; the iterate adds them up:
    # Σ_t 2ε/(t(1 − β₂)) · η, the harmonic number times 2ηε/(1 − β₂).
    harmonic = np.sum(1.0 / np.arange(1, steps + 1))
    atol = max(1e-14, eta * 2 * np.finfo(float).eps * harmonic / (1 - b2)) if bc else 1e-14
    for r in range(3):
        for d in range(2):
            ref = reference_adam(history[:, r, d], eta, b1, b2, 1e-8, bc, ams)
            np.testing.assert_allclose(rec.observations[:, r, d], ref, rtol=1e-12, atol=atol)


def test_hyperparameters_broadcast_per_run():
    history = np.ones((5, 2, 1))
    b2 = np.array([[0.9], [0.99]])
    rec = drive(adam(1.0, 0.9, b2, 0.0), prescribed(history), np.zeros((2, 1)), 5, np.array([5]))
    np.testing.assert_allclose(rec.observations[0, :, 0], -5.0, rtol=1e-13)  # constant g: every step is η


def test_impulse_responses_reproduce_moments():
    rng = np.random.default_rng(1)
    targets = np.array([1, 4, 9])
    W, U = impulse_responses([0.9, 0.5], [0.999, 0.8], targets)
    g = rng.standard_normal(9)
    for p, (b1, b2) in enumerate([(0.9, 0.999), (0.5, 0.8)]):
        history = np.broadcast_to(g[:, None, None], (9, 1, 1))
        state_at = drive(adam(0.0, b1, b2, 0.0), prescribed(history), np.zeros((1, 1)), 9, targets,
                         observe=lambda x, s, t, b1=b1, b2=b2: np.stack(corrected_moments(s, b1, b2))[:, 0, 0])
        np.testing.assert_allclose(W[p] @ g, state_at.observations[:, 0], rtol=1e-12)
        np.testing.assert_allclose(U[p] @ g**2, state_at.observations[:, 1], rtol=1e-12)


def test_reddi_problem_gradients_and_projection():
    prob = PeriodicLinearOnline(np.array([[3.0]]))
    x = np.zeros((1, 1))
    assert prob.grad(1, x)[0, 0] == 3.0 and prob.grad(2, x)[0, 0] == -1.0 and prob.grad(4, x)[0, 0] == 3.0
    assert prob.project(np.array([[5.0]]))[0, 0] == 1.0
    # regret of the constant comparator against itself is zero
    from empirics.optimizers import gradient_descent
    xs, regret, finite = online_regret(gradient_descent(0.0), prob, np.full((1, 1), -1.0), 9, np.array([9]), -1.0)
    assert regret[0, 0] == 0.0 and finite.all()


def test_no_warnings_escape_on_zero_gradients():
    rec = drive(adam(1.0, 0.9, 0.999, 0.0), prescribed(np.zeros((3, 1, 1))), np.zeros((1, 1)), 3, np.array([3]))
    assert not rec.finite[0]  # 0/0 with ε = 0 is recorded as data, not raised


@pytest.mark.parametrize("derive", [th.bias_correction, th.first_step, th.max_step_bound, th.std_seed,
                                    th.scale_invariance, th.per_coordinate_spread, th.convex_convergence_seed])
def test_derivations_print_to_typst(derive):
    d = derive()
    assert to_typst(d.result)
    for step in d.steps:
        assert to_typst(step.expr)


def test_max_step_bound_matches_brute_force_sum_and_limit():
    bound = th.max_step_bound().result
    for b1, b2, t in [(0.9, 0.999, 7), (0.5, 0.9, 3), (0.9, 0.7, 12)]:
        direct = (1 - b1) / (1 - b1**t) * np.sqrt((1 - b2**t) / (1 - b2) * sum((b1**2 / b2) ** k for k in range(t)))
        value = float(bound.subs({th.beta_1: b1, th.beta_2: b2, th.t: t}))
        assert value == pytest.approx(direct, rel=1e-13)
    far = float(bound.subs({th.beta_1: 0.9, th.beta_2: 0.999, th.t: 10**6}))
    assert far == pytest.approx(0.1 / np.sqrt(0.001 * (1 - 0.81 / 0.999)), rel=1e-12)


def test_scale_invariance_ratio_is_one_without_eps():
    assert sp.simplify(th.scale_invariance().result.subs(th.epsilon, 0)) == 1

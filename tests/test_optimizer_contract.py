"""Contracts every entry of the optimizer table meets (empirics/optimizer_table.py).

The test problems are diagonal quadratics: their gradient is elementwise, so row r of
a batch depends on row r of x only, through the same floating-point operations as a
single run, and the batch contract can ask for bit-identical iterates.
"""

import importlib
import inspect
import pkgutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import empirics
from empirics.adaptive import adam
from empirics.engine import run
from empirics.optimizer_table import BESIDE_THE_TABLE, BY_NAME, CURVATURES, TABLE, Entry
from empirics.optimizers import Optimizer
from empirics.problems import DiagonalQuadratic

WITH_STEP = [e for e in TABLE if e.make(**e.representative()).step is not None]


def _returns_optimizer(obj) -> bool:
    if not inspect.isfunction(obj):
        return False
    annotation = inspect.signature(obj).return_annotation  # a string under `from __future__ import annotations`
    return annotation is Optimizer or str(annotation).rpartition(".")[2] == "Optimizer"


def _public_factories() -> set:
    found = set()
    for info in pkgutil.iter_modules(empirics.__path__):
        module = importlib.import_module(f"empirics.{info.name}")
        found |= {obj for name, obj in vars(module).items() if not name.startswith("_") and _returns_optimizer(obj)}
    return found


def test_the_table_registers_every_public_optimizer_factory():
    factories = _public_factories()
    # The scan must see the factories it guards, or this test could not fail.
    assert {"gradient_descent", "heavy_ball", "nesterov_lookahead", "adam"} <= {f.__name__ for f in factories}
    assert {"svrg_method", "saga_method", "sgd_method"} <= {f.__name__ for f in factories}  # "optimizers.Optimizer"
    unregistered = {f for f in factories - {e.factory for e in TABLE} if f.__name__ not in BESIDE_THE_TABLE}
    names = sorted(f.__name__ for f in unregistered)
    assert not unregistered, f"add an Entry to empirics/optimizer_table.py for {names}"


def test_entries_are_unique_and_name_their_state():
    assert len(BY_NAME) == len(TABLE)
    x0 = np.zeros((2, 3))
    for entry in TABLE:
        optimizer = entry.make(**entry.representative())
        assert isinstance(optimizer, Optimizer)
        assert set(entry.named(optimizer.init(x0))) == set(entry.state)
        assert all(lo <= hi for lo, hi in entry.hyper.values()), entry.name
    with pytest.raises(ValueError, match="takes"):
        TABLE[0].make(nonsense=1.0)


def _pure(optimizer: Optimizer) -> Optimizer:
    return Optimizer(optimizer.name, optimizer.init, optimizer.update)


@st.composite
def setups(draw, entries=TABLE):
    """An entry, per-run hyper-parameters anywhere in its ranges, and a diagonal quadratic."""
    entry: Entry = draw(st.sampled_from(entries))
    runs, dim = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    values = {k: [draw(st.floats(lo, hi)) for _ in range(runs)] for k, (lo, hi) in entry.hyper.items()}
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    problem = DiagonalQuadratic(rng.uniform(*CURVATURES, (runs, dim)), x_star=rng.uniform(-3, 3, (runs, dim)))
    x0 = rng.uniform(-3, 3, (runs, dim))
    return entry, values, problem, x0


def _batched(values: dict) -> dict:
    return {k: np.array(v)[:, None] for k, v in values.items()}


@settings(max_examples=80, deadline=None)
@given(setups(), st.integers(1, 25))
def test_a_batch_of_hyperparameters_equals_the_separate_runs(setup, steps):
    # Bit for bit: every update is elementwise, and a scalar hyper-parameter enters the
    # same IEEE operations as its (runs, 1) column does for its row.
    entry, values, problem, x0 = setup
    batch = run(entry.make(**_batched(values)), problem.grad, x0, steps)
    for r in range(x0.shape[0]):
        single = DiagonalQuadratic(problem.curvatures[r:r + 1], x_star=problem.x_star[r:r + 1])
        alone = run(entry.make(**{k: v[r] for k, v in values.items()}), single.grad, x0[r:r + 1], steps)
        np.testing.assert_array_equal(batch.observations[:, r:r + 1], alone.observations, err_msg=entry.name)


@settings(max_examples=60, deadline=None)
@given(setups(), st.integers(1, 25), st.booleans())
def test_a_zero_gradient_leaves_x_unchanged_from_the_initial_state(setup, steps, pure):
    entry, values, _, x0 = setup
    optimizer = entry.make(**_batched(values))
    traj = run(_pure(optimizer) if pure else optimizer, np.zeros_like, x0, steps)
    np.testing.assert_array_equal(traj.observations, np.broadcast_to(x0, traj.observations.shape), err_msg=entry.name)


def test_adam_with_zero_eps_is_the_documented_exception_to_the_zero_gradient_contract():
    traj = run(adam(0.1, eps=0.0), np.zeros_like, np.ones((1, 2)), 1)
    assert traj.diverged.all()  # 0/0: the reason the table keeps ε > 0


@settings(max_examples=60, deadline=None)
@given(setups(), st.integers(0, 6))
def test_state_arrays_are_shaped_runs_first(setup, steps):
    entry, values, problem, x0 = setup
    optimizer = _pure(entry.make(**_batched(values)))
    state, x = optimizer.init(x0), x0
    for _ in range(steps):
        x, state = optimizer.update(x, state, problem.grad)
    assert len(state) == len(entry.state)
    for name, array in entry.named(state).items():
        assert isinstance(array, np.ndarray) and array.ndim >= 1 and array.shape[0] == x0.shape[0], (entry.name, name)


@settings(max_examples=60, deadline=None)
@given(setups())
def test_it_converges_on_a_well_conditioned_quadratic(setup):
    entry, values, problem, x0 = setup
    checkpoints = None if not entry.monotone else np.array([0, entry.steps])
    traj = run(entry.make(**_batched(values)), problem.grad, x0, entry.steps,
               observe=problem.value, checkpoints=checkpoints)
    ratio = traj.observations / traj.observations[0]
    reached = ratio[-1] if entry.monotone else ratio.min(axis=0)
    assert not traj.diverged.any(), entry.name
    assert (reached <= entry.tolerance).all(), (entry.name, reached)


@settings(max_examples=40, deadline=None)
@given(setups(WITH_STEP), st.integers(1, 30))
def test_the_in_place_step_is_bit_identical_to_the_pure_update(setup, steps):
    entry, values, problem, x0 = setup
    optimizer = entry.make(**_batched(values))
    in_place = run(optimizer, problem.grad, x0, steps)
    pure = run(_pure(optimizer), problem.grad, x0, steps)
    np.testing.assert_array_equal(in_place.observations, pure.observations, err_msg=entry.name)


SCHEDULED = sorted({e.factory for e in TABLE if "schedule" in inspect.signature(e.factory).parameters},
                   key=lambda f: f.__name__)


@pytest.mark.parametrize("factory", SCHEDULED, ids=lambda f: f.__name__)
def test_a_schedule_is_called_at_steps_counted_from_one(factory):
    seen = []

    def schedule(t):
        seen.append(np.unique(t))
        return 0.5 * np.ones_like(t)

    run(factory(0.1, schedule=schedule), DiagonalQuadratic(np.array([1.0, 2.0])).grad, np.ones((3, 2)), 5)
    assert [s.tolist() for s in seen] == [[t] for t in range(1, 6)]


def test_a_step_from_two_iterates_is_the_momentum_recursion():
    """x_(t+1) = x_t + β(x_t − x_(t−1)) − ηλx_t (heavy ball), (1 − ηλ)(x_t + β(x_t − x_(t−1))) (Nesterov)."""
    from empirics.optimizers import heavy_ball, nesterov_lookahead, step_from_iterates
    from empirics.problems import DiagonalQuadratic

    rng = np.random.default_rng(3)
    eta, beta, lam, x_t, x_prev = (rng.uniform(lo, hi, 50) for lo, hi in ((0.01, 1), (0, 0.99), (0.1, 4), (-2, 2),
                                                                          (-2, 2)))
    grad = DiagonalQuadratic(lam[:, None]).grad
    heavy = step_from_iterates(heavy_ball(eta[:, None], beta[:, None]), eta, grad, x_t, x_prev)
    nesterov = step_from_iterates(nesterov_lookahead(eta[:, None], beta[:, None]), eta, grad, x_t, x_prev)
    np.testing.assert_allclose(heavy, x_t + beta * (x_t - x_prev) - eta * lam * x_t, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(nesterov, (1 - eta * lam) * (x_t + beta * (x_t - x_prev)), rtol=1e-12, atol=1e-12)

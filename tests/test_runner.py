"""What the runner stores: every point for small claims, a subset keeping the worst for large ones."""

import numpy as np

from convergence.measurement import Measurement, Series
from convergence.runner import MAX_FIGURE_POINTS, MAX_STORED_POINTS, _stored_points, _thin


def test_small_measurements_are_stored_whole():
    m = Measurement(values=np.arange(5.0), inputs={"x": np.arange(5.0)})
    stored = _stored_points(np.arange(5.0), m)
    assert stored["measured_values"] == [0, 1, 2, 3, 4] and stored["points_total"] == 5


def test_large_measurements_keep_the_worst_point():
    n = 50 * MAX_STORED_POINTS
    theory = np.ones(n)
    values = np.ones(n)
    values[12345] = 3.0  # the one point that disagrees must survive the subsetting
    m = Measurement(values=values, inputs={"x": np.arange(n, dtype=float), "c": 2.0})
    stored = _stored_points(theory, m)
    assert stored["points_total"] == n and stored["points_stored"] <= MAX_STORED_POINTS
    assert 3.0 in stored["measured_values"]
    index = stored["measured_values"].index(3.0)
    assert stored["inputs"]["x"][index] == 12345 and stored["inputs"]["c"] == 2.0


def test_long_series_are_thinned_and_say_so():
    x = np.arange(3 * MAX_FIGURE_POINTS, dtype=float)
    thinned = _thin(Series("s", x, 2 * x, kind="scatter"))
    assert len(thinned.x) <= MAX_FIGURE_POINTS and np.all(thinned.y == 2 * thinned.x)
    assert "1 in 3 of" in thinned.label
    short = Series("t", x[:10], x[:10])
    assert _thin(short) is short


def test_theory_curves_are_the_derivation_on_each_grid():
    """Each (label, grid) of ``theory_curves`` is the claim's own derivation on that grid; mutants on the first."""
    from claims.momentum.window import CLAIM
    from convergence.measurement import Figure
    from convergence.runner import _figure_with_theory

    k = np.arange(1.0, 6.0)
    curves = tuple((f"β = {b:g}", {"k": k, "beta": np.full_like(k, b)}) for b in (0.5, 0.9))
    figure = Figure("share", "k", "share", theory_x="k", theory_curves=curves, draw_mutants=True)
    data = _figure_with_theory(CLAIM, Measurement(values=np.zeros(1), figure=figure))
    theory = [s for s in data["series"] if s["role"] == "theory"]
    assert [s["label"] for s in theory] == ["theory, β = 0.5", "theory, β = 0.9"]
    for s, b in zip(theory, (0.5, 0.9)):
        assert np.allclose(s["x"], k) and np.allclose(s["y"], 1 - b**k)
    mutants = [s for s in data["series"] if s["role"] == "mutant"]
    assert len(mutants) == len(CLAIM.mutants)
    assert np.allclose(mutants[0]["y"], np.minimum(1, k * 0.5))  # Min(1, k(1 − β)) at the first curve's β
    assert "theory_curves" not in data and "theory_grid" not in data


def test_importing_the_suite_sets_one_blas_thread_unless_the_user_chose():
    """Workers run side by side, one per core: each gets one BLAS thread, set before NumPy loads."""
    import os
    import subprocess
    import sys

    script = "import convergence, numpy, os; print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    default = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert default.stdout.split() == ["1", "1"]
    chosen = subprocess.run([sys.executable, "-c", script], env={**env, "OPENBLAS_NUM_THREADS": "3"},
                            capture_output=True, text=True, check=True)
    assert chosen.stdout.split() == ["3", "1"]

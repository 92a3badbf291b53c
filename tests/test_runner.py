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

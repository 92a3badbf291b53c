"""theory/moments.py (expectations from stated moments) and theory/unrolling.py (linear recursions)."""

import pytest
import sympy as sp

from theory.moments import expectation, stated_groups
from theory.unrolling import unroll

e, xi, v, s = sp.symbols("e xi v s", real=True)
q = sp.Symbol("q", positive=True)


def test_expectation_uses_independence_and_the_stated_moments():
    second = expectation((q * e - s * xi) ** 2, [{e: sp.Symbol("m"), e**2: v}, {xi: 0, xi**2: 1}])
    assert sp.expand(second - (q**2 * v + s**2)) == 0


def test_expectation_refuses_a_moment_that_was_not_stated():
    with pytest.raises(KeyError, match="xi\\*\\*3"):
        expectation(xi**3, [{xi: 0, xi**2: 1}])


def test_unrolled_recursion_matches_direct_iteration_beyond_the_checked_horizons():
    k, n = sp.Symbol("k", integer=True, positive=True), sp.Symbol("n", integer=True, nonnegative=True)
    u = sp.IndexedBase("u")
    closed = unroll(q, lambda j: u[j], e, k, n)
    direct = e
    for j in range(1, 8):
        direct = q * direct + u[j]
    assert sp.expand(closed.subs(n, 7).doit() - direct) == 0


def test_stated_groups_read_the_moments_an_assumption_shows():
    e, xi, v = sp.symbols("e xi v", real=True)
    E = sp.Function("E")
    stated = sp.And(sp.Eq(E(xi), 0), sp.Eq(E(xi**2), 1), sp.Eq(E(e**2), v))
    update = (1 - sp.Symbol("h")) * e - xi
    assert sp.expand(expectation(update**2, stated_groups(stated, e, E)) - ((1 - sp.Symbol("h")) ** 2 * v + 1)) == 0
    with pytest.raises(KeyError, match="no moment stated"):  # E e² missing: refused, never dropped
        expectation(update**2, stated_groups(sp.And(sp.Eq(E(xi), 0), sp.Eq(E(xi**2), 1)), e, E))

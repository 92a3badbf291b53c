"""The third leg: worst-case certificates from performance estimation (PEP).

A claim about the worst case over a function class (L-smooth convex, L-smooth
μ-strongly convex, L-smooth) can declare a ``Certificate``: the method written
in PEPit's algebra (``certificates.programs``), the function class, the metric
and initial condition, and the grid of points (horizons T or step sizes) at
which the exact worst case is computed as a small semidefinite program, solved
with the open-source solver Clarabel through CVXPY.

This package imports neither ``theory`` nor ``empirics`` (tests/test_architecture.py);
PEPit is an optional extra (``pip install '.[pep]'``) and is imported only when a
certificate is solved, so the suite runs without it and says so.
"""

from . import programs
from .solve import Solution, available, solve, solver_versions
from .spec import Certificate, fixed_points, worst_at

__all__ = ["Certificate", "Solution", "programs", "available", "fixed_points", "solve", "solver_versions", "worst_at"]

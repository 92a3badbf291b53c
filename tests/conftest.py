"""Shared fixtures. Matplotlib never opens a window in tests."""

import os

import convergence  # noqa: F401  (first, before any test module imports NumPy: one BLAS thread per process)

os.environ.setdefault("MPLBACKEND", "Agg")

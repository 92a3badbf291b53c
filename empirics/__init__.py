"""Empirical side of the suite: problems, optimizers, the trajectory engine, estimators.

NumPy/SciPy only; never imports SymPy (enforced by tests/test_architecture.py).
Arrays are shaped (runs, dim): seeds and hyper-parameter grids run as one batch
and the only Python loop is over time.
"""

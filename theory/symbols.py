"""Symbols shared by the derivations, with their SymPy assumptions.

Names follow theory/typst_printer.py conventions (``eta`` -> η, ``x_star`` -> x*).
"""

import sympy as sp

eta = sp.Symbol("eta", positive=True)  # step size
lam = sp.Symbol("lambda", positive=True)  # a curvature (eigenvalue)
mu = sp.Symbol("mu", positive=True)  # smallest eigenvalue / strong convexity
L = sp.Symbol("L", positive=True)  # largest eigenvalue / smoothness
kappa = sp.Symbol("kappa", positive=True)  # condition number L/mu
beta = sp.Symbol("beta", real=True)  # momentum
h = sp.Symbol("h", real=True)  # eta * lambda
w = sp.Symbol("w", positive=True)  # weight of the gradient in the velocity update
t = sp.Symbol("t", integer=True, nonnegative=True)  # step index
k = sp.Symbol("k", integer=True, nonnegative=True)  # summation index
z = sp.Symbol("z")  # root of a characteristic polynomial
g = sp.Symbol("g", real=True)  # a constant gradient
theta = sp.Symbol("theta", real=True)
theta_0 = sp.Symbol("theta_0", real=True)

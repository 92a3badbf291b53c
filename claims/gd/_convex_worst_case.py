"""Shared by gd.convex-rate and gd.convex-rate-tight (a helper, not a claim): one problem, one certificate.

Both claims run GD with η = 1/L on the same grid of horizons and are certified by the same
performance-estimation program (the exact worst case of f(x_T) − f* over L-smooth convex f),
so the textbook bound and the tight constant are judged against one worst case.
"""

from certificates import Certificate, fixed_points, programs, worst_at
from convergence import Params

PARAMS = Params(symbols={"L": "L", "R": "R", "T": "T"},
                quick={"T_max": 300, "n_T": 12, "dim": 4, "instances": 5},
                full={"T_max": 3000, "n_T": 25, "dim": 8, "instances": 40})

CERTIFICATE = Certificate(
    program=programs.gd_function_value_convex, function_class="L-smooth convex", method="GD, η = 1/L",
    metric="f(x_T) − f*", initial="‖x₀ − x*‖² ≤ R²", variable="T",
    points=fixed_points([{"L": 1.0, "R": 1.0, "T": T_} for T_ in (1, 2, 3, 5)],
                        [{"L": 1.0, "R": 1.0, "T": T_} for T_ in (1, 2, 3, 5, 8)]),
    observed=worst_at("T", scale=lambda p: p["L"] * p["R"] ** 2),
)

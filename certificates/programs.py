"""The methods of the claims written in PEPit's algebra, one function per (method, class, metric).

Each function takes the point's entries as keyword arguments (extra entries,
such as the experiment's R or Δ when the program fixes them by homogeneity,
are accepted and used as scales) and returns a PEPit ``PEP`` with its initial
condition and performance metric set. PEPit is imported inside each function:
this module loads without it.

Iterations are written exactly as the suite's engine runs them
(empirics/optimizers.py, empirics/optimizers_momentum.py), in the (x, y) form
where the engine's lookahead form is equivalent to it with v₀ = 0.
"""

from __future__ import annotations


def _pep():
    from PEPit import PEP

    return PEP()


def _smooth_convex(problem, L):
    from PEPit.functions import SmoothConvexFunction

    return problem.declare_function(SmoothConvexFunction, L=L)


def _smooth_strongly_convex(problem, mu, L):
    from PEPit.functions import SmoothStronglyConvexFunction

    return problem.declare_function(SmoothStronglyConvexFunction, mu=mu, L=L)


def _smooth(problem, L):
    from PEPit.functions import SmoothFunction

    return problem.declare_function(SmoothFunction, L=L)


def gd_function_value_convex(T, L=1.0, R=1.0, eta=None, **_):
    """GD x ← x − η∇f(x) (η = 1/L by default) on L-smooth convex f: max f(x_T) − f* s.t. ‖x₀ − x*‖² ≤ R²."""
    problem = _pep()
    f = _smooth_convex(problem, L)
    x_star = f.stationary_point()
    f_star = f(x_star)
    x = problem.set_initial_point()
    problem.set_initial_condition((x - x_star) ** 2 <= R**2)
    step = 1.0 / L if eta is None else eta
    for _ in range(int(T)):
        x = x - step * f.gradient(x)
    problem.set_performance_metric(f(x) - f_star)
    return problem


def gd_one_step_change(eta, L=1.0, **_):
    """One GD step on L-smooth f (not necessarily convex): max f(x − η∇f(x)) − f(x) s.t. ‖∇f(x)‖² = 1."""
    problem = _pep()
    f = _smooth(problem, L)
    x = problem.set_initial_point()
    g = f.gradient(x)
    problem.set_initial_condition(g**2 == 1)
    problem.set_performance_metric(f(x - eta * g) - f(x))
    return problem


def gd_min_gradient_nonconvex(T, L=1.0, Delta=1.0, **_):
    """GD with η = 1/L on L-smooth f: max min_{t<T} ‖∇f(x_t)‖² s.t. f(x₀) − f(x_T) ≤ Δ.

    The claim's Δ is f(x₀) − f_inf ≥ f(x₀) − f(x_T), so this PEP is a relaxation:
    its value is an upper bound on the claim's worst case (possibly not equal).
    """
    problem = _pep()
    f = _smooth(problem, L)
    x = problem.set_initial_point()
    f0 = f(x)
    for _ in range(int(T)):
        g = f.gradient(x)
        problem.set_performance_metric(g**2)
        x = x - (1.0 / L) * g
    problem.set_initial_condition(f0 - f(x) <= Delta)
    return problem


def gd_distance_strongly_convex(eta, mu, L, T=1, **_):
    """GD on L-smooth μ-strongly convex f: max ‖x_T − x*‖² s.t. ‖x₀ − x*‖² ≤ 1.

    Solved in units where L = 1: GD with step η on f is GD with step ηL on f/L (the same
    iterates), and f/L is 1-smooth and μ/L-strongly convex, so the worst case is unchanged.
    Why: at κ = 200 the program in raw units (L ≈ 115) ends "optimal" with primal and dual
    agreeing to 1e-9 yet 4e-6 away from the exact worst case (1 − ηL)²; in units of L the
    same point is within 2e-8.
    """
    eta, mu, L = eta * L, mu / L, 1.0
    problem = _pep()
    f = _smooth_strongly_convex(problem, mu, L)
    x_star = f.stationary_point()
    x = problem.set_initial_point()
    problem.set_initial_condition((x - x_star) ** 2 <= 1)
    for _ in range(int(T)):
        x = x - eta * f.gradient(x)
    problem.set_performance_metric((x - x_star) ** 2)
    return problem


def _momentum_xy(problem, f, x0, T, L, beta_of_k):
    """y_k = x_k + β_k(x_k − x_{k−1}), x_{k+1} = y_k − ∇f(y_k)/L, x_{−1} = x₀ (engine: accelerated_gradient)."""
    x_prev, x = x0, x0
    for k in range(1, int(T) + 1):
        y = x + beta_of_k(k) * (x - x_prev)
        x_prev, x = x, y - (1.0 / L) * f.gradient(y)
    return x


def agm_function_value(T, L=1.0, R=1.0, **_):
    """Accelerated gradient, β_k = (k − 1)/(k + 2), η = 1/L, on L-smooth convex f: max f(x_T) − f*, ‖x₀ − x*‖² ≤ R²."""
    problem = _pep()
    f = _smooth_convex(problem, L)
    x_star = f.stationary_point()
    x0 = problem.set_initial_point()
    problem.set_initial_condition((x0 - x_star) ** 2 <= R**2)
    x = _momentum_xy(problem, f, x0, T, L, lambda k: (k - 1.0) / (k + 2.0))
    problem.set_performance_metric(f(x) - f(x_star))
    return problem


def constant_beta_function_value(T, beta, L=1.0, R=1.0, **_):
    """Constant-β Nesterov (lookahead form, v₀ = 0), η = 1/L, on L-smooth convex f: max f(x_T) − f*."""
    problem = _pep()
    f = _smooth_convex(problem, L)
    x_star = f.stationary_point()
    x0 = problem.set_initial_point()
    problem.set_initial_condition((x0 - x_star) ** 2 <= R**2)
    x = _momentum_xy(problem, f, x0, T, L, lambda k: beta)
    problem.set_performance_metric(f(x) - f(x_star))
    return problem


def nesterov_strongly_convex_value(t, kappa, mu=1.0, **_):
    """Nesterov, β = (√κ − 1)/(√κ + 1), η = 1/L, on L-smooth μ-strongly convex f (L = κμ):
    max f(x_t) − f* s.t. f(x₀) − f* + μ‖x₀ − x*‖²/2 ≤ 1."""
    problem = _pep()
    L = kappa * mu
    f = _smooth_strongly_convex(problem, mu, L)
    x_star = f.stationary_point()
    f_star = f(x_star)
    x0 = problem.set_initial_point()
    problem.set_initial_condition(f(x0) - f_star + mu / 2 * (x0 - x_star) ** 2 <= 1)
    beta = (kappa**0.5 - 1) / (kappa**0.5 + 1)
    x = _momentum_xy(problem, f, x0, t, L, lambda k: beta)
    problem.set_performance_metric(f(x) - f_star)
    return problem


def heavy_ball_distance(T, kappa, mu=1.0, **_):
    """Heavy ball (sum form, v₀ = 0) with Polyak's tuning η = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))²
    on L-smooth μ-strongly convex f (L = κμ): max ‖x_T − x*‖² s.t. ‖x₀ − x*‖² ≤ 1.

    Sum form v ← βv + ∇f(x), x ← x − ηv is x_{k+1} = x_k − η∇f(x_k) + β(x_k − x_{k−1}), x_{−1} = x₀.
    """
    problem = _pep()
    L = kappa * mu
    f = _smooth_strongly_convex(problem, mu, L)
    x_star = f.stationary_point()
    x0 = problem.set_initial_point()
    problem.set_initial_condition((x0 - x_star) ** 2 <= 1)
    eta = 4.0 / (L**0.5 + mu**0.5) ** 2
    beta = ((kappa**0.5 - 1) / (kappa**0.5 + 1)) ** 2
    x_prev, x = x0, x0
    for _ in range(int(T)):
        x_prev, x = x, x - eta * f.gradient(x) + beta * (x - x_prev)
    problem.set_performance_metric((x - x_star) ** 2)
    return problem


def saga_expected_distance(k, n, mu, L, **_):
    """SAGA, γ = 1/(2(μn + L)), table initialised at x₀, on F = (1/n)Σ f_i, each f_i L-smooth μ-strongly
    convex: max E‖x_k − x*‖² (uniform j, every index sequence enumerated) s.t.
    C₀ = ‖x₀ − x*‖² + n/(μn + L)·(F(x₀) − F(x*)) ≤ 1.

    Engine (empirics/variance_reduction.saga): x ← x − γ(∇f_j(x) − φ_j + mean φ), φ_j ← ∇f_j(x).
    n^k branches: only small n and k are affordable.
    """
    problem = _pep()
    n = int(n)
    fs = [_smooth_strongly_convex(problem, mu, L) for _ in range(n)]
    F = fs[0]
    for f in fs[1:]:
        F = F + f
    F = F / n
    x_star = F.stationary_point()
    x0 = problem.set_initial_point()
    problem.set_initial_condition((x0 - x_star) ** 2 + n / (mu * n + L) * (F(x0) - F(x_star)) <= 1)
    gamma = 1.0 / (2 * (mu * n + L))
    leaves = []

    def branch(x, table, depth):
        if depth == int(k):
            leaves.append((x - x_star) ** 2)
            return
        mean = table[0]
        for g in table[1:]:
            mean = mean + g
        mean = mean / n
        for j in range(n):
            fresh = fs[j].gradient(x)
            branch(x - gamma * (fresh - table[j] + mean), table[:j] + [fresh] + table[j + 1:], depth + 1)

    branch(x0, [f.gradient(x0) for f in fs], 0)
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total + leaf
    problem.set_performance_metric(total / len(leaves))
    return problem

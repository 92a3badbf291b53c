"""The last iterate of subgradient descent with η_t = 1/√t is Θ(log T/√T) (Harvey et al. 2019).

Construction (Harvey, Liaw, Plan & Randhawa 2019, §3, deterministic case): for a
horizon T, on the unit Euclidean ball of R^(T+1),

    f(x) = max_{i=1..T+1} H_i(x),   H_i(x) = Σ_{j<i} a_j x_j − b_i x_i,
    a_j = 1/(8(T − j + 1)),   b_j = √j/(2√T),

with x_1 = 0, the subgradient oracle returning h_i for the *smallest* index i
attaining the max, and x_{t+1} = Proj(x_t − h_{i_t}/√t), t = 1..T.

The derivation shows that the oracle returns h_t at step t and that no
projection happens, so x_{T+1} = −Σ_t h_t/√t in closed form; at that point the
max is attained by H_{T+1}, which gives the exact finite sum

    f(x_{T+1}) = V(T) = Σ_{j=1}^{T} a_j (1/(2√T) − a_j Σ_{s=j+1}^{T} 1/√s),

and its expansion √T·V(T) = (3/64) H_T + (π²/6 + 1 − 2 ln 2)/64 + O(1/T)
(H_T the harmonic number), i.e. V(T) ~ (3/64) ln T/√T, above Harvey's 1/32.

``V`` is a SymPy function carrying a numeric implementation (``_imp_``) so the
runner's ``lambdify`` can evaluate the finite sum at the measured horizons; the
implementation is pure Python (``math.fsum``, O(T)) and is tested against the
SymPy ``Sum`` evaluated exactly for small T (tests/test_last_iterate.py).
"""

from __future__ import annotations

import math

import sympy as sp
from sympy.utilities.lambdify import implemented_function

from .derivation import Derivation, DerivationBuilder

T = sp.Symbol("T", integer=True, positive=True)  # horizon (number of steps)
i, j, s, k = sp.symbols("i j s k", integer=True, positive=True)
t = sp.Symbol("t", integer=True, positive=True)
x = sp.IndexedBase("x")
a = sp.Function("a")
b = sp.Function("b")
H = sp.Function("H")

A_J = 1 / (8 * (T - j + 1))
B_J = sp.sqrt(j) / (2 * sp.sqrt(T))


def last_iterate_value(horizon: int) -> float:
    """V(T) = f(x_{T+1}) on the construction, summed in O(T) with ``math.fsum``.

    Uses the closed form x_{T+1,j} = 1/(2√T) − a_j (S_T − S_j), S_n = Σ_{s≤n} s^(−1/2).
    Tail sums S_T − S_j are accumulated from the top (small terms first).
    """
    n = int(horizon)
    if n != horizon or n < 1:
        raise ValueError(f"the horizon must be a positive integer, got {horizon!r}")
    half = 1.0 / (2.0 * math.sqrt(n))
    terms = []
    tail = 0.0  # Σ_{s=j+1}^{T} s^(-1/2), built from s = T downwards
    for jj in range(n, 0, -1):
        a_j = 1.0 / (8.0 * (n - jj + 1))
        terms.append(a_j * (half - a_j * tail))
        tail += 1.0 / math.sqrt(jj)
    return math.fsum(terms)


def _value_elementwise(horizon):
    """``_imp_`` of V: accepts a Python number or an array-like (via ``tolist``), returns the same nesting."""
    values = horizon.tolist() if hasattr(horizon, "tolist") else horizon

    def apply(item):
        if isinstance(item, list):
            return [apply(v) for v in item]
        rounded = round(float(item))
        if abs(float(item) - rounded) > 0:
            raise ValueError(f"V(T) is defined for integer horizons only, got {item!r}")
        return last_iterate_value(rounded)

    return apply(values)


V = implemented_function(sp.Function("V"), _value_elementwise)


def last_iterate_sum(horizon: sp.Expr = T) -> sp.Expr:
    """The exact finite sum V(T) as an unevaluated SymPy ``Sum``."""
    a_j = A_J.subs(T, horizon)
    inner = sp.Sum(1 / sp.sqrt(s), (s, j + 1, horizon))
    return sp.Sum(a_j * (1 / (2 * sp.sqrt(horizon)) - a_j * inner), (j, 1, horizon))


def lipschitz_bound() -> sp.Expr:
    """Upper bound on ‖h_i‖²: Σ_j a_j² + b_i² ≤ Σ_{k≥1} 1/(64k²) + 1/2 (b_i² ≤ (T+1)/(4T) ≤ 1/2)."""
    return sp.Sum(1 / (64 * k**2), (k, 1, sp.oo)).doit() + sp.Rational(1, 2)


def log_constant() -> sp.Expr:
    """K = ∫_0^1 (2 − 2√(1−u) − u)/u² du, the Riemann-sum limit of the drift correction."""
    # Substituting u = 1 − v² (du = −2v dv, √(1−u) = v) turns the integrand into 2v/(1 + v)²,
    # which SymPy integrates at once (integrating in u directly takes ~15 s).
    v = sp.Symbol("v", positive=True)
    u = 1 - v**2
    transformed = sp.factor(sp.cancel((2 - 2 * v - u) / u**2 * 2 * v))
    return sp.expand_log(sp.integrate(transformed, (v, 0, 1)), force=True)


def offset_constant() -> sp.Expr:
    """c₀ in √T·V(T) = (3/64) H_T + c₀ + O(1/T): c₀ = (π²/6 − K)/64."""
    return sp.expand((sp.pi**2 / 6 - log_constant()) / 64)


def last_iterate_log() -> Derivation:
    """Exact value and Θ(log T/√T) growth of f(x_{T+1}) on the Harvey et al. construction."""
    d = DerivationBuilder()
    d.step("Construction (unit ball of R^(T+1))",
           sp.And(sp.Eq(H(i), sp.Sum(a(j) * x[j], (j, 1, i - 1)) - b(i) * x[i]),
                  sp.Eq(a(j), A_J), sp.Eq(b(j), B_J)),
           "f = max_{i ≤ T+1} H_i; the oracle returns h_i for the smallest maximising index i; x_1 = 0, "
           "x_{t+1} = Proj(x_t − g_t/√t) (Harvey, Liaw, Plan & Randhawa 2019, §3)")
    lip = lipschitz_bound()
    d.step("f is 1-Lipschitz", sp.Le(sp.Symbol("G") ** 2, lip),
           f"‖h_i‖² = Σ_(j<i) a_j² + b_i² ≤ π²/384 + 1/2 = {float(lip):.4f} < 1 (b_i² = i/(4T) ≤ 1/2 "
           "for i ≤ T+1), so every subgradient has norm G < 1")
    if not bool(lip < 1):
        raise ArithmeticError("the Lipschitz bound must be below 1")
    drift = sp.Sum(1 / sp.sqrt(s), (s, j + 1, t - 1))
    coord = sp.simplify(B_J / sp.sqrt(j)) - A_J * drift
    d.step("Iterate (induction on t, while the oracle returns h_t)",
           sp.Eq(x[t, j], sp.Piecewise((coord, j < t), (0, True))),
           "x_t = −Σ_(s<t) h_s/√s: coordinate j collects −(−b_j)/√j once (step j) and −a_j/√s at every "
           "later step s; b_j/√j = 1/(2√T) for every j")
    # Positivity: the drift sum is below ∫_j^T s^(-1/2) ds = 2(√T − √j), and then
    # 1/(4√T) − a_j·2(√T − √j) = (√j(√T − √j) + 1) / (4√T(T − j + 1)) > 0.
    p, q = sp.symbols("p q", positive=True)  # p = √T, q = √j
    margin = sp.factor(sp.together(1 / (4 * p) - 2 * (p - q) / (8 * (p**2 - q**2 + 1))))
    numerator = sp.expand(sp.numer(margin))
    if sp.simplify(numerator - (q * (p - q) + 1)) != 0:
        raise ArithmeticError(f"unexpected positivity numerator {numerator}")
    d.step("Coordinates stay in (1/(4√T), 1/(2√T)]",
           sp.Eq(1 / (4 * sp.sqrt(T)) - A_J * 2 * (sp.sqrt(T) - sp.sqrt(j)),
                 (sp.sqrt(j) * (sp.sqrt(T) - sp.sqrt(j)) + 1) / (4 * sp.sqrt(T) * (T - j + 1))),
           "Σ_(s=j+1)^(t−1) s^(−1/2) ≤ 2(√T − √j) for t ≤ T+1; the right side is > 0 for j ≤ T, so "
           "0 < 1/(4√T) < x_(t,j) ≤ 1/(2√T) for j < t")
    d.step("Oracle index is t and no projection occurs",
           sp.And(sp.Eq(H(t) - H(i), sp.Sum(a(j) * x[t, j], (j, i, t - 1)) + b(i) * x[t, i]),
                  sp.Le(sp.Symbol("r") ** 2, t / (4 * T))),
           "for i < t the difference is > 0 (positive coordinates); for i ≥ t, H_i(x_t) = H_t(x_t) since "
           "x_(t,j) = 0 for j ≥ t, so the smallest maximiser is t; ‖x_(t+1)‖² ≤ t·1/(4T) ≤ 1/4 < 1, so the "
           "projection is the identity (r = ‖x_(t+1)‖)")
    exact = last_iterate_sum()
    d.step("Final value is attained by H_(T+1)",
           sp.Eq(V(T), exact),
           "at x_(T+1) all coordinates j ≤ T are positive, so H_(T+1) − H_i = Σ_(j≥i) a_j x_j + b_i x_i > 0 "
           "for i ≤ T: f(x_(T+1)) = H_(T+1)(x_(T+1)) = Σ_j a_j x_(T+1,j) =: V(T)")
    harmonic = sp.Sum(1 / k, (k, 1, T))
    d.step("Split: first-order gain minus second-order drift",
           sp.Eq(sp.sqrt(T) * V(T), harmonic / 16
                 - sp.sqrt(T) / 64 * sp.Sum(k**-2 * sp.Sum(1 / sp.sqrt(s), (s, T - k + 2, T)), (k, 1, T))),
           "a_j/(2√T) summed over j gives H_T/(16√T); substitute k = T − j + 1 in the a_j² term")
    K = log_constant()
    c0 = (sp.pi**2 / 6 - K) / 64
    d.step("Riemann-sum limit of the drift", sp.Eq(sp.Symbol("K"), K),
           "comparing the inner sum with its integral, √T Σ_(s=T−k+2)^T s^(−1/2) ≈ 2T(1 − √(1 − u)) = "
           "(k − 1) + T·g(u), u = (k−1)/T, g(u) = 2 − 2√(1−u) − u = O(u²); Σ_k (k−1)/k² = H_T − π²/6 + o(1) "
           "and Σ_k T g(u)/k² → ∫_0^1 g(u)/u² du = K (substitute u = 1 − v²: ∫_0^1 2v/(1+v)² dv)")
    d.step("Expansion", sp.Eq(sp.Limit(sp.sqrt(T) * V(T) - sp.Rational(3, 64) * harmonic, T, sp.oo), c0),
           "H_T/16 − (H_T − π²/6 + K)/64 = (3/64)H_T + (π²/6 − K)/64; the remainder is O(1/T), ≈ 0.28/T "
           "(not proved here: checked numerically up to T = 16384 in tests/test_last_iterate.py)")
    d.step("Log factor", sp.Eq(sp.Limit(sp.sqrt(T) * V(T) / sp.log(T), T, sp.oo), sp.Rational(3, 64)),
           "H_T = ln T + γ + o(1); 3/64 > 1/32, Harvey et al.'s lower-bound constant; not O(1/√T)")
    d.step("Suboptimality", sp.Ge(sp.Symbol("f_gap"), V(T)),
           "f* ≤ f(0) = max_i H_i(0) = 0, so f(x_(T+1)) − f* ≥ V(T) = Θ(log T/√T)")
    return d.finish(V(T), "T a positive integer (the horizon); η_t = 1/√t; unit-ball projection",
                    "oracle: smallest maximising index (ties occur at every step)")

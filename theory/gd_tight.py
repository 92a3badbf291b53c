"""GD's exact worst case on smooth convex functions: L R²/(4T + 2) (Drori & Teboulle 2014).

The upper bound over all L-smooth convex f is cited (their Theorem 3.1, proved
by a performance-estimation argument); what is derived here is the other half:
the radial Huber function with kink δ = R/(2T + 1) attains it, so the constant
cannot be improved. Written with the checked-step API of theory/derivation.py.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .gd_convergence import R, T
from .symbols import L

r = sp.Symbol("r", positive=True)  # ‖x‖
delta = sp.Symbol("delta", positive=True)  # the Huber kink
f_star = sp.Symbol("f_star", real=True)  # the minimum value


def convex_rate_tight() -> Derivation:
    """f(x_T) − f* = L R²/(4T + 2) on the attaining Huber instance; the worst case over the class (cited)."""
    d = DerivationBuilder()
    huber = d.definition("Huber function", sp.Eq(sp.Function("f")(r), f_star + sp.Piecewise(
        (L * r**2 / 2, r <= delta), (L * delta * r - L * delta**2 / 2, True))),
        "radial: f(x) = f* + h(‖x‖); L-smooth and convex, minimiser 0 (f* is any constant: the gap does not "
        "depend on it)")
    kink = d.assumption("Kink tuned to the horizon", sp.Eq(delta, R / (2 * T + 1)), "‖x₀‖ = R, η = 1/L")
    (quadratic_piece, _), (linear_piece, _) = next(a for a in huber.rhs.args if isinstance(a, sp.Piecewise)).args
    d.identity("C¹ with curvature L", sp.Eq(sp.Tuple(sp.Symbol("jump"), sp.Symbol("slope_jump"), sp.Symbol("h''")),
                                              sp.Tuple(0, 0, L)),
               equals=sp.Tuple(*[sp.expand((linear_piece - quadratic_piece).diff(r, order).subs(r, delta))
                                 for order in (0, 1)], sp.diff(quadratic_piece, r, 2)), uses=[huber],
               justification="value and slope agree at the kink r = δ and the quadratic piece has curvature L "
                             "(computed): f is convex and L-smooth")
    step = d.computed("One GD step on the linear piece", sp.Eq(sp.Symbol("r_+"), r - sp.diff(linear_piece, r) / L),
                      uses=[huber], how="diff",
                      justification="∇f(x) = Lδ x/‖x‖ for ‖x‖ ≥ δ: a step of length δ towards 0")
    t = sp.Symbol("t", integer=True, nonnegative=True)
    rt = sp.Function("r")
    unrolled = sp.rsolve(rt(t + 1) - step.rhs.subs(r, rt(t)), rt(t), {rt(0): R})
    closed = d.computed("Radius after t steps", sp.Eq(sp.Symbol("r_t"), unrolled), uses=[step], how="rsolve",
                        justification="r_t = R − tδ while r_{t−1} ≥ δ")
    final = d.computed("Radius after T steps", sp.Eq(sp.Symbol("r_T"), sp.factor(closed.rhs.subs(t, T).subs(delta, kink.rhs))),
                       uses=[closed, kink], how="subs t = T, δ")
    d.inequality("Still on the linear piece", sp.Ge(sp.Symbol("r_T"), delta), given=[final, kink], ranges={T: (1, 10**4)},
                 justification="r_T − δ = RT/(2T + 1) ≥ 0, so every step used the linear piece")
    f_T = sp.Symbol("f_T")
    value = d.computed("Gap at x_T", sp.Eq(f_T - f_star, sp.factor(linear_piece.subs(r, final.rhs).subs(delta, kink.rhs))),
                       uses=[huber, final, kink], how="subs r = r_T, δ",
                       where={f_T: huber.rhs.subs(r, final.rhs).subs(delta, kink.rhs)})
    exact = d.identity("Hand form", sp.Eq(value.lhs, L * R**2 / (4 * T + 2)), equals=value,
                       justification="L·R/(2T + 1)·(R(T + 1)/(2T + 1) − R/(2(2T + 1))) = LR²/(2(2T + 1))")
    d.cited("Worst case over the class", sp.Le(exact.lhs, exact.rhs),
            "Drori & Teboulle (2014), Math. Program. 145, Thm 3.1",
            "for every L-smooth convex f, ‖x₀ − x*‖ ≤ R and η = 1/L; with the instance above the bound is attained")
    d.identity("Against the textbook bound", sp.Eq(sp.Symbol("ratio"), (L * R**2 / (2 * T)) / exact.rhs),
               equals=(2 * T + 1) / T, justification="L R²/(2T) overstates the worst case by (2T + 1)/T")
    return d.finish("f convex and L-smooth", "η = 1/L", "R = ‖x₀ − x*‖", result=exact)


g = sp.Symbol("g", positive=True)  # |f′| at every iterate of the attaining instance
y = sp.Symbol("y", nonnegative=True)  # position inside one step's segment
dstep = sp.Symbol("d", positive=True)  # the length of one GD step, g/L


def nonconvex_stationarity_tight() -> Derivation:
    """min_{t<T} ‖∇f(x_t)‖² = 4LΔ/(3T − 1) on a 1-D washboard instance; the worst case over the class (cited)."""
    from .gd_convergence import Delta, T

    d = DerivationBuilder()
    step = d.assumption("Step length", sp.Eq(dstep, g / L),
                        "η = 1/L and |f′| = g at every iterate: every step has length g/L; x_t = (T − t)d, f_inf = f(0) = 0")
    dip = d.definition("Derivative on a middle segment", sp.Eq(sp.Symbol("f'"), sp.Piecewise(
        (g - L * y, y <= dstep / 2), (g - L * (dstep - y), True))),
        "y = x − kd on [kd, (k+1)d], 1 ≤ k < T: f′ falls with slope −L from g to its lowest value and rises back "
        "to g with slope +L (|f″| = L)")
    (falling, at_switch), (rising, _) = dip.rhs.args
    switch = at_switch.rhs  # y = d/2, read from the definition (used below, not typed again)
    ends = [sp.simplify(falling.subs(y, 0) - g), sp.simplify(rising.subs(y, dstep) - g),
            sp.simplify(falling.subs(y, switch) - rising.subs(y, switch))]
    lowest = d.computed("Lowest derivative on a segment", sp.Eq(sp.Symbol("f'_min"),
                                                               falling.subs(y, switch).subs(dstep, step.rhs)),
                        uses=[dip, step], how="subs y = d/2, d = g/L")
    d.confirm("Lowest derivative on a segment",
              "f′ = g at both ends of the segment and its two pieces meet at y = d/2 (f′ is continuous: f is L-smooth)",
              ends == [0, 0, 0], f"f′(0) − g, f′(d) − g and the jump at the switch are {ends}, not all 0")
    d.inequality("f increases on [d, Td]", sp.Gt(lowest.lhs, 0), given=[lowest], justification="f′ ≥ g/2 > 0 there, f′ = Lx ≥ 0 on [0, d], f′ = Lx < 0 for x < 0: f_inf = f(0) = 0")
    middle = d.computed("Decrease over a middle step", sp.Eq(sp.Symbol("D_mid"), sp.factor(
        (sp.integrate(falling, (y, 0, switch)) + sp.integrate(rising, (y, switch, dstep)))
        .subs(dstep, step.rhs))), uses=[dip, step], how="integrate f′ over the two halves, d = g/L")
    last = d.computed("Decrease over the last step", sp.Eq(sp.Symbol("D_last"), sp.integrate(L * y, (y, 0, dstep)).subs(
        dstep, step.rhs)), uses=[step], how="integrate f′ = Ly over [0, d] (f″ = L, f′(0) = 0), d = g/L")
    total = d.computed("Δ = f(x₀) − f_inf", sp.Eq(Delta, sp.factor((T - 1) * middle.rhs + last.rhs)),
                       uses=[middle, last], how="sum the T − 1 middle steps and the last")
    g2 = sp.Symbol("m", positive=True)  # min_{t<T} ‖∇f(x_t)‖²
    solved = d.computed("Smallest squared gradient", sp.Eq(g2, sp.solve(sp.Eq(total.lhs, total.rhs), g**2)[0]),
                        uses=[total], how="solve for g²",
                        justification="m = min_{t<T} ‖∇f(x_t)‖² = g²: every iterate has |f′| = g")
    exact = d.identity("Hand form", sp.Eq(g2, 4 * L * Delta / (3 * T - 1)), equals=solved,
                       justification="Δ = g²/(2L) + (T − 1)·3g²/(4L) = g²(3T − 1)/(4L)")
    d.cited("Worst case over the class", sp.Le(g2, exact.rhs),
            "Abbaszadehpeivasti, de Klerk & Zamani (2022), Optim. Lett. 16, 1649–1661 (step lengths 1/L)",
            "for every L-smooth f bounded below by f_inf and η = 1/L; with the instance above the bound is attained")
    d.identity("Against the textbook bound", sp.Eq(sp.Symbol("ratio"), (2 * L * Delta / T) / exact.rhs),
               equals=(3 * T - 1) / (2 * T), justification="2LΔ/T overstates the worst case by (3T − 1)/(2T) → 3/2")
    return d.finish("f L-smooth (not necessarily convex), bounded below by f_inf", "η = 1/L", "Δ = f(x₀) − f_inf",
                    result=exact)

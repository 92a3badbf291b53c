"""Derivations for learning-rate schedules.

The closed forms are definitions from the sources (seeds 001, 003, 004;
Loshchilov & Hutter 2017; Smith 2017); what is *derived* here are their
properties: end points and continuity (checked by SymPy in the steps), the
cosine's time fractions, the infinite product left by a summable schedule,
and the divergence threshold that warm-up moves.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder, prove_equal
from .symbols import eta, t

eta_0 = sp.Symbol("eta_0", positive=True)
eta_min = sp.Symbol("eta_min", nonnegative=True)
T = sp.Symbol("T", positive=True)  # cosine horizon / restart period
gamma = sp.Symbol("gamma", positive=True)  # step-decay factor
s = sp.Symbol("s", positive=True)  # step-decay period / cyclical half period
k_rate = sp.Symbol("k", positive=True)  # exponential decay rate
W = sp.Symbol("W", positive=True)  # warm-up length
f_start = sp.Symbol("f", positive=True)  # warm-up start factor
kind = sp.Symbol("j", integer=True, nonnegative=True)  # which schedule a point belongs to

# The code j of each schedule is its position in this list (the experiment selects by the same codes).
SCHEDULE_CODES = {name: code for code, name in enumerate(
    ("step", "exponential", "cosine", "warmup_cosine", "cosine_restarts", "cyclical"))}


def _cosine(tt: sp.Expr, horizon: sp.Expr) -> sp.Expr:
    return eta_min + (eta_0 - eta_min) * (1 + sp.cos(sp.pi * tt / horizon)) / 2


def schedule_forms(variant: str = "") -> dict[str, sp.Expr]:
    """The closed forms by name; ``variant`` builds the plausible wrong ones used as mutants."""
    # Each wrong variant is computed from the right form by the one change its name states.
    cos_form = _cosine(t, T)
    if variant == "cosine_no_floor":
        cos_form = cos_form.subs(eta_min, 0)
    step_form = eta_0 * gamma ** sp.floor(t / s)
    if variant == "step_continuous":
        step_form = step_form.replace(sp.floor, lambda arg: arg)
    t_cur = sp.Mod(t, T)  # the step within the current period, t − T⌊t/T⌋
    warm = sp.Piecewise((eta_0 * (f_start + (1 - f_start) * t / W), t < W), (_cosine(t - W, T), True))
    if variant == "warmup_unshifted":
        warm = sp.Piecewise(warm.args[0], (_cosine(t, T), True))  # the base schedule on its own clock
    cycle = sp.floor(1 + t / (2 * s))
    cyclical = eta_min + (eta_0 - eta_min) * sp.Max(0, 1 - sp.Abs(t / s - 2 * cycle + 1))
    return {
        "step": step_form,
        "exponential": eta_0 * sp.exp(-k_rate * t),
        "cosine": cos_form,
        "warmup_cosine": warm,
        "cosine_restarts": _cosine(t_cur, T),
        "cyclical": cyclical,
    }


def _by_code(forms: dict[str, sp.Expr]) -> sp.Expr:
    pieces = [(forms[name], sp.Eq(kind, code)) for name, code in SCHEDULE_CODES.items()]
    last_expr, _ = pieces[-1]
    return sp.Piecewise(*pieces[:-1], (last_expr, True))


def formulas(variant: str = "") -> sp.Expr:
    """All schedules as one expression selected by the code j (see SCHEDULE_CODES)."""
    return _by_code(schedule_forms(variant))


def schedule_formulas() -> Derivation:
    """Closed forms of step, exponential, cosine, warm-up∘cosine, SGDR and cyclical schedules."""
    d = DerivationBuilder()
    forms = schedule_forms()
    eta_t = sp.Symbol("eta_t")
    steps = {}
    steps["step"] = d.definition("Step decay (seeds 001, 003)", sp.Eq(eta_t, forms["step"]),
                                 "definition: multiply by γ every s steps")
    steps["exponential"] = d.definition("Exponential decay (seeds 001, 003)", sp.Eq(eta_t, forms["exponential"]), "definition")
    steps["cosine"] = cosine = d.definition("Cosine decay (seed 004)", sp.Eq(eta_t, forms["cosine"]), "definition, 0 ≤ t ≤ T")
    # the values at the two ends are typed and checked (the points are named in the left side's symbols)
    ends = {sp.Symbol("eta_t=0"): cosine.rhs.subs(t, 0), sp.Symbol("eta_t=T"): cosine.rhs.subs(t, T)}
    # the wrong variant the claim tests as a mutant makes the one change its name states: it ends at 0
    no_floor_end = schedule_forms("cosine_no_floor")["cosine"].subs(t, T)
    d.confirm("Cosine end points", "the mutant 'cosine without floor' ends at 0", no_floor_end == 0,
              f"the mutant 'cosine without floor' ends at {no_floor_end}, not 0")
    d.identity("Cosine end points", sp.Eq(sp.Tuple(*ends), sp.Tuple(eta_0, eta_min)), where=ends, uses=[cosine],
               justification="cos 0 = 1 and cos π = −1 (computed), so the cosine runs from η₀ down to η_min")
    steps["warmup_cosine"] = warm = d.definition(
        "Linear warm-up joined to the cosine (seeds 000, 001, 004)", sp.Eq(eta_t, forms["warmup_cosine"]),
        "definition: ramp from f·η₀ to η₀ over W steps, then the cosine starts its own clock")
    # the wrong variant the claim tests as a mutant keeps the ramp and runs the cosine decay above unshifted
    unshifted = schedule_forms("warmup_unshifted")["warmup_cosine"]
    d.confirm("Warm-up is continuous at t = W",
              "the mutant 'warm-up unshifted' is the same ramp, then the cosine decay on the clock t",
              isinstance(unshifted, sp.Piecewise) and unshifted.args[:1] == warm.rhs.args[:1]
              and unshifted.args[-1].expr == cosine.rhs,
              f"the mutant 'warm-up unshifted' is {unshifted}")
    (ramp, _), (after, _) = warm.rhs.args
    d.identity("Warm-up is continuous at t = W", sp.Eq(sp.limit(ramp, t, W), sp.simplify(after.subs(t, W)), evaluate=False),
               uses=[warm], justification="the ramp reaches η₀ exactly where the cosine begins")
    steps["cosine_restarts"] = d.definition("Cosine with restarts (seed 003, SGDR)", sp.Eq(eta_t, forms["cosine_restarts"]),
                                            "definition: T_cur = t mod T = t − T⌊t/T⌋ is the step within the current period")
    steps["cyclical"] = d.definition("Cyclical (seed 004, triangular)", sp.Eq(eta_t, forms["cyclical"]),
                                     "definition (Smith 2017): between η_min and η₀ = η_max with half period s")
    d.computed("All schedules, selected by the code j", sp.Eq(eta_t, _by_code({n: st.rhs for n, st in steps.items()})),
               uses=list(steps.values()), how="one case per schedule (codes " + ", ".join(
                   f"{n} = {c}" for n, c in SCHEDULE_CODES.items()) + ")")
    return d.finish("t = 0, 1, 2, … is the step index", "0 ≤ η_min < η₀")


def cosine_time_fraction(normalised: sp.Expr | None = None) -> tuple[sp.Expr, sp.Expr]:
    """Fractions of the cosine's horizon spent below η_min + q·Δ and above η_min + (1 − q)·Δ.

    ``normalised`` is r(u) = (1 + cos πu)/2 at time fraction u (the default);
    r < q ⇔ u > r⁻¹(q) on u ∈ [0, 1], where r decreases.
    """
    q = sp.Symbol("q", positive=True)
    u = sp.Symbol("u", positive=True)
    c = sp.Symbol("c", real=True)
    r = (1 + sp.cos(sp.pi * u)) / 2 if normalised is None else normalised
    inverse = sp.solve(sp.Eq(r, c), u)
    boundary = min(inverse, key=lambda b: sp.N(b.subs(c, sp.Rational(1, 3))))  # the branch on [0, 1]
    return 1 - boundary.subs(c, q), boundary.subs(c, 1 - q)


def cosine_time_seed() -> Derivation:
    """Seed 001: cosine annealing spends more time at low rates than at high ones."""
    d = DerivationBuilder()
    q = sp.Symbol("q", positive=True)
    frac_low, frac_high = sp.Symbol("tau_low"), sp.Symbol("tau_high")
    r = d.definition("Normalised cosine", sp.Eq(sp.Symbol("r"), (1 + sp.cos(sp.pi * sp.Symbol("u", positive=True))) / 2),
                     "r = (η − η_min)/(η₀ − η_min) at time fraction u = t/T (seed 004's formula)")
    low, high = cosine_time_fraction(r.rhs)
    low_step = d.computed("Time below level q", sp.Eq(frac_low, low), uses=[r], how="solve r = q for u",
                          justification="r < q ⇔ u > arccos(2q − 1)/π, cos πu decreasing on [0, 1]")
    high_step = d.computed("Time above level 1 − q", sp.Eq(frac_high, high), uses=[r], how="solve r = 1 − q for u",
                           justification="r > 1 − q ⇔ u < arccos(1 − 2q)/π")
    gap = frac_low - frac_high  # one expression for what the symmetry computes and what the reading signs
    fractions = {frac_low: low_step.rhs, frac_high: high_step.rhs}
    d.identity("Symmetry", sp.Eq(gap, 0),
               equals=sp.simplify(gap.subs(fractions).subs(sp.acos(2 * q - 1), sp.pi - sp.acos(1 - 2 * q))),
               uses=[low_step, high_step],
               justification="arccos(−x) = π − arccos(x): the cosine is point-symmetric about (T/2, midpoint)")
    d.identity("Example: q = 1/10", sp.Eq(frac_low, sp.Float(0.2048, 4)), equals=low_step.rhs.subs(q, sp.Rational(1, 10)),
               uses=[low_step], justification="below 0.1η₀ (η_min = 0) as long as above 0.9η₀: 20.5 % of the time each")
    reading = d.definition("Seed 001's reading", sp.Eq(sp.sign(gap), 1),
                           "'spends more time at low learning rates than at high rates': the sign of τ_low − τ_high is +1")
    d.computed("Claimed sign", sp.Eq(sp.Symbol("sigma"), reading.rhs), uses=[reading], how="read off")
    d.confirm("Claimed sign", "a sign: its value is −1, 0 or 1", reading.rhs in (-1, 0, 1),
              f"the reading gives the sign the value {reading.rhs}, not −1, 0 or 1")
    return d.finish("cosine annealing over one period, η_min < η₀", "0 < q < 1/2")


def decay_exact_bottom_seed() -> Derivation:
    """Seed 003: a decaying step lets GD glide into the exact bottom (for exponential decay)."""
    d = DerivationBuilder()
    a = sp.Symbol("a", positive=True)
    e0, e_t = sp.Symbol("e_0"), sp.Symbol("e_t")
    tt = sp.Symbol("tau", integer=True, nonnegative=True)
    step_size = sp.Symbol("eta_t")
    model = d.definition("GD on ½a(θ − θ*)²", sp.Eq(sp.Symbol("e_t+1"), (1 - step_size * a) * e_t),
                         "e = θ − θ*; each step multiplies the error by 1 − ηₜa")
    decay = d.definition("Exponential decay (seed 003)",
                         sp.Eq(sp.Symbol("eta_tau"), schedule_forms()["exponential"].subs(t, tt)),
                         "definition (the schedule the experiments run)")
    ratio = sp.simplify(decay.rhs.subs(tt, tt + 1) / decay.rhs)  # e^(−k): the same factor every step
    r = sp.Symbol("r", positive=True)
    every_step = (tt, 0, sp.oo)
    geometric = sp.summation(r**tt, every_step)
    if isinstance(geometric, sp.Piecewise):  # SymPy keeps the |r| ≥ 1 branch; here r = e^(−k) < 1
        geometric = geometric.args[0][0]
    total = d.computed("Summable", sp.Eq(sp.Sum(decay.lhs, every_step), decay.rhs.subs(tt, 0) * geometric.subs(r, ratio)),
                       uses=[decay], how="geometric series, ratio η_(τ+1)/η_τ = e^(−k) < 1",
                       justification="geometric series, k > 0")
    d.confirm("Summable", "the ratio of consecutive steps is the same at every τ (a geometric series)",
              not ratio.has(tt), f"the decay is not geometric: η_(τ+1)/η_τ = {ratio}")
    factor = sp.cancel(model.rhs / e_t).subs(step_size, decay.rhs)
    product_to = sp.Product(factor, (tt, 0, t - 1))  # e_t/e_0, unrolled
    after = product_to * e0
    direct, error = [], e0
    for step in range(3):
        error = model.rhs.subs({e_t: error, step_size: decay.rhs.subs(tt, step)})
        direct.append(error)
    d.identity("Unrolled", sp.Eq(sp.Tuple(*sp.symbols("e_1:4")), sp.Tuple(*direct)),
               equals=sp.Tuple(*[after.subs(t, n_).doit() for n_ in range(1, 4)]), uses=[model, decay],
               justification="e_t = Π_(τ<t)(1 − η_τ a)·e₀ agrees with the recursion for t ≤ 3")
    product = product_to.subs(t, sp.oo)
    d.computed("Limit of the error", sp.Eq(sp.Limit(e_t, t, sp.oo), after.subs(t, sp.oo)), uses=[model, decay], how="t → ∞",
               justification="the product converges because Σ η_τ a < ∞")
    # The cited fact is exactly what keeps the limit from vanishing: e_∞ = e₀·Π is 0 only at Π = 0.
    non_zero = sp.Ne(product, 0)
    vanishes_at = sp.solve(after.subs(t, sp.oo), product)
    d.confirm("Limit of the error", "e₀·Π vanishes only at Π = 0, the value the cited step excludes",
              vanishes_at == [non_zero.rhs], f"the limit vanishes at Π ∈ {vanishes_at}, not at the excluded value")
    d.cited("Non-zero", non_zero, reference="Knopp, Theory and Application of Infinite Series (1990), §28, Thm 3",
            justification="an infinite product Π(1 − x_τ) with 0 < x_τ < 1 and Σ x_τ < ∞ is positive: GD stops short of θ*")
    per_step = sp.cancel((factor - 1) / decay.rhs)  # log(1 − η_τ a) ≈ −η_τ a: the exponent per unit step, −a
    d.identity("Gradient-flow estimate", sp.Eq(sp.Limit(e_t, t, sp.oo), decay_gradient_flow_mutant()),
               equals=sp.exp(per_step * total.rhs) * e0, uses=[model, decay, total],
               justification="log(1 − η_τ a) ≈ −η_τ a summed over τ (computed): exact only to first order in aη₀")
    # The remaining fraction, typed once for the reading and the claim: at the unrolled error it must be
    # the product of the per-step factors alone (a fraction of e₀, whatever e₀ is).
    fraction = e_t / e0
    d.confirm("Claimed remaining fraction", "e_t/e₀ at the unrolled e_t is the product of the per-step factors",
              prove_equal(fraction.subs(e_t, after), product_to) is not None,
              f"{fraction} at e_t = {after} is not e_t/e_0 = {product_to}")
    theta_t, theta_star = sp.Symbol("theta_t"), sp.Symbol("theta^*")
    reading = d.definition("Seed 003's reading", sp.Eq(sp.Limit(theta_t, t, sp.oo), theta_star),
                           "'drains the energy out of the bouncing, letting the optimizer glide into the exact bottom': "
                           "the iterates converge to the minimiser θ*")
    d.computed("Claimed remaining fraction", sp.Eq(fraction.subs(e_t, sp.Symbol("e_oo")), (reading.rhs - theta_star) / e0),
               uses=[reading, model], how="e = θ − θ* at the limit, divided by e₀")
    return d.finish("0 < a η₀ < 1", "k > 0")


def decay_gradient_flow_mutant() -> sp.Expr:
    """The gradient-flow estimate exp(−a Σ η_t) e₀ (a plausible, wrong, closed form)."""
    a = sp.Symbol("a", positive=True)
    e0 = sp.Symbol("e_0")
    return sp.exp(-a * eta_0 / (1 - sp.exp(-k_rate))) * e0


def warmup_threshold() -> Derivation:
    """Divergence threshold of GD on f = θ⁴/4 + mθ²/2 once the full step η meets the iterate θ_s."""
    d = DerivationBuilder()
    m = sp.Symbol("m", positive=True)
    th = sp.Symbol("theta", real=True)
    th_s = sp.Symbol("theta_s", real=True)
    objective = d.definition("Objective (curvature 3θ² + m decreases towards the minimum)",
                             sp.Eq(sp.Function("f")(th), th**4 / 4 + m * th**2 / 2),
                             "a quartic: the curvature met at a large |θ| is far above the curvature m at the minimum")
    update = d.computed("GD update", sp.Eq(sp.Symbol("theta_+"), sp.factor(th - eta * sp.diff(objective.rhs, th))),
                        uses=[objective], how="diff", justification="θ₊ = θ − η f′(θ)")
    factor = d.identity("Multiplier", sp.Eq(update.lhs / th, sp.simplify(update.rhs / th)),
                        where={update.lhs: update.rhs}, uses=[update],
                        justification="divide by θ (computed): the secant slope f′(θ)/θ = θ² + m, not f″")
    grow = d.computed("|θ| grows iff", sp.Gt(eta, sp.solve(sp.Eq(factor.rhs, -1), eta)[0]), uses=[factor],
                      how="solve multiplier = −1",
                      justification="1 − η(θ² + m) < −1; if |θ| grows the secant grows too, so growth never stops: "
                                    "divergence; if |θ| shrinks the secant shrinks, so it keeps shrinking: convergence")
    d.computed("Threshold where the full step starts", sp.Eq(sp.Symbol("eta_star"), grow.expr.rhs.subs(th, th_s)),
               uses=[grow], how="subs θ = θ_s",
               justification="θ_s = θ₀ for a constant step; for a warm-up, θ_s is the iterate when η reaches η₀, "
                             "≈ 0 after a slow ramp, so the threshold rises to 2/m")
    return d.finish("m > 0", "the warm-up itself never meets its own threshold")

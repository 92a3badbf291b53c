"""Figures draw a claim's theory from its derivation, never from a NumPy copy of the formula.

``Figure.theory_grid`` / ``theory_curves`` evaluate the derivation itself on a dense grid
(and ``draw_mutants`` each mutant), so a figure cannot show a curve that differs from what is
judged. A ``Series(..., role="theory")`` or ``role="mutant"`` written in a claim is a hand-typed
curve; it is allowed only where the grid cannot draw it, for the reason listed below. The
walk is static (the claims' source), so it costs no experiment.
"""

import ast
from pathlib import Path

CLAIMS = Path(__file__).resolve().parent.parent / "claims"

# claim file -> why its hand-drawn theory/mutant series cannot come from the theory grid
ALLOWED = {
    "adam/convex_convergence_seed.py": "hlines at x* and the worst point: where iterates go, not the derived quantity",
    "adam/max_step.py": "hlines (t → ∞ limit, Kingma–Ba constant), both computed from SymPy expressions",
    "adam/per_coordinate.py": "per-coordinate steps; the derivation is their spread κ^(1−p), not the plotted step",
    "adam/std_seed.py": "the population mean square μ² + σ², the truth the seed's σ² misses, not the derivation",
    "gd/nonconvex_stationarity.py": "the plotted quantity is measured/bound, whose reference 1 is not the derivation",
    "gd/quadratic_rate.py": "theory per instance (μ, L differ per point): scatter at the measured points",
    "momentum/polyak_rate.py": "iteration counts log(1/ε)/(−log ρ); the derivation is the rate −log ρ itself",
    "nesterov/agm_rate.py": "the derivation is an exponent; the lines are the bounds whose slope it is",
    "nesterov/constant_beta_seed.py": "the derivation is an exponent; the lines are reference bounds",
    "nesterov/strongly_convex_rate.py": "x-axis t/√κ collapses all κ onto e^(−t/√κ), which is not the derivation",
    "saddle/escape_time.py": "a histogram density and a median line, not the derived escape time on a grid",
    "saddle/stops_dead_seed.py": "‖z_t‖ against t with the seed's and the minima's levels, not the derived distance",
    "schedule/cosine_time_seed.py": "the derivation is a sign (1); the curve is the time-below-level fraction",
    "schedule/decay_exact_bottom_seed.py": "per-instance computed products and sums at the measured points",
    "sgd/convex_sqrt_t.py": "the derivation is an exponent; the lines are the bound and a slope guide",
    "sgd/last_iterate_log.py": "√T times the derivation, its log expansion and Harvey et al.'s bound",
    "sgd/noise_scale.py": "vlines at the measured B_noise and B_crit, data rather than the derived step count",
    "sgd/robbins_monro.py": "the derivation is an exponent; the lines are slope guides anchored at the data",
    "sgd/shuffling.py": "the derivation is an exponent; the lines are slope guides anchored at the data",
    "sgd/unbiased.py": "per-case ‖∇L‖ at the measured cases (scatter), no continuous axis",
    "sgd/variance_linear_seed.py": "the derivation is a slope; the lines are the two variance laws it compares",
    "sgd/worked_example.py": "a ± sd band around ȳ (the grid draws lines); its half-width is the derivation's",
    "vr/complexity.py": "the derivation is a log-slope; the lines are the complexity model it is the slope of",
    "vr/linear_vs_sgd.py": "the derivation is an exponent; the lines are rate guides anchored at the data",
    "vr/svrg_rate.py": "α(η, m) depends on L, η, m separately: per-instance scatter against μηm",
}


def _hand_drawn_theory(path: Path) -> list[int]:
    """Lines of ``Series(...)`` calls in ``path`` whose role is the literal "theory" or "mutant"."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name != "Series":
            continue
        for keyword in node.keywords:
            if keyword.arg == "role" and not (isinstance(keyword.value, ast.Constant)
                                              and keyword.value.value == "measured"):
                lines.append(node.lineno)
    return sorted(lines)


def test_every_hand_drawn_theory_curve_is_a_listed_exception():
    found = {path.relative_to(CLAIMS).as_posix(): _hand_drawn_theory(path) for path in sorted(CLAIMS.rglob("*.py"))}
    found = {name: lines for name, lines in found.items() if lines}
    unlisted = {name: lines for name, lines in found.items() if name not in ALLOWED}
    assert not unlisted, ("figure theory typed by hand; use Figure.theory_x with theory_grid / theory_curves "
                          f"(draw_mutants for mutants) or list the reason in ALLOWED: {unlisted}")
    stale = sorted(set(ALLOWED) - set(found))
    assert not stale, f"ALLOWED lists claims that no longer draw theory by hand; remove them: {stale}"


def test_the_walk_sees_a_hand_drawn_theory_series(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('s = (Series("m", x, y), Series("bound", x, 1 / x, role="theory"),\n'
                      '     convergence.Series("mut", x, x, role="mutant"), Series("ok", x, y, role="measured"))\n')
    assert _hand_drawn_theory(sample) == [1, 2]

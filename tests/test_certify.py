"""The certificate leg (convergence/certify.py): what it concludes, and that each conclusion can fail.

Uses the real certified claims and PEPit; the tests that need PEPit are
skipped, with the reason, when the extra ``pep`` is not installed.
"""

import dataclasses

import pytest
import sympy as sp

import certificates
from convergence import certify
from convergence.discovery import CLAIMS_ROOT, load_claim_file
from convergence.runner import RunOptions, run_claim
from convergence.verdicts import Verdict

needs_pep = pytest.mark.skipif(not certificates.available(), reason=certify.NOT_COMPUTED)


def _claim(rel):
    return load_claim_file(CLAIMS_ROOT / rel)


def _with(claim, **changes):
    return dataclasses.replace(claim, certificate=dataclasses.replace(claim.certificate, **changes))


@needs_pep
def test_convex_rate_tightness_is_2T_plus_1_over_T():
    """Done-when of the issue: the textbook bound's tightness against the certificate is (2T + 1)/T."""
    record = run_claim(_claim("gd/convex_rate.py"), RunOptions())
    leg = record["certificate"]
    assert leg["verdict"] == "CONFIRMED" and record["legs"] == ["derivation", "experiment", "certificate"]
    for point in leg["points"]:
        T = point["x"]
        assert point["tightness"] == pytest.approx((2 * T + 1) / T, rel=1e-6)
        assert point["status"] == "optimal" and point["solver"] == "CLARABEL"
    assert leg["versions"]["pepit"].startswith("0.5")


@needs_pep
def test_tight_companion_is_tight_to_1e4():
    leg = run_claim(_claim("gd/convex_rate_tight.py"), RunOptions())["certificate"]
    assert leg["verdict"] == "CONFIRMED"
    assert max(abs(p["tightness"] - 1) for p in leg["points"]) <= 1e-4
    assert all(p["experiment_within"] for p in leg["points"])  # the Huber instance attains it


@needs_pep
def test_a_bound_below_the_certified_worst_case_is_refuted_with_numbers():
    """L R²/(8T) holds on every sampled instance? The certificate refutes it at T = 1 already."""
    L, R, T = sp.symbols("L R T", positive=True)
    claim = _with(_claim("gd/convex_rate.py"), bound=L * R**2 / (8 * T), bound_label="the bound LR²/(8T)")
    record = run_claim(claim, RunOptions())
    assert record["verdict"] == "REFUTED" and record["certificate"]["verdict"] == "REFUTED"
    assert record["experiment_verdict"] == "CONFIRMED"  # the comparison alone would not have seen it
    expected = "at 4 of 4 points; at T = 5: certified 0.0454545 > the bound LR²/(8T) 0.025 (ratio 1.81818)"
    assert expected in record["summary"]


@needs_pep
def test_an_experiment_beyond_the_certified_worst_case_is_an_error():
    claim = _with(_claim("gd/convex_rate.py"), observed=lambda measurement, point: 1.0)
    record = run_claim(claim, RunOptions())
    assert record["certificate"]["verdict"] == "ERROR" and not record["passed"]
    assert record["verdict"] == "CONFIRMED"  # the comparison's verdict stands, reported separately


@needs_pep
def test_solver_accuracy_below_the_stated_one_is_not_trusted():
    claim = _with(_claim("gd/convex_rate.py"), rtol=1e-12)
    leg = run_claim(claim, RunOptions())["certificate"]
    assert leg["verdict"] == "ERROR" and "solver accuracy not reached" in leg["summary"]


def test_without_pepit_the_record_says_so_and_the_verdict_is_the_comparisons(monkeypatch):
    monkeypatch.setattr(certificates, "available", lambda: False)
    record = run_claim(_claim("gd/convex_rate.py"), RunOptions())
    assert record["legs"] == ["derivation", "experiment"]
    assert record["certificate"] == {"ran": False, "reason": certify.NOT_COMPUTED}
    assert record["verdict"] == Verdict.CONFIRMED.value and record["passed"]


def test_a_claim_without_certificate_lists_two_legs():
    record = run_claim(_claim("gd/five_regimes.py"), RunOptions())
    assert record["legs"] == ["derivation", "experiment"] and "certificate" not in record


def test_a_malformed_certificate_is_refused():
    from convergence.errors import ClaimDefinitionError

    with pytest.raises(ClaimDefinitionError, match="certificate"):
        dataclasses.replace(_claim("gd/convex_rate.py"), certificate="PEP please")


@needs_pep
@pytest.mark.parametrize("position", [0.25, 1.0, 1.75])
def test_quadratic_rate_certificate_is_exact_at_large_condition_number(position):
    """At κ ≈ 200 in raw units (L ≈ 115) the one-step GD program must give (max|1 − ηλ|)² to 1e-7:
    the full profile's worst instances sit there, and the experiment's measured rate is exact to 1e-9."""
    from certificates import programs

    mu, L = 0.5801825921856612, 114.69111181371989
    eta_opt = 2 / (L + mu)
    eta = position * eta_opt if position <= 1 else eta_opt + (position - 1) * (2 / L - eta_opt)
    exact = max(abs(1 - eta * mu), abs(1 - eta * L)) ** 2
    solution = certificates.solve(programs.gd_distance_strongly_convex, {"eta": eta, "mu": mu, "L": L})
    assert solution.status == "optimal"
    assert solution.value == pytest.approx(exact, rel=1e-7)

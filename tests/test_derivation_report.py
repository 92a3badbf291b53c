"""Each step's check as report markup; prose scripts typeset; describe_theory carries the checks."""

from convergence.discovery import discover
from convergence.runner import describe_theory
from reports.derivation_checks import catalogue_rows, prose, step_check


def test_prose_typesets_scripts_and_escapes_the_rest():
    out = prose("θ_t and (1 + ηγ)^{−2k}, x_(t+1) #not-markup")
    assert "#sub[#\"t\";];" in out and "#super[#\"−2k\";];" in out and "#sub[#\"t+1\";];" in out
    assert "θ_" not in out and "^{" not in out
    assert out.endswith(' #not-markup";')  # stays inside a string literal


def test_step_check_lines():
    assert "sampled $10^4$ points" in step_check({"kind": "inequality", "method": "sampled", "points": 10000,
                                                 "worst_slack": 1e-3})
    assert "✓ symbolic" in step_check({"kind": "identity", "method": "symbolic", "detail": "expand"})
    assert "cited" in step_check({"kind": "cited", "reference": "Nesterov 2004"})
    assert "definition" in step_check({"kind": "definition"})


def test_results_json_carries_each_steps_check_and_the_totals():
    claim = next(c for c in discover() if c.id == "gd.convex-rate")
    theory = describe_theory(claim)
    kinds = [s["kind"] for s in theory["steps"]]
    assert kinds.count("inequality") >= 3  # the descent, the dropped −D_T², monotonicity (at least)
    assert theory["counts"] == {kind: kinds.count(kind) for kind in theory["counts"]} and sum(
        theory["counts"].values()) == len(kinds)
    assert all(s["check"].startswith("✓") for s in theory["steps"] if s["kind"] in ("computed", "identity",
                                                                                    "inequality"))
    rows = dict(catalogue_rows([{"theory": theory}]))
    assert rows["Derivation steps"] == str(len(kinds))

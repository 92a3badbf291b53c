"""The resolution bisection agrees with direct judgements by the same comparison, for every kind."""

import numpy as np
import pytest

from convergence.comparisons import Exact, Exponent, Lower, Stochastic, Tight, Upper
from convergence.measurement import Measurement
from convergence.power import rows
from convergence.resolution import assess, goal_for, meets, perturb, resolve
from convergence.verdicts import Verdict

RNG = np.random.default_rng(7)
THEORY = np.array([1.0, 2.0, 5.0])


def _cases():
    """(comparison, theory, measurement): a CONFIRMED judgement for each kind, with some structure."""
    noisy = THEORY * (1 + np.array([0.003, -0.002, 0.001]))
    return {
        "exact": (Exact(rtol=1e-9), THEORY, Measurement(values=THEORY * (1 + 1e-12))),
        "tight": (Tight(rtol=0.01, atol=1e-3), THEORY, Measurement(values=noisy)),
        "upper": (Upper(rtol=0.0), THEORY, Measurement(values=THEORY * np.array([0.5, 0.97, 0.8]))),
        "lower": (Lower(rtol=0.01), THEORY, Measurement(values=THEORY * np.array([1.5, 1.04, 1.2]))),
        "upper-stat": (Upper(rtol=0.0, alpha=1e-3), THEORY,
                       Measurement(values=THEORY * 0.95, stderr=THEORY * 0.01, samples=25)),
        "lower-stat": (Lower(rtol=0.0, alpha=1e-3), THEORY,
                       Measurement(values=THEORY * 1.02, stderr=THEORY * 0.005, samples=40)),
        "exponent": (Exponent(alpha=1e-3, alternative=-1.0), np.array([-2.0, -0.5]),
                     Measurement(values=[-1.99, -0.52], interval=([-2.03, -0.56], [-1.95, -0.47]), level=1e-3)),
        "stochastic": (Stochastic(alpha=1e-3, resolution=0.05), THEORY,
                       Measurement(values=noisy, stderr=THEORY * 0.004)),
    }


CASES = _cases()


def _refuted(cmp, theory, meas, signed):
    return cmp.judge(perturb(cmp, theory, signed), meas).verdict is Verdict.REFUTED


@pytest.mark.parametrize("name", list(CASES))
def test_bisection_agrees_with_direct_judgement(name):
    cmp, theory, meas = CASES[name]
    assert cmp.judge(theory, meas).verdict is not Verdict.REFUTED
    res = resolve(cmp, theory, meas)
    assert res["status"] == "consistent"
    expected_dirs = {"upper": ["minus"], "lower": ["plus"]}.get(cmp.kind, ["minus", "plus"])
    assert res["directions"] == expected_dirs
    for direction in expected_dirs:
        delta = res[direction]
        assert delta is not None and delta > 0
        sign = 1.0 if direction == "plus" else -1.0
        assert _refuted(cmp, theory, meas, sign * delta * (1 + 1e-6)), f"{name} {direction}: just outside"
        assert not _refuted(cmp, theory, meas, sign * delta * (1 - 1e-6)), f"{name} {direction}: just inside"


def test_bound_tightness_is_the_worst_slack():
    cmp, theory, meas = CASES["upper"]
    assert resolve(cmp, theory, meas)["minus"] == pytest.approx(0.03, rel=1e-6)
    cmp, theory, meas = CASES["lower"]  # refuted once 1.04 t < (1 + δ) t (1 − rtol), rtol = 1 %
    assert resolve(cmp, theory, meas)["plus"] == pytest.approx(1.04 / 0.99 - 1, rel=1e-6)


def test_statistical_bound_tightness_is_the_slack_of_the_confidence_limit():
    cmp, theory, meas = CASES["upper-stat"]
    limit = np.array(cmp.judge(theory, meas).details["confidence_limit"])
    assert resolve(cmp, theory, meas)["minus"] == pytest.approx(np.min(1 - limit / theory), rel=1e-6)


def test_unresolvable_direction_is_reported_beyond_the_cap():
    cmp = Stochastic(alpha=1e-3, resolution=10.0)
    res = resolve(cmp, THEORY, Measurement(values=THEORY, stderr=THEORY * 10))
    assert res["minus"] is None and res["plus"] is None
    assert res["text"].startswith("−>") and not meets(res, goal_for(cmp, "full"))[0]


@pytest.mark.parametrize("kind", ["tight", "exponent", "stochastic"])
def test_refuted_theory_reports_its_miss_and_band(kind):
    cmp, theory, meas = CASES[kind]
    wrong = perturb(cmp, theory, 0.3)  # a statement that misses by +30 % (+0.3 for exponents)
    assert cmp.judge(wrong, meas).verdict is Verdict.REFUTED
    res = resolve(cmp, wrong, meas)
    assert res["status"] == "refuted"
    lo, hi = res["band"]
    assert lo < 0 < hi or hi < 0  # the accepted band lies back towards the truth
    miss = res["miss"]
    assert not _refuted(cmp, wrong, meas, miss)
    assert _refuted(cmp, wrong, meas, miss * (1 - 1e-6))
    for edge, outward in ((lo, -1.0), (hi, 1.0)):
        assert not _refuted(cmp, wrong, meas, edge)
        assert _refuted(cmp, wrong, meas, edge + outward * 1e-6 * abs(edge))


def test_refuted_in_shape_fits_no_rescaling():
    cmp = Tight(rtol=1e-3)
    res = resolve(cmp, np.array([1.0, 2.0]), Measurement(values=[1.0, 1.0]))  # no factor maps (1,2) to (1,1)
    assert res["status"] == "refuted" and res["miss"] is None
    assert meets(res, goal_for(cmp, "full")) == (True, "no rescaling of the statement is accepted (wrong in shape)")


def test_violated_bound_reports_how_much_it_must_be_raised():
    cmp = Upper(rtol=0.0)
    res = resolve(cmp, np.array([1.0, 1.0]), Measurement(values=[1.2, 0.5]))
    assert res["status"] == "refuted"
    assert res["miss"] == pytest.approx(0.2, rel=1e-6) and res["band"][1] is None


def test_non_finite_measurement_has_no_resolution():
    res = assess(Tight(rtol=0.01), THEORY, Measurement(values=[1.0, np.nan, 5.0]), "full")
    assert res["status"] == "no-evidence" and not res["meets_goal"]


def test_goals_per_kind_and_profile():
    assert goal_for(Tight(rtol=0.01), "full") == {"goal": "relative", "size": 0.02}
    assert goal_for(Tight(rtol=1e-9), "full")["goal"] == "rounding"
    assert goal_for(Exact(rtol=1e-12), "quick") == {"goal": "rounding", "size": pytest.approx(2.5e-6)}
    assert goal_for(Exponent(alpha=1e-4, alternative=0.0), "quick")["size"] == pytest.approx(0.125)
    assert goal_for(Upper(rtol=0.0, loose="x.y"), "full") == {"goal": "bound", "size": 0.02, "loose": "x.y"}


def test_loose_bound_meets_its_goal_only_when_declared():
    meas = Measurement(values=THEORY * 0.5)
    assert not assess(Upper(rtol=0.0), THEORY, meas, "full")["meets_goal"]
    declared = assess(Upper(rtol=0.0, loose="gd.tight-constant"), THEORY, meas, "full")
    assert declared["meets_goal"] and "gd.tight-constant" in declared["why"]


def test_power_table_rows_flag_misses():
    good = {"id": "a.b", "kind": "tight", "expected": "CONFIRMED", "verdict": "CONFIRMED",
            "resolution": assess(Tight(rtol=0.01), THEORY, Measurement(values=THEORY), "full")}
    bad = {"id": "a.c", "kind": "tight", "expected": "CONFIRMED", "verdict": "ERROR"}
    cells = rows([good, bad])
    assert [c["status"] for c in cells] == ["ok", "MISS"]
    assert cells[0]["resolves"] == "−0.99 % / +1 %"  # 1 − δ within 1 % of itself: δ = 0.01/1.01


def test_report_cells_show_the_resolution_and_the_goal():
    from reports.resolution_text import section_field, summary_cell

    record = {"resolution": assess(Upper(rtol=0.0), THEORY, Measurement(values=THEORY * 0.5), "full")}
    assert "tight 50 %" in summary_cell(record) and "misses goal" in summary_cell(record)
    field = section_field(record)
    assert "tightness" in field and "not met" in field
    assert summary_cell({}) == "—" and section_field({}) == ""


def test_integer_labels_are_resolved_by_label_shifts():
    cmp = Exact(rtol=0.0, atol=0.5)
    labels = np.array([1.0, 3.0, 5.0])
    res = assess(cmp, labels, Measurement(values=labels), "quick")
    assert res["unit"] == "label" and res["goal"] == {"goal": "label", "size": 1.0}
    assert res["minus"] == pytest.approx(0.5) and res["plus"] == pytest.approx(0.5) and res["meets_goal"]
    meas = Measurement(values=labels)
    assert cmp.judge(perturb(cmp, labels, -0.5 * (1 - 1e-6), "label"), meas).verdict is Verdict.CONFIRMED
    assert cmp.judge(perturb(cmp, labels, 0.5 * (1 + 1e-6), "label"), meas).verdict is Verdict.REFUTED
    miss = assess(cmp, np.array([3.0]), Measurement(values=[5.0]), "full")  # a count off by two
    assert miss["status"] == "refuted" and miss["miss"] == pytest.approx(1.5) and miss["meets_goal"]


def test_loose_bound_needs_the_statement_to_say_so_and_the_companion_to_exist():
    meas = Measurement(values=THEORY * 0.5)
    cmp = Upper(rtol=0.0, loose="gd.tight-constant")
    silent = assess(cmp, THEORY, meas, "full", statement="f(x_T) - f* <= LR^2/(2T).")
    assert not silent["meets_goal"] and "statement" in silent["why"]
    said = assess(cmp, THEORY, meas, "full", statement="A loose bound: f(x_T) - f* <= LR^2/(2T).")
    record = {"id": "gd.convex-rate", "verdict": "CONFIRMED", "resolution": said}
    assert rows([record], {"gd.convex-rate", "gd.tight-constant"})[0]["status"] == "ok"
    assert rows([record], {"gd.convex-rate"})[0]["status"] == "MISS"


def test_explained_miss_is_a_miss_with_its_reason_and_does_not_fail_the_table():
    import io

    from reports.resolution_text import section_field, summary_cell

    meas = Measurement(values=THEORY * 0.5)
    note = "no tight constant is known; the worst instance built reaches 50 % of the bound"
    res = assess(Upper(rtol=0.0, resolution_note=note), THEORY, meas, "full")
    assert not res["meets_goal"] and res["explained"] and res["goal"]["note"] == note
    plain = assess(Upper(rtol=0.0), THEORY, meas, "full")
    assert not plain["meets_goal"] and not plain["explained"]
    met = assess(Upper(rtol=0.0, resolution_note=note), THEORY, Measurement(values=THEORY), "full")
    assert met["meets_goal"] and not met["explained"]  # a note never hides a goal that is met
    records = [{"id": "vr.x", "verdict": "CONFIRMED", "resolution": res},
               {"id": "vr.y", "verdict": "CONFIRMED", "resolution": plain}]
    cells = rows(records)
    assert [c["status"] for c in cells] == ["explained", "MISS"] and note in cells[0]["why"]
    stream = io.StringIO()
    from convergence.power import print_table

    assert print_table(records[:1], "full", stream) == 0  # explained: the table does not fail
    assert "0/1 claims meet their resolution goal, 1 explain their miss" in stream.getvalue()
    assert print_table(records, "full", io.StringIO()) == 1
    assert "(explained)" in summary_cell({"resolution": res}) and note in section_field({"resolution": res})
    from reports.resolution_text import misses_note

    closing = misses_note(records + [{"id": "ok.z", "resolution": met}], lambda i: f"[{i}]")
    assert "[vr.x]" in closing and "explained" in closing and note in closing and "[vr.y]" in closing
    assert "not explained" in closing and "[ok.z]" not in closing
    assert misses_note([{"id": "ok.z", "resolution": met}], str) == ""


def test_non_finite_data_is_never_explained_away():
    note = "the sample the budget allows resolves 5 %"
    res = assess(Tight(rtol=0.01, resolution_note=note), THEORY, Measurement(values=THEORY * np.nan), "full")
    assert not res["meets_goal"] and not res["explained"]


@pytest.mark.parametrize("note", ["", "too slow", 3])
def test_resolution_note_must_state_numbers(note):
    from convergence.errors import ClaimDefinitionError

    for make in (lambda: Upper(rtol=0.0, resolution_note=note),
                 lambda: Stochastic(alpha=1e-3, resolution=0.05, resolution_note=note),
                 lambda: Exponent(alpha=1e-3, alternative=-1.0, resolution_note=note)):
        with pytest.raises(ClaimDefinitionError):
            make()


def test_power_command_prints_every_selected_claim_against_its_goal(capsys):
    from convergence.cli import main

    status = main(["power", "gd.descent-lemma", "gd.quadratic-rate", "--profile", "quick"])
    out = capsys.readouterr().out
    assert status == 0 and "gd.descent-lemma" in out and "gd.quadratic-rate" in out
    assert "2/2 claims meet their resolution goal, 0 explain their miss (quick profile" in out


def test_statistical_comparison_at_rounding_level_carries_a_note():
    cmp = Stochastic(alpha=1e-3, resolution=0.05)
    exact_data = assess(cmp, THEORY, Measurement(values=THEORY, stderr=THEORY * 1e-12), "full")
    assert exact_data["meets_goal"] and "no sampling noise" in exact_data["why"]
    noisy = assess(cmp, THEORY, Measurement(values=THEORY, stderr=THEORY * 1e-3), "full")
    assert noisy["meets_goal"] and noisy["why"] == ""
    assert assess(Tight(rtol=1e-12), THEORY, Measurement(values=THEORY), "full")["why"] == ""

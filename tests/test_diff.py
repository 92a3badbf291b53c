"""``convergence diff``: changes sorted by importance, exit 1 exactly when a verdict changed."""

import copy
import json

from convergence.cli import main
from convergence.diff import changes


def record(claim_id, verdict="CONFIRMED", margin=0.5, runtime=1.0, passed=True, **extra):
    return {"id": claim_id, "verdict": verdict, "expected": "CONFIRMED", "margin": margin, "runtime_s": runtime,
            "passed": passed, "mutants": [], **extra}


def res(minus, plus):
    """A resolution record (convergence/resolution.py): the smallest refuted change each way."""
    return {"unit": "relative", "directions": ["minus", "plus"], "status": "consistent", "minus": minus,
            "plus": plus, "text": f"−{minus:.0%} / +{plus:.0%}"}


def results(*records, seed=1):
    return {"schema_version": 1, "seed": seed, "profile": "quick", "claims": list(records)}


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


OLD = results(record("a.same"), record("b.margin", margin=0.5), record("c.flip"), record("d.slow", runtime=1.0),
              record("e.gone"), record("f.res", resolution=res(0.01, 0.02)))


def new_results():
    new = copy.deepcopy(OLD)
    by_id = {r["id"]: r for r in new["claims"]}
    by_id["b.margin"]["margin"] = 0.9
    by_id["c.flip"].update(verdict="REFUTED", passed=False)
    by_id["d.slow"]["runtime_s"] = 4.0
    by_id["f.res"]["resolution"] = res(0.01, 0.04)
    new["claims"] = [r for r in new["claims"] if r["id"] != "e.gone"] + [record("g.new")]
    return new


def test_order_verdict_first_then_membership_then_margin():
    order = [c.claim_id for c in changes(OLD, new_results())]
    assert order[0] == "c.flip"
    assert set(order[1:3]) == {"e.gone", "g.new"}
    assert order.index("b.margin") < order.index("d.slow") < order.index("a.same")


def test_verdict_change_exits_1_and_is_shown(tmp_path, capsys):
    code = main(["diff", write(tmp_path, "old.json", OLD), write(tmp_path, "new.json", new_results())])
    out = capsys.readouterr().out
    assert code == 1
    assert "! c.flip: verdict CONFIRMED → REFUTED, now FAILS" in out
    assert "margin 0.5 → 0.9 (+80.0%)" in out and "resolution −1% / +2% → −1% / +4%" in out
    assert "runtime 1 → 4 (+300.0%) s" in out and "e.gone: removed" in out and "g.new: added" in out


def test_margin_changes_only_exit_0(tmp_path, capsys):
    new = copy.deepcopy(OLD)
    new["seed"] = 2
    new["claims"][1]["margin"] = 0.25
    assert main(["diff", write(tmp_path, "old.json", OLD), write(tmp_path, "new.json", new)]) == 0
    out = capsys.readouterr().out
    assert "seed: 1 → 2" in out and "margin 0.5 → 0.25 (-50.0%)" in out


def test_resolution_records_are_compared_by_their_sharpest_change(tmp_path, capsys):
    old = results(record("a.sharp", resolution=res(0.01, 0.02)), record("b.same", resolution=res(0.01, 0.02)))
    new = copy.deepcopy(old)
    new["claims"][0]["resolution"] = res(0.01, 0.08)
    assert [c.claim_id for c in changes(old, new)] == ["a.sharp", "b.same"]
    assert main(["diff", write(tmp_path, "old.json", old), write(tmp_path, "new.json", new)]) == 0
    assert "resolution −1% / +2% → −1% / +8%" in capsys.readouterr().out


def test_unreadable_file_is_one_line_exit_2(tmp_path, capsys):
    assert main(["diff", str(tmp_path / "missing.json"), write(tmp_path, "new.json", OLD)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1

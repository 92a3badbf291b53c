"""results.json: schema version, atomic writes, readable errors."""

import json

import pytest

from convergence.errors import ResultsFileError
from convergence.results import SCHEMA_VERSION, make_results, read_results, write_results


def record(verdict="CONFIRMED", expected="CONFIRMED", killed=True):
    return {"id": "x.y", "verdict": verdict, "expected": expected, "passed": verdict == expected and killed,
            "mutants": [{"verdict": "REFUTED" if killed else "CONFIRMED", "killed": killed}]}


def test_round_trip(tmp_path):
    results = make_results([record()], seed=3, profile="quick", command="convergence verify")
    write_results(results, tmp_path / "results.json")
    data = read_results(tmp_path / "results.json")
    assert data["schema_version"] == SCHEMA_VERSION and data["totals"]["passed"] == 1
    assert {"python", "numpy", "sympy", "commit"} <= set(data["environment"])


def test_totals_count_mismatches_and_survivors():
    totals = make_results([record(), record("REFUTED"), record(killed=False)], seed=0, profile="quick",
                          command="")["totals"]
    assert totals["as_expected"] == 2 and totals["passed"] == 1 and totals["mutants_killed"] == 2


def test_a_failed_write_leaves_the_old_file_intact(tmp_path):
    path = tmp_path / "results.json"
    write_results(make_results([record()], seed=0, profile="quick", command=""), path)
    before = path.read_bytes()
    with pytest.raises(ValueError):  # NaN is not valid JSON: the write must fail before replacing
        write_results({"schema_version": SCHEMA_VERSION, "bad": float("nan")}, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


@pytest.mark.parametrize("content", ["not json", json.dumps({"schema_version": 99})])
def test_unreadable_or_foreign_results_are_refused(tmp_path, content):
    path = tmp_path / "results.json"
    path.write_text(content)
    with pytest.raises(ResultsFileError):
        read_results(path)

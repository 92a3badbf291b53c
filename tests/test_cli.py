"""The command line: one-line errors with exit 2, verify's exit status, atomic outputs."""

import dataclasses
import json
import subprocess
import sys

import pytest

from convergence.cli import main


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "convergence", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_list_shows_ids(capsys):
    assert main(["list", "gd.*"]) == 0
    out = capsys.readouterr().out
    assert "gd.quadratic-stability" in out and "tight" in out


def test_show_json(capsys):
    assert main(["show", "gd.quadratic-stability", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["theory"]["text"] == "2/lambda" and record["theory"]["steps"]
    assert record["certificate"] is None


def test_show_names_the_certificate_of_a_certified_claim(capsys):
    assert main(["show", "gd.convex-rate"]) == 0
    out = capsys.readouterr().out
    assert "Certificate: worst case of f(x_T) − f*" in out and "L-smooth convex" in out


BAD_INPUTS = [["show", "no.such"], ["verify", "no.such.*"], ["verify", "--profile", "huge"], ["verify", "--seed", "x"],
              ["verify", "--jobs", "0"], ["verify", "gd.descent-lemma", "--png"], ["frobnicate"],
              ["report", "--results", "/nonexistent.json"],
              ["verify", "momentum.ema-no-amplification", "--profile", "quick", "--out", "/dev/null/out"]]


@pytest.mark.parametrize("args", BAD_INPUTS)
def test_bad_input_is_one_line_and_exit_2(args):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_verify_writes_results_and_exit_status(tmp_path):
    result = run_cli("verify", "momentum.ema-*", "--profile", "quick", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["schema_version"] == 1 and data["totals"]["claims"] == 2
    assert {r["verdict"] for r in data["claims"]} == {"CONFIRMED", "REFUTED"}
    assert all(r["passed"] for r in data["claims"])
    record = data["claims"][0]
    assert record["theory"]["srepr"] and record["mutants"] and "environment" in data


def test_results_are_bit_identical_whatever_the_jobs(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_cli("verify", "gd.quadratic-rate", "gd.descent-lemma", "--profile", "quick", "--seed", "7",
                   "--out", str(one)).returncode == 0
    assert run_cli("verify", "gd.quadratic-rate", "gd.descent-lemma", "--profile", "quick", "--seed", "7",
                   "--jobs", "2", "--out", str(two)).returncode == 0
    a, b = (json.loads((p / "results.json").read_text())["claims"] for p in (one, two))
    strip = lambda recs: [{k: v for k, v in r.items() if k != "runtime_s"} for r in recs]  # noqa: E731
    assert strip(a) == strip(b)


def test_a_failing_mutant_or_verdict_fails_verify(monkeypatch, tmp_path, capsys):
    from convergence import runner

    real = runner.run_claim

    def broken(claim, options):
        record = real(claim, options)
        record["verdict"] = "REFUTED" if record["expected"] == "CONFIRMED" else "CONFIRMED"
        record["passed"] = False
        return record

    monkeypatch.setattr(runner, "run_claim", broken)
    assert main(["verify", "momentum.ema-no-amplification", "--profile", "quick", "--out", str(tmp_path)]) == 1


def test_an_experiment_that_raises_becomes_error(monkeypatch):
    from convergence.discovery import discover
    from convergence.runner import RunOptions, run_claim

    def explode(params, rng):
        raise RuntimeError("boom")

    original = next(c for c in discover() if c.id == "momentum.ema-no-amplification")
    claim = dataclasses.replace(original, experiment=explode)  # a copy: the registry stays intact
    record = run_claim(claim, RunOptions())
    assert record["verdict"] == "ERROR" and "boom" in record["summary"] and not record["passed"]

"""``verify --set`` (non-standard runs) and the progress display (live on a terminal, plain lines otherwise)."""

import io
import json
import subprocess
import sys

import pytest

from convergence.errors import SuiteError
from convergence.overrides import apply, parse
from convergence.progress import Progress


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "convergence", *args], capture_output=True, text=True, timeout=300)


def test_parse_reads_json_values_else_strings():
    assert parse(["T=100", "eta=1e-3", "flag=true", "grid=[1, 2]", "form=ema"]) == {
        "T": 100, "eta": 1e-3, "flag": True, "grid": [1, 2], "form": "ema"}
    for bad in ("T", "=3", "not a name=1"):
        with pytest.raises(SuiteError):
            parse([bad])


def test_apply_only_what_the_claim_has():
    assert apply({"T": 1, "n": 2}, {"T": 5, "other": 1}) == ({"T": 5, "n": 2}, {"T": 5})


def test_set_marks_the_run_non_standard_and_skips_the_cache(tmp_path):
    claim = "momentum.ema-no-amplification"
    shown = json.loads(run_cli("show", claim, "--json").stdout)
    name, value = next((k, v) for k, v in shown["params"]["quick"].items() if isinstance(v, float))
    first = run_cli("verify", claim, "--profile", "quick", "--out", str(tmp_path), "--set", f"{name}={value * 0.5}")
    assert first.returncode == 0, first.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["standard"] is False and results["overrides"] == {name: value * 0.5}
    record = results["claims"][0]
    assert record["overrides"] == {name: value * 0.5} and record["params"][name] == value * 0.5
    assert not (tmp_path / ".cache").exists() or not any((tmp_path / ".cache").rglob("*.json"))

    standard = run_cli("verify", claim, "--profile", "quick", "--out", str(tmp_path))
    results = json.loads((tmp_path / "results.json").read_text())
    assert standard.returncode == 0 and results["standard"] is True and "overrides" not in results
    assert not results["claims"][0].get("cached") and results["claims"][0]["params"][name] == value


def test_set_of_an_unknown_parameter_is_one_line_exit_2(tmp_path):
    done = run_cli("verify", "momentum.ema-no-amplification", "--profile", "quick", "--out", str(tmp_path),
                   "--set", "no_such_parameter=1")
    assert done.returncode == 2 and "no_such_parameter" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    with Progress(["a", "b", "c"], stream=stream, title="verify") as progress:
        progress.finished("a", True, "line a", seconds=1.0)
        progress.finished("b", False, "line b", cached=True)
        assert progress.running == ["c"] and progress.failures == ["b"] and progress.cached == 1
        assert progress.eta_seconds() == pytest.approx(1.0)  # one left, 1 s per run task, cached ones not counted
    assert stream.getvalue() == "line a\nline b\n"


def test_live_display_shows_running_done_failures_and_time_left():
    stream = io.StringIO()
    with Progress(["a", "b", "c", "d"], jobs=2, stream=stream, live=True, title="verify") as progress:
        progress.finished("b", False, "FAIL b", seconds=2.0)
        assert progress.running == ["a", "c"]
        summary = progress.summary_line()
        assert "1/4 done" in summary and "1 failed" in summary and "left" in summary
        assert progress.eta_seconds() == pytest.approx(3 * 2.0 / 2)
    out = stream.getvalue()
    assert "FAIL b" in out  # failures stay on screen above the display
    assert "verify: 1/4 done, 1 failed" in out.splitlines()[-1]

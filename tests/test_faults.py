"""Faults and hostile inputs: every one ends as a clear ERROR, a one-line refusal, or exit 130.

Each test sets up its fault for real: a throw-away claims folder (pointed to by
``CONVERGENCE_CLAIMS_DIR``) whose experiment exits, crashes, hangs or returns
NaN; a results file crafted on disk; a ``convergence`` subprocess interrupted
with SIGINT or SIGTERM. The numbered cases are those of the fault-tolerance
issue; each test says which it covers.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from convergence.cli import main
from convergence.lock import folder_lock
from convergence.measurement import Measurement

REPO = Path(__file__).resolve().parents[1]

CLAIM_TEMPLATE = '''
import os, sys, time
import numpy as np
import sympy as sp
from convergence import Claim, Measurement, Mutant, Params, Source, Tight, Verdict
from theory.derivation import DerivationBuilder
from theory.symbols import lam

{prelude}

def derivation():
    d = DerivationBuilder()
    curvature = d.definition("curvature", sp.Eq(sp.Symbol("c"), lam), "the toy's input")
    d.computed("threshold", {theory}, uses=[curvature], how="toy", justification="a toy derivation")
    return d.finish()

def experiment(params, rng):
    lam_v = np.array([1.0, 2.0])
    values = 2 / lam_v
{body}
    return Measurement(values=values, inputs={{"lam": lam_v}})

CLAIM = Claim(
    id="{id}", title="toy {id}", statement="a toy claim", source=Source("test"),
    derivation=derivation, experiment=experiment,
    params=Params(symbols={{"lam": "lambda"}}, quick={{}}, full={{}}),
    comparison=Tight(rtol=1e-9), expected=Verdict.{expected},
    mutants=(Mutant("half the threshold", 1 / lam),),
)
'''

OLD_RESULTS = b'{"schema_version": 1, "claims": [], "note": "the previous run"}\n'


def write_registry(folder: Path, claims: dict[str, dict[str, str]]) -> Path:
    """A claims package (unique name, so imports never collide) with one file per claim id."""
    root = folder / f"faultclaims_{uuid.uuid4().hex[:8]}"
    (root / "toy").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "toy" / "__init__.py").write_text("")
    for claim_id, spec in claims.items():
        fields = {"prelude": "", "theory": "2 / lam", "body": "", "expected": "CONFIRMED", **spec, "id": claim_id}
        fields["body"] = textwrap.indent(textwrap.dedent(fields["body"]), "    ")
        name = claim_id.split(".", 1)[1].replace("-", "_")
        (root / "toy" / f"{name}.py").write_text(CLAIM_TEMPLATE.format(**fields))
    return root


GOOD = {"toy.good": {}}


@pytest.fixture
def registry(tmp_path, monkeypatch):
    """Build a claims folder and point the CLI at it (in this process)."""
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(claims: dict[str, dict[str, str]]) -> Path:
        root = write_registry(tmp_path, claims)
        monkeypatch.setenv("CONVERGENCE_CLAIMS_DIR", str(root))
        return root

    return make


def verify(out: Path, *extra: str) -> int:
    return main(["verify", "--profile", "quick", "--out", str(out), *extra])


def records(out: Path) -> dict[str, dict]:
    return {r["id"]: r for r in json.loads((out / "results.json").read_text())["claims"]}


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


# -- cases 1 and 4: sys.exit / os._exit in an experiment -------------------------------------------------------

EXITS = {"toy.sys-exit": ("sys.exit(0)", "SystemExit: the experiment called sys.exit(0)"),
         "toy.os-exit": ("os._exit(7)", "the worker process exited with status 7"),
         "toy.killed": ("os.kill(os.getpid(), 9)", "the worker process was killed by SIGKILL")}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_experiment_that_exits_is_its_claims_error(registry, tmp_path, capsys, jobs):
    """Cases 1 and 4: sys.exit, os._exit, a killed worker: the run goes on, writes a current
    results.json, names each claim, and replaces the dead worker for the claims after it."""
    registry({**GOOD, **{claim_id: {"body": body} for claim_id, (body, _) in EXITS.items()}, "toy.zafter": {}})
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_bytes(OLD_RESULTS)
    assert verify(out, "--jobs", jobs) == 1
    found = records(out)
    assert set(found) == {"toy.good", "toy.zafter", *EXITS}
    for claim_id, (_, message) in EXITS.items():
        assert found[claim_id]["verdict"] == "ERROR" and message in found[claim_id]["summary"], claim_id
    assert found["toy.good"]["passed"] and found["toy.zafter"]["passed"]
    captured = capsys.readouterr()
    assert all(f"error in {claim_id}" in captured.err for claim_id in EXITS) and "Traceback" not in captured.err
    assert "2/5 claims pass" in captured.out


# -- case 2: non-finite data is never evidence ------------------------------------------------------------------

def test_nan_data_does_not_refute_or_kill(registry, tmp_path):
    """Case 2: NaN values for a claim expected REFUTED: INCONCLUSIVE, mutants alive, the claim fails."""
    registry({"toy.nan": {"body": "values = np.full(2, np.nan)", "expected": "REFUTED"}, **GOOD})
    out = tmp_path / "out"
    assert verify(out) == 1
    record = records(out)["toy.nan"]
    assert record["verdict"] == "INCONCLUSIVE" and "non-finite data is never evidence" in record["summary"]
    assert [m["verdict"] for m in record["mutants"]] == ["INCONCLUSIVE"] and not record["mutants"][0]["killed"]
    assert not record["passed"]


@pytest.mark.parametrize("interval", [(np.array([np.nan, 1.0]), np.array([2.0, 3.0])),
                                      (np.array([0.0, 1.0]), np.array([np.inf, 3.0]))])
def test_a_non_finite_interval_is_inconclusive_for_theory_and_mutants(interval):
    """Case 2 (interval): the one judging function refuses the data for theory and mutants alike."""
    from convergence import Stochastic
    from convergence.runner import judge

    claim = SimpleNamespace(comparison=Stochastic(alpha=1e-4, resolution=1.0))  # all that judging reads
    measurement = Measurement(values=np.array([1.0, 2.0]), interval=interval, level=1e-4)
    for theory in (np.array([1.0, 2.0]), np.array([100.0, 200.0])):  # the theory, and a far-off "mutant"
        outcome = judge(claim, theory, measurement)
        assert outcome.verdict.value == "INCONCLUSIVE" and "interval" in outcome.summary


# -- case 3: a hung claim, and interrupts ---------------------------------------------------------------------

def test_a_hung_claim_times_out_and_the_others_run(registry, tmp_path):
    """Case 3: --timeout ends a hung experiment as ERROR "timed out after N s"."""
    registry({"toy.hangs": {"body": "time.sleep(120)"}, **GOOD})
    out = tmp_path / "out"
    started = time.monotonic()
    assert verify(out, "--timeout", "4", "--jobs", "2") == 1  # 4 s: the good claim must finish on a loaded machine
    assert time.monotonic() - started < 30
    found = records(out)
    assert found["toy.hangs"]["verdict"] == "ERROR" and found["toy.hangs"]["summary"] == "timed out after 4 s"
    assert found["toy.good"]["passed"], found["toy.good"]["summary"]


def test_the_timeout_has_a_default_per_profile():
    from convergence.runner import DEFAULT_TIMEOUTS, RunOptions

    assert RunOptions(profile="quick").claim_timeout == DEFAULT_TIMEOUTS["quick"] == 300
    assert RunOptions(profile="full").claim_timeout == DEFAULT_TIMEOUTS["full"] == 3600
    assert RunOptions(profile="full", timeout=2.0).claim_timeout == 2.0


HANGING = {
    "toy.hang-a": {"body": "open(os.path.join(os.environ['FAULT_PIDS'], 'a'), 'w').write(str(os.getpid()))\n"
                           "time.sleep(120)"},
    "toy.hang-b": {"body": "open(os.path.join(os.environ['FAULT_PIDS'], 'b'), 'w').write(str(os.getpid()))\n"
                           "time.sleep(120)"},
}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.parametrize(("signals", "jobs", "group"), [
    ((signal.SIGINT, signal.SIGINT), "2", False),  # kill -INT <pid> (timeout -s INT, CI), then again
    ((signal.SIGTERM,), "1", False),
    ((signal.SIGINT,), "2", True),  # Ctrl-C: the whole process group gets SIGINT
])
def test_an_interrupt_exits_130_quickly_with_no_traceback_or_orphan(tmp_path, signals, jobs, group):
    """Case 3: workers stop, exit 130 within 5 s, no traceback, previous results untouched."""
    root = write_registry(tmp_path, HANGING)
    pids, out = tmp_path / "pids", tmp_path / "out"
    pids.mkdir()
    out.mkdir()
    (out / "results.json").write_bytes(OLD_RESULTS)
    env = {**os.environ, "PYTHONPATH": str(REPO), "CONVERGENCE_CLAIMS_DIR": str(root), "FAULT_PIDS": str(pids)}
    process = subprocess.Popen(
        [sys.executable, "-m", "convergence", "verify", "--profile", "quick", "--jobs", jobs, "--out", str(out)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        # Generous: the wait ends as soon as the workers write their pids, and start-up (imports,
        # loading) can take tens of seconds on two cores busy with other tests.
        deadline = time.monotonic() + 180
        while (len(list(pids.iterdir())) < int(jobs) and time.monotonic() < deadline
               and process.poll() is None):
            time.sleep(0.05)
        workers = [int(p.read_text()) for p in pids.iterdir() if p.read_text()]
        assert len(workers) == int(jobs), "the workers never started"
        sent = time.monotonic()
        for signum in signals:
            if group:
                os.killpg(process.pid, signum)
            else:
                process.send_signal(signum)
            time.sleep(0.05)
        stdout, stderr = process.communicate(timeout=10)
        elapsed = time.monotonic() - sent
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, stderr
    assert elapsed < 5
    assert "Traceback" not in stderr and "interrupted" in stderr
    time.sleep(0.2)
    assert not [pid for pid in workers if _alive(pid)], "orphaned worker processes"
    assert (out / "results.json").read_bytes() == OLD_RESULTS
    assert sorted(p.name for p in out.iterdir()) == [".convergence.lock", "results.json"]


def test_an_interrupt_while_typst_compiles_exits_at_once(tmp_path):
    """Case 3 (report phase): Typst runs in a worker, so SIGINT during a long compile still exits 130 at once."""
    data = _valid_results()
    data["claims"] = [{**copy.deepcopy(data["claims"][0]), "id": f"x.c{i}", "statement": "word " * 100}
                      for i in range(40)]  # a compile of a second or more
    results, out = tmp_path / "results.json", tmp_path / "out"
    results.write_text(json.dumps(data))
    out.mkdir()
    (out / "report.pdf").write_bytes(b"%PDF-1.7 the previous report")
    process = subprocess.Popen([sys.executable, "-m", "convergence", "report", "--results", str(results),
                                "--out", str(out)], env={**os.environ, "PYTHONPATH": str(REPO)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not list(out.glob(".staging-*/.report-*/report.typ")) and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.01)
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
        elapsed = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130 and elapsed < 5 and "Traceback" not in stderr, stderr
    assert (out / "report.pdf").read_bytes() == b"%PDF-1.7 the previous report"
    assert sorted(p.name for p in out.iterdir()) == [".convergence.lock", "report.pdf"]


# -- case 5: a bad seed, and case 15: --out '' ----------------------------------------------------------------

@pytest.mark.parametrize("args", [["--seed", "-1"], ["--seed", "x"], ["--seed", "1.5"], ["--seed", str(2**64)],
                                  ["--out", ""], ["--out", "  "], ["--timeout", "0"], ["--timeout", "nan"],
                                  ["--jobs", "0"]])
def test_bad_options_are_one_line_exit_2_and_write_nothing(registry, tmp_path, monkeypatch, capsys, args):
    """Cases 5 and 15: --seed -1 and --out '' are bad input; the previous results.json survives."""
    registry(GOOD)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_bytes(OLD_RESULTS)
    argv = ["verify", "--profile", "quick", *(["--out", str(out)] if "--out" not in args else []), *args]
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert one_line(capsys.readouterr().err).startswith("convergence: error:")
    assert (out / "results.json").read_bytes() == OLD_RESULTS
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("faultclaims")] == ["out"]


# -- case 6: a theory that is not finite ------------------------------------------------------------------------

def test_a_theory_with_zoo_is_its_claims_error_and_the_pdf_builds(registry, tmp_path, capsys):
    """Case 6: zoo is a plain ERROR (not KeyError), verify --report exits 1 and the PDF has every claim."""
    registry({"toy.zoo": {"theory": "lam / sp.Integer(0)"}, "toy.pole": {"theory": "2 / (lam - 1)"}, **GOOD})
    out = tmp_path / "out"
    assert verify(out, "--report") == 1
    found = records(out)
    assert found["toy.zoo"]["verdict"] == "ERROR"
    assert found["toy.zoo"]["summary"] == "the theory is not a finite expression: it contains zoo, a division by zero"
    assert found["toy.pole"]["verdict"] == "ERROR"
    assert found["toy.pole"]["summary"].startswith("the theory is not finite at 1 of 2 measured point(s)")
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    source = (out / "report.typ").read_text()
    assert all(f"claim:{claim_id}" in source for claim_id in found)
    assert "Traceback" not in capsys.readouterr().err


# -- cases 7 and 13: the report reader validates at the boundary --------------------------------------------

def _valid_results() -> dict:
    record = {"id": "x.y", "title": "t", "verdict": "CONFIRMED", "expected": "CONFIRMED", "passed": True,
              "mutants": [{"description": "m", "verdict": "REFUTED", "killed": True}], "measured_values": [1, None]}
    return {"schema_version": 1, "created": "2026-01-01T00:00:00Z", "seed": 1, "claims": [record]}


def _with(change) -> bytes:
    data = _valid_results()
    change(data)
    return json.dumps(data).encode()


CRAFTED = {
    "huge-int": b'{"schema_version": 1, "seed": ' + b"9" * 5000 + b', "claims": []}',
    "deep-nesting": b'{"schema_version": 1, "claims": [], "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "moderate-nesting": b'{"schema_version": 1, "claims": [], "x": ' + b"[" * 500 + b"]" * 500 + b"}",
    "not-utf8": b'{"schema_version": 1, "claims": [], "title": "caf\xe9"}',
    "nan-constant": b'{"schema_version": 1, "claims": [], "seed": NaN}',
    "float-overflow": b'{"schema_version": 1, "claims": [], "x": 1e999}',
    "not-json": b'{"schema_version": 1,',
    "top-level-list": b"[]",
    "schema-true": _with(lambda d: d.update(schema_version=True)),
    "schema-string": _with(lambda d: d.update(schema_version="1")),
    "schema-2": _with(lambda d: d.update(schema_version=2)),
    "claims-not-list": _with(lambda d: d.update(claims={"a": 1})),
    "no-verdict-no-expected": _with(lambda d: [d["claims"][0].pop(k) for k in ("verdict", "expected")]),
    "unknown-verdict": _with(lambda d: d["claims"][0].update(verdict="PASS")),
    "passed-lies": _with(lambda d: d["claims"][0].update(verdict="REFUTED")),
    "killed-lies": _with(lambda d: d["claims"][0]["mutants"][0].update(verdict="CONFIRMED")),
    "title-not-string": _with(lambda d: d["claims"][0].update(title=["a"])),
    "values-not-numbers": _with(lambda d: d["claims"][0].update(measured_values=[1, "two"])),
    "record-not-object": _with(lambda d: d["claims"].append("x.z")),
    "long-string": _with(lambda d: d["claims"][0].update(title="a" * (2**20 + 1))),
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_a_crafted_results_file_is_one_line_exit_2(tmp_path, capsys, name):
    """Cases 7 and 13: huge ints, deep nesting, non-UTF-8, wrong shapes: one line, exit 2, no report."""
    path = tmp_path / "results.json"
    path.write_bytes(CRAFTED[name])
    assert main(["report", "--results", str(path), "--out", str(tmp_path / "out")]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"convergence: error: {path}: ") and len(line) < 300
    assert not (tmp_path / "out" / "report.pdf").exists()


def test_the_valid_crafted_file_is_accepted():
    from convergence.schema import parse_results

    assert parse_results(_with(lambda d: None), "r.json")["claims"][0]["id"] == "x.y"


# -- case 8: one run per output folder ------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["verify", "report"])
def test_a_second_run_into_a_locked_folder_is_refused_naming_the_holder(registry, tmp_path, capsys, command):
    """Case 8: the folder's lock names the pid and command of the run that holds it."""
    registry(GOOD)
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_bytes(_with(lambda d: None))
    before = sorted((p.name, p.read_bytes()) for p in out.iterdir() if p.is_file())
    with folder_lock(out):
        argv = ["verify", "--profile", "quick"] if command == "verify" else ["report"]
        assert main([*argv, "--out", str(out)]) == 2
    line = one_line(capsys.readouterr().err)
    assert f"output folder {out} is in use by another run (pid {os.getpid()}" in line
    assert sorted((p.name, p.read_bytes()) for p in out.iterdir() if p.is_file() and p.name != ".convergence.lock") \
        == [entry for entry in before if entry[0] != ".convergence.lock"]


# -- case 9: figures and the report are written atomically ---------------------------------------------------

def _report_results() -> dict:
    data = _valid_results()
    data["claims"][0]["figure"] = {"title": "f", "xlabel": "x", "ylabel": "y", "series": [
        {"label": "measured", "x": [1, 2, 3], "y": [1, 4, 9], "kind": "line", "role": "measured"}]}
    second = copy.deepcopy(data["claims"][0])
    second["id"] = "x.z"
    data["claims"].append(second)
    return data


def test_an_interrupted_report_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    """Case 9: an interrupt while drawing leaves the old report, typ and figures byte for byte.

    Figures are drawn by forked workers, so the interrupt is what a user sends: SIGINT to the
    command's process (sent here by a figure worker once it has written a figure of its own).
    """
    from reports import build
    from reports.build import build_report

    out = tmp_path / "out"
    build_report(_report_results(), out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real, parent = build.draw_figure, os.getpid()

    def interrupted(spec, png, svg):
        real(spec, png, svg)  # a new figure is on disk (in the staging folder) ...
        os.kill(parent, signal.SIGINT)  # ... when the user interrupts
        time.sleep(30)

    monkeypatch.setattr(build, "draw_figure", interrupted)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            build_report(_report_results(), out)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert time.monotonic() - started < 10, "the workers were not killed at once"
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_figure_whose_rendering_fails_leaves_no_partial_file(tmp_path, monkeypatch):
    """Case 9: savefig failing half-way (disk full, kill) never truncates the figure on disk."""
    import matplotlib.figure

    from reports.figures import draw_figure

    spec = _report_results()["claims"][0]["figure"]
    png, svg = tmp_path / "f.png", tmp_path / "f.svg"
    draw_figure(spec, png, svg)
    old = svg.read_bytes()
    real = matplotlib.figure.Figure.savefig

    def half(self, target, **kwargs):
        if kwargs.get("format") == "svg":
            target.write(b"<svg")  # a partial image, then the failure
            raise OSError(28, "No space left on device")
        return real(self, target, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", half)
    with pytest.raises(OSError):
        draw_figure(spec, png, svg)
    assert svg.read_bytes() == old and png.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.png", "f.svg"]


def test_a_staging_folder_left_by_a_killed_run_is_removed(registry, tmp_path):
    """Case 9: kill -9 can leave only a hidden staging folder; the next run removes it."""
    registry(GOOD)
    out = tmp_path / "out"
    (out / ".staging-dead").mkdir(parents=True)
    (out / ".staging-dead" / "results.json").write_text("{")
    assert verify(out) == 0
    # .cache: the run's result-cache entries (convergence/cache.py), moved in with its outputs
    assert sorted(p.name for p in out.iterdir() if p.name != ".cache") == [".convergence.lock", "results.json"]


# -- case 10: an output folder that cannot be written --------------------------------------------------------

def test_report_into_an_unusable_folder_is_one_line_naming_it(tmp_path, capsys):
    """Case 10: report checks its --out up front (here a path below a regular file)."""
    results = tmp_path / "results.json"
    results.write_bytes(_with(lambda d: None))
    (tmp_path / "file").write_text("")
    assert main(["report", "--results", str(results), "--out", str(tmp_path / "file" / "out")]) == 2
    assert f"cannot create output folder {tmp_path / 'file' / 'out'}" in one_line(capsys.readouterr().err)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_report_into_a_read_only_folder_is_one_line_naming_it(tmp_path, capsys):
    results = tmp_path / "results.json"
    results.write_bytes(_with(lambda d: None))
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    assert main(["report", "--results", str(results), "--out", str(folder)]) == 2
    assert f"output folder {folder} is not writable" in one_line(capsys.readouterr().err)


# -- case 11: a claim file that prints ------------------------------------------------------------------------

def test_a_claim_that_prints_does_not_corrupt_stdout(registry, tmp_path, capfd, caplog):
    """Case 11: prints at import go to the log; prints in the experiment go to stderr."""
    registry({"toy.chatty": {"prelude": "print('hello from import')",
                             "body": "print('hello from the experiment')"}})
    assert main(["show", "toy.chatty", "--json"]) == 0
    assert json.loads(capfd.readouterr().out)["id"] == "toy.chatty"
    assert any("hello from import" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert verify(tmp_path / "out") == 0
    captured = capfd.readouterr()
    assert "hello" not in captured.out and "hello from the experiment" in captured.err


# -- case 12: a figure that cannot be drawn -------------------------------------------------------------------

def test_an_undrawable_figure_is_a_one_line_warning_unless_strict(tmp_path, capsys, caplog):
    """Case 12: one warning naming the claim, the section says why, exit 0; --strict fails."""
    data = _report_results()
    data["claims"][1]["figure"]["series"][0]["y"] = [1, 2]  # ragged: 3 x values, 2 y values
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data))
    with caplog.at_level(logging.WARNING):
        assert main(["report", "--results", str(path), "--out", str(tmp_path / "out")]) == 0
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].exc_info is None
    assert "figure of x.z could not be drawn: FigureSpecError" in warnings[0].getMessage()
    assert "\n" not in warnings[0].getMessage()
    assert "could not be drawn" in (tmp_path / "out" / "report.typ").read_text()
    assert "Traceback" not in capsys.readouterr().err
    assert main(["report", "--strict", "--results", str(path), "--out", str(tmp_path / "strict")]) == 2
    assert "figure(s) could not be drawn (--strict)" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "strict" / "report.pdf").exists()


# -- case 14: --jobs is capped at the number of claims -------------------------------------------------------

def test_jobs_are_capped_at_the_number_of_claims(registry, tmp_path, monkeypatch, capsys):
    """Case 14: --jobs 1000 for 2 claims runs 2 workers, and says so."""
    from convergence import runner

    registry({**GOOD, "toy.other": {}})
    seen, real = [], runner.run_claims

    def spy(claims, options, on_result=None):
        seen.append(options.jobs)
        return real(claims, options, on_result)

    monkeypatch.setattr(runner, "run_claims", spy)
    assert verify(tmp_path / "out", "--jobs", "1000") == 0
    assert seen == [2]
    assert "--jobs 1000 capped at 2" in capsys.readouterr().err

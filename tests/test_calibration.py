"""Calibration on Dask: records as sequential runs, resumable log, lost workers, summary and appendix.

One module-scoped LocalCluster of 2 worker processes serves every cluster test
(starting one costs seconds); it tolerates one worker death per task
(``allowed-failures`` 1), so the lost-worker tests need only a couple of deaths.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from convergence.calibration import (
    RECORDS_NAME,
    latest_records,
    run_task,
    slim,
    sweep,
)
from convergence.calibration_summary import clopper_pearson, clopper_pearson_upper, format_table, summarize
from convergence.cli import main
from convergence.discovery import discover, select
from convergence.records_log import LogBusyError, RecordLog, read_records
from convergence.runner import RunOptions, run_claim

distributed = pytest.importorskip("distributed")
# Every test here on one pytest-xdist worker: one LocalCluster at a time, not one per test worker
# (two clusters and their restarts on 2 cores made the lost-worker test's timing flaky).
pytestmark = pytest.mark.xdist_group("dask-cluster")

ROOT = Path(__file__).resolve().parents[1]
CHEAP = ["gd.quadratic-rate", "sgd.unbiased", "sgd.minibatch-variance"]  # tight, exact, stochastic
SEEDS = [1, 2, 3, 4]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}


@pytest.fixture(scope="module")
def claims():
    return select(discover(), CHEAP)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    import dask

    # Set before the workers start, so every worker process (and any restarted one) inherits it.
    os.environ["CAL_MARKS"] = str(tmp_path_factory.mktemp("marks"))
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                     silence_logs=50) as cluster, distributed.Client(cluster) as c:
        yield c


def comparable(record):
    """A record without its wall-clock times (runtime_s, certificate_runtime_s: the only fields that may differ)."""
    return {k: v for k, v in record.items() if not k.endswith("runtime_s")}


@pytest.fixture(scope="module")
def swept(client, claims, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    return out, sweep(client, claims, SEEDS, "quick", out)


def test_the_cluster_tests_are_grouped_on_one_test_worker(request):
    """pytest-xdist keeps a group on one worker by suffixing each grouped test's id with '@group'; a pytest
    whose node ids ignore that rewrite (9.2 with xdist 3.8) spread this module over every worker, each
    starting its own LocalCluster, silently."""
    if not request.config.getoption("loadgroup", default=False):
        pytest.skip("not run by pytest-xdist with --dist loadgroup")
    assert request.node.nodeid.endswith("@dask-cluster"), request.node.nodeid


def test_records_equal_sequential_runs(swept, claims):
    _, records = swept
    got = {(r["id"], r["seed"]): comparable(r) for r in records}
    assert len(got) == len(records) == len(CHEAP) * len(SEEDS)
    for claim in claims:
        for seed in SEEDS:
            expected = comparable(slim(json.loads(json.dumps(run_claim(claim, RunOptions("quick", seed))))))
            assert got[(claim.id, seed)] == expected, (claim.id, seed)
            assert expected["measured_values"] and expected["verdict"] == claim.expected.value


def test_rerun_skips_finished_pairs_and_ignores_a_torn_line(client, claims, swept, tmp_path):
    out, first = swept
    log = tmp_path / RECORDS_NAME
    complete = [r for r in first if r["seed"] in (1, 2)]
    log.write_text("".join(json.dumps(r) + "\n" for r in complete) + '{"id": "gd.quadratic-rate", "se')
    calls = []
    records = sweep(client, claims, SEEDS, "quick", tmp_path, on_start=lambda pending, skipped: calls.append(
        (pending, skipped)))
    assert calls == [(len(CHEAP) * 2, len(CHEAP) * 2)]
    assert sorted((r["id"], r["seed"]) for r in records) == sorted((r["id"], r["seed"]) for r in first)
    assert log.read_text().endswith("}\n")  # the torn tail was dropped, not glued to
    calls.clear()
    sweep(client, claims, SEEDS, "quick", tmp_path, on_start=lambda pending, skipped: calls.append(
        (pending, skipped)))
    assert calls == [(0, len(CHEAP) * len(SEEDS))] and len(read_records(log)) == len(first)


def die_once(path: str, seed: int, profile: str) -> dict:
    """Kill the worker running this task the first time each pair runs (marker files in $CAL_MARKS)."""
    mark = Path(os.environ["CAL_MARKS"]) / f"{Path(path).stem}-{seed}"
    if not mark.exists():
        mark.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return run_task(path, seed, profile)


def always_die(path: str, seed: int, profile: str) -> dict:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def test_a_worker_killed_mid_task_is_retried(client, claims, swept, tmp_path):
    _, reference = swept
    marks = Path(os.environ["CAL_MARKS"])
    records = sweep(client, claims[:1], [1], "quick", tmp_path / "out", task=die_once)
    assert (marks / f"{Path(claims[0].path).stem}-1").exists()  # the worker really died once
    expected = next(r for r in reference if r["id"] == claims[0].id and r["seed"] == 1)
    assert [comparable(r) for r in records] == [comparable(expected)]


def test_a_task_that_keeps_killing_workers_is_an_error_record(client, claims, tmp_path):
    records = sweep(client, claims[:1], [5], "quick", tmp_path, task=always_die)
    assert len(records) == 1
    record = records[0]
    assert record["verdict"] == "ERROR" and record["lost_worker"] and not record["passed"]
    assert "KilledWorker" in record["summary"]
    # Lost pairs are re-run by the next resumption; a real result then replaces the ERROR.
    client.wait_for_workers(1, timeout=120)
    records = sweep(client, claims[:1], [5], "quick", tmp_path)
    chosen = latest_records(records)
    assert [r["verdict"] for r in chosen.values()] == [claims[0].expected.value]


def test_summary_counts_and_intervals(swept):
    _, records = swept
    flipped = [dict(r) for r in records]
    target = next(r for r in flipped if r["id"] == "sgd.minibatch-variance" and r["seed"] == 3)
    target.update(verdict="INCONCLUSIVE", passed=False, summary="interval too wide")
    survivor = next(r for r in flipped if r["id"] == "gd.quadratic-rate" and r["seed"] == 2)
    survivor["mutants"] = [dict(survivor["mutants"][0], killed=False)] + survivor["mutants"][1:]
    survivor["passed"] = False
    summary = summarize(flipped, CHEAP, "quick", complete_catalogue=False)
    rows = {r["id"]: r for r in summary["claims"]}
    mv = rows["sgd.minibatch-variance"]
    assert mv["failures"] == 1 and mv["wrong_verdicts"]["INCONCLUSIVE"]["seeds"] == [3]
    assert mv["interval"] == pytest.approx(list(clopper_pearson(1, 4)))
    assert mv["alpha_share"] == pytest.approx(1e-4) and mv["status"] == "above alpha"
    assert mv["failed_seeds"][0]["replay"] == "convergence verify sgd.minibatch-variance --seed 3 --profile quick"
    qr = rows["gd.quadratic-rate"]
    assert qr["mutant_survivals"][0]["seeds"] == [2] and qr["alpha_share"] == 0
    assert rows["sgd.unbiased"]["status"] == "ok"
    cat = summary["catalogue"]
    assert cat["runs"] == 4 and cat["failed_seeds"] == [2, 3] and cat["runs_with_false_refutation"] == 0
    assert not cat["within_budget"]
    table = format_table(summary)
    assert "convergence verify sgd.minibatch-variance --seed 3 --profile quick" in table
    # A seed missing one claim is not a complete catalogue run.
    partial = summarize([r for r in flipped if not (r["id"] == "sgd.unbiased" and r["seed"] == 4)], CHEAP, "quick",
                        complete_catalogue=False)
    assert partial["catalogue"]["runs"] == 3


def test_clopper_pearson_known_values():
    lower, upper = clopper_pearson(0, 20)
    assert lower == 0 and upper == pytest.approx(1 - 0.025 ** (1 / 20))
    lower, upper = clopper_pearson(20, 20)
    assert upper == 1 and lower == pytest.approx(0.025 ** (1 / 20))
    lower, upper = clopper_pearson(3, 10)
    assert (lower, upper) == pytest.approx((0.0667395, 0.6524529), abs=1e-6)


def test_one_sided_upper_bound_known_values():
    assert clopper_pearson_upper(0, 299) == pytest.approx(1 - 0.05 ** (1 / 299))
    assert clopper_pearson_upper(0, 299) < 0.01
    assert clopper_pearson_upper(0, 298) > 0.01  # the smallest failure-free sweep that bounds the rate below 1 %
    assert clopper_pearson_upper(3, 10) == pytest.approx(0.6066242, abs=1e-6)  # beta.ppf(0.95, 4, 7)
    assert clopper_pearson_upper(3, 10) < clopper_pearson(3, 10)[1]  # the two-sided end is the 97.5 % bound
    assert clopper_pearson_upper(5, 5) == 1.0 and clopper_pearson_upper(0, 0) == 1.0


def test_log_refuses_a_second_writer_and_a_corrupt_middle_line(tmp_path):
    path = tmp_path / RECORDS_NAME
    with RecordLog(path) as log:
        log.append({"id": "a", "seed": 1})
        with pytest.raises(LogBusyError), RecordLog(path):
            pass
    assert read_records(path) == [{"id": "a", "seed": 1}]
    path.write_text('{"id": "a"}\nnot json\n{"id": "b"}\n')
    with pytest.raises(Exception, match="line 2"):
        read_records(path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def live_clients() -> set[int]:
    """Every distributed.Client object the garbage collector tracks (closed or not, garbage included)."""
    return {id(o) for o in gc.get_objects() if isinstance(o, distributed.Client)}


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:{port}", "nonsense://x"])
def test_unreachable_scheduler_is_one_line_exit_2(tmp_path, capsys, address):
    before = live_clients()
    code = main(["calibrate", "gd.quadratic-rate", "--seeds", "1", "--scheduler", address.format(port=free_port()),
                 "--connect-timeout", "2", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("convergence: error: cannot reach the Dask scheduler at ")
    # No half-started Client is left for a later garbage collection to close: run in the IO-loop thread of
    # the next Client being started, its finalizer deadlocked on distributed's LoopRunner lock (a hang).
    assert live_clients() <= before


def test_missing_distributed_extra_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what an environment without the extra looks like
    assert main(["calibrate", "gd.quadratic-rate", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "convergence: error: the distributed extra is not installed " \
                                      "(pip install -e '.[distributed]')\n"


@pytest.fixture
def hand_started_cluster(tmp_path):
    """`dask scheduler` and one `dask worker` as subprocesses on localhost, as a user would start them."""
    dask_cli = Path(sys.executable).with_name("dask")
    if not dask_cli.exists():
        pytest.skip("the dask command is not installed")
    scheduler_file = tmp_path / "scheduler.json"
    scheduler = subprocess.Popen([str(dask_cli), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", str(scheduler_file)],
                                 env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    try:
        deadline = time.monotonic() + 120
        address = None
        while address is None and time.monotonic() < deadline:
            try:  # the scheduler creates the file before it has written it: wait until it reads whole
                address = json.loads(scheduler_file.read_text())["address"]
            except (FileNotFoundError, json.JSONDecodeError, KeyError):
                time.sleep(0.2)
        assert address is not None, "the scheduler wrote no address within 120 s"
        worker = subprocess.Popen([str(dask_cli), "worker", address, "--nthreads", "1", "--no-dashboard", "--no-nanny"],
                                  env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with distributed.Client(address, timeout=120) as probe:  # a loaded machine may take a while to start it
            probe.wait_for_workers(1, timeout=120)
        yield address
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def test_commands_run_on_a_hand_started_scheduler_and_worker(hand_started_cluster, swept, tmp_path, capsys):
    address = hand_started_cluster
    out = tmp_path / "cal"
    assert main(["calibrate", "gd.quadratic-rate", "--seeds", "2", "--scheduler", address, "--out", str(out)]) == 0
    records = read_records(out / RECORDS_NAME)
    _, reference = swept
    expected = sorted((comparable(r) for r in reference if r["id"] == "gd.quadratic-rate" and r["seed"] in (1, 2)),
                      key=lambda r: r["seed"])
    assert sorted((comparable(r) for r in records), key=lambda r: r["seed"]) == expected
    summary = json.loads((out / "calibration.json").read_text())
    assert summary["claims"][0]["seeds_run"] == 2 and "gd.quadratic-rate" in capsys.readouterr().out

    remote, local = tmp_path / "remote", tmp_path / "local"
    args = ["verify", "gd.quadratic-rate", "sgd.unbiased", "--profile", "quick", "--seed", "7"]
    assert main([*args, "--scheduler", address, "--out", str(remote)]) == 0
    assert main([*args, "--out", str(local)]) == 0
    a, b = (json.loads((p / "results.json").read_text())["claims"] for p in (remote, local))
    assert [comparable(r) for r in a] == [comparable(r) for r in b]


def test_report_appendix_from_calibration_json(swept, tmp_path, capsys):
    from reports.build import build_report
    from reports.calibration import read_calibration

    _, records = swept
    failing = [dict(r) for r in records]
    failing[0].update(verdict="ERROR", passed=False, summary="boom")
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(summarize(failing, CHEAP, "quick", complete_catalogue=False)))
    pdf = build_report({"claims": []}, tmp_path / "report", calibration=read_calibration(path))
    assert pdf.read_bytes().startswith(b"%PDF")
    source = (tmp_path / "report" / "report.typ").read_text()
    assert "Calibration across master seeds" in source and "figures/calibration.svg" in source
    assert f"convergence verify {failing[0]['id']} --seed {failing[0]['seed']} --profile quick" in source
    assert (tmp_path / "report" / "figures" / "calibration.svg").exists()
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"schema_version": 1, "claims": []}))
    assert main(["report", "--results", str(results), "--calibration", str(tmp_path / "nope.json"),
                 "--out", str(tmp_path / "r2")]) == 2
    assert "no such calibration file" in capsys.readouterr().err

"""Derivations built in each claim's worker (runner._run_in_worker) refuse as a serial load does.

The number of jobs must never change an outcome: the same one-line refusal for a step whose
check fails or a build past the timeout, nothing written, the other workers stopped.
"""

from __future__ import annotations

import textwrap
import time
import uuid

import pytest

from convergence.cli import main
from convergence.discovery import index, load_for_run
from convergence.errors import ClaimDefinitionError

CLAIM = '''
import numpy as np
import sympy as sp
from convergence import Claim, Measurement, Mutant, Params, Source, Tight, Verdict
from theory.derivation import DerivationBuilder
from theory.symbols import lam

def derivation():
    import time
    time.sleep({sleep})  # a derivation lost in SymPy
    d = DerivationBuilder()
    start = d.definition("Quadratic", sp.Eq(sp.Symbol("f"), (lam + 1) ** 2), "a toy")
    d.identity("Expanded", sp.Eq(sp.Symbol("f"), lam ** 2 + {coefficient} * lam + 1), equals=sp.expand((lam + 1) ** 2),
               uses=[start])
    d.computed("Threshold", 2 / lam, uses=[start], how="toy")
    return d.finish()

def experiment(params, rng):
    lam_v = np.array([1.0, 2.0])
    return Measurement(values=2 / lam_v, inputs={{"lam": lam_v}})

CLAIM = Claim(
    id="{id}", title="toy", statement="a toy claim", source=Source("test"),
    derivation=derivation, experiment=experiment,
    params=Params(symbols={{"lam": "lambda"}}, quick={{}}, full={{}}),
    comparison=Tight(rtol=1e-9), expected=Verdict.CONFIRMED,
    mutants=(Mutant("half the threshold", 1 / lam),),
)
'''


@pytest.fixture
def toy_claims(tmp_path, monkeypatch):
    """A claims folder whose files have the given identity coefficients (2 is right)."""
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(coefficients: dict[str, int], sleep: dict[str, float] | None = None):
        root = tmp_path / f"workerclaims_{uuid.uuid4().hex[:8]}"
        (root / "toy").mkdir(parents=True)
        (root / "__init__.py").write_text("")
        (root / "toy" / "__init__.py").write_text("")
        for claim_id, coefficient in coefficients.items():
            name = claim_id.split(".", 1)[1].replace("-", "_")
            text = CLAIM.format(id=claim_id, coefficient=coefficient, sleep=(sleep or {}).get(claim_id, 0))
            (root / "toy" / f"{name}.py").write_text(textwrap.dedent(text))
        monkeypatch.setenv("CONVERGENCE_CLAIMS_DIR", str(root))
        return root

    return make


def _the_error(capsys) -> str:
    """The refusal: stderr's last line, the only error line, no traceback.

    Progress lines may come first: the refusal arrives when the claim's worker builds it.
    """
    err = capsys.readouterr().err.strip().splitlines()
    assert "Traceback" not in "\n".join(err) and [line for line in err if "error" in line] == err[-1:], err
    return err[-1]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_wrong_identity_is_the_same_one_line_refusal_at_any_jobs(toy_claims, tmp_path, capsys, jobs):
    toy_claims({"toy.right": 2, "toy.wrong": 3})
    out = tmp_path / "out"
    assert main(["verify", "--profile", "quick", "--no-cache", "--jobs", jobs, "--out", str(out)]) == 2
    err = _the_error(capsys)
    assert "toy/wrong.py" in err and "Expanded" in err and "lam" in err
    assert not (out / "results.json").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_derivation_past_the_timeout_is_a_one_line_refusal(toy_claims, tmp_path, capsys, jobs):
    toy_claims({"toy.quick": 2, "toy.stuck": 2}, sleep={"toy.stuck": 60})
    started = time.monotonic()
    assert main(["verify", "--profile", "quick", "--no-cache", "--jobs", jobs, "--timeout", "2",
                 "--out", str(tmp_path / "out")]) == 2
    assert time.monotonic() - started < 30  # killed at the timeout, not waited for
    err = _the_error(capsys)
    assert "toy/stuck.py" in err and "not built within 2 s" in err


def test_a_run_refused_in_a_worker_stops_the_others_and_writes_nothing(toy_claims, tmp_path, capsys):
    """The wrong claim is refused while a slow one still runs: the slow one is killed, not awaited."""
    toy_claims({"toy.wrong": 3, "toy.slow": 2}, sleep={"toy.slow": 60})
    out = tmp_path / "out"
    started = time.monotonic()
    assert main(["verify", "--profile", "quick", "--no-cache", "--jobs", "2", "--out", str(out)]) == 2
    assert time.monotonic() - started < 30
    assert "toy/wrong.py" in _the_error(capsys)
    assert not (out / "results.json").exists() and not list(out.glob(".cache/*")), list(out.iterdir())


def test_a_serial_load_checks_every_derivation_and_a_deferred_one_none(toy_claims):
    toy_claims({"toy.right": 2, "toy.wrong": 3})
    deferred = load_for_run(index(), check_theory=False)  # verify's local path: the workers build them
    assert [c.id for c in deferred] == ["toy.right", "toy.wrong"]
    assert not any("theory" in vars(c) for c in deferred)
    with pytest.raises(ClaimDefinitionError, match="Expanded"):
        load_for_run(index())

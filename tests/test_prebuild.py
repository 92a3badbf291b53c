"""Derivations built in parallel workers (convergence/prebuild.py) equal those built in the parent.

The number of jobs must never change an outcome: the same derivation (step by step,
exactly), the same one-line refusal for a step whose check fails, and the parent's
own build whenever a worker's copy cannot be trusted.
"""

from __future__ import annotations

import pickle
import textwrap
import time
import uuid

import pytest

from convergence.cli import main
from convergence.discovery import claims_root, index, load_for_run
from convergence.prebuild import _fingerprint, build_derivations

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
        root = tmp_path / f"prebuildclaims_{uuid.uuid4().hex[:8]}"
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


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_wrong_identity_is_the_same_one_line_refusal_at_any_jobs(toy_claims, tmp_path, capsys, jobs):
    toy_claims({"toy.right": 2, "toy.wrong": 3})
    out = tmp_path / "out"
    assert main(["verify", "--profile", "quick", "--no-cache", "--jobs", jobs, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    assert "toy/wrong.py" in err[0] and "Expanded" in err[0] and "lam" in err[0]
    assert not (out / "results.json").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_derivation_past_the_timeout_is_a_one_line_refusal(toy_claims, tmp_path, capsys, jobs):
    toy_claims({"toy.quick": 2, "toy.stuck": 2}, sleep={"toy.stuck": 60})
    started = time.monotonic()
    assert main(["verify", "--profile", "quick", "--no-cache", "--jobs", jobs, "--timeout", "2",
                 "--out", str(tmp_path / "out")]) == 2
    assert time.monotonic() - started < 30  # killed at the timeout, not waited for
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "toy/stuck.py" in err[0] and "not built within 2 s" in err[0], err


def test_parallel_builds_equal_serial_ones_step_by_step(toy_claims):
    toy_claims({"toy.first": 2, "toy.second": 2})
    refs = index()
    serial = {c.id: _fingerprint(c.theory) for c in load_for_run(refs, jobs=1)}
    claims = [ref.load() for ref in refs]
    for claim in claims:
        vars(claim).pop("theory", None)  # forget the parent's build: the workers must supply it
    build_derivations(claims, jobs=2)
    assert all("theory" in vars(c) for c in claims)  # installed from the workers, not rebuilt lazily
    assert {c.id: _fingerprint(c.theory) for c in claims} == serial


def test_a_derivation_that_does_not_survive_pickling_is_built_by_the_parent():
    """sgd.noise-scale has an Eq built for display that SymPy re-evaluates on unpickling:
    the worker's copy is dropped (fingerprint differs) and the parent's build is used."""
    refs = {r.id: r for r in index(claims_root())}
    claim, other = refs["sgd.noise-scale"].load(), refs["sgd.unbiased"].load()
    vars(claim).pop("theory", None)
    expected = _fingerprint(claim.derivation())
    assert _fingerprint(pickle.loads(pickle.dumps(claim.derivation()))) != expected  # the hazard is real
    build_derivations([claim, other], jobs=2)
    assert "theory" not in vars(claim)  # not installed from the worker ...
    assert _fingerprint(claim.theory) == expected  # ... so the parent builds the faithful one


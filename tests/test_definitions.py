"""Malformed claims are refused with one line naming the file and the field."""

import textwrap

import pytest

from convergence.discovery import discover, select
from convergence.errors import ClaimDefinitionError, UnknownClaimError

GOOD = '''
import numpy as np
from convergence import Claim, Measurement, Mutant, Params, Source, Tight, Verdict
from theory.gd import quadratic_stability
from theory.symbols import lam

def experiment(params, rng):
    lam_v = np.array([1.0, 2.0])
    return Measurement(values=2 / lam_v, inputs={{"lam": lam_v}})

CLAIM = Claim(
    id="toy.claim", title="t", statement="s", source=Source("seed 004"),
    derivation=quadratic_stability, experiment=experiment,
    params=Params(symbols={symbols}, quick={{}}, full={{}}),
    {comparison}
    {expected}
    mutants=(Mutant("m", 1 / lam),),
)
'''


def write_claims(tmp_path, **overrides):
    root = tmp_path / "toyclaims"
    (root / "toy").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "toy" / "__init__.py").write_text("")
    fields = {"symbols": '{"lam": "lambda"}', "comparison": "comparison=Tight(rtol=1e-9),",
              "expected": "expected=Verdict.CONFIRMED,"}
    fields.update(overrides)
    (root / "toy" / "claim.py").write_text(textwrap.dedent(GOOD.format(**fields)))
    return root


@pytest.fixture
def claims_root(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    import sys
    for name in [n for n in sys.modules if n.startswith("toyclaims")]:
        del sys.modules[name]


def test_good_toy_claim_loads(claims_root):
    claims = discover(write_claims(claims_root))
    assert [c.id for c in claims] == ["toy.claim"]


@pytest.mark.parametrize("override,field", [
    ({"comparison": "comparison=Tight(),"}, "tolerance"),
    ({"comparison": ""}, "tolerance"),
    ({"expected": ""}, "expected"),
    ({"symbols": '{"lam": "lambda", "x": "nu"}'}, "params.symbols"),
    ({"symbols": "{}"}, "params.symbols"),
])
def test_malformed_claim_names_file_and_field(claims_root, override, field):
    with pytest.raises(ClaimDefinitionError) as info:
        select(discover(write_claims(claims_root, **override)), [])
    message = str(info.value)
    assert "toyclaims/toy/claim.py" in message and f"field '{field}'" in message
    assert "\n" not in message


def test_unknown_pattern_is_an_error():
    with pytest.raises(UnknownClaimError):
        select(discover(), ["no.such-claim"])


def test_patterns_select_by_glob():
    ids = [c.id for c in select(discover(), ["gd.*"])]
    assert ids and all(i.startswith("gd.") for i in ids)


def test_the_registry_has_the_foundation_claims():
    ids = {c.id for c in discover()}
    assert {"gd.quadratic-stability", "gd.quadratic-rate", "gd.descent-lemma", "momentum.amplification",
            "momentum.ema-no-amplification", "momentum.ema-amplifies-seed", "momentum.stability-region"} <= ids

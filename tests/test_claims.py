"""Every claim in claims/ runs as a pytest item (quick profile).

A claim passes when its verdict equals its expected verdict and every mutant
is refuted: the same rule as ``convergence verify``.
"""

import pytest

from convergence.discovery import check_claim_theory, discover
from convergence.runner import RunOptions, run_claim
from convergence.seeds import DEFAULT_SEED

CLAIMS = discover()


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_claim_reaches_expected_verdict(claim):
    check_claim_theory(claim)  # the symbol map fits the derivation
    record = run_claim(claim, RunOptions(profile="quick", seed=DEFAULT_SEED))
    assert record["verdict"] == record["expected"], f"{record['summary']}\n{record.get('error', '')}"
    survivors = [m["description"] for m in record["mutants"] if not m["killed"]]
    assert not survivors, f"mutants survived: {survivors}"

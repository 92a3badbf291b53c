"""A walk over every claim's derivation: every step says how it is justified, and the checkable ones ran a check.

Builds every derivation once (the checks run while it is built), so a step
whose identity or inequality fails would already refuse its claim here.
"""

import re
from functools import cache

import pytest

from convergence.discovery import discover
from theory.derivation import CHECKED_KINDS, CITED, COMPUTED, KINDS, SAMPLE_POINTS

CLAIMS = discover()
MAX_CITED_SHARE = 0.10

@cache
def _theory(claim_id):
    return next(c for c in CLAIMS if c.id == claim_id).theory


@pytest.mark.parametrize("claim_id", [c.id for c in CLAIMS])
def test_every_step_is_justified_and_checked(claim_id):
    derivation = _theory(claim_id)
    for step in derivation.steps:
        where = f"{claim_id}, step {step.label!r}"
        assert step.kind in KINDS, f"{where}: kind {step.kind!r} (not converted to a checked derivation)"
        if step.kind in CHECKED_KINDS:
            assert step.check is not None, f"{where}: {step.kind} step ran no check"
            assert step.check.method in ("computed", "symbolic", "sampled"), where
        if step.kind == COMPUTED:
            assert step.uses and step.how, f"{where}: a computed step names the steps it used and how"
        if step.check is not None and step.check.method == "sampled":
            assert step.check.points >= SAMPLE_POINTS and step.check.worst_slack is not None, where
        if step.kind == CITED:
            assert step.reference.strip(), f"{where}: a cited step needs a reference"
    result_steps = [s for s in derivation.steps if s.label == derivation.result_label]
    assert result_steps, f"{claim_id}: the result is not one of the steps"
    assert result_steps[-1].kind in (COMPUTED, "identity")
    assert result_steps[-1].value == derivation.result


def test_cited_steps_are_at_most_a_tenth_of_the_catalogue():
    steps = [s for c in CLAIMS for s in _theory(c.id).steps]
    cited = [s for s in steps if s.kind == CITED]
    assert len(cited) <= MAX_CITED_SHARE * len(steps), f"{len(cited)} of {len(steps)} steps are cited"


def test_cited_steps_cite_the_literature_not_the_project():
    """A cited step is external: its reference names a publication (with a year), never this project's own code.

    A result the project derives itself is included (``DerivationBuilder.include``) and used by computed or
    identity steps, so it stays checked; citing it would hide it from the checks.
    """
    ids = {c.id for c in CLAIMS}
    for claim in CLAIMS:
        for step in _theory(claim.id).steps:
            if step.kind != CITED:
                continue
            where = f"{claim.id}, step {step.label!r}: {step.reference!r}"
            assert re.search(r"\b(1[89]|20)\d\d\b", step.reference), f"{where} has no publication year"
            assert not re.search(r"theory/|claims/|\.py\b", step.reference), f"{where} points into the project"
            assert not any(cid in step.reference for cid in ids), f"{where} cites a claim of this suite"

"""Build the selected claims' derivations side by side before any claim runs.

Why: building a derivation (SymPy solve, simplify, and every identity and
inequality check of theory/derivation.py) is the slow part of loading a claim,
about a third of a quick run of the catalogue. It is pure CPU work per claim,
so with ``--jobs N`` it is spread over N forked workers (``workers.run_tasks``,
one process per claim). Each worker builds its claim's derivation, checks it
exactly as a serial load does (``discovery.check_claim_theory``) and sends the
built ``Derivation`` back (pickled); the parent keeps it as the claim's
``theory``, so the experiments, forked later, inherit it as before.

A refusal (a failing identity, inequality or symbol map) comes back as the same
``ClaimDefinitionError`` a serial load raises. A build that outlives ``timeout``
(SymPy lost in a simplification) is killed and refused the same way, with one
line naming the claim, where a serial load would hang; so even ``--jobs 1``
builds in a worker when a timeout is given. Unpickling is not always faithful
for SymPy: a relation built unevaluated is re-evaluated when it is unpickled
(an ``Eq`` typed for display can come back as ``False``). So the worker also
sends the ``srepr`` of every step and of the result, and the parent keeps the
copy only if its own ``srepr`` is the same. A worker that crashes, a derivation
that cannot be pickled, or one that does not survive the trip changes nothing:
the parent builds that claim itself, so the outcome never depends on the number
of jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from .claim import Claim
from .errors import ClaimDefinitionError
from .workers import Task, WorkerFailure, run_tasks

# A worker answers (_BUILT, derivation, fingerprint) or (_REFUSED, field, message).
_BUILT, _REFUSED = "built", "refused"


def build_derivations(claims: Sequence[Claim], jobs: int, timeout: float | None = None) -> None:
    """Build and check every claim's derivation, ``jobs`` at a time; raise the first refusal (file order)."""
    todo = [c for c in claims if "theory" not in vars(c)]  # cached_property: built ones live in __dict__
    if timeout is None and (jobs <= 1 or len(todo) <= 1):
        return  # the parent builds them as it checks each claim
    outcomes: dict[str, Any] = {}
    tasks = [Task(claim.id, _builder(claim)) for claim in todo]
    for task, outcome in run_tasks(tasks, jobs=max(1, jobs), timeout=timeout):
        outcomes[task.key] = outcome
    for claim in todo:
        outcome = outcomes.get(claim.id)
        if isinstance(outcome, WorkerFailure) and outcome.timed_out:
            raise ClaimDefinitionError("derivation", f"was not built within {timeout:g} s (--timeout)", claim.path)
        tag, *answer = outcome if isinstance(outcome, tuple) else (None,)
        if tag == _REFUSED:
            field, message = answer
            raise ClaimDefinitionError(field, message, claim.path)
        if tag == _BUILT and _fingerprint(answer[0]) == answer[1]:
            vars(claim)["theory"] = answer[0]  # what ``Claim.theory`` would have computed and cached
        # anything else (a worker that died, an unpicklable or altered copy): Claim.theory builds it here


def _fingerprint(derivation: Any) -> tuple[str, ...]:
    """Every step's expression and the result, exactly (assumptions on symbols included)."""
    return (*(sp.srepr(step.expr) for step in derivation.steps), sp.srepr(derivation.result))


def _builder(claim: Claim):
    def build() -> Any:
        from .discovery import check_claim_theory

        try:
            check_claim_theory(claim)
        except ClaimDefinitionError as exc:  # sent as plain data: the exception's own pickling loses fields
            return (_REFUSED, exc.field, exc.message)
        return (_BUILT, claim.theory, _fingerprint(claim.theory))

    return build

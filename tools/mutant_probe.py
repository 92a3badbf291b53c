"""Probe run inside a mutated copy: build the named claims' derivations, print what is displayed and compared.

Prints one JSON object: claim id -> {"refused": message} or {"display": digest, "compared": digest}, where
``display`` covers every typeset form of the derivation (steps, checks, result) and ``compared`` the
expressions the experiment is judged against (the result and every mutant).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import sympy as sp


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def probe(claim_ids: list[str]) -> dict[str, dict[str, str]]:
    from convergence.discovery import CLAIMS_ROOT, check_claim_theory, claim_files, load_claim_file
    from convergence.runner import describe_theory

    wanted = set(claim_ids)
    out: dict[str, dict[str, str]] = {}
    for path in claim_files(CLAIMS_ROOT):
        shown = path.relative_to(CLAIMS_ROOT).with_suffix("").as_posix()
        try:
            claim = load_claim_file(path)
        except Exception as exc:  # an import-time failure refuses every claim of the file
            for claim_id in wanted:
                if claim_id.split(".")[0] == shown.split("/")[0]:
                    out.setdefault(claim_id, {"refused": f"{type(exc).__name__}: {exc}"})
            continue
        if claim.id not in wanted:
            continue
        try:
            check_claim_theory(claim)
            theory = describe_theory(claim)
            result = claim.theory.result
            compared = [sp.srepr(result)] + [sp.srepr(m.resolve(result)) for m in claim.mutants]
        except Exception as exc:
            out[claim.id] = {"refused": f"{type(exc).__name__}: {exc}"}
            continue
        out[claim.id] = {"display": _digest(theory), "compared": _digest(compared)}
    for claim_id in wanted - set(out):
        out[claim_id] = {"refused": "claim not found"}
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path.cwd()))
    print(json.dumps(probe(sys.argv[1:])))

"""``verify --set NAME=VALUE``: try a parameter without editing the claim file.

An override replaces the parameter ``NAME`` of every selected claim that has
it in the chosen profile; a name that no selected claim has is an error (a
typo must not silently run the standard parameters). Values are read as JSON
(``3``, ``1e-3``, ``true``, ``[1, 2]``) and otherwise taken as a string.

Such a run is exploration, not verification: its records carry the overrides,
results.json says ``"standard": false`` and the report's title page says so, and
the cache neither serves nor stores them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .claim import Claim
from .errors import SuiteError


def parse(assignments: Iterable[str]) -> dict[str, Any]:
    """``["T=100", "eta=0.5"]`` -> ``{"T": 100, "eta": 0.5}``."""
    overrides: dict[str, Any] = {}
    for item in assignments:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise SuiteError(f"--set expects NAME=VALUE, got {item!r}")
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        overrides[name] = value
    return overrides


def check(overrides: Mapping[str, Any], claims: Sequence[Claim], profile: str) -> None:
    """Every overridden name is a parameter of at least one selected claim."""
    known = {name for claim in claims for name in claim.params.for_profile(profile)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise SuiteError(f"--set {unknown[0]}: no selected claim has a parameter {unknown[0]!r}"
                         f" in the {profile} profile")


def apply(params: dict[str, Any], overrides: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parameters with the applicable overrides, and those overrides (empty when none applies)."""
    applied = {k: v for k, v in overrides.items() if k in params}
    return {**params, **applied}, applied


def mark(results: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Say in results.json whether the run used the claims' own parameters."""
    results["standard"] = not overrides
    if overrides:
        results["overrides"] = dict(overrides)
    return results

"""The claim record: statement, source, derivation, experiment, comparison.

A claim file in ``claims/`` defines one module-level ``CLAIM = Claim(...)``.
Every field is validated when the record is built, so a malformed claim is
refused at discovery with one line naming the file and the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sympy as sp

from certificates.spec import Certificate
from theory.derivation import Derivation, DerivationCheckError

from .comparisons import Comparison
from .errors import ClaimDefinitionError
from .measurement import Measurement
from .models import Model, mismatch
from .verdicts import Verdict
from .vocabulary import ID_PATTERN, PROFILES

_MISSING: Any = object()


@dataclass(frozen=True)
class Source:
    """Where the statement comes from: a seed file and a short quote, or a reference."""

    where: str
    quote: str = ""


@dataclass(frozen=True)
class Params:
    """Experiment parameters per profile, and how they map onto theory symbols.

    Args:
        symbols: measurement input name -> theory symbol name. Every theory
            symbol must be named here, and every name must exist in the
            derivation (checked when the claim is built).
        quick: parameters for the quick profile (small sizes, CI).
        full: parameters for the full profile (same code path, larger sizes).
    """

    symbols: Mapping[str, str] = _MISSING
    quick: Mapping[str, Any] = _MISSING
    full: Mapping[str, Any] = _MISSING

    def __post_init__(self) -> None:
        for name in ("symbols", "quick", "full"):
            value = getattr(self, name)
            if value is _MISSING or not isinstance(value, Mapping):
                raise ClaimDefinitionError(f"params.{name}", "must be given as a mapping")

    def for_profile(self, profile: str) -> dict[str, Any]:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}")
        return dict(getattr(self, profile))


@dataclass(frozen=True)
class Mutant:
    """A plausible wrong theory the experiment must refute.

    ``expression`` is a SymPy expression over the claim's symbols, or a
    callable taking the true result and returning the mutated one.
    """

    description: str
    expression: Any

    def resolve(self, result: sp.Expr) -> sp.Expr:
        expr = self.expression(result) if callable(self.expression) else self.expression
        return sp.sympify(expr)


@dataclass(frozen=True)
class Claim:
    """One verifiable statement, read top to bottom like a short paper."""

    id: str = _MISSING
    title: str = _MISSING
    statement: str = _MISSING
    source: Source = _MISSING
    derivation: Callable[[], Derivation] = _MISSING
    experiment: Callable[[dict, Any], Measurement] = _MISSING
    params: Params = _MISSING
    comparison: Comparison = _MISSING
    expected: Verdict = _MISSING
    mutants: tuple[Mutant, ...] = _MISSING
    references: tuple[str, ...] = ()
    corrects: str | None = None  # for a seed statement: the id of the corrected claim
    notes: str = ""
    certificate: Certificate | None = None  # optional third leg: a PEP worst-case certificate (certificates/)
    models: tuple[Model, ...] = ()  # the experiment's code for typeset definitions, checked at load (models.py)
    path: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        for name in ("id", "title", "statement", "source", "derivation", "experiment",
                     "params", "comparison", "expected", "mutants"):
            if getattr(self, name) is _MISSING:
                field_name = "tolerance" if name == "comparison" else name
                raise ClaimDefinitionError(field_name, "is missing")
        if not isinstance(self.id, str) or not ID_PATTERN.match(self.id):
            raise ClaimDefinitionError("id", f"{self.id!r} is not of the form family.name")
        for name in ("title", "statement"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                raise ClaimDefinitionError(name, "must be a non-empty string")
        if not isinstance(self.source, Source):
            raise ClaimDefinitionError("source", "must be a Source(where, quote)")
        if not callable(self.derivation):
            raise ClaimDefinitionError("derivation", "must be a function returning a Derivation")
        if not callable(self.experiment):
            raise ClaimDefinitionError("experiment", "must be a function (params, rng) -> Measurement")
        if not isinstance(self.params, Params):
            raise ClaimDefinitionError("params", "must be a Params(symbols, quick, full)")
        if not isinstance(self.comparison, Comparison):
            raise ClaimDefinitionError("tolerance", "comparison must be one of the comparison kinds")
        try:
            object.__setattr__(self, "expected", Verdict(self.expected))
        except ValueError:
            raise ClaimDefinitionError("expected", f"{self.expected!r} is not a verdict") from None
        if self.expected not in (Verdict.CONFIRMED, Verdict.REFUTED):
            raise ClaimDefinitionError("expected", "must be CONFIRMED or REFUTED")
        mutants = tuple(self.mutants) if isinstance(self.mutants, (list, tuple)) else ()
        if not mutants or not all(isinstance(m, Mutant) for m in mutants):
            raise ClaimDefinitionError("mutants", "at least one Mutant(description, expression) is required")
        object.__setattr__(self, "mutants", mutants)
        if self.certificate is not None and not isinstance(self.certificate, Certificate):
            raise ClaimDefinitionError("certificate", "must be a certificates.Certificate or None")
        models = tuple(self.models) if isinstance(self.models, (list, tuple)) else None
        if models is None or not all(isinstance(m, Model) for m in models):
            raise ClaimDefinitionError("models", "must be a tuple of Model(step, numeric, ranges)")
        object.__setattr__(self, "models", models)

    def check_theory(self) -> None:
        """Build the derivation, check the symbol map against it and the models against their steps.

        Kept out of ``__post_init__`` because building a derivation runs SymPy
        (solve, summation, simplify), which is the slow part of loading a claim:
        discovery checks the claims a command selects, not every file.
        """
        self._check_symbols()
        for model in self.models:
            try:
                problem = mismatch(self.theory, model)
            except Exception as exc:  # e.g. a step SymPy cannot evaluate at the points
                problem = f"model of step {model.step!r} could not be checked: {type(exc).__name__}: {exc}"
            if problem is not None:
                raise ClaimDefinitionError("models", problem)

    def _check_symbols(self) -> None:
        """Mapped symbols exist in the derivation; the result's and mutants' symbols are all mapped."""
        try:
            derivation = self.theory
        except ClaimDefinitionError:
            raise
        except DerivationCheckError as exc:  # a step whose check failed: name the step and the residual
            raise ClaimDefinitionError("derivation", f"{exc}") from None
        except Exception as exc:  # a derivation that cannot be built is a malformed claim
            raise ClaimDefinitionError("derivation", f"raised {type(exc).__name__}: {exc}") from None
        known = set(derivation.symbols)
        mapped = set(self.params.symbols.values())
        unknown = sorted(mapped - known)
        if unknown:
            raise ClaimDefinitionError(
                "params.symbols",
                f"names symbol(s) {unknown} that the derivation does not have (it has {sorted(known)})",
            )
        unmapped = sorted(derivation.result_symbols - mapped)
        if unmapped:
            raise ClaimDefinitionError("params.symbols", f"theory symbol(s) {unmapped} are not mapped to any input")
        for mutant in self.mutants:
            extra = {s.name for s in mutant.resolve(derivation.result).free_symbols} - mapped
            if extra:
                raise ClaimDefinitionError(
                    "mutants", f"mutant {mutant.description!r} uses unmapped symbol(s) {sorted(extra)}")

    @cached_property
    def theory(self) -> Derivation:
        derivation = self.derivation()
        if not isinstance(derivation, Derivation):
            raise ClaimDefinitionError("derivation", "did not return a Derivation")
        return derivation

    @property
    def kind(self) -> str:
        return self.comparison.kind

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]

"""``convergence new FAMILY.NAME --kind KIND``: a claim file to fill in.

The template has every field of a claim, each marked ``TODO``, the tolerance
argument to be written in the docstring and one mutant slot. The file loads
(``convergence list`` shows it) so the author sees it in place at once, but
``verify`` refuses it with one line naming the first ``TODO`` until every one
is replaced: a half-written claim must never produce a verdict.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .errors import SuiteError
from .vocabulary import ID_PATTERN

MARKER = "TODO"

# The comparison each kind starts from: the numbers are placeholders the author must argue.
COMPARISONS = {
    "exact": ("Exact", "Exact(rtol=1e-12)"),
    "tight": ("Tight", "Tight(rtol=1e-9)"),
    "upper": ("Upper", "Upper(rtol=1e-9)"),
    "lower": ("Lower", "Lower(rtol=1e-9)"),
    "exponent": ("Exponent", "Exponent(alpha=CLAIM_ALPHA, alternative=-1.0)"),
    "stochastic": ("Stochastic", "Stochastic(alpha=CLAIM_ALPHA, resolution=0.05)"),
}
KINDS = tuple(COMPARISONS)

TEMPLATE = '''"""{claim_id} — TODO: the statement in one line.

Experiment: TODO: what is measured, on which problems, how many instances.

Tolerance: TODO: argue the tolerance of the comparison below (floating-point error
of the computation, finite horizon T, confidence level), as a number per source.
Mutants: TODO: why the measurement refutes each mutant.
"""

import sympy as sp

from convergence import {comparison_class}, Claim, Measurement, Mutant, Params, Source, Verdict
{extra_import}from theory.derivation import DerivationBuilder

# TODO: the theory's symbols (or import them from theory/<family>.py when several claims share them).
x = sp.Symbol("x", positive=True)


def derivation():
    """TODO: derive the theoretical quantity step by step (each step is typeset in the report).

    Steps: d.definition / d.assumption (the model, not checked), d.computed (produced by SymPy
    from earlier steps: say how), d.identity / d.inequality (checked when the claim loads),
    d.cited (with its reference). The last computed or identity step is the result.
    """
    d = DerivationBuilder()
    model = d.definition("TODO: the model", sp.Eq(sp.Symbol("q"), 2 * x), "TODO: what it defines")
    d.computed("TODO: a step computed from the model", sp.Eq(sp.Symbol("q"), sp.expand(model.rhs)), uses=[model],
               how="TODO: the SymPy operation", justification="TODO: why the step holds")
    return d.finish("TODO: assumptions in words")


def experiment(params, rng):
    """TODO: measure with empirics/ only (vectorised NumPy, batched over instances).

    Return Measurement(values=..., inputs={{"x": ...}}, figure=...): the measured values and,
    per theory symbol, the inputs at which they were measured.
    """
    raise NotImplementedError("TODO: write the experiment")


CLAIM = Claim(
    id="{claim_id}",
    title="TODO: a short title",
    statement="TODO: the precise statement that is verified, with its assumptions.",
    source=Source("TODO: where the statement comes from", "TODO: the quoted sentence"),
    references=(),  # TODO: textbook or paper references, or leave empty
    derivation=derivation,
    experiment=experiment,
    params=Params(
        symbols={{"x": "x"}},  # TODO: measurement input name -> theory symbol name
        quick={{}},  # TODO: small sizes (CI)
        full={{}},  # TODO: the sizes of the full run
    ),
    comparison={comparison},  # TODO: the tolerance argued in the docstring
    expected=Verdict.CONFIRMED,  # TODO: REFUTED for a wrong statement from a source text (and set corrects=)
    mutants=(
        Mutant("TODO: a plausible wrong theory", lambda result: 2 * result),
    ),
    # Optional: the experiment's code for a definition, checked against the typeset step at load, e.g.
    # models=(Model("TODO: the model", lambda x: 2 * x, ranges={{"x": (0.1, 10)}}),),
)
'''


def claim_path(claim_id: str, root: Path) -> Path:
    """``family.some-name`` -> ``root/family/some_name.py`` (the catalogue's file naming)."""
    family, name = claim_id.split(".", 1)
    return root / family / (name.replace("-", "_").replace(".", "_") + ".py")


def render(claim_id: str, kind: str) -> str:
    comparison_class, comparison = COMPARISONS[kind]
    extra = "from empirics.statistics import CLAIM_ALPHA\n" if "CLAIM_ALPHA" in comparison else ""
    return TEMPLATE.format(claim_id=claim_id, comparison_class=comparison_class, comparison=comparison,
                           extra_import=extra)


def create(claim_id: str, kind: str, root: Path) -> Path:
    """Write the template for ``claim_id``; never overwrites an existing file."""
    if not ID_PATTERN.match(claim_id):
        raise SuiteError(f"claim id {claim_id!r} is not of the form family.name (lower case, digits, '-')")
    if kind not in COMPARISONS:
        raise SuiteError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    path = claim_path(claim_id, root)
    if path.exists():
        raise SuiteError(f"{path} exists; not overwriting it")
    path.parent.mkdir(parents=True, exist_ok=True)
    package = path.parent / "__init__.py"
    if not package.exists():
        package.write_text(f'"""Claims of the {claim_id.split(".")[0]} family."""\n', encoding="utf-8")
    with path.open("x", encoding="utf-8") as handle:  # "x": fails rather than overwrite a file made meanwhile
        handle.write(render(claim_id, kind))
    return path


def first_todo(path: Path) -> tuple[int, str] | None:
    """Line number and text of the first line that still holds the marker, if any."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number, line in enumerate(lines, start=1):
        if MARKER in line:
            return number, line.strip().strip("#\"' ")
    return None


def refuse_unfinished(path: Path, shown: str) -> None:
    """Raise a one-line error naming the first TODO left in the claim file."""
    found = first_todo(path)
    if found is not None:
        number, line = found
        raise SuiteError(f"{shown}:{number}: unfinished claim, first {MARKER}: {line[:90]!r}"
                         f" (replace every {MARKER} before verifying)")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("new", help="write claims/FAMILY/NAME.py from a template to fill in")
    p.add_argument("claim_id", metavar="FAMILY.NAME", help="the new claim's id, e.g. gd.my-claim")
    p.add_argument("--kind", required=True, choices=KINDS, help="the comparison kind")


def command(args: argparse.Namespace) -> int:
    from .discovery import claims_root

    path = create(args.claim_id, args.kind, claims_root())
    print(f"wrote {path}")
    print(f"fill in every {MARKER}, then: convergence show {args.claim_id}; convergence verify {args.claim_id}"
          " --profile quick")
    return 0

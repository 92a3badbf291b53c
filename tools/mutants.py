"""Mutation testing of theory/: does a single wrong number, operator or sign get noticed?

Each mutant changes one point of one derivation module in theory/ (a number
n -> n + 1, + <-> -, * <-> /, ** -> *, a unary minus dropped), in a copy of
the repository. The claims that import the module (directly or through
another theory module) are then loaded and, when what they compare changed,
run in the quick profile. A mutant is

* killed: a claim was refused (a failed identity/inequality check, an
  exception while building) or a verdict or mutant verdict changed;
* displayed-only: a typeset step or the result changed and nothing failed
  (the report would show a wrong derivation as proof);
* equivalent: nothing displayed or compared changed.

theory/derivation.py (the checker) and theory/typst_printer.py (the printer)
are not mutated: they are not derivations.

    python -m tools.mutants --sample 60 --seed 0 [--module gd] [--list]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from convergence.runner import DEFAULT_TIMEOUTS

ROOT = Path(__file__).resolve().parents[1]
NOT_DERIVATIONS = {"__init__.py", "derivation.py", "typst_printer.py"}
# Loading a family's claims takes seconds. A mutant whose claims have not loaded within the quick
# profile's per-claim timeout is stuck in SymPy, and verify would refuse it past that timeout too.
PROBE_TIMEOUT_S = DEFAULT_TIMEOUTS["quick"]
SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult}
SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


@dataclass(frozen=True)
class Mutant:
    module: str  # theory module name, e.g. "gd"
    index: int  # position of the node in ast.walk order
    line: int
    description: str

    def __str__(self) -> str:
        return f"theory/{self.module}.py:{self.line}: {self.description}"


def _docstring_nodes(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _mutation(node: ast.AST) -> str | None:
    """A description of the mutation at ``node``, or None if it is not a mutation point."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return f"{node.value!r} -> {_bumped(node.value)!r}"
    if isinstance(node, ast.BinOp) and type(node.op) in SWAPS:
        return f"'{SYMBOLS[type(node.op)]}' -> '{SYMBOLS[SWAPS[type(node.op)]]}'"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return "unary minus dropped"
    return None


def _bumped(value: int | float) -> int | float:
    return value + 1 if isinstance(value, int) else (value * 2 if value else 1.0)


def mutants(module: str) -> list[Mutant]:
    source = (ROOT / "theory" / f"{module}.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstrings = _docstring_nodes(tree)
    found = []
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in docstrings:
            continue
        description = _mutation(node)
        if description:
            found.append(Mutant(module, index, getattr(node, "lineno", 0), description))
    return found


def mutated_source(mutant: Mutant) -> str:
    tree = ast.parse((ROOT / "theory" / f"{mutant.module}.py").read_text(encoding="utf-8"))
    node = list(ast.walk(tree))[mutant.index]
    if isinstance(node, ast.Constant):
        node.value = _bumped(node.value)
    elif isinstance(node, ast.BinOp):
        node.op = SWAPS[type(node.op)]()
    else:
        node.op = ast.UAdd()
    return ast.unparse(tree)


def _imports(path: Path) -> set[str]:
    """Theory modules a file imports (``from theory.x``, ``from .x``, ``import theory.x``)."""
    pattern = r"from theory\.(\w+) import|from \.(\w+) import|import theory\.(\w+)"
    return {name for match in re.findall(pattern, path.read_text(encoding="utf-8")) for name in match if name}


def affected_claims(module: str, claim_ids_by_file: dict[Path, str]) -> list[str]:
    """Claims importing ``module``, directly or through other theory modules."""
    theory = {p.stem: _imports(p) for p in (ROOT / "theory").glob("*.py")}
    reach = {module}
    changed = True
    while changed:
        changed = False
        for name, deps in theory.items():
            if name not in reach and deps & reach:
                reach.add(name)
                changed = True
    return sorted(cid for path, cid in claim_ids_by_file.items() if _imports(path) & reach)


def _claim_ids() -> dict[Path, str]:
    out = {}
    for path in sorted((ROOT / "claims").rglob("*.py")):
        if path.name.startswith("_"):
            continue
        match = re.search(r'^\s*id="([^"]+)"', path.read_text(encoding="utf-8"), re.M)
        if match:
            out[path] = match.group(1)
    return out


class Sandbox:
    """A copy of the repository in which one theory file at a time is replaced."""

    def __init__(self, directory: Path):
        self.root = directory / "repo"
        shutil.copytree(ROOT, self.root, ignore=shutil.ignore_patterns(".git", "out", "__pycache__", ".nox", "*.pyc"))
        self.env = {**os.environ, "PYTHONPATH": str(self.root), "PYTHONDONTWRITEBYTECODE": "1"}

    def write(self, module: str, source: str) -> None:
        (self.root / "theory" / f"{module}.py").write_text(source, encoding="utf-8")

    def restore(self, module: str) -> None:
        shutil.copy2(ROOT / "theory" / f"{module}.py", self.root / "theory" / f"{module}.py")

    def probe(self, claim_ids: list[str]) -> dict[str, dict[str, str]]:
        try:
            done = subprocess.run([sys.executable, "-m", "tools.mutant_probe", *claim_ids], cwd=self.root,
                                  env=self.env, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
        except subprocess.TimeoutExpired:  # e.g. SymPy lost in a mutated simplify: verify would refuse it too
            why = f"the claims did not load within {PROBE_TIMEOUT_S} s (verify refuses a derivation past its timeout)"
            return {cid: {"refused": why} for cid in claim_ids}
        if done.returncode != 0:
            return {cid: {"refused": (done.stderr.strip().splitlines() or ["probe failed"])[-1]} for cid in claim_ids}
        return json.loads(done.stdout)

    def verify(self, claim_ids: list[str], out: Path) -> tuple[int, dict[str, tuple]]:
        done = subprocess.run([sys.executable, "-m", "convergence", "verify", *claim_ids, "--profile", "quick",
                               "--jobs", "1", "--out", str(out)], cwd=self.root, env=self.env,
                              capture_output=True, text=True, timeout=3600)
        verdicts = {}
        results = out / "results.json"
        if done.returncode != 2 and results.exists():
            for record in json.loads(results.read_text(encoding="utf-8"))["claims"]:
                verdicts[record["id"]] = (record["verdict"], tuple(m["verdict"] for m in record["mutants"]))
            results.unlink()
        return done.returncode, verdicts


def classify(sandbox: Sandbox, mutant: Mutant, claims: list[str], baseline: dict, baseline_verdicts: dict,
             scratch: Path) -> tuple[str, str]:
    """(class, why) for one mutant."""
    if not claims:
        return "equivalent", "no claim imports the module"
    sandbox.write(mutant.module, mutated_source(mutant))
    try:
        probed = sandbox.probe(claims)
        refused = [cid for cid in claims if "refused" in probed.get(cid, {"refused": "missing"})]
        if refused:
            return "killed", f"refused: {refused[0]}: {probed[refused[0]].get('refused', '')[:160]}"
        compared = [cid for cid in claims if probed[cid]["compared"] != baseline[cid]["compared"]]
        displayed = [cid for cid in claims if probed[cid]["display"] != baseline[cid]["display"]]
        if compared:
            for cid in compared:
                if cid not in baseline_verdicts:
                    sandbox.restore(mutant.module)
                    baseline_verdicts.update(sandbox.verify([cid], scratch)[1])
                    sandbox.write(mutant.module, mutated_source(mutant))
            code, verdicts = sandbox.verify(compared, scratch)
            if code == 2:
                return "killed", "refused by verify"
            changed = [cid for cid in compared if verdicts.get(cid) != baseline_verdicts.get(cid)]
            if changed:
                first = changed[0]
                return "killed", f"verdict changed: {first} {baseline_verdicts.get(first)} -> {verdicts.get(first)}"
            return "displayed-only", f"result or mutant of {compared[0]} changed, every verdict the same"
        if displayed:
            return "displayed-only", f"typeset derivation of {displayed[0]} changed"
        return "equivalent", "nothing displayed or compared changed"
    finally:
        sandbox.restore(mutant.module)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=60, help="number of random mutants (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    parser.add_argument("--module", action="append", help="only these theory modules (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the mutation points and exit")
    args = parser.parse_args(argv)
    modules = sorted(p.stem for p in (ROOT / "theory").glob("*.py") if p.name not in NOT_DERIVATIONS)
    if args.module:
        unknown = sorted(set(args.module) - set(modules))
        if unknown:
            print(f"error: unknown theory module(s) {unknown}", file=sys.stderr)
            return 2
        modules = args.module
    points = [m for module in modules for m in mutants(module)]
    if args.list:
        for m in points:
            print(m)
        print(f"{len(points)} mutation points in {len(modules)} modules")
        return 0
    chosen = sorted(random.Random(args.seed).sample(points, min(args.sample, len(points))),
                    key=lambda m: (m.module, m.line, m.index))
    ids = _claim_ids()
    claims = {module: affected_claims(module, ids) for module in {m.module for m in chosen}}
    results: dict[str, list[tuple[Mutant, str]]] = {"killed": [], "displayed-only": [], "equivalent": []}
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        sandbox = Sandbox(Path(tmp))
        scratch = Path(tmp) / "out"
        every = sorted({cid for cs in claims.values() for cid in cs})
        baseline = sandbox.probe(every)
        broken = [cid for cid in every if "refused" in baseline[cid]]
        if broken:
            print(f"error: unmutated claims refused: {broken}", file=sys.stderr)
            return 2
        baseline_verdicts: dict = {}
        for number, mutant in enumerate(chosen, start=1):
            kind, why = classify(sandbox, mutant, claims[mutant.module], baseline, baseline_verdicts, scratch)
            results[kind].append((mutant, why))
            print(f"[{number}/{len(chosen)}] {kind:<14} {mutant}  ({why})", file=sys.stderr, flush=True)
    print(f"\n{len(chosen)} mutants of {len(points)} points (seed {args.seed}): "
          + ", ".join(f"{len(v)} {k}" for k, v in results.items()))
    if results["displayed-only"]:
        print("\nDisplayed-only mutants (a typeset step or result changed, nothing failed):")
        for mutant, why in results["displayed-only"]:
            print(f"  {mutant}  ({why})")
    return 1 if results["displayed-only"] else 0


if __name__ == "__main__":
    sys.exit(main())

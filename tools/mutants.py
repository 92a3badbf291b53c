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
    python -m tools.mutants --all [--verify] [--jobs N] [--module gd]

``--all`` classifies every mutation point instead of a sample, at the loading stage: each
mutant's claims are built in a forked worker with the mutated module replaced in memory
(killed, displayed-only, equivalent, or "result changed" when what the claims compare moved);
``--verify`` then runs the quick profile for the result-changing ones, as a sample does.
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from convergence.runner import DEFAULT_TIMEOUTS
from convergence.workers import Task, WorkerFailure, run_tasks

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


def loading_class(probed: dict, claims: list[str], baseline: dict) -> tuple[str, str, list[str]]:
    """(class, why, claims whose compared expressions changed) of a mutant from its claims' probe alone.

    The class is final except "result changed": only a quick-profile run can tell whether a verdict moved.
    """
    refused = [cid for cid in claims if "refused" in probed.get(cid, {"refused": "missing"})]
    if refused:
        return "killed", f"refused: {refused[0]}: {probed.get(refused[0], {}).get('refused', 'missing')[:160]}", []
    compared = [cid for cid in claims if probed[cid]["compared"] != baseline[cid]["compared"]]
    if compared:
        return "result changed", f"result or mutant of {compared[0]} changed", compared
    displayed = [cid for cid in claims if probed[cid]["display"] != baseline[cid]["display"]]
    if displayed:
        return "displayed-only", f"typeset derivation of {displayed[0]} changed", []
    return "equivalent", "nothing displayed or compared changed", []


def classify(sandbox: Sandbox, mutant: Mutant, claims: list[str], baseline: dict, baseline_verdicts: dict,
             scratch: Path) -> tuple[str, str]:
    """(class, why) for one mutant."""
    if not claims:
        return "equivalent", "no claim imports the module"
    sandbox.write(mutant.module, mutated_source(mutant))
    try:
        kind, why, compared = loading_class(sandbox.probe(claims), claims, baseline)
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
            return "displayed-only", f"{why}, every verdict the same"
        return kind, why
    finally:
        sandbox.restore(mutant.module)


def _probe_in_worker(mutant: Mutant | None, claims: list[str]) -> dict[str, dict[str, str]]:
    """In a forked worker: the claims' probe with ``mutant``'s module replaced in memory (None: unmutated).

    The worker forgets every claim and derivation module it inherited (the checker and the printer
    excepted), so the claims are built again: the mutated module from its mutated source, the rest
    from disk. Nothing is written; the parent's imports (SymPy, NumPy, SciPy) are inherited, which is
    what makes a pass over every point affordable.
    """
    from tools.mutant_probe import probe

    kept = {f"theory.{Path(name).stem}" for name in NOT_DERIVATIONS}
    for name in [n for n in sys.modules if n.startswith("claims.") or (n.startswith("theory.") and n not in kept)]:
        del sys.modules[name]
    if mutant is not None:
        name = f"theory.{mutant.module}"
        module = types.ModuleType(name)
        module.__file__, module.__package__ = str(ROOT / "theory" / f"{mutant.module}.py"), "theory"
        sys.modules[name] = module
        setattr(sys.modules["theory"], mutant.module, module)
        exec(compile(mutated_source(mutant), module.__file__, "exec"), module.__dict__)  # noqa: S102
    return probe(claims)


def loading_pass(points: list[Mutant], claims: dict[str, list[str]], jobs: int,
                 ) -> Iterator[tuple[Mutant, str, str]]:
    """(mutant, class, why) of every point at the loading stage, one forked worker per mutant.

    A worker that fails (the mutated module raises on import) or passes the probe timeout is a
    refusal, as it is for a sample (verify refuses a derivation that is not built within its timeout).
    """
    from tools.mutant_probe import probe

    every = sorted({cid for cs in claims.values() for cid in cs})
    # The baseline is built here, in the parent: every claim file loaded once, so each forked worker
    # inherits SciPy, the experiments' modules and SymPy's warm caches and rebuilds only theory/ and claims/.
    baseline = probe(every)
    refused = [cid for cid in every if "refused" in baseline[cid]]
    if refused:
        raise RuntimeError(f"the unmutated claims do not load: {refused}")
    tasks = {str(i): m for i, m in enumerate(points)}
    work = [Task(key, functools.partial(_probe_in_worker, m, claims[m.module])) for key, m in tasks.items()]
    for task, probed in run_tasks(work, jobs=jobs, timeout=PROBE_TIMEOUT_S):
        mutant = tasks[task.key]
        if isinstance(probed, WorkerFailure):
            yield mutant, "killed", f"refused: {probed.message[:160]}"
        else:
            yield mutant, *loading_class(probed, claims[mutant.module], baseline)[:2]


def _classified(chosen: list[Mutant], claims: dict[str, list[str]]) -> Iterator[tuple[Mutant, str, str]]:
    """(mutant, class, why) of each mutant, in a copy of the repository (quick-profile runs where needed)."""
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        sandbox = Sandbox(Path(tmp))
        scratch = Path(tmp) / "out"
        every = sorted({cid for m in chosen for cid in claims[m.module]})
        baseline = sandbox.probe(every)
        broken = [cid for cid in every if "refused" in baseline[cid]]
        if broken:
            raise RuntimeError(f"unmutated claims refused: {broken}")
        baseline_verdicts: dict = {}
        for mutant in chosen:
            yield mutant, *classify(sandbox, mutant, claims[mutant.module], baseline, baseline_verdicts, scratch)


def _report(results: dict[str, list[tuple[Mutant, str]]], headline: str) -> int:
    print(f"\n{headline}: " + ", ".join(f"{len(v)} {k}" for k, v in results.items()))
    for kind, title in (("displayed-only", "Displayed-only mutants (a typeset step or result changed, nothing failed)"),
                        ("result changed", "Result-changing mutants not classified (run with --verify)")):
        if results.get(kind):
            print(f"\n{title}:")
            for mutant, why in results[kind]:
                print(f"  {mutant}  ({why})")
    return 1 if results["displayed-only"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=60, help="number of random mutants (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    parser.add_argument("--module", action="append", help="only these theory modules (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the mutation points and exit")
    parser.add_argument("--all", action="store_true",
                        help="every mutation point instead of a sample, classified at the loading stage in forked "
                             "workers (an hour for the whole of theory/ on two cores)")
    parser.add_argument("--verify", action="store_true",
                        help="with --all: run the quick profile for the mutants that change a result, as a sample does")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="with --all: workers (default: cores)")
    args = parser.parse_args(argv)
    if args.verify and not args.all:
        print("error: --verify applies to --all (a sample always runs the quick profile where needed)", file=sys.stderr)
        return 2
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
    chosen = points if args.all else sorted(random.Random(args.seed).sample(points, min(args.sample, len(points))),
                                            key=lambda m: (m.module, m.line, m.index))
    ids = _claim_ids()
    claims = {module: affected_claims(module, ids) for module in {m.module for m in chosen}}
    results: dict[str, list[tuple[Mutant, str]]] = {"killed": [], "displayed-only": [], "equivalent": []}
    try:
        if args.all:
            results["result changed"] = []
            for number, (mutant, kind, why) in enumerate(loading_pass(chosen, claims, max(1, args.jobs)), start=1):
                results[kind].append((mutant, why))
                print(f"[{number}/{len(chosen)}] {kind:<14} {mutant}  ({why})", file=sys.stderr, flush=True)
            if args.verify:
                unverified, results["result changed"] = results["result changed"], []
                for mutant, kind, why in _classified([m for m, _ in unverified], claims):
                    results[kind].append((mutant, why))
                    print(f"[verify] {kind:<14} {mutant}  ({why})", file=sys.stderr, flush=True)
            return _report(results, f"{len(chosen)} mutation points, every one (loading stage"
                                    f"{'; result-changing ones run' if args.verify else ''})")
        for number, (mutant, kind, why) in enumerate(_classified(chosen, claims), start=1):
            results[kind].append((mutant, why))
            print(f"[{number}/{len(chosen)}] {kind:<14} {mutant}  ({why})", file=sys.stderr, flush=True)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return _report(results, f"{len(chosen)} mutants of {len(points)} points (seed {args.seed})")


if __name__ == "__main__":
    sys.exit(main())

"""The result cache: unchanged claims are served, any change to what a record depends on re-runs it.

The end-to-end tests run ``verify`` in a copy of the project (a scratch folder), edit a
theory function, an experiment helper and a parameter there, and check which claims
were served from the cache: the real source tree is never touched.
"""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from convergence.cache import ResultCache, claim_key, module_closure

ROOT = Path(__file__).resolve().parent.parent
# Two claims with disjoint theory modules: editing one's theory must leave the other cached.
CLAIM_FILES = ["claims/momentum/ema_no_amplification.py", "claims/momentum/_constant_gradient.py",
               "claims/gd/quadratic_stability.py"]
EMA, GD = "momentum.ema-no-amplification", "gd.quadratic-stability"


def _closure(relative: str) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in module_closure([ROOT / relative], ROOT)}


def test_closure_follows_project_imports_transitively():
    closure = _closure("claims/momentum/ema_no_amplification.py")
    # direct (theory), via a sibling helper (empirics), via a theory module (theory.derivation),
    # and the packages' __init__ files that importing runs.
    for expected in ("theory/momentum.py", "claims/momentum/_constant_gradient.py", "empirics/engine.py",
                     "theory/derivation.py", "convergence/__init__.py", "claims/momentum/__init__.py"):
        assert expected in closure, expected
    assert not any(p.startswith(("numpy", "sympy")) for p in closure)
    assert "theory/gd.py" not in closure


def test_key_depends_on_seed_profile_and_id(tmp_path):
    path = ROOT / CLAIM_FILES[0]
    base = claim_key(EMA, path, profile="quick", seed=1)
    assert base == claim_key(EMA, path, profile="quick", seed=1)
    assert len({base, claim_key(EMA, path, profile="quick", seed=2), claim_key(EMA, path, profile="full", seed=1),
                claim_key("momentum.other", path, profile="quick", seed=1)}) == 4


def test_store_round_trips_and_skips_errors_and_overrides(tmp_path):
    cache = ResultCache(tmp_path)
    cache.put("ab" * 32, {"id": "x", "verdict": "CONFIRMED", "cached": True})
    assert cache.get("ab" * 32) == {"id": "x", "verdict": "CONFIRMED"}
    cache.put("cd" * 32, {"id": "x", "verdict": "ERROR"})
    cache.put("ef" * 32, {"id": "x", "verdict": "CONFIRMED", "overrides": {"T": 3}})
    assert cache.get("cd" * 32) is None and cache.get("ef" * 32) is None
    (tmp_path / "12").mkdir()
    (tmp_path / "12" / ("12" * 32 + ".json")).write_text("{torn")
    assert cache.get("12" * 32) is None


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project with only two claims."""
    root = tmp_path_factory.mktemp("project")
    for package in sorted(p.parent.name for p in ROOT.glob("*/__init__.py")):
        if package in ("claims", "tests"):
            continue
        shutil.copytree(ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    for relative in ["claims/__init__.py", "claims/gd/__init__.py", "claims/momentum/__init__.py", *CLAIM_FILES]:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, root / relative)
    return root


def verify(project: Path, *extra: str) -> dict[str, bool]:
    """Run verify in the copy; which claims were served from the cache."""
    env = {k: v for k, v in os.environ.items() if k != "CONVERGENCE_CLAIMS_DIR"}
    env["PYTHONPATH"] = str(project)
    done = subprocess.run([sys.executable, "-m", "convergence", "verify", "--profile", "quick", "--out", "out",
                           *extra], cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    records = json.loads((project / "out" / "results.json").read_text())["claims"]
    assert all(r["passed"] for r in records)
    return {r["id"]: bool(r.get("cached")) for r in records}


def _edit_function(path: Path, name: str) -> None:
    """Change the body of function ``name``: a statement before its last one."""
    lines = path.read_text().splitlines(keepends=True)
    function = next(n for n in ast.walk(ast.parse("".join(lines)))
                    if isinstance(n, ast.FunctionDef) and n.name == name)
    last = lines[function.body[-1].lineno - 1]
    indent = last[: len(last) - len(last.lstrip())]
    lines.insert(function.body[-1].lineno - 1, f"{indent}_edited = True  # noqa\n")
    path.write_text("".join(lines))


def _bump_quick_parameter(path: Path) -> None:
    """Add 1 to the first integer parameter of the quick profile."""
    text = path.read_text()
    edited, count = re.subn(r"(quick=\{[^}]*?:\s*)(\d+)(?=[,}])", lambda m: m.group(1) + str(int(m.group(2)) + 1),
                            text, count=1)
    assert count == 1
    path.write_text(edited)


def test_cache_serves_unchanged_and_reruns_what_changed(project):
    assert verify(project) == {EMA: False, GD: False}
    assert verify(project) == {EMA: True, GD: True}
    assert verify(project, "--no-cache") == {EMA: False, GD: False}

    # A theory function of one claim: only the claim that imports it re-runs.
    _edit_function(project / "theory/momentum.py", "ema_step_ratio")
    assert verify(project) == {EMA: False, GD: True}

    # An experiment helper two imports away (claim -> claims/momentum/_constant_gradient -> empirics.problems).
    _edit_function(project / "empirics/problems/quadratics.py", "rotated_quadratic")
    assert verify(project) == {EMA: False, GD: False}

    # A parameter of the profile.
    _bump_quick_parameter(project / "claims/gd/quadratic_stability.py")
    assert verify(project) == {EMA: True, GD: False}

"""Imports point one way: checked on the source, so no convention can drift.

theory never imports numpy; empirics never imports sympy (nor jax/optax/PEPit); reports never imports
empirics; certificates/ (PEP worst cases) imports neither theory nor empirics; crosscheck/ (optax) may
import empirics (it checks the engine against optax) but not theory, certificates or the claim machinery.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "theory": {"numpy", "scipy", "certificates", "crosscheck"},
    "empirics": {"sympy", "theory", "certificates", "crosscheck", "jax", "optax", "PEPit"},
    "reports": {"empirics", "certificates", "crosscheck"},
    "certificates": {"theory", "empirics", "convergence", "claims", "jax", "optax"},
    "crosscheck": {"theory", "certificates", "convergence", "claims", "PEPit"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


CASES = [(package, path) for package in FORBIDDEN for path in sorted((ROOT / package).rglob("*.py"))]


@pytest.mark.parametrize("package,path", CASES, ids=[str(p.relative_to(ROOT)) for _, p in CASES])
def test_import_direction(package, path):
    bad = imported_modules(path) & FORBIDDEN[package]
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}, forbidden in {package}/"


def test_the_check_can_fail(tmp_path):
    offender = tmp_path / "bad.py"
    offender.write_text("import numpy as np\nfrom sympy import Symbol\n")
    assert imported_modules(offender) == {"numpy", "sympy"}


def test_the_repository_cites_no_document_outside_it():
    """A user who clones the repository has only the repository: no file may point elsewhere."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    outside = ["DESIGN" + ".md", "CLAIMS" + ".md", "../" + "shared"]
    offenders = [
        str(path.relative_to(root)) for path in root.rglob("*")
        if path.is_file() and path.suffix in {".py", ".md", ".toml", ".typ"}
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
        and any(name in path.read_text(errors="ignore") for name in outside)
    ]
    assert not offenders, f"files citing documents outside the repository: {offenders}"

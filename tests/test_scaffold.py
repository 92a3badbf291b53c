"""``convergence new``: the template loads, refuses to overwrite, and verify refuses it until filled in."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from convergence.errors import SuiteError
from convergence.scaffold import KINDS, MARKER, claim_path, create, first_todo

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, claims_dir: Path):
    env = {**os.environ, "CONVERGENCE_CLAIMS_DIR": str(claims_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "convergence", *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=claims_dir.parent)


@pytest.mark.parametrize("kind", KINDS)
def test_template_of_every_kind_is_valid_python_with_todos(tmp_path, kind):
    path = create("fam.new-claim", kind, tmp_path / "claims")
    assert path == tmp_path / "claims" / "fam" / "new_claim.py"
    source = path.read_text()
    compile(source, str(path), "exec")
    for field in ("id=", "title=", "statement=", "source=", "derivation=", "experiment=", "params=",
                  "comparison=", "expected=", "mutants=", "Tolerance:"):
        assert field in source, field
    assert source.count("Mutant(") == 1
    assert first_todo(path)[0] == 1  # the docstring's first line already asks for the statement


def test_refuses_to_overwrite_and_bad_input(tmp_path):
    root = tmp_path / "claims"
    path = create("fam.x", "tight", root)
    path.write_text("# my work\n")
    with pytest.raises(SuiteError, match="exists"):
        create("fam.x", "upper", root)
    assert path.read_text() == "# my work\n"
    with pytest.raises(SuiteError, match="family.name"):
        create("NoFamily", "tight", root)
    with pytest.raises(SuiteError, match="unknown kind"):
        create("fam.y", "loose", root)


def test_new_claim_lists_and_verify_names_the_first_todo(tmp_path):
    claims_dir = tmp_path / "scratch_claims"  # a package folder (CONVERGENCE_CLAIMS_DIR)
    claims_dir.mkdir()
    (claims_dir / "__init__.py").write_text("")
    made = cli("new", "toy.fresh-claim", "--kind", "exponent", claims_dir=claims_dir)
    assert made.returncode == 0, made.stderr
    assert claim_path("toy.fresh-claim", claims_dir).exists()
    again = cli("new", "toy.fresh-claim", "--kind", "tight", claims_dir=claims_dir)
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1 and "exists" in again.stderr

    listed = cli("list", claims_dir=claims_dir)
    assert listed.returncode == 0, listed.stderr
    assert "toy.fresh-claim" in listed.stdout and "exponent" in listed.stdout

    refused = cli("verify", "toy.*", "--profile", "quick", "--out", str(tmp_path / "out"), claims_dir=claims_dir)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and MARKER in lines[0]
    assert lines[0].startswith("convergence: error: scratch_claims/toy/fresh_claim.py:1:")
    assert "Traceback" not in refused.stderr

    # Filling in the first TODO moves the refusal to the next one, not to a verdict.
    path = claim_path("toy.fresh-claim", claims_dir)
    path.write_text(path.read_text().replace("TODO: the statement in one line.", "A statement.", 1))
    refused = cli("verify", "toy.*", "--profile", "quick", "--out", str(tmp_path / "out"), claims_dir=claims_dir)
    assert refused.returncode == 2 and "fresh_claim.py:3:" in refused.stderr


def test_every_comparison_kind_has_a_scaffold():
    """A new kind in convergence/comparisons.py needs its starting tolerance here (README: adding a kind)."""
    from convergence.comparisons import KINDS as COMPARISON_KINDS

    assert set(KINDS) == set(COMPARISON_KINDS)

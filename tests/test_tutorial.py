"""docs/tutorial.md builds a claim that verifies: its code blocks are run, not just read.

The blocks marked ``{file=claims/gd/pl_rate.py}`` are written, in order, into a scratch
claims package (``CONVERGENCE_CLAIMS_DIR``) after ``convergence new`` made the template
there, exactly as a reader would; then the claim is shown and verified (quick profile).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```python \{file=(?P<file>[^}]+)\}\n(?P<code>.*?)^```$", re.S | re.M)
CLAIM_ID = "gd.pl-rate"


def tutorial_files() -> dict[str, str]:
    files: dict[str, list[str]] = {}
    for match in BLOCK.finditer(TUTORIAL.read_text(encoding="utf-8")):
        files.setdefault(match["file"], []).append(match["code"])
    return {name: "\n\n".join(blocks) for name, blocks in files.items()}


def cli(claims_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CONVERGENCE_CLAIMS_DIR": str(claims_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "convergence", *args], capture_output=True, text=True, env=env,
                          cwd=claims_dir.parent, timeout=600)


def test_tutorial_claim_verifies(tmp_path):
    files = tutorial_files()
    assert list(files) == ["claims/gd/pl_rate.py"], "the tutorial's blocks name one claim file"
    claims_dir = tmp_path / "tutorial_claims"
    claims_dir.mkdir()
    (claims_dir / "__init__.py").write_text("")

    made = cli(claims_dir, "new", CLAIM_ID, "--kind", "upper")
    assert made.returncode == 0, made.stderr
    path = claims_dir / "gd" / "pl_rate.py"
    assert cli(claims_dir, "verify", CLAIM_ID, "--profile", "quick", "--out", str(tmp_path / "out")).returncode == 2

    path.write_text(files["claims/gd/pl_rate.py"], encoding="utf-8")
    shown = cli(claims_dir, "show", CLAIM_ID, "--json")
    assert shown.returncode == 0, shown.stderr
    steps = json.loads(shown.stdout)["theory"]["steps"]
    assert len(steps) == 5

    out = tmp_path / "out"
    verified = cli(claims_dir, "verify", CLAIM_ID, "--profile", "quick", "--out", str(out))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    record = json.loads((out / "results.json").read_text())["claims"][0]
    assert record["verdict"] == "CONFIRMED" and record["passed"]
    assert all(m["killed"] for m in record["mutants"]) and len(record["mutants"]) == 2
    assert record["theory"]["text"] in ("1 - mu/L", "-mu/L + 1")

    latex = cli(claims_dir, "show", CLAIM_ID, "--latex")
    assert latex.returncode == 0 and r"\begin{align}" in latex.stdout

    # The tutorial's closing experiment: with kappa <= 2.5 the accelerated-rate mutant survives.
    weak = cli(claims_dir, "verify", CLAIM_ID, "--profile", "quick", "--out", str(tmp_path / "weak"),
               "--set", "kappa_max=2.5")
    assert weak.returncode == 1
    weak_record = json.loads((tmp_path / "weak" / "results.json").read_text())["claims"][0]
    assert [m["killed"] for m in weak_record["mutants"]] == [True, False]

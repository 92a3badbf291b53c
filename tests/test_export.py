"""``show --latex`` / ``--typst``: the derivation as a block ready to paste (the Typst one compiles)."""

import pytest

from convergence.cli import main
from convergence.export import latex_text

CLAIMS = ["gd.quadratic-stability", "gd.quadratic-rate", "gd.descent-lemma"]


@pytest.mark.parametrize("claim_id", CLAIMS)
def test_latex_align_block(capsys, claim_id):
    assert main(["show", claim_id, "--latex"]) == 0
    out = capsys.readouterr().out
    body = out[out.index(r"\begin{align}"):out.index(r"\end{align}")]
    lines = [line for line in body.splitlines()[1:] if line.strip()]
    assert lines and all("&&" in line and r"\text{" in line for line in lines)
    assert out.count("{") == out.count("}") + out.count(r"\{") - out.count(r"\}")
    assert r"\text{result} &=" in out


def test_latex_text_escapes_and_maps_unicode():
    assert latex_text("50% of x_1 & $ # {a}") == r"50\% of x\_1 \& \$ \# \{a\}"
    assert latex_text("ηλ ≤ 2, θₜ") == r"$\eta\lambda$ $\le$ 2, $\theta_t$"


def test_typst_block_compiles(capsys, tmp_path):
    typst = pytest.importorskip("typst")
    assert main(["show", "gd.quadratic-rate", "--typst"]) == 0
    block = capsys.readouterr().out
    assert block.count("&&") >= 5
    source = tmp_path / "paste.typ"
    source.write_text("#set page(width: 30cm, height: auto)\n" + block)
    typst.compile(str(source), output=str(tmp_path / "paste.pdf"))
    assert (tmp_path / "paste.pdf").stat().st_size > 0

"""``convergence show ID --latex`` / ``--typst``: a claim's derivation ready to paste into a paper.

Each step becomes one line of an aligned block, aligned at its relation
(``=``, ``<=``, ...), with its label and justification beside it (and, for
steps the derivation API checks, how it was checked; for cited steps, the
reference). The result closes the block. LaTeX output needs ``amsmath``; the
words stay in ``\\text{}`` with LaTeX's special characters escaped and common
Unicode math symbols turned into commands, so pdflatex accepts it too.
"""

from __future__ import annotations

import re
from typing import Any

import sympy as sp

from theory.typst_printer import to_latex, to_typst

from .claim import Claim

_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
# Unicode that pdflatex cannot set in text mode: typeset as inline math.
_LATEX_UNICODE = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon", "η": r"\eta",
    "θ": r"\theta", "κ": r"\kappa", "λ": r"\lambda", "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "π": r"\pi",
    "ρ": r"\rho", "σ": r"\sigma", "τ": r"\tau", "φ": r"\varphi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega",
    "Δ": r"\Delta", "Σ": r"\Sigma", "Φ": r"\Phi", "Ω": r"\Omega", "Λ": r"\Lambda", "Γ": r"\Gamma",
    "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "≈": r"\approx", "∈": r"\in", "∇": r"\nabla", "∞": r"\infty",
    "∑": r"\sum", "∏": r"\prod", "√": r"\sqrt{}", "·": r"\cdot", "×": r"\times", "→": r"\to", "‖": r"\|",
    "−": "-", "±": r"\pm", "∂": r"\partial", "⟨": r"\langle", "⟩": r"\rangle", "≪": r"\ll", "≫": r"\gg",
    "²": "^2", "³": "^3", "⁻": "^-", "¹": "^1", "ᵀ": "^T", "ᵗ": "^t", "∗": "*", "∘": r"\circ", "⊤": r"\top",
    "₀": "_0", "₁": "_1", "₂": "_2", "ₜ": "_t", "ᵢ": "_i", "ₖ": "_k", "₊": "_+", "₋": "_-", "ₙ": "_n",
    "′": "'", "ℓ": r"\ell", "≡": r"\equiv", "∼": r"\sim", "∝": r"\propto", "⌈": r"\lceil", "⌉": r"\rceil",
    # Text-mode characters that classic font encodings (OT1) print as other glyphs.
    "<": "<", ">": ">", "|": "|",
}
_LATEX_TEXT = re.compile("|".join(re.escape(c) for c in sorted({**_LATEX_SPECIAL, **_LATEX_UNICODE}, key=len,
                                                               reverse=True)))


def latex_text(words: str) -> str:
    """Words for ``\\text{...}``: specials escaped, Unicode math as inline math."""
    def one(match: re.Match[str]) -> str:
        char = match.group()
        return _LATEX_SPECIAL[char] if char in _LATEX_SPECIAL else f"${_LATEX_UNICODE[char]}$"

    # Adjacent inline formulas join into one ("$\eta$$\lambda$" -> "$\eta\lambda$").
    return _LATEX_TEXT.sub(one, " ".join(str(words).split())).replace("$$", "")


def typst_string(words: str) -> str:
    """A Typst string literal (math mode shows it as upright text)."""
    escaped = str(words).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + " ".join(escaped.split()) + '"'


def _note(step: Any) -> str:
    """The words set beside a step: label, justification, check or reference."""
    parts = [str(step.label)]
    if getattr(step, "justification", ""):
        parts.append(str(step.justification))
    kind = getattr(step, "kind", "")
    check = getattr(step, "check", None)
    if check is not None and hasattr(check, "describe"):
        described = check.describe()
        parts.append(described if not kind or described.startswith(kind) else f"{kind}, {described}")
    elif kind in ("definition", "assumption"):
        parts.append(kind)
    if getattr(step, "reference", ""):
        parts.append(f"cited: {step.reference}")
    return parts[0] + (": " + "; ".join(parts[1:]) if len(parts) > 1 else "")


_RELATIONS_LATEX = {"==": "=", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">", "!=": r"\ne"}
_RELATIONS_TYPST = {"==": "=", "<=": "<=", ">=": ">=", "<": "<", ">": ">", "!=": "!="}


def _split(expr: Any) -> tuple[Any, str | None, Any]:
    expr = sp.sympify(expr)
    if isinstance(expr, sp.core.relational.Relational):
        return expr.lhs, expr.rel_op, expr.rhs
    return expr, None, None


def latex_align(claim: Claim) -> str:
    """The derivation as a LaTeX ``align`` block."""
    lines = [f"% {claim.id}: {' '.join(claim.title.split())}", r"\begin{align}"]
    for step in claim.theory.steps:
        lhs, op, rhs = _split(step.expr)
        body = f"{to_latex(lhs)} &{_RELATIONS_LATEX[op]} {to_latex(rhs)}" if op else f"&{to_latex(lhs)}"
        lines.append(f"  {body} && \\text{{{latex_text(_note(step))}}} \\\\")
    lines.append(f"  \\text{{result}} &= {to_latex(claim.theory.result)} && \\text{{compared with the experiment}}")
    lines.append(r"\end{align}")
    for assumption in claim.theory.assumptions:
        lines.append(f"% assuming {assumption}")
    return "\n".join(lines)


def typst_block(claim: Claim) -> str:
    """The derivation as a Typst math block, aligned at the relations."""
    lines = [f"// {claim.id}: {' '.join(claim.title.split())}", "$"]
    for step in claim.theory.steps:
        lhs, op, rhs = _split(step.expr)
        body = f"{to_typst(lhs)} &{_RELATIONS_TYPST[op]} {to_typst(rhs)}" if op else f"&{to_typst(lhs)}"
        lines.append(f"  {body} && {typst_string(_note(step))} \\")
    lines.append(f'  "result" &= {to_typst(claim.theory.result)} && "compared with the experiment"')
    lines.append("$")
    for assumption in claim.theory.assumptions:
        lines.append(f"// assuming {assumption}")
    return "\n".join(lines)

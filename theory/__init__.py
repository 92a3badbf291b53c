"""Symbolic side of the suite: SymPy derivations and their Typst/LaTeX printing.

Never imports NumPy (enforced by tests/test_architecture.py).
"""

from .derivation import Derivation, DerivationBuilder, Step

__all__ = ["Derivation", "DerivationBuilder", "Step"]

"""The core of the suite: claim record, comparison kinds, discovery, runner, CLI.

Claim files import what they need from here::

    from convergence import Claim, Source, Params, Mutant, Measurement, Figure, Series
    from convergence.comparisons import Tight
"""

import os
from importlib import import_module
from typing import Any

# One BLAS thread per process, set before NumPy is first imported (a thread count is read once, when
# OpenBLAS loads): the suite runs its claims side by side in worker processes, one per core, and a
# multi-threaded BLAS in each of them spins on cores the others are using (measured: an L-BFGS search
# took 3.5 times the CPU beside one busy core). A value the user set is kept.
for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

# Loaded on first use: the claim record imports SymPy and theory/, which commands that never load a
# claim (`convergence report`, `diff`) do not need (a third of a second at every start).
_EXPORTS = {
    **dict.fromkeys(("Claim", "Mutant", "Params", "Source"), ".claim"),
    **dict.fromkeys(("Exact", "Exponent", "Lower", "Stochastic", "Tight", "Upper"), ".comparisons"),
    **dict.fromkeys(("Figure", "Measurement", "Series"), ".measurement"),
    "Model": ".models",
    "Verdict": ".verdicts",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'convergence' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name], __name__), name)

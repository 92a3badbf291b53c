"""The core of the suite: claim record, comparison kinds, discovery, runner, CLI.

Claim files import what they need from here::

    from convergence import Claim, Source, Params, Mutant, Measurement, Figure, Series
    from convergence.comparisons import Tight
"""

from .claim import Claim, Mutant, Params, Source
from .comparisons import Exact, Exponent, Lower, Stochastic, Tight, Upper
from .measurement import Figure, Measurement, Series
from .models import Model
from .verdicts import Verdict

__all__ = [
    "Claim", "Mutant", "Params", "Source", "Measurement", "Figure", "Series", "Verdict", "Model",
    "Exact", "Tight", "Upper", "Lower", "Exponent", "Stochastic",
]

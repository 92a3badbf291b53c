"""Cross-checks of the engine's optimizers and schedules against optax (JAX on CPU, float64).

The suite's optimizers and schedules are written from the papers; users run
library implementations. This package runs optax on the same problems and
hyper-parameters so tests/test_crosscheck_optax.py and the claim
schedule.formulas can show the two agree to rounding, and where a convention
differs, exactly how (README, "Cross-check against optax").

It is the only place that imports JAX and optax (an optional extra,
``pip install '.[crosscheck]'``); empirics/ never does (tests/test_architecture.py).
Modules load JAX when imported, so import them inside functions elsewhere.
"""

import importlib.util


def available() -> bool:
    """True when jax and optax can be imported (the optional extra ``crosscheck``)."""
    return all(importlib.util.find_spec(name) is not None for name in ("jax", "optax"))


MISSING = "optax/jax are not installed (pip install '.[crosscheck]'): the optax cross-check cannot run"

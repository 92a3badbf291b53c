"""Statements from the source texts that no experiment in this suite can decide.

The catalogue lists them as not verifiable here; the report's appendix prints this
table so a reader sees what was left out, from which seed, and why.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unverifiable:
    topic: str
    statement: str
    seeds: tuple[str, ...]
    reason: str


UNVERIFIABLE: tuple[Unverifiable, ...] = (
    Unverifiable(
        topic="Generalisation of flat minima",
        statement="SGD noise steers the iterates to flat minima, which generalise better than sharp ones.",
        seeds=("000", "001", "004"),
        reason=(
            "Generalisation is a property of a model on unseen data drawn from a task distribution. "
            "The suite optimises fixed, low-dimensional objectives with known minimisers and has no "
            "held-out data, so there is no test error to measure; and 'flatness' is not invariant "
            "under reparametrisation, so the statement has no single quantity to derive."
        ),
    ),
    Unverifiable(
        topic="GPU batch throughput and hardware saturation",
        statement="GPUs compute a mini-batch nearly as fast as one example, until the hardware saturates.",
        seeds=("000", "001"),
        reason=(
            "This is a claim about accelerator throughput, not about the optimisation method. The suite "
            "runs float64 NumPy on a CPU and measures cost in gradient evaluations, a hardware-independent "
            "unit; wall-clock scaling on a GPU is outside what it runs or records."
        ),
    ),
    Unverifiable(
        topic="Critical points of neural networks have low loss",
        statement="Critical points of neural-network loss landscapes tend to have low loss.",
        seeds=("004",),
        reason=(
            "An empirical observation about large trained networks. It depends on the architecture, the "
            "data and the width; the suite's test problems (quadratics, least squares, logistic, double "
            "well, saddles) contain no neural network, and no derivation gives the loss at critical points."
        ),
    ),
    Unverifiable(
        topic="Transformer warm-up necessity",
        statement="Learning-rate warm-up is necessary to train transformers stably.",
        seeds=("001",),
        reason=(
            "Concerns the early instability of deep attention models with adaptive optimisers. No "
            "transformer is trained here, and 'necessary' would need evidence over architectures and "
            "data sets; the schedule claims the suite does check are about convergence rates on "
            "problems where the theory is known."
        ),
    ),
    Unverifiable(
        topic="AdamW and weight-decay interplay",
        statement="AdamW's decoupled weight decay interacts differently with adaptive steps than L2 regularisation.",
        seeds=("002",),
        reason=(
            "Seed 002 defers it ('next I want to look at Adam and AdamW') without stating a precise, "
            "testable claim; the benefit reported in the literature is in generalisation of trained "
            "networks, which this suite cannot measure (see the first entry)."
        ),
    ),
)

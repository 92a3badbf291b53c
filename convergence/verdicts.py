"""The four verdicts and the outcome of one comparison."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Verdict(str, enum.Enum):
    CONFIRMED = "CONFIRMED"
    REFUTED = "REFUTED"
    INCONCLUSIVE = "INCONCLUSIVE"
    ERROR = "ERROR"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Outcome:
    """What a comparison concluded, with the numbers that justify it.

    ``margin`` is a single number for the summary table; its meaning is given
    by ``margin_label`` (e.g. "max rel. error / rtol": below 1 passes).
    """

    verdict: Verdict
    summary: str
    margin: float | None = None
    margin_label: str = ""
    details: dict[str, Any] = field(default_factory=dict)

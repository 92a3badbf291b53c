"""``convergence diff OLD.json NEW.json``: what a change did to the verdicts, margins and runtimes.

One row per claim, most important first: a changed verdict, then a changed
pass/fail status, claims added or removed, then the largest relative margin
changes, then the largest runtime changes. Exit status 1 when the verdict of
any claim present in both files changed (usable in CI to flag a change for
review), 0 otherwise.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .results import read_results

EXIT_SAME, EXIT_VERDICT_CHANGED = 0, 1


def _number(value: Any) -> float | None:
    """A scalar from a record field.

    A ``resolution`` record (convergence/resolution.py) gives the largest of its smallest
    refuted changes over its directions: the change of theory the measurement can just
    detect, so smaller is sharper.
    """
    if isinstance(value, Mapping):
        found = [_number(value.get(d)) for d in value.get("directions") or ()]
        found = [f for f in found if f is not None]
        return max(found) if found else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _relative_change(old: float | None, new: float | None) -> float:
    if old is None or new is None:
        return 0.0 if old is None and new is None else math.inf
    if old == new:
        return 0.0
    scale = max(abs(old), abs(new))
    return abs(new - old) / scale if scale > 0 else 0.0


@dataclass
class Change:
    claim_id: str
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None

    @property
    def verdict_changed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.get("verdict") != self.new.get("verdict")

    @property
    def status_changed(self) -> bool:
        return self.old is not None and self.new is not None and bool(self.old.get("passed")) != bool(
            self.new.get("passed"))

    def field(self, name: str) -> tuple[float | None, float | None]:
        return (_number(self.old.get(name)) if self.old else None, _number(self.new.get(name)) if self.new else None)

    def rank(self) -> tuple:
        """Sort key: verdict, status, added/removed, then |relative margin change|, |runtime ratio|."""
        margin = max(_relative_change(*self.field("margin")), _relative_change(*self.field("resolution")))
        old_t, new_t = self.field("runtime_s")
        runtime = abs(math.log(max(new_t, 1e-6) / max(old_t, 1e-6))) if old_t is not None and new_t is not None \
            else 0.0
        return (not self.verdict_changed, not self.status_changed, self.old is not None and self.new is not None,
                -margin if math.isfinite(margin) else -1e300, -runtime, self.claim_id)


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every claim of either results, most important change first."""
    before = {r["id"]: r for r in old.get("claims", [])}
    after = {r["id"]: r for r in new.get("claims", [])}
    rows = [Change(i, before.get(i), after.get(i)) for i in sorted(set(before) | set(after))]
    return sorted(rows, key=Change.rank)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def _pair(old: float | None, new: float | None, percent: bool = True) -> str:
    if old == new:
        return _fmt(new)
    text = f"{_fmt(old)} → {_fmt(new)}"
    if percent and old not in (None, 0.0) and new is not None:
        text += f" ({(new - old) / abs(old):+.1%})"
    return text


def _resolution_pair(old: Any, new: Any) -> str:
    """Resolution records are shown by their text ('−1.2 % / +1.5 %'), plain numbers as numbers."""
    if isinstance(old, Mapping) or isinstance(new, Mapping):
        texts = [str(r.get("text", "—")) if isinstance(r, Mapping) else "—" for r in (old, new)]
        return texts[1] if texts[0] == texts[1] else f"{texts[0]} → {texts[1]}"
    return _pair(_number(old), _number(new))


def describe(change: Change) -> str:
    if change.old is None:
        return f"{change.claim_id}: added, {change.new.get('verdict')}" if change.new else change.claim_id
    if change.new is None:
        return f"{change.claim_id}: removed (was {change.old.get('verdict')})"
    parts = []
    old_v, new_v = change.old.get("verdict"), change.new.get("verdict")
    parts.append(f"verdict {old_v} → {new_v}" if change.verdict_changed else f"verdict {new_v}")
    if change.status_changed:
        parts.append("now " + ("passes" if change.new.get("passed") else "FAILS"))
    parts.append("margin " + _pair(*change.field("margin")))
    if "resolution" in change.old or "resolution" in change.new:
        parts.append("resolution " + _resolution_pair(change.old.get("resolution"), change.new.get("resolution")))
    parts.append("runtime " + _pair(*change.field("runtime_s")) + " s")
    mark = "!" if change.verdict_changed else ("*" if change.status_changed else " ")
    return f"{mark} {change.claim_id}: " + ", ".join(parts)


def add_parser(sub: Any) -> None:
    p = sub.add_parser("diff", help="compare two results.json: verdict, margin, resolution and runtime changes")
    p.add_argument("old", type=Path, metavar="OLD.json")
    p.add_argument("new", type=Path, metavar="NEW.json")


def command(args: argparse.Namespace) -> int:
    old, new = read_results(args.old), read_results(args.new)
    rows = changes(old, new)
    for key in ("seed", "profile"):
        if old.get(key) != new.get(key):
            print(f"{key}: {old.get(key)} → {new.get(key)}")
    for row in rows:
        print(describe(row))
    changed = sum(r.verdict_changed for r in rows)
    status = sum(r.status_changed for r in rows)
    print(f"\n{len(rows)} claim(s); verdict changed: {changed}; pass/fail changed: {status};"
          f" added: {sum(r.old is None for r in rows)}; removed: {sum(r.new is None for r in rows)}")
    return EXIT_VERDICT_CHANGED if changed else EXIT_SAME

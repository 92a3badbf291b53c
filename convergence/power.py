"""``convergence power``: every claim's resolution against its goal, as a table.

Reads the resolutions the runner stored (``--results FILE``, no re-run) or runs
the selected claims first. One line per claim: kind, expected and actual
verdict, the resolution (convergence/resolution.py), the goal for the profile
and whether it is met, with the reason when not. Exit status 0 when every
claim meets its goal or explains its miss (the comparison's ``resolution_note``:
"explained" in the table, with the note), 1 otherwise, so the table can gate a
workflow.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from .resolution import _fmt


def goal_text(goal: dict[str, Any] | None) -> str:
    """'<= 2 %', '<= 0.05', 'tight <= 2 %' ... for a stored goal."""
    if not isinstance(goal, dict) or not isinstance(goal.get("size"), (int, float)):
        return "—"
    if goal.get("goal") == "label":
        return "< 1 label"
    unit = "shift" if goal.get("goal") == "shift" else "relative"
    size = _fmt(goal["size"], unit)
    return f"attained {size}" if goal.get("goal") == "bound" else f"<= {size}"


def rows(records: Iterable[dict[str, Any]], known_ids: set[str] | None = None) -> list[dict[str, str]]:
    """The table's cells, one dict per claim record.

    With ``known_ids`` (every claim in the catalogue) a bound declared loose also needs its named
    companion claim (the tight constant) to exist.
    """
    out = []
    for record in records:
        res = record.get("resolution")
        res = res if isinstance(res, dict) else {}
        if not res:
            status, why = "MISS", f"no resolution ({record.get('verdict', '?')})"
        else:
            status, why = ("ok" if res.get("meets_goal") is True else "MISS"), str(res.get("why", ""))
            goal = res.get("goal") if isinstance(res.get("goal"), dict) else {}
            if status == "MISS" and res.get("explained") is True and goal.get("note"):
                status, why = "explained", f"{why} — {goal['note']}"
            companion = goal.get("loose")
            if status == "ok" and companion and known_ids is not None and companion not in known_ids:
                status, why = "MISS", f"bound declared loose, but its companion claim {companion} does not exist"
        out.append({
            "id": str(record.get("id", "?")), "kind": str(record.get("kind", "")),
            "expected": str(record.get("expected", "")),
            "verdict": str(record.get("verdict", "")), "resolves": str(res.get("text", "—")),
            "goal": goal_text(res.get("goal")), "status": status, "why": why,
        })
    return out


def print_table(records: list[dict[str, Any]], profile: str, stream: TextIO,
                known_ids: set[str] | None = None) -> int:
    """Print the table; returns how many claims miss their goal without explaining why."""
    table = rows(records, known_ids)
    heads = {"id": "claim", "kind": "kind", "expected": "expected", "verdict": "verdict",
             "resolves": "resolves", "goal": "goal", "status": "meets"}
    widths = {k: max([len(h)] + [len(r[k]) for r in table]) for k, h in heads.items()}
    print("  ".join(f"{h:<{widths[k]}}" for k, h in heads.items()) + "  why not / note", file=stream)
    for r in table:
        print("  ".join(f"{r[k]:<{widths[k]}}" for k in heads) + (f"  {r['why']}" if r["why"] else ""),
              file=stream)
    missing = sum(r["status"] == "MISS" for r in table)
    explained = sum(r["status"] == "explained" for r in table)
    print(f"\n{len(table) - missing - explained}/{len(table)} claims meet their resolution goal, {explained} explain"
          f" their miss ({profile} profile; quick goals are 2.5x the full ones)", file=stream)
    return missing

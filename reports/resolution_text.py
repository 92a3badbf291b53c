"""The report's resolution cells: what the stored ``resolution`` record of a claim says, as markup.

The numbers come from results.json (computed by the runner through the claim's
own comparison, convergence/resolution.py); this module only words them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .markup import text

EXPLAIN = {
    "consistent": "the smallest relative change of the theory (−: ×(1−δ), +: ×(1+δ)) that this measurement"
                  " refutes through the claim's own comparison",
    "shift": "the smallest shift of the predicted exponent (− and + separately) that this measurement refutes",
    "bound": "the tightness: the smallest change of the bound towards the measurements (an upper bound lowered,"
             " a lower bound raised, by a fraction of its size) that this measurement refutes",
    "label": "integer labels compared exactly: the smallest shift of the predicted labels that this measurement"
             " refutes (below 1: every change of a label is refuted)",
    "refuted": "the smallest change of the stated theory that this measurement would accept (the miss), and the"
               " half-width of the accepted band: how finely the comparison tells changes apart there",
}


def _goal(goal: Mapping[str, Any] | None) -> str:
    if not isinstance(goal, Mapping):
        return "—"
    size = goal.get("size")
    if not isinstance(size, (int, float)):
        return "—"
    if goal.get("goal") == "label":
        return "< 1 label"
    shown = f"{size:.2g}" if goal.get("goal") == "shift" else (f"{100 * size:.2g} %" if size >= 1e-4
                                                                else f"{size:.1e}")
    return f"attained within {shown}" if goal.get("goal") == "bound" else f"≤ {shown}"


def summary_cell(record: Mapping[str, Any]) -> str:
    """The 'Resolves' cell of the summary table: the resolution, and under it the goal or the miss."""
    res = record.get("resolution")
    if not isinstance(res, Mapping):
        return "—"
    cell = text(res.get("text") or "—")
    note = f"goal {_goal(res.get('goal'))}" if res.get("meets_goal") else (
        "misses goal (explained)" if res.get("explained") else "misses goal")
    return cell + f" #linebreak() #muted[{text(note)}]"


def section_field(record: Mapping[str, Any]) -> str:
    """The 'Resolves' field of a claim's section: value, meaning, goal, and why a goal is missed."""
    res = record.get("resolution")
    if not isinstance(res, Mapping):
        return ""
    status = res.get("status")
    if status == "refuted":
        meaning = EXPLAIN["refuted"]
    elif res.get("unit") == "label":
        meaning = EXPLAIN["label"]
    elif res.get("unit") == "shift":
        meaning = EXPLAIN["shift"]
    elif isinstance(res.get("directions"), list) and len(res["directions"]) == 1:
        meaning = EXPLAIN["bound"]
    else:
        meaning = EXPLAIN["consistent"]
    verdict = "met" if res.get("meets_goal") else "not met"
    why = res.get("why") or ""
    goal_record = res.get("goal") if isinstance(res.get("goal"), Mapping) else {}
    if not res.get("meets_goal") and res.get("explained") and goal_record.get("note"):
        why = f"{why}; why the goal cannot be reached: {goal_record['note']}" if why else str(goal_record["note"])
    goal = f"goal {_goal(res.get('goal'))}: {verdict}" + (f" ({why})" if why else "")
    return f"#field([Resolves], [{text(res.get('text') or '—')} ({text(meaning)}); {text(goal)}])"


def misses_note(records: Sequence[Mapping[str, Any]], link: Callable[[Any], str]) -> str:
    """The closing note of the summary: every claim that misses its resolution goal, and why.

    A miss the claim explains (its comparison's ``resolution_note``) is listed with that note; any
    other miss is listed as not explained, with the resolution's own reason.
    """
    items = []
    for record in records:
        res = record.get("resolution")
        if not isinstance(res, Mapping) or res.get("meets_goal") is True:
            continue
        goal = res.get("goal") if isinstance(res.get("goal"), Mapping) else {}
        shown = text(res.get("text") or "no resolution")
        if res.get("explained") and goal.get("note"):
            items.append(f"- {link(record.get('id'))}: {shown}; explained: {text(goal['note'])}")
        else:
            items.append(f"- {link(record.get('id'))}: {shown}; not explained"
                         + (f" ({text(res['why'])})" if res.get("why") else ""))
    if not items:
        return ""
    return "*Resolution goals not met.* Each claim below misses its goal; most say why, with numbers.\n\n" + \
        "\n".join(items) + "\n"

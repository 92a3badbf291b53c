"""How each derivation step is justified, as report markup (reads results.json fields only).

Every step record carries ``kind`` (definition, assumption, computed,
identity, inequality, cited) and what its check did (``method``: symbolic,
sampled with ``points`` and ``worst_slack``, or computed from the steps in
``uses``); see theory/derivation.py. This module turns them into the line
under each typeset step, the summary table's per-claim cell and the title
page's catalogue totals. Justification prose written with ASCII sub- and
superscripts (θ_t, (1 + ηγ)^{−2k}) is typeset with real ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .markup import format_number, text

KINDS = ("definition", "assumption", "computed", "identity", "inequality", "cited")

# X_t, X_min, X_(k+1), X_{k+1}; X^t, X^(−2k), X^{−2k}: the script part is a bracketed group or a word.
_SCRIPT = re.compile(r"(?<=\S)([_^])(\([^()]*\)|\{[^{}]*\}|[−\-]?[A-Za-z0-9α-ωΑ-Ω*′]+)")


def prose(value: Any) -> str:
    """Text as markup, with ``_x``/``^x`` scripts typeset as sub/superscripts; nothing else interpreted."""
    source = "" if value is None else str(value)
    out: list[str] = []
    position = 0
    for match in _SCRIPT.finditer(source):
        if match.start() > position:
            out.append(text(source[position:match.start()]))
        body = match.group(2)
        if body[:1] in "({" and body[-1:] in ")}":
            body = body[1:-1]
        tag = "sub" if match.group(1) == "_" else "super"
        out.append(f"#{tag}[{text(body)}];")
        position = match.end()
    out.append(text(source[position:]))
    return "".join(out)


def _points(n: Any) -> str:
    if isinstance(n, int) and n > 0 and str(n).rstrip("0") == "1":
        return f"$10^{len(str(n)) - 1}$"
    return format_number(n)


def step_check(step: Mapping[str, Any]) -> str:
    """The check line under a step: ✓ symbolic / ✓ sampled 10⁴ points, worst slack … / cited / definition."""
    confirmed = [f" #check-ok[· also ✓ {text(what)}]" for what in step.get("confirmed") or [] if isinstance(what, str)]
    return _base_check(step) + "".join(confirmed)


def _base_check(step: Mapping[str, Any]) -> str:
    kind = step.get("kind")
    method = step.get("method")
    if kind in ("definition", "assumption"):
        points = step.get("model_points")
        model = f" #check-ok[✓ the experiment's code agrees at {points} points]" if isinstance(points, int) else ""
        return f"#check-open[{kind}]{model}"
    if kind == "cited":
        reference = step.get("reference") or ""
        return "#check-open[cited]" + (f" {text(reference)}" if reference else "")
    if method == "sampled":
        slack = step.get("worst_slack")
        worst = f", worst slack {format_number(slack, 2)}" if isinstance(slack, (int, float)) else ""
        return f"#check-ok[✓ sampled {_points(step.get('points'))} points{worst}]"
    if method == "symbolic":
        detail = step.get("detail") or ""
        return f"#check-ok[✓ symbolic{' (' + text(detail) + ')' if detail else ''}]"
    if method == "computed":
        how = step.get("how") or ""
        uses = [u for u in (step.get("uses") or []) if isinstance(u, str)]
        source = f" from {prose(', '.join(uses))}" if uses else ""
        return f"#check-ok[✓ computed{' by ' + prose(how) if how else ''}{source}]"
    return "#check-none[unchecked]"


def counts(theory: Mapping[str, Any] | None) -> dict[str, int]:
    """Steps per kind of one claim's derivation (from its steps, so older results work too)."""
    out = {kind: 0 for kind in KINDS}
    for step in (theory or {}).get("steps") or []:
        if isinstance(step, Mapping):
            kind = str(step.get("kind") or "unchecked")
            out[kind] = out.get(kind, 0) + 1
    return out


def counts_cell(theory: Mapping[str, Any] | None) -> str:
    """Lines for the summary table: checked steps of all steps, and the cited ones (``steps 5/8 ✓, 1 cited``)."""
    found = counts(theory)
    total = sum(found.values())
    if not total:
        return ""
    checked = found["computed"] + found["identity"] + found["inequality"]
    cited = f", {found['cited']} cited" if found["cited"] else ""
    return f" #linebreak() #muted[steps {checked}/{total} ✓{cited}]"


def catalogue_rows(records: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Title-page rows: steps of the whole catalogue per kind, checked and cited shares."""
    total = {kind: 0 for kind in KINDS}
    sampled = 0
    for record in records:
        theory = record.get("theory") if isinstance(record.get("theory"), Mapping) else None
        for kind, n in counts(theory).items():
            total[kind] = total.get(kind, 0) + n
        steps = [s for s in (theory or {}).get("steps") or [] if isinstance(s, Mapping)]
        sampled += sum(s.get("method") == "sampled" for s in steps)
    steps = sum(total.values())
    if not steps:
        return []
    checked = total["computed"] + total["identity"] + total["inequality"]
    return [
        ["Derivation steps", str(steps)],
        ["Checked (computed, identity, inequality)",
         f"{checked} ({total['computed']}, {total['identity']}, {total['inequality']}; {sampled} sampled)"],
        ["Definitions and assumptions", f"{total['definition'] + total['assumption']}"],
        ["Cited", f"{total['cited']} ({100 * total['cited'] / steps:.1f} %)"],
    ]


PREAMBLE = """
#let check-ok(body) = text(size: 8.5pt, fill: rgb("#1b7a34"), body)
#let check-open(body) = text(size: 8.5pt, fill: luma(110), style: "italic", body)
#let check-none(body) = text(size: 8.5pt, fill: rgb("#c0262d"), body)
"""

"""The certificate leg in the report: one figure and one short section per certified claim.

Reads the ``certificate`` entry the runner wrote (convergence/certify.py): the
theory (or the bound judged), the certified worst case and the experiment's
worst instance against the grid variable, the tightness ratio, the solver and
its status. Without PEPit the section is one line saying certificates were not
computed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .figures import draw_figure
from .markup import format_number, raw, table, text, verdict_badge

SUFFIX = "-certificate"


def has_points(record: Mapping[str, Any]) -> bool:
    leg = record.get("certificate")
    return isinstance(leg, Mapping) and bool(leg.get("ran")) and bool(leg.get("points"))


def figure_spec(record: Mapping[str, Any]) -> dict[str, Any]:
    """Theory, certified worst case and the experiment's worst instance against the grid variable."""
    leg = record["certificate"]
    declaration = leg.get("declaration") or {}
    points = sorted(leg["points"], key=lambda p: p["x"])
    x = [p["x"] for p in points]
    bound = declaration.get("bound") or "theory"
    series = [
        {"label": "certified worst case (PEP)", "x": x, "y": [p["certified"] for p in points], "kind": "scatter",
         "role": "measured"},
        {"label": "theory" if bound == "the claim's result" else bound, "x": x, "y": [p["theory"] for p in points],
         "kind": "line", "role": "theory"},
    ]
    seen = [p for p in points if p.get("observed") is not None]
    if seen:
        series.append({"label": "experiment's worst instance", "x": [p["x"] for p in seen],
                       "y": [p["observed"] for p in seen], "kind": "scatter", "role": "measured"})
    if any(p.get("reference") is not None for p in points):
        series.append({"label": f"certified: {declaration.get('reference')}", "x": x,
                       "y": [p.get("reference") for p in points], "kind": "scatter", "role": "measured"})
    values = [v for s in series for v in s["y"] if v is not None]
    # Log scale only across more than a decade: log minor ticks (6×10⁻²) are wide and crowd the axis label.
    positive = all(v > 0 for v in values) and max(values) > 10 * min(values)
    return {"title": f"{record.get('id')}: certificate ({declaration.get('metric', '')})",
            "xlabel": str(declaration.get("variable", "x")), "ylabel": "worst case",  # the metric is in the title
            "xscale": "linear", "yscale": "log" if positive else "linear", "series": series}


def draw(record: Mapping[str, Any], out_dir: Path, figures_dir: str, stem: str, png: bool = False) -> str:
    """Draw the certificate figure (SVG; PNG too if asked); returns the SVG's path relative to the report."""
    folder, name = out_dir / figures_dir, f"{stem}{SUFFIX}"  # ids contain dots: no with_suffix
    draw_figure(figure_spec(record), folder / f"{name}.png" if png else None, folder / f"{name}.svg")
    return f"{figures_dir}/{stem}{SUFFIX}.svg"


def tightness_cell(record: Mapping[str, Any]) -> str:
    """The summary table's note: the tightness ratio theory/certified, or nothing."""
    leg = record.get("certificate")
    if not isinstance(leg, Mapping) or not leg.get("ran") or leg.get("tightness_min") is None:
        return ""
    low, high = format_number(leg["tightness_min"], 4), format_number(leg["tightness_max"], 4)
    return f" #linebreak() #muted[certificate {leg.get('verdict')}, tightness {low}–{high}]"


def section(record: Mapping[str, Any], figure_path: str | None) -> str:
    leg = record.get("certificate")
    if not isinstance(leg, Mapping):
        return ""
    if not leg.get("ran"):
        return f"=== Certificate\n#muted[{text(leg.get('reason') or 'certificates were not computed')}]\n"
    d = leg.get("declaration") or {}
    versions = leg.get("versions") or {}
    out = ["=== Certificate (performance estimation)",
           f"Worst case of {text(d.get('method', ''))} over {text(d.get('function_class', ''))}: metric "
           f"{text(d.get('metric', ''))}, initial condition {text(d.get('initial', ''))}; judged: "
           f"{text(d.get('bound', ''))}. Solved with {raw('PEPit ' + versions.get('pepit', '?'))}, "
           f"{raw('Clarabel ' + versions.get('clarabel', '?'))} through {raw('CVXPY ' + versions.get('cvxpy', '?'))}, "
           f"accuracy rtol {format_number(d.get('rtol'))}."]
    if figure_path:
        out.append(f"#figure(image(\"{figure_path}\", width: 80%), caption: [Theory (black dashed), certified "
                   f"worst case and the experiment's worst instance against {text(d.get('variable', ''))}.])")
    has_ref = any(p.get("reference") is not None for p in leg.get("points") or [])
    headers = [text(d.get("variable", "x")), "theory", "certified", "tightness", "experiment", "status"]
    if has_ref:
        headers.insert(5, text(f"÷ {d.get('reference')}"))
    rows = []
    for p in leg.get("points") or []:
        row = [format_number(p.get("x"), 6), format_number(p.get("theory"), 8), format_number(p.get("certified"), 8),
               format_number(p.get("tightness"), 8),
               "—" if p.get("observed") is None else format_number(p.get("observed"), 8),
               text(f"{p.get('status')}, gap {p.get('gap', 0):.1e}")]
        if has_ref:
            row.insert(5, format_number(p.get("ratio_to_reference"), 4))
        rows.append(row)
    out.append(table("(" + ", ".join(["auto"] * len(headers)) + ")", headers, rows))
    out.append(f"{verdict_badge(leg.get('verdict'))} #h(0.4em) {text(leg.get('summary') or '')}")
    if leg.get("mutants_refuted"):
        out.append(f"#muted[Mutants below the certified worst case: {text('; '.join(leg['mutants_refuted']))}.]")
    return "\n\n".join(out) + "\n"

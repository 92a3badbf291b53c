"""The report as Typst source, built from the results dict alone.

All text from the results enters through :mod:`reports.markup` (as Typst string
literals, so nothing in it is interpreted). The only source spliced in verbatim
is math that the theory printer produced (``step["typst"]``,
``theory["typst"]``, mutant ``typst``): it is Typst math by contract, and a
printer bug there is meant to fail the compilation loudly.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import certificate_section
from .derivation_checks import PREAMBLE as CHECK_PREAMBLE
from .derivation_checks import catalogue_rows, counts_cell, prose, step_check
from .markup import (
    as_float_array,
    display_math,
    format_number,
    format_value,
    ident,
    raw,
    raw_block,
    table,
    text,
    typst_string,
    verdict_badge,
)
from .resolution_text import misses_note, section_field, summary_cell
from .unverifiable import UNVERIFIABLE

TITLE = "Convergence claims: derived, measured, judged"
TITLE_FIRST, TITLE_SECOND = "Convergence claims:", "derived, measured, judged"
VERDICTS = ("CONFIRMED", "REFUTED", "INCONCLUSIVE", "ERROR")
FAMILY_NAMES = {
    "gd": "Gradient descent",
    "momentum": "Momentum (heavy ball)",
    "nesterov": "Nesterov",
    "sgd": "Stochastic gradients",
    "schedule": "Learning-rate schedules",
    "adam": "Adam",
    "vr": "Variance reduction",
    "saddle": "Saddle points",
    "minima": "Minima",
}
MAX_TABLE_POINTS = 12  # up to this many points, theory and measurement are tabulated point by point
TRACEBACK_LINES = 25


def family_of(record: Mapping[str, Any]) -> str:
    claim_id = str(record.get("id") or "")
    return claim_id.split(".", 1)[0] if "." in claim_id else (record.get("family") or claim_id or "other")


def family_heading(family: str) -> str:
    return FAMILY_NAMES.get(family, family)


def passed(record: Mapping[str, Any]) -> bool:
    if isinstance(record.get("passed"), bool):
        return record["passed"]
    mutants = record.get("mutants") or []
    return record.get("verdict") == record.get("expected") and all(m.get("killed") for m in mutants)


def claim_label(claim_id: Any) -> str:
    return typst_string(f"claim:{claim_id}")


def _date(created: Any) -> str:
    parsed = parse_created(created)
    if parsed is None:
        return str(created or "unknown date")
    return parsed.strftime("%-d %B %Y, %H:%M UTC")


def parse_created(created: Any) -> dt.datetime | None:
    """The results' creation time (ISO 8601, ``Z`` for UTC), or ``None``."""
    if not isinstance(created, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


# ----------------------------------------------------------------------------------------------
# The document
# ----------------------------------------------------------------------------------------------

PREAMBLE = r"""
#let verdict-colours = (
  CONFIRMED: rgb("#1b7a34"),
  REFUTED: rgb("#c0262d"),
  INCONCLUSIVE: rgb("#d9730d"),
  ERROR: rgb("#7b2fa6"),
)
#let verdict(v) = {
  let c = verdict-colours.at(v, default: luma(80))
  box(fill: c.lighten(88%), stroke: 0.5pt + c, inset: (x: 3pt, y: 1.5pt), outset: (y: 1pt), radius: 2pt,
      text(fill: c, weight: "bold", size: 0.82em, v))
}
#let pass-mark = text(fill: rgb("#1b7a34"), weight: "bold")[✓ pass]
#let fail-mark = text(fill: rgb("#c0262d"), weight: "bold")[✗ FAIL]
#let mismatch = text(fill: rgb("#c0262d"), weight: "bold", size: 0.82em)[≠ expected]
#let muted(body) = text(fill: luma(100), size: 0.85em, body)
// A run-in heading that stays on the page of what follows it.
#let subhead(body) = block(sticky: true, above: 1em, below: 0.6em, text(weight: "bold", body))
#let field(name, body) = par(hanging-indent: 1.2em)[#text(weight: "bold", name): #body]

#set document(title: "TITLE_PLACEHOLDER", author: "convergence verification suite")
#set page(paper: "a4", margin: (x: 2.3cm, top: 2.5cm, bottom: 2.5cm))
#set text(font: "New Computer Modern", size: 11pt, lang: "en")
#show math.equation: set text(font: "New Computer Modern Math")
#show raw: set text(font: "DejaVu Sans Mono", size: 8.5pt)
#set par(justify: true)
#set heading(numbering: "1.1")
#show heading.where(level: 3): set heading(numbering: none, outlined: false)
#show heading.where(level: 1): set block(above: 1.6em, below: 1em)
#show heading.where(level: 3): set text(size: 11pt)
#show heading.where(level: 3): set block(above: 1.2em, below: 0.7em)
#set table(
  stroke: (x, y) => if y == 0 { (top: 0.8pt + luma(90), bottom: 0.6pt + luma(90)) }
                    else { (bottom: 0.3pt + luma(200)) },
  inset: (x: 5pt, y: 4pt),
  align: left + top,
)
#show table: set text(size: 9pt)
#show table: set par(justify: false)
#show table.cell.where(y: 0): set text(weight: "bold")
#show figure.caption: set text(size: 9pt)
#show quote.where(block: true): it => block(
  width: 100%, inset: (left: 10pt, y: 4pt), stroke: (left: 2pt + luma(190)), text(style: "italic", it.body)
    + if it.attribution != none { linebreak() + align(right, text(style: "normal", size: 9pt, [— ] + it.attribution)) },
)
#show link: set text(fill: rgb("#1f4e99"))
""".replace("TITLE_PLACEHOLDER", TITLE)


def render_document(
    results: Mapping[str, Any],
    figure_paths: Mapping[str, str] | None = None,
    figure_errors: Mapping[str, str] | None = None,
) -> str:
    """The full Typst source of the report.

    Args:
        results: the results.json dict.
        figure_paths: claim id -> image path relative to the document (figures/<id>.svg).
        figure_errors: claim id -> why its figure could not be drawn (shown in place of it).
    """
    figure_paths = figure_paths or {}
    figure_errors = figure_errors or {}
    records = [r for r in (results.get("claims") or []) if isinstance(r, Mapping)]
    labelled = {str(r.get("id")) for r in records}  # every id gets a section, hence a link target
    emitted: set[str] = set()
    parts = [
        PREAMBLE,
        CHECK_PREAMBLE,
        _title_page(results, records),
        _contents(),
        _summary(records, labelled),
        _corrections(records, labelled),
    ]
    for family, members in _by_family(records):
        parts.append(f"#pagebreak(weak: true)\n= {text(family_heading(family))}\n")
        for record in members:
            parts.append(_claim_section(record, labelled, emitted, figure_paths, figure_errors))
    parts.append(_appendix(results))
    return "\n".join(parts)


def _link(claim_id: Any, labelled: set[str], size: str = "0.9em") -> str:
    """The id in monospace, linked to its section when it has one."""
    if str(claim_id) in labelled:
        return f"#link(label({claim_label(claim_id)}))[{ident(claim_id, size)}];"
    return ident(claim_id, size)


def _by_family(records: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        groups.setdefault(family_of(record), []).append(record)
    known = [f for f in FAMILY_NAMES if f in groups]
    unknown = sorted(f for f in groups if f not in FAMILY_NAMES)
    return [(f, groups[f]) for f in known + unknown]


def _title_page(results: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> str:
    n = len(records)
    as_expected = sum(r.get("verdict") == r.get("expected") for r in records)
    n_passed = sum(passed(r) for r in records)
    mutants = [m for r in records for m in (r.get("mutants") or []) if isinstance(m, Mapping)]
    killed = sum(bool(m.get("killed")) for m in mutants)
    counts: dict[str, int] = {}
    for record in records:
        counts[str(record.get("verdict"))] = counts.get(str(record.get("verdict")), 0) + 1
    order = [v for v in VERDICTS if v in counts] + sorted(v for v in counts if v not in VERDICTS)
    verdict_rows = [[verdict_badge(v), str(counts[v])] for v in order]
    if n == 0:
        status = "#text(weight: \"bold\", size: 14pt)[No claims in these results]"
    elif n_passed == n:
        status = "#text(fill: rgb(\"#1b7a34\"), weight: \"bold\", size: 14pt)[All claims pass]"
    else:
        status = f"#text(fill: rgb(\"#c0262d\"), weight: \"bold\", size: 14pt)[{n - n_passed} of {n} claims fail]"
    cached = sum(bool(r.get("cached")) for r in records)
    overrides = results.get("overrides") if isinstance(results.get("overrides"), Mapping) else {}
    if results.get("standard") is False or overrides:
        status += ("\n    #v(0.8em)\n    #text(fill: rgb(\"#c0262d\"), weight: \"bold\", size: 12pt)"
                   f"[{text('Non-standard run: parameters overridden')}] \\\n    "
                   + ", ".join(f"{raw(k)} = {format_value(v)}" for k, v in overrides.items()))
    meta_rows = [
        ["Date", text(_date(results.get("created")))],
        ["Master seed", raw(results.get("seed", "unknown"))],
        ["Profile", raw(results.get("profile", "unknown"))],
        ["Claims", str(n)],
        ["Verdicts as expected", f"{as_expected} of {n}"],
        ["Mutants refuted", f"{killed} of {len(mutants)}"],
        ["Claims passing", f"{n_passed} of {n}"],
        *catalogue_rows(records),
    ]
    if cached:
        meta_rows.append(["Records from the cache", f"{cached} of {n}"])
    return f"""
#page(numbering: none)[
  #v(4cm)
  #align(center)[
    #set par(justify: false)
    #text(size: 24pt, weight: "bold", hyphenate: false)[{text(TITLE_FIRST)} \\ {text(TITLE_SECOND)}]
    #v(0.6em)
    #text(size: 13pt, fill: luma(70))[A report of the convergence verification suite]
    #v(2.2cm)
    {status}
    #v(1.2em)
    #grid(columns: (auto, auto), align: (left, right), column-gutter: 2em, row-gutter: 0.65em,
      {", ".join(f"[{k}], [{v}]" for k, v in meta_rows)})
    #v(1.2em)
    #table(columns: (auto, auto), align: (left, right), inset: (x: 8pt, y: 4pt),
      table.header([Verdict], [Claims]),
      {", ".join(f"[{k}], [{v}]" for k, v in verdict_rows) or "[—], [0]"})
  ]
  #v(1fr)
  #align(center, muted[A claim passes when its verdict equals the expected verdict and every mutant (a plausible
  wrong theory) is refuted by the same experiment. Wrong statements from the source texts are expected to be
  REFUTED.])
]
#set page(numbering: "1", header: [
  #set text(size: 8.5pt, fill: luma(110))
  {text(TITLE)} #h(1fr) {text(f"seed {results.get('seed', '?')}, profile {results.get('profile', '?')}")}
])
#counter(page).update(1)
"""


def _contents() -> str:
    return "#outline(title: [Contents], depth: 2, indent: auto)\n"


# Small enough that the longest ids (~35 characters) fit the first column on one line, so the
# PDF's text layer holds them unbroken (searchable); longer ones still break after . or -.
SUMMARY_ID_SIZE = "0.75em"


def _summary(records: Sequence[Mapping[str, Any]], labelled: set[str]) -> str:
    rows = []
    mismatched = []
    for index, record in enumerate(records, start=1):
        verdict, expected = record.get("verdict"), record.get("expected")
        verdict_cell = verdict_badge(verdict)
        if verdict != expected:
            verdict_cell += " #linebreak() #mismatch"
            mismatched.append(index)
        margin = format_number(record.get("margin"))
        if record.get("margin_label"):
            margin += f" #linebreak() #muted[{text(record['margin_label'])}]"
        mutants = [m for m in (record.get("mutants") or []) if isinstance(m, Mapping)]
        killed = sum(bool(m.get("killed")) for m in mutants)
        result = "#pass-mark" if passed(record) else "#fail-mark"
        result += f" #linebreak() #muted[mutants {killed}/{len(mutants)}]" + certificate_section.tightness_cell(record)
        result += counts_cell(record.get("theory") if isinstance(record.get("theory"), Mapping) else None)
        if record.get("runtime_s") is not None:  # runtime under the result: the id column keeps its width
            cached = " (cached)" if record.get("cached") else ""
            result += f" #linebreak() #muted[{format_number(record.get('runtime_s'), 3)} s{cached}]"
        rows.append([
            f"{_link(record.get('id'), labelled, SUMMARY_ID_SIZE)} #linebreak()"
            f" #muted[{text(record.get('kind') or '—')}]",
            text(expected or "—"),
            verdict_cell,
            result,
            margin,
            summary_cell(record),
        ])
    fill = f"fill: (x, y) => if y in ({', '.join(map(str, mismatched))},) {{ rgb(\"#c0262d\").lighten(92%) }}"
    summary_table = table(
        "(1fr, auto, auto, auto, 2.0cm, 2.2cm)",
        ["Claim (comparison kind)", "Expected", "Verdict", "Result", "Margin", "Resolves"],
        rows,
        extra=fill if mismatched else "",
    )
    return f"""= Summary
Every claim checked in this run, with its comparison kind, the verdict the source text leads us to expect,
the verdict measured, how many mutants the experiment refuted, and the margin: how far the decisive number was
from the tolerance, in the unit named under it. "Resolves" is the smallest change of the theory the same
measurement refutes (each direction; for bounds how close the worst instance comes; for a refuted statement
by how much it misses), with its goal. Under the result, "steps": how many of the derivation's steps were
checked when the claim loaded (computed by SymPy from earlier steps, or an identity or inequality proved or
sampled), out of all its steps; the others are definitions, assumptions or cited results.
Rows shaded red have a verdict that differs from the expected one.

{summary_table}
{misses_note(records, lambda claim_id: _link(claim_id, labelled))}
"""


def _corrections(records: Sequence[Mapping[str, Any]], labelled: set[str]) -> str:
    by_id = {str(r.get("id")): r for r in records}
    rows = []
    for record in records:
        target = record.get("corrects")
        if target is None or target == "":
            continue
        source = record.get("source") if isinstance(record.get("source"), Mapping) else {}
        seed_cell = _link(record.get("id"), labelled)
        if source.get("where"):
            seed_cell += f" #linebreak() #muted[{text(source['where'])}]"
        corrected = by_id.get(str(target))
        if corrected is None:
            corrected_cell = f"{raw(target)} #linebreak() #muted[not among the claims of this run]"
        else:
            corrected_cell = f"{_link(target, labelled)} {verdict_badge(corrected.get('verdict'))} #linebreak() " \
                             f"{text(corrected.get('statement') or '')}"
        verdict_cell = verdict_badge(record.get("verdict"))
        if record.get("verdict") != record.get("expected"):
            verdict_cell += " #linebreak() #mismatch"
        rows.append([seed_cell, f"#emph[{text(source.get('quote') or '')}]", verdict_cell, corrected_cell])
    intro = ("Statements quoted from the source texts that are wrong as written. Each is checked as stated (and "
             "expected to be REFUTED) and points to the claim that states the corrected version.")
    if not rows:
        none = "#muted[No claim of this run corrects a seed statement.]"
        return f"= Seed statements corrected\n{text(intro)}\n\n{none}\n"
    return "= Seed statements corrected\n" + text(intro) + "\n\n" + table(
        "(auto, 1.3fr, auto, 1.5fr)", ["Seed claim", "Source quote", "Verdict", "Corrected claim"], rows
    ) + "\n"


# ----------------------------------------------------------------------------------------------
# One claim
# ----------------------------------------------------------------------------------------------

def _claim_section(
    record: Mapping[str, Any],
    labelled: set[str],
    emitted: set[str],
    figure_paths: Mapping[str, str],
    figure_errors: Mapping[str, str],
) -> str:
    claim_id = str(record.get("id"))
    title = record.get("title") or claim_id
    heading = f"#heading(level: 2, {typst_string(title)})"
    if claim_id in emitted:  # a duplicated id: a label that occurs twice could not be linked to
        out = [heading]
    else:
        emitted.add(claim_id)
        out = [f"#[{heading} #label({claim_label(claim_id)})]"]
    verdict, expected = record.get("verdict"), record.get("expected")
    line = [
        raw(claim_id),
        f"kind {text(record.get('kind') or '—')}",
        f"expected {text(expected or '—')}",
        f"verdict {verdict_badge(verdict)}" + (" #mismatch" if verdict != expected else ""),
        "#pass-mark" if passed(record) else "#fail-mark",
    ]
    if record.get("runtime_s") is not None:
        line.append(f"{format_number(record.get('runtime_s'), 3)} s" + (" (cached)" if record.get("cached") else ""))
    out.append(" #h(0.6em)·#h(0.6em) ".join(line) + "\n")
    if record.get("statement"):
        out.append(
            "#block(width: 100%, fill: luma(246), inset: 8pt, radius: 2pt)"
            f"[#text(weight: \"bold\")[Statement.] {text(record['statement'])}]\n"
        )
    source = record.get("source") or {}
    if isinstance(source, Mapping) and source.get("quote"):
        attribution = f", attribution: [{text(source['where'])}]" if source.get("where") else ""
        out.append(f"#quote(block: true{attribution})[{text(source['quote'])}]\n")
    elif isinstance(source, Mapping) and source.get("where"):
        out.append(f"#field([Source], [{text(source['where'])}])\n")
    if record.get("corrects"):
        out.append(f"#field([Corrects], [{_link(record['corrects'], labelled)}])\n")
    references = record.get("references") or []
    references = [references] if isinstance(references, str) else [r for r in references if r]
    if references:
        out.append("#field([References], [])\n" + "\n".join(f"- {text(r)}" for r in references) + "\n")
    if record.get("notes"):
        out.append(f"#field([Notes], [{text(record['notes'])}])\n")

    theory = record.get("theory")
    if isinstance(theory, Mapping):
        out.append(_derivation(theory))
    out.append(_experiment(record, figure_paths, figure_errors))
    out.append(_verdict(record))
    out.append(certificate_section.section(record, figure_paths.get(claim_id + certificate_section.SUFFIX)))
    if verdict == "ERROR" or record.get("error"):
        out.append(_error(record))
    return "\n".join(out)


def _derivation(theory: Mapping[str, Any]) -> str:
    out = ["=== Derivation"]
    for number, step in enumerate(theory.get("steps") or [], start=1):
        if not isinstance(step, Mapping):
            continue
        out.append(f"#subhead[{number}. {prose(step.get('label') or 'Step')}]")
        out.append(display_math(step.get("typst")))
        out.append(step_check(step) + (f" #h(0.5em) #muted[{prose(step['justification'])}]"
                                       if step.get("justification") else "") + "\n")
    assumptions = [a for a in (theory.get("assumptions") or []) if a]
    if assumptions:
        out.append("#field([Assumptions], [" + "; ".join(raw(a) for a in assumptions) + "])")
    out.append("#subhead[Result:]")
    out.append(display_math(theory.get("typst")))
    return "\n".join(out) + "\n"


def _experiment(record: Mapping[str, Any], figure_paths: Mapping[str, str], figure_errors: Mapping[str, str]) -> str:
    out = ["=== Experiment"]
    facts = []
    if record.get("seed") is not None:
        facts.append(f"master seed {raw(record['seed'])}")
    if record.get("profile"):
        facts.append(f"profile {raw(record['profile'])}")
    if record.get("samples") is not None:
        facts.append(f"{format_number(record['samples'])} independent runs per point")
    if record.get("path"):
        facts.append(f"claim file {raw(record['path'])}")
    if facts:
        out.append(", ".join(facts).join(("Run with ", ".")))
    if record.get("cached"):
        out.append("#muted[" + text("Record reused from the result cache: the claim file, every module it imports, "
                                    "the seed and the versions are byte for byte those of the run that made it.")
                   + "]")
    overrides = record.get("overrides")
    if isinstance(overrides, Mapping) and overrides:
        out.append(f"#text(fill: rgb(\"#c0262d\"))[{text('Non-standard parameters (set on the command line): ')}"
                   + ", ".join(f"{raw(k)} = {format_value(v)}" for k, v in overrides.items()) + "]")
    params = record.get("params")
    if isinstance(params, Mapping) and params:
        symbols = record.get("symbols") if isinstance(record.get("symbols"), Mapping) else {}
        rows = [[raw(k), raw(symbols[k]) if k in symbols else "", format_value(v)] for k, v in params.items()]
        out.append(table("(auto, auto, 1fr)", ["Parameter", "Theory symbol", "Value"], rows))
    claim_id = str(record.get("id"))
    spec = record.get("figure")
    if claim_id in figure_paths:
        title = spec.get("title") if isinstance(spec, Mapping) and spec.get("title") else claim_id
        if str(title).count("$") % 2 == 0:  # matplotlib mathtext fences mean nothing in the caption
            title = str(title).replace("$", "")
        caption = text(title)
        caption += " " + text(_figure_legend(spec))
        out.append(f"#figure(image({typst_string(figure_paths[claim_id])}, width: 92%), caption: [{caption}])")
    elif claim_id in figure_errors:
        out.append(f"#muted[The figure could not be drawn: {text(figure_errors[claim_id])}]")
    elif record.get("verdict") != "ERROR":
        out.append("#muted[This claim has no figure.]")
    return "\n\n".join(out) + "\n"


def _figure_legend(spec: Any) -> str:
    if not isinstance(spec, Mapping):
        return ""
    roles = {s.get("role") or "measured" for s in spec.get("series") or [] if isinstance(s, Mapping)}
    parts = []
    if "measured" in roles:
        parts.append("measured (colours, with intervals where shown)")
    if "theory" in roles:
        parts.append("theory (black dashed)")
    if "mutant" in roles:
        parts.append("mutants (grey dotted)")
    return ("— " + "; ".join(parts) + ".") if parts else ""


def _verdict(record: Mapping[str, Any]) -> str:
    out = ["=== Verdict"]
    out.append(f"{verdict_badge(record.get('verdict'))} #h(0.4em) {text(record.get('summary') or '')}\n")
    if "margin" in record:
        margin = format_number(record.get("margin"))
        label = f" ({text(record['margin_label'])})" if record.get("margin_label") else ""
        out.append(f"#field([Margin], [{margin}{label}])")
    if record.get("resolution"):
        out.append(section_field(record))
    tolerance = record.get("tolerance")
    if isinstance(tolerance, Mapping) and tolerance:
        out.append("#field([Tolerance], [" + ", ".join(f"{raw(k)} = {format_value(v)}"
                                                       for k, v in tolerance.items()) + "])")
    if record.get("level") is not None:
        out.append(f"#field([Level], [$alpha$ = {format_number(record['level'])}])")
    out.append(_values(record))
    for key, heading in (("comparison_details", "Comparison details"), ("details", "Measurement details")):
        details = record.get(key)
        if isinstance(details, Mapping) and details:
            rows = [[raw(k), format_value(v)] for k, v in details.items()]
            out.append(f"#subhead[{heading}]\n" + table("(auto, 1fr)", ["Quantity", "Value"], rows))
    mutants = [m for m in (record.get("mutants") or []) if isinstance(m, Mapping)]
    if mutants:
        rows = []
        for m in mutants:
            description = text(m.get("description") or "")
            if m.get("summary"):
                description += f" #linebreak() #muted[{text(m['summary'])}]"
            # Display style: inline fractions in a 9pt table cell are too small to read.
            expression = display_math(m["typst"]) if m.get("typst") else raw(m.get("expression") or "")
            killed = "#text(fill: rgb(\"#1b7a34\"))[yes]" if m.get("killed") else \
                "#text(fill: rgb(\"#c0262d\"), weight: \"bold\")[no — survived]"
            rows.append([description, expression, verdict_badge(m.get("verdict")), killed])
        out.append("#subhead[Mutants #muted[(plausible wrong theories the same experiment must refute)]]\n"
                   + table("(1.6fr, 1fr, auto, auto)", ["Mutant", "Expression", "Verdict", "Killed"], rows))
    return "\n\n".join(out) + "\n"


def _values(record: Mapping[str, Any]) -> str:
    """Theory against measurement: point by point when few, summary statistics otherwise."""
    theory = as_float_array(record.get("theory_values"))
    measured = as_float_array(record.get("measured_values"))
    if theory is None and measured is None:
        return ""
    stderr = as_float_array(record.get("stderr"))
    interval = record.get("interval")
    lower = upper = None
    if isinstance(interval, list) and len(interval) == 2:
        lower, upper = as_float_array(interval[0]), as_float_array(interval[1])
    raw_inputs = record.get("inputs") if isinstance(record.get("inputs"), Mapping) else {}
    inputs = {str(k): as_float_array(v) for k, v in raw_inputs.items()}
    inputs = {k: v for k, v in inputs.items() if v is not None}

    columns: dict[str, np.ndarray] = {}
    for name, array in (("theory", theory), ("measured", measured), ("stderr", stderr),
                        ("lower", lower), ("upper", upper)):
        if array is not None:
            columns[name] = array
    varying = {k: v for k, v in inputs.items() if v.size > 1}
    fixed = {k: v for k, v in inputs.items() if v.size == 1}
    try:
        shapes = [a.shape for a in (*columns.values(), *varying.values())]
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        varying = {}
        try:
            shape = np.broadcast_shapes(*(a.shape for a in columns.values()))
        except ValueError:
            return ("#muted[Theory and measured values have shapes that do not match; "
                    "they are in results.json.]")
    size = int(np.prod(shape)) if shape else 1
    cols = {k: np.broadcast_to(v, shape).ravel() for k, v in columns.items()}
    ins = {k: np.broadcast_to(v, shape).ravel() for k, v in varying.items()}
    with np.errstate(all="ignore"):
        if "theory" in cols and "measured" in cols:
            t, m = cols["theory"], cols["measured"]
            cols["reldiff"] = np.where(t != 0, np.abs(m - t) / np.abs(t), np.abs(m - t))

    out = []
    if fixed:
        out.append("#field([Fixed inputs], [" + ", ".join(f"{raw(k)} = {format_number(float(v.ravel()[0]))}"
                                                           for k, v in fixed.items()) + "])")
    if size <= MAX_TABLE_POINTS:
        header = ["\\#"] + [raw(k) for k in ins]
        names = []
        for name, heading in (("theory", "Theory"), ("measured", "Measured"), ("stderr", "Std. error"),
                              ("lower", "Interval low"), ("upper", "Interval high"),
                              ("reldiff", "Rel. difference")):
            if name in cols:
                names.append(name)
                header.append(heading)
        rows = []
        for i in range(size):
            row = [str(i + 1)] + [_num(ins[k][i]) for k in ins] + [_num(cols[n][i]) for n in names]
            rows.append(row)
        out.append(table(f"({', '.join(['auto'] * len(header))})", header, rows))
    else:
        rows = []
        for name, heading in (("theory", "Theory"), ("measured", "Measured"), ("stderr", "Std. error"),
                              ("reldiff", "Rel. difference")):
            if name in cols:
                rows.append([heading, *_stats(cols[name])])
        if "lower" in cols and "upper" in cols:
            with np.errstate(all="ignore"):
                rows.append(["Interval width", *_stats(cols["upper"] - cols["lower"])])
        out.append(f"{size} points; summary statistics over the points (the values are in results.json).\n\n"
                   + table("(auto, auto, auto, auto, auto)", ["", "Finite", "Min", "Median", "Max"], rows))
    if "reldiff" in cols:
        zero_theory = bool(np.any(cols["theory"] == 0))
        out.append("#muted[Rel. difference: |measured − theory| / |theory|"
                   + ("; the absolute difference where the theory value is 0" if zero_theory else "") + ".]")
    return "\n\n".join(out)


def _num(value: Any) -> str:
    value = float(value)
    return format_number(None if math.isnan(value) else value)  # NaN is a JSON null: missing data


def _stats(values: np.ndarray) -> list[str]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return [f"0 of {values.size}", "—", "—", "—"]
    return [f"{finite.size} of {values.size}", format_number(float(finite.min())),
            format_number(float(np.median(finite))), format_number(float(finite.max()))]


def _error(record: Mapping[str, Any]) -> str:
    out = ["=== Error", "The last lines of the traceback recorded by the runner:" if record.get("error")
           else text(record.get("summary") or "The claim raised an error.")]
    error = record.get("error")
    if error:
        lines = str(error).rstrip().splitlines()
        shown = lines[-TRACEBACK_LINES:]
        if len(lines) > len(shown):
            shown = [f"... ({len(lines) - len(shown)} earlier lines omitted)"] + shown
        out.append(raw_block("\n".join(shown)))
    return "\n\n".join(out) + "\n"


# ----------------------------------------------------------------------------------------------
# Appendix
# ----------------------------------------------------------------------------------------------

def _appendix(results: Mapping[str, Any]) -> str:
    rows = [[f"*{text(u.topic)}* #linebreak() {text(u.statement)}", text(", ".join(u.seeds)), text(u.reason)]
            for u in UNVERIFIABLE]
    environment = results.get("environment") if isinstance(results.get("environment"), Mapping) else {}
    env_rows = [[raw(k), raw(v if isinstance(v, str) else json.dumps(v, default=str))]
                for k, v in environment.items()]
    env_table = table("(auto, 1fr)", ["Key", "Value"], env_rows) if env_rows else "#muted[Not recorded.]"
    created = f"#field([Results], [schema version {raw(results.get('schema_version', 'unknown'))}, created " \
              f"{raw(results.get('created') or 'unknown')}])"
    return f"""
#counter(heading).update(0)
#set heading(numbering: "A.1")
#pagebreak(weak: true)
= Statements not verifiable here
Statements in the source texts that no experiment in this suite can decide, with the seed texts they come from
and the reason.

{table("(1.2fr, auto, 2fr)", ["Statement", "Seeds", "Why it cannot be decided here"], rows)}

= Environment and reproduction
== Environment
{env_table}

{created}

== Command to reproduce
{raw_block(results.get("command") or "(not recorded)")}
"""

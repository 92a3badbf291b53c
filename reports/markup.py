"""Typst markup for values from the results: escaping, numbers, identifiers, tables.

Escaping rule (the one that keeps hostile text harmless): every piece of text
that comes from the results (statements, quotes, labels, parameter names,
tracebacks) enters the document as a Typst *string literal* -- ``#"...";`` in
markup, or a ``"..."`` argument in code -- never as markup. Inside a string
literal only ``\\``, ``"`` and control characters are special, and
:func:`typst_string` escapes exactly those, so ``#``, ``$``, ``*``, ``_``,
``@``, ``<x>``, backticks and brackets print as themselves. The trailing ``;``
ends the embedded expression, so a following ``.name`` or ``(`` or ``[`` can
never be read as a method call or an argument.

Every function here returns markup (a fragment of a Typst document).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

MAX_LISTED_VALUES = 6  # longer arrays are summarised as "n values in [min, max]"
MAX_DICT_ITEMS = 12  # smaller dicts are listed key by key, larger ones shown as (truncated) JSON


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": ""}
# Quotes, backslashes, control characters, Unicode line separators, and lone surrogates
# (which cannot even be written as UTF-8).
_SPECIAL = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]')


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    if "\ud800" <= char <= "\udfff":
        return "\\u{fffd}"
    return f"\\u{{{ord(char):x}}}"


def typst_string(value: Any) -> str:
    """A Typst string literal (with quotes) whose value is ``str(value)``."""
    return '"' + _SPECIAL.sub(_escape, str(value)) + '"'


def text(value: Any) -> str:
    """Plain text as markup: nothing in ``value`` is interpreted."""
    if value is None or value == "":
        return ""
    return f"#{typst_string(value)};"


def raw(value: Any) -> str:
    """Monospace inline text (identifiers, parameter names)."""
    return f"#raw({typst_string(value)});"


_BREAK_AFTER = re.compile(r"(?<=[._/-])")


def ident(value: Any, size: str = "0.9em") -> str:
    """An identifier in monospace that may break after ``.``, ``_``, ``-`` or ``/`` (narrow table cells).

    The pieces between those characters are set in adjacent boxes: a line may
    break between two boxes, but nothing is inserted into the text, so the PDF's
    text layer holds the identifier verbatim (searchable, and copyable into
    ``convergence show``). Zero-width spaces would allow the same breaks but
    end up in every copied or searched id.
    """
    pieces = [piece for piece in _BREAK_AFTER.split(str(value)) if piece]
    boxes = "".join(f"#box({typst_string(piece)});" for piece in pieces)
    return f"#text(font: \"DejaVu Sans Mono\", size: {size}, hyphenate: false)[{boxes}];"


def raw_block(value: Any) -> str:
    return f"#block(width: 100%, fill: luma(245), inset: 6pt, radius: 2pt, raw(block: true, {typst_string(value)}))"


def display_math(source: Any) -> str:
    source = str(source or "").strip()
    if not source:
        return text("(no expression)")
    return f"$ {source} $"


def verdict_badge(verdict: Any) -> str:
    return f"#verdict({typst_string(verdict or 'NONE')});"


def format_number(value: Any, digits: int = 4) -> str:
    """A number as markup: ``—`` for missing, scientific notation as ``1.2 × 10^−5``."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value).replace("-", "−")
    if not isinstance(value, float):
        return text(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e5:
        if value.is_integer():
            return str(int(value)).replace("-", "−")
        plain = f"{value:.{digits}g}"
        if "e" not in plain:
            return plain.replace("-", "−")
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    exponent_value = int(exponent)
    if mantissa in ("1", "-1"):
        return f"${'-' if mantissa == '-1' else ''}10^({exponent_value})$"
    return f"${mantissa} times 10^({exponent_value})$"


def format_value(value: Any) -> str:
    """Any JSON value compactly: numbers formatted, long arrays summarised, dicts as JSON."""
    if value is None or isinstance(value, (bool, int, float)):
        return format_number(value)
    if isinstance(value, str):
        return text(value)
    if isinstance(value, list):
        flat = _flatten(value)
        if flat is not None:
            if len(flat) == 0:
                return "(empty)"
            if len(flat) <= MAX_LISTED_VALUES and _depth(value) == 1:
                return "[" + ", ".join(format_number(v) for v in flat) + "]"
            finite = [v for v in flat if v is not None and math.isfinite(v)]
            if not finite:
                return f"{len(flat)} values, none finite"
            summary = f"{len(flat)} values in [{format_number(min(finite))}, {format_number(max(finite))}]"
            missing = len(flat) - len(finite)
            return summary + (f" ({missing} non-finite)" if missing else "")
    if isinstance(value, dict) and 0 < len(value) <= MAX_DICT_ITEMS:
        return " #linebreak() ".join(f"{raw(k)}: {format_value(v)}" for k, v in value.items())
    dumped = json.dumps(value, default=str, ensure_ascii=False)
    return raw(dumped if len(dumped) <= 160 else dumped[:157] + "...")


def _flatten(value: Any) -> list[float | None] | None:
    """Numeric leaves of a nested list (``None`` kept), or ``None`` if not all numeric."""
    out: list[float | None] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif item is None:
            out.append(None)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            out.append(float(item))
        else:
            return None
    return out


def _depth(value: Any) -> int:
    depth = 0
    while isinstance(value, list) and value:
        depth += 1
        value = value[0]
    return depth


def as_float_array(value: Any) -> np.ndarray | None:
    """JSON numbers or nested lists as floats (``None`` -> NaN); ``None`` if not numeric or ragged."""
    if value is None or isinstance(value, (str, dict, bool)):
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def table(columns: str, header: Sequence[str], rows: Iterable[Sequence[str]], *, extra: str = "") -> str:
    """A table; cells are markup, each wrapped in a content block."""
    cells = [f"table.header({', '.join(f'[{h}]' for h in header)})"]
    for row in rows:
        cells.append(", ".join(f"[{cell}]" for cell in row))
    extra = f"{extra}, " if extra else ""
    return f"#table(columns: {columns}, {extra}\n  " + ",\n  ".join(cells) + ",\n)"

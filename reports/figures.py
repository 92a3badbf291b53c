"""Draw one figure spec (the ``figure`` dict of a result record) with matplotlib.

The spec is plain JSON data written by the runner; nothing is re-computed here.
A ``null`` value (JSON has no NaN: a diverged or undefined point) becomes NaN,
so matplotlib leaves a gap instead of joining across it.

Series roles decide the style: ``measured`` series take the colour cycle with
markers, ``theory`` is a thick dark dashed line drawn on top of everything, and
``mutant`` lines (plausible wrong theories) are thin grey dotted lines.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import warnings
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless, deterministic, and no GUI toolkit is ever needed

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402
from matplotlib.ticker import LogFormatterSciNotation, LogLocator  # noqa: E402

from convergence.atomic import write_atomic  # noqa: E402

log = logging.getLogger(__name__)

PNG_DPI = 150
# A fixed salt makes SVG element ids (hence the files and the PDF) identical from run to run.
RC = {"svg.hashsalt": "convergence-report", "svg.fonttype": "path"}
FIGSIZE = (6.4, 4.0)
MARGINS = {"left": 0.125, "right": 0.97, "bottom": 0.125, "top": 0.915}
MARGINS_RIGHT_WITH_COLOURBAR = 0.9
SCALES = {"linear", "log", "symlog"}
# Many points make matplotlib's legend placement search slow; past this, a fixed corner.
LEGEND_BEST_MAX_POINTS = 5000
# Characters of an 11-pt title that fit the figure's width (measured: about 75 in DejaVu Sans).
TITLE_CHARS = 70
# A scatter of more points than this, and every heatmap, is embedded in the SVG as an image at
# RASTER_DPI: thousands of vector markers made the SVGs megabytes and their drawing the report's
# slowest part, and at this resolution the points look the same in the PDF.
RASTER_MIN_POINTS = 1000
RASTER_DPI = 200

THEORY_STYLE = {"color": "black", "linestyle": "--", "linewidth": 2.2, "zorder": 10}
THEORY_DASHES = ("--", "-.", (0, (6, 2, 1, 2, 1, 2)), (0, (1, 1.5)))
HEATMAP_CMAP = matplotlib.colormaps["viridis"].with_extremes(bad="0.85")  # missing cells light grey
MUTANT_STYLE = {"color": "0.55", "linestyle": ":", "linewidth": 1.1, "zorder": 4}


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_EXPONENT = re.compile(r"\^\{(-?[0-9]+)\}")


class PlainLogFormatter(LogFormatterSciNotation):
    """Log-axis tick labels as plain text, 10⁻³ and 2×10⁻⁴, instead of the same labels in mathtext.

    Parsing each label's mathtext was a sixth of a figure's drawing time; the labels and their
    placement are matplotlib's own. A label it cannot rewrite stays mathtext.
    """

    def __call__(self, x: float, pos: int | None = None) -> str:
        label = super().__call__(x, pos)
        if not (label.startswith("$\\mathdefault{") and label.endswith("}$")):
            return label
        inner = label[len("$\\mathdefault{"):-2].replace("\\times", "×")
        inner = _EXPONENT.sub(lambda m: m.group(1).translate(_SUPERSCRIPTS), inner)
        return label if any(c in inner for c in "\\{}^$") else inner.replace("-", "−")


class FigureSpecError(ValueError):
    """A figure spec cannot be drawn (wrong kind, ragged data, mismatched lengths)."""


def as_array(values: Any) -> np.ndarray:
    """JSON values (numbers, nested lists, ``None``) as a float array; ``None`` -> NaN."""
    if values is None:
        return np.array([], dtype=float)
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise FigureSpecError(f"values are not a regular numeric array: {exc}") from exc


def escape_mathtext(text: str) -> str:
    """Make ``$`` literal, so matplotlib does not try to parse hostile text as math."""
    return text.replace("\\$", "$").replace("$", "\\$")


def draw_figure(spec: dict[str, Any], png_path: Path | None, svg_path: Path) -> None:
    """Draw ``spec`` and save it as SVG, and as PNG (``PNG_DPI``) unless ``png_path`` is None.

    Labels may use matplotlib mathtext (``$\\eta L$``); if that fails to parse,
    the figure is drawn again with every ``$`` taken literally.

    Raises:
        FigureSpecError: the spec cannot be drawn.
    """
    svg_path.parent.mkdir(parents=True, exist_ok=True)
    if png_path is not None:
        png_path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(RC):
        try:
            _draw_and_save(spec, png_path, svg_path, literal_text=False)
        except FigureSpecError:
            raise
        except ValueError:  # mathtext could not parse a label: draw it literally
            _draw_and_save(spec, png_path, svg_path, literal_text=True)


def _draw_and_save(spec: dict[str, Any], png_path: Path | None, svg_path: Path, *, literal_text: bool) -> None:
    def text(value: Any) -> str:
        value = "" if value is None else str(value)
        return escape_mathtext(value) if literal_text else value

    # Fixed margins, not a layout engine: constrained/tight layout measure every tick label
    # and cost about twice as much as the drawing itself.
    has_colourbar = any(isinstance(s, dict) and s.get("kind") == "heatmap" for s in spec.get("series") or [])
    fig, ax = plt.subplots(figsize=FIGSIZE)
    fig.subplots_adjust(**{**MARGINS, "right": MARGINS_RIGHT_WITH_COLOURBAR if has_colourbar else MARGINS["right"]})
    try:
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
            # Log axes over data with gaps or non-positive values warn, and gaps are expected data;
            # so warnings are collected, and only a missing glyph (a visibly wrong figure) is loud.
            warnings.simplefilter("always")
            points = 0
            colours = itertools.cycle(plt.rcParams["axes.prop_cycle"].by_key()["color"])
            # Several theory curves in one figure stay black but differ in dash pattern.
            dashes = itertools.cycle(THEORY_DASHES)
            for series in spec.get("series") or []:
                points += _draw_series(fig, ax, series, colours, text, spec, dashes)
            title = text(spec.get("title"))
            ax.set_title(title, fontsize=_title_size(title))
            ax.set_xlabel(text(spec.get("xlabel")))
            ax.set_ylabel(text(spec.get("ylabel")))
            _set_scale(ax.set_xscale, ax.xaxis, spec.get("xscale"))
            _set_scale(ax.set_yscale, ax.yaxis, spec.get("yscale"))
            _thin_minor_ticks(ax)
            ax.grid(True, which="major", alpha=0.3, linewidth=0.6)
            handles, labels = ax.get_legend_handles_labels()
            if handles:
                loc = "best" if points <= LEGEND_BEST_MAX_POINTS else "upper right"
                ax.legend(handles, labels, loc=loc, fontsize=8, framealpha=0.85).set_zorder(20)  # above the data
            _save_atomic(fig, svg_path, dpi=RASTER_DPI, metadata={"Date": None, "Creator": None})
            if png_path is not None:
                _save_atomic(fig, png_path, dpi=PNG_DPI, metadata={"Software": None})
    finally:
        plt.close(fig)
    for message in dict.fromkeys(str(w.message) for w in caught):
        level = logging.WARNING if "missing from" in message else logging.DEBUG
        log.log(level, "figure %s: %s", png_path.stem, message)


def _save_atomic(fig, path: Path, **options: Any) -> None:
    """Render to memory, then write with ``write_atomic``: never a 0-byte or half-written image."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=path.suffix.lstrip(".").lower(), **options)
    write_atomic(path, buffer.getvalue())


def _set_scale(setter, axis, scale: Any) -> None:
    scale = scale or "linear"
    if scale not in SCALES:
        raise FigureSpecError(f"unknown axis scale {scale!r} (expected one of {sorted(SCALES)})")
    setter(scale)
    if scale != "linear":  # matplotlib's log formatters (major; minor on a log axis), as plain text
        axis.set_major_formatter(PlainLogFormatter(10))
        if scale == "log":
            axis.set_minor_formatter(PlainLogFormatter(10, labelOnlyBase=False))


def _title_size(title: str) -> float:
    """11 pt, smaller for a title too long for the figure's width at 11 pt (no layout engine measures it)."""
    return 11.0 if len(title) <= TITLE_CHARS else max(8.0, 11.0 * TITLE_CHARS / len(title))


def _thin_minor_ticks(ax) -> None:
    """Minor ticks at 2 and 5 of each decade on a log axis whose data span a decade or more.

    Eight per decade were a fifth of a figure's drawing time (every tick is an object with two
    lines and a label) and add nothing between labelled decades; a narrower axis keeps all eight,
    since its labels are minor ticks.
    """
    for axis, (low, high) in ((ax.xaxis, ax.dataLim.intervalx), (ax.yaxis, ax.dataLim.intervaly)):
        if axis.get_scale() == "log" and 0 < low and high >= 10 * low:
            axis.set_minor_locator(LogLocator(10, subs=(2.0, 5.0)))


def _draw_series(fig, ax, series: dict[str, Any], colours, text, spec: dict[str, Any], dashes) -> int:
    """Draw one series; returns how many data points it has (for the legend choice)."""
    kind = series.get("kind") or "line"
    role = series.get("role") or "measured"
    label = text(series.get("label")) or None
    x, y = series.get("x"), series.get("y")

    if role == "theory":
        style = {**THEORY_STYLE, "linestyle": next(dashes)}
    elif role == "mutant":
        style = dict(MUTANT_STYLE)
    else:
        style = {"color": next(colours), "zorder": 6}

    if kind == "hline":
        for value in np.atleast_1d(as_array(y)):
            ax.axhline(value, label=label, **{**style, "linewidth": style.get("linewidth", 1.2)})
            label = None
        return 1
    if kind == "vline":
        for value in np.atleast_1d(as_array(x)):
            ax.axvline(value, label=label, **{**style, "linewidth": style.get("linewidth", 1.2)})
            label = None
        return 1
    if kind == "heatmap":
        xs, ys, z = as_array(x), as_array(y), as_array(series.get("z"))
        if z.shape != (ys.size, xs.size):
            raise FigureSpecError(f"heatmap z has shape {z.shape}, expected (len(y), len(x)) = {(ys.size, xs.size)}")
        z = np.ma.masked_invalid(z)
        if spec.get("xscale") == "log" or spec.get("yscale") == "log":
            # "nearest" puts cell edges at arithmetic midpoints, which on a log axis are off-centre
            # (and can be negative); use geometric midpoints there instead.
            x_edges = _cell_edges(xs, log=spec.get("xscale") == "log")
            y_edges = _cell_edges(ys, log=spec.get("yscale") == "log")
            mesh = ax.pcolormesh(x_edges, y_edges, z, shading="flat", cmap=HEATMAP_CMAP, zorder=1, rasterized=True)
        else:
            mesh = ax.pcolormesh(xs, ys, z, shading="nearest", cmap=HEATMAP_CMAP, zorder=1, rasterized=True)
        colourbar = fig.colorbar(mesh, ax=ax)
        if label:
            colourbar.set_label(label)
        return int(z.size)

    if kind == "band" and y is None:  # a band needs no centre line; shape it like its bounds
        y = [None] * len(np.atleast_1d(as_array(x)))
    xs, ys = as_array(x), as_array(y)
    if xs.shape != ys.shape:
        try:
            xs, ys = np.broadcast_arrays(xs, ys)
        except ValueError as exc:
            raise FigureSpecError(f"series {label!r}: x has shape {xs.shape}, y has shape {ys.shape}") from exc
    if kind == "line":
        if role == "measured":
            style.update(linestyle="-", linewidth=1.4, marker="o" if xs.size <= 60 else None, markersize=4)
        ax.plot(xs, ys, label=label, **style)
    elif kind == "scatter":
        colour = style.pop("color")
        ax.scatter(xs, ys, label=label, s=16 if role == "measured" else 10, color=colour,
                   zorder=style.get("zorder", 6), alpha=0.85, rasterized=xs.size > RASTER_MIN_POINTS)
    elif kind == "errorbar":
        lower, upper = _bounds(series, ys)
        yerr = np.vstack([np.clip(ys - lower, 0, None), np.clip(upper - ys, 0, None)])
        ax.errorbar(xs, ys, yerr=yerr, label=label, fmt="o", markersize=4, capsize=3, elinewidth=1.0,
                    color=style["color"], zorder=style.get("zorder", 6))
    elif kind == "band":
        lower, upper = _bounds(series, ys)
        ax.fill_between(xs, lower, upper, alpha=0.25, color=style["color"], linewidth=0, label=label,
                        zorder=2)
        if np.isfinite(ys).any():
            ax.plot(xs, ys, color=style["color"], linewidth=1.0, zorder=3)
    else:
        raise FigureSpecError(f"unknown series kind {kind!r}")
    return int(xs.size)


def _cell_edges(centres: np.ndarray, *, log: bool) -> np.ndarray:
    """Edges of cells centred on ``centres`` (midpoints; geometric midpoints on a log axis)."""
    if centres.size == 0 or not np.all(np.isfinite(centres)):
        raise FigureSpecError("heatmap axes must be finite")
    if log and np.all(centres > 0):
        return np.exp(_cell_edges(np.log(centres), log=False))
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    middle = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - middle[0]], middle, [2 * centres[-1] - middle[-1]]])


def _bounds(series: dict[str, Any], ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    kind = series.get("kind")
    if series.get("lower") is None or series.get("upper") is None:
        raise FigureSpecError(f"a {kind} series needs 'lower' and 'upper'")
    try:
        lower, upper, _ = np.broadcast_arrays(as_array(series["lower"]), as_array(series["upper"]), ys)
    except ValueError as exc:
        raise FigureSpecError(f"{kind} bounds do not match the data: {exc}") from exc
    return lower, upper

"""Build the report: figures, Typst source, PDF -- from the results dict alone.

Nothing is re-run: every number and curve comes from results.json. The PDF is
written atomically (a temporary file in the output folder, then ``os.replace``),
so a failed build never leaves a half-written or destroyed ``report.pdf``.

Only the fonts embedded in the Typst compiler are used (system fonts are
ignored), so the PDF looks the same on every machine, and no Typst package is
fetched from the network.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typst

from convergence.atomic import write_atomic
from convergence.errors import SuiteError

from .calibration import FIGURE_STEM as CALIBRATION_FIGURE
from .calibration import calibration_appendix, draw_calibration_figure
from .figures import draw_figure
from .typst_doc import parse_created, render_document

log = logging.getLogger(__name__)

REPORT_NAME = "report.pdf"
SOURCE_NAME = "report.typ"
FIGURES_DIR = "figures"
# Embedded in the PDF as vector graphics; the PNG beside it is for quick viewing.
EMBEDDED_FIGURE_FORMAT = "svg"


class ReportError(SuiteError):
    """The report could not be built (the message is one line, for the CLI)."""


def figure_stem(claim_id: Any) -> str:
    """The file name stem of a claim's figure: its id, with unsafe characters replaced."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", str(claim_id)).strip(".")
    return stem or "claim"


def build_report(results: dict, out_dir: Path, calibration: Mapping[str, Any] | None = None) -> Path:
    """Write ``out_dir/report.pdf`` (plus ``report.typ`` and ``figures/``) from a results dict.

    Args:
        results: the parsed results.json.
        out_dir: the output folder (created if missing).
        calibration: a parsed calibration.json; when given, an appendix with its table and figure.

    Returns:
        The path of the PDF.

    Raises:
        ReportError: the results are not a results dict, or Typst failed to compile
            the document (the message carries the first line of Typst's error).
    """
    if not isinstance(results, Mapping) or not isinstance(results.get("claims", []), list):
        raise ReportError("the results are not a results dict with a 'claims' list")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    figure_paths, figure_errors = _draw_figures(results, out_dir)
    source = render_document(results, figure_paths, figure_errors)
    if calibration is not None:
        source += _calibration_appendix(calibration, out_dir)
    source_path = out_dir / SOURCE_NAME
    write_atomic(source_path, source.encode("utf-8"))

    pdf = _compile(source_path, out_dir, results)
    pdf_path = out_dir / REPORT_NAME
    write_atomic(pdf_path, pdf)
    return pdf_path


def _draw_figures(results: Mapping[str, Any], out_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Draw every claim's figure; a figure that cannot be drawn is reported in the PDF, not fatal."""
    figure_paths: dict[str, str] = {}
    figure_errors: dict[str, str] = {}
    used: set[str] = set()
    for record in results.get("claims") or []:
        if not isinstance(record, Mapping) or not isinstance(record.get("figure"), Mapping):
            continue
        claim_id = str(record.get("id"))
        stem = figure_stem(claim_id)
        while stem in used:  # two ids that sanitise alike must not overwrite each other's figure
            stem += "_"
        used.add(stem)
        png = out_dir / FIGURES_DIR / f"{stem}.png"
        svg = out_dir / FIGURES_DIR / f"{stem}.svg"
        try:
            draw_figure(record["figure"], png, svg)
        except Exception as exc:  # noqa: BLE001  (one malformed figure must not sink the whole report)
            log.warning("figure of %s could not be drawn: %s", claim_id, exc, exc_info=True)
            figure_errors[claim_id] = f"{type(exc).__name__}: {exc}"
            continue
        figure_paths[claim_id] = f"{FIGURES_DIR}/{stem}.{EMBEDDED_FIGURE_FORMAT}"
    return figure_paths, figure_errors


def _calibration_appendix(calibration: Mapping[str, Any], out_dir: Path) -> str:
    """The calibration appendix; a figure that cannot be drawn is reported in the PDF, not fatal."""
    stem = out_dir / FIGURES_DIR / CALIBRATION_FIGURE
    try:
        draw_calibration_figure(calibration, stem.with_suffix(".png"), stem.with_suffix(".svg"))
    except Exception as exc:  # noqa: BLE001
        log.warning("calibration figure could not be drawn: %s", exc, exc_info=True)
        return calibration_appendix(calibration, None, f"{type(exc).__name__}: {exc}")
    return calibration_appendix(calibration, f"{FIGURES_DIR}/{CALIBRATION_FIGURE}.{EMBEDDED_FIGURE_FORMAT}")


def _compile(source_path: Path, root: Path, results: Mapping[str, Any]) -> bytes:
    created = parse_created(results.get("created"))
    try:
        pdf, warnings = typst.compile_with_warnings(
            str(source_path),
            root=str(root),
            ignore_system_fonts=True,  # embedded fonts only: the same PDF on every machine
            timestamp=created,
        )
    except typst.TypstError as exc:
        raise ReportError(_describe_typst_error(exc, source_path)) from exc
    for warning in warnings:
        log.warning("typst: %s", getattr(warning, "message", warning))
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF"):
        raise ReportError("Typst returned no PDF")
    return pdf


def _describe_typst_error(exc: Exception, source_path: Path) -> str:
    """One line: Typst's message, where it is, and which claim's section that is."""
    message = getattr(exc, "message", None) or str(exc)
    first_line = (message.strip().splitlines() or ["unknown error"])[0]
    where = ""
    match = re.search(r"(\S+):(\d+):(\d+)", getattr(exc, "diagnostic", "") or "")
    if match:
        line = int(match.group(2))
        where = f" at line {line}, column {match.group(3)}"
        claim = _claim_at_line(source_path, line)
        if claim:
            where += f" (in the section of claim {claim})"
    return f"Typst could not compile {source_path}{where}: {first_line}"


def _claim_at_line(source_path: Path, line: int) -> str | None:
    try:
        lines = source_path.read_text(encoding="utf-8").split("\n")[:line]
    except OSError:
        return None
    for text in reversed(lines):
        match = re.search(r'#label\("claim:((?:[^"\\]|\\.)*)"\)', text)
        if match:
            return match.group(1)
    return None



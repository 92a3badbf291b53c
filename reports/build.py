"""Build the report: figures, Typst source, PDF -- from the results dict alone.

Nothing is re-run: every number and curve comes from results.json. The report
is built in a temporary folder and its files are moved into place (each with
``os.replace``) only when the PDF compiled, so a failed or interrupted build
never leaves a half-written figure or a destroyed ``report.pdf``.

Only the fonts embedded in the Typst compiler are used (system fonts are
ignored), so the PDF looks the same on every machine, and no Typst package is
fetched from the network.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from convergence.atomic import move_files, staged_folder, write_atomic
from convergence.errors import SuiteError
from convergence.workers import Task, WorkerFailure, run_tasks

from . import certificate_section
from .calibration import FIGURE_STEM as CALIBRATION_FIGURE
from .calibration import calibration_appendix, draw_calibration_figure
from .figures import draw_figure
from .typst_doc import parse_created, render_document

log = logging.getLogger(__name__)

REPORT_NAME = "report.pdf"
SOURCE_NAME = "report.typ"
FIGURES_DIR = "figures"
# Embedded in the PDF as vector graphics; a PNG beside it only on request (--png): it would double the time.
EMBEDDED_FIGURE_FORMAT = "svg"
COMPILE_TIMEOUT_S = 900.0  # the full report compiles in well under a minute; a hang must still end


class ReportError(SuiteError):
    """The report could not be built (the message is one line, for the CLI).

    ``source`` is the Typst source when Typst rejected it (kept for debugging).
    """

    source: str | None = None


def figure_stem(claim_id: Any) -> str:
    """The file name stem of a claim's figure: its id, with unsafe characters replaced."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", str(claim_id)).strip(".")
    return stem or "claim"


def build_report(results: dict, out_dir: Path, *, strict: bool = False,
                 calibration: Mapping[str, Any] | None = None, png: bool = False) -> Path:
    """Write ``out_dir/report.pdf`` (plus ``report.typ`` and ``figures/``) from a results dict.

    The report is built in a staging folder inside ``out_dir`` and moved into
    place only when the PDF compiled; an error or an interrupt leaves
    ``out_dir`` as it was (except that a source Typst rejected is kept as
    ``report.typ`` for debugging).

    Args:
        results: the parsed results.json.
        out_dir: the output folder (created if missing).
        strict: a figure that cannot be drawn fails the build instead of a warning.
        calibration: a parsed calibration.json; when given, an appendix with its table and figure.
        png: also write each figure as PNG beside its SVG (the PDF embeds the SVG).

    Returns:
        The path of the PDF.

    Raises:
        ReportError: the results are not a results dict, Typst failed to compile
            the document (the message carries the first line of Typst's error), or
            (``strict``) a figure could not be drawn.
    """
    out_dir = Path(out_dir)
    _check_shape(results)
    try:
        with staged_folder(out_dir) as stage:
            build_report_in(results, stage, shown_dir=out_dir, strict=strict, calibration=calibration, png=png)
    except ReportError as exc:
        keep_failed_source(exc, out_dir)
        raise
    return out_dir / REPORT_NAME


def keep_failed_source(exc: ReportError, out_dir: Path) -> None:
    """A source Typst rejected replaces report.typ, so the line its error cites exists."""
    if exc.source is not None:
        write_atomic(Path(out_dir) / SOURCE_NAME, exc.source.encode("utf-8"))


def _check_shape(results: Any) -> None:
    if not isinstance(results, Mapping) or not isinstance(results.get("claims", []), list):
        raise ReportError("the results are not a results dict with a 'claims' list")


def build_report_in(results: Mapping[str, Any], stage: Path, *, shown_dir: Path, strict: bool = False,
                    calibration: Mapping[str, Any] | None = None, png: bool = False) -> None:
    """Build figures, source and PDF in a private folder, then move them into ``stage``.

    ``stage`` is a staging folder (``convergence.atomic.staged_folder``): what
    lands there is moved into the output folder when the command succeeds.
    Nothing lands in it unless the PDF compiled.
    """
    _check_shape(results)
    work = Path(tempfile.mkdtemp(prefix=".report-", dir=stage))
    try:
        figure_paths, figure_errors = _draw_figures(results, work, png)
        if strict and figure_errors:
            first = next(iter(figure_errors.items()))
            raise ReportError(f"{len(figure_errors)} figure(s) could not be drawn (--strict);"
                              f" the first, of {first[0]}: {first[1]}")
        source = render_document(results, figure_paths, figure_errors)
        if calibration is not None:
            source += _calibration_appendix(calibration, work, strict, png)
        source_path = work / SOURCE_NAME
        write_atomic(source_path, source.encode("utf-8"))
        pdf = _compile(source_path, work, results, shown=Path(shown_dir) / SOURCE_NAME)
        write_atomic(work / REPORT_NAME, pdf)
        move_files(work, stage)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# Figures are drawn by forked workers, several chunks per core so an expensive figure does not leave a core
# idle; matplotlib's saving is almost all of a report's time (convergence/workers.py: a worker that dies
# costs its chunk's figures, reported as errors, never the report).
CHUNKS_PER_WORKER = 4


def _figure_jobs(results: Mapping[str, Any]) -> list[tuple[str, str, Mapping[str, Any], str]]:
    """(key, kind, record, file stem) of every figure to draw: each claim's, then each certificate leg's."""
    jobs: list[tuple[str, str, Mapping[str, Any], str]] = []
    used: set[str] = set()
    for record in results.get("claims") or []:
        if not isinstance(record, Mapping) or not isinstance(record.get("figure"), Mapping):
            continue
        stem = figure_stem(record.get("id"))
        while stem in used:  # two ids that sanitise alike must not overwrite each other's figure
            stem += "_"
        used.add(stem)
        jobs.append((str(record.get("id")), "claim", record, stem))
    for record in results.get("claims") or []:  # the certificate leg's figures (reports/certificate_section.py)
        if isinstance(record, Mapping) and certificate_section.has_points(record):
            key = f"{record.get('id')}{certificate_section.SUFFIX}"
            jobs.append((key, "certificate", record, figure_stem(record.get("id"))))
    return jobs


def _draw_chunk(jobs: list[tuple[str, str, Mapping[str, Any], str]], out_dir: Path, png: bool,
                ) -> list[tuple[str, str, str | None, str | None]]:
    """Draw some figures (in a worker): (key, kind, path relative to the report or None, one-line error or None)."""
    outcomes: list[tuple[str, str, str | None, str | None]] = []
    for key, kind, record, stem in jobs:
        try:
            if kind == "certificate":
                path = certificate_section.draw(record, out_dir, FIGURES_DIR, stem, png=png)
            else:
                folder = out_dir / FIGURES_DIR
                draw_figure(record["figure"], folder / f"{stem}.png" if png else None, folder / f"{stem}.svg")
                path = f"{FIGURES_DIR}/{stem}.{EMBEDDED_FIGURE_FORMAT}"
        except Exception as exc:  # noqa: BLE001  (one malformed figure must not sink the whole report)
            outcomes.append((key, kind, None, " ".join(f"{type(exc).__name__}: {exc}".split())))  # one line
            continue
        outcomes.append((key, kind, path, None))
    return outcomes


def _draw_figures(results: Mapping[str, Any], out_dir: Path, png: bool = False, workers: int | None = None,
                  ) -> tuple[dict[str, str], dict[str, str]]:
    """Draw every figure, in parallel; one that cannot be drawn is a one-line warning and a note in the PDF."""
    jobs = _figure_jobs(results)
    workers = max(1, workers or os.cpu_count() or 1)
    count = min(len(jobs), CHUNKS_PER_WORKER * workers)
    chunks = [jobs[i::count] for i in range(count)]
    tasks = [Task(f"figures-{i}", functools.partial(_draw_chunk, chunk, out_dir, png))
             for i, chunk in enumerate(chunks)]
    by_task = {task.key: chunk for task, chunk in zip(tasks, chunks)}
    figure_paths: dict[str, str] = {}
    figure_errors: dict[str, str] = {}
    for task, outcome in run_tasks(tasks, jobs=workers, timeout=None):
        if isinstance(outcome, WorkerFailure):
            outcome = [(key, kind, None, f"the figure worker failed: {outcome.message}")
                       for key, kind, *_ in by_task[task.key]]
        for key, kind, path, error in outcome:
            if path is not None:
                figure_paths[key] = path
            elif kind == "certificate":  # the section says the figure is missing
                log.warning("certificate figure of %s could not be drawn: %s", key, error)
            else:
                log.warning("figure of %s could not be drawn: %s", key, error)
                figure_errors[key] = error
    return figure_paths, figure_errors


def _calibration_appendix(calibration: Mapping[str, Any], out_dir: Path, strict: bool, png: bool) -> str:
    """The calibration appendix; a figure that cannot be drawn is a warning and a note (an error if strict)."""
    stem = out_dir / FIGURES_DIR / CALIBRATION_FIGURE
    try:
        draw_calibration_figure(calibration, stem.with_suffix(".png") if png else None, stem.with_suffix(".svg"))
    except Exception as exc:  # noqa: BLE001
        if strict:
            raise ReportError(f"the calibration figure could not be drawn (--strict): {exc}") from exc
        log.warning("calibration figure could not be drawn: %s", exc)
        return calibration_appendix(calibration, None, f"{type(exc).__name__}: {exc}")
    return calibration_appendix(calibration, f"{FIGURES_DIR}/{CALIBRATION_FIGURE}.{EMBEDDED_FIGURE_FORMAT}")


def _compile(source_path: Path, root: Path, results: Mapping[str, Any], shown: Path) -> bytes:
    """Compile in a child process (``reports.typst_worker``): an interrupt kills it at once,
    and Typst's threads never live in this process, which forks claim workers."""
    created = parse_created(results.get("created"))
    pdf_path = root / f".{REPORT_NAME}.compiled"
    command = [sys.executable, "-m", "reports.typst_worker", str(source_path), str(root), str(pdf_path),
               created.isoformat() if created else ""]
    package_root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        stdout, stderr = child.communicate(timeout=COMPILE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise ReportError(f"Typst did not finish compiling {shown} within {COMPILE_TIMEOUT_S:g} s") from None
    finally:  # an interrupt (or the timeout) must not leave the compiler running
        if child.poll() is None:
            child.kill()
            child.wait()
    reply = _reply(stdout, stderr, child.returncode)
    if "error" in reply:
        error = ReportError(_describe_typst_error(reply["error"], reply.get("diagnostic", ""), source_path, shown))
        error.source = source_path.read_text(encoding="utf-8")
        raise error
    for warning in reply.get("warnings", []):
        log.warning("typst: %s", warning)
    pdf = pdf_path.read_bytes() if pdf_path.exists() else b""
    pdf_path.unlink(missing_ok=True)
    if not pdf.startswith(b"%PDF"):
        raise ReportError("Typst returned no PDF")
    return pdf


def _reply(stdout: str, stderr: str, status: int) -> dict[str, Any]:
    """The worker's JSON line, or a ReportError with the last line it wrote to stderr."""
    try:
        reply = json.loads(stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        last = (stderr.strip().splitlines() or [f"exit status {status}"])[-1]
        raise ReportError(f"the Typst compiler process failed: {last}") from None
    return reply if isinstance(reply, dict) else {}


def _describe_typst_error(message: str, diagnostic: str, source_path: Path, shown: Path) -> str:
    """One line: Typst's message, where it is, and which claim's section that is."""
    first_line = (message.strip().splitlines() or ["unknown error"])[0]
    where = ""
    match = re.search(r"(\S+):(\d+):(\d+)", diagnostic)
    if match:
        line = int(match.group(2))
        where = f" at line {line}, column {match.group(3)}"
        claim = _claim_at_line(source_path, line)
        if claim:
            where += f" (in the section of claim {claim})"
    return f"Typst could not compile {shown}{where}: {first_line}"


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



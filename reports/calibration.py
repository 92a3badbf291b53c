"""The calibration appendix: the sweep's table and one figure, from calibration.json alone.

Like the rest of reports/, this module reads only the JSON written by
``convergence calibrate`` (never the experiments), so the appendix shows exactly
the measured counts, Clopper–Pearson intervals and α shares stored there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from convergence.errors import SuiteError  # noqa: E402

from .figures import PNG_DPI, RC  # noqa: E402
from .markup import ident, raw, table, text, typst_string  # noqa: E402

SCHEMA_VERSION = 1
FIGURE_STEM = "calibration"
RATE_FLOOR = 1e-6  # a zero rate or lower bound is drawn at this floor of the log axis


class CalibrationFileError(SuiteError):
    """calibration.json is missing, unreadable or of another schema version."""


def read_calibration(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CalibrationFileError(f"{path}: no such calibration file (run 'convergence calibrate' first)") from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CalibrationFileError(f"{path}: cannot read calibration summary ({exc})") from None
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        found = data.get("schema_version") if isinstance(data, dict) else None
        raise CalibrationFileError(f"{path}: schema version {found!r}, expected {SCHEMA_VERSION}")
    if not isinstance(data.get("claims"), list) or not isinstance(data.get("catalogue"), Mapping):
        raise CalibrationFileError(f"{path}: not a calibration summary (no 'claims' list or 'catalogue')")
    return data


def draw_calibration_figure(calibration: Mapping[str, Any], png: Path | None, svg: Path) -> None:
    """Per-claim failure rate with its 95 % interval (log axis), the claim's α share marked beside it."""
    rows = list(calibration["claims"])[::-1]  # first claim at the top
    y = np.arange(len(rows))
    rate = np.array([r["failure_rate"] if r["failure_rate"] is not None else np.nan for r in rows], dtype=float)
    lower = np.maximum(np.array([r["interval"][0] for r in rows], dtype=float), RATE_FLOOR)
    upper = np.maximum(np.array([r["interval"][1] for r in rows], dtype=float), RATE_FLOOR)
    share = np.array([r["alpha_share"] for r in rows], dtype=float)
    above = np.array([r["status"] == "above alpha" for r in rows])
    svg.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(6.4, 1.2 + 0.14 * len(rows)))
        colours = np.where(above, "#c0262d", "#1f4e99")
        ax.hlines(y, lower, upper, colors=colours, linewidth=2.0, label="95 % interval")
        failed = rate > 0
        ax.plot(rate[failed], y[failed], "o", color="black", markersize=3, label="measured rate", zorder=5)
        statistical = share > 0
        ax.plot(share[statistical], y[statistical], "|", color="#d9730d", markersize=9, markeredgewidth=2,
                label="α share", zorder=6)
        ax.set_xscale("log")
        ax.set_xlim(RATE_FLOOR, 1.0)
        ax.set_yticks(y, [str(r["id"]) for r in rows], fontsize=6.5)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_xlabel(f"failure rate per seed (intervals from 0 start at {RATE_FLOOR:g}; "
                      "deterministic kinds: α share 0)", fontsize=7.5)
        ax.grid(axis="x", which="major", color="0.88", linewidth=0.6)
        ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, frameon=False)
        fig.tight_layout()
        fig.savefig(svg, metadata={"Date": None})
        if png is not None:
            fig.savefig(png, dpi=PNG_DPI)
        plt.close(fig)


def _pct(value: Any) -> str:
    if value is None:
        return "—"
    value = float(value)
    return f"{100 * value:.2g} %" if value < 0.1 else f"{100 * value:.0f} %"


def _commit(calibration: Mapping[str, Any]) -> str:
    environment = calibration.get("environment")
    return str(environment.get("commit", "unknown")) if isinstance(environment, Mapping) else "not recorded"


def calibration_appendix(calibration: Mapping[str, Any], figure_path: str | None, figure_error: str = "") -> str:
    """Typst source of the appendix section (continues the document's appendix numbering)."""
    cat = calibration["catalogue"]
    rows = []
    for r in calibration["claims"]:
        wrong = r["wrong_verdicts"]
        rows.append([
            ident(r["id"]), text(r["kind"]), text(r["seeds_run"]), text(r["failures"]),
            text(" / ".join(str(wrong[v]["count"]) for v in ("REFUTED", "CONFIRMED", "INCONCLUSIVE", "ERROR"))),
            text(sum(len(m["seeds"]) for m in r["mutant_survivals"])),
            text(f"{_pct(r['failure_rate'])} [{_pct(r['interval'][0])}, {_pct(r['interval'][1])}]"),
            text(f"{r['alpha_share']:.0e}" if r["alpha_share"] else "0"),
            text(r["status"]) if r["status"] == "ok" else f"*{text(r['status'])}*",
        ])
    failed = [[ident(r["id"]), text(f["seed"]), text(f["verdict"]), raw(f["replay"])]
              for r in calibration["claims"] for f in r["failed_seeds"]]
    scope = "the whole catalogue" if cat["complete_catalogue"] else f"a selection of {cat['claims']} claims"
    seeds = calibration.get("seeds") or []
    seed_range = f"{min(seeds)}–{max(seeds)}" if seeds else "none"
    parts = [
        "#pagebreak(weak: true)",
        "= Calibration across master seeds",
        text(f"Each claim was run at {len(seeds)} master seeds ({seed_range}), profile {calibration.get('profile')}, "
             f"one Dask task per claim and seed. A failure is a verdict other than the expected one or a mutant "
             f"that survived. Intervals are two-sided {int(100 * calibration.get('confidence', 0.95))} % "
             f"Clopper–Pearson; a claim is above its α share when even the interval's lower end exceeds it "
             f"(α share {calibration.get('claim_alpha')} for the stochastic and exponent kinds, 0 for the "
             f"deterministic ones). Code version: commit {_commit(calibration)}."),
        f"#field([Catalogue-level rate], [{text(scope)}: "
        f"{text(cat['runs_with_failure'])} of {text(cat['runs'])} runs with any failure, rate "
        f"{text(_pct(cat['failure_rate']))} (95 % interval {text(_pct(cat['interval'][0]))} to "
        f"{text(_pct(cat['interval'][1]))}; one-sided 95 % upper bound "
        f"{text(_pct(cat.get('upper_bound_one_sided', cat['interval'][1])))}), against a budget of "
        f"{text(_pct(cat['budget']))} "
        f"(union bound on false refutations {text(_pct(cat['union_bound']))}); runs with a false refutation: "
        f"{text(cat['runs_with_false_refutation'])}.])",
        table("(auto, auto, auto, auto, auto, auto, auto, auto, auto)",
              ["Claim", "Kind", "Seeds", "Fail", "Wrong verdict R/C/I/E", "Mutants survived", "Rate [95 %]",
               "α share", "Status"], rows),
    ]
    if figure_path:
        caption = text("Failure rate per claim with its 95 % Clopper–Pearson interval (log axis; red: above the "
                       "α share). The orange tick is the claim’s α share.")
        parts.append(f"#figure(image({typst_string(figure_path)}, width: 100%), caption: [{caption}])")
    elif figure_error:
        parts.append(f"#muted[The figure could not be drawn: {text(figure_error)}]")
    if failed:
        parts.append("== Failed seeds\nEach can be replayed on its own with the command shown.")
        parts.append(table("(auto, auto, auto, 1fr)", ["Claim", "Seed", "Verdict", "Replay"], failed))
    return "\n\n".join(parts) + "\n"

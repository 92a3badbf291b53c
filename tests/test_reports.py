"""The report: built from a synthetic results dict (no claim is run), hostile text included."""

from __future__ import annotations

import ast
import copy
import json
import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.build import ReportError, build_report
from reports.markup import format_number, text, typst_string
from reports.typst_doc import render_document

HOSTILE = r"""# not a heading $x_1$ *bold?* _under_ <x> @ref \ back\slash [a] ] ` "quote" // comment /* c */ = ~ ' """


def confirmed_record() -> dict:
    steps = [10, 31, 100, 316, 1000, 3162, 10000]
    measured = [1.0 / t for t in steps]
    return {
        "id": "gd.sublinear_rate",
        "title": "GD converges at rate 1/T on smooth convex functions",
        "family": "gd",
        "kind": "exponent",
        "expected": "CONFIRMED",
        "verdict": "CONFIRMED",
        "passed": True,
        "statement": f"For L-smooth convex f, f(x_T) - f* <= L ||x_0 - x*||^2 / (2T). Hostile: {HOSTILE}",
        "source": {"where": "seed 004, section 3 #1", "quote": "converges at O(1/T) for $L$-smooth <convex> f"},
        "references": ["Nesterov (2004), Thm 2.1.14", "Bubeck [2015] @bubeck"],
        "corrects": None,
        "notes": "Gap measured on the worst of 3 instances; 50% of runs* shown.",
        "path": "claims/gd/sublinear_rate.py",
        "params": {"T": steps, "L": 1.0, "dim": 50, "eta": 1.0, "grid": list(range(40)), "name": "quad_#1"},
        "symbols": {"T": "T", "L": "L", "eta": "eta"},
        "tolerance": {"alpha": 1e-4, "alternative": -0.5},
        "seed": 0,
        "profile": "quick",
        "runtime_s": 0.1234,
        "theory": {
            "srepr": "Mul(...)",
            "text": "L*D**2/(2*T)",
            "typst": "frac(L D^2, 2 T)",
            "latex": r"\frac{L D^2}{2 T}",
            "assumptions": ["L > 0", "T >= 1", "0 < eta <= 1/L"],
            "steps": [
                {"label": "Descent lemma", "text": "...", "typst": "f(x_(t+1)) <= f(x_t) - eta/2 norm(nabla f(x_t))^2",
                 "latex": "", "justification": "L-smoothness with step eta <= 1/L; uses <x> & $ # _."},
                {"label": "Telescoping <sum>", "text": "...",
                 "typst": "sum_(t=0)^(T-1) (f(x_t) - f^*) <= frac(norm(x_0 - x^*)^2, 2 eta)",
                 "latex": "", "justification": "Convexity, then sum over t = 0..T-1."},
            ],
        },
        "summary": "slope -1.003 in [-1.02, -0.99] contains -1 and excludes -0.5",
        "margin": 0.0123,
        "margin_label": "distance of the CI edge from the alternative, in slope units",
        "comparison_details": {"slope": -1.003, "ci": [-1.02, -0.99], "predicted": -1},
        "theory_values": [1.0 / t for t in steps],
        "measured_values": measured,
        "inputs": {"T": steps, "L": 1.0},
        "stderr": None,
        "interval": None,
        "level": 1e-4,
        "samples": 3,
        "details": {"diverged_runs": 0, "fit_points": 7},
        "mutants": [
            {"description": "rate 1/T^2 (the accelerated rate)", "expression": "L*D**2/T**2",
             "typst": "frac(L D^2, T^2)", "verdict": "REFUTED", "killed": True, "summary": "slope excludes -2"},
            {"description": "rate 1/sqrt(T) #_$", "expression": "L*D**2/sqrt(T)",
             "typst": "frac(L D^2, sqrt(T))", "verdict": "REFUTED", "killed": True, "summary": "excluded"},
        ],
        "figure": {
            "title": "Gap against iterations, T_max = $10^4$",
            "xlabel": "iteration $T$",
            "ylabel": "f(x_T) - f* (50%) #",
            "xscale": "log",
            "yscale": "log",
            "theory_x": "T",
            "draw_mutants": True,
            "series": [
                {"label": "measured gap", "x": steps, "y": measured[:-1] + [None], "kind": "line", "role": "measured"},
                {"label": "95% CI $unbalanced", "x": steps, "y": measured, "kind": "errorbar", "role": "measured",
                 "lower": [0.8 * m for m in measured], "upper": [1.25 * m for m in measured]},
                {"label": "band", "x": steps, "y": None, "kind": "band", "role": "measured",
                 "lower": [0.7 * m for m in measured], "upper": [1.4 * m for m in measured]},
                {"label": "theory", "x": steps, "y": [1.0 / t for t in steps], "kind": "line", "role": "theory"},
                {"label": "mutant: 1/T^2", "x": steps, "y": [1.0 / t**2 for t in steps], "kind": "line",
                 "role": "mutant"},
                {"label": "eta = 1/L", "x": None, "y": 1e-3, "kind": "hline", "role": "theory"},
            ],
        },
    }


def refuted_seed_record() -> dict:
    etas = [0.5 + 0.1 * i for i in range(30)]
    return {
        "id": "gd.seed_004_step_size",
        "title": "Seed 004: GD converges for every step size below 2/L... as stated",
        "family": "gd",
        "kind": "upper",
        "expected": "REFUTED",
        "verdict": "REFUTED",
        "passed": True,
        "statement": "Any step eta < 2/L *guarantees* monotone decrease of f -- `claimed` in [seed] \\ 004.",
        "source": {"where": "seed 004", "quote": r"choose $\eta < 2/L$ and the loss #always decreases"},
        "references": [],
        "corrects": "gd.step_size_bound",
        "notes": "",
        "path": "claims/gd/seed_004_step_size.py",
        "params": {"eta": etas, "L": 1.0},
        "symbols": {"eta": "eta"},
        "tolerance": {"rel": 1e-9},
        "seed": 0,
        "profile": "quick",
        "runtime_s": 0.5,
        "theory": {"srepr": "", "text": "", "typst": "0", "latex": "", "assumptions": [],
                   "steps": [{"label": "Claimed bound", "text": "", "typst": "Delta f <= 0", "latex": "",
                              "justification": "As stated in the seed."}]},
        "summary": "bound violated on 12 of 30 instances (worst excess 3.2e-02)",
        "margin": -0.032,
        "margin_label": "worst slack (negative: violated)",
        "comparison_details": {},
        "theory_values": 0.0,
        "measured_values": [(e - 1.0) * 0.1 if e > 1.3 else None for e in etas],
        "inputs": {"eta": etas},
        "stderr": None,
        "interval": None,
        "mutants": [],
        "figure": {
            "title": "Stability map", "xlabel": "eta L", "ylabel": "condition number", "xscale": "linear",
            "yscale": "log", "theory_x": None, "draw_mutants": False,
            "series": [
                {"label": "log10 gap", "x": [0.5, 1.0, 1.5, 2.0], "y": [1, 10, 100], "kind": "heatmap",
                 "role": "measured", "z": [[0.1, 0.2, None, 0.4], [0.5, 0.6, 0.7, 0.8], [1, 2, 3, 4]]},
                {"label": "eta = 2/L", "x": 2.0, "y": None, "kind": "vline", "role": "theory"},
            ],
        },
    }


def error_record() -> dict:
    return {
        "id": "momentum.broken_#1",
        "title": "A claim whose experiment raised",
        "family": "momentum",
        "kind": "tight",
        "expected": "CONFIRMED",
        "verdict": "ERROR",
        "passed": False,
        "statement": "Raises <on purpose> with $ and @ and ] unbalanced [",
        "source": {"where": "catalogue", "quote": ""},
        "references": None,
        "corrects": None,
        "params": {"beta": 0.9},
        "tolerance": {"rel": 0.01},
        "seed": 0,
        "profile": "quick",
        "runtime_s": 0.01,
        "summary": "ValueError: shapes (3,) and (4,) not aligned <#>",
        "error": "Traceback (most recent call last):\n" + "".join(f"  frame {i} \\ [x] #y $z\n" for i in range(40))
                 + "ValueError: shapes (3,) and (4,) not aligned <#>\n",
        "mutants": [],
    }


def synthetic_results() -> dict:
    claims = [confirmed_record(), refuted_seed_record(), error_record()]
    return {
        "schema_version": 1,
        "created": "2026-11-25T14:00:00Z",
        "command": 'convergence verify --profile quick --seed 0 --report "gd.*" # $HOME',
        "seed": 0,
        "profile": "quick",
        "environment": {"python": "3.11.7", "numpy": "2.1.0", "platform": "Linux-x86_64 <test>", "commit": "abc123",
                        "cpus": 8},
        "totals": {"claims": 3, "as_expected": 2, "mutants": 2, "mutants_killed": 2,
                   "verdicts": {"CONFIRMED": 1, "REFUTED": 1, "ERROR": 1}},
        "claims": claims,
    }


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


BUILD_WARNINGS: list[str] = []


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    handler = _Collect()
    logger = logging.getLogger("reports")
    logger.addHandler(handler)
    try:
        pdf = build_report(synthetic_results(), out)
    finally:
        logger.removeHandler(handler)
    BUILD_WARNINGS[:] = handler.messages
    assert pdf == out / "report.pdf"
    return out


def test_no_warnings_from_typst_or_figures(built: Path) -> None:
    """Fonts are the embedded ones (no fallback warnings), and every figure was drawn."""
    assert BUILD_WARNINGS == []


def test_report_pdf_is_written(built: Path) -> None:
    data = (built / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 30_000
    assert not list(built.glob(".report.pdf.*")), "temporary files are cleaned up"


def test_figures_are_written_as_svg_and_as_png_only_on_request(built: Path, tmp_path: Path) -> None:
    for stem in ("gd.sublinear_rate", "gd.seed_004_step_size"):
        assert (built / "figures" / f"{stem}.svg").stat().st_size > 1000
    assert not list((built / "figures").glob("*.png")), "PNG only on request"
    assert not list((built / "figures").glob("momentum*")), "an ERROR record without a figure draws none"
    build_report(synthetic_results(), tmp_path, png=True)
    for stem in ("gd.sublinear_rate", "gd.seed_004_step_size"):
        assert (tmp_path / "figures" / f"{stem}.png").read_bytes().startswith(b"\x89PNG")
        assert (tmp_path / "figures" / f"{stem}.svg").read_bytes() == (built / "figures" / f"{stem}.svg").read_bytes()


def test_source_names_every_claim(built: Path) -> None:
    source = (built / "report.typ").read_text()
    for record in synthetic_results()["claims"]:
        assert record["id"] in source
    assert '#"Gradient descent";' in source and '#"Momentum (heavy ball)";' in source
    assert "Statements not verifiable here" in source
    assert "not among the claims of this run" in source  # the seed record corrects a claim absent here


def test_hostile_text_is_escaped() -> None:
    literal = typst_string(HOSTILE)
    assert literal.startswith('"') and literal.endswith('"')
    body = literal[1:-1]
    # Inside the literal every backslash starts an escape and no quote is bare.
    assert body.replace("\\\\", "").replace('\\"', "").count("\\") == 0
    assert '"' not in body.replace('\\"', "")
    assert text(HOSTILE) == f"#{literal};"
    assert text("") == "" and text(None) == ""
    assert typst_string("a\nb\x07") == '"a\\nb\\u{7}"'


def test_hostile_text_compiles_verbatim(tmp_path: Path) -> None:
    import typst

    source = tmp_path / "t.typ"
    source.write_text(f"{text(HOSTILE)}.len() [after]\n")
    pdf = typst.compile(str(source), root=str(tmp_path), ignore_system_fonts=True)
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "—"), (True, "yes"), (3, "3"), (-3, "−3"), (0.5, "0.5"), (0.0, "0"), (1.23456e-5, "$1.235 times 10^(-5)$"),
     (1e6, "$10^(6)$"), (float("nan"), "NaN"), (-0.012345, "−0.01235")],
)
def test_format_number(value, expected) -> None:
    assert format_number(value) == expected


def test_document_copes_with_missing_keys() -> None:
    source = render_document({"claims": [{"id": "x.y"}, {}]})
    assert "x.y" in source


def test_compile_failure_raises_and_keeps_previous_pdf(tmp_path: Path) -> None:
    previous = b"%PDF-1.7 previous report, must survive"
    (tmp_path / "report.pdf").write_bytes(previous)
    results = synthetic_results()
    broken = copy.deepcopy(results)
    broken["claims"][0]["theory"]["steps"][0]["typst"] = "frac("
    with pytest.raises(ReportError) as info:
        build_report(broken, tmp_path)
    message = str(info.value)
    assert "report.typ" in message and "\n" not in message
    assert "unclosed delimiter" in message and "gd.sublinear_rate" in message
    assert (tmp_path / "report.pdf").read_bytes() == previous
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report.pdf")]
    # The failing source is kept for debugging.
    assert "frac(" in (tmp_path / "report.typ").read_text()


def test_compile_failure_leaves_no_pdf(tmp_path: Path) -> None:
    broken = synthetic_results()
    broken["claims"][1]["mutants"] = [{"description": "bad", "typst": "sqrt(", "verdict": "REFUTED", "killed": True}]
    with pytest.raises(ReportError):
        build_report(broken, tmp_path)
    assert not (tmp_path / "report.pdf").exists()


def test_malformed_figure_is_reported_not_fatal(tmp_path: Path) -> None:
    results = synthetic_results()
    results["claims"][0]["figure"]["series"].append({"label": "ragged", "x": [1, 2, 3], "y": [1, 2], "kind": "line"})
    pdf = build_report(results, tmp_path)
    assert pdf.exists()
    assert "could not be drawn" in (tmp_path / "report.typ").read_text()


def test_reports_never_import_empirics() -> None:
    """Imports point one way: reports read results only."""
    allowed_convergence = {"convergence.errors", "convergence.atomic", "convergence.workers"}  # utilities only
    for path in (Path(__file__).resolve().parents[1] / "reports").rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top not in {"empirics", "theory", "claims", "sympy", "scipy"}, f"{path.name} imports {name}"
                if top == "convergence":
                    assert name in allowed_convergence, f"{path.name} imports {name}"



def test_report_is_reproducible(built: Path, tmp_path: Path) -> None:
    """Same results, same bytes: figures and PDF depend only on the data."""
    again = build_report(synthetic_results(), tmp_path)
    assert again.read_bytes() == (built / "report.pdf").read_bytes()
    for name in ("gd.sublinear_rate.svg", "gd.seed_004_step_size.svg"):
        assert (tmp_path / "figures" / name).read_bytes() == (built / "figures" / name).read_bytes()


def test_minimal_and_odd_records_compile(tmp_path: Path) -> None:
    results = {
        "claims": [
            {"id": "x.bare"},
            {"id": "x.nulls", "verdict": None, "expected": None, "theory": None, "figure": None, "source": None,
             "mutants": None, "params": None, "margin": None, "theory_values": None, "measured_values": None},
            {"id": "x.control", "title": "bell\x07 nul\x00 lone surrogate \ud800 tab\t", "verdict": "WEIRD",
             "statement": "line one\nline two\r\n\nnew paragraph", "measured_values": [[1, None], [2, 3]],
             "theory_values": [1, 2], "interval": [[0.5, 1.5], [1.5, 2.5]], "inputs": {"n": [[1, 2]]},
             "params": {"nested": {"a": [1, 2, {"b": None}]}, "empty": [], "nan": None, "flag": True}},
            {"id": "x.bare"},  # a duplicated id must not produce a duplicated label
            {"id": "x.seed", "corrects": "x.bare", "verdict": "REFUTED", "expected": "REFUTED"},
        ]
    }
    pdf = build_report(results, tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    source = (tmp_path / "report.typ").read_text()
    assert source.count('#label("claim:x.bare")') == 1
    assert "not among the claims of this run" not in source
    assert not (tmp_path / "figures").exists() or not list((tmp_path / "figures").iterdir())


def test_empty_results_compile(tmp_path: Path) -> None:
    assert build_report({"claims": []}, tmp_path).read_bytes().startswith(b"%PDF")


def test_not_a_results_dict_is_a_report_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError):
        build_report({"claims": "nope"}, tmp_path)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=20))
def test_typst_string_round_trips(tmp_path_factory, values: list[str]) -> None:
    """Whatever the text, Typst reads back exactly that string (carriage returns dropped)."""
    import typst

    folder = tmp_path_factory.mktemp("roundtrip")
    source = folder / "m.typ"
    source.write_text("\n".join(f"#metadata({typst_string(v)}) <m>" for v in values), encoding="utf-8")
    read_back = json.loads(typst.query(str(source), "<m>", field="value", root=str(folder), ignore_system_fonts=True))
    assert read_back == [v.replace("\r", "") for v in values]


def test_figure_with_unparseable_mathtext_is_drawn_literally(tmp_path: Path) -> None:
    from reports.figures import draw_figure

    spec = {"title": r"broken $\frac{1}{$ math", "xlabel": "$x_", "ylabel": "$\\nosuchcommand$", "xscale": "symlog",
            "series": [{"label": "$\\alpha$ ok", "x": [0, 1, 2], "y": [1, None, 3], "kind": "scatter"}]}
    draw_figure(spec, tmp_path / "f.png", tmp_path / "f.svg")
    assert (tmp_path / "f.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "f.svg").exists()


LONG_IDS = ["schedule.decay-exact-bottom-seed", "nesterov.lookahead-equivalence", "gd.descent-lemma"]


def test_claim_ids_are_verbatim_in_the_pdf_text(tmp_path: Path) -> None:
    """Ids are searchable and copyable: no invisible characters inserted, no line break in the summary."""
    pypdf = pytest.importorskip("pypdf")
    results = synthetic_results()
    for claim_id in LONG_IDS:
        record = copy.deepcopy(confirmed_record())
        record.update(id=claim_id, family=claim_id.split(".")[0])
        results["claims"].append(record)
    build_report(results, tmp_path)
    extracted = "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "report.pdf").pages)
    assert "\u200b" not in extracted
    for record in results["claims"]:
        # Once in the summary table, once in the claim's own section at least.
        assert extracted.count(record["id"]) >= 2, record["id"]


def test_log_tick_labels_are_plain_text_with_matplotlibs_values() -> None:
    """The labels matplotlib would typeset in mathtext, written with Unicode superscripts instead."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogFormatterSciNotation

    from reports.figures import PlainLogFormatter

    fig, ax = plt.subplots()
    try:
        labels = {}
        for formatter in (LogFormatterSciNotation(10, labelOnlyBase=False), PlainLogFormatter(10, labelOnlyBase=False)):
            ax.set_yscale("log")
            ax.yaxis.set_minor_formatter(formatter)
            ax.set_ylim(1e-3, 3e-3)
            fig.canvas.draw()
            labels[type(formatter)] = [t.get_text() for t in ax.get_yticklabels(minor=True)][:3]
        assert labels[LogFormatterSciNotation][0] == "$\\mathdefault{2\\times10^{-4}}$"
        assert labels[PlainLogFormatter] == ["2×10⁻⁴", "3×10⁻⁴", "4×10⁻⁴"]
    finally:
        plt.close(fig)
    plain = PlainLogFormatter(10)
    plain.set_axis(ax.yaxis)
    assert plain(1e-12) == "10⁻¹²" and plain(100.0) == "10²"

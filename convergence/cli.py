"""The ``convergence`` command: list, show, verify, report, calibrate (see calibration_cli).

Exit status: 0 when every verdict equals its expected verdict and every
mutant is refuted; 1 when a claim or a mutant disagrees; 2 for bad input
(unknown id, bad option, malformed claim, unreadable results, an output
folder in use by another run, a report that cannot be built), reported as
one line on stderr, never as a traceback; 130 when interrupted (SIGINT or
SIGTERM), after every worker process has been stopped and with nothing
written to the output folder.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import calibration_cli, diff, scaffold
from .errors import SuiteError
from .seeds import DEFAULT_SEED
from .vocabulary import PROFILES

if TYPE_CHECKING:  # loading claims imports SymPy and theory/, which `report` and `diff` never need
    from .claim import Claim

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
MAX_SEED = 2**64  # SeedSequence takes any non-negative integer; beyond 64 bits it is a typo, not a seed


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"convergence: error: {message}\n")


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}") from None
    if not 0 <= value < MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer below 2**64, got {text}")
    return value


def _folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder (an empty path would write into the current folder)")
    return Path(text)


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of worker processes, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="convergence", description="Verify textbook claims about gradient methods.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p_list = sub.add_parser("list", help="list claims: id, kind, expected verdict, title")
    p_list.add_argument("patterns", nargs="*", metavar="PATTERN", help="glob on claim ids, e.g. 'gd.*'")

    p_show = sub.add_parser("show", help="show one claim: statement, source, derivation, params")
    p_show.add_argument("claim_id", metavar="ID")
    p_show.add_argument("--json", action="store_true", help="print as JSON")
    p_show.add_argument("--latex", action="store_true", help="print the derivation as a LaTeX align block")
    p_show.add_argument("--typst", action="store_true", help="print the derivation as a Typst math block")

    p_verify = sub.add_parser("verify", help="run experiments, compare with theory, write results.json")
    p_verify.add_argument("patterns", nargs="*", metavar="PATTERN", help="glob(s) on claim ids (default: all)")
    p_verify.add_argument("--profile", choices=PROFILES, default="full", help="problem sizes (default: full)")
    p_verify.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help=f"master seed (default: {DEFAULT_SEED})")
    p_verify.add_argument("--out", type=_folder, default=Path("out"), help="output folder (default: out)")
    p_verify.add_argument("--report", action="store_true", help="also build report.pdf from the results")
    p_verify.add_argument("--png", action="store_true", help="with --report: each figure also as PNG (SVG always)")
    p_verify.add_argument("--jobs", type=_workers, default=None,
                          help="worker processes, at most one per claim (default: the machine's cores; results do"
                               " not depend on it)")
    p_verify.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                          help="end a claim still running after this long as ERROR (default: 300 quick, 3600 full)")
    p_verify.add_argument("--strict", action="store_true", help="a figure that cannot be drawn fails the report")
    p_verify.add_argument("--no-cache", action="store_true", help="run every claim, even unchanged ones")
    p_verify.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                          help="override a parameter of the selected claims (a non-standard run, never cached)")
    p_verify.add_argument("--scheduler", metavar="ADDRESS", default=None,
                          help="run the claims on an existing Dask scheduler, e.g. tcp://host:8786 (same records;"
                               " no --jobs or --timeout there)")

    p_power = sub.add_parser("power", help="every claim's resolution against its goal (issue: verdict power)")
    p_power.add_argument("patterns", nargs="*", metavar="PATTERN", help="glob(s) on claim ids (default: all)")
    p_power.add_argument("--results", type=Path, default=None, help="read stored resolutions instead of running")
    p_power.add_argument("--profile", choices=PROFILES, default="full", help="problem sizes (default: full)")
    p_power.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help=f"master seed (default: {DEFAULT_SEED})")
    p_power.add_argument("--jobs", type=_workers, default=None,
                         help="worker processes (default: the machine's cores; results do not depend on it)")
    p_power.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                         help="end a claim still running after this long as ERROR (default: 300 quick, 3600 full)")

    p_report = sub.add_parser("report", help="build report.pdf from an existing results.json")
    p_report.add_argument("--results", type=Path, default=None, help="results file (default: OUT/results.json)")
    p_report.add_argument("--out", type=_folder, default=Path("out"), help="output folder (default: out)")
    p_report.add_argument("--strict", action="store_true", help="a figure that cannot be drawn fails the report")
    p_report.add_argument("--png", action="store_true", help="each figure also as PNG beside its SVG")
    p_report.add_argument("--calibration", type=Path, default=None, metavar="FILE",
                          help="add an appendix from a calibration.json written by 'calibrate'")

    calibration_cli.add_parser(sub)
    scaffold.add_parser(sub)
    diff.add_parser(sub)
    return parser


def _load_claims(patterns: Sequence[str] = (), check_theory: bool = True) -> list[Claim]:
    from .discovery import discover, select

    # Listing needs ids and titles only; building every derivation is the slow part of loading.
    return select(discover(), list(patterns), check_theory=check_theory)


def _cmd_list(args: argparse.Namespace) -> int:
    claims = _load_claims(args.patterns, check_theory=False)
    width = max((len(c.id) for c in claims), default=2)
    print(f"{'id':<{width}}  {'kind':<10}  {'expected':<9}  title")
    for claim in claims:
        print(f"{claim.id:<{width}}  {claim.kind:<10}  {claim.expected.value:<9}  {claim.title}")
    return EXIT_OK


def _show_record(claim: Claim) -> dict[str, Any]:
    from .jsonable import to_jsonable
    from .runner import describe_claim, describe_theory

    return {
        **describe_claim(claim),
        "params": {"symbols": dict(claim.params.symbols), "quick": to_jsonable(dict(claim.params.quick)),
                   "full": to_jsonable(dict(claim.params.full))},
        "theory": describe_theory(claim),
        "mutants": [m.description for m in claim.mutants],
        "certificate": None if claim.certificate is None else claim.certificate.describe(),
    }


def _cmd_show(args: argparse.Namespace) -> int:
    from .discovery import check_claim_theory, discover
    from .errors import UnknownClaimError

    matches = [c for c in discover() if c.id == args.claim_id]
    if not matches:
        raise UnknownClaimError(f"unknown claim id {args.claim_id!r} (see 'convergence list')")
    check_claim_theory(matches[0])
    if args.latex or args.typst:
        from .export import latex_align, typst_block

        print(latex_align(matches[0]) if args.latex else typst_block(matches[0]))
        return EXIT_OK
    record = _show_record(matches[0])
    if args.json:
        print(json.dumps(record, indent=2))
        return EXIT_OK
    print(f"{record['id']} — {record['title']}  [{record['kind']}, expected {record['expected']}]")
    print(f"\n{record['statement']}\n")
    print(f"Source: {record['source']['where']}")
    if record["source"]["quote"]:
        print(f"  \u201c{record['source']['quote']}\u201d")
    print("\nDerivation:")
    for i, step in enumerate(record["theory"]["steps"], start=1):
        print(f"  {i}. {step['label']}: {step['text']}")
        justification = f" {step['justification']}" if step["justification"] else ""
        print(f"     [{step.get('check', 'unchecked')}]{justification}")
        if step.get("model_points"):
            print(f"     the experiment's code for it agrees at {step['model_points']} seeded points")
        if step.get("reference"):
            print(f"     reference: {step['reference']}")
    counts = record["theory"].get("counts") or {}
    print("  steps: " + ", ".join(f"{n} {kind}" for kind, n in counts.items() if n))
    print(f"\nTheory: {record['theory']['text']}")
    for assumption in record["theory"]["assumptions"]:
        print(f"  assuming {assumption}")
    print(f"\nParameters: symbols {record['params']['symbols']}")
    for profile in PROFILES:
        print(f"  {profile}: {record['params'][profile]}")
    print(f"Tolerance: {record['tolerance']}")
    print("Mutants: " + "; ".join(record["mutants"]))
    if record["certificate"] is not None:
        c = record["certificate"]
        print(f"Certificate: worst case of {c['metric']} for {c['method']} over {c['function_class']} functions,"
              f" {c['initial']}; program {c['program']}, against {c['bound']} over {c['variable']}"
              f" (solver accuracy rtol {c['rtol']:g})")
    return EXIT_OK


def _goal_mark(resolution: dict[str, Any]) -> str:
    """'' when the resolution goal is met, else ' (misses goal)' or ' (misses goal, explained)'."""
    if resolution.get("meets_goal"):
        return ""
    return " (misses goal, explained)" if resolution.get("explained") else " (misses goal)"


def _print_summary(results: dict[str, Any]) -> None:
    records = results["claims"]
    width = max((len(r["id"]) for r in records), default=2)
    # resolves: the smallest change of the theory the measurement refutes (convergence/resolution.py)
    resolves = {r["id"]: (r.get("resolution") or {}).get("text", "—") + _goal_mark(r.get("resolution") or {})
                for r in records}
    rw = max((len(v) for v in resolves.values()), default=8)
    print(f"\n{'claim':<{width}}  {'verdict':<12}  {'expected':<9}  {'mutants':<7}  {'resolves':<{rw}}"
          f"  {'time/s':>7}  status")
    for r in records:
        killed = sum(m["killed"] for m in r["mutants"])
        status = "pass" if r["passed"] else "FAIL"
        print(f"{r['id']:<{width}}  {r['verdict']:<12}  {r['expected']:<9}  {killed:>3}/{len(r['mutants']):<3}"
              f"  {resolves[r['id']]:<{rw}}  {r['runtime_s']:>7.2f}  {status}")
    t = results["totals"]
    met = sum(bool((r.get("resolution") or {}).get("meets_goal")) for r in records)
    explained = sum(bool((r.get("resolution") or {}).get("explained")) for r in records)
    print(f"\n{t['passed']}/{t['claims']} claims pass; verdicts as expected: {t['as_expected']}/{t['claims']};"
          f" mutants refuted: {t['mutants_killed']}/{t['mutants']};"
          f" resolution goal met: {met}/{t['claims']}" + (f", miss explained: {explained}" if explained else "")
          + " ('convergence power' lists why not)")
    for r in records:
        if r["verdict"] == "ERROR":
            print(f"error in {r['id']}: {r['summary']}", file=sys.stderr)


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SuiteError(f"cannot create output folder {folder}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK):
        raise SuiteError(f"output folder {folder} is not writable")


@contextlib.contextmanager
def _output_folder(folder: Path):
    """Check ``folder`` is writable, hold its lock, and stage everything written into it."""
    from .atomic import remove_stale_staging, staged_folder
    from .lock import folder_lock

    _check_writable(folder)
    with folder_lock(folder):
        remove_stale_staging(folder)
        with staged_folder(folder) as stage:
            yield stage


def _jobs(requested: int | None, claims: int) -> int:
    """Workers for ``claims`` claims: the machine's cores unless asked; never more than claims.

    More workers than claims would only fork idle processes: an explicit request is capped, and
    the cap is said; the default is capped silently.
    """
    if requested is None:
        return max(1, min(os.cpu_count() or 1, claims))
    if 0 < claims < requested:
        print(f"--jobs {requested} capped at {claims}: one worker per claim at most", file=sys.stderr)
        return max(claims, 1)
    return requested


def _cmd_verify(args: argparse.Namespace) -> int:
    from .cache import CACHE_DIR, ResultCache, execute, plan
    from .discovery import index, load_for_run, select_refs
    from .overrides import check as check_overrides
    from .overrides import mark as mark_overrides
    from .overrides import parse as parse_overrides
    from .progress import Progress, claim_callback
    from .results import command_line, make_results, write_results
    from .runner import RunOptions, run_claims

    refs = select_refs(index(), args.patterns)  # a claim is imported only if it must run (see cache.py)
    overrides = parse_overrides(args.set)
    if overrides and args.scheduler is not None:
        raise SuiteError("--set does not apply with --scheduler (the cluster runs the claims' own parameters)")
    if args.png and not args.report:
        raise SuiteError("--png applies to the report: add --report")
    if args.scheduler is not None and (args.jobs is not None or args.timeout is not None):
        raise SuiteError("--jobs and --timeout do not apply with --scheduler (the cluster's workers run the claims)")
    report_error = None
    with _output_folder(args.out) as stage:  # fail before minutes of experiments, not after
        # Entries are read from OUT/.cache and written through the stage: an interrupted run adds none.
        cache = None if args.no_cache or overrides else ResultCache(args.out / CACHE_DIR, stage / CACHE_DIR)
        options = RunOptions(profile=args.profile, seed=args.seed, timeout=args.timeout,
                             overrides=tuple(overrides.items()))
        def prepare(todo: list[Any]) -> list[Claim]:  # locally, each claim's worker builds its derivation
            return load_for_run(todo, check_theory=args.scheduler is not None)

        planned = plan(refs, options, cache, prepare, lambda run: check_overrides(overrides, run, args.profile))
        jobs = _jobs(args.jobs, len(planned.claims)) if planned.claims else 1
        options = dataclasses.replace(options, jobs=jobs)
        cached = f", {len(planned.served)} unchanged (from the cache)" if planned.served else ""
        print(f"verifying {len(refs)} claim(s), profile {args.profile}, seed {args.seed},"
              f" timeout {options.claim_timeout:g} s per claim{cached}", file=sys.stderr)
        run = run_claims if args.scheduler is None else functools.partial(_run_on_scheduler, scheduler=args.scheduler)
        with Progress([r.id for r in refs], jobs=jobs, title="verify") as progress:
            records = execute(planned, options, run, claim_callback(progress))
        results = mark_overrides(make_results(records, seed=args.seed, profile=args.profile,
                                              command=command_line()), overrides)
        write_results(results, stage / "results.json")
        if args.report:
            report_error = _stage_report(results, stage, args.out, args.strict, args.png)
    _print_summary(results)
    print(f"results: {args.out / 'results.json'}")
    if report_error is not None:
        raise report_error
    if args.report:
        print(f"report: {args.out / 'report.pdf'}")
    return EXIT_OK if results["totals"]["passed"] == len(records) else EXIT_MISMATCH


def _run_on_scheduler(claims: list[Claim], options: Any, scheduler: str,
                      on_result: Any = None) -> list[dict[str, Any]]:
    """verify's claims as tasks on an existing Dask cluster (records as a local run's)."""
    from .calibration import run_claims_on_cluster
    from .cluster import dask_client

    with dask_client(scheduler) as client:
        return run_claims_on_cluster(client, claims, options, on_result=on_result)


def _cmd_power(args: argparse.Namespace) -> int:
    """Resolution of every selected claim against its goal (convergence/power.py)."""
    from fnmatch import fnmatchcase

    from .power import print_table

    if args.results is not None:
        from .results import read_results

        results = read_results(args.results)
        records = [r for r in results["claims"]
                   if not args.patterns or any(fnmatchcase(r["id"], p) for p in args.patterns)]
        profile = results.get("profile", args.profile)
    else:
        from .progress import Progress, claim_callback
        from .runner import RunOptions, run_claims

        claims = _load_claims(args.patterns)
        options = RunOptions(profile=args.profile, seed=args.seed, jobs=_jobs(args.jobs, len(claims)),
                             timeout=args.timeout)
        with Progress([c.id for c in claims], jobs=options.jobs, title="power") as progress:
            records, profile = run_claims(claims, options, on_result=claim_callback(progress)), args.profile
    from .discovery import discover

    known = {claim.id for claim in discover()}  # a loose bound's companion claim must exist
    return EXIT_OK if print_table(records, profile, sys.stdout, known) == 0 else EXIT_MISMATCH


def _stage_report(results: dict[str, Any], stage: Path, out: Path, strict: bool, png: bool) -> Exception | None:
    """Build the report into the stage; a failure is returned, so results.json is still written."""
    from reports.build import ReportError, build_report_in, keep_failed_source

    try:
        build_report_in(results, stage, shown_dir=out, strict=strict, png=png)
    except ReportError as exc:
        keep_failed_source(exc, out)
        return exc
    return None


def _cmd_report(args: argparse.Namespace) -> int:
    from reports.build import build_report

    from .lock import folder_lock
    from .results import read_results

    results = read_results(args.results or args.out / "results.json")
    calibration = None
    if args.calibration is not None:
        from reports.calibration import read_calibration

        calibration = read_calibration(args.calibration)
    _check_writable(args.out)
    with folder_lock(args.out):
        pdf = build_report(results, args.out, strict=args.strict, calibration=calibration, png=args.png)
        print(f"report: {pdf}")
    return EXIT_OK


def _raise_interrupt(signum: int, frame: Any) -> None:
    """SIGINT or SIGTERM: ignore further ones (cleanup must finish), then unwind as KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


@contextlib.contextmanager
def _interrupts_unwind():
    """Both signals unwind the stack (workers are killed, staging removed); handlers restored after."""
    try:
        previous = {sig: signal.signal(sig, _raise_interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: leave signals alone
        previous = {}
    try:
        yield
    finally:  # after an interrupt they stay ignored: the process is exiting, a second ^C must not kill it
        for sig, handler in previous.items():
            if signal.getsignal(sig) is _raise_interrupt:
                signal.signal(sig, handler)


class _OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"convergence: {record.levelname.lower()}: {' '.join(record.getMessage().split())}"


def _configure_logging() -> None:
    """Warnings (a figure not drawn, a claim file that printed) as one line each on stderr."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_OneLineFormatter())
        root.addHandler(handler)
        root.setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    with _interrupts_unwind():
        try:
            return _main(argv)
        except KeyboardInterrupt:
            print("convergence: interrupted; nothing was written to the output folder", file=sys.stderr)
            return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    _configure_logging()
    handlers = {"list": _cmd_list, "show": _cmd_show, "verify": _cmd_verify, "report": _cmd_report,
                "power": _cmd_power, "calibrate": calibration_cli.cmd_calibrate, "new": scaffold.command,
                "diff": diff.command}
    try:
        return handlers[args.command](args)
    except SuiteError as exc:
        print(f"convergence: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # e.g. --out names a file or a folder we may not write
        print(f"convergence: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``convergence`` command: list, show, verify, report.

Exit status: 0 when every verdict equals its expected verdict and every
mutant is refuted; 1 when a claim or a mutant disagrees; 2 for bad input
(unknown id, bad option, malformed claim, unreadable results), reported as
one line on stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import diff, scaffold
from .claim import PROFILES, Claim
from .errors import SuiteError
from .seeds import DEFAULT_SEED

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"convergence: error: {message}\n")


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
    p_verify.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"master seed (default: {DEFAULT_SEED})")
    p_verify.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out)")
    p_verify.add_argument("--report", action="store_true", help="also build report.pdf from the results")
    p_verify.add_argument("--jobs", type=int, default=1, help="worker processes (results do not depend on it)")
    p_verify.add_argument("--no-cache", action="store_true", help="run every claim, even unchanged ones")
    p_verify.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                          help="override a parameter of the selected claims (a non-standard run, never cached)")

    p_report = sub.add_parser("report", help="build report.pdf from an existing results.json")
    p_report.add_argument("--results", type=Path, default=None, help="results file (default: OUT/results.json)")
    p_report.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out)")
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
        if step["justification"]:
            print(f"     ({step['justification']})")
    print(f"\nTheory: {record['theory']['text']}")
    for assumption in record["theory"]["assumptions"]:
        print(f"  assuming {assumption}")
    print(f"\nParameters: symbols {record['params']['symbols']}")
    for profile in PROFILES:
        print(f"  {profile}: {record['params'][profile]}")
    print(f"Tolerance: {record['tolerance']}")
    print("Mutants: " + "; ".join(record["mutants"]))
    return EXIT_OK


def _print_summary(results: dict[str, Any]) -> None:
    records = results["claims"]
    width = max((len(r["id"]) for r in records), default=2)
    print(f"\n{'claim':<{width}}  {'verdict':<12}  {'expected':<9}  {'mutants':<7}  {'time/s':>7}  status")
    for r in records:
        killed = sum(m["killed"] for m in r["mutants"])
        status = "pass" if r["passed"] else "FAIL"
        print(f"{r['id']:<{width}}  {r['verdict']:<12}  {r['expected']:<9}  {killed:>3}/{len(r['mutants']):<3}"
              f"  {r['runtime_s']:>7.2f}  {status}")
    t = results["totals"]
    print(f"\n{t['passed']}/{t['claims']} claims pass; verdicts as expected: {t['as_expected']}/{t['claims']};"
          f" mutants refuted: {t['mutants_killed']}/{t['mutants']}")
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


def _build_report(results: dict[str, Any], out: Path) -> Path:
    from reports.build import build_report

    return build_report(results, out)


def _cmd_verify(args: argparse.Namespace) -> int:
    from .cache import CACHE_DIR, ResultCache, execute, plan
    from .discovery import index, load_for_run, select_refs
    from .overrides import check as check_overrides
    from .overrides import mark as mark_overrides
    from .overrides import parse as parse_overrides
    from .progress import Progress, claim_callback
    from .results import command_line, make_results, write_results
    from .runner import RunOptions, run_claims

    if args.jobs < 1:
        raise SuiteError(f"--jobs must be at least 1, got {args.jobs}")
    refs = select_refs(index(), args.patterns)  # claims are imported only if they must run (see cache.py)
    overrides = parse_overrides(args.set)
    _check_writable(args.out)  # fail before minutes of experiments, not after
    options = RunOptions(profile=args.profile, seed=args.seed, jobs=args.jobs, overrides=tuple(overrides.items()))
    cache = None if args.no_cache or overrides else ResultCache(args.out / CACHE_DIR)
    planned = plan(refs, options, cache, load_for_run, lambda claims: check_overrides(overrides, claims, args.profile))
    cached = f" ({len(planned.served)} unchanged: served from the cache)" if planned.served else ""
    print(f"verifying {len(refs)} claim(s), profile {args.profile}, seed {args.seed}{cached}", file=sys.stderr)
    with Progress([r.id for r in refs], jobs=args.jobs, title="verify") as progress:
        records = execute(planned, options, run_claims, claim_callback(progress))
    results = mark_overrides(make_results(records, seed=args.seed, profile=args.profile, command=command_line()),
                             overrides)
    results_path = args.out / "results.json"
    write_results(results, results_path)
    _print_summary(results)
    print(f"results: {results_path}")
    if args.report:
        print(f"report: {_build_report(results, args.out)}")
    return EXIT_OK if results["totals"]["passed"] == len(records) else EXIT_MISMATCH


def _cmd_report(args: argparse.Namespace) -> int:
    from .results import read_results

    results = read_results(args.results or args.out / "results.json")
    print(f"report: {_build_report(results, args.out)}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"list": _cmd_list, "show": _cmd_show, "verify": _cmd_verify, "report": _cmd_report,
                "new": scaffold.command, "diff": diff.command}
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
    except KeyboardInterrupt:
        print("convergence: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

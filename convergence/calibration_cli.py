"""The ``calibrate`` subcommand: its options and its handler (kept out of cli.py, which only registers it).

Exit status: 0 when no claim fails above its α share (see
:mod:`convergence.calibration_summary`); 1 otherwise; 2 for bad input, a missing
``distributed`` extra or an unreachable scheduler (one line); 130 on Ctrl-C, with
every finished record kept for the next run to resume from.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .cluster import DEFAULT_CONNECT_TIMEOUT
from .errors import SuiteError
from .vocabulary import PROFILES

DEFAULT_SEEDS = 20
DEFAULT_FIRST_SEED = 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calibrate", help="run claims at many master seeds on Dask and measure their failure rates")
    p.add_argument("patterns", nargs="*", metavar="PATTERN", help="glob(s) on claim ids (default: all)")
    p.add_argument("--seeds", type=int, default=DEFAULT_SEEDS, help=f"number of master seeds (default {DEFAULT_SEEDS})")
    p.add_argument("--first-seed", type=int, default=DEFAULT_FIRST_SEED,
                   help=f"first master seed (default {DEFAULT_FIRST_SEED})")
    p.add_argument("--profile", choices=PROFILES, default="quick", help="problem sizes (default: quick)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="an existing Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)")
    p.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster (default 2)")
    p.add_argument("--connect-timeout", type=float, default=DEFAULT_CONNECT_TIMEOUT, metavar="SECONDS",
                   help=f"how long to try to reach --scheduler (default {DEFAULT_CONNECT_TIMEOUT:g})")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="folder for records.jsonl (resumable) and calibration.json")


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .atomic import write_atomic
    from .calibration import RECORDS_NAME, SUMMARY_NAME, latest_records, sweep
    from .calibration_progress import Display
    from .calibration_summary import format_table, summarize
    from .cluster import dask_client, describe, require_distributed
    from .discovery import discover, select
    from .lock import folder_lock
    from .results import environment

    if args.seeds < 1:
        raise SuiteError(f"--seeds must be at least 1, got {args.seeds}")
    if args.first_seed < 0:
        raise SuiteError(f"--first-seed must be non-negative, got {args.first_seed}")
    if args.workers < 1:
        raise SuiteError(f"--workers must be at least 1, got {args.workers}")
    require_distributed()
    catalogue = discover()
    claims = select(catalogue, list(args.patterns))
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SuiteError(f"cannot create output folder {args.out}: {exc.strerror or exc}") from None
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    display = Display()
    try:
        with folder_lock(args.out), dask_client(args.scheduler, args.workers, args.connect_timeout) as client:
            def started(pending: int, skipped: int) -> None:
                print(f"calibrating {len(claims)} claim(s) x {len(seeds)} seed(s) ({seeds.start}..{seeds.stop - 1}),"
                      f" profile {args.profile}, on {describe(client)}: {pending} task(s) to run, {skipped} already"
                      f" in {args.out / RECORDS_NAME}", file=sys.stderr, flush=True)
                display.start(pending)

            with display:
                records = sweep(client, claims, seeds, args.profile, args.out, on_record=display, on_start=started)
    except KeyboardInterrupt:
        print(f"convergence: interrupted; finished records are kept in {args.out / RECORDS_NAME}"
              " (run the same command again to resume)", file=sys.stderr)
        return 130
    summary = summarize(latest_records(records).values(), [c.id for c in claims], args.profile,
                        complete_catalogue=len(claims) == len(catalogue))
    summary["command"] = " ".join(["convergence", *sys.argv[1:]])
    summary["environment"] = environment()
    summary_path = args.out / SUMMARY_NAME
    write_atomic(summary_path, json.dumps(summary, indent=1, allow_nan=False) + "\n")
    print(format_table(summary))
    print(f"summary: {summary_path}")
    return 1 if any(row["status"] == "above alpha" for row in summary["claims"]) else 0

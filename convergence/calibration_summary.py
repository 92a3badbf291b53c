"""The calibration summary: per-claim failure rates with exact intervals, and the catalogue-level rate.

A *failure* of a claim at a seed is what makes ``verify`` exit 1: a verdict other
than the expected one, or a mutant that is not refuted. Rates get a two-sided
95 % Clopper–Pearson interval (exact for a binomial count, conservative), so a
claim with 0 failures in n seeds still shows how large its rate could be.

Each rate is set against the claim's α share: ``CLAIM_ALPHA`` for the
statistical kinds (``stochastic``, ``exponent``), whose intervals are allowed to
miss the truth that often; 0 for the deterministic kinds, where any failure is a
defect. A claim is *above its α share* when even the lower end of its interval
exceeds the share. The catalogue-level rate counts master seeds at which any
claim failed, among the seeds where every claim of the sweep has a record, and is
set against the README's budget (``FAMILY_WISE_BUDGET``) and union bound.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from scipy import stats

from empirics.statistics import CATALOGUE_CLAIMS, CLAIM_ALPHA, FAMILY_WISE_BUDGET

VERDICTS = ("REFUTED", "CONFIRMED", "INCONCLUSIVE", "ERROR")
STATISTICAL_KINDS = ("stochastic", "exponent")
CONFIDENCE = 0.95
SUMMARY_SCHEMA = 1


def clopper_pearson(failures: int, trials: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact two-sided interval for a binomial proportion (``(0, 1)`` when there are no trials)."""
    if trials <= 0:
        return (0.0, 1.0)
    tail = (1.0 - confidence) / 2
    lower = 0.0 if failures == 0 else float(stats.beta.ppf(tail, failures, trials - failures + 1))
    upper = 1.0 if failures == trials else float(stats.beta.ppf(1 - tail, failures + 1, trials - failures))
    return (lower, upper)


def clopper_pearson_upper(failures: int, trials: int, confidence: float = CONFIDENCE) -> float:
    """Exact one-sided upper confidence bound for a binomial proportion (1 when there are no trials).

    With 0 failures in n trials it is 1 − (1 − confidence)^(1/n): the rate a failure-free
    sweep can still not rule out. The two-sided interval's upper end is the one-sided
    bound at (1 + confidence)/2, so it is always the larger of the two.
    """
    if trials <= 0 or failures >= trials:
        return 1.0
    return float(stats.beta.ppf(confidence, failures + 1, trials - failures))


def alpha_share(kind: str) -> float:
    """The false-failure rate a claim of this kind is allowed by the catalogue's budget."""
    return CLAIM_ALPHA if kind in STATISTICAL_KINDS else 0.0


def replay_command(claim_id: str, seed: int, profile: str) -> str:
    return f"convergence verify {claim_id} --seed {seed} --profile {profile}"


def _rate(count: int, trials: int) -> dict[str, Any]:
    return {"count": count, "rate": count / trials if trials else None,
            "interval": list(clopper_pearson(count, trials))}


def summarize_claim(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One claim's row: wrong verdicts by kind, surviving mutants, failure rate against its α share."""
    first = records[0]
    claim_id, kind, expected, profile = first["id"], first["kind"], first["expected"], first["profile"]
    ordered = sorted(records, key=lambda r: r["seed"])
    n = len(ordered)
    wrong = {v: [r["seed"] for r in ordered if r["verdict"] == v and v != expected] for v in VERDICTS}
    survivors: dict[str, list[int]] = {}
    for r in ordered:
        for m in r.get("mutants", []):
            if not m.get("killed"):
                survivors.setdefault(str(m.get("description")), []).append(r["seed"])
    failed = [r for r in ordered if not r.get("passed")]
    share = alpha_share(kind)
    rate = _rate(len(failed), n)
    if not failed:
        status = "ok"
    elif rate["interval"][0] > share:
        status = "above alpha"
    else:
        status = "within alpha"
    return {
        "id": claim_id, "kind": kind, "expected": expected, "seeds_run": n,
        "failures": len(failed), "failure_rate": rate["rate"], "interval": rate["interval"],
        "alpha_share": share, "status": status,
        "wrong_verdicts": {v: _rate(len(s), n) | {"seeds": s} for v, s in wrong.items()},
        "mutant_survivals": [{"description": d, "seeds": s} for d, s in survivors.items()],
        "failed_seeds": [
            {"seed": r["seed"], "verdict": r["verdict"], "summary": r.get("summary", ""),
             "mutants_survived": [m.get("description") for m in r.get("mutants", []) if not m.get("killed")],
             "lost_worker": bool(r.get("lost_worker")),
             "certificate": (r.get("certificate") or {}).get("verdict"),
             "replay": replay_command(claim_id, r["seed"], profile)}
            for r in failed
        ],
    }


def summarize(records: Iterable[dict[str, Any]], claim_ids: Sequence[str], profile: str,
              complete_catalogue: bool) -> dict[str, Any]:
    """The calibration.json dict for the given claims (records of other claims or profiles are ignored).

    Args:
        records: one record per (claim, seed, profile) pair (see ``calibration.latest_records``).
        claim_ids: the claims of the sweep; catalogue-level runs are seeds where all of them have a record.
        complete_catalogue: whether ``claim_ids`` is the whole catalogue (else the catalogue-level
            rate is only that of the selected claims, and says so).
    """
    wanted = set(claim_ids)
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if record["id"] in wanted and record["profile"] == profile:
            by_claim.setdefault(record["id"], []).append(record)
    rows = [summarize_claim(by_claim[c]) for c in sorted(by_claim)]

    by_seed: dict[int, dict[str, dict[str, Any]]] = {}
    for claim_records in by_claim.values():
        for record in claim_records:
            by_seed.setdefault(int(record["seed"]), {})[record["id"]] = record
    complete = sorted(s for s, got in by_seed.items() if set(got) == wanted)
    failed_runs = [s for s in complete if not all(r.get("passed") for r in by_seed[s].values())]
    false_refutations = [s for s in complete if any(r["expected"] == "CONFIRMED" and r["verdict"] == "REFUTED"
                                                    for r in by_seed[s].values())]
    runs = len(complete)
    any_failure = _rate(len(failed_runs), runs)
    return {
        "schema_version": SUMMARY_SCHEMA,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "profile": profile,
        "confidence": CONFIDENCE,
        "claim_alpha": CLAIM_ALPHA,
        "seeds": sorted(by_seed),
        "claims": rows,
        "catalogue": {
            "claims": len(wanted),
            "complete_catalogue": complete_catalogue,
            "runs": runs,
            "runs_with_failure": len(failed_runs),
            "failure_rate": any_failure["rate"],
            "interval": any_failure["interval"],
            "upper_bound_one_sided": clopper_pearson_upper(len(failed_runs), runs),
            "failed_seeds": failed_runs,
            "runs_with_false_refutation": len(false_refutations),
            "false_refutation_interval": _rate(len(false_refutations), runs)["interval"],
            "budget": FAMILY_WISE_BUDGET,
            "union_bound": CATALOGUE_CLAIMS * CLAIM_ALPHA,
            "within_budget": runs > 0 and any_failure["interval"][1] <= FAMILY_WISE_BUDGET,
        },
    }


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2g} %" if value < 0.1 else f"{100 * value:.0f} %"


def _share(value: float) -> str:
    return f"{value:.0e}" if value else "0"


def format_table(summary: dict[str, Any]) -> str:
    """The terminal table: one row per claim, the catalogue line, and the replay commands."""
    rows = summary["claims"]
    width = max([len(r["id"]) for r in rows] + [5])
    lines = [f"{'claim':<{width}}  {'kind':<10}  {'seeds':>5}  {'fail':>4}  {'REF':>3} {'CONF':>4} {'INC':>3} "
             f"{'ERR':>3}  {'mutants':>7}  {'rate [95 % CI]':<22}  {'alpha':>6}  status"]
    for r in rows:
        wrong = r["wrong_verdicts"]
        ci = f"{_pct(r['failure_rate'])} [{_pct(r['interval'][0])}, {_pct(r['interval'][1])}]"
        survived = sum(len(m["seeds"]) for m in r["mutant_survivals"])
        lines.append(
            f"{r['id']:<{width}}  {r['kind']:<10}  {r['seeds_run']:>5}  {r['failures']:>4}  "
            f"{wrong['REFUTED']['count']:>3} {wrong['CONFIRMED']['count']:>4} {wrong['INCONCLUSIVE']['count']:>3} "
            f"{wrong['ERROR']['count']:>3}  {survived:>7}  {ci:<22}  {_share(r['alpha_share']):>6}  {r['status']}")
    c = summary["catalogue"]
    scope = "catalogue" if c["complete_catalogue"] else f"selection of {c['claims']} claims"
    lines.append("")
    lines.append(
        f"{scope}: {c['runs_with_failure']}/{c['runs']} runs with any failure, rate {_pct(c['failure_rate'])} "
        f"[{_pct(c['interval'][0])}, {_pct(c['interval'][1])}] (95 % Clopper-Pearson; one-sided 95 % upper bound "
        f"{_pct(c['upper_bound_one_sided'])}); budget {_pct(c['budget'])}, "
        f"union bound on false refutations {_pct(c['union_bound'])}; runs with a false refutation: "
        f"{c['runs_with_false_refutation']}/{c['runs']}")
    replays = [f"{f['replay']}   # {f['verdict']}: {' '.join(str(f['summary']).split())[:100]}"
               + (f"; mutant survived: {', '.join(f['mutants_survived'])}" if f["mutants_survived"] else "")
               for r in rows for f in r["failed_seeds"]]
    if replays:
        lines.append("")
        lines.append("failed seeds (replay each with):")
        lines.extend(f"  {line}" for line in replays)
    return "\n".join(lines)

#!/usr/bin/env python3
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""nox sessions: regenerate everything from scratch.

    nox             lint and tests (the default sessions)
    nox -s tests    unit/property tests and every claim (quick profile)
    nox -s verify   full profile of every claim, results.json and report.pdf in out/
    nox -s report   rebuild out/report.pdf from out/results.json (no re-run)
    nox -s lint     ruff
    nox -s typecheck  mypy (configured in pyproject.toml, not strict)
    nox -s certificates   the PEP certificate leg alone (extra pep)
    nox -s crosscheck     the optax cross-check alone (extra crosscheck)
    nox -s calibrate  every claim (quick profile) at 20 master seeds on a local Dask cluster -> out/calibration/
    nox -s mutants    single-point mutations of theory/, judged by the quick profile (-- --sample 60 --seed 0)
    nox -s benchmarks the speed table (benchmarks/), each row against a baseline measured in the same run

``./noxfile.py`` runs nox too.
"""

import nox

nox.needs_version = ">=2025.2.9"  # session(default=...)
nox.options.default_venv_backend = "uv|virtualenv"


@nox.session(default=True)
def tests(session):
    session.install("-c", "constraints.txt", "-e", ".[test,distributed]")  # the golden pins' versions
    session.run("pytest", "-q", *session.posargs)


@nox.session(default=False)
def verify(session):
    session.install("-e", ".[verify]")
    session.run("convergence", "verify", "--profile", "full", "--report", "--out", "out", *session.posargs)


@nox.session(default=False)
def report(session):
    session.install("-e", ".")
    session.run("convergence", "report", "--out", "out", *session.posargs)


@nox.session(default=False)
def calibrate(session):
    session.install("-e", ".[verify,distributed]")
    session.run("convergence", "calibrate", "--seeds", "20", "--out", "out/calibration", *session.posargs)


@nox.session(default=True)
def lint(session):
    session.install("ruff")
    session.run("ruff", "check", ".")


@nox.session(default=False)
def benchmarks(session):
    session.install("-c", "constraints.txt", "-e", ".[test]")  # the test extra: verify, distributed, xdist
    session.run("python", "benchmarks/engine_throughput.py", *session.posargs)
    session.run("python", "benchmarks/engine_overhead.py")
    session.run("python", "benchmarks/catalogue_speed.py", "--full", "--tests")
    session.run("python", "benchmarks/derivation_cost.py")
    session.run("python", "benchmarks/calibration_scaling.py")


@nox.session(default=False)
def certificates(session):
    """The certificate leg alone: the PEP worst cases of the certified claims (PEPit + Clarabel)."""
    session.install("-e", ".[pep]")
    session.run("convergence", "verify", "gd.descent-lemma", "gd.convex-rate", "gd.convex-rate-tight",
                "gd.nonconvex-stationarity", "gd.nonconvex-stationarity-tight", "gd.quadratic-rate", "nesterov.*",
                "momentum.polyak-global-seed",
                "vr.saga-rate",
                "--profile", "quick", "--out", "out/certificates", *session.posargs)


@nox.session(default=False)
def crosscheck(session):
    """The optax leg alone: engine optimizers and schedules against optax, and schedule.formulas."""
    session.install("-e", ".[test,crosscheck]")
    session.run("pytest", "-q", "tests/test_crosscheck_optax.py", *session.posargs)
    session.run("convergence", "verify", "schedule.formulas", "--profile", "quick", "--out", "out/crosscheck")


@nox.session(default=False)
def typecheck(session):
    session.install("-e", ".", "mypy>=1.10")
    session.run("mypy", *session.posargs)


@nox.session(default=False)
def mutants(session):
    """Mutation testing of theory/ (tools/mutants.py): --sample N (default 60), --seed S, --module NAME, --list,
    or --all [--verify] for every mutation point."""
    session.install("-e", ".")
    session.run("python", "-m", "tools.mutants", *session.posargs)


if __name__ == "__main__":
    nox.main()

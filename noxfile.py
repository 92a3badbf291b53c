#!/usr/bin/env python3
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""nox sessions: regenerate everything from scratch.

    nox              lint and tests (the default sessions)
    nox -s tests     unit/property tests and every claim (quick profile)
    nox -s verify    full profile of every claim, results.json and report.pdf in out/
    nox -s report    rebuild out/report.pdf from out/results.json (no re-run)
    nox -s lint      ruff
    nox -s typecheck mypy (configured in pyproject.toml, not strict)
    nox -s benchmarks

``./noxfile.py`` runs nox too.
"""

import nox

nox.needs_version = ">=2025.2.9"  # session(default=...)
nox.options.default_venv_backend = "uv|virtualenv"


@nox.session(default=True)
def tests(session):
    session.install("-e", ".[test]")
    session.run("pytest", "-q", *session.posargs)


@nox.session(default=False)
def verify(session):
    session.install("-e", ".")
    session.run("convergence", "verify", "--profile", "full", "--report", "--out", "out", *session.posargs)


@nox.session(default=False)
def report(session):
    session.install("-e", ".")
    session.run("convergence", "report", "--out", "out", *session.posargs)


@nox.session(default=True)
def lint(session):
    session.install("ruff")
    session.run("ruff", "check", ".")


@nox.session(default=False)
def typecheck(session):
    session.install("-e", ".", "mypy>=1.10")
    session.run("mypy", *session.posargs)


@nox.session(default=False)
def benchmarks(session):
    session.install("-e", ".")
    session.run("python", "benchmarks/engine_throughput.py", *session.posargs)


if __name__ == "__main__":
    nox.main()

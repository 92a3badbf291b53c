"""The result cache: reuse a claim's record when nothing that can change it has changed.

A record depends on the claim file, on every project module that file imports
(transitively: theory, empirics, convergence helpers), on the runner's own
modules, on the claim's parameters for the profile, the master seed, and the
versions of the suite, Python, NumPy, SciPy and SymPy. All of that goes into
one SHA-256 key; the record is stored under it as a JSON file (written
atomically, so an interrupted run never leaves a torn entry). Any edit to any
of those files changes the key, so a changed theory function, experiment
helper or parameter is never served from the cache: the content is hashed,
never a timestamp.

Imports are found statically (``ast``), not from ``sys.modules``: the set is
the same whatever was imported before, and a function-level import counts
too. Only modules inside the project are followed; third-party packages enter
the key through their versions.

Not cached: ERROR records (they may come from the machine, not the code) and
runs with ``--set`` overrides (exploration, never a standard record).
"""

from __future__ import annotations

import ast
import hashlib
import json
import platform
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from .atomic import write_atomic
from .claim import Claim

CACHE_DIR = ".cache"  # below the output folder: out/.cache/
CACHE_FORMAT = 1  # bump when the record layout changes in a way old entries must not survive
PROJECT_ROOT = Path(__file__).resolve().parent.parent

def _project_packages(root: Path) -> frozenset[str]:
    """The project's top-level packages: every folder of the project root with an ``__init__.py``."""
    return frozenset(p.parent.name for p in root.glob("*/__init__.py"))


PROJECT_PACKAGES = _project_packages(PROJECT_ROOT)
# The runner's own code shapes every record (theory evaluation, comparisons, stored points).
RUNNER_MODULES = ("convergence.runner", "convergence")
VERSIONED_PACKAGES = ("numpy", "scipy", "sympy")


def _module_file(name: str, root: Path) -> Path | None:
    """The file of a project module or package ``a.b.c`` below ``root``, if it exists."""
    parts = name.split(".")
    if parts[0] not in (PROJECT_PACKAGES if root == PROJECT_ROOT else _project_packages(root)):
        return None
    base = root.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _package_of(path: Path, root: Path) -> list[str]:
    """Dotted package parts of a file below ``root`` (empty for a file outside it)."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        return []
    return list(relative.with_suffix("").parts)[:-1]  # for a package's __init__, the package itself


def _imported_names(path: Path, root: Path) -> set[str]:
    """Every module a file may import: ``import a.b``, ``from a import b`` (b may be a submodule)."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package_of(path, root)
                base_parts = package[: len(package) - node.level + 1] if node.level <= len(package) else []
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            if base:
                names.add(base)
                names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _with_parents(name: str) -> list[str]:
    """``a.b.c`` -> ``a``, ``a.b``, ``a.b.c``: importing a module runs its packages' ``__init__`` too."""
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _direct_dependencies(path: Path, root: Path) -> set[Path]:
    """The project files one file imports (with the ``__init__`` of each package on the way)."""
    found: set[Path] = set()
    for name in _imported_names(path, root):
        for module in _with_parents(name):
            file = _module_file(module, root)
            if file is not None:
                found.add(file.resolve())
    return found


def module_closure(start: Iterable[Path], root: Path = PROJECT_ROOT,
                   memo: dict[Path, set[Path]] | None = None) -> set[Path]:
    """The files in ``start`` and every project file they import, transitively.

    ``memo`` keeps each file's direct imports across calls of one run (claims share modules).
    """
    memo = {} if memo is None else memo
    seen: set[Path] = set()
    pending = [p.resolve() for p in start]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        if path not in memo:
            memo[path] = _direct_dependencies(path, root)
        pending.extend(memo[path] - seen)
    return seen


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions that can change a record without any project file changing."""
    found = {"python": platform.python_version()}
    for package in VERSIONED_PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    found["suite"] = suite_version()
    return found


def suite_version() -> str:
    try:
        return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        try:
            return metadata.version("convergence-suite")
        except metadata.PackageNotFoundError:
            return "unknown"


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def claim_key(claim_id: str, claim_path: Path, *, profile: str, seed: int, root: Path = PROJECT_ROOT,
              memo: dict[str, Any] | None = None) -> str:
    """The content hash that identifies one claim's record (``memo``: see ``module_closure``).

    The claim's parameters for the profile are defined by its file and the modules it
    imports, all hashed here, so the key is known before the claim is imported (a fully
    cached run imports no claim, no SciPy). ``--set`` overrides never reach the cache.
    """
    memo = {} if memo is None else memo
    runner_files = [f for f in (_module_file(m, root) for m in RUNNER_MODULES) if f is not None]
    files = module_closure([claim_path, *runner_files], root, memo.setdefault("imports", {}))
    digests = memo.setdefault("digests", {})
    for f in files:
        if f not in digests:
            digests[f] = _digest(f)
    payload = {
        "format": CACHE_FORMAT,
        "id": claim_id,
        "profile": profile,
        "seed": seed,
        "versions": versions(),
        "files": {_shown(f, root): digests[f] for f in sorted(files)},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class ResultCache:
    """A folder of JSON records named by their key (``ab/abcdef….json``).

    ``write_to`` (default: the folder itself) is where new entries go, e.g. the staging
    folder of a run, so entries appear only when the run's outputs do.
    """

    def __init__(self, folder: Path, write_to: Path | None = None) -> None:
        self.folder = folder
        self.write_to = folder if write_to is None else write_to

    @staticmethod
    def _name(key: str) -> Path:
        return Path(key[:2]) / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            entry = json.loads((self.folder / self._name(key)).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing, or unreadable: run the claim
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("record"), dict):
            return None
        return entry["record"]

    def put(self, key: str, record: dict[str, Any]) -> None:
        if record.get("verdict") == "ERROR" or record.get("overrides"):
            return
        stored = {k: v for k, v in record.items() if k != "cached"}
        write_atomic(self.write_to / self._name(key), json.dumps({"key": key, "record": stored}, allow_nan=False))


OnResult = Callable[[int, int, dict[str, Any]], None]
RunClaims = Callable[..., list[dict[str, Any]]]


class _Ref(Protocol):
    """A selected claim file (``discovery.ClaimRef``)."""

    @property
    def id(self) -> str: ...

    @property
    def path(self) -> Path: ...


@dataclass
class Plan:
    """What a run will do: the records served from the cache, the claims that must run."""

    total: int
    served: list[dict[str, Any]]
    claims: list[Claim]
    keys: dict[str, str]
    cache: ResultCache | None


def plan(refs: Sequence[_Ref], options: Any, cache: ResultCache | None, prepare: Callable[[list[Any]], list[Claim]],
         validate: Callable[[list[Claim]], None] | None = None) -> Plan:
    """Split the selected claims into cached records and claims to run.

    ``refs`` name the selected claim files (id and path). ``prepare(refs)`` imports and checks
    the claims that must run; all of them are prepared (and ``validate``d together) here, before
    any runs, so a malformed claim file or parameter is refused before minutes of experiments
    (a derivation may be checked later, by the claim's worker: ``runner._run_in_worker``). A
    cached claim is never imported: its files are byte for byte those of a run that passed the checks.
    """
    keys: dict[str, str] = {}
    served: list[dict[str, Any]] = []
    to_run = list(refs)
    if cache is not None:
        memo: dict[str, Any] = {}
        keys = {r.id: claim_key(r.id, r.path, profile=options.profile, seed=options.seed, memo=memo) for r in refs}
        hits = {r.id: cache.get(keys[r.id]) for r in refs}
        served = [{**record, "cached": True} for record in hits.values() if record is not None]
        to_run = [r for r in refs if hits[r.id] is None]
    claims = prepare(to_run) if to_run else []
    if validate is not None:
        validate(claims)
    return Plan(len(refs), served, claims, keys, cache)


def execute(planned: Plan, options: Any, run_claims: RunClaims, on_result: OnResult | None = None,
            ) -> list[dict[str, Any]]:
    """Report the cached records, run the others with ``run_claims`` and store their records.

    Cached records carry ``"cached": true`` (and the runtime of the run that made them);
    ``on_result(done, total, record)`` sees them first, then the fresh ones.
    """
    served, total = planned.served, planned.total
    for done, record in enumerate(served, start=1):
        if on_result is not None:
            on_result(done, total, record)

    def store(done: int, _total: int, record: dict[str, Any]) -> None:
        if planned.cache is not None and record["id"] in planned.keys:
            planned.cache.put(planned.keys[record["id"]], record)
        if on_result is not None:
            on_result(len(served) + done, total, record)

    fresh = run_claims(planned.claims, options, on_result=store) if planned.claims else []
    return sorted([*served, *fresh], key=lambda r: r["id"])

"""The claims/ folder is the registry: every ``*.py`` file below it defines ``CLAIM``.

No list is kept by hand. Files whose name starts with ``_`` are helpers, not
claims. A file that fails to import or defines a malformed claim is refused
with one line naming the file (``ClaimDefinitionError``). Claim files are
imported (and their derivations built) with stdout redirected: whatever they
print goes to the log (one warning line on stderr), never into a command's
output such as ``show --json``.

``CONVERGENCE_CLAIMS_DIR`` names another registry folder (a package folder;
its parent is put on ``sys.path``); the fault tests use it to run throw-away
claims without touching ``claims/``.
"""

from __future__ import annotations

import ast
import contextlib
import fnmatch
import importlib
import io
import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import claims as _claims_package

from .claim import Claim
from .errors import ClaimDefinitionError, UnknownClaimError
from .scaffold import refuse_unfinished

CLAIMS_ROOT = Path(_claims_package.__file__).resolve().parent
ROOT_VARIABLE = "CONVERGENCE_CLAIMS_DIR"
log = logging.getLogger(__name__)
_T = TypeVar("_T")


def claims_root() -> Path:
    """The registry folder: ``claims/``, or the package folder named by ``CONVERGENCE_CLAIMS_DIR``."""
    override = os.environ.get(ROOT_VARIABLE)
    if not override:
        return CLAIMS_ROOT
    root = Path(override).resolve()
    if not (root / "__init__.py").is_file():
        raise ClaimDefinitionError("module", f"{ROOT_VARIABLE}={override} is not a package folder", override)
    if str(root.parent) not in sys.path:
        sys.path.insert(0, str(root.parent))
    return root


@contextlib.contextmanager
def _stdout_to_log(shown: str) -> Iterator[None]:
    """Capture what a claim file prints; it goes to the log, not to the command's stdout."""
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            yield
    finally:
        printed = buffer.getvalue().strip()
        if printed:
            log.warning("%s printed while loading (not part of the output): %.200s", shown, printed)


def _quietly(shown: str, call: Callable[[], _T]) -> _T:
    with _stdout_to_log(shown):
        return call()


def claim_files(root: Path = CLAIMS_ROOT) -> list[Path]:
    def is_claim_file(path: Path) -> bool:
        folders = path.relative_to(root).parts[:-1]
        return not path.name.startswith("_") and not any(part.startswith(("_", ".")) for part in folders)

    return sorted(p for p in root.rglob("*.py") if is_claim_file(p))


def _module_name(path: Path, root: Path) -> str:
    relative = path.relative_to(root).with_suffix("")
    return ".".join((root.name, *relative.parts))


def load_claim_file(path: Path, root: Path = CLAIMS_ROOT) -> Claim:
    shown = f"{root.name}/{path.relative_to(root).as_posix()}"
    try:
        module = _quietly(shown, lambda: importlib.import_module(_module_name(path, root)))
    except ClaimDefinitionError as exc:
        exc.path = shown
        raise
    except Exception as exc:
        raise ClaimDefinitionError("module", f"failed to import: {type(exc).__name__}: {exc}", shown) from None
    claim = getattr(module, "CLAIM", None)
    if not isinstance(claim, Claim):
        raise ClaimDefinitionError("CLAIM", "the file defines no CLAIM = Claim(...)", shown)
    object.__setattr__(claim, "path", shown)
    object.__setattr__(claim, "_file", path)
    return claim


def claim_file(claim: Claim) -> Path:
    """The file a discovered claim was loaded from."""
    return getattr(claim, "_file", None) or claims_root().parent / claim.path


@dataclass(frozen=True)
class ClaimRef:
    """A claim file and its id, known without importing the file (see ``index``)."""

    id: str
    path: Path
    root: Path

    def load(self) -> Claim:
        return load_claim_file(self.path, self.root)


def static_id(path: Path) -> str | None:
    """The id of ``CLAIM = Claim(id="...")`` read from the source, or None when it is not a literal."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "CLAIM" for t in node.targets)
                and isinstance(node.value, ast.Call)):
            for keyword in node.value.keywords:
                if keyword.arg == "id" and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, str):
                    return keyword.value.value
    return None


def index(root: Path | None = None) -> list[ClaimRef]:
    """Every claim file below ``root`` with its id, sorted by id; duplicate ids are refused.

    Ids are read from the source where they are literals (all of the catalogue's), so a
    command that needs a few claims, or none (every record served from the cache), does not
    import the others; a file whose id is not a literal is imported to learn it.
    """
    root = claims_root() if root is None else root
    found: dict[str, ClaimRef] = {}
    for path in claim_files(root):
        claim_id = static_id(path) or load_claim_file(path, root).id
        shown = f"{root.name}/{path.relative_to(root).as_posix()}"
        if claim_id in found:
            other = f"{root.name}/{found[claim_id].path.relative_to(root).as_posix()}"
            raise ClaimDefinitionError("id", f"{claim_id!r} is also defined in {other}", shown)
        found[claim_id] = ClaimRef(claim_id, path, root)
    return [found[k] for k in sorted(found)]


def select_refs(refs: list[ClaimRef], patterns: list[str] | tuple[str, ...]) -> list[ClaimRef]:
    """The refs whose id matches any pattern (all when none is given); see ``select``."""
    wanted = set(_matching([r.id for r in refs], patterns))
    return [r for r in refs if r.id in wanted]


def load_for_run(refs: list[ClaimRef], check_theory: bool = True) -> list[Claim]:
    """Import the selected claims and refuse any that is unfinished (a TODO left in its file).

    With ``check_theory`` each derivation is also built and checked here, one after the other.
    A local ``verify`` passes False: each claim's worker builds and checks its own derivation
    before running the experiment (``runner._run_in_worker``), with the same one-line refusal.
    """
    claims = [ref.load() for ref in refs]
    for claim in claims:
        refuse_unfinished(claim_file(claim), claim.path)  # cheap checks first: no SymPy for an unfinished file
    if check_theory:
        for claim in claims:
            check_claim_theory(claim)
    return claims


def _matching(ids: list[str], patterns: list[str] | tuple[str, ...]) -> list[str]:
    if not patterns:
        return sorted(ids)
    chosen: set[str] = set()
    for pattern in patterns:
        matches = [i for i in ids if fnmatch.fnmatchcase(i, pattern)]
        if not matches:
            raise UnknownClaimError(f"no claim matches {pattern!r} (see 'convergence list')")
        chosen.update(matches)
    return sorted(chosen)


def discover(root: Path | None = None) -> list[Claim]:
    """Every claim below ``root`` (default: ``claims_root()``), sorted by id; duplicate ids are refused."""
    root = claims_root() if root is None else root
    found: dict[str, Claim] = {}
    for path in claim_files(root):
        claim = load_claim_file(path, root)
        if claim.id in found:
            raise ClaimDefinitionError("id", f"{claim.id!r} is also defined in {found[claim.id].path}", claim.path)
        found[claim.id] = claim
    return [found[k] for k in sorted(found)]


def select(claims: list[Claim], patterns: list[str] | tuple[str, ...], check_theory: bool = True) -> list[Claim]:
    """Claims whose id matches any glob pattern (all claims when none is given).

    A pattern that matches nothing is an error: a typo must not silently
    verify fewer claims than the user asked for. Unless ``check_theory`` is
    false, the selected claims' derivations are built and their symbol maps
    checked here (see ``Claim.check_theory``).
    """
    by_id = {c.id: c for c in claims}
    selected = [by_id[k] for k in _matching(list(by_id), patterns)]
    if check_theory:
        for claim in selected:
            check_for_run(claim)
    return selected


def check_for_run(claim: Claim) -> None:
    """What a claim must pass before it runs: no TODO left, a derivation matching its symbol map."""
    refuse_unfinished(claim_file(claim), claim.path)
    check_claim_theory(claim)


def check_claim_theory(claim: Claim) -> None:
    """Build the claim's derivation and check its symbol map; errors name the file."""
    try:
        _quietly(claim.path, claim.check_theory)
    except ClaimDefinitionError as exc:
        exc.path = claim.path
        raise

"""Validation of a results file at the boundary, before the report reads it.

results.json is data from outside the process (it may be old, hand-edited or
hostile), so ``parse_results`` accepts only what ``convergence verify`` writes:
UTF-8 JSON within size limits (file size, nesting depth, string length,
integers of at most 20 digits, no NaN or infinity), the schema version exactly,
and every field the report reads of the right type, with verdicts consistent
with ``passed``. Anything else is one ``ResultsFileError`` line naming the file,
the claim and the field. Fields the report does not read are left alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from .errors import ResultsFileError

SCHEMA_VERSION = 1
MAX_BYTES = 512 * 2**20  # a full run writes a few MB
MAX_DEPTH = 32  # the deepest structure verify writes is ~8 levels
MAX_STRING = 2**20  # characters in one string (a traceback is a few KB)
MAX_INT_DIGITS = 20  # seeds are below 2**64
MAX_CLAIMS = 100_000
VERDICTS = ("CONFIRMED", "REFUTED", "INCONCLUSIVE", "ERROR")
EXPECTED = ("CONFIRMED", "REFUTED")


class _Invalid(Exception):
    """A validation failure; the message becomes the ResultsFileError line."""


def parse_results(data: bytes, name: str) -> dict[str, Any]:
    """Decode, parse and validate results bytes; ``name`` is the file shown in errors."""
    try:
        return _validated(_parse(data))
    except _Invalid as exc:
        raise ResultsFileError(f"{name}: {exc}") from None


def _parse(data: bytes) -> Any:
    if len(data) > MAX_BYTES:
        raise _Invalid(f"{len(data)} bytes, more than the {MAX_BYTES} a results file may have")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Invalid(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_no_constant)
    except RecursionError:
        raise _Invalid(f"JSON nested too deeply (the limit is {MAX_DEPTH} levels)") from None
    except json.JSONDecodeError as exc:
        raise _Invalid(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Invalid(f"an integer of {len(text.lstrip('-'))} digits (at most {MAX_INT_DIGITS} are allowed)")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Invalid(f"the number {text[:40]} is out of range")
    return value


def _no_constant(text: str) -> float:
    raise _Invalid(f"{text} is not a JSON number (verify writes null for missing values)")


def _check_limits(data: Any) -> None:
    """Depth and string length of the whole document (iterative: no recursion to exhaust)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise _Invalid(f"a string of {len(value)} characters (at most {MAX_STRING})")
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise _Invalid(f"JSON nested too deeply (the limit is {MAX_DEPTH} levels)")
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items if isinstance(item, (dict, list, str)))


def _validated(data: Any) -> dict[str, Any]:
    _check_limits(data)
    if not isinstance(data, dict):
        raise _Invalid(f"the top level is a {_type(data)}, not an object")
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        raise _Invalid(f"schema version {version!r}, expected {SCHEMA_VERSION}")
    _fields(data, TOP_FIELDS, "")
    claims = data.get("claims")
    if not isinstance(claims, list):
        raise _Invalid(f"'claims' must be a list, got {_type(claims)}")
    if len(claims) > MAX_CLAIMS:
        raise _Invalid(f"{len(claims)} claims, more than {MAX_CLAIMS}")
    for index, record in enumerate(claims):
        _record(record, index)
    return data


def _record(record: Any, index: int) -> None:
    where = f"claim {index}"
    if not isinstance(record, dict):
        raise _Invalid(f"{where} is a {_type(record)}, not an object")
    if isinstance(record.get("id"), str):
        where = f"claim {index} ({record['id'][:80]})"
    for name in ("id", "verdict", "expected", "passed", "mutants"):
        if name not in record:
            raise _Invalid(f"{where}: field '{name}' is missing")
    _fields(record, RECORD_FIELDS, where + ": ")
    for m, mutant in enumerate(record["mutants"]):
        if not isinstance(mutant, dict):
            raise _Invalid(f"{where}: mutant {m} is a {_type(mutant)}, not an object")
        for name in ("verdict", "killed"):
            if name not in mutant:
                raise _Invalid(f"{where}: mutant {m}: field '{name}' is missing")
        _fields(mutant, MUTANT_FIELDS, f"{where}: mutant {m}: ")
        if mutant["killed"] != (mutant["verdict"] == "REFUTED"):
            raise _Invalid(f"{where}: mutant {m}: 'killed' is {mutant['killed']},"
                           f" but its verdict is {mutant['verdict']}")
    certificate = record.get("certificate")
    certificate_error = isinstance(certificate, dict) and certificate.get("verdict") == "ERROR"
    passed = (record["verdict"] == record["expected"] and all(m["killed"] for m in record["mutants"])
              and not certificate_error)  # the rule of convergence.runner._finish
    if record["passed"] != passed:
        raise _Invalid(f"{where}: 'passed' is {record['passed']}, but the verdict, expected verdict and mutants"
                       f" say {passed}")
    for name in ("theory", "figure", "source"):
        if isinstance(record.get(name), dict):
            _fields(record[name], NESTED_FIELDS[name], f"{where}: {name}: ")


def _fields(obj: dict[str, Any], rules: dict[str, Callable[[Any], bool]], where: str) -> None:
    for name, accepts in rules.items():
        if name in obj and not accepts(obj[name]):
            raise _Invalid(f"{where}field '{name}' has the wrong type ({_type(obj[name])}: {_short(obj[name])})")


def _type(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", int: "integer", float: "number",
            type(None): "null"}.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, (dict, list)) else _type(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- the rules: what each field the report reads may hold --------------------------------------------------

def _optional(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: v is None or check(v)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_numeric_array(value: Any) -> bool:
    """A number, null, or (nested) lists of them: what NumPy arrays become in results.json."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif item is not None and not _is_number(item):
            return False
    return True


def _list_of(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, list) and all(check(x) for x in v)


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], bool]:
    return lambda v: v in choices


_str, _opt_str = _is_str, _optional(_is_str)
_array = _is_numeric_array
_object = _optional(lambda v: isinstance(v, dict))

TOP_FIELDS: dict[str, Callable[[Any], bool]] = {
    "created": _opt_str, "command": _opt_str, "profile": _opt_str, "environment": _object, "totals": _object,
    "seed": _optional(lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0),
}
RECORD_FIELDS: dict[str, Callable[[Any], bool]] = {
    "id": lambda v: isinstance(v, str) and bool(v.strip()),
    "verdict": _one_of(VERDICTS), "expected": _one_of(EXPECTED), "passed": lambda v: isinstance(v, bool),
    "mutants": lambda v: isinstance(v, list),
    **{name: _opt_str for name in ("title", "family", "kind", "statement", "notes", "path", "summary",
                                   "margin_label", "error", "corrects", "profile")},
    "references": _optional(_list_of(_is_str)),
    "source": _object, "theory": _object, "figure": _object, "params": _object, "symbols": _object,
    "certificate": _object, "resolution": _object,
    "inputs": _optional(lambda v: isinstance(v, dict) and all(_array(x) for x in v.values())),
    **{name: _array for name in ("margin", "theory_values", "measured_values", "stderr", "interval",
                                 "runtime_s", "level", "samples")},
    "seed": _optional(_is_number),
}
MUTANT_FIELDS: dict[str, Callable[[Any], bool]] = {
    "verdict": _one_of(VERDICTS), "killed": lambda v: isinstance(v, bool),
    **{name: _opt_str for name in ("description", "expression", "typst", "summary")},
}
_STEP = {**{name: _opt_str for name in ("label", "text", "typst", "latex", "justification", "kind", "check",
                                         "method", "detail", "how", "reference")},
         "points": _optional(_is_number), "worst_slack": _optional(_is_number),
         "uses": _optional(_list_of(_is_str)), "confirmed": _optional(_list_of(_is_str)),
         "model_points": _optional(_is_number)}
_SERIES = {"label": _opt_str, "kind": _opt_str, "role": _opt_str,
           **{name: _array for name in ("x", "y", "lower", "upper", "z")}}
NESTED_FIELDS: dict[str, dict[str, Callable[[Any], bool]]] = {
    "source": {"where": _opt_str, "quote": _opt_str},
    "theory": {**{name: _opt_str for name in ("srepr", "text", "typst", "latex")},
               "assumptions": _optional(_list_of(_is_str)),
               "steps": _optional(_list_of(lambda s: isinstance(s, dict) and all(
                   check(s[k]) for k, check in _STEP.items() if k in s)))},
    "figure": {**{name: _opt_str for name in ("title", "xlabel", "ylabel", "xscale", "yscale", "theory_x")},
               "series": _optional(_list_of(lambda s: isinstance(s, dict) and all(
                   check(s[k]) for k, check in _SERIES.items() if k in s)))},
}

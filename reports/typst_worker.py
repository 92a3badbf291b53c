"""Compile one Typst file in a child process: ``python -m reports.typst_worker SOURCE ROOT PDF [TIMESTAMP]``.

Why a separate process: a compile holds the interpreter for seconds (an
interrupt must still end the command at once, so the parent kills this
process instead of waiting), and Typst starts threads, so it must never run in
a process that later forks workers. The PDF is written to the path given;
stdout carries one JSON line: ``{"warnings": [...]}`` or ``{"error": message,
"diagnostic": text}``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import typst


def main(argv: list[str]) -> int:
    source, root, pdf_path = argv[:3]
    timestamp = dt.datetime.fromisoformat(argv[3]) if len(argv) > 3 and argv[3] else None
    try:
        pdf, warnings = typst.compile_with_warnings(
            source,
            root=root,
            ignore_system_fonts=True,  # embedded fonts only: the same PDF on every machine
            timestamp=timestamp,
        )
    except typst.TypstError as exc:
        message = getattr(exc, "message", None) or str(exc)
        print(json.dumps({"error": message, "diagnostic": str(getattr(exc, "diagnostic", "") or "")}))
        return 1
    Path(pdf_path).write_bytes(pdf if isinstance(pdf, bytes) else b"")
    print(json.dumps({"warnings": [str(getattr(w, "message", w)) for w in warnings]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

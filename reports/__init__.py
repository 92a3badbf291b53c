"""The report: figures (matplotlib) and the PDF (Typst), from results.json data only.

Entry point: :func:`reports.build.build_report`. Nothing here re-runs a claim or
imports ``empirics``.
"""

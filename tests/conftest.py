"""Shared fixtures. Matplotlib never opens a window in tests."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

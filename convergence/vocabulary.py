"""Names the command line checks before any claim is loaded: the profiles and the form of a claim id.

Kept apart from ``claim.py`` (which imports SymPy and theory/) so that commands that never load
a claim (``report``, ``diff``, ``new``) start without them.
"""

import re

PROFILES = ("quick", "full")
ID_PATTERN = re.compile(r"^[a-z0-9]+(\.[a-z0-9-]+)+$")

"""Errors the suite reports to users as one clear line (never a traceback)."""


class SuiteError(Exception):
    """Base class: anything the CLI turns into ``error: <message>`` and exit 2."""


class ClaimDefinitionError(SuiteError):
    """A claim file is malformed: a field is missing or inconsistent.

    ``field`` names the offending field of the claim record, ``path`` the file
    (filled in by discovery, which knows where the definition came from).
    """

    def __init__(self, field: str, message: str, path: str | None = None):
        self.field = field
        self.message = message
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}field '{self.field}': {self.message}"


class UnknownClaimError(SuiteError):
    """A pattern given on the command line matches no claim id."""


class ResultsFileError(SuiteError):
    """results.json is missing, unreadable or of another schema version."""

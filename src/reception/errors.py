"""Errors with stable codes, raised by the library and turned into one line by the CLI.

Codes: E001–E009 configuration, E100–E199 ingest (file level), E200–E299 catalogue look-ups.
"""


class ReceptionError(Exception):
    """An error a user can act on: ``[CODE] message``."""

    def __init__(self, code: str, message: str, details: list | None = None):
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message
        self.details = details or []  # per-row problems, e.g. [{"row": 2, "reason": "..."}]


class IngestError(ReceptionError):
    """A whole import failed; the database is left as it was before it started."""


class FilmNotFound(ReceptionError):
    def __init__(self, ref: str, candidates: list[str] | None = None):
        if candidates:
            msg = f"{ref!r} matches several films: {', '.join(candidates)}; give the year or the id"
            super().__init__("E201", msg)
        else:
            super().__init__("E200", f"no film matches {ref!r}; try `reception reviews` with an id or check the title")

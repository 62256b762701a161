"""Review tables read a batch of rows at a time, each repeated cell converted once.

A review file of a table format (rt.reviews, the Kaggle dump, the newer export) repeats the
same film ids, critics, outlets, dates, ratings and labels: a million rows hold a few thousand
of each. So such a format names, for each ReviewRecord field, its column and a converter of one
cell; the reader converts each distinct cell once per file (remembering up to MEMO of a field)
and reports a row whose cell does not convert with the converter's reason, exactly as a
row-by-row reader would (the first field, in the order listed, that fails). Cells unique to each
row (quotes, URLs) are converted row by row. `ingest.store.Store.add_batch` then resolves films,
critics, outlets, ratings and verdicts per distinct value too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .files import table_reader
from ..catalog.keys import normal_texts
from .records import RowError

BATCH = 20_000  # rows a batch carries to the store: its work per batch is paid this rarely
CONVERT = 2_000  # rows converted at a time: columns this short stay in the processor's cache
CHUNK = 500  # rows turned into columns at a time: small enough to stay in cache
MEMO = 100_000  # distinct cells of a field remembered converted, at most


@dataclass(frozen=True)
class Column:
    field: str                                 # the ReviewRecord attribute
    source: str                                # the column of the file
    convert: Callable[[str], Any] = str.strip  # one cell -> the value; RowError if unreadable
    repeats: bool = True                       # cells recur (convert per distinct value)
    # A cell-unique column's `convert` over the whole column at once (the same values, faster).
    whole: Callable[[list[str]], list] | None = None
    # A cell-unique column's values refused, by row: {position: reason} (ingest.checks).
    refused: Callable[[list], dict[int, str]] | None = None


@dataclass
class ReviewBatch:
    """The good rows of a batch, by field, and the rejected ones."""

    lines: list[int]
    values: dict[str, list]
    # Every cell as read, by column, to quote a refused row; None once no row can be (_ready).
    cells: list[list[str]] | None
    delimiter: str
    rejects: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, raw)
    films: set = field(default_factory=set)  # the distinct film references of its rows (or more)

    def __len__(self) -> int:
        return len(self.lines)

    def raw(self, at: int) -> str:
        """The row at this position as the file has it."""
        return self.delimiter.join(column[at] for column in self.cells)

    def extend(self, other: ReviewBatch) -> ReviewBatch:
        """This batch with the rows of `other` (read after them) added at its end."""
        self.lines += other.lines
        for name, column in self.values.items():
            column += other.values[name]
        for column, more in zip(self.cells, other.cells):
            column += more
        self.rejects += other.rejects
        self.films |= other.films
        return self

    def keep(self, positions: list[int]) -> None:
        """Keep only the good rows at these positions."""
        self.lines = [self.lines[at] for at in positions]
        if self.cells is not None:
            self.cells = [[column[at] for at in positions] for column in self.cells]
        self.values = {name: [column[at] for at in positions] for name, column in self.values.items()}


def review_batches(path: Path, encoding: str, delimiter: str, required: list[str], columns: list[Column],
                   size: int | None = None) -> Iterator[tuple[int, ReviewBatch, str]]:
    """(first line, batch, '') per batch of `size` rows or so (BATCH): the shape of the ingest
    loop's items. `required`: the columns the header must hold, in the file's order (to name
    missing ones)."""
    size = size or BATCH
    header, chunks = table_reader(path, encoding, delimiter, required, chunk=CHUNK)
    positions = [header.index(c.source) for c in columns]
    width, needed = len(header), len(required)
    memo = [({}, {}) for _ in columns]  # per field: two may read one column, converted apart
    lines, cells, rejects = [], [[] for _ in header], []
    batch = None
    for chunk_lines, rows, unreadable in chunks:
        rejects += unreadable
        if rows and set(map(len, rows)) != {width}:
            good = [at for at, row in enumerate(rows) if len(row) == width]
            rejects += [(line, f"expected {needed}+ fields, found {len(row)}", delimiter.join(row))
                        for line, row in zip(chunk_lines, rows) if len(row) != width]
            chunk_lines, rows = [chunk_lines[at] for at in good], [rows[at] for at in good]
        if rows:
            # Rows to columns while the chunk is still in the processor's cache.
            for target, column in zip(cells, zip(*rows)):
                target.extend(column)
            lines.extend(chunk_lines)
        if len(lines) >= min(size, CONVERT):
            part = _convert(lines, cells, rejects, columns, positions, delimiter, memo)
            batch = part if batch is None else batch.extend(part)
            lines, cells, rejects = [], [[] for _ in header], []
            if len(batch) >= size:
                yield _ready(batch)
                batch = None
    if lines or rejects:
        part = _convert(lines, cells, rejects, columns, positions, delimiter, memo)
        batch = part if batch is None else batch.extend(part)
    if batch is not None:
        yield _ready(batch)


def _ready(batch: ReviewBatch) -> tuple[int, ReviewBatch, str]:
    """The ingest loop's item for a batch, its cells let go where they will not be needed."""
    if all(ref.source for ref in batch.films):
        # A film named by a source's id is never ambiguous (Store.find_film), so no row of this
        # batch can be refused once read, and the cells kept to quote such a row are not needed:
        # a batch sent to another process (ingest.readahead) would carry every cell twice.
        batch.cells = None
    return (batch.lines or [batch.rejects[0][0]])[0], batch, ""


def _convert(lines, cells, rejects, columns, positions, delimiter, memo) -> ReviewBatch:
    """The rows read since the last call, as a batch; `memo` holds, per repeating field, the
    cells converted so far in this file and the reasons of those that do not convert."""
    problems: dict[int, str] = {}  # row position -> the first reason it cannot be imported
    films: set = set()  # the film column's distinct references
    values: dict[str, list] = {}
    for column, position, (known, errors) in zip(columns, positions, memo):
        column_cells = cells[position]
        if not column.repeats:
            whole = column.whole or (lambda cells: list(map(column.convert, cells)))
            values[column.field] = whole(column_cells)
            for at, reason in (column.refused(values[column.field]) if column.refused else {}).items():
                problems.setdefault(at, reason)
            continue
        if len(known) + len(errors) > MEMO:
            known.clear()  # a column of cells that hardly repeat: memory stays flat
            errors.clear()
        distinct = set(column_cells)
        # Only the cells new to this file are looked at one by one.
        for cell in distinct.difference(known, errors):
            try:
                known[cell] = column.convert(cell)
            except RowError as exc:
                errors[cell] = str(exc)
        if column.field == "film":
            films = {known[cell] for cell in distinct if cell in known}
        if errors and not distinct.isdisjoint(errors):
            for at, cell in enumerate(column_cells):
                if cell in errors and at not in problems:
                    problems[at] = errors[cell]
            values[column.field] = [known.get(cell) for cell in column_cells]
        else:
            values[column.field] = list(map(known.__getitem__, column_cells))
    # The quote as the dedupe key reads it, made here: a reader running ahead in its own
    # process (ingest.readahead) takes this work off the process that stores.
    values["text"] = normal_texts(values["quote"])
    batch = ReviewBatch(lines, values, cells, delimiter, rejects, films)
    if problems:
        batch.rejects = sorted(rejects + [(lines[at], reason, batch.raw(at)) for at, reason in problems.items()])
        batch.keep([at for at in range(len(lines)) if at not in problems])
    return batch

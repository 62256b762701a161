"""Review tables read a batch of rows at a time, each repeated cell converted once.

A review file of a table format (rt.reviews, the Kaggle dump, the newer export) repeats the
same film ids, critics, outlets, dates, ratings and labels: a million rows hold a few thousand
of each. So such a format names, for each ReviewRecord field, its column and a converter of one
cell; the reader converts each distinct cell once per batch and reports a row whose cell does
not convert with the converter's reason, exactly as a row-by-row reader would (the first field,
in the order listed, that fails). Cells unique to each row (quotes, URLs) are converted row by
row. `ingest.store.Store.add_batch` then resolves films, critics, outlets, ratings and verdicts
per distinct value too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .files import table_reader
from .records import RowError, normal_text

BATCH = 20_000
CHUNK = 500  # rows turned into columns at a time: small enough to stay in cache


@dataclass(frozen=True)
class Column:
    field: str                                 # the ReviewRecord attribute
    source: str                                # the column of the file
    convert: Callable[[str], Any] = str.strip  # one cell -> the value; RowError if unreadable
    repeats: bool = True                       # cells recur (convert per distinct value)


@dataclass
class ReviewBatch:
    """The good rows of a batch, by field, and the rejected ones."""

    lines: list[int]
    values: dict[str, list]
    cells: list[list[str]]                        # every cell as read, by column: to report a row
    delimiter: str
    rejects: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, raw)

    def __len__(self) -> int:
        return len(self.lines)

    def raw(self, at: int) -> str:
        """The row at this position as the file has it."""
        return self.delimiter.join(column[at] for column in self.cells)

    def keep(self, positions: list[int]) -> None:
        """Keep only the good rows at these positions."""
        self.lines = [self.lines[at] for at in positions]
        self.cells = [[column[at] for at in positions] for column in self.cells]
        self.values = {name: [column[at] for at in positions] for name, column in self.values.items()}


def review_batches(path: Path, encoding: str, delimiter: str, required: list[str], columns: list[Column],
                   size: int = BATCH) -> Iterator[tuple[int, ReviewBatch, str]]:
    """(first line, batch, '') per batch of rows: the shape of the ingest loop's items.
    `required`: the columns the header must hold, in the file's order (to name missing ones)."""
    header, chunks = table_reader(path, encoding, delimiter, required, chunk=CHUNK)
    positions = [header.index(c.source) for c in columns]
    width, needed = len(header), len(required)
    lines, cells, rejects = [], [[] for _ in header], []
    for chunk_lines, rows in chunks:
        if any(len(row) != width for row in rows):
            good = [at for at, row in enumerate(rows) if len(row) == width]
            rejects += [(line, f"expected {needed}+ fields, found {len(row)}", delimiter.join(row))
                        for line, row in zip(chunk_lines, rows) if len(row) != width]
            chunk_lines, rows = [chunk_lines[at] for at in good], [rows[at] for at in good]
        if rows:
            # Rows to columns while the chunk is still in the processor's cache.
            for target, column in zip(cells, zip(*rows)):
                target.extend(column)
            lines.extend(chunk_lines)
        if len(lines) >= size:
            yield lines[0], _convert(lines, cells, rejects, columns, positions, delimiter), ""
            lines, cells, rejects = [], [[] for _ in header], []
    if lines or rejects:
        yield (lines or [rejects[0][0]])[0], _convert(lines, cells, rejects, columns, positions, delimiter), ""


def _convert(lines, cells, rejects, columns, positions, delimiter) -> ReviewBatch:
    problems: dict[int, str] = {}  # row position -> the first reason it cannot be imported
    values: dict[str, list] = {}
    for column, position in zip(columns, positions):
        column_cells = cells[position]
        if not column.repeats:
            values[column.field] = [column.convert(cell) for cell in column_cells]
            continue
        table, errors = {}, {}
        distinct = set(column_cells)
        for cell in distinct:
            try:
                table[cell] = column.convert(cell)
            except RowError as exc:
                errors[cell] = str(exc)
        # Equal cells made one object: a batch sent to another process (ingest.ahead) then
        # carries each distinct cell once.
        cells[position] = column_cells = list(map(dict(zip(distinct, distinct)).__getitem__, column_cells))
        if errors:
            for at, cell in enumerate(column_cells):
                if cell in errors and at not in problems:
                    problems[at] = errors[cell]
            values[column.field] = [table.get(cell) for cell in column_cells]
        else:
            values[column.field] = list(map(table.__getitem__, column_cells))
    # The quote as the dedupe key reads it, made here: a reader running ahead in its own
    # process (ingest.ahead) takes this work off the process that stores.
    values["text"] = list(map(normal_text, values["quote"]))
    batch = ReviewBatch(lines, values, cells, delimiter, rejects)
    if problems:
        batch.rejects = sorted(rejects + [(lines[at], reason, batch.raw(at)) for at, reason in problems.items()])
        batch.keep([at for at in range(len(lines)) if at not in problems])
    return batch

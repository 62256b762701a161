"""Opening source files: gzip or plain, a declared encoding, rows with their line numbers."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import sys
import zlib
from itertools import chain, islice
from pathlib import Path
from typing import Iterator, NamedTuple

from ..errors import IngestError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def open_bytes(path: Path):
    """The file's bytes, decompressed where it is gzip or bzip2 (a Wikipedia dump's .xml.bz2)."""
    with open(path, "rb") as probe:
        magic = probe.read(3)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rb")
    if magic == b"BZh":
        return bz2.open(path, "rb")
    return open(path, "rb")


def data_size(path: Path) -> int:
    """Bytes of data a file holds: a gzip file's own size would understate it ~3 times. Its
    last four bytes give the size of its (last) member modulo 4 GiB, so the larger of the two
    sizes is taken."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        if handle.read(2) != b"\x1f\x8b" or size < 18:
            return size
        handle.seek(-4, 2)
        return max(size, int.from_bytes(handle.read(4), "little"))


def open_text(path: Path, encoding: str):
    # utf-8-sig drops the byte-order mark some exports start with.
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    return io.TextIOWrapper(open_bytes(path), encoding=enc, newline="")


def first_line(path: Path) -> bytes:
    """The file's first line, ended by a line feed or a carriage return (an old Mac export)."""
    try:
        with open_bytes(path) as handle:
            line = handle.readline(65536)
    except CORRUPT as exc:
        raise corrupt_error(path, exc) from None
    return line.split(b"\r", 1)[0] + b"\n" if b"\r" in line else line


def encoding_error(path: Path, line: int, exc: UnicodeDecodeError, encoding: str) -> IngestError:
    """The error for a file that does not decode, naming the first line that does not."""
    # The decoder reads ahead in blocks, so `line` may be early: find the line itself.
    with open_bytes(path) as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError as found:
                line, exc = number, found
                break
    other = "latin-1" if encoding.lower().startswith("utf") else "utf-8"
    return IngestError.of("E104", path=path, line=line, encoding=encoding,
                          byte=exc.object[exc.start:exc.start + 1], other=other)


class Unreadable(NamedTuple):
    """A row the csv module could not read: a quote opened on its first line and never closed
    where a cell ends. Only that line is rejected: the lines after it are read as rows."""

    reason: str
    raw: str


def table_reader(path: Path, encoding: str, delimiter: str, required: list[str],
                 chunk: int = 0) -> tuple[list[str], Iterator]:
    """(header, an iterator of (line, row list or Unreadable) per non-blank data row); with
    `chunk`, an iterator of (lines, rows, unreadable) per `chunk` rows instead (much cheaper per
    row), `unreadable` being (line, reason, raw) tuples.

    Raises IngestError for an empty file, a header that is not one (a missing column, a column
    named twice), or a decoding error (as the rows are read).
    """
    table = _Table(path, encoding, delimiter)
    try:
        header = next(table.reader, None)
    except (UnicodeDecodeError, csv.Error, *CORRUPT) as exc:
        table.handle.close()
        raise _read_error(path, 1, exc, encoding) from None
    if not header or not any(h.strip() for h in header):
        table.handle.close()
        raise IngestError.of("E101", path=path, what="file")
    header = [h.strip() for h in header]
    twice = sorted({name for name in header if name and header.count(name) > 1})
    missing = [c for c in required if c not in header]
    if twice or missing:
        table.handle.close()
        if twice:
            raise IngestError.of("E103", variant="twice", path=path, twice=", ".join(twice))
        raise IngestError.of("E103", path=path, missing=", ".join(missing), found=", ".join(header))
    table.kept.clear()
    table.width = len(header)
    if chunk:
        return header, table.chunks(chunk)
    return header, table.rows()


# What a compressed file that is damaged or cut short raises as it is read.
CORRUPT = (gzip.BadGzipFile, EOFError, zlib.error)


class _Table:
    """The rows of a delimited file with the line each starts on, read by the csv module in
    strict mode. A row it cannot read (a quote never closed: the non-strict reader would take
    the rest of the file, or the lines up to the next quote, as one cell) is reported on its
    first line, and reading starts again on the line after it: each physical line read since
    the current group of rows began is kept (`kept`) to be read again."""

    def __init__(self, path: Path, encoding: str, delimiter: str):
        self.path, self.encoding, self.delimiter = path, encoding, delimiter
        self.handle = open_text(path, encoding)
        self.kept: list[str] = []
        self.offset = 0  # lines of the file before the current reader's first
        self.width = 0  # the header's cells, once read
        self.reader = self._reader(iter(()))

    def _strict(self, lines):
        """The csv module's strict reader over `lines`: a quote never closed is an error, not a cell."""
        return csv.reader(lines, delimiter=self.delimiter, quoting=csv.QUOTE_MINIMAL, strict=True)

    def _reader(self, again):
        """A strict csv reader over the lines `again`, then the file's next ones."""
        def recorded(kept=self.kept):
            for line in chain(again, self.handle):
                kept.append(line)
                yield line

        return self._strict(recorded())

    def _recover(self, first: int) -> tuple[list, list, list]:
        """After the reader failed: the lines kept since line `first` read again one row at a
        time up to the row that fails, which is reported on its first line; reading then goes
        on from the line after that one. Returns (lines, rows, unreadable) of what was read."""
        kept = self.kept[:]
        lines, rows = [], []
        reader = self._strict(iter(kept))
        at = 0  # the index in `kept` of the row being read
        try:
            for row in reader:
                if self.swallows(row):
                    raise csv.Error("a quoted cell holds lines that read as rows")
                if row:
                    lines.append(first + at)
                    rows.append(row)
                at = reader.line_num
            unreadable, at = [], len(kept) - 1  # read whole this time: go on after them
        except csv.Error as exc:
            reason = (f"malformed CSV ({exc}): a quote opened on this line is not closed where a cell ends; "
                      "only this line is rejected, the lines after it are read as rows")
            unreadable = [(first + at, reason, kept[at].rstrip("\r\n"))]
        self.offset = first + at
        self.kept.clear()
        self.reader = self._reader(iter(kept[at + 1:]))
        return lines, rows, unreadable

    def swallows(self, row: list[str]) -> bool:
        """Does a cell of this row hold lines that read as rows of the file (as many delimiters
        as a row has)? Then a quote was left open and closed by chance further down, by another
        cell's opening quote followed by a delimiter: the lines between are rows, not a quote."""
        if self.width < 3:
            return False
        for cell in row:
            if "\n" in cell or "\r" in cell:
                later = cell.splitlines()[1:]
                if any(line.count(self.delimiter) >= self.width - 1 for line in later):
                    return True
        return False

    def chunks(self, size: int):
        with self.handle:
            while True:
                start = self.offset + self.reader.line_num
                self.kept.clear()
                try:
                    rows = list(islice(self.reader, size))
                except csv.Error:
                    lines, rows, unreadable = self._recover(start + 1)
                    yield lines, rows, unreadable
                    continue
                except (UnicodeDecodeError, *CORRUPT) as exc:
                    raise _read_error(self.path, self.offset + self.reader.line_num, exc, self.encoding) from None
                if not rows:
                    return
                end = self.offset + self.reader.line_num
                if end - start == len(rows):
                    # One line a row (no blank lines, no line breaks in cells): lines in order.
                    yield range(start + 1, end + 1), rows, ()
                    continue
                if any(map(self.swallows, rows)):
                    yield self._recover(start + 1)
                    continue
                lines, kept, line = [], [], start + 1
                for row in rows:
                    if row:
                        lines.append(line)
                        kept.append(row)
                    line += 1 + sum(_breaks(cell) for cell in row)
                yield lines, kept, ()

    def rows(self):
        with self.handle:
            while True:
                # A row starts on the line after the one the previous row ended on.
                line = self.offset + self.reader.line_num + 1
                self.kept.clear()
                try:
                    row = next(self.reader, None)
                except csv.Error:
                    yield from _in_order(*self._recover(line))
                    continue
                except (UnicodeDecodeError, *CORRUPT) as exc:
                    raise _read_error(self.path, line, exc, self.encoding) from None
                if row is None:
                    return
                if self.swallows(row):
                    yield from _in_order(*self._recover(line))
                    continue
                if row:
                    yield line, row


def _in_order(lines, rows, unreadable) -> list:
    """What _Table._recover read, as (line, row or Unreadable) in the file's order."""
    return sorted([*zip(lines, rows), *((at, Unreadable(why, raw)) for at, why, raw in unreadable)],
                  key=lambda item: item[0])


def _breaks(cell: str) -> int:
    """Line breaks inside a quoted cell, as the reader counts lines (\\n, \\r or \\r\\n)."""
    return cell.count("\n") + cell.count("\r") - cell.count("\r\n") if "\n" in cell or "\r" in cell else 0


def _read_error(path, line, exc, encoding) -> IngestError:
    if isinstance(exc, UnicodeDecodeError):
        return encoding_error(path, line, exc, encoding)
    if isinstance(exc, CORRUPT):
        return corrupt_error(path, exc)
    return IngestError.of("E105", path=path, line=line, reason=exc)


def corrupt_error(path: Path, exc: Exception) -> IngestError:
    """The error for a compressed file that is damaged or cut short."""
    return IngestError.of("E109", path=path, reason=str(exc) or type(exc).__name__)


def table_rows(path: Path, encoding: str, delimiter: str, required: list[str]) -> Iterator[tuple[int, dict | list]]:
    """Yield (line, row dict) per data row; a row with the wrong field count comes as a list, one
    the csv module cannot read as Unreadable.

    Raises IngestError for an empty file, a missing column or a decoding error.
    """
    header, rows = table_reader(path, encoding, delimiter, required)
    width = len(header)
    for line, row in rows:
        yield line, (dict(zip(header, row, strict=True)) if len(row) == width and isinstance(row, list) else row)


# What a spreadsheet reads as the start of a formula ("=HYPERLINK(…)", "@SUM(…)", "-2/5").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell):
    """A text cell of a table we write (an export, a rejects file) as a spreadsheet will show it,
    not run it: one that starts like a formula gets a leading apostrophe. Numbers are left as they are."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell

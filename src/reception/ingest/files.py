"""Opening source files: gzip or plain, a declared encoding, rows with their line numbers."""

from __future__ import annotations

import csv
import gzip
import io
import sys
from itertools import islice
from pathlib import Path
from typing import Iterator

from ..errors import IngestError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def open_bytes(path: Path):
    with open(path, "rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


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
    with open_bytes(path) as handle:
        return handle.readline(65536)


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


def table_reader(path: Path, encoding: str, delimiter: str, required: list[str],
                 chunk: int = 0) -> tuple[list[str], Iterator]:
    """(header, an iterator of (line, row list) per non-blank data row); with `chunk`, an
    iterator of (lines, rows) per `chunk` rows instead (much cheaper per row).

    Raises IngestError for an empty file, a missing column, a decoding error or malformed CSV
    (the last two as the rows are read).
    """
    handle = open_text(path, encoding)
    reader = csv.reader(handle, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        handle.close()
        raise _read_error(path, 1, exc, encoding) from None
    if not header or not any(h.strip() for h in header):
        handle.close()
        raise IngestError.of("E101", path=path, what="file")
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        handle.close()
        raise IngestError.of("E103", path=path, missing=", ".join(missing), found=", ".join(header))
    if chunk:
        return header, _data_chunks(path, encoding, handle, reader, chunk)
    return header, _data_rows(path, encoding, handle, reader)


def _data_chunks(path, encoding, handle, reader, size):
    with handle:
        try:
            while True:
                start = reader.line_num
                rows = list(islice(reader, size))
                if not rows:
                    return
                if reader.line_num - start == len(rows):
                    # One line a row (no blank lines, no line breaks in cells): lines in order.
                    yield range(start + 1, start + 1 + len(rows)), rows
                    continue
                lines, kept, line = [], [], start + 1
                for row in rows:
                    if row:
                        lines.append(line)
                        kept.append(row)
                    line += 1 + sum(_breaks(cell) for cell in row)
                yield lines, kept
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _read_error(path, reader.line_num, exc, encoding) from None


def _breaks(cell: str) -> int:
    """Line breaks inside a quoted cell, as the reader counts lines (\\n, \\r or \\r\\n)."""
    return cell.count("\n") + cell.count("\r") - cell.count("\r\n") if "\n" in cell or "\r" in cell else 0


def _data_rows(path, encoding, handle, reader):
    with handle:
        # A row starts on the line after the one the previous row ended on.
        line = reader.line_num + 1
        try:
            for row in reader:
                if row:
                    yield line, row
                line = reader.line_num + 1
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _read_error(path, line, exc, encoding) from None


def _read_error(path, line, exc, encoding) -> IngestError:
    if isinstance(exc, UnicodeDecodeError):
        return encoding_error(path, line, exc, encoding)
    return IngestError.of("E105", path=path, line=line, reason=exc)


def table_rows(path: Path, encoding: str, delimiter: str, required: list[str]) -> Iterator[tuple[int, dict | list]]:
    """Yield (line, row dict) per data row; a row with the wrong field count comes as a list.

    Raises IngestError for an empty file, a missing column or a decoding error.
    """
    header, rows = table_reader(path, encoding, delimiter, required)
    width = len(header)
    for line, row in rows:
        yield line, (dict(zip(header, row, strict=True)) if len(row) == width else row)

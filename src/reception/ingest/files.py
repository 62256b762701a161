"""Opening source files: gzip or plain, a declared encoding, rows with their line numbers."""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path
from typing import Iterator

from ..errors import IngestError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def open_bytes(path: Path):
    with open(path, "rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


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
    return IngestError(
        "E104",
        f"{path}, line {line}: not valid {encoding} (byte {exc.object[exc.start:exc.start + 1]!r}); "
        f"nothing was imported. If the file is {other}, run again with --encoding {other}",
    )


def table_rows(path: Path, encoding: str, delimiter: str, required: list[str]) -> Iterator[tuple[int, dict | list]]:
    """Yield (line, row dict) per data row; a row with the wrong field count comes as a list.

    Raises IngestError for an empty file, a missing column or a decoding error.
    """
    with open_text(path, encoding) as handle:
        reader = csv.reader(handle, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
        line = 1
        try:
            header = next(reader, None)
            if not header or not any(h.strip() for h in header):
                raise IngestError("E101", f"{path}: the file is empty; nothing was imported")
            header = [h.strip() for h in header]
            missing = [c for c in required if c not in header]
            if missing:
                raise IngestError(
                    "E103",
                    f"{path}, line 1: missing column(s) {', '.join(missing)} (found: {', '.join(header)})",
                )
            width = len(header)
            line = reader.line_num + 1
            for row in reader:
                if len(row) == width:
                    yield line, dict(zip(header, row, strict=True))
                elif row:
                    yield line, row
                line = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise encoding_error(path, line, exc, encoding) from None
        except csv.Error as exc:
            raise IngestError("E105", f"{path}, line {line}: malformed CSV ({exc}); nothing was imported") from None

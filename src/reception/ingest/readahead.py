"""Reading ahead: a large file is read and converted in a second process while this one
stores what was read, so the two halves of an import run on two cores at once.

The reader process only reads the file: it never touches the database, whose transaction
stays in this process. It sends what a format's reader yields, unchanged, a group at a time;
the pipe holds little, so it reads at most a group or two ahead and memory stays flat. A
file-level error it meets (a decoding error, malformed CSV) is raised here as it would be in
process, and rolls the import back.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from pathlib import Path
from typing import Callable, Iterator

from ..errors import IngestError
from .columns import ReviewBatch

# Files at least this large are read in a second process; a smaller one is read before a
# process would have started.
AHEAD_BYTES = 2 << 20
GROUP = 500  # row items sent together: each message costs about as much as a hundred rows


def read_items(read: Callable, path: Path, encoding: str) -> Iterator:
    """What `read(path, encoding)` yields, read ahead in a second process when that pays."""
    if not _worth_it(path):
        yield from read(path, encoding)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    reader = context.Process(target=_produce, args=(read, path, encoding, sender, receiver), daemon=True,
                             name=f"reception-read:{path.name}")
    reader.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise IngestError.of("E108", path=path, exit_code=reader.exitcode) from None
            if kind == "items":
                yield from payload
            elif kind == "done":
                return
            elif kind == "error":
                raise IngestError(*payload)
            else:
                raise RuntimeError(f"reading {path} failed in the reading process:\n{payload}")
    finally:
        receiver.close()  # a reader still sending stops at its next send
        reader.join(5)
        if reader.is_alive():
            reader.terminate()
            reader.join()


def _worth_it(path: Path) -> bool:
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        return path.stat().st_size >= AHEAD_BYTES
    except OSError:
        return False


def _produce(read: Callable, path: Path, encoding: str, sender, receiver) -> None:
    # The importer's end, inherited by fork, closed here: otherwise, were the importer killed,
    # this process would itself hold the pipe open and wait on a full pipe forever.
    receiver.close()
    # Ctrl-C reaches the whole process group: the importer rolls back and closes the pipe,
    # which ends this process; it should not die with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        group = []
        for item in read(path, encoding):
            group.append(item)
            if len(group) >= GROUP or isinstance(item[1], ReviewBatch):
                sender.send(("items", group))
                group = []
        sender.send(("items", group))
        sender.send(("done", None))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the importer stopped reading: it failed or was interrupted
    except IngestError as exc:
        sender.send(("error", (exc.code, exc.message, exc.details)))
    except BaseException:  # noqa: BLE001 - a bug: its traceback goes to the importer
        sender.send(("crash", traceback.format_exc()))
    finally:
        sender.close()

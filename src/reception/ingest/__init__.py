"""Import reviews and films from files: ``ingest(path)`` is what `reception ingest` calls.

An import is one transaction: it either lands whole or leaves the database as it was
(a crash, Ctrl-C or a file-level error rolls everything back; run it again to resume).
Row-level problems do not stop it: each rejected row goes to the rejects report with
its file, line and reason, and every good row is imported. Each row's verdict is decided by
the rules as it is written; what follows (the text model, figures) is the pipeline's
(reception.pipeline.refresh over the report's `touched_films`).
"""

from __future__ import annotations

import csv
import gc
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ..catalog import version

from ..errors import IngestError
from .readahead import read_items
from .columns import ReviewBatch
from .files import data_size, inert
from .films import GROUP as FILM_GROUP
from .formats import NAMES, Format, detect
from .records import FilmRecord, FilmRef, RowError
from .store import Store, unchecked_foreign_keys

__all__ = ["ingest", "ImportReport", "Reject", "NAMES"]


@dataclass
class Reject:
    path: str
    line: int
    reason: str
    raw: str


@dataclass
class ImportReport:
    paths: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    read: int = 0
    imported: int = 0
    updated: int = 0  # stored reviews a row revised (ingest.revisions)
    duplicates: int = 0
    films: int = 0
    films_added: int = 0
    films_merged: int = 0  # untitled films found to be titled ones (ingest.film_merge)
    rejects: list[Reject] = field(default_factory=list)
    ratings_present: int = 0
    ratings_read: int = 0
    ratings_flagged: dict = field(default_factory=dict)
    rejects_path: str = ""
    duplicate_lines: list[tuple[str, int, int]] = field(default_factory=list)  # (file, line, first line)
    # Rows stored with a value dropped, and why ("kept undated: review date 1800-01-01 …"); an
    # article's markup the reader could not read ("a template opened here is never closed").
    notes: list[Reject] = field(default_factory=list)
    verdicts_from_ratings: int = 0
    verdicts_from_labels: int = 0
    awaiting_text_verdict: int = 0  # in the whole database: `reception verdicts` reads them
    touched_films: set = field(default_factory=set)  # films added to or changed: to score again
    # Where the import's time went: reading and storing its rows, building the indexes a large
    # load set aside, finishing (bare numbers' scales, verdict rules, counts), the commit.
    seconds: dict = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def summary(self) -> str:
        revised = f", {self.updated} updated" if self.updated else ""
        text = (
            f"read {self.read}, imported {self.imported} reviews{revised}, {self.duplicates} duplicates skipped, "
            f"{self.rejected} rejected; {self.films} film rows, {self.films_added} films added"
        )
        if self.films_merged:
            text += f", {self.films_merged} untitled films merged into titled ones (same runtime and release days)"
        if self.ratings_present:
            share = 100.0 * self.ratings_read / self.ratings_present
            flagged = ", ".join(f"{n} {flag}" for flag, n in sorted(self.ratings_flagged.items()))
            text += f"; ratings read {self.ratings_read}/{self.ratings_present} ({share:.2f}%)"
            if flagged:
                text += f", flagged: {flagged}"
        text += f"; verdicts: {self.verdicts_from_ratings} from ratings, {self.verdicts_from_labels} from labels"
        if self.awaiting_text_verdict:
            text += f", {self.awaiting_text_verdict} await `reception verdicts`"
        if self.notes:
            text += f"; {len(self.notes)} stored with a note (a value dropped, markup not read; listed with the rejects)"
        if self.rejects_path:
            text += f"; rejects in {self.rejects_path}"
        return text

    def as_dict(self) -> dict:
        return {
            "paths": self.paths, "formats": self.formats, "read": self.read, "imported": self.imported,
            "updated": self.updated, "duplicates": self.duplicates, "rejected": self.rejected, "films": self.films,
            "films_added": self.films_added, "films_merged": self.films_merged, "ratings_present": self.ratings_present,
            "ratings_read": self.ratings_read, "ratings_flagged": self.ratings_flagged,
            "rejects_path": self.rejects_path, "verdicts_from_ratings": self.verdicts_from_ratings,
            "verdicts_from_labels": self.verdicts_from_labels, "awaiting_text_verdict": self.awaiting_text_verdict,
            "stored_with_notes": len(self.notes),
            "seconds": {phase: round(took, 3) for phase, took in self.seconds.items()},
        }


def _plan(path: Path, wanted: str) -> list[tuple[Path, Format]]:
    if not path.exists():
        raise IngestError.of("E100", path=path)
    if path.is_file():
        return [(path, detect(path, wanted))]
    plan = []
    for child in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            plan.append((child, detect(child, wanted)))
        except IngestError:
            continue  # a README or a rejects file beside the data
    if not plan:
        raise IngestError.of("E102", variant="folder", path=path)
    # Films before reviews, so reviews find their titles.
    return sorted(plan, key=lambda item: (not item[1].films_first, str(item[0])))


def ingest(
    path: str | Path,
    format: str = "auto",
    encoding: str | None = None,
    rejects_path: str | Path | None = None,
    progress: bool = False,
) -> ImportReport:
    """Import one file, or every readable file of a folder, in one transaction."""
    if format not in NAMES:
        raise IngestError.of("E102", name=format, names=", ".join(NAMES))
    path = Path(path)
    plan = _plan(path, format)
    report = ImportReport(paths=[str(p) for p, _ in plan], formats=[f"{f.name}:{f.part}" for _, f in plan])
    started = timezone.now()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit=" rows", desc="importing", mininterval=0.5, leave=False)
    # A million rows make millions of short-lived objects and next to no reference cycles: the
    # cycle collector's passes over them would cost more than they free.
    collecting = gc.isenabled()
    gc.disable()
    # ~120 bytes a review row in the sources we read.
    expected_rows = sum(data_size(p) for p, _ in plan) // 120
    clock = time.perf_counter
    began = clock()
    try:
        with unchecked_foreign_keys(expected_rows), transaction.atomic():
            store = Store(source=plan[0][1].name)
            store.defer_indexes(expected_rows)
            for file_path, fmt in plan:
                store.source = fmt.name
                store.merge_by_critic = fmt.merge_by_critic
                store.next_file()
                found_before = len(store.duplicates)
                films_before = report.films
                films = []  # film rows waiting to be stored together (ingest.films)
                for line, item, raw in read_items(fmt.read, file_path, encoding or fmt.encoding):
                    rows = len(item) + len(item.rejects) if isinstance(item, ReviewBatch) else 1
                    report.read += rows
                    if bar is not None:
                        bar.update(rows)
                    if isinstance(item, FilmRecord):
                        films.append((line, item, raw))
                        if len(films) >= FILM_GROUP:
                            _store_films(store, films, file_path, report)
                        continue
                    # A review may name a film of the rows before it.
                    _store_films(store, films, file_path, report)
                    if isinstance(item, ReviewBatch):
                        refused = item.rejects + store.add_batch(item)
                        report.rejects += [Reject(str(file_path), at, reason, text) for at, reason, text in refused]
                        continue
                    try:
                        if isinstance(item, RowError):
                            raise item
                        store.add_review(item, line)
                    except RowError as exc:
                        report.rejects.append(Reject(str(file_path), line, str(exc), raw))
                _store_films(store, films, file_path, report)
                if report.films > films_before:
                    report.films_merged += store.merge_twins()
                report.duplicate_lines += [(str(file_path), ln, first) for ln, first in store.duplicates[found_before:]]
                report.notes += [Reject(str(file_path), ln, note, raw) for ln, note, raw in store.notes]
                store.notes.clear()
            stored = clock()
            store.finish()
            version.bump()
            report.verdicts_from_ratings, report.verdicts_from_labels = store.verdicts
            report.touched_films = store.touched
            report.awaiting_text_verdict = store.count_awaiting()
            report.imported = store.added
            report.updated = store.revisions.updated
            review_rows = report.read - report.films - report.rejected
            report.duplicates = review_rows - report.imported - report.updated
            report.films_added = store.films_added
            _count_ratings(report, store)
            from ..catalog.models import ImportRun

            ImportRun.objects.create(
                path=str(path), format=",".join(sorted({f.name for _, f in plan})), started_at=started,
                finished_at=timezone.now(), read=report.read, imported=report.imported, updated=report.updated,
                duplicates=report.duplicates, rejected=report.rejected, films_added=report.films_added,
            )
            finished = clock()
        report.seconds = {"rows": stored - began, "indexes": store.index_seconds,
                          "finishing": finished - stored - store.index_seconds, "commit": clock() - finished}
    finally:
        if collecting:
            gc.enable()
        if bar is not None:
            bar.close()
    if report.rejects or report.duplicate_lines or report.notes:
        listed = sorted(report.rejects + report.notes + [
            Reject(f, ln, f"duplicate of line {first} (skipped, not rejected)", "") for f, ln, first in report.duplicate_lines
        ], key=lambda reject: (reject.path, reject.line))
        report.rejects_path = str(write_rejects(listed, rejects_path or f"{path.name}.rejects.tsv"))
    return report


def _store_films(store: Store, films: list, path: Path, report: ImportReport) -> None:
    """The film rows read so far stored together, and the list emptied."""
    if not films:
        return
    refused = store.add_films(films)
    report.films += len(films) - len(refused)
    report.rejects += [Reject(str(path), line, reason, text) for line, reason, text in refused]
    report.notes += [Reject(str(path), at, note, "") for _, film, _ in films if isinstance(film, FilmRecord)
                     for at, note in film.notes]
    films.clear()


def add_reviews(film_id: int, rows: list[dict], source: str = "api") -> ImportReport:
    """Reviews of one known film, as fields of our own format (docs/formats.md): all are
    stored, or none. Raises IngestError listing every row's problem."""
    from .native import review_from_fields

    records, problems = [], []
    for number, fields in enumerate(rows, start=1):
        try:
            # The film is the one posted to: its title need not be repeated.
            records.append(review_from_fields(fields, film=FilmRef(key=str(film_id), source="api")))
        except RowError as exc:
            problems.append({"row": number, "reason": str(exc)})
    if problems:
        raise IngestError.of("E110", refused=len(problems), sent=len(rows), details=problems)
    report = ImportReport(paths=[source], formats=[source])
    with transaction.atomic():
        store = Store(source=source)
        for number, record in enumerate(records, start=1):
            store.add_review(record, number, film_id=film_id)
        store.finish()
        version.bump()
        report.read = len(records)
        report.imported = store.added
        report.updated = store.revisions.updated
        report.duplicates = report.read - report.imported - report.updated
        report.touched_films = store.touched | {film_id}
        report.awaiting_text_verdict = store.count_awaiting()
    return report


def _count_ratings(report: ImportReport, store: Store):
    """The share of this import's ratings read, after bare numbers got their outlet's scale."""
    from .. import ratings

    counts = store.rating_counts
    readable = (ratings.SCALE_INFERRED,)
    report.ratings_present = counts["present"]
    report.ratings_read = counts["read"] + sum(counts[f] for f in readable)
    report.ratings_flagged = {
        flag: n for flag, n in counts.items() if n and flag not in ("present", "read")
    }


def write_rejects(rejects: list[Reject], target: str | Path) -> Path:
    target = Path(target)
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["file", "line", "reason", "row"])
        for r in rejects:
            writer.writerow([inert(r.path), r.line, inert(r.reason), inert(r.raw)])
    return target

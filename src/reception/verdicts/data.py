"""Labelled review text for training and evaluating verdicts, with a fixed split by film.

rt.reviews is split by film, never by row: quotes about one film share names and phrasing,
so a row split would measure memory, not reading. A film's part is fixed by a hash of its
id, so every run, every baseline and the bench see the same films in the same part.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..ratings import parse_rating

TEST, CALIBRATION, TRAIN = "test", "calibration", "train"


def film_part(film_id: str) -> str:
    """20% of films for testing, 10% for calibration, 70% for training."""
    bucket = int(hashlib.sha1(f"reception-split:{film_id}".encode()).hexdigest()[:8], 16) % 10
    return TEST if bucket < 2 else CALIBRATION if bucket == 2 else TRAIN


@dataclass(frozen=True)
class Example:
    film: str
    text: str
    rating_raw: str
    label: int  # 1 positive (fresh), 0 negative (rotten)
    part: str


def text_key(text: str) -> str:
    """Quotes compared across data sets: MR is lower-cased and tokenized, RT is not."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def load_rt_reviews(data: Path) -> list[Example]:
    # Read directly (not through the importer): training runs without a database.
    path = Path(data) / "rt-reviews" / "rt.reviews.tsv.gz"
    examples = []
    with gzip.open(path, "rt", encoding="latin-1", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            label = {"fresh": 1, "rotten": 0}.get((row.get("fresh") or "").strip().lower())
            if label is None:
                continue
            film = row["id"].strip()
            examples.append(Example(film, (row["review"] or "").strip(), (row["rating"] or "").strip(), label,
                                    film_part(film)))
    return examples


def load_polarity(data: Path) -> tuple[list[str], list[int]]:
    """MR: 5,331 positive then 5,331 negative snippets (latin-1)."""
    texts, labels = [], []
    for name, label in (("rt-polarity.pos", 1), ("rt-polarity.neg", 0)):
        with open(Path(data) / "rt-polarity" / name, encoding="latin-1") as handle:
            for line in handle:
                if line.strip():
                    texts.append(line.strip())
                    labels.append(label)
    return texts, labels


def polarity_folds(n: int, k: int = 10) -> list[int]:
    """Fold of each MR snippet: interleaved, so every fold has both classes equally."""
    return [i % k for i in range(n)]


def text_examples(examples: list[Example], part: str, exclude: set[str] = frozenset()) -> tuple[list[str], list[int]]:
    """Quotes and labels of one part, without blank quotes or quotes whose key is excluded."""
    texts, labels = [], []
    for ex in examples:
        if ex.part == part and ex.text and text_key(ex.text) not in exclude:
            texts.append(ex.text)
            labels.append(ex.label)
    return texts, labels


def rated_examples(examples: list[Example], part: str | None = None):
    """(Rating, label) for rows with a readable rating, optionally of one part."""
    for ex in examples:
        if ex.rating_raw and (part is None or ex.part == part):
            rating = parse_rating(ex.rating_raw)
            if rating.readable:
                yield rating, ex.label

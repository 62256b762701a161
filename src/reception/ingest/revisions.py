"""Reviews a source names by an id of its own (our formats' `id`, the newer RT export's
`reviewId`): a later import of the same id is the same review, revised.

A review is otherwise told by its content (catalog.keys): a corrected quote, or a date added,
would make a second review. So a row whose id, source format and film are those of one stored
review, and whose content differs, updates that review in place instead of adding one. Its
verdict is decided again as a new row's would be (an editor's stays), and its film is scored
again. What keeps the rule from merging two reviews silently:
- the id counts only within its source format and its film, so two systems numbering their
  reviews 1, 2, 3 meet only on the same film, and never across formats;
- a stored id held by more than one review of that film matches none of them;
- within one file an id names one review: a later row repeating it is listed as a duplicate
  of the first;
- a revision whose new content is that of another stored review is a duplicate of that one,
  and changes nothing.
"""

from __future__ import annotations

from collections import defaultdict

from ..catalog import decisions
from ..database import id_chunks

# What a revision replaces, then what it decides again (catalog.decisions: unless an editor has
# decided it; the source's mark for an editor to check, if it sets one).
REVISED = ("critic_id", "outlet_id", "published", "published_precision", "published_inferred", "quote", "url", "rating_raw", "rating",
           "rating_scale", "rating_flag", "top_critic", "label", "dedupe_key")
DECIDED = ("verdict", "decided_by", "verdict_model", "conflict", "needs_check")


class Revisions:
    """One import's reviews identified by their source's ids."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.source = ""
        self.first_line: dict[tuple[str, int], int] = {}  # (id, film) -> the line of this file naming it
        self._stored = None  # has the database reviews of this source with ids: asked when first needed
        self.updated = 0
        self.films: set[int] = set()  # films of revised reviews: to score again
        # Outlets revised reviews had: a review moved to another outlet takes its stated scale
        # from the one it left, whose bare numbers are read again (Store.finish).
        self.outlets: set[int] = set()

    def next_file(self, source: str) -> None:
        self.source = source
        self.first_line.clear()
        self._stored = None

    @property
    def stored(self) -> bool:
        """Has the database reviews of this source with ids (else no row has one to revise)?"""
        if self._stored is None:
            # Through the small index of reviews with ids (Review.Meta), its condition stated.
            self.cursor.execute("SELECT 1 FROM catalog_review WHERE NOT (source_key = '') AND source = %s LIMIT 1",
                                [self.source])
            self._stored = self.cursor.fetchone() is not None
        return self._stored

    def repeated(self, source_key: str, film_id: int, line: int) -> int | None:
        """The line of this file that named this id for this film before, if one did."""
        if not source_key:
            return None
        first = self.first_line.setdefault((source_key, film_id), line)
        return first if first != line else None

    def matches(self, source_keys: list[str], films: list[int], keys: list[int], positions,
                taken=None) -> dict[int, int]:
        """{position: stored review} for the rows at `positions` that revise a stored review:
        the same id and film, another dedupe key. `taken(keys)`: those of these keys stored
        for some review (a revision to another review's content is a duplicate of it)."""
        wanted = {(source_keys[at], films[at]): at for at in positions if source_keys[at]}
        if not (wanted and self.stored):
            return {}
        found = defaultdict(list)
        for chunk in id_chunks({source_key for source_key, _ in wanted}):
            self.cursor.execute(
                "SELECT source_key, film_id, id, dedupe_key, outlet_id FROM catalog_review WHERE NOT (source_key = '') "
                f"AND source_key IN ({', '.join(['%s'] * len(chunk))}) AND source = %s", [*chunk, self.source])
            for source_key, film_id, review_id, key, outlet_id in self.cursor.fetchall():
                found[(source_key, film_id)].append((review_id, key, outlet_id))
        revised, outlets = {}, {}
        for pair, at in wanted.items():
            stored = found.get(pair, [])
            if len(stored) == 1 and stored[0][1] != keys[at]:
                revised[at], _, outlets[at] = stored[0]
        if revised and taken is not None:
            clash = taken([keys[at] for at in revised])
            revised = {at: review_id for at, review_id in revised.items() if keys[at] not in clash}
        self.outlets.update(outlets[at] for at in revised)
        return revised

    def apply(self, rows: list[tuple], films) -> None:
        """Update stored reviews: each row holds REVISED and DECIDED values, then the review's id."""
        if not rows:
            return
        revised = len(REVISED)
        self.cursor.executemany(f"UPDATE catalog_review SET {', '.join(f'{c} = %s' for c in REVISED)} WHERE id = %s",
                                [(*row[:revised], row[-1]) for row in rows])
        decided = []
        for row in rows:
            verdict, by, model, conflict, mark = row[revised:-1]
            # A verdict decided again has no probability until the text model gives it one.
            decided.append((verdict, by, model, conflict, None, mark, row[-1]))
        decisions.write(self.cursor, decided)
        self.updated += len(rows)
        self.films.update(films)

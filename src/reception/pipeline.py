"""What follows a change to reviews, in one place.

    refreshed = refresh(film_ids, outlet_ids=(), gone=(), read_text=True, redo=False, consensus=False)

Every place where reviews change calls it once the change is stored: `reception ingest` (after
the import's transaction), `reception verdicts`, `reception consensus`, `reception demo`, the
API's writes, and the editors' desk and admin (through reception.editing). No stage calls a
later one: this module, above them all, runs them in the flow's order, each over the same scope:

1. the bare numbers ("8") of `outlet_ids` read again (ingest.scales): those outlets' evidence
   changed (a review moved, deleted or merged), and the films of the reviews that change join
   the scope;
2. no consensus cites the reviews `gone` (catalog.citations);
3. the open verdicts decided (verdicts.decide): the rules, then, with `read_text`, the text
   model (on a Dask cluster's workers with `cluster`); with `redo`, every verdict but editors'
   decided again;
4. the films' figures computed (scores.compute);
5. with `consensus`, each film's consensus drafted (consensus.store; editors' texts are kept);
6. the data version raised (catalog.version), so no page shows what was.

The scope: the films given, or every film (None). Over SCOPE_ALL films it is every film: one
pass over the tables costs less than lists of ids, and scoring every film computes again only
those whose inputs changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction

from .catalog import version
from .catalog.citations import forget_reviews
from .catalog.models import Film
from .consensus.store import Outcome, draft_film
from .ingest.scales import reread_bare_numbers
from .rules import VerdictRules
from .scores.compute import Scored, score
from .verdicts.decide import VerdictReport, decide_verdicts

SCOPE_ALL = 5000


@dataclass
class Refreshed:
    films: set[int] | None  # the scope: None for every film
    verdicts: VerdictReport
    scored: Scored
    drafts: dict[int, Outcome] = field(default_factory=dict)  # by film, with `consensus`


def refresh(film_ids=None, *, outlet_ids=(), gone=(), read_text: bool = True, redo: bool = False,
            consensus: bool = False, progress=None, cluster: str | None = None) -> Refreshed:
    """Bring everything that follows from reviews up to date for these films (see above)."""
    films = None if film_ids is None else set(film_ids)
    outlets = set(outlet_ids) - {None}
    if outlets:
        with transaction.atomic(), connection.cursor() as cursor:
            _, changed = reread_bare_numbers(cursor, outlets, VerdictRules())
        if films is not None:
            films |= changed
    if gone:
        forget_reviews(films, gone)
    if films is not None and len(films) > SCOPE_ALL:
        films = None
    verdicts = decide_verdicts(films, redo=redo, read_text=read_text, progress=progress, cluster=cluster)
    scored = score(sorted(films) if films is not None else None) if films != set() else Scored()
    drafts = {}
    if consensus:
        chosen = list(Film.objects.order_by("id") if films is None else Film.objects.filter(pk__in=films).order_by("id"))
        if progress is not None:
            progress.reset(total=len(chosen))
        for film in chosen:
            drafts[film.pk] = draft_film(film)
            if progress is not None:
                progress.update(1)
    version.bump()
    return Refreshed(films, verdicts, scored, drafts)


def outlets_going(outlet_ids) -> set[int]:
    """Before outlets are deleted (their reviews stay, with no outlet): their bare numbers are
    read as having no scale, as an import reads those of a review with no outlet. Returns the
    films whose reviews changed, to refresh once the outlets are gone."""
    with transaction.atomic(), connection.cursor() as cursor:
        return reread_bare_numbers(cursor, set(outlet_ids) - {None}, VerdictRules(),
                                   infer=lambda *evidence: None)[1]

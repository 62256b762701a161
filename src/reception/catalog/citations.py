"""No consensus cites a review that is gone: the rule every deletion of reviews keeps (an
editor's delete, a film merge that drops a review both films held)."""

from __future__ import annotations

from .models import Consensus


def forget_reviews(film_ids, review_ids) -> None:
    """After reviews of these films (every film's: None) were deleted: the machine's draft
    citing one is withdrawn (`reception consensus` drafts again from the reviews left); an
    editor's text stays, citing only the reviews left."""
    gone = set(review_ids)
    if not gone:
        return
    drafts = Consensus.objects.all() if film_ids is None else Consensus.objects.filter(film_id__in=set(film_ids))
    for c in drafts:
        cited = {i for clause in c.clauses or [] for i in clause["review_ids"]}
        cited |= {i for a in c.aspects or [] for i in a.get("praise_review_ids", []) + a.get("fault_review_ids", [])}
        if not cited & gone:
            continue
        if c.machine_draft:
            c.delete()
            continue
        c.clauses = [{**clause, "review_ids": [i for i in clause["review_ids"] if i not in gone]}
                     for clause in c.clauses or []]
        for a in c.aspects or []:
            for ids, count in (("praise_review_ids", "praised"), ("fault_review_ids", "faulted")):
                if ids in a:
                    a[ids] = [i for i in a[ids] if i not in gone]
                    a[count] = len(a[ids])
        c.save(update_fields=["clauses", "aspects"])

"""The consensus as the CLI's --json and the site's .json pages give it, with its citations
numbered per film ([1], [2] … in the order the text cites them) and the cited reviews listed.

Which citations a consensus shows (`citations` in the JSON):
- "machine": the drafting model's text and clauses, each clause citing its reviews;
- "approved": an editor approved the model's text as it stands, with its citations;
- "editor": an editor rewrote the text and kept these citations (editing.rewrite_consensus);
- "none": an editor's text that keeps none. The model's old clauses are never shown for a text
  they no longer belong to.
"""

from __future__ import annotations

from ..catalog.models import Consensus, Review

MAX_CITES = 8  # per clause, in the drafting's order (its best evidence first)


def parts(text: str, clauses: list[dict]) -> list[dict]:
    """The text cut at its clauses, each piece with the reviews it cites. A text that no longer
    holds its clauses (an editor rewrote it) is one piece citing nothing."""
    pieces, at = [], 0
    for clause in clauses:
        found = text.lower().find(clause["text"].lower(), at)
        if found < 0 or (found > at and not pieces):
            return [{"text": text, "review_ids": []}]
        if pieces:
            pieces[-1]["text"] += text[at:found]
        end = found + len(clause["text"])
        pieces.append({"text": text[found:end], "review_ids": clause["review_ids"][:MAX_CITES],
                       "polarity": clause.get("polarity", "")})
        at = end
    if not pieces:
        return [{"text": text, "review_ids": []}]
    pieces[-1]["text"] += text[at:]
    return pieces


def numbered(text: str, clauses: list[dict]) -> tuple[list[dict], list[int]]:
    """parts() with each piece's citations numbered (`cites`), and the cited review ids in
    number order: the first cited is [1]."""
    pieces, numbers = parts(text, clauses), {}
    for piece in pieces:
        piece["cites"] = [numbers.setdefault(i, len(numbers) + 1) for i in piece["review_ids"]]
    return pieces, list(numbers)


def citation_kind(c: Consensus, pieces: list[dict]) -> str:
    """Whose citations these are (module docstring); `pieces`: parts() of its text."""
    if c.author.startswith(Consensus.MACHINE):
        return "machine"
    if not any(piece["review_ids"] for piece in pieces):
        return "none"
    return "editor" if any(clause.get("confirmed") for clause in c.clauses) else "approved"


def consensus_json(c: Consensus | None) -> dict | None:
    if c is None:
        return None
    pieces, cited_ids = numbered(c.text, c.clauses)
    reviews = Review.objects.select_related("critic", "outlet").in_bulk(cited_ids)
    cited = [{"number": n, "review_id": i, "critic": r.critic.name if r.critic else None,
              "outlet": r.outlet.name if r.outlet else None, "verdict": r.verdict or None, "quote": r.quote}
             for n, (i, r) in enumerate(((i, reviews.get(i)) for i in cited_ids), 1) if r is not None]
    kind = citation_kind(c, pieces)
    return {"text": c.text, "status": c.status, "author": c.author, "citations": kind,
            # The clauses as stored where they are the ones shown; an editor's text has its own.
            "clauses": c.clauses if kind != "none" else [],
            "parts": pieces, "cited": cited, "aspects": c.aspects,
            "updated": c.updated_at.isoformat() if c.updated_at else None}

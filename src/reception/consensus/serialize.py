"""The consensus as the CLI's --json and the site's .json pages give it."""

from __future__ import annotations

from ..catalog.models import Consensus


def parts(text: str, clauses: list[dict]) -> list[dict]:
    """The text cut at its clauses, each piece with the reviews it cites. Text an editor has
    rewritten no longer holds the clauses: it is then one piece citing them all."""
    pieces, at = [], 0
    for clause in clauses:
        found = text.lower().find(clause["text"].lower(), at)
        if found < 0 or (found > at and not pieces):
            cited = sorted({i for c in clauses for i in c["review_ids"]})
            return [{"text": text, "review_ids": cited}]
        if pieces:
            pieces[-1]["text"] += text[at:found]
        end = found + len(clause["text"])
        pieces.append({"text": text[found:end], "review_ids": clause["review_ids"], "polarity": clause["polarity"]})
        at = end
    if not pieces:
        return [{"text": text, "review_ids": []}]
    pieces[-1]["text"] += text[at:]
    return pieces


def consensus_json(c: Consensus | None) -> dict | None:
    if c is None:
        return None
    return {"text": c.text, "status": c.status, "author": c.author, "clauses": c.clauses,
            "parts": parts(c.text, c.clauses), "aspects": c.aspects,
            "updated": c.updated_at.isoformat() if c.updated_at else None}

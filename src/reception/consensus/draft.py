"""The critics consensus: one sentence in the aggregator's register, built from a film's reading.

Its lead follows the film's share of positive verdicts: mostly positive (≥ 60%) leads with
praise, mostly negative (< 40%) with faults, and a split film says both, joined by "but". Each
clause names only aspects and adjectives that its cited reviews use, and stores their ids.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from .aspects import Reading, Tally
from .lexicon import BY_NAME, GENERIC, KINDS, MASS, SAID_BY_KIND

MIN_QUOTES = 3  # fewer quoted reviews are not a consensus of critics
POSITIVE_FROM, NEGATIVE_BELOW = 0.6, 0.4
MAX_CITED = 12  # per clause, those that say it most fully; the aspect list keeps every id


@dataclass
class Clause:
    text: str
    review_ids: list[int]
    polarity: str  # "positive" or "negative": what the clause says of the film
    aspects: list[str] = field(default_factory=list)
    why: str = ""  # for the editor: what the wording rests on


@dataclass
class Draft:
    status: str  # "drafted", "too-few-reviews" or "no-title"
    text: str
    clauses: list[Clause]
    tone: str | None  # "positive", "mixed", "negative"
    quotes: int
    percent_positive: float | None
    aspects: list[dict]
    reason: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def support_needed(quotes: int) -> int:
    """Reviews an aspect or adjective needs before the draft names it: one in a handful of
    reviews, then 5% of them (at least two), so one critic's pet word is not "the consensus"."""
    return 1 if quotes < 10 else max(2, math.ceil(0.05 * quotes))


def aspect_list(reading: Reading) -> list[dict]:
    need = support_needed(reading.quotes)
    return [
        {"aspect": t.aspect, "label": t.label, "praised": len(t.praise), "faulted": len(t.fault),
         "praise_review_ids": sorted(t.praise), "fault_review_ids": sorted(t.fault),
         "words": {"praise": _words(t, 1), "fault": _words(t, -1)}}
        for t in reading.aspects(need)
    ]


def _words(t: Tally, sign: int) -> list[str]:
    term = _top(t.terms[sign], t.aspect)
    counts = {f"{a} {term}": n for a, n in t.adjectives[sign].items()} | dict(t.adverbs[sign])
    return [p for p, _ in _ranked(counts)[:5]]


def draft(reading: Reading, positive: int, negative: int, title: str | None) -> Draft:
    judged = positive + negative
    share = positive / judged if judged else None
    aspects = aspect_list(reading)
    if reading.quotes < MIN_QUOTES or share is None:
        why = (f"too few reviews: {reading.quotes} with a quote (a consensus needs {MIN_QUOTES})"
               if reading.quotes < MIN_QUOTES else "no review has a verdict yet")
        return Draft("too-few-reviews", "", [], None, reading.quotes, None, aspects, why)
    if not title:
        # A placeholder ("rt-reviews film 1882") is no name to put in a sentence.
        return Draft("no-title", "", [], None, reading.quotes, round(100 * share, 1), aspects,
                     "the film is known only by a source's id: give it its title (merge it with the titled "
                     "film, or import its catalogue) and draft again")
    tone = "positive" if share >= POSITIVE_FROM else "negative" if share < NEGATIVE_BELOW else "mixed"
    clauses = _Writer(reading, title).write(tone)
    text = _sentence([c.text for c in clauses])
    return Draft("drafted", text, clauses, tone, reading.quotes, round(100 * share, 1), aspects)


def _sentence(parts: list[str]) -> str:
    """Clauses joined: "a witty comedy with a sharp script", but "witty and warm, with …"."""
    text = ""
    for part in parts:
        last = text.rsplit(" ", 1)[-1]
        after_noun = last in KINDS or last == "film"
        if text and part.startswith(";"):
            text += part
            continue
        text += part if not text else (" " + part if after_noun and part.startswith(("with ", "undone ")) else ", " + part)
    return text[:1].upper() + text[1:] + "."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# Words whose first letter misleads: "an honest", "a unique", "a one-note".
_AN_BEFORE = ("honest", "honor", "honour", "hour", "heir")
_A_BEFORE = ("uni", "use", "usu", "uti", "ubiq", "eu", "one", "once", "ewe", "uto")


def _article(word: str) -> str:
    """"a" or "an", by the sound the word starts with."""
    low = word.lower()
    if low.startswith(_AN_BEFORE):
        return "an"
    if low.startswith(_A_BEFORE):
        return "a"
    return "an" if low[:1] in "aeiou" else "a"


def _ranked(counts) -> list[tuple[str, int]]:
    """(word, count) pairs, most used first, ties alphabetical so drafts are reproducible."""
    return sorted(counts.items(), key=lambda x: (-x[1], x[0]))


def _top(counter, aspect: str) -> str:
    return _ranked(counter)[0][0] if counter else BY_NAME[aspect].label


def _telling(counter) -> str:
    """The most used adjective, passing over generic praise ("good") for a telling word
    ("witty") used at least half as often."""
    ranked = _ranked(counter)
    for word, n in ranked:
        if word not in GENERIC and 2 * n >= ranked[0][1]:
            return word
    return ranked[0][0]


def _plural(phrase: str) -> bool:
    return phrase.endswith("s") and not phrase.endswith("ss")


@dataclass
class _Phrase:
    text: str  # "gorgeous cinematography", "story" or "visually arresting"
    kind: str  # "np": a noun phrase; "adj": an adjective phrase
    ids: set[int]
    aspect: str | None = None
    noun: str | None = None

    def with_determiner(self) -> str:
        """"a clever script", "dazzling effects", "its story", "Frances McDormand's performance"."""
        if "'s " in self.text:
            return self.text
        if self.noun == self.text:
            return f"its {self.text}"
        if self.noun in MASS or _plural(self.text):
            return self.text
        return f"{_article(self.text)} {self.text}"


class _Writer:
    def __init__(self, reading: Reading, title: str):
        self.reading = reading
        self.title = title
        self.need = support_needed(reading.quotes)
        kinds = [k for k, n in _ranked(reading.kinds) if n >= max(2, self.need)]
        self.kind = kinds[0] if kinds else "film"
        self.phrases = {sign: self._aspect_phrases(sign) for sign in (1, -1)}

    def _aspect_phrases(self, sign: int, limit: int = 2) -> list[_Phrase]:
        """The aspects most critics judge this way (and more praise than fault, or the reverse)."""
        chosen = []
        for t in self.reading.aspects(self.need):
            mine, theirs = t.reviews(sign), t.reviews(-sign)
            if len(mine) < self.need or len(mine) <= len(theirs):
                continue
            term = _top(t.terms[sign], t.aspect)  # terms are tallied as the work ("acting", not "actors")
            adjectives, adverbs = t.adjectives[sign], t.adverbs[sign]
            best_adj = max(adjectives.values(), default=0)
            best_adv = max(adverbs.values(), default=0)
            if best_adv > best_adj:
                chosen.append(_Phrase(_top(adverbs, t.aspect), "adj", set(mine), t.aspect))
            elif best_adj:
                chosen.append(_Phrase(f"{_telling(adjectives)} {term}", "np", set(mine), t.aspect, term))
            else:
                chosen.append(_Phrase(term, "np", set(mine), t.aspect, term))
            if len(chosen) == limit:
                break
        return chosen

    def person(self, sign: int) -> list[_Phrase]:
        """The credited person most reviews name this way (a lead's performance, the director's
        direction), as staff-written texts name them; none if fewer than the support needed."""
        best = None
        for (name, role), signs in self.reading.people.items():
            mine, theirs = signs[sign], signs[-sign]
            if len(mine) >= max(2, self.need) and len(mine) > len(theirs) and role in ("actor", "director"):
                if best is None or len(mine) > len(best[2]):
                    best = (name, role, mine)
        if best is None:
            return []
        name, role, ids = best
        work, aspect = ("performance", "acting") if role == "actor" else ("direction", "direction")
        return [_Phrase(f"{name}'s {work}", "np", set(ids), aspect, work)]

    def judgements(self, sign: int, limit: int = 2) -> list[_Phrase]:
        words = [(len(ids), w, ids) for w, ids in self.reading.judgements[sign].items() if len(ids) >= self.need]
        words.sort(key=lambda x: (-x[0], x[1]))
        top = words[0][0] if words else 0
        # Telling words first, as long as critics use them at least half as often as the top one.
        words.sort(key=lambda x: (x[1] in GENERIC or 2 * x[0] < top, -x[0], x[1]))
        picked = []
        for n, w, ids in words:
            if w in GENERIC and any(p.text in GENERIC for p in picked):
                continue  # "good, great" says nothing twice
            if any(w in family and p.text in family for family in SAID_BY_KIND.values() for p in picked):
                continue  # "funny and hilarious" says one thing twice
            picked.append(_Phrase(w, "adj", set(ids)))
            if len(picked) == limit:
                break
        return picked

    def clause(self, text: str, phrases: list[_Phrase], sign: int) -> "Clause":
        # A clause of verdicts alone ("Most critics recommend …") cites those verdicts.
        ids = set().union(*(p.ids for p in phrases)) if phrases else self.reading.verdicts[sign]
        side = "praise" if sign > 0 else "fault"
        if phrases:
            why = f"{side}: " + "; ".join(
                f"“{p.text}” from {len(p.ids)} review{'s' if len(p.ids) != 1 else ''}" for p in phrases)
        else:
            why = f"{side}: no aspect or word shared by {self.need} reviews; the verdicts themselves ({len(ids)})"
        return Clause(text, self.cited(ids, phrases, sign), "positive" if sign > 0 else "negative",
                      sorted({p.aspect for p in phrases if p.aspect}), why)

    def cited(self, ids: set[int], phrases: list[_Phrase], sign: int) -> list[int]:
        """The reviews a clause cites: those that say most of it (the most of its phrases) and
        whose own verdict is the clause's side, at most MAX_CITED; in id order."""
        agree = self.reading.verdicts[sign]
        ranked = sorted(ids, key=lambda i: (-sum(i in p.ids for p in phrases), i not in agree, i))
        return sorted(ranked[:MAX_CITED])

    def describe(self, sign: int) -> tuple[str, list[_Phrase]] | None:
        """"<title> is a witty, visually striking comedy" / "… is dull and predictable"."""
        adjs = self.judgements(sign) + [p for p in self.phrases[sign] if p.kind == "adj"][:1]
        if not adjs:
            return None
        kind = self.kind
        said = SAID_BY_KIND.get(kind, set())
        if any(p.text in said for p in adjs):
            # "a funny comedy" says "comedy" twice: keep the other words, else call it a film.
            rest = [p for p in adjs if p.text not in said]
            if rest:
                adjs = rest
            else:
                kind = "film"
        words = [p.text for p in adjs]
        if len(words) == 1 or kind != "film":
            lead = f"{_article(words[0])} {', '.join(words)} {kind}"
        else:
            lead = _join(words)
        return f"{self.title} is {lead}", adjs

    def nouns(self, sign: int, own: bool = True) -> tuple[str, list[_Phrase]] | None:
        """The aspects as noun phrases: "its thin plot and flat characters" (own) or
        "a clever script and dazzling effects"."""
        person = self.person(sign)
        # A named lead says "acting" better than "its performances": one phrase per aspect.
        named = {q.aspect for q in person}
        nps = [p for p in self.phrases[sign] if p.kind == "np" and p.aspect not in named] + person
        if not nps:
            return None
        if own:
            return "its " + _join([p.text for p in nps]), nps
        return _join([p.with_determiner() for p in nps]), nps

    def write(self, tone: str) -> list[Clause]:
        lead_sign = -1 if tone == "negative" else 1
        other = -lead_sign
        out: list[Clause] = []
        described = self.describe(lead_sign)
        if tone == "negative":
            faults = self.nouns(-1)
            if described:
                out.append(self.clause(described[0], described[1], -1))
                if faults:
                    out.append(self.clause(f"undone by {faults[0]}", faults[1], -1))
            elif faults:
                out.append(self.clause(f"{self.title} is undone by {faults[0]}", faults[1], -1))
            else:
                out.append(self.clause(f"Most critics do not recommend {self.title}", [], -1))
            praise = self.nouns(1)
            if praise and self._notable(praise[1]):
                out.append(self.clause(f"despite {praise[0]}", praise[1], 1))
            return out
        lead_nouns = self.nouns(lead_sign, own=False)
        if described:
            out.append(self.clause(described[0], described[1], 1))
            if lead_nouns:
                out.append(self.clause(f"with {lead_nouns[0]}", lead_nouns[1], 1))
        elif lead_nouns:
            out.append(self.clause(f"{self.title} impresses with {lead_nouns[0]}", lead_nouns[1], 1))
        elif tone == "mixed":
            out.append(self.clause(f"Critics are divided on {self.title}", [], 1))
            # Nothing on the praise side to weigh: the other side is what some critics say.
            faults = self.nouns(other)
            plain = None if faults else self.describe_plain(other)
            if faults:
                out.append(self.clause(f"; some fault {faults[0]}", faults[1], other))
            elif plain:
                out.append(self.clause(f"; some find it {plain[0]}", plain[1], other))
            return out
        else:
            out.append(self.clause(f"Most critics recommend {self.title}", [], 1))
        faults = self.nouns(other)
        if tone == "mixed":
            if faults:
                verb = "let" if len(faults[1]) > 1 or _plural(faults[1][0].text) else "lets"
                out.append(self.clause(f"but {faults[0]} {verb} it down", faults[1], other))
            else:
                plain = self.describe_plain(other)
                if plain:
                    out.append(self.clause(f"but it is also {plain[0]}", plain[1], other))
        elif faults and self._notable(faults[1]):
            out.append(self.clause(f"though some critics fault {faults[0]}", faults[1], other))
        return out

    def describe_plain(self, sign: int) -> tuple[str, list[_Phrase]] | None:
        adjs = self.judgements(sign)
        return (_join([p.text for p in adjs]), adjs) if adjs else None

    def _notable(self, phrases: list[_Phrase]) -> bool:
        """A counterpoint is worth a clause when at least 15% of the quoted reviews make it."""
        ids = set().union(*(p.ids for p in phrases))
        return len(ids) >= max(self.need, 0.15 * self.reading.quotes)

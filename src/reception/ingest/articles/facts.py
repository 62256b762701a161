"""A film's facts as an article states them: its year, its people (directors, writers,
producers, cast), its companies (studio, distributor) and its release events, from the lead's
sentences ("X is a 1982 American film directed by … and starring …"), the release sections,
and, where the article has one, the infobox."""

from __future__ import annotations

import re

from .dates import DATE_TEXT, DAY_MONTH, MONTH_NAME, parse_article_date
from .names import PERSON, is_outlet, looks_like_person

# A company's name: title-case words, with "Bros.", digits ("20th Century Fox"), "&" and joiners.
COMPANY = r"(?:[A-Z0-9][\w&.'’-]*)(?:\s+(?:of|and|the|de|&|[A-Z0-9][\w&.'’-]*))*(?:\s+Bros\.)?"
COMPANY_WORDS = re.compile(r"\b(?:Pictures|Studios?|Productions?|Films?|Entertainment|Media|Company|Corporation|"
                           r"Corp\.?|Inc\.?|Ltd\.?|LLC|Releasing|Distribution|Distributors?|Group|Bros\.?|Features|"
                           r"Classics|Animation|Television|Cinema|Cinemas|Artists|Organization|Organisation|"
                           r"Theatres|Theaters|Video)\b")
ROLES = [
    (re.compile(r"\b(?:co-?)?directed\b|\bhelmed\b", re.I), "director"),
    (re.compile(r"\b(?:co-?)?written|\bscreenplay|\bscripted\b|\badapted\b|\bre-?written\b|\brevised\b", re.I),
     "writer"),
    (re.compile(r"\b(?:co-?)?produced\b", re.I), "producer"),
]
HOME_VIDEO = re.compile(r"\b(?:VHS|DVD|Blu-?[Rr]ay|LaserDisc|Laserdisc|Ultra HD|UHD|4K Ultra|home video|home media|"
                        r"digital (?:download|HD|release)|streaming|video on demand|VOD|Betamax|Video CD|VCD)\b")
RESTORED = re.compile(r"\b(?:restor\w*|remaster\w*)\b", re.I)
RERELEASED = re.compile(r"\b(?:re-?releas\w*|reissu\w*|re-?screen\w*|released again|"
                        r"returned to (?:theaters|theatres|cinemas))\b", re.I)
FESTIVAL = re.compile(rf"\b(?:at|during)\s+(?:the\s+)?((?:\d{{4}}\s+)?{COMPANY}\s+(?:International\s+)?Film\s+Festival"
                      rf"|(?:\d{{4}}\s+)?{COMPANY}\s+Festival)\b")
# The title a new version is released under: "entitled One From the Heart: Reprise".
RELEASE_TITLE = re.compile(r"\b(?:entitled|titled|subtitled|retitled|called)\s+[\"“]?([A-Z0-9][\w'’-]*(?:\s+(?:[a-z]{1,4}\s+)"
                           r"*?[A-Z0-9][\w'’-]*)*(?::\s+[A-Z0-9][\w'’-]*(?:\s+[A-Z0-9][\w'’-]*)*)?)")
FORMATS = re.compile(r"\b(4K|8K|2K|IMAX|70\s?mm|35\s?mm|Blu-?[Rr]ay|DVD|VHS|LaserDisc|3D)\b")


def people(text: str, characters: bool = False) -> list:
    """'A, B and C' → [A, B, C]: the names of a list, whole ("John Q. Doe", "Guillermo del Toro").
    An item may name its part ("Adam West as Batman", "Ben Whishaw as the voice of Paddington")
    or describe its person first ("Wood's then-girlfriend Dolores Fuller"); with `characters`,
    each name comes as (name, character). The list ends at the first item naming nobody."""
    out = []
    for part in re.split(r"\s*,\s*(?:and\s+|with\s+)?|\s+(?:and|with|&)\s+|\s*;\s*", text.strip().rstrip(".,")):
        part = re.sub(r"\s*\([^)]*\)", "", part.strip())
        item = re.match(rf"(?:(?:[\w'’-]+\s+){{0,3}}?(?:[\w-]+['’]s\s+|his\s+|her\s+|their\s+)"
                        rf"(?:[a-z][\w-]*\s+){{1,2}}|{_TRADE})?({PERSON})(?:\s+(?:as|playing)\s+(.+))?$", part)
        name = item.group(1).strip() if item else ""
        if not item or not 1 <= len(name.split()) <= 5 or name in ("The", "It", "A", "An"):
            if out:
                break  # the list has ended
            continue
        character = character_of(item.group(2) or "")
        out.append((name, character) if characters else name)
    return out


def character_of(text: str) -> str:
    """'Robin', 'the voice of Paddington', 'Catwoman, the …' → the part's name, or ''."""
    text = re.sub(r"^(?:the\s+)?(?:voice|role)s?\s+of\s+", "", text.strip())
    match = re.match(r"(?:the\s+)?[\"“]?([A-Z][\w.'’-]*(?:\s+[\"“]?[A-Z][\w.'’”\"-]*)*)", text)
    return match.group(1).strip('"“”') if match else ""


def lead_year(sentence: str) -> int | None:
    """The year a lead gives the film: "X is a 1988 American dark comedy film …"."""
    match = re.search(r"\b(?:is|was)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(\d{4})\s+(?:[\w'’-]+\s+){0,8}?"
                      r"(?:film|movie|documentary|picture|feature|drama|comedy|musical|thriller|western|animation|"
                      r"anime|short|serial|docudrama|miniseries)\b", sentence)
    if match:
        return int(match.group(1))
    return None


def lead_companies(sentence: str, ents) -> list[str]:
    """Companies a lead names before the film's kind: "a 2016 BBC documentary", "a 1995 Pixar
    animated film". `ents`: (label, text) of the sentence's entities."""
    match = re.search(r"\b(?:is|was)\s+an?\s+(?:[\w-]+\s+){0,2}?\d{4}\s+(.+?)\s+(?:film|movie|documentary)\b", sentence)
    if not match:
        return []
    orgs = {t for label, t in ents if label == "ORG"}
    return [name for name in re.findall(r"[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)*", match.group(1))
            if name in orgs and (_acronym(name) or COMPANY_WORDS.search(name))]


def genre_of(sentence: str, ents) -> str:
    match = re.search(r"\b(?:is|was)\s+an?\s+(?:[\w-]+\s+){0,2}?\d{4}\s+(.+?)\s+(?:film|movie)\b", sentence)
    if not match:
        return ""
    norp = {t for label, t, *_ in ents if label in ("NORP", "LANGUAGE", "GPE")}
    words = [w for w in match.group(1).split() if w not in norp and not w[0].isupper() and w not in ("-", "and")]
    return " ".join(words)


_ROLE_WORD = r"(?i:(?:co-?)?(?:written|directed|produced|scripted|adapted|edited|narrated|created|developed|helmed|" \
             r"photographed|shot|scored|re-?written|revised))"
_STARRING = r"(?:[Ss]tarring|stars|co-?stars|starred|[Ff]eaturing|features|featured)"
_VOICES = r"(?:(?:the\s+)?(?:voices?|voice\s+talents?|talents?)\s+of\s+)?"
# A list item may give its person's part in the making first: "writer David Veloz", "associate
# producer Jane Roe".
_TRADE = r"(?:(?:associate|executive|co-?)?\s*(?:writer|screenwriter|producer|director|novelist|author|playwright|" \
         r"filmmaker|cinematographer|composer|editor)\s+)"
# The list after a verb: names joined by commas, "and", "with" (lead's lists run long).
_LIST = rf"({PERSON}(?:(?:\s*,\s*(?:and\s+|with\s+)?|\s+(?:and|with|&)\s+)(?:[\w'’-]+['’]s\s+[\w-]+\s+|{_TRADE})?{PERSON}" \
        rf"(?:\s+(?:as|playing)\s+(?:the\s+(?:voice|role)\s+of\s+)?[\"“]?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*[\"”]?)?" \
        rf"|\s+(?:as|playing)\s+(?:the\s+(?:voice|role)\s+of\s+)?[\"“]?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*[\"”]?)*)"


def credits_in(sentence: str) -> list[tuple]:
    """(name, role, character) of the film's people a sentence states."""
    out = []
    for match in re.finditer(rf"\b({_ROLE_WORD}(?:\s*,?\s*(?:and\s+)?{_ROLE_WORD})*)\s+(?:by\s+)?"
                             rf"(?:(?:and\s+)?({_STARRING})\s+)?(?:by\s+)?"
                             rf"(?:(?:the\s+)?(?:filmmaker|director|writer|screenwriter|producer|novelist|playwright|"
                             rf"duo|team)s?\s+)?{_LIST}", sentence):
        if " by" not in sentence[match.start():match.start(3)] and not match.group(2):
            continue  # "written X" names nobody
        for name in people(match.group(3)):
            if is_outlet(name) or COMPANY_WORDS.search(name):
                continue
            for pattern, role in ROLES:
                if pattern.search(match.group(1)):
                    out.append((name, role, ""))
            if match.group(2):
                out.append((name, "actor", ""))
    for match in re.finditer(rf"\b(?:from\s+a\s+|with\s+a\s+|the\s+)?screenplay\s+(?:written\s+)?by\s+{_LIST}",
                             sentence):
        out += [(name, "writer", "") for name in people(match.group(1))]
    for match in re.finditer(rf"\bbased on\s+(?:the\s+|a\s+|an\s+)?(?:[\w'’ -]+?\s+)?(?:novel|book|play|story|"
                             rf"short story|novella|memoir|comic|manga|article|musical|series)\s+(?:[\w'’ ]+?\s+)?"
                             rf"by\s+{_LIST}", sentence):
        out += [(name, "writer", "") for name in people(match.group(1))]
    for match in re.finditer(rf"\b(?:(?:[Ii]t|[Tt]he film|[Tt]he movie)\s+)?{_STARRING}\s+{_VOICES}{_LIST}", sentence):
        out += [(name, "actor", part) for name, part in people(match.group(1), characters=True)]
    for match in re.finditer(rf"\bwith\s+{_LIST}\s+in\s+(?:[\w-]+\s+)?roles?\b", sentence):
        out += [(name, "actor", "") for name in people(match.group(1))]
    # "with Michael Keaton reprising the role of …", "Andie MacDowell stars as …",
    # "The supporting cast includes Slim Pickens, Alex Karras and …"
    for match in re.finditer(rf"\bwith\s+({PERSON})\s+(?:reprising|playing|portraying|voicing)\b|"
                             rf"({PERSON})\s+(?:also\s+)?(?:(?:co-?)?stars?\s+as|plays\s+the\s+(?:title\s+)?role\s+of)\b"
                             rf"|\bto\s+(?:star|feature|co-?star)\s+({PERSON})", sentence):
        out.append(((match.group(1) or match.group(2) or match.group(3)).strip(), "actor", ""))
    # "the first of several films by screenwriter Richard Curtis"
    for match in re.finditer(rf"\b(?:films?|movies?|pictures?)\s+by\s+(?:the\s+)?screenwriters?\s+({PERSON})", sentence):
        out.append((match.group(1), "writer", ""))
    for match in re.finditer(rf"\b(?:supporting\s+|main\s+|principal\s+)?cast\s+(?:also\s+)?(?:includes|included|"
                             rf"features|featured|comprises|consists of)\s+{_LIST}", sentence):
        out += [(name, "actor", "") for name in people(match.group(1))]
    for match in re.finditer(rf"\b(?:directorial\s+debut\s+of|a\s+film\s+by|(?:documentary|film|movie|picture)\s+by\s+"
                             rf"(?:(?:[\w-]+\s+){{0,2}}?(?:filmmaker|director|documentarian)\s+)?)({PERSON})", sentence):
        if not COMPANY_WORDS.search(match.group(1)) and not is_outlet(match.group(1)):
            out.append((match.group(1), "director", ""))
    for match in re.finditer(rf"({PERSON})['’]s?\s+(?:directorial|feature)\s+debut", sentence):
        out.append((match.group(1), "director", ""))
    return [(name, role, part) for name, role, part in out
            if len(name) > 2 and not re.fullmatch(r"(?:The|It|A|An)", name)]


_COMPANIES = rf"({COMPANY}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){COMPANY})*)"
# Verbs and nouns that say which part a company had, and how sure the pattern is that the name
# after them is a company's (a distributor "distributed by" anyone is one; a "film by" is not).
_STUDIO_BY = r"(?:[Pp]roduced|[Mm]ade|[Ff]inanced|[Cc]o-?produced|[Aa]nimated|[Dd]eveloped)"
_DISTRIBUTOR_BY = r"(?:[Dd]istributed|[Rr]eleased|[Hh]andled|[Aa]cquired|[Ss]upplied|[Pp]rovided)"


def companies_in(sentence: str) -> list[tuple[str, str, str]]:
    """(name, role, region) of the film's companies a sentence states: a studio that produced it,
    a distributor that released or distributed it ("distributed in North America by Miramax",
    "Trident Arts distributed the film", "a limited release via Zebra Releasing Corporation",
    "handling distribution"). A list ("Heyday Films and StudioCanal UK") gives each company."""
    text = re.sub(r"\s+\([A-Z][A-Za-z]{1,6}\)", "", sentence)  # "Metro-Goldwyn-Mayer (MGM)": the name once
    out = []

    def add(names: str, role: str, region: str = "", sure: bool = True):
        listed = _split_companies(names)
        # One name of a list that reads as a company's vouches for the others ("Heyday Films and StudioCanal UK").
        if sure or any(COMPANY_WORDS.search(name) or _acronym(name) for name in listed):
            out.extend((name, role, _company(region)) for name in listed)

    region = rf"(?:\s+(?:in|for)\s+(?:the\s+)?({COMPANY}))?"
    for match in re.finditer(rf"\b{_STUDIO_BY}\s+(?:[\w-]+\s+){{0,3}}?by\s+{_COMPANIES}", text):
        add(match.group(1), "studio", sure=False)
    for match in re.finditer(rf"\b(?:production\s+compan(?:y|ies)|studio|banner)\s+{_COMPANIES}", text):
        add(match.group(1), "studio", sure=False)
    # Up to eight words between: "released in the United States on January 19, 2018 by …".
    for match in re.finditer(rf"\b{_DISTRIBUTOR_BY}\s+(?:(?![a-z][\w-]*(?:ed|ing)\b)[\w.-]+,?\s+){{0,8}}?(?:by|via|through)\s+{_COMPANIES}{region}",
                             text):
        # "distributed by" anyone, "released by" anything but a person's full name, names a
        # distributor (a single word is a company's: "released by Universal").
        first = re.split(r"\s*,\s*|\s+and\s+", match.group(1))[0]  # as written: "The Criterion Collection"
        sure = bool(re.match(r"[Dd]istributed", match.group())) or (
            bool(re.match(r"[Rr]eleased", match.group())) and not (looks_like_person(first) and len(first.split()) > 1))
        add(match.group(1), "distributor", match.group(2) or "", sure=sure)
    # A list of releases, each dated and credited: "released on VHS in 1985 by Playhouse Video,
    # in 1989 by CBS/Fox Video, and in 1994 by Fox Video".
    if re.search(r"\b(?:released|distributed|issued|release)\b", text):
        for match in re.finditer(rf"\b(?:in|on)\s+{DATE_TEXT.pattern}\s+by\s+({COMPANY})", text):
            name = match.group(1)
            add(name, "distributor", sure=not (looks_like_person(name) and len(name.split()) > 1))
    for match in re.finditer(rf"\b(?:release|distribution|distributor)\s+(?:[\w.-]+\s+){{0,5}}?(?:by|via|through|to)\s+"
                             rf"{_COMPANIES}", text):
        add(match.group(1), "distributor", sure=match.group().startswith("distribut"))
    for match in re.finditer(rf"{_COMPANIES}\s+(?:handled|handling|handles|acquired|took|holds?|had|supplied|"
                             rf"distributed|released)\s+(?:the\s+|its\s+|an?\s+)?(?:[\w'’-]+\s+){{0,2}}?(?:distribution|"
                             rf"film|movie|picture|it|cut|version|edition)\b{region}", text):
        add(match.group(1), "distributor", match.group(2) or "", sure="distribut" in match.group())
    for match in re.finditer(rf"{_COMPANIES}(?:,[^,]{{1,120}},)?\s+(?:acquired|bought|picked up|secured|obtained|"
                             rf"became|was|is)\s+(?:the\s+)?(?:film's\s+)?(?:[\w.-]+\s+){{0,3}}?(?:distribution|"
                             rf"release)\s+rights{region}", text):
        add(match.group(1), "distributor", match.group(2) or "", sure=True)
    for match in re.finditer(rf"\b(?:original\s+|theatrical\s+|original\s+theatrical\s+)?distributor,?\s+"
                             rf"(?:the\s+)?{_COMPANIES}", text):
        add(match.group(1), "distributor", sure=False)
    for match in re.finditer(rf"\b({COMPANY}\s+(?:Studios|Studio|Pictures|Productions|Films|Entertainment))\s+"
                             r"(?:production|film|presentation)\b", text):
        add(match.group(1), "studio")
    # "Magnolia Pictures became the U.S. distributor", "United Artists, (the European distributor)"
    for match in re.finditer(rf"{_COMPANIES}(?:\s+(?:became|was|is|remained)\s+|,?\s*\(|,\s+)(?:the|its)\s+(?:film's\s+)?"
                             rf"(?:[\w.-]+\s+){{0,2}}?distributor\b", text):
        name = re.sub(r"^(?:With|And|But|While|However|Then)\s+", "", match.group(1))
        add(name, "distributor", sure=not looks_like_person(name) or bool(COMPANY_WORDS.search(name)))
    # "bought the rights through his Zoetrope Studios"
    for match in re.finditer(rf"\bthrough\s+(?:his|her|their|its|the)\s+(?:own\s+)?(?:company\s+)?({COMPANY})", text):
        add(match.group(1), "studio", sure=False)
    # "with MGM remaining as a distributor for North America"
    for match in re.finditer(rf"\b({COMPANY})\s+(?:remaining|remained|remains|serving|served|acting|acted|stayed|"
                             rf"stays|signed on|came on(?:board)?)?\s*as\s+(?:a|the|its)\s+(?:\w+\s+)?distributor"
                             rf"(?:\s+(?:for|in)\s+(?:the\s+)?({COMPANY}))?", text):
        name = re.sub(r"^(?:With|And|But|While)\s+", "", match.group(1)).split(" with ")[-1]
        add(name, "distributor", match.group(2) or "", sure=False)
    return [(name, role, region) for name, role, region in out
            if name and not _not_company(name) and not FORMATS.fullmatch(name) and not HOME_VIDEO.fullmatch(name)]


def _split_companies(names: str) -> list[str]:
    return [_company(n) for n in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+(?=[A-Z0-9])", names) if n.strip()]


def _not_company(name: str) -> bool:
    """Words a company pattern can catch that name none ("The", "It", a month, a place word)."""
    return bool(re.fullmatch(r"(?:The|It|A|An|This|His|Her|Their|Its|In|On|At|[A-Z][a-z]+day|[\d\s,.]+|"
                             r"January|February|March|April|May|June|July|August|September|October|November|"
                             r"December)", name)) or len(name) < 2 or \
        bool(re.match(r"(?:In|On|At|By|From|After|Before|During|Since|Until|When|While|Upon|As)\s", name))


def _acronym(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Z0-9]{2,6}", name.strip()))


def _company(name: str) -> str:
    name = re.sub(r"^.*['’]s\s+(?=[A-Z])", "", name.strip(" ,;:"))  # "Aluri Chakrapani's Vijaya Vauhini Studios"
    name = re.sub(r"^(?:the|The)\s+(?=[A-Z])", "", name)
    name = re.sub(r"\s+(?:in|and|on|for|of)$", "", name)
    # A full stop ends the sentence, unless it ends an abbreviation of the name ("Warner Bros.").
    return name if re.search(r"\b(?:Bros|Inc|Co|Corp|Ltd|Jr)\.$", name) else name.rstrip(".")


_LENDING = re.compile(r"\b(lend|lent|loan\w*|financ\w*|invest\w*|fund\w*|bankroll\w*)\b")


def financiers_in(sentence: str, ents) -> list[tuple[str, str]]:
    """(backer, note) where a sentence says who put money into the film ("Jack Singer, who agreed
    to lend $8 million to Zoetrope"): the person or company named last before the verb, with a
    sum the sentence gives. `ents`: (label, text, start, end) in the sentence."""
    verb = _LENDING.search(sentence)
    money = next(((text, start, end) for label, text, start, end in ents if label == "MONEY"), None)
    if not verb or not money:
        return []
    backers = [text for label, text, start, end in ents if label in ("PERSON", "ORG") and end <= verb.start()]
    if not backers:
        return []
    to = re.match(rf"\s*to\s+({COMPANY})", sentence[money[2]:])
    return [(backers[-1], f"{verb.group(1)} {money[0]}" + (f" to {_company(to.group(1))}" if to else ""))]


# What else gets released: a release whose subject is one of these is not the film's.
NOT_THE_FILM = re.compile(r"\b(?:trailers?|teasers?|(?:video\s+)?games?|advertisements?|adverts?|commercials?|"
                          r"soundtracks?|albums?|singles?|posters?|clips?|novels?|novelizations?|books?|comics?|"
                          r"toys?|apps?|featurettes?|spots?|songs?|tie-ins?|sequels?|prequels?|remakes?)\b", re.I)
# Where a sentence's releases part: ", and in America on …", "; ", ", with the Blu-ray edition
# released on …", and before each date of a list ("on 6 December in France, 7 December in …").
# A list of years ("in 1985 by Playhouse Video, in 1989 by CBS/Fox Video") parts before each,
# and so do "and again in 2003 …" and ", following with a DVD release in 1998".
_CLAUSES = re.compile(rf",?\s+(?:and|while|then)\s+(?=on\s|in\s|was\s|it\s|the\s|a\s|re-?releas|again\b)|;\s+|"
                      rf",\s+with\s+(?=the\s|a\s|an\s)|,\s+(?:and\s+)?(?=(?:on\s+)?(?:\d{{1,2}}\s+{MONTH_NAME}|"
                      rf"{MONTH_NAME}\s+\d))|,\s+(?:followed|following)\s+(?:by|with)\s+")
# "released on October 28, 1994 in the United States and released internationally in December":
# a second verb with a date of its own.
_AND_VERB = re.compile(r",?\s+and\s+(?:also\s+|later\s+|then\s+)?(?=(?:was\s+)?(?:screened|shown|premiered|released|"
                       r"opened)\b)")
_YEAR_LIST = re.compile(rf",\s+(?:and\s+)?(?=in\s+(?:{MONTH_NAME}\s+)?\d{{4}}\b)")
# A month the text dates by the year it last gave: "in December of the same year".
_MONTH_OF_THAT_YEAR = re.compile(rf"\b({MONTH_NAME})\s+(?:of\s+)?(?:the\s+same|that)\s+year\b")


def releases_in(sentence: str, ents, review_like: bool, year: int | None = None, strict: bool = False) -> list[dict]:
    """Release events a sentence states, each with its date (and precision) and its place:
    premieres, festival screenings, previews, theatrical and limited releases, re-releases,
    restorations, and home video. A sentence may hold several ("re-released on 8 August 2018
    in cinemas and on 10 September on Blu-ray"): each clause with its own date, the one after
    its verb first ("In June 2018, Arrow reported that it would be re-released on 8 August
    2018"), a day without a year taking the year of the clause before (or `year`, the last the
    text gave). A clause with a date and no verb of its own goes on with the one before ("on
    April 6, 2011 in France, and in America on July 17, 2012"). `strict`, for a sentence that
    is not about the release as such (under Legacy, or about takings): only a release dated
    right after its verb ("it was first shown in 1986") counts, never "when she died in 2003,
    68 years after the film's premiere"."""
    out = []
    inherited = ""
    for clause in _clauses(sentence):
        found = _kind(clause, review_like)
        dates = [m for m in DATE_TEXT.finditer(clause) if parse_article_date(m.group())]
        # A year that opens a name ("the 2018 Cannes Film Festival") dates nothing if a date does.
        named = [m for m in dates if re.fullmatch(r"\d{4}", m.group()) and re.match(r"\s+[A-Z]", clause[m.end():])]
        if len(named) < len(dates):
            dates = [m for m in dates if m not in named]
        if found is None and inherited and (dates or DAY_MONTH.search(clause)):
            found = (inherited, re.match("", clause))
        if found is not None and NOT_THE_FILM.search(clause[:found[1].start()]):
            found = None  # "A teaser was released on …": something else's release
        if found is None:
            year = _year_of(dates, year)
            continue
        kind, verb = found
        after = [m for m in dates if m.start() >= verb.start()]
        if (strict or _TAKINGS.search(clause)) and not _dated_here(clause, verb, review_like):
            continue
        if re.search(r"\b\w{3,}est\s+(?:[\w-]+\s+){0,3}$", clause[:verb.start()]):
            continue  # "the lowest Star Wars debut since 2002": a comparison, no event
        stated = (after[0] if after else dates[-1]).group() if dates else ""
        day = parse_article_date(stated) if stated else None
        if day is None and year:
            partial = next((m for m in DAY_MONTH.finditer(clause)), None)
            if partial:
                stated = partial.group()
                day = parse_article_date(f"{stated} {year}")
            month = _MONTH_OF_THAT_YEAR.search(clause)
            if day is None and month:
                stated = month.group()
                day = parse_article_date(f"{month.group(1)} {year}")
        if day is None:
            if kind == "home-video" and inherited:
                continue
            # Undated: a release somewhere ("in Italy"), a premiere or a preview at a place.
            if not (kind in ("theatrical", "premiere") and re.search(r"\bin\s+(?:the\s+)?[A-Z]", clause)) and \
                    not (kind in ("premiere", "preview") and _place(clause, ents, kind)):
                continue
        year = day[0].year if day else year
        event = {"kind": kind, "date": day[0] if day else None, "date_precision": day[1] if day else "day",
                 "stated": stated}
        place = _place(clause, ents, kind)
        festival = FESTIVAL.search(clause, 0 if kind == "premiere" else verb.start())
        if festival and kind in ("premiere", "theatrical"):
            # A festival's premiere or screening is its own kind of event.
            kind = event["kind"] = "festival"
            place = festival.group(1)
        if place:
            event["place" if kind in ("premiere", "festival", "preview") else "region"] = place
        fmt = FORMATS.search(clause)
        if fmt and kind in ("restoration", "re-release", "home-video"):
            event["format"] = fmt.group(1)
        title = RELEASE_TITLE.search(clause)
        if title and kind in ("restoration", "re-release", "home-video"):
            event["title"] = title.group(1)
        out.append(event)
        inherited = kind
        # A re-release or a disc of a restored version: the restoration is an event of its own.
        if kind in ("re-release", "home-video") and RESTORED.search(clause if kind == "home-video" else sentence) \
                and not any(e["kind"] == "restoration" for e in out):
            out.append({**event, "kind": "restoration"})
    return out


_TAKINGS = re.compile(r"\b(?:grossed|grossing|earned|earning|takings|box[- ]office|million)\b|[$£€¥]")


def _dated_here(clause: str, verb, review_like: bool) -> bool:
    """Is a release dated by its own words: the date soon after its verb ("first shown in
    1986", "released … on July 11"), or opening a clause that is not about critics ("On 30
    April 2004, it was re-released …")? Never a release in passing ("the year after the film
    was released", "the lowest debut since 2002", "to be released")."""
    date = DATE_TEXT.search(clause, verb.end()) or DAY_MONTH.search(clause, verb.end())
    if date and date.start() - verb.end() <= 60 and \
            not re.search(r"\b(?:since|until|than|before|after)\b", clause[verb.end():date.start()]):
        return True
    if re.search(r"\b(?:after|before|since|until|when|to(?:\s+be)?)\s+(?:[\w'’-]+\s+){0,3}$", clause[:verb.start()]):
        return False
    return not review_like and bool(re.match(rf"\s*(?:On|In)\s+{DATE_TEXT.pattern}", clause))


def _clauses(sentence: str) -> list[str]:
    """A sentence's clauses, a clause listing years parted before each ("in 1985 by Playhouse
    Video, in 1989 by CBS/Fox Video")."""
    out = []
    for clause in _CLAUSES.split(sentence):
        listed = sum(1 for m in DATE_TEXT.finditer(clause) if parse_article_date(m.group())) > 1
        for piece in _YEAR_LIST.split(clause) if listed else [clause]:
            parts = _AND_VERB.split(piece)
            # "remastered and released on DVD": a verb with no date of its own shares the clause.
            kept = [parts[0]]
            for part in parts[1:]:
                if DATE_TEXT.search(part) or DAY_MONTH.search(part) or _MONTH_OF_THAT_YEAR.search(part):
                    kept.append(part)
                else:
                    kept[-1] = f"{kept[-1]} and {part}"
            out += kept
    return out


def _year_of(dates, year):
    return parse_article_date(dates[-1].group())[0].year if dates else year


def _kind(clause: str, review_like: bool):
    """The kind of release a clause states, and the words that say so."""
    for pattern, kind in (
            (HOME_VIDEO, "home-video"), (RERELEASED, "re-release"), (RESTORED, "restoration"),
            (re.compile(r"\b(?:test screenings?|sneak previews?|preview\w*|screened for|(?:early|private|rough|test|"
                        r"work-?print)\s+(?:\w+\s+)?screenings?|screenings? of an? (?:\w+\s+){0,2}?"
                        r"(?:print|cut|version))\b", re.I), "preview"),
            (re.compile(r"\bpremiered?\b|\bworld premiere\b|\bdebut(?:ed)?\b|\bpremier\s+(?:showing|screening)\b"),
             "premiere"),
            (re.compile(r"\blimited release\b|\bselect(?:ed)? (?:theaters|theatres|cinemas)\b"), "limited")):
        match = pattern.search(clause)
        if match:
            return kind, match
    # "released", "shown", "screened", "a brief theatrical run", "the film's Italian release"
    match = re.search(r"\b(?:released|opened|releasing|shown|screened|(?:theatrical|wide|general|nationwide) "
                      r"(?:release|run))\b|\b(?:[A-Z][a-z]+\s+)?[A-Z][a-z]+(?:an|ese|ish|ch|i)\s+release\b(?!\s+date)|"
                      r"\b(?:a|an|its|the)\s+(?:[A-Z][\w.]*\s+){1,3}release\b(?!\s+date)", clause)
    if match and not review_like:
        return "theatrical", match
    return None


def _place(clause: str, ents, kind: str) -> str:
    festival = FESTIVAL.search(clause)
    if festival and kind in ("premiere", "festival", "preview"):
        return festival.group(1)
    found = [t for label, t, *_ in ents if label in ("GPE", "LOC", "FAC") and t in clause]
    if not found and kind in ("premiere", "preview"):
        # A showing's venue: "an early screening … that took place at USC".
        venue = re.search(r"\bat\s+(?:the\s+)?([A-Z][\w.'’-]*(?:\s+(?:of\s+)?[A-Z0-9][\w.'’-]*)*)", clause)
        return venue.group(1) if venue and not re.match(rf"{MONTH_NAME}|\w+day\b", venue.group(1)) else ""
    if not found:
        return ""
    first = found[0]
    # "San Francisco, California": neighbouring places joined as written.
    at = clause.find(first) + len(first)
    for other in found[1:]:
        spot = clause.find(other, at)
        if spot >= 0 and clause[at:spot] in (", ", ","):
            first, at = clause[clause.find(found[0]):spot + len(other)], spot + len(other)
    return first.removeprefix("the ")


def infobox_facts(infobox: dict[str, list[str]]) -> dict:
    """Credits, companies, releases and the runtime an infobox gives."""
    def field(*names):
        for name in names:
            if infobox.get(name):
                return infobox[name]
        return []

    credits = [(n, "director") for n in field("director", "directed by")]
    credits += [(n, "writer") for n in field("writer", "screenplay", "screenplay by", "written by", "story",
                                             "story by", "based on")]
    credits += [(n, "producer") for n in field("producer", "producers", "produced by")]
    credits += [(n, "actor") for n in field("starring")]
    credits = [(_person(n), role) for n, role in credits if _person(n)]
    companies = [(_company(n), "studio", "") for n in field("studio", "production company", "production companies")]
    companies += [(_company(n), "distributor", "") for n in field("distributor", "distributed by")]
    releases = []
    for line in field("released", "release date", "release dates", "release"):
        day = next((parse_article_date(m.group()) for m in DATE_TEXT.finditer(line)
                    if parse_article_date(m.group())), None)
        if day:
            place = re.search(r"\(([^)]*)\)", line)
            festival = bool(place) and "festival" in place.group(1).lower()
            releases.append({"kind": "festival" if festival else "theatrical", "date": day[0], "date_precision": day[1],
                             **({"place" if festival else "region": place.group(1).strip()} if place else {})})
    runtime = None
    for line in field("runtime", "running time"):
        minutes = re.search(r"(\d+)\s*min", line)
        if minutes:
            runtime = int(minutes.group(1))
            break
    return {"credits": credits, "companies": companies, "releases": releases, "runtime": runtime}


def _person(text: str) -> str:
    """An infobox item's person: the name without a note ("Jane Doe (uncredited)", "Story by")."""
    text = re.sub(r"\(.*?\)|\[.*?\]", "", text).strip(" ,;:")
    text = re.sub(r"^(?:Screenplay|Story|Written|Based on|Novel)\s+by\s+", "", text, flags=re.I)
    match = re.match(PERSON, text)
    return match.group().strip() if match and len(match.group()) > 2 else ""

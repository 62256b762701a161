"""Critics' reviews as an article reports them.

A review is anchored on a sentence where someone reviews: a verb of reviewing ("wrote",
"called", "praised", "gave … stars", "ranked … on its list") whose subject is a critic ("Owen
Gleiberman of Variety", "IndieWire critic Eric Kohn", "The New Yorker's Anthony Lane"), a
publication ("Variety described it as …", "Empire magazine praised …", "A reviewer from
Sify …"), or, for a list or a poll, the film ranked on a publication's list ("it was ranked
number 5 on the Entertainment Weekly list"). The dependency parse says who the subject is;
patterns around the name say where they wrote ("writing for Sight & Sound", "in his review for
Firstpost", "In The Village Voice, …").

What follows an anchor, up to the next one in its paragraph, is its review: a sentence whose
subject is "he", "she" or the critic's surname adds to it, and its quoted words are the
critic's. The verdict is left to those words (the text model reads them); without any, the
article's framing decides ("praised" positive, "panned" negative, a list or a poll positive),
and a mixed framing ("but", "mixed") marks the review for an editor. Where the article states
the review's verdict itself ("gave the film a negative review", "wrote in a favourable
review"), that is the review's label, as a source's Fresh or Rotten is, even beside a quote. A rating the text states
("gave the film 2.5 out of 4 stars", "a B-") becomes the review's rating; a critic who changed
their mind ("originally rated it two stars, but later …") gives two reviews. A year the text
gives the review ("In 2005, …", "in a 2002 review", "Empire's 2008 list") dates it; a review of
the film's first release ("upon its release", "at the time") is dated to the film's year by that
rule and marked inferred; any other stays undated. An outlet the text does not state is never
filled in. Aggregators' figures (Rotten Tomatoes, Metacritic, CinemaScore) are published
scores, never reviews (`aggregates`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .names import (
    AGGREGATORS, NOT_CRITICS, PERSON, clean_outlet, fold, is_aggregator, is_known_outlet, is_outlet, looks_like_person,
    surname,
)

VERBS = set("""
wrote write writes writing said say says saying called call calls calling described describe describes describing
praised praise praises praising panned pan pans criticized criticised criticizes criticises criticizing criticising
dismissed dismisses dismissing stated state states stating noted note notes noting argued argue argues arguing
gave give gives giving awarded awards awarding rated rates rating found finds finding felt feels considered
considers thought believed believes labelled labeled labels termed terms hailed hails hailing compared compares
commented comments commenting claimed claims declared declares opined opines opining highlighted highlights
agreed agrees reflected reflects concluded concludes concluding referred refers characterized characterised
characterizing admitted admits added adds adding complained complains lauded lauds applauded applauds commended
commends recommended recommends deemed deems summed judged judges observed observes remarked remarks reviewed
reviews suggested suggests named names ranked ranks listed lists placed places voted votes included includes
inducted selected chose choose dubbed dubs likened likens enjoyed enjoys liked likes loved loves disliked
dislikes hated hates wrote derided derides savaged slammed blasted attacked welcomed welcomes celebrated
championed defended acclaimed extolled rated reckoned asserted asserts explained explains insisted insists
called expressed expresses criticised disapproved approved cited cites picked singled
""".split())
RANKING = {"ranked", "ranks", "listed", "lists", "named", "names", "placed", "places", "voted", "votes", "included",
           "includes", "inducted", "selected", "chose", "picked", "added", "featured", "cited", "ranking"}
SUBJECTS = ("nsubj", "nsubjpass")
POSITIVE = re.compile(
    r"\b(?:prais\w*|positive(?:ly)? review\w*|positive|favou?rabl[ey]|acclaim\w*|hail\w*|laud\w*|applaud\w*|"
    r"commend\w*|recommend\w*|glowing|enthusias\w*|admir\w*|enjoy\w*|lov(?:ed|es)|liked|celebrat\w*|champion\w*|"
    r"best|greatest|all-time great|great (?:film|movie|picture)s?|classic|masterpiece|triumph|rave\w*|welcom\w*|"
    r"extoll\w*)\b", re.I)
NEGATIVE = re.compile(
    r"\b(?:critici[sz]\w*|pann\w*|negative(?:ly)? review\w*|negative|dismiss\w*|dislik\w*|disappoint\w*|"
    r"unfavou?rabl[ey]|scathing|worst|tedious|dull|hat(?:ed|es)|derid\w*|savag\w*|slamm\w*|blast\w*|attack\w*|"
    r"disapprov\w*|boring|pointless|poor(?:ly)?|weak)\b", re.I)
MIXED = re.compile(r"\b(?:mixed|but|however|although|though|while|less scathing|reservations|on the other hand|"
                   r"yet|despite|conversely|lukewarm|ambivalent|before becoming|then again)\b", re.I)
CONTEMPORARY = re.compile(r"\b(?:upon|on|at the time of) (?:its|the film's|the movie's)?\s*(?:initial |original |first )?"
                          r"(?:release|premiere|debut)\b|\bat the time\b|\bcontemporary (?:review|critic)\w*|"
                          r"\b(?:initial|original|early|first) (?:review|reception|critic)\w*", re.I)
CHANGED = re.compile(r"\b(?:originally|initially|at first)\b.*?\b(?:later|subsequently|since then|revised|"
                     r"reversed|increased|upgraded|lowered|downgraded|changed|raised)\b", re.I)
REVERSAL = re.compile(r"\b(?:reversed|revised|changed|reconsidered|re-?evaluated|recanted)\b[^.]*\b(?:opinion|view|"
                      r"verdict|assessment|mind|rating|review)\b|\blater (?:increased|upgraded|raised|lowered|"
                      r"downgraded|revised)\b", re.I)
_COUNT = r"(\d+(?:\.\d+)?|zero|one|two|three|four|five|six|seven|eight|nine|ten)"
_HALF = r"(?:[\s-]+and[\s-]+a[\s-]+half|½|\.5|\s+1/2)?"
STARS = re.compile(
    rf"\b{_COUNT}({_HALF})[\s-]*(?:stars?)?\s*(?:out\s+of|of|/)\s*{_COUNT}(?:\s*stars?)?|"
    rf"\b{_COUNT}({_HALF})[\s-]*stars?\b", re.I)
GRADE = re.compile(r"(?:\b(?:an?|the)\s+|grade\s+(?:of\s+)?)[\"'‘“]?([A-F][+\-−]?)[\"'’”]?(?=[\s,.;]|$)(?:\s+(?:grade|rating))?")
RATING_VERB = re.compile(r"\b(?:gave|give|gives|giving|awarded|awarding|awards|rated|rates|rating|scored)\b", re.I)
# The article states the review's verdict: "gave the film a negative review", "wrote in a
# favourable review" (never "a more negative review": a comparison with others).
STATED = re.compile(r"\b(?:gave|give|gives|giving|wrote|writes|writing|published|publishing|filed|offered)\s+"
                    r"(?:(?:the\s+)?(?:film|movie|picture)\s+|it\s+|in\s+)?an?\s+(?:(?:very|highly|largely|generally|"
                    r"mostly|overwhelmingly|strongly|decidedly|wholly)\s+)?(positive|favou?rable|glowing|rave|negative|"
                    r"unfavou?rable|scathing)\s+review", re.I)
THUMBS = re.compile(r"\bthumbs?[\s-]+(up|down)\b", re.I)
CONTRAST = re.compile(r"\b(?:but|however|although|though|yet|then again|on the other hand|nevertheless|nonetheless|"
                      r"even so|at the same time|despite|in spite of)\b", re.I)
HOME_MEDIA = re.compile(r"\b(?:home media|home video|DVD|Blu-ray|video release|Laserdisc|VHS)\b", re.I)
GENERIC = {"Film", "Films", "Review", "Reviews", "Cinema", "Movie", "Movies", "Magazine", "Edition", "Press", "News"}
NOT_A_REVIEW = re.compile(r"\b(?:influenc\w*|inspir\w*|favou?rites?|homage|paid tribute)\b", re.I)
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass
class Review:
    critic: str
    outlet: str
    start: int  # the anchor's span in its paragraph
    end: int
    sentence: str
    paragraph: int
    year: int | None = None
    year_inferred: bool = False
    rating: str = ""
    label: str = ""  # the article's framing, where no quote gives the critic's words
    stated: str = ""  # the verdict the article states the review gave ("a negative review")
    mixed: bool = False
    quotes: list[str] = field(default_factory=list)
    ranking: bool = False

    @property
    def quote(self) -> str:
        # A word or two in quotes ("almost" as good as …) is the article's phrasing, not a verdict
        # to read; but two words are the critic's verdict where the article gives no framing of
        # its own ("wrote in NOW that it was "compulsively watchable"").
        quoted = [q.strip() for q in self.quotes if q.strip()]
        words = sum(len(q.split()) for q in quoted)
        return " … ".join(quoted) if words >= 3 or (words == 2 and not self.label) else ""

    @property
    def for_an_editor(self) -> bool:
        """Praise and a "but", in the article's words or the critic's. A rating that decides
        clears the mark (catalog.decisions.marked); one where critics split (2.5/4) keeps it."""
        return self.mixed or bool(CONTRAST.search(self.quote))


# --- quotes --------------------------------------------------------------------------------

def quote_spans(text: str) -> list[tuple[int, int]]:
    """The quoted passages of a paragraph: "…" and “…”; a quote left open runs to the end of
    its sentence where another plainly opens after it (a space before the mark, a word after:
    'as "a first-rate thriller. Todd McCarthy … commenting "The yarn …'), else to the end."""
    spans, opened = [], None
    for match in re.finditer(r'["“”]', text):
        mark, at = match.group(), match.start()
        if opened is None:
            if mark == "”":
                continue
            opened = at
        elif mark == '"' and at > 0 and text[at - 1].isspace() and text[at + 1:at + 2].isalnum():
            stop = [m.end() for m in re.finditer(r"[.!?](?=\s)", text[opened:at])]
            spans.append((opened + 1, opened + stop[-1] if stop else at))
            opened = at
        elif mark in '"”':
            spans.append((opened + 1, at))
            opened = None
    if opened is not None:
        spans.append((opened + 1, len(text)))
    return [(a, b) for a, b in spans if b - a > 1]


def _unquoted(text: str) -> str:
    """The sentence without its quoted words (the article's own words)."""
    return re.sub(r'["“][^"”]*(?:["”]|$)', " ", text)


# --- ratings -------------------------------------------------------------------------------

def rating_in(text: str) -> str:
    """A rating the article states ("gave the film 2.5 out of 4 stars", "three stars", "a B-",
    "thumbs up"), in the text's own words (the rating table reads them), or ''."""
    # A grade is often quoted ('gave the film an "A-"'): it is the rating, not the critic's words.
    own = _unquoted(re.sub(r'["“]([A-F][+\-−]?)["”]', r"\1", text))
    thumbs = THUMBS.search(own)
    if thumbs:
        return f"thumbs {thumbs.group(1).lower()}"
    verb = RATING_VERB.search(own)
    if not verb:
        return ""
    after = own[verb.start():]
    stars = STARS.search(after)
    grade = GRADE.search(after[:60])
    if stars and (not grade or stars.start() < grade.start()):
        return stars.group().strip()
    if grade:
        return grade.group(1).replace("−", "-")
    return ""


# --- who reviews ---------------------------------------------------------------------------

@dataclass
class Mention:
    critic: str
    outlet: str
    at: int  # where in the paragraph the reviewer is named
    pronoun: bool = False


_ROLE = r"(?:film\s+|movie\s+|chief\s+|senior\s+|veteran\s+)?(?:critic|reviewer|writer|columnist|editor|journalist|" \
        r"correspondent|contributor|essayist|historian|scholar|author)s?"
_OUTLET_WORD = r"[\w&.-]*(?:['’][A-Z][\w&.-]*)?"
_OUTLET_NAME = rf"(?:[Tt]he\s+)?[A-Z]{_OUTLET_WORD}(?:\s+(?:(?:of|and|the|&|de|du)\s+)*[A-Z0-9]{_OUTLET_WORD})*"


def _outlet_near(sentence: str, name_at: int, name_end: int) -> str:
    """The publication a sentence gives the critic named at [name_at, name_end)."""
    after, before = sentence[name_end:], sentence[:name_at]
    patterns_after = [
        rf"^\s*(?:\(|,\s*)?(?:(?:a|the|an)\s+)?(?:{_ROLE}\s+)?(?:writing\s+|reviewing\s+)?(?:of|for|from|at|with)\s+"
        rf"(?:the\s+)?(?:(?:newspaper|magazine|website|show|programme|program|paper)\s+)?({_OUTLET_NAME})",
        rf"^\s*,\s*(?:in|for)\s+(?:a|an|his|her|their)\s+(?:\w+\s+)?(?:review|column|piece|article|essay)\s+"
        rf"(?:for|in|of)\s+({_OUTLET_NAME})",
        rf"^\s*,\s*(?:writing|reviewing)\s+(?:for|in)\s+({_OUTLET_NAME})",
        rf"^\s+(?:\w+\s+){{0,3}}?(?:wrote|writing|said|stated)\s+(?:in|for)\s+({_OUTLET_NAME})",
        rf"^\s*\(({_OUTLET_NAME})\)",
    ]
    for pattern in patterns_after:
        match = re.search(pattern, after)
        if match and is_outlet(match.group(1)) or match and _titled(match.group(1)):
            return clean_outlet(match.group(1))
    # "Janet Maslin in The New York Times", "X gave it four stars in The Guardian": only a name
    # that reads as a publication ("X in Paris" names none), in the clause itself.
    match = re.match(rf"\s*,?\s*(?:[\w-]+\s+){{0,6}}?(?:in|for)\s+({_OUTLET_NAME})", after)
    if match and is_outlet(match.group(1)):
        return clean_outlet(match.group(1))
    # "… in a 1986 episode of At the Movies", "in the May issue of Kumudam": the pattern names it.
    match = re.search(rf"\b(?:episode|edition|issue|segment|broadcast|instal?lment|column)\s+of\s+({_OUTLET_NAME})",
                      after)
    if match and not looks_like_person(match.group(1)):
        return clean_outlet(match.group(1))
    patterns_before = [
        rf"({_OUTLET_NAME})(?:['’]s?)\s+(?:(?:film|movie|chief|senior)\s+)?(?:{_ROLE}\s+)?$",
        rf"({_OUTLET_NAME})\s+(?:magazine\s+|newspaper\s+)?{_ROLE}\s+$",
        rf"(?:[Ww]riting|[Rr]eviewing)\s+(?:for|in)\s+({_OUTLET_NAME}),\s*$",
        rf"\b[Ii]n\s+(?:(?:his|her|their|a)\s+(?:\w+\s+)?(?:review|column|piece)\s+(?:for|in|of)\s+)?"
        rf"({_OUTLET_NAME}),\s*$",
    ]
    for pattern in patterns_before:
        match = re.search(pattern, before)
        if match and (is_outlet(match.group(1)) or _titled(match.group(1))):
            outlet = clean_outlet(match.group(1))
            if fold(outlet) not in ("his", "her", "their", "a", "an"):
                return outlet
    return ""


def _titled(name: str) -> bool:
    """A name in title case that is not a person's: a publication the pattern around it names
    (never a bare common word such as "Film" or "Review")."""
    name = name.strip()
    return bool(re.match(r"(?:The\s+)?[A-Z]", name)) and not looks_like_person(name) and len(name) > 2 \
        and not is_aggregator(name) and name not in GENERIC


def _subject(verb):
    """The subject of a verb of reviewing: its own, or that of the verb it depends on
    ("…, saying" takes the subject of "gave"; "and wrote" that of the first verb)."""
    seen = 0
    while verb is not None and seen < 4:
        for child in verb.children:
            if child.dep_ in SUBJECTS:
                return child
        if verb.dep_ in ("advcl", "xcomp", "conj", "ccomp", "acl", "pcomp") and verb.head is not verb:
            verb = verb.head
            seen += 1
            continue
        return None
    return None


def reviewers(sent, excluded: set[str], offset: int) -> list[Mention]:
    """Who reviews in this sentence (a spaCy span); `offset`: the sentence's start in its paragraph;
    `excluded`: names that are no critics' (the film's people, its title's words, folded)."""
    text = sent.text
    found: list[Mention] = []
    ents = [(e.text, e.start_char - sent.start_char, e.end_char - sent.start_char, e.label_) for e in sent.ents]
    quoted = quote_spans(text)
    for token in sent:
        word = token.text.lower()
        if word not in VERBS or token.pos_ not in ("VERB", "AUX", "NOUN"):
            continue
        at = token.idx - sent.start_char
        if any(a <= at < b for a, b in quoted):
            continue  # the critic's own words, not the article's report of them
        subject = _subject(token)
        agent = next((child for child in token.children if child.dep_ == "agent"), None)
        if agent is not None and (subject is None or subject.dep_ == "nsubjpass"):
            # Passive: "was reviewed … by Steve Jenkins", "was listed by CNN": the agent reviews.
            subject = next((child for child in agent.children if child.dep_ == "pobj"), None) or subject
        mention = None
        if subject is not None:
            span = sorted(subject.subtree, key=lambda t: t.i)
            start, end = span[0].idx - sent.start_char, span[-1].idx + len(span[-1].text) - sent.start_char
            mention = _who(text, start, end, ents, excluded, subject)
        if mention is None and token.tag_ == "VBG":
            mention = _who_before(text, at, ents, excluded)  # "…, with Chris Hicks calling it …"
        elif mention is None and subject is None and re.search(rf"{PERSON}\s+(?:\w+ly\s+)?$", text[:at]):
            # A parse that lost the subject ("The critic Leonard Maltin names …", "Rolling Stone
            # named …" read as a noun phrase): the name just before.
            mention = _who_before(text, at, ents, excluded)
            before = re.search(rf"({_OUTLET_NAME})\s+(?:\w+ly\s+)?$", text[:at])
            if mention is None and before and is_known_outlet(_trim_outlet(before.group(1))):
                mention = Mention("", clean_outlet(_trim_outlet(before.group(1))), before.start(1))
        if mention is None and word in RANKING | {"added"}:
            mention = _ranked_by(_clause_of(text, at))
        if mention is not None:
            mention.at += offset
            if not any(m.critic == mention.critic and m.outlet == mention.outlet for m in found):
                found.append(mention)
    found += _possessive_reviews(text, excluded, offset, found)
    return found


def _who(text: str, start: int, end: int, ents, excluded, subject) -> Mention | None:
    """The reviewer a subject phrase (text[start:end]) names, if it names one."""
    phrase = text[start:end]
    if subject.text.lower() in ("he", "she", "they"):
        return Mention("", "", start, pronoun=True)
    if re.fullmatch(r"(?:[Tt]he\s+)?(?:review|reviewer|critic|magazine|paper|newspaper|publication)", phrase):
        return Mention("", "", start, pronoun=True)  # "The review stated …": the one just named
    if is_known_outlet(_trim_outlet(phrase)):
        return Mention("", clean_outlet(_trim_outlet(phrase)), start)  # "Sight and Sound ranked it …"
    people = [m for m in re.finditer(PERSON, phrase)]
    # The name a subject phrase is headed by: the one holding the subject's own word ("Jonas
    # Berg" in "Jonas Berg of Nordic Screen"), then the others, longest first.
    head = subject.idx - (subject.sent.start_char if hasattr(subject, "sent") else 0) - start
    for match in sorted(people, key=lambda m: (not m.start() <= head < m.end(), -(m.end() - m.start()))):
        name = match.group().strip()
        at = start + match.start()
        # "Critic Roger Ebert", "Reviewer James Berardinelli": the role opens the sentence, capitalised.
        role = re.match(r"(?:(?:Film|Movie|Chief|Senior)\s+)?(?:Critic|Reviewer|Columnist|Journalist)\s+", name)
        if role and len(name[role.end():].split()) >= 2:
            name, at = name[role.end():], at + role.end()
        if _excluded(name, excluded) or _no_critic(text, at, at + len(name), ents):
            continue
        if not looks_like_person(name) or len(name) < 3:
            continue
        outlet = _outlet_near(text, at, at + len(name))
        return Mention(name, outlet, at)
    outlet = _outlet_in(phrase)
    if outlet:
        return Mention("", outlet, start)
    return None


# Words around a name that say the person is no critic: a role before ("Director Michael
# Haneke", "the poet Dylan Thomas"), an apposition after ("David Simon, creator of The Wire").
_ROLE_FIRST = re.compile(r"(?:Director|Producer|Juror|Actor|Actress|Filmmaker|Screenwriter|Senator|President|"
                         r"Minister|Poet|Composer|Novelist|Author|Cinematographer|Star|Executive)\s", re.I)
_APPOSITION = re.compile(r"\s*,\s*(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,3}?(?:creator|owner|founder|president|"
                         r"vice-president|chairman|director|producer|actor|actress|star|filmmaker|screenwriter|"
                         r"novelist|composer|politician|minister|senator|co-star|cinematographer)\b")
INSTITUTION = re.compile(r"\b(?:Cinema|Library|Institute|Movies|Film|Films|Association|Society|Academy|Festival|"
                         r"University|College|Museum|Congress|Council|Board|Foundation|Center|Centre|Studios?|"
                         r"Pictures|Entertainment|Awards?|Committee|Guild|Circle|Critics|Channel|Network)\b")
_NOT_PERSON = ("FAC", "EVENT", "LAW", "GPE", "LOC", "NORP", "DATE")


def _no_critic(text: str, at: int, end: int, ents) -> bool:
    """Does the text around the name at text[at:end] say it is no critic's (see above), or is
    the name a possessor ("Frank Capra's series") or, to the tagger, a title's or a place's?"""
    if NOT_CRITICS.search(text[:at]) or _ROLE_FIRST.match(text[at:end]) or _APPOSITION.match(text[end:]):
        return True
    if re.search(r"\bof\s+(?:the\s+)?$", text[:at]):
        return True  # "the Battle of Stirling Bridge": after "of" stands an outlet or a thing, not the critic
    if re.match(r"['’]s?\b|\s+as\s+[A-Z]", text[end:]):
        return True  # a possessor ("Frank Capra's series"), a player ("Radhamohan Bhattacharya as Anup")
    name = text[at:end]
    # A title's or an institution's words: "The Great Movies", "Making Of", "United States Library".
    if re.search(r"\b[Tt]he\s+$", text[:at]) or re.search(r"\s(?:Of|The|And|From|For|In|On|To|A|An)\b", name) \
            or INSTITUTION.search(name) or name.startswith("Best "):
        return True
    overlaps = [label for _, a, b, label in ents if a < end and b > at]
    return bool(overlaps) and "PERSON" not in overlaps and any(label in _NOT_PERSON for label in overlaps)


def _excluded(name: str, excluded: set[str]) -> bool:
    """Is this name one of the film's own people, or words of its title?"""
    key = fold(name)
    return bool(key) and (key in excluded or fold(surname(name)) in excluded
                          or any(len(key) > 3 and key in other for other in excluded if " " in other))


def _outlet_in(phrase: str) -> str:
    """A publication a subject phrase names without a critic ("Variety magazine", "A reviewer
    from Sify", "The staff of Entertainment Weekly", "a poll … for Time Out magazine")."""
    for pattern in (rf"(?:from|of|for|at|in)\s+({_OUTLET_NAME})", rf"({_OUTLET_NAME})(?:['’]s)?(?:\s+\w+)*"):
        for match in re.finditer(pattern, phrase):
            name = match.group(1)
            if is_outlet(name) and not looks_like_person(name):
                return clean_outlet(_trim_outlet(name))
    return ""


def _trim_outlet(name: str) -> str:
    """'Empire magazine' → 'Empire'; 'A Film Daily critic' → 'Film Daily'."""
    name = re.sub(rf"\s+(?:{_ROLE}|magazine|newspaper|staff|review|poll|list)$", "", name.strip())
    return re.sub(r"^(?:A|An)\s+", "", name)


def _who_before(text: str, verb_at: int, ents, excluded) -> Mention | None:
    """A participle without a subject of its own ("…, with Chris Hicks of the Deseret News calling
    it …"): the critic named just before it in its clause."""
    clause = re.split(r"[;:]|,\s+(?:and|but|while|whereas)\s+", text[:verb_at])[-1]
    base = verb_at - len(clause)
    for match in reversed(list(re.finditer(PERSON, clause))):
        name = match.group().strip()
        at = base + match.start()
        if looks_like_person(name) and not _excluded(name, excluded) and not is_outlet(name) \
                and len(name.split()) >= 2 and not _no_critic(text, at, at + len(name), ents):
            return Mention(name, _outlet_near(text, at, at + len(name)), at)
    return None


def _ranked_by(text: str) -> Mention | None:
    """A list or a poll that ranks the film: the publication whose list it is."""
    own = _unquoted(text)
    for pattern in (rf"\bby\s+(?:the\s+)?({_OUTLET_NAME})", rf"({_OUTLET_NAME})['’]s?\s+(?:\d{{4}}\s+)?(?:[\w\"“”' -]+\s+)?"
                    r"(?:list|poll|ranking|chart|survey)\b", rf"\b(?:on|in)\s+(?:the\s+|an?\s+)?(?:\d{{4}}\s+)?"
                    rf"({_OUTLET_NAME})\s+(?:[\w'’]+\s+)?(?:list|poll|ranking|chart|survey)\b",
                    rf"\b(?:on|in|of)\s+({_OUTLET_NAME})['’]s?\s+(?:\d{{4}}\s+)?(?:list\s+of\s+)?(?:the\s+)?(?:\d+|[Tt]op)\b",
                    rf"\b(?:list|poll|ranking|chart|survey)\s+(?:of|by|from|for)\s+(?:the\s+)?({_OUTLET_NAME})",
                    rf"\bfor\s+({_OUTLET_NAME})"):
        for match in re.finditer(pattern, own):
            name = _trim_outlet(match.group(1))
            if is_outlet(name) and not is_aggregator(name):
                return Mention("", clean_outlet(name), match.start(1))
    return None


def _possessive_reviews(text: str, excluded, offset: int, found) -> list[Mention]:
    """Reviews a sentence names without a verb of reviewing: "Ebert's review", "on Roger
    Ebert's list of The Great Movies", "a review by X in Y"."""
    out = []
    # "part of Empire's 500 Greatest Films", "on Time Out's top 100": a list of the outlet's.
    for match in re.finditer(rf"({_OUTLET_NAME})['’]s?\s+(?:\d{{4}}\s+)?(?:list\s+of\s+(?:the\s+)?)?(?:\d+|[Tt]op\s+\d+)\s+"
                             rf"(?:[A-Z]\w*\s+)?(?:Greatest|Best|Top|Essential|Favou?rite|Scariest|Funniest)", text):
        name = _trim_outlet(match.group(1))
        if is_outlet(name) and not any(m.outlet == clean_outlet(name) for m in found):
            out.append(Mention("", clean_outlet(name), offset + match.start(1)))
    for match in re.finditer(rf"({PERSON})['’]s?\s+(?:\w+\s+)?(?:review|list|column|verdict|assessment)\b|"
                             rf"\b(?:review|reviewed)\s+(?:\w+\s+){{0,3}}?by\s+({PERSON})", text):
        name = (match.group(1) or match.group(2) or "").strip()
        if not looks_like_person(name) or _excluded(name, excluded):
            continue
        if any(m.critic and surname(m.critic) == surname(name) for m in found):
            continue
        at = match.start(1) if match.group(1) else match.start(2)
        out.append(Mention(name, _outlet_near(text, at, at + len(name)), offset + at))
    return out


# --- aggregators ---------------------------------------------------------------------------

def aggregates(text: str) -> list[dict]:
    """Aggregators' published figures a paragraph states: Rotten Tomatoes' % and count (and
    its consensus), Metacritic's score and count, CinemaScore's grade."""
    out = []
    # A "critics consensus" is Rotten Tomatoes' own term; a quote left open runs to the paragraph's end.
    consensus = re.search(r"\bconsensus\s+(?:reads|states|says)[,:]?\s*[\"“]([^\"”]+)(?:[\"”]|$)", text)
    if re.search(r"Rotten Tomatoes", text) or consensus:
        entry = {"source": AGGREGATORS["rotten tomatoes"] if re.search(r"Rotten Tomatoes|critics consensus", text)
                 else "aggregator"}
        percent = re.search(r"(\d{1,3})\s?%", text)
        count = re.search(r"(?:based on|of|from)\s+(\d[\d,]*)\s+(?:critic\w*|review\w*)", text)
        if percent and "Rotten Tomatoes" in text:
            entry["percent_positive"] = float(percent.group(1))
        if count and "Rotten Tomatoes" in text:
            entry["review_count"] = int(count.group(1).replace(",", ""))
        if consensus:
            entry["consensus"] = consensus.group(1).strip()
        if len(entry) > 1:
            out.append(entry)
    if re.search(r"Metacritic", text):
        score = re.search(r"(?:score|rating)\s+of\s+(\d{1,3})\s*(?:out of|/)\s*100", text) or \
            re.search(r"(\d{1,3})\s*(?:out of|/)\s*100", text)
        count = re.search(r"based on\s+(\d[\d,]*)\s+(?:critic\w*|review\w*)", text[text.find("Metacritic"):])
        if score:
            entry = {"source": AGGREGATORS["metacritic"], "status": f"{score.group(1)}/100"}
            if count:
                entry["review_count"] = int(count.group(1).replace(",", ""))
            out.append(entry)
    grade = re.search(r"CinemaScore[^.]*?\b(?:grade of|gave the film an?|an? average grade of)\s+[\"“]?([A-F][+\-−]?)",
                      text)
    if grade:
        out.append({"source": AGGREGATORS["cinemascore"], "audience_status": grade.group(1).replace("−", "-")})
    return out


def mentions_aggregator(text: str) -> bool:
    return any(re.search(rf"\b{re.escape(name)}\b", text, re.I) for name in AGGREGATORS) or \
        bool(re.search(r"\bcritics(?:['’])? consensus\b", text))


# --- years ---------------------------------------------------------------------------------

def year_of(text: str) -> int | None:
    """A year the sentence gives the review itself, in the article's own words ("In 2005, …",
    "in a 2002 review", "Empire's 2008 list", "(4 March 1966)"), not a film's ("The Dark Knight
    (2008)", "any other 2017 film")."""
    own = _unquoted(text)
    for match in YEAR.finditer(own):
        before, after = own[:match.start()], own[match.end():]
        if re.match(r"\)", after) and re.search(r"[A-Za-z]\s*\($", before) and not re.search(r"\d\s+\w+\s*$", before):
            continue  # a title's year: "The Dark Knight (2008)"
        if re.match(r"\s*(?:['’]s\s+)?(?:film|films|movie|movies|release|version|remake|original)\b", after):
            continue
        if re.search(r"\b(?:since|inception in|founded in|born in|until)\s*$", before):
            continue
        return int(match.group(1))
    return None


# --- the article's reviews -----------------------------------------------------------------

def article_reviews(docs, paragraphs, excluded: set[str], film_year: int | None) -> list[Review]:
    """Every review the article's paragraphs report (see the module's doc). `docs`: spaCy's
    reading of each paragraph; `excluded`: the film's own people (their words are no reviews)."""
    reviews: list[Review] = []
    for number, (doc, paragraph) in enumerate(zip(docs, paragraphs)):
        if HOME_MEDIA.search(paragraph.section):
            continue  # reviews of a disc's transfer and extras, not of the film
        text = paragraph.text
        owners: list[tuple[int, Review | None]] = []  # (where a review's text begins, the review)
        current: Review | None = None
        first_sentence = next(iter(doc.sents)).text if text else ""
        for sent in doc.sents:
            start = sent.start_char
            if mentions_aggregator(sent.text):
                owners.append((start, None))  # an aggregator's figures end the review before
                current = None
                continue
            mentions = reviewers(sent, excluded, start)
            if not mentions:
                if current is not None and _continues(sent.text):
                    owners.append((start, current))
                else:
                    owners.append((start, None))
                    current = None
                continue
            for mention in sorted(mentions, key=lambda m: m.at):
                review = _review_of(mention, sent, reviews, current, number, paragraph, first_sentence, film_year)
                if review is None:
                    continue
                owners.append((mention.at if not mention.pronoun else start, review))
                current = review
        _give_quotes(text, owners)
    # A mention with nothing to read (no quote, rating or framing: "Vincent Canby wrote:") is no verdict.
    # Unless a publication is named: the paraphrase is its review, for an editor to read.
    return [r for r in reviews if r.outlet or (r.critic and (r.quotes or r.rating or r.label or r.mixed))]


def _clause_of(sentence: str, at: int, at_and: bool = True) -> str:
    """The clause of a sentence that holds position `at`: between semicolons and (`at_and`)
    ", and" before a new clause."""
    ends = r";|,\s+and\s+(?=in\s|it\s|the\s|on\s)" if at_and else ";"
    bounds = [0] + [m.end() for m in re.finditer(ends, sentence)] + [len(sentence)]
    for start, end in zip(bounds, bounds[1:]):
        if start <= at < end:
            return " " * start + sentence[start:end]  # positions kept
    return sentence


def _continues(sentence: str) -> bool:
    """A sentence that goes on with the review before it: a quote, or its critic as "he"/"she"."""
    return bool(re.match(r'\s*["“]|\s*(?:He|She|They|His|Her|The critic|The reviewer|The review)\b', sentence))


def _review_of(mention: Mention, sent, reviews: list[Review], current, number: int, paragraph, first_sentence: str,
               film_year) -> Review | None:
    text = sent.text
    if mention.pronoun:
        return current
    earlier = next((r for r in reversed(reviews) if mention.critic and r.critic
                    and surname(r.critic) == surname(mention.critic)), None)
    if earlier is None and not mention.critic:
        earlier = next((r for r in reversed(reviews) if not r.critic and r.outlet and fold(r.outlet) ==
                        fold(mention.outlet) and r.paragraph == number and not _ranks(text)), None)
    if earlier is None and len(mention.critic.split()) == 1 and not mention.outlet:
        return None  # a lone capitalised word ("Set construction included …") names no critic yet
    clause = _clause_of(text, mention.at - sent.start_char, at_and=False)
    if earlier is None and not mention.outlet and NOT_A_REVIEW.search(_unquoted(clause)) and not rating_in(clause):
        return None  # a filmmaker's influence, someone's favourite film: no critic's verdict
    changed = CHANGED.search(text)
    if earlier is not None and not REVERSAL.search(text) and not changed:
        if len(mention.critic) > len(earlier.critic):
            earlier.critic = mention.critic  # the fuller name, where the text gives it later
        if mention.outlet and not earlier.outlet:
            earlier.outlet = mention.outlet
        return earlier
    span_start, span_end = sent.start_char, sent.end_char
    review = Review(mention.critic, mention.outlet, span_start, span_end, text, number, ranking=_ranks(text))
    review.rating = rating_in(text)
    review.year = year_of(text)
    own = _unquoted(text)
    if review.year is None and film_year and (CONTEMPORARY.search(own) or CONTEMPORARY.search(first_sentence)
                                              or re.search(r"\b(?:contemporary|initial|original)\b",
                                                           paragraph.section, re.I)):
        review.year, review.year_inferred = film_year, True
    review.mixed = bool(MIXED.search(own)) or bool(re.search(r"\bmixed\b", own, re.I))
    positive, negative = bool(POSITIVE.search(own)), bool(NEGATIVE.search(own))
    if review.ranking or (positive and not negative):
        review.label = "positive"
    elif negative and not positive:
        review.label = "negative"
    else:
        review.mixed = review.mixed or (positive and negative)
    said = STATED.search(_unquoted(clause))
    if said:
        review.stated = "negative" if re.match(r"neg|unf|sca", said.group(1), re.I) else "positive"
    if changed:
        first, later = text[:changed.end()], text[changed.end():]
        earlier_rating = rating_in(first) or _stars_only(first)
        review.rating = earlier_rating
        second = Review(mention.critic, mention.outlet, span_start, span_end, text, number, year=review.year)
        second.rating = rating_in(later) or _stars_only(later)
        reviews.append(review)
        reviews.append(second)
        return second
    reviews.append(review)
    return review


def _stars_only(text: str) -> str:
    match = STARS.search(_unquoted(text))
    return match.group().strip() if match else ""


def _ranks(text: str) -> bool:
    return bool(re.search(r"\b(?:ranked|ranks|listed|list|poll|named|placed|voted|included|inducted|Great Movies)\b|"
                          r"\b\d+(?:st|nd|rd|th)\s+(?:\w+est|best|greatest)\b|\bof all time\b", _unquoted(text)))


def _give_quotes(text: str, owners: list[tuple[int, Review | None]]) -> None:
    """Each quoted passage of a paragraph to the review whose text it stands in."""
    owners = sorted(owners, key=lambda item: item[0])
    for start, end in quote_spans(text):
        if re.fullmatch(r"[A-F][+\-−]?", text[start:end].strip()):
            continue  # a quoted grade is the rating (rating_in)
        owner = None
        for at, review in owners:
            if at <= start:
                owner = review
            else:
                break
        if owner is not None:
            owner.quotes.append(text[start:end])

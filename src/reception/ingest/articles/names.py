"""Words an article uses for the people and publications it cites: what reads as a person's
name (initials and particles kept: "John Q. Doe", "Guillermo del Toro"), what reads as a
publication ("Variety", "The Washington Post", "IndieWire", "Sight & Sound"), and what is an
aggregator rather than a critic (Rotten Tomatoes, Metacritic, CinemaScore)."""

from __future__ import annotations

import re

# A name's words: a capitalised word (inner capitals as in "McCarthy", "DiBella"; an apostrophe
# or a hyphen as in "O'Day", "Jean-Luc", never a possessive's "'s"; an en dash joins a duo's
# credit, "Pushkar–Gayathri"), or initials ("A. O.", "J.C.").
# Letters beyond ASCII count ("Raúl Juliá", "Yōji Matsuda", "Łukasz").
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_LOWER = "a-zß-öø-ÿā-ž"
_WORD = rf"(?:(?!(?:Jr|Sr)\b)(?:Mc|Mac|Di|De|La|Le|O['’])?[{_UPPER}][{_LOWER}]+(?:[-–][{_UPPER}][{_LOWER}]+)*|[A-Z]\.(?:\s?[A-Z]\.)*|" \
        r"[A-Z](?=\s))"
PARTICLE = r"(?:de|del|della|der|den|di|da|do|dos|du|la|le|van|von|ter|ten|bin|ibn|al|el|y|St\.)"
SUFFIX = r"(?:,?\s+(?:Jr\.?|Sr\.?|III|II|IV))"
# Never from inside a word ("V Guide" is no name in "TV Guide").
PERSON = rf"(?<![\w'’.-]){_WORD}(?:\s+(?:{PARTICLE}\s+)*{_WORD})*{SUFFIX}?"
PERSON_RE = re.compile(PERSON)

# Words that make a name a publication's or a broadcaster's.
OUTLET_WORDS = re.compile(
    r"\b(?:Times|Post|Tribune|Journal|Magazine|magazine|Review|Weekly|Herald|Guardian|Observer|Chronicle|Gazette|"
    r"News|Daily|Sun|Telegraph|Independent|Reporter|Variety|Express|Mirror|Examiner|Inquirer|Monthly|"
    r"Quarterly|Digest|Bulletin|Voice|Reader|Standard|Record|Globe|Mail|Register|Dispatch|Courier|Enquirer|"
    r"Sight|Empire|Wire|Online|Radio|TV|BBC|NPR|CNN|Press|Today|Week|"
    r"Slant|Salon|Vulture|Collider|Polygon|Uproxx|Filmfare|Film Comment|"
    r"Rolling Stone|Vogue|Wired|Atlantic|Economist|Spectator|Nation|Statesman|Hindu|Mint|Scroll|Quint|"
    r"Firstpost|Sify|Rediff|Quietus|Vox|Verge|Decider|IGN|Kotaku|Yomiuri|Asahi|Shimbun|Le Monde)\b"
    r"|\.(?:com|net|org|co\.uk|in)\b")
# Publications and broadcasters that carry film criticism, whose names alone do not say so.
KNOWN_OUTLETS = {
    "variety", "time", "time out", "empire", "total film", "rolling stone", "salon", "slate", "vulture", "indiewire",
    "the a v club", "a v club", "the av club", "av club", "the new yorker", "new yorker", "entertainment weekly",
    "newsweek", "people", "vanity fair", "esquire", "playboy", "the onion", "popmatters", "allmovie", "all movie",
    "film threat", "filmcritic com", "sight and sound", "sight sound", "cahiers du cinema", "positif", "screen daily",
    "screen international", "the hollywood reporter", "hollywood reporter", "deadline", "deadline hollywood",
    "the wrap", "thewrap", "collider", "polygon", "uproxx", "the verge", "vox", "wired", "npr", "bbc", "cnn",
    "the economist", "the spectator", "the nation", "the atlantic", "forbes", "time magazine", "tv guide",
    "reader s digest", "los angeles times", "the new york times", "the washington post", "chicago sun times",
    "chicago reader", "chicago tribune", "the guardian", "the observer", "the independent", "the telegraph",
    "the daily telegraph", "the times", "the village voice", "village voice", "the boston globe", "usa today",
    "the wall street journal", "wall street journal", "san francisco chronicle", "new york post", "new york",
    "new york magazine", "new york daily news", "the new republic", "the film daily", "film daily", "motion picture daily",
    "boxoffice", "box office", "the monthly film bulletin", "monthly film bulletin", "sify", "rediff", "rediff com",
    "firstpost", "the quint", "the hindu", "the times of india", "hindustan times", "india today", "the indian express",
    "the new indian express", "deccan chronicle", "filmfare", "bollywood hungama", "scroll", "scroll in", "mint",
    "ndtv", "the week", "outlook", "little white lies", "the quietus", "ign", "gamespot", "kotaku", "den of geek",
    "bloody disgusting",
    "fangoria", "starburst", "the skinny", "the list", "the scotsman", "the herald", "the irish times",
    "the globe and mail", "toronto star", "now", "now magazine", "national post", "the age", "the sydney morning herald",
    "the australian", "le monde", "le figaro", "liberation", "les inrockuptibles", "der spiegel", "die zeit",
    "la repubblica", "el pais", "asahi shimbun", "the japan times", "south china morning post",
    "associated press", "reuters", "the associated press", "movieline", "film journal international", "mubi",
    "reverse shot", "slant magazine", "the film stage", "film comment", "cinemascope", "moviefone", "common sense media",
    "cinemablend", "cinema blend", "screen rant", "vice", "vice com", "the ringer", "the daily beast",
    "the new statesman", "new statesman", "radio times", "the list", "metro", "evening standard", "the sun",
    "daily mail", "the mirror", "daily mirror", "the irish independent", "washington post", "new york times",
    "toronto star", "the star", "kansas city star", "the daily star", "morning star",
}
# Not critics: they sum up critics (their figures are published scores, not reviews).
AGGREGATORS = {
    "rotten tomatoes": "rotten-tomatoes", "metacritic": "metacritic", "cinemascore": "cinemascore",
    "posttrak": "posttrak", "imdb": "imdb", "allocine": "allocine",
}


def fold(name: str) -> str:
    from ...catalog.identity import name_key

    return name_key(name)


def is_aggregator(name: str) -> bool:
    key = fold(name)
    return any(key == agg or key.startswith(agg + " ") for agg in AGGREGATORS)


def is_outlet(name: str) -> bool:
    """Does this name read as a publication's or a broadcaster's?"""
    key = fold(name)
    if not key or is_aggregator(name):
        return False
    if key in KNOWN_OUTLETS or key.removesuffix(" magazine") in KNOWN_OUTLETS:
        return True
    # Critics' own bodies rank films too ("the Chicago Film Critics Association named it …").
    return bool(OUTLET_WORDS.search(name)) or bool(re.search(r"\bCritics(?:['’])?\s+(?:Association|Circle|Society|Guild)\b|"
                                                           r"\bSociety of Film Critics\b", name))


def is_known_outlet(name: str) -> bool:
    """A publication or a critics' body by its whole name ("Sight and Sound", "the Chicago Film
    Critics Association"), not a phrase that merely holds one."""
    key = fold(name)
    return key in KNOWN_OUTLETS or key.removesuffix(" magazine") in KNOWN_OUTLETS or \
        bool(re.fullmatch(r"(?:The\s+)?(?:[A-Z][\w.-]*\s+){0,4}(?:Film\s+)?Critics(?:['’])?\s+(?:Association|Circle|Society|"
                          r"Guild)(?:\s+of\s+[A-Z][\w]*(?:\s+[A-Z][\w]*)*)?", name.strip()))


def clean_outlet(name: str) -> str:
    """An outlet's name as the text gives it, without a leading "the", a possessive, or a
    trailing "magazine" the name itself lacks ("Empire magazine" is Empire), and without a
    second critic the pattern ran on into ("Variety and Roger Ebert of the Chicago Sun-Times")."""
    name = re.sub(r"['’]s?$", "", name.strip(" ,.;:\"'“”"))
    joined = re.match(rf"(.+?)\s+and\s+({PERSON})\s+(?:of|for|from|at)\b", name)
    if joined and is_outlet(joined.group(1)) and len(joined.group(2).split()) >= 2:
        name = joined.group(1)
    name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I) if not re.match(r"The\s+[A-Z]", name) else name
    name = re.sub(r"\s+(?:magazine|newspaper|website|weekly magazine)$", "", name)
    return name.strip()


# Capitalised words that open a sentence or a phrase and name nobody.
NOT_NAMES = set("""
The This That These Those Some Several Many Most Few Other Others One Two Three Each Every Both All Another It Its He
She They His Her Their We Our You Critics Critic Reviewers Reviewer Audiences Viewers Writers Writer Academics Scholars
Historians Filmmakers Directors Director Film Films Movie Movies Following After Before During In On At For From Upon
While When Although However Despite Also Later Today Retrospectively Conversely Likewise Similarly Furthermore Overall
Contemporary Modern American British French Indian Japanese Chinese German Italian Spanish English Western Eastern
Writing Reviewing Speaking Comparing Calling Describing According Edition Version Release
""".split())
# Words before a name that say the person is no critic: the film's makers, their peers, officials.
NOT_CRITICS = re.compile(
    r"\b(?:director|filmmaker|film-maker|actor|actress|star|co-star|producer|executive producer|screenwriter|"
    r"writer-director|composer|cinematographer|editor of the film|juror|jury|president|chairman|minister|politician|"
    r"dictator|novelist|musician|singer|rapper|comedian|designer|animator|founder|ceo|poet|artist|creator|owner|"
    r"vice-president|playwright|author of the novel|assistant|brother|sister|wife|husband|brother-in-law|"
    r"son|daughter|father|mother|friend|colleague|collaborator)\s*$", re.I)


def looks_like_person(name: str) -> bool:
    words = name.split()
    return (1 <= len(words) <= 5 and bool(PERSON_RE.fullmatch(name)) and not is_outlet(name)
            and not is_aggregator(name) and not (words[0] in NOT_NAMES and len(words) == 1)
            and words[0] not in ("The", "A", "An"))


def surname(name: str) -> str:
    words = [w for w in name.split() if not re.fullmatch(r"(?:[A-Z]\.)+|Jr\.?|Sr\.?|III?|IV", w)]
    return words[-1] if words else name

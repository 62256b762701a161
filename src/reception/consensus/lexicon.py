"""The words the consensus is built from: what critics talk about (aspects), the adjectives
they judge with, and the small words that turn a judgement around.

Every word of a draft other than the film's title and a few joining words comes from these
lists, so no review text (markup, names, numbers) can reach a draft verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Aspect:
    name: str
    label: str
    terms: frozenset[str]  # single words and two-word terms, lower case
    adverbs: frozenset[str] = frozenset()  # "visually stunning" speaks of the visuals


def _aspect(name: str, label: str, terms: str, adverbs: str = "") -> Aspect:
    return Aspect(name, label, frozenset(t.strip() for t in terms.split(",")), frozenset(adverbs.split()))


# Order matters only for ties: the earlier aspect is named first.
ASPECTS: tuple[Aspect, ...] = (
    _aspect("story", "story", "story, stories, plot, plots, plotting, script, scripts, screenplay, narrative, "
            "storytelling, writing, premise, dialogue, dialog, twists, subplots, structure, storyline", "narratively"),
    _aspect("characters", "characters", "character, characters, characterization, characterizations, "
            "protagonist, protagonists, hero, heroine, villain, villains, heroes", ""),
    _aspect("acting", "acting", "performance, performances, acting, cast, ensemble, actor, actors, actress, "
            "actresses, portrayal, portrayals, supporting cast, leads, chemistry", ""),
    _aspect("direction", "direction", "direction, director, directing, filmmaking, filmmaker, craft, "
            "craftsmanship, helmer, execution", ""),
    _aspect("visuals", "visuals", "visuals, cinematography, photography, imagery, images, effects, "
            "special effects, animation, production design, set design, style, camerawork, spectacle, "
            "costumes, cgi, footage, scenery, landscapes", "visually technically stylistically"),
    _aspect("music", "music", "music, score, songs, soundtrack, musical numbers, song", "musically"),
    _aspect("pacing", "pacing", "pace, pacing, length, running time, runtime, momentum, tempo", ""),
    _aspect("humor", "humor", "humor, humour, jokes, joke, gags, gag, laughs, wit, one-liners", "comically"),
    _aspect("emotion", "emotional pull", "heart, emotion, emotions, feelings, sentiment, sentimentality, "
            "warmth, tenderness", "emotionally"),
    _aspect("action", "action", "action, fights, fight scenes, stunts, set pieces, chases, chase, battles, "
            "battle scenes, action sequences", ""),
    _aspect("suspense", "suspense", "suspense, tension, thrills, scares, chills, shocks", "dramatically"),
    _aspect("ideas", "ideas", "ideas, themes, theme, message, subject matter, concept, originality, formula", "intellectually"),
)

BY_NAME = {a.name: a for a in ASPECTS}
ASPECT_OF_TERM = {t: a.name for a in ASPECTS for t in a.terms}
ASPECT_OF_ADVERB = {adv: a.name for a in ASPECTS for adv in a.adverbs}
RANK = {a.name: k for k, a in enumerate(ASPECTS)}

# Evaluative adjectives, with the sign of the judgement they carry on their own.
POSITIVE = frozenset("""
absorbing accomplished admirable affecting amazing ambitious amiable amusing appealing arresting assured
astonishing atmospheric audacious authentic beautiful believable bold breathtaking brilliant buoyant
captivating charming clever compelling confident dazzling delightful detailed distinctive dynamic effective
elegant energetic engaging engrossing enjoyable entertaining enthralling excellent exciting exhilarating
exquisite extraordinary fascinating fearless fine first-rate fresh fun funny gorgeous graceful gripping
handsome harrowing haunting heartfelt hilarious honest good great fantastic remarkable innovative imaginative impeccable impressive incisive ingenious
inspired insightful intelligent intimate intriguing inventive involving irresistible likable
likeable lively lovely lush luminous magnificent marvelous marvellous masterful mesmerizing memorable
moving nuanced original outstanding passionate perceptive playful poignant poetic polished potent
powerful provocative rich riveting satisfying sensitive sharp sincere skillful slick smart snappy solid
sophisticated spectacular spirited splendid stirring striking strong stunning stylish subtle superb
suspenseful sweet sweeping taut tender terrific thoughtful thrilling timely touching transcendent
unforgettable unique vibrant vivid warm well-acted well-crafted well-made well-written whimsical winning
witty wonderful wondrous
""".split())

NEGATIVE = frozenset("""
absurd aimless annoying artificial awful awkward bad banal bland bloated boring cartoonish cheap cheesy
choppy clichéd cliched clumsy confused confusing contrived convoluted crass crude cynical dated dreary dreadful
dull dumb empty excruciating exhausting familiar flat flimsy forced forgettable formulaic generic gratuitous
grating hackneyed half-baked heavy-handed hokey hollow implausible incoherent inconsistent indulgent inept
inert interminable lackluster lacklustre laborious labored lame lazy leaden lifeless limp listless
manipulative mawkish meandering mediocre messy mindless misguided monotonous muddled mundane murky
obnoxious obvious overblown overcooked overlong overwrought pedestrian plodding pointless poor predictable
preachy pretentious ridiculous rote saccharine schmaltzy shallow shoddy silly simplistic slight sloppy
slow sluggish sophomoric stale static stiff stilted stupid superficial tame tedious thin tired tiresome
trite unconvincing underdeveloped uneven unfocused unfunny uninspired uninvolving unpleasant vapid weak
wooden worn-out derivative disappointing repetitive ponderous clunky corny sappy sentimental unoriginal
uninteresting incomprehensible witless humorless joyless charmless bombastic impersonal turgid pompous smug cloying
treacly unbearable insufferable ham-fisted noisy chaotic
""".split())

POLARITY = {**{w: 1 for w in POSITIVE}, **{w: -1 for w in NEGATIVE}}

# Words between an adjective and its noun that do not change who is judged ("very", "and").
FILLERS = frozenset("""
very so too quite rather really genuinely truly surprisingly remarkably consistently often sometimes
frequently oddly strangely wonderfully beautifully thoroughly utterly wholly largely mostly fairly pretty
most more and , its their his her the a an this that such
""".split())

# A judgement after a linking verb: "the plot is thin", "the pacing feels sluggish".
LINKING = frozenset("is are was were feels feel seems seem remains remain looks look sounds sound proves "
                    "prove becomes become gets get grows grow 's".split())

NEGATORS = frozenset("not never no hardly barely scarcely nothing isn't aren't wasn't weren't doesn't don't "
                     "didn't never".split())

# "lacks story and tension": the aspect is faulted for being absent.
LACKING = frozenset("lacks lack lacking lacked without short devoid absence needs needed wanting".split())

# Where a quote turns ("…, but the film lacks story"): each side may judge differently.
CONTRASTS = frozenset("but though although however yet despite while whereas unfortunately".split())

# What critics call the film; the draft says "a witty comedy" when they say so often enough.
KINDS = frozenset("""
comedy drama thriller documentary adventure romance fantasy horror western musical epic satire mystery
biopic sequel remake romp tale melodrama farce fable parable spectacle showcase debut portrait caper
chiller procedural saga actioner drama-comedy
""".split())

# Kinds that read as a noun only with "film": "a silly horror film", not "a silly horror".
KIND_NOUN = {"horror": "horror film"}

# Adjectives a kind of film already says: "a funny comedy", "a scary horror", "a thrilling
# thriller" are tautologies; the draft says "film" instead, or leaves the word out.
SAID_BY_KIND = {
    "comedy": {"funny", "comic", "comedic", "humorous", "hilarious"},
    "horror": {"scary", "horrific", "frightening", "terrifying", "creepy"},
    "chiller": {"chilling", "scary", "creepy"},
    "thriller": {"thrilling", "suspenseful"},
    "romance": {"romantic"},
    "musical": {"musical", "tuneful"},
    "drama": {"dramatic"},
    "melodrama": {"melodramatic"},
    "satire": {"satirical", "satiric"},
    "mystery": {"mysterious"},
    "epic": {"epic"},
    "fantasy": {"fantastical", "fantastic"},
    "adventure": {"adventurous"},
    "farce": {"farcical"},
    "actioner": {"action-packed"},
    "spectacle": {"spectacular"},
    "romp": {"romping"},
}

# People named for their work: "a stiff director" reads better as "stiff direction".
WORK_OF = {"director": "direction", "directors": "direction", "directing": "direction", "helmer": "direction", "filmmaker": "filmmaking",
           "actor": "acting", "actors": "acting", "actress": "acting", "actresses": "acting",
           "performance": "performances", "portrayal": "portrayals", "character": "characters", "joke": "jokes", "gag": "gags", "song": "songs"}

# Terms matched in lower case but written otherwise.
SPELLED = {"cgi": "CGI"}

# Nouns that take no "a": "with witty dialogue", not "with a witty dialogue".
MASS = frozenset("""
acting humor humour wit dialogue dialog music action cinematography photography animation direction writing
pacing suspense tension footage chemistry imagery scenery cgi craftsmanship filmmaking heart emotion warmth
tenderness sentiment sentimentality spectacle storytelling plotting characterization momentum execution craft
design style camerawork originality
""".split())

# Praise so general that a more telling word is preferred when critics use one.
GENERIC = frozenset("good great fine fun bad awful poor excellent terrific wonderful".split())

"""The consensus draft beside a LexRank baseline (sumy), in the same run on the same reviews.

    python -m bench.consensus [--data ../shared/data] [--films N] [--reference CSV]
    python -m bench.consensus --pairs N [--seed S]

With --ceiling, prints instead how far planned wording can go on ROUGE-L (see ceiling()).

With --pairs, prints instead a blind comparison anyone can rerun: N films of rt-kaggle with a
staff-written consensus, each with the staff text and our draft as "A" and "B" in an order
shuffled by the seed, unlabelled, and after them the key.

Prints one JSON object:
- ``rt_reviews``: on the films of rt.reviews with at least 20 quoted reviews (all 510, or the
  first N by id), for our draft as `reception consensus` makes it (``ours``: every clause
  checked by consensus.grounding, and one that fails dropped), for the same drafting without the
  check (``unchecked``), and for LexRank's one review sentence; with ``films_without_draft``
  (no wording passed the check), ``clauses_dropped`` and ``draft_ms_per_film`` (reading and
  drafting, checked and unchecked). The check is this faithfulness test made a rule, run by the
  product's own code (float32 ONNX vectors) apart from the judge's here (sentence-transformers):
  - ``faithfulness``: share of clauses whose cited reviews support them. A cited review supports
    a clause when one of its segments (the same cut the drafting uses) has cosine similarity
    ≥ SIMILAR with the clause (plain all-MiniLM-L6-v2 vectors) and the same polarity (our
    verdict model reading both texts). A clause is faithful when at least half its cited
    reviews support it and the film's critics at large do not contradict it: of all the
    film's segments similar to the clause, at least half share its polarity.
  - ``coverage``: of the aspects that at least 20% of a film's quotes speak of (our lexicon),
    the share the consensus names (``text``), and the share the consensus or the aspect list
    shows (``with_aspect_list``; LexRank has no list, so both are its sentence's).
  - ``polarity``: the consensus read by the verdict model against the film's share of positive
    verdicts (RT's labels): agreement on films clearly positive (≥ 60%) or negative (< 40%),
    and Pearson's r over all films.
- ``rouge``: ROUGE-1/2/L F1 (rouge-score, stemmed) against the staff-written critics consensus of
  the rt-kaggle films that have both reviews and one (66), each draft made from that film's
  reviews only, beside LexRank on the same reviews. ``--reference FILE`` scores against any
  other CSV of (film, consensus) whose films match rt-kaggle titles.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from reception.consensus.aspects import Quote, read, read_film, segments, title_pattern  # noqa: E402
from reception.consensus.draft import Clause, _sentence, _Writer, draft  # noqa: E402
from reception.consensus.grounding import Grounding, SentenceVectors  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIMILAR = 0.3  # cosine at which a review segment speaks of what a clause says (MiniLM scale)
MIN_QUOTES = 20
COMMON = 0.2  # an aspect is "common" when this share of a film's quotes speak of it


class _Sentences:
    """sumy's tokenizer interface without nltk's punkt data (not available offline)."""

    language = "english"

    def to_sentences(self, text):
        return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]

    def to_words(self, sentence):
        return re.findall(r"[A-Za-z0-9']+", sentence)


def lexrank(quotes: list[Quote]) -> Clause:
    """LexRank's most central sentence of all the film's quotes, citing the quote it came from."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    document = PlaintextParser.from_string("\n".join(q.text for q in quotes), _Sentences()).document
    picked = " ".join(str(s) for s in summarizer(document, 1))
    cited = [q.review_id for q in quotes if picked and picked in q.text][:1]
    return Clause(picked, cited, "positive")


class Judge:
    """Plain sentence vectors and the verdict model's P(positive), cached per text."""

    def __init__(self):
        from sentence_transformers import SentenceTransformer

        from reception.verdicts.modelfile import base_path
        from reception.verdicts.text import TextModel, prepare

        self.encoder = SentenceTransformer(base_path(), device="cpu")
        self.model = TextModel()
        self.gate_vectors = SentenceVectors()  # the product's own, apart from the judge's encoder
        self.prepare = prepare
        self.vectors: dict[str, np.ndarray] = {}
        self.probabilities: dict[str, float] = {}

    def polarity(self, texts: list[str]) -> np.ndarray:
        return self.model.probabilities([self.prepare(t) for t in texts])

    def drafted(self, quotes: list[Quote], title: str | None, people=(), gate: bool = True):
        """Our draft of a film as `reception consensus` makes it, checked by the product's gate.
        A film without a title (rt.reviews names none) is drafted as "The film"."""
        positive = sum(q.verdict == "positive" for q in quotes)
        reading = read_film(quotes, self.polarity, title, people)
        grounding = Grounding(quotes, title, self.gate_vectors, self.polarity) if gate else None
        return reading, draft(reading, positive, len(quotes) - positive, title or "The film", grounding)

    def sign(self, text: str) -> int:
        return 1 if self.probabilities[text] >= 0.5 else -1

    def load(self, texts):
        new = sorted({t for t in texts if t not in self.vectors})
        if new:
            vecs = self.encoder.encode(new, batch_size=64, normalize_embeddings=True)
            self.vectors.update(zip(new, vecs))
        new = sorted({t for t in texts if t not in self.probabilities})
        if new:
            self.probabilities.update(zip(new, map(float, self.polarity(new))))


def faithful(clause: Clause, film_segments: dict[int, list[str]], judge: Judge) -> bool:
    if not clause.text or not clause.review_ids:
        return False
    vec, sign = judge.vectors[clause.text], judge.sign(clause.text)

    def similar(seg):
        return float(vec @ judge.vectors[seg]) >= SIMILAR

    supporting = 0
    for rid in clause.review_ids:
        segs = film_segments.get(rid) or []
        if segs:
            best = max(segs, key=lambda s: float(vec @ judge.vectors[s]))
            supporting += similar(best) and judge.sign(best) == sign
    if 2 * supporting < len(clause.review_ids):
        return False
    near = [judge.sign(s) == sign for segs in film_segments.values() for s in segs if similar(s)]
    return 2 * sum(near) >= len(near)


def load_rt_reviews(data: Path, limit: int | None) -> dict[str, list[Quote]]:
    films: dict[str, list[Quote]] = defaultdict(list)
    path = data / "rt-reviews" / "rt.reviews.tsv.gz"
    with gzip.open(path, "rt", encoding="latin-1", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            text = (row["review"] or "").strip()
            verdict = {"fresh": "positive", "rotten": "negative"}.get((row["fresh"] or "").strip().lower())
            if text and verdict:
                films[row["id"].strip()].append(Quote(line, text, verdict))
    chosen = sorted((f for f, q in films.items() if len(q) >= MIN_QUOTES), key=int)
    return {f: films[f] for f in chosen[:limit]}


def rt_reviews(data: Path, judge: Judge, limit: int | None) -> dict:
    films = load_rt_reviews(data, limit)
    results = {"ours": defaultdict(list), "unchecked": defaultdict(list), "lexrank": defaultdict(list)}
    started = time.perf_counter()
    timing = {"ours": 0.0, "unchecked": 0.0}
    for quotes in films.values():
        positive = sum(q.verdict == "positive" for q in quotes)
        share = positive / len(quotes)
        drafts = {}
        for name in ("unchecked", "ours"):  # rt.reviews names no film: "The film" stands in
            begun = time.perf_counter()
            reading, drafts[name] = judge.drafted(quotes, None, gate=name == "ours")
            timing[name] += time.perf_counter() - begun
        ours = drafts["ours"]
        results["ours"]["ungrounded"].append(ours.status == "ungrounded")
        results["ours"]["dropped"].append(len(ours.dropped))
        film_segments = {q.review_id: segments(q.text) for q in quotes}
        common = {t.aspect for t in reading.tallies.values() if t.mentions() >= COMMON * len(quotes)}
        listed = {a["aspect"] for a in ours.aspects}
        pick = lexrank(quotes)
        judge.load([s for segs in film_segments.values() for s in segs] + [pick.text]
                   + [t for d in drafts.values() for t in [d.text] + [c.text for c in d.clauses] if t])
        for name, clauses, text, shown in (
            *((name, d.clauses, d.text, {a for c in d.clauses for a in c.aspects}) for name, d in drafts.items()),
            ("lexrank", [pick], pick.text, {m.aspect for m in read(pick.text).mentions}),
        ):
            r = results[name]
            r["faithful"] += [faithful(c, film_segments, judge) for c in clauses]
            if common:
                r["coverage_text"].append(len(common & shown) / len(common))
                r["coverage_list"].append(len(common & (shown | listed if name != "lexrank" else shown)) / len(common))
            if not text:
                continue  # no draft: nothing to read (counted in films_without_draft)
            p = judge.probabilities[text]
            r["p"].append(p)
            r["share"].append(share)
            if share >= 0.6 or share < 0.4:
                r["clear"].append((p >= 0.5) == (share >= 0.6))
    out = {"films": len(films), "quotes": sum(len(q) for q in films.values()), "similar_at": SIMILAR,
           "seconds": round(time.perf_counter() - started, 1),
           "draft_ms_per_film": {k: round(1000 * v / max(1, len(films)), 1) for k, v in timing.items()},
           "films_without_draft": sum(results["ours"].pop("ungrounded")),
           "clauses_dropped": sum(results["ours"].pop("dropped"))}
    for name, r in results.items():
        out[name] = {
            "faithfulness": round(float(np.mean(r["faithful"])), 4), "clauses": len(r["faithful"]),
            "coverage": {"text": round(float(np.mean(r["coverage_text"])), 4),
                         "with_aspect_list": round(float(np.mean(r["coverage_list"])), 4),
                         "films_with_common_aspects": len(r["coverage_text"])},
            "polarity": {"agreement_clear_films": round(float(np.mean(r["clear"])), 4), "clear_films": len(r["clear"]),
                         "pearson_r": round(float(np.corrcoef(r["p"], r["share"])[0, 1]), 4)},
        }
    return out


def load_kaggle(data: Path, reference: Path | None) -> list[tuple[str, str, list[Quote]]]:
    folder = data / "rt-kaggle"
    with open(folder / "rotten_tomatoes_movies.csv", encoding="utf-8", newline="") as handle:
        movies = {r["rotten_tomatoes_link"]: r for r in csv.DictReader(handle)}
    quotes: dict[str, list[Quote]] = defaultdict(list)
    with open(folder / "rotten_tomatoes_critic_reviews.csv", encoding="utf-8", newline="") as handle:
        for line, r in enumerate(csv.DictReader(handle), start=2):
            text = (r["review_content"] or "").strip()
            verdict = {"fresh": "positive", "rotten": "negative"}.get((r["review_type"] or "").strip().lower())
            if text and verdict:
                quotes[r["rotten_tomatoes_link"]].append(Quote(line, text, verdict))
    if reference:
        with open(reference, encoding="utf-8", newline="") as handle:
            refs = {row[0].strip().lower(): row[1].strip() for row in csv.reader(handle) if len(row) >= 2}
        by_title = {m["movie_title"].strip().lower(): link for link, m in movies.items()}
        return [(movies[by_title[t]]["movie_title"], ref, quotes[by_title[t]])
                for t, ref in refs.items() if t in by_title and quotes.get(by_title[t])]
    return [(movies[link]["movie_title"], movies[link]["critics_consensus"].strip(), q)
            for link, q in quotes.items() if movies.get(link, {}).get("critics_consensus", "").strip()]


def kaggle_people(data: Path) -> dict[str, list[tuple[str, str]]]:
    """Each rt-kaggle film's directors and first four actors, as the catalogue credits them (the
    draft may name them; the staff texts are never read for it)."""
    with open(data / "rt-kaggle" / "rotten_tomatoes_movies.csv", encoding="utf-8", newline="") as handle:
        return {row["movie_title"]: [(n.strip(), "director") for n in row["directors"].split(",") if n.strip()]
                + [(n.strip(), "actor") for n in row["actors"].split(",") if n.strip()][:4]
                for row in csv.DictReader(handle)}


def rouge(data: Path, judge: Judge, reference: Path | None) -> dict:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    films = load_kaggle(data, reference)
    people = kaggle_people(data)
    sums = {"ours": defaultdict(float), "unchecked": defaultdict(float), "lexrank": defaultdict(float)}
    examples = []
    for title, ref, quotes in films:
        ours = judge.drafted(quotes, title, people.get(title, ()))[1].text
        unchecked = judge.drafted(quotes, title, people.get(title, ()), gate=False)[1].text
        theirs = lexrank(quotes).text
        for name, text in (("ours", ours), ("unchecked", unchecked), ("lexrank", theirs)):
            for key, value in scorer.score(ref, text).items():
                sums[name][key] += value.fmeasure
        if len(examples) < 3:
            examples.append({"film": title, "reference": ref, "ours": ours, "lexrank": theirs})
    out = {"films": len(films), "reference": str(reference) if reference else "rt-kaggle critics_consensus"}
    for name, s in sums.items():
        out[name] = {k: round(v / max(1, len(films)), 4) for k, v in s.items()}
    out["rougeL_ratio"] = round(out["ours"]["rougeL"] / out["lexrank"]["rougeL"], 3) if out["lexrank"]["rougeL"] else None
    out["examples"] = examples
    return out


class _Candidates(_Writer):
    """The writer, noting at each place in the sentence every wording the check passes (the
    product takes the first)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.tried: list[tuple[Clause | None, list[str]]] = []

    def first(self, candidates):
        candidates = list(candidates)
        passed = [text for text, phrases, sign in candidates
                  if self.grounding.check(text, sign, self.ranked(self.evidence(phrases, sign), phrases, sign),
                                          self.need).grounded]
        taken = super().first(candidates)
        self.tried.append((taken, list(dict.fromkeys(passed))))
        return taken

    def places(self, clauses: list[Clause]) -> list[list[str]]:
        """For each clause the product wrote, every wording that passed in its place: the
        sentence keeps the product's shape (a split film keeps both sides), only the words vary."""
        return [passed for taken, passed in self.tried if any(taken is c for c in clauses)]


def staff_words(data: Path, tokenize) -> tuple[Counter, int, float]:
    """How many staff texts hold each word and word pair, over the rt-kaggle films that have a
    staff consensus and no reviews here (none of the 66 scored); the title is one token."""
    folder = data / "rt-kaggle"
    with open(folder / "rotten_tomatoes_critic_reviews.csv", encoding="utf-8", newline="") as handle:
        reviewed = {r["rotten_tomatoes_link"] for r in csv.DictReader(handle)}
    with open(folder / "rotten_tomatoes_movies.csv", encoding="utf-8", newline="") as handle:
        texts = [(r["critics_consensus"], r["movie_title"]) for r in csv.DictReader(handle)
                 if r["critics_consensus"].strip() and r["rotten_tomatoes_link"] not in reviewed]
    held, words = Counter(), 0
    for text, title in texts:
        toks = tokenize(text, title)
        held.update(set(toks) | set(zip(toks, toks[1:])))
        words += len(toks)
    return held, len(texts), words / max(1, len(texts))


def ceiling(data: Path, judge: "Judge") -> dict:
    """How far planned wording can go on ROUGE-L: for each of the 66 films, every sentence of
    the shipped draft's shape made of one wording per place that the check passes, scored
    three ways: the first (as shipped), the one a model of staff texts' words prefers (learned
    from the 362 staff texts outside the 66: expected shared words and word pairs per length),
    and the best against the film's own staff text (hindsight: the ceiling, not a method)."""
    import itertools

    from rouge_score import rouge_scorer, tokenizers

    stem = tokenizers.DefaultTokenizer(use_stemmer=True)

    def tokenize(text, title):
        return stem.tokenize(title_pattern(title).sub(" zztitle ", text) if title else text)

    held, texts, length = staff_words(data, tokenize)

    def staff_like(text, title):
        toks = tokenize(text, title)
        shared = sum(held[t] for t in toks) + sum(held[b] for b in zip(toks, toks[1:]))
        return 2 * shared / texts / (len(toks) + length)

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    films, people = load_kaggle(data, None), kaggle_people(data)
    sums, sentences = defaultdict(float), []
    for title, ref, quotes in films:
        positive = sum(q.verdict == "positive" for q in quotes)
        reading = read_film(quotes, judge.polarity, title, people.get(title, ()))
        writer = _Candidates(reading, title, Grounding(quotes, title, judge.gate_vectors, judge.polarity))
        share = positive / len(quotes)
        clauses = writer.write("positive" if share >= 0.6 else "negative" if share < 0.4 else "mixed")
        shipped = _sentence([c.text for c in clauses]) if clauses else ""
        made = [_sentence(list(combo)) for combo in itertools.product(*writer.places(clauses))] if clauses else [""]
        sentences.append(len(made))
        f = {text: scorer.score(ref, text)["rougeL"].fmeasure if text else 0.0 for text in made + [shipped]}
        sums["shipped"] += f[shipped]
        sums["staff_like"] += f[max(made, key=lambda t: staff_like(t, title))]
        sums["hindsight"] += max(f.values())
        sums["lexrank"] += scorer.score(ref, lexrank(quotes).text)["rougeL"].fmeasure
    out = {k: round(v / len(films), 4) for k, v in sums.items()}
    out |= {f"{k}_ratio": round(out[k] / out["lexrank"], 3) for k in ("shipped", "staff_like", "hindsight")}
    return out | {"films": len(films), "sentences_per_film": round(float(np.mean(sentences)), 1),
                  "staff_texts_learned_from": texts}


def pairs(data: Path, judge: "Judge", n: int, seed: int) -> str:
    import random

    films, people = load_kaggle(data, None), kaggle_people(data)
    chooser = random.Random(seed)
    chosen = chooser.sample(films, min(n, len(films)))
    lines, key = [], []
    for number, (title, staff, quotes) in enumerate(chosen, 1):
        positive = sum(q.verdict == "positive" for q in quotes)
        ours = judge.drafted(quotes, title, people.get(title, ()))[1]
        texts = [("staff", staff), ("ours", ours.text or f"(no draft: {ours.reason})")]
        chooser.shuffle(texts)
        lines += [f"{number}. {title} ({positive} of {len(quotes)} quoted reviews positive)",
                  f"   A: {texts[0][1]}", f"   B: {texts[1][1]}", ""]
        key.append(f"{number}: A={texts[0][0]} B={texts[1][0]}")
    return "\n".join(lines + ["Key (read after judging):", *key])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("RECEPTION_SHARED_DATA", ROOT.parent / "shared" / "data")))
    parser.add_argument("--films", type=int, default=None, help="Only the first N rt.reviews films (by id).")
    parser.add_argument("--reference", type=Path, default=None, help="CSV of (film title, reference consensus).")
    parser.add_argument("--pairs", type=int, default=None, help="Print N films' staff text and ours, blind.")
    parser.add_argument("--seed", type=int, default=1, help="The order --pairs shuffles films and texts in.")
    parser.add_argument("--ceiling", action="store_true",
                        help="ROUGE-L of every checked sentence planned wording makes for the 66 films.")
    args = parser.parse_args()
    judge = Judge()
    if args.pairs:
        print(pairs(args.data, judge, args.pairs, args.seed))
        return
    if args.ceiling:
        print(json.dumps({"ceiling": ceiling(args.data, judge)}, indent=1))
        return
    result = {"rouge": rouge(args.data, judge, args.reference), "rt_reviews": rt_reviews(args.data, judge, args.films)}
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

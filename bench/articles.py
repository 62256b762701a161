"""Reading real film articles: the article reader against hand-written expectations, beside the
reader it replaced (bench/baselines/article_v1.py), in the same run.

    python -m bench.articles [--data ../shared/data] [--show]

For the annotated articles of wikipedia-films/ (30 real Wikipedia articles; expected/*.tsv):
- reviews: recall and precision. A review found matches an expected one by its critic (the
  same name, or the same surname), or, where the text names no critic, by its outlet; each is
  matched once. `outlet_right`: of the matched, those whose outlet is the expected one (empty
  where the text states none);
- polarity: of the matched, those whose verdict is the expected one, decided as the pipeline
  decides it (the rules, then the text model on the quote); a `mixed` one is right when it is
  marked for an editor;
- facts: recall of the title, the year, each director, writer, cast member, studio and
  distributor, and of each release (its kind and its date as stated; a release whose date the
  text does not give counts when its kind is found; a limited release is a theatrical one).
Prints one JSON object: each reader's figures, and their ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reception.settings")
    import django

    django.setup()


def expected(path: Path) -> dict:
    out: dict = {"facts": {}, "reviews": [], "releases": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        field, _, value = line.partition("\t")
        if field == "review":
            critic, outlet, year, verdict, phrase = (value.split("|") + [""] * 5)[:5]
            out["reviews"].append({"critic": critic, "outlet": outlet, "year": year, "verdict": verdict,
                                   "phrase": phrase})
        elif field == "release":
            kind, date, place = (value.split("|") + [""] * 3)[:3]
            out["releases"].append({"kind": kind, "date": date, "place": place})
        else:
            out["facts"].setdefault(field, []).append(value)
    return out


def _key(name: str) -> str:
    from reception.catalog.identity import name_key

    return name_key(name or "")


def _same_critic(found: str, wanted: str) -> bool:
    a, b = _key(found), _key(wanted)
    return bool(a and b) and (a == b or a.split()[-1] == b.split()[-1])


def _verdicts(reviews, model, rules) -> list[tuple[str, bool]]:
    """(verdict, marked for an editor) of each review, as the pipeline decides them."""
    from reception.ratings import parse_rating
    from reception.rules import bare_stars
    from reception.verdicts.text import prepare, with_rating_prior

    out = [None] * len(reviews)
    texts, at, shares = [], [], []
    for n, r in enumerate(reviews):
        rating = parse_rating(r.rating_raw)
        verdict, by, *_ = rules.apply(rating.score, rating.scale, r.label, bool(r.quote),
                                      bare_stars(rating.flag, rating.scale, rating.value))
        if verdict:
            out[n] = (verdict, r.needs_check and by not in ("critic-rating", "outlet-label"))
        elif prepare(r.quote):
            texts.append(prepare(r.quote))
            at.append(n)
            # At a rating where critics split (2.5/4) the quote is weighed with it, as verdicts.decide does.
            shares.append(rules.split_share(rating.score, rating.scale))
        else:
            out[n] = ("", True)
    for n, share, p in zip(at, shares, model.probabilities(texts) if texts else []):
        p = float(p) if share is None else with_rating_prior(float(p), share, model.config["base_rate"])
        out[n] = ("positive" if p >= 0.5 else "negative", bool(reviews[n].needs_check or 0.35 <= p <= 0.65))
    return out


def _date_as_stated(release: dict) -> str:
    day = release.get("date")
    if not day:
        return ""
    return day.strftime({"year": "%Y", "month": "%Y-%m"}.get(release.get("date_precision", "day"), "%Y-%m-%d"))


def _stated_date(text: str) -> str:
    """An expected release date as the reader would store it ('January 19, 2018' → 2018-01-19)."""
    from reception.ingest.records import parse_partial_date

    for parse in (_article_date, lambda t: parse_partial_date(t)):
        try:
            found = parse(text)
        except Exception:  # noqa: BLE001 - a form one parser does not read
            found = None
        if found and found[0]:
            day, precision = found
            return day.strftime({"year": "%Y", "month": "%Y-%m"}.get(precision, "%Y-%m-%d"))
    return ""


def _same_date(stated: str, found: str) -> bool:
    """Is a release's date (as stored: 2018, 2018-09, 2018-09-10) the one the annotation states?
    A date stated without its year ("10 September", the year the sentence's) matches by day."""
    if not stated:
        return True
    date = _stated_date(stated)
    if date:
        return date == found
    from reception.ingest.articles.dates import parse_article_date

    day = parse_article_date(f"{stated} 2000")
    return bool(day and found and found[4:] == day[0].strftime("-%m-%d"))


def _article_date(text: str):
    from reception.ingest.articles.dates import parse_article_date

    return parse_article_date(text)


def score_article(film, reviews, wanted: dict, verdicts) -> dict:
    """Counts for one article: matched, found and expected reviews; right outlets and verdicts;
    facts found and expected."""
    matched, used = [], set()
    for w in wanted["reviews"]:
        for n, r in enumerate(reviews):
            if n in used:
                continue
            if (w["critic"] and _same_critic(r.critic, w["critic"])) or \
                    (not w["critic"] and not r.critic and w["outlet"] and _key(r.outlet) == _key(w["outlet"])):
                used.add(n)
                matched.append((w, n))
                break
    outlet_right = sum(_key(reviews[n].outlet) == _key(w["outlet"]) for w, n in matched)
    polarity = sum((verdicts[n][1] if w["verdict"] == "mixed" else verdicts[n][0] == w["verdict"])
                   for w, n in matched)
    facts = wanted["facts"]
    credits = {(c["role"], _key(c["name"])) for c in (film.credits if film else [])}
    companies = {(c["role"], _key(c["name"])) for c in (film.companies if film else [])}
    found_facts = 0
    total_facts = 0
    for field, values in facts.items():
        for value in values:
            total_facts += 1
            if field == "title":
                found_facts += bool(film and _key(film.title) == _key(value))
            elif field == "year":
                found_facts += bool(film and str(film.year) == value)
            elif field in ("director", "writer"):
                found_facts += (field, _key(value)) in credits
            elif field == "cast":
                found_facts += ("actor", _key(value)) in credits
            elif field in ("studio", "distributor"):
                role = {"studio": ("studio", "production"), "distributor": ("distributor",)}[field]
                found_facts += any((r, _key(value)) in companies for r in role)
    releases = [(r["kind"], _date_as_stated(r)) for r in (film.releases if film else [])]
    for w in wanted["releases"]:
        total_facts += 1
        # A festival's premiere is a "festival" event here, a premiere in the annotation; a
        # limited release is a theatrical one (the annotation has no kind of its own for it).
        kinds = {w["kind"], {"premiere": "festival", "theatrical": "limited"}.get(w["kind"], w["kind"])}
        found_facts += any(kind in kinds and _same_date(w["date"], day) for kind, day in releases)
    return {"matched": len(matched), "found": len(reviews), "expected": len(wanted["reviews"]),
            "outlet_right": outlet_right, "polarity_right": polarity, "facts_found": found_facts,
            "facts_expected": total_facts}


def evaluate(read, articles: list[tuple[Path, Path]], model, rules, show: bool = False) -> dict:
    totals: dict = {}
    for article, annotation in articles:
        wanted = expected(annotation)
        try:
            film, reviews = read(article)
        except Exception as exc:  # noqa: BLE001 - a reader's failure counts as nothing found
            print(f"{article.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            film, reviews = None, []
        counts = score_article(film, reviews, wanted, _verdicts(reviews, model, rules))
        if show:
            print(article.name, counts, file=sys.stderr)
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    return {
        "review_recall": round(totals["matched"] / totals["expected"], 3),
        "review_precision": round(totals["matched"] / totals["found"], 3) if totals["found"] else None,
        "outlet_right": round(totals["outlet_right"] / totals["matched"], 3) if totals["matched"] else None,
        "polarity": round(totals["polarity_right"] / totals["matched"], 3) if totals["matched"] else None,
        "facts_recall": round(totals["facts_found"] / totals["facts_expected"], 3),
        **{f"n_{key}": value for key, value in totals.items()},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("RECEPTION_SHARED_DATA",
                                                                         ROOT.parent / "shared" / "data")))
    parser.add_argument("--show", action="store_true", help="Print each article's counts to stderr.")
    args = parser.parse_args(argv)
    _setup()
    from reception.rules import VerdictRules
    from reception.verdicts.model import shared_text_model

    from .baselines import article_v1

    folder = args.data / "wikipedia-films"
    articles = [(folder / "articles" / f"{p.stem}.txt", p) for p in sorted((folder / "expected").glob("*.tsv"))]
    model, rules = shared_text_model(), VerdictRules()

    def before(path):
        article = article_v1.read_article_file(path)
        return article.film, [review for _, review in article.reviews]

    def now(path):
        from reception.ingest.articles import read_article_file

        article = read_article_file(path)
        return article.film, [review for _, review in article.reviews]

    ours = evaluate(now, articles, model, rules, args.show)
    baseline = evaluate(before, articles, model, rules)
    print(json.dumps({
        "bench": "articles", "articles": len(articles), "reader": ours, "baseline": "the reader before (bench/baselines)",
        "baseline_reader": baseline,
        "ratio_review_recall": round(ours["review_recall"] / baseline["review_recall"], 2),
        "goal": {"review_recall": 0.9, "review_precision": 0.9, "polarity": 0.9, "facts_recall": 0.95},
    }))


if __name__ == "__main__":
    main()

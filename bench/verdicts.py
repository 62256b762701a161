"""Verdict quality and speed: our model beside baselines run in the same process on the same splits.

    python -m bench.verdicts [--data ../shared/data] [--model FILE] [--throughput 2000]

Prints one JSON object:
- ``rating_rule``: agreement of the rating rule with Rotten Tomatoes' fresh/rotten on the held-out
  films (per scale), and of rule + text where critics' labels split at a rating (2.5/4 …);
- ``rt_reviews``: accuracy and ECE on the quotes of the held-out films (20% of films, fixed by
  hash; the model never saw them) — ours, TF-IDF 1–2-gram + logistic regression trained on the
  training films, VADER, TextBlob;
- ``rt_polarity``: MR, 10-fold CV (interleaved folds): ours as shipped (no MR training), ours with
  a logistic head refitted per fold on the adapted encoder's vectors, TF-IDF + LR, VADER, TextBlob;
- ``throughput``: snippets/s of ours (2 threads) beside plain sentence-transformers encoding of the
  same snippets with the same packaged weights.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from reception.verdicts import data as D  # noqa: E402
from reception.verdicts.metrics import accuracy, expected_calibration_error, fit_platt, sigmoid  # noqa: E402
from reception.rules import rating_verdict, split_shares  # noqa: E402
from reception.verdicts.thresholds import agreement  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def figures(p, y) -> dict:
    return {"accuracy": round(accuracy(p, y), 4), "ece": round(expected_calibration_error(p, y), 4), "n": len(y)}


def tfidf_lr(train_x, train_y, test_x):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    clf = LogisticRegression(C=4.0, max_iter=2000).fit(vec.fit_transform(train_x), train_y)
    return clf.predict_proba(vec.transform(test_x))[:, 1]


def vader(texts):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    # compound in [-1, 1] read as a probability: the best a lexicon offers, hence its ECE.
    return np.array([(sia.polarity_scores(t)["compound"] + 1) / 2 for t in texts])


def textblob(texts):
    from textblob import TextBlob

    return np.array([(TextBlob(t).sentiment.polarity + 1) / 2 for t in texts])


def cross_validate(fit_predict, n, y, k=10):
    folds = np.array(D.polarity_folds(n, k))
    p = np.empty(n)
    for fold in range(k):
        test = folds == fold
        p[test] = fit_predict(~test, test)
    return p


def throughput(model, texts, repeats=1) -> dict:
    import torch
    from sentence_transformers import SentenceTransformer

    from reception.verdicts.modelfile import base_path

    torch.set_num_threads(2)
    plain = SentenceTransformer(base_path(), device="cpu")
    plain.encode(texts[:64])
    started = time.perf_counter()
    for _ in range(repeats):
        plain.encode(texts, batch_size=64)
    plain_rate = len(texts) * repeats / (time.perf_counter() - started)
    model.probabilities(texts[:64])
    started = time.perf_counter()
    for _ in range(repeats):
        model.probabilities(texts)
    ours_rate = len(texts) * repeats / (time.perf_counter() - started)
    return {"snippets": len(texts), "ours_per_s": round(ours_rate), "sentence_transformers_per_s": round(plain_rate),
            "ratio": round(ours_rate / plain_rate, 2), "threads": 2}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--throughput", type=int, default=2000, help="snippets timed")
    args = parser.parse_args(argv)

    import torch

    from reception.verdicts.text import TextModel, with_rating_prior

    torch.set_num_threads(2)
    model = TextModel(args.model)
    config = model.config
    out = {"model": model.id, "trained_figures": config.get("figures")}

    examples = D.load_rt_reviews(args.data)
    mr_x, mr_y = D.load_polarity(args.data)
    exclude = {D.text_key(t) for t in mr_x}

    # Ratings.
    held_out = list(D.rated_examples(examples, D.TEST))
    rule = {"held_out_films": agreement(held_out, config["thresholds"]), "thresholds": config["thresholds"]}
    splits = split_shares(config)
    both = [(ex, r) for ex in examples if ex.part == D.TEST and ex.text and ex.rating_raw
            for r in [D.parse_rating(ex.rating_raw)] if r.readable]
    at_split = [(ex, r) for ex, r in both if (r.scale, r.score) in splits]
    p_text = model.probabilities([ex.text for ex, _ in at_split])
    combined_hits = 0
    for (ex, r), p in zip(at_split, p_text):
        p = with_rating_prior(float(p), splits[(r.scale, r.score)], config["base_rate"])
        combined_hits += (p >= 0.5) == bool(ex.label)
    rule_hits = sum((rating_verdict(r.score, r.scale, config["thresholds"]) == "positive") == bool(ex.label)
                    for ex, r in both)
    split_rule_hits = sum((rating_verdict(r.score, r.scale, config["thresholds"]) == "positive") == bool(ex.label)
                          for ex, r in at_split)
    rule["held_out_with_quote"] = {
        "n": len(both), "at_split_points": len(at_split),
        "rule_only": round(rule_hits / len(both), 4),
        "rule_plus_text_at_split_points": round((rule_hits - split_rule_hits + combined_hits) / len(both), 4),
    }
    out["rating_rule"] = rule

    # rt.reviews, held-out films.
    train_x, train_y = D.text_examples(examples, D.TRAIN, exclude)
    cal_x, cal_y = D.text_examples(examples, D.CALIBRATION, exclude)
    test_x, test_y = D.text_examples(examples, D.TEST)
    started = time.perf_counter()
    rt = {"ours": figures(model.probabilities(test_x), test_y)}
    rt["tfidf_lr"] = figures(tfidf_lr(train_x + cal_x, train_y + cal_y, test_x), test_y)
    rt["vader"] = figures(vader(test_x), test_y)
    rt["textblob"] = figures(textblob(test_x), test_y)
    best = max(v["accuracy"] for k, v in rt.items() if k != "ours")
    rt["margin_over_best_baseline"] = round(rt["ours"]["accuracy"] - best, 4)
    rt["seconds"] = round(time.perf_counter() - started, 1)
    out["rt_reviews"] = rt

    # MR, 10-fold CV.
    y = np.array(mr_y)
    n = len(y)
    started = time.perf_counter()
    mr = {"ours_as_shipped": figures(model.probabilities(mr_x), y)}
    vectors = model.features(mr_x)
    from sklearn.linear_model import LogisticRegression

    def refit(train, test):
        # The head on the train folds; Platt on a tenth of them (calibration, not tuning).
        fit, cal = train.copy(), np.zeros(n, bool)
        idx = np.flatnonzero(train)
        cal[idx[::10]], fit[idx[::10]] = True, False
        clf = LogisticRegression(C=1.0, max_iter=2000).fit(vectors[fit], y[fit])
        a, b = fit_platt(clf.decision_function(vectors[cal]), y[cal])
        return sigmoid(a * clf.decision_function(vectors[test]) + b)

    mr["ours_head_per_fold"] = figures(cross_validate(refit, n, y), y)
    texts = np.array(mr_x, dtype=object)
    mr["tfidf_lr"] = figures(cross_validate(lambda tr, te: tfidf_lr(list(texts[tr]), y[tr], list(texts[te])), n, y), y)
    mr["vader"] = figures(vader(mr_x), y)
    mr["textblob"] = figures(textblob(mr_x), y)
    mr["seconds"] = round(time.perf_counter() - started, 1)
    out["rt_polarity"] = mr

    out["throughput"] = throughput(model, test_x[: args.throughput])
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

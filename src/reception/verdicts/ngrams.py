"""Word and word-pair features beside the encoder: TF-IDF of 1–2-grams with a logistic head.

The adapted encoder reads phrasing; n-grams remember the exact words critics use for praise
and blame ("misfire", "must-see"). Their logits are combined by a two-weight logistic layer
fitted on the calibration films (see `stack`): on held-out films the pair is about a point
more accurate than the encoder alone, and as well calibrated.

Inference is our own numpy code over the stored vocabulary, so serving needs no sklearn; it
reproduces sklearn's TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True) exactly (a test
holds it to that).
"""

from __future__ import annotations

import re

import numpy as np

TOKEN = re.compile(r"(?u)\b\w\w+\b")  # sklearn's default token pattern
MIN_DF, C = 3, 4.0


def _grams(text: str) -> list[str]:
    words = TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


class NgramModel:
    def __init__(self, vocabulary: list[str], idf: np.ndarray, coef: np.ndarray, intercept: float):
        self.vocabulary = vocabulary
        self.index = {term: i for i, term in enumerate(vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = float(intercept)

    @classmethod
    def fit(cls, texts: list[str], labels: list[int]) -> "NgramModel":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=MIN_DF, sublinear_tf=True)
        matrix = vectorizer.fit_transform(texts)
        head = LogisticRegression(C=C, max_iter=3000).fit(matrix, labels)
        vocabulary = [None] * len(vectorizer.vocabulary_)
        for term, i in vectorizer.vocabulary_.items():
            vocabulary[i] = term
        return cls(vocabulary, vectorizer.idf_, head.coef_[0], head.intercept_[0])

    def logits(self, texts: list[str]) -> np.ndarray:
        out = np.empty(len(texts))
        for n, text in enumerate(texts):
            counts: dict[int, int] = {}
            for gram in _grams(text):
                i = self.index.get(gram)
                if i is not None:
                    counts[i] = counts.get(i, 0) + 1
            if not counts:
                out[n] = self.intercept
                continue
            ids = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            weights = tf * self.idf[ids]
            out[n] = weights @ self.coef[ids] / np.sqrt(weights @ weights) + self.intercept
        return out

    # Stored as three tensors in the model file.
    def tensors(self) -> dict[str, np.ndarray]:
        return {
            "ngram.vocab": np.frombuffer("\n".join(self.vocabulary).encode("utf-8"), dtype=np.uint8).copy(),
            "ngram.idf": self.idf.astype(np.float32),
            "ngram.coef": self.coef.astype(np.float32),
        }

    @classmethod
    def from_tensors(cls, tensors: dict, intercept: float) -> "NgramModel":
        vocabulary = bytes(np.asarray(tensors["ngram.vocab"], dtype=np.uint8)).decode("utf-8").split("\n")
        return cls(vocabulary, tensors["ngram.idf"], tensors["ngram.coef"], intercept)


def fit_stack(encoder_logits, ngram_logits, labels) -> list[float]:
    """[encoder weight, n-gram weight, bias] of P(positive) = σ(a·z₁ + b·z₂ + c), fitted on
    held-out (calibration) films: it combines and calibrates at once."""
    from sklearn.linear_model import LogisticRegression

    x = np.c_[np.asarray(encoder_logits, float), np.asarray(ngram_logits, float)]
    fitted = LogisticRegression(C=1e4, max_iter=1000).fit(x, np.asarray(labels, int))
    return [float(fitted.coef_[0, 0]), float(fitted.coef_[0, 1]), float(fitted.intercept_[0])]

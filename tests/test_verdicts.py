"""Verdicts: the rating rule, the shipped text model, and `reception verdicts` on a database."""

import csv
import json
import subprocess
import sys

import pytest

from reception.catalog.models import Film, Review
from reception.ingest import ingest
from reception.ratings import parse_rating
from reception.rules import ANY, model_config, rating_verdict
from reception.verdicts.decide import decide_verdicts
from reception.verdicts.thresholds import tune_thresholds
from reception.verdicts.text import looks_english, prepare

from .conftest import run_cli

PRAISE = [
    "A dazzling, deeply moving masterpiece, and one of the best films of the year.",
    "Funny, warm and beautifully acted; I loved every minute of it.",
    "An exhilarating triumph that confirms its director as a major talent.",
]
PANS = [
    "A tedious, incoherent mess that wastes a talented cast.",
    "Dull, lifeless and far too long: a chore to sit through.",
    "The worst film of the year, an embarrassment for everyone involved.",
]


@pytest.fixture(scope="module")
def model():
    from reception.verdicts.text import TextModel

    return TextModel()


def verdict_of(rating: str) -> str:
    r = parse_rating(rating)
    return rating_verdict(r.score, r.scale, model_config()["thresholds"])


def test_rating_rule_is_scale_aware():
    # 3/5 (60) is positive on a five-point scale while 2.5/4 (62.5) is not a clear positive.
    assert verdict_of("3/5") == "positive"
    assert verdict_of("2.5/4") == "negative"
    assert verdict_of("3/4") == "positive"
    assert (verdict_of("B"), verdict_of("C"), verdict_of("7/10"), verdict_of("5/10")) == \
        ("positive", "negative", "positive", "negative")
    assert (verdict_of("thumbs up"), verdict_of("thumbs down")) == ("positive", "negative")
    assert rating_verdict(None, "", {ANY: 60}) == ""


def test_thresholds_are_learnt_per_scale():
    rated = [(parse_rating("3/4"), 1)] * 60 + [(parse_rating("2/4"), 0)] * 60 + \
            [(parse_rating("3/5"), 0)] * 60 + [(parse_rating("4/5"), 1)] * 60
    thresholds = tune_thresholds(rated)
    assert 50 < thresholds["/4"] <= 75 and 60 < thresholds["/5"] <= 80


def test_text_model_reads_unambiguous_quotes_offline():
    # A fresh interpreter with the hub forced offline: the weights come from packages only.
    code = (
        "import json; from reception.verdicts.text import TextModel; m = TextModel(); "
        f"print(json.dumps(m.probabilities({json.dumps(PRAISE + PANS)}).tolist()))"
    )
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    p = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(x > 0.7 for x in p[:3]), p
    assert all(x < 0.3 for x in p[3:]), p


def test_the_int8_runtime_reads_quotes_without_loading_torch(model):
    # `model` has exported the network once (RECEPTION_CACHE); a later process only runs it, and
    # a server worker then holds ~100 MB for it rather than ~280 MB with PyTorch.
    assert model.runtime == "onnx"
    code = (
        "import json, sys; from reception.verdicts.model import shared_text_model; m = shared_text_model(); "
        f"p = m.probabilities({json.dumps(PRAISE[:1] + PANS[:1])}).tolist(); "
        "print(json.dumps({'p': p, 'runtime': m.runtime, 'torch': 'torch' in sys.modules}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    read = json.loads(done.stdout.strip().splitlines()[-1])
    assert (read["runtime"], read["torch"]) == ("onnx", False)
    assert read["p"][0] > 0.7 and read["p"][1] < 0.3, read


def test_quotes_are_prepared_and_languages_told():
    assert prepare("  <p>Great&nbsp;fun.</p> ") == "Great fun."
    long = "Opening words. " + "filler " * 2000 + "In the end, a triumph."
    cut = prepare(long)
    assert len(cut) < 450 and cut.startswith("Opening words.") and cut.endswith("a triumph.")
    assert looks_english("Stunning.")
    assert looks_english(PRAISE[0])
    assert not looks_english("Un film magnifique, porté par des acteurs remarquables et une mise en scène subtile.")
    assert not looks_english("素晴らしい映画だ。俳優たちの演技が見事で、最後まで目が離せない。")


def write_csv(path, rows):
    """rows: (film, critic, quote, rating, verdict); one year and outlet for all."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["film", "year", "critic", "outlet", "quote", "rating", "verdict"])
        for film, critic, quote, rating, verdict in rows:
            out.writerow([film, 2001, critic, "Daily", quote, rating, verdict])
    return path


def _load(tmp_path, rows):
    return ingest(write_csv(tmp_path / "r.csv", rows), rejects_path=tmp_path / "rej.tsv")


@pytest.mark.django_db
def test_import_decides_from_ratings_and_labels_and_leaves_text_to_the_model(tmp_path, model):
    report = _load(tmp_path, [
        ("Alpha", "A One", PRAISE[0], "2/4", ""),        # the rating decides, even against the text
        ("Alpha", "B Two", PANS[0], "", "positive"),     # the source's label
        ("Alpha", "C Three", PRAISE[1], "2.5/4", ""),    # a split rating: the text decides
        ("Alpha", "D Four", PANS[1], "", ""),            # text only
        ("Alpha", "E Five", "", "2.5/4", ""),            # a split rating and no text: the rule
    ])
    assert (report.verdicts_from_ratings, report.verdicts_from_labels, report.awaiting_text_verdict) == (2, 1, 2)
    by = {r.critic.name: r for r in Review.objects.select_related("critic")}
    assert (by["A One"].verdict, by["A One"].decided_by) == ("negative", "critic-rating")
    assert (by["B Two"].verdict, by["B Two"].decided_by) == ("positive", "outlet-label")
    assert (by["E Five"].verdict, by["E Five"].decided_by) == ("negative", "critic-rating")
    assert by["C Three"].verdict == by["D Four"].verdict == ""

    result = decide_verdicts(model=model)
    assert result.by_model == 2
    by = {r.critic.name: r for r in Review.objects.select_related("critic")}
    assert (by["C Three"].verdict, by["C Three"].decided_by) == ("positive", "model")
    assert (by["D Four"].verdict, by["D Four"].decided_by) == ("negative", "model")
    assert by["D Four"].verdict_probability < 0.35 and not by["D Four"].needs_check
    assert by["D Four"].verdict_model == model.id


@pytest.mark.django_db
def test_deciding_some_films_leaves_the_others_alone(tmp_path, model):
    """The API and the admin decide the films they touched, and score those: a review of
    another film decided then would leave that film's figures behind."""
    _load(tmp_path, [("Gamma", "A One", "", "3/4", ""), ("Delta", "B Two", "", "1/4", "")])
    Review.objects.update(verdict="", decided_by="")  # as a change of the rules leaves them
    gamma = Film.objects.get(title="Gamma")
    report = decide_verdicts([gamma.pk], model=model)
    assert (report.by_rating, report.by_model) == (1, 0)
    assert dict(Review.objects.values_list("film__title", "verdict")) == {"Gamma": "positive", "Delta": ""}
    assert decide_verdicts(model=model).by_rating == 1
    assert dict(Review.objects.values_list("film__title", "verdict")) == {"Gamma": "positive", "Delta": "negative"}


@pytest.mark.django_db
def test_editor_verdicts_are_never_overwritten(tmp_path, model):
    _load(tmp_path, [("Beta", "A One", PANS[2], "", ""), ("Beta", "B Two", "", "1/4", "")])
    Review.objects.update(verdict="positive", decided_by="editor")
    decide_verdicts(redo=True, model=model)
    assert set(Review.objects.values_list("verdict", "decided_by")) == {("positive", "editor")}


@pytest.mark.django_db
def test_empty_foreign_and_huge_quotes_get_clear_results(tmp_path, model):
    huge = "The first hour drags badly. " + "It goes on. " * 900 + "Still, a wonderful, moving finale."
    assert len(huge) > 10_000
    film = Film.objects.create(title="Gamma", year=2003)
    for quote in ("", "Un film magnifique, porté par des acteurs remarquables et une mise en scène subtile.", huge):
        Review.objects.create(film=film, quote=quote, dedupe_key=hash(quote) % 2**62)
    result = decide_verdicts(model=model)
    assert (result.nothing_to_read, result.not_english, result.by_model) == (1, 1, 1)
    empty, french, long = Review.objects.order_by("id")
    assert (empty.verdict, empty.needs_check) == ("", False)
    assert (french.verdict, french.needs_check) == ("", True)
    assert long.verdict in ("positive", "negative") and 0 <= long.verdict_probability <= 1


@pytest.mark.django_db
def test_uncertain_model_verdicts_are_marked_for_checking(tmp_path, model):
    # Whatever the model makes of these, the mark follows its probability.
    _load(tmp_path, [("Delta", f"C{i}", q, "", "") for i, q in enumerate([
        "It is a film.", "Some of it works and some of it does not.", "Uneven but watchable.", PRAISE[2]])])
    decide_verdicts(model=model)
    for review in Review.objects.all():
        assert review.needs_check == (0.35 <= review.verdict_probability <= 0.65)
    assert not Review.objects.get(quote=PRAISE[2]).needs_check


def test_cli_verdicts_fills_and_reports(tmp_path, reception):
    path = write_csv(tmp_path / "r.csv", [("Eps", "A", PRAISE[0], "", ""), ("Eps", "B", PANS[0], "", "")])
    first = json.loads(reception("ingest", path, "--no-verdicts", "--json").stdout)
    assert first["awaiting_text_verdict"] == 2 and "verdicts" not in first
    done = reception("verdicts", "--json")
    report = json.loads(done.stdout)
    assert report["by_model"] == 2 and report["model"].startswith("minilm-lora-")
    listed = json.loads(reception("reviews", "Eps", "--json").stdout)["reviews"]
    assert {(r["critic"], r["verdict"], r["verdict_source"]) for r in listed} == \
        {("A", "positive", "model"), ("B", "negative", "model")}
    again = json.loads(reception("verdicts", "--json").stdout)
    assert again["by_model"] == 0  # nothing left to decide
    # By default an import reads the quotes itself.
    path = write_csv(tmp_path / "more.csv", [("Eps", "C", PRAISE[1], "", "")])
    more = json.loads(reception("ingest", path, "--json").stdout)
    assert more["verdicts"]["by_model"] == 1
    # ... and stores the figures of the films it touched.
    assert reception.sql("SELECT reviews, positive FROM scores_filmscore") == [(3, 2)]
    # --all decides every verdict again: the rules set-based (each distinct rating and label
    # once), the quotes by the model; an editor's stands.
    path = write_csv(tmp_path / "rated.csv", [("Eps", "D", PANS[1], "3/4", ""), ("Eps", "E", "", "", "negative")])
    reception("ingest", path)
    reception.sql("UPDATE catalog_review SET verdict = 'negative', decided_by = 'editor' WHERE critic_id = "
                  "(SELECT id FROM catalog_critic WHERE name = 'A')")
    before = {(r["critic"], r["verdict"], r["verdict_source"])
              for r in json.loads(reception("reviews", "Eps", "--json").stdout)["reviews"]}
    redone = json.loads(reception("verdicts", "--all", "--json").stdout)
    assert (redone["by_rating"], redone["by_label"], redone["by_model"]) == (1, 1, 2)
    after = {(r["critic"], r["verdict"], r["verdict_source"])
             for r in json.loads(reception("reviews", "Eps", "--json").stdout)["reviews"]}
    assert after == before and ("A", "negative", "editor") in after and ("D", "positive", "critic-rating") in after


@pytest.mark.django_db
def test_editor_override_in_the_admin_is_recorded_and_kept(tmp_path, client, django_user_model, model):
    _load(tmp_path, [("Zeta", "A", PANS[1], "", "")])
    decide_verdicts(model=model)
    review = Review.objects.get()
    assert (review.verdict, review.decided_by) == ("negative", "model")
    editor = django_user_model.objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(editor)
    done = client.post("/admin/catalog/review/", {"action": "mark_positive", "_selected_action": [review.pk]})
    assert done.status_code == 302
    review.refresh_from_db()
    assert (review.verdict, review.decided_by, review.verdict_probability) == ("positive", "editor", None)
    # The film's stored figures follow at once.
    from reception.scores.models import FilmScore

    assert (FilmScore.objects.get(film=review.film).positive, FilmScore.objects.get(film=review.film).negative) == (1, 0)
    decide_verdicts(redo=True, model=model)
    review.refresh_from_db()
    assert (review.verdict, review.decided_by) == ("positive", "editor")


def test_shipped_model_on_held_out_films(shared_data, model):
    """The shipped model on quotes of films it never saw (a fixed sample of the test split)."""
    from reception.verdicts import data as D
    from reception.verdicts.metrics import accuracy

    examples = D.load_rt_reviews(shared_data)
    texts, labels = D.text_examples(examples, D.TEST)
    texts, labels = texts[::8], labels[::8]
    assert len(texts) > 1000
    assert accuracy(model.probabilities([prepare(t) for t in texts]), labels) >= 0.78
    # The rule on ratings of the same held-out films.
    from reception.verdicts.thresholds import agreement

    assert agreement(list(D.rated_examples(examples, D.TEST)), model.config["thresholds"])["*"]["agreement"] >= 0.94


@pytest.mark.django_db
def test_verdicts_follow_a_bare_number_when_its_scale_is_learnt_again(tmp_path):
    # "8" from an outlet that writes x/10 reads as 8/10: positive.
    _load(tmp_path, [("Eta", "A", "", "7/10", ""), ("Eta", "B", "", "8", ""),
                     ("Eta", "C", "", "3", ""), ("Eta", "D", "", "9", "")])
    b = Review.objects.get(critic__name="B")
    assert (b.rating_scale, b.verdict, b.decided_by) == ("/10", "positive", "critic-rating")
    # The same outlet later publishes a 40: its bare numbers are out of 100 after all.
    ingest(write_csv(tmp_path / "more.csv", [("Eta", "E", "", "40", "")]), rejects_path=tmp_path / "r2.tsv")
    b.refresh_from_db()
    assert (b.rating_scale, b.verdict, b.decided_by) == ("/100", "negative", "critic-rating")


def test_ngram_half_reproduces_sklearn_exactly():
    import itertools

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from reception.verdicts.ngrams import C, MIN_DF, NgramModel

    good, bad = ["superb", "moving", "witty", "gorgeous"], ["dull", "tedious", "clumsy", "lifeless"]
    nouns = ["film", "script", "cast", "ending"]
    texts, labels = [], []
    for (word, label), noun, n in itertools.product([(w, 1) for w in good] + [(w, 0) for w in bad], nouns, range(2)):
        texts.append(f"A {word} {noun}{', truly ' + word if n else ''} — the {noun} is {word}.")
        labels.append(label)
    ours = NgramModel.fit(texts, labels)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=MIN_DF, sublinear_tf=True)
    theirs = LogisticRegression(C=C, max_iter=3000).fit(vectorizer.fit_transform(texts), labels)
    new = ["A superb, moving script.", "Tedious and dull, the ending is lifeless.", "Nothing known here.", ""]
    assert np.allclose(ours.logits(new), theirs.decision_function(vectorizer.transform(new)), atol=1e-9)


def test_a_quote_reads_the_same_alone_or_among_others(model):
    """The int8 runtime scales activations by a whole batch's range: read in batches, one quote
    scored 0.469 alone and 0.423 among others. Each quote is now read alone."""
    quotes = [prepare(q) for q in PRAISE + PANS + ["Uneven, but it has its moments.", "Not bad, not good either."]]
    alone = [float(model.probabilities([q])[0]) for q in quotes]
    together = model.probabilities(quotes).tolist()
    assert together == alone
    assert model.probabilities(quotes[::-1]).tolist() == alone[::-1]


@pytest.mark.slow  # a process killed while it reads quotes is the point
def test_a_killed_reception_verdicts_resumed_decides_as_an_uninterrupted_run(tmp_path):
    import random
    import signal
    import sqlite3
    import time

    from .conftest import cli_env

    rng = random.Random(11)
    words = ["gripping", "dull", "tender", "clumsy", "grand", "thin", "sharp", "muddled", "warm", "tedious",
             "uneven", "moving", "flat", "witty", "lazy", "bold"]
    rows = [(f"Film {n % 40}", f"Critic {n}", f"It is {rng.choice(words)} and {rng.choice(words)}, then "
             f"{rng.choice(words)} (take {n}).", "", "") for n in range(2600)]
    path = write_csv(tmp_path / "quotes.csv", rows)
    decided = {}
    for name in ("killed", "whole"):
        db = tmp_path / f"{name}.db"
        run_cli("ingest", path, "--no-verdicts", db=f"sqlite:///{db}")
        if name == "killed":
            proc = subprocess.Popen([sys.executable, "-m", "reception.cli", "verdicts"], env=cli_env(f"sqlite:///{db}"),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            count = 0
            for _ in range(600):  # until some batches are committed, and not all
                time.sleep(0.05)
                with sqlite3.connect(db) as reading:
                    count = reading.execute("SELECT count(*) FROM catalog_review WHERE verdict <> ''").fetchone()[0]
                if count:
                    break
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            assert 0 < count < len(rows), count
            # Reviews added meanwhile are read in the resumed run's batches, beside the first file's.
            run_cli("ingest", write_csv(tmp_path / "more.csv", [("Film X", f"Other {n}", f"Quite {words[n % 16]}.", "",
                                                                   "") for n in range(100)]),
                    "--no-verdicts", db=f"sqlite:///{db}")
        run_cli("verdicts", db=f"sqlite:///{db}")
        with sqlite3.connect(db) as reading:
            decided[name] = reading.execute("SELECT quote, verdict, decided_by, verdict_probability, needs_check "
                                            "FROM catalog_review WHERE quote LIKE 'It is %' ORDER BY quote").fetchall()
    assert len(decided["whole"]) == len(rows) and all(row[1] for row in decided["whole"])
    assert decided["killed"] == decided["whole"]

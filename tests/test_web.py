"""The pages a visitor sees first (the full site is tested in a browser elsewhere)."""

import pytest

from reception.cli import DEMO_DATA
from reception.ingest import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path):
    ingest(DEMO_DATA, rejects_path=tmp_path / "r.tsv")


def test_web_home_lists_the_demo_films(client, demo):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "One from the Heart" in html and "The Lantern Keeper" in html and "sample data" in html
    data = client.get("/films.json").json()
    assert {"One from the Heart", "Salt and Thunder"} <= {f["title"] for f in data["films"]}


def test_web_film_page_and_its_json_twin(client, demo):
    url = next(f["url"] for f in client.get("/films.json").json()["films"] if f["title"] == "One from the Heart")
    html = client.get(url).content.decode()
    assert "Janet Maslin" in html and "Zoetrope Studios" in html and "One From the Heart: Reprise" in html
    data = client.get(url + ".json").json()
    assert data["reviews"]["count"] == 4 and len(data["reviews"]["items"]) == 4 and data["year"] == 1982
    assert client.get("/films/99999-nothing").status_code == 404


def test_web_review_text_is_escaped(client, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("film,critic,quote,verdict\nEvil,Mallory,<script>alert(1)</script>,negative\n")
    ingest(path, rejects_path=tmp_path / "r.tsv")
    url = client.get("/films.json").json()["films"][0]["url"]
    html = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_web_film_page_shows_scores_without_inventing_one(client, demo):
    from reception.scores.compute import score

    score()
    films = {f["title"]: f["url"] for f in client.get("/films.json").json()["films"]}
    heart = client.get(films["One from the Heart"]).content.decode()
    assert "not enough reviews: 4 with a verdict, 5 needed" in heart
    data = client.get(films["Salt and Thunder"] + ".json").json()
    figures = data["score"]
    assert figures["reviews"] >= 5 and figures["percent_positive"] is not None
    low, high = figures["interval_90"]
    assert low <= figures["percent_positive"] <= high
    html = client.get(films["Salt and Thunder"]).content.decode()
    assert f"{figures['percent_positive']:.0f}%</strong> positive" in html and "90% interval" in html

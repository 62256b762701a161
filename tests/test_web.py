"""The pages a visitor sees first (the full site is tested in a browser elsewhere)."""

import pytest

from reception.ingest import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_data, db):
    return demo_data


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
    url = next(f["url"] for f in client.get("/films.json").json()["films"] if f["title"] == "Evil")
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


def test_web_internal_pages_show_settings_masked_and_the_versions_behind_the_figures(client, settings):
    settings.RECEPTION_SECRET_KEY = "a-real-secret"
    settings.RECEPTION_DATABASE_URL = "postgresql://dbuser7:hunter2@127.0.0.1:5432/reception"
    shown = {row["name"]: row for row in client.get("/-/settings.json").json()["settings"]}
    from reception.config import TABLE

    assert set(shown) == {entry.name for entry in TABLE}
    assert shown["RECEPTION_SECRET_KEY"]["value"] == "********" and shown["RECEPTION_SECRET_KEY"]["default"] == ""
    assert shown["RECEPTION_DATABASE_URL"]["value"] == "postgresql://********@127.0.0.1:5432/reception"
    assert shown["RECEPTION_API_RATE"] == {"name": "RECEPTION_API_RATE", "value": "120/m", "default": "120/m",
                                           "set": False, "help": shown["RECEPTION_API_RATE"]["help"]}
    body = client.get("/-/settings.json").content.decode()
    assert "a-real-secret" not in body and "hunter2" not in body and "dbuser7" not in body
    versions = client.get("/-/versions.json").json()
    from reception.rules import model_config

    assert versions["verdict_model"] == model_config()["id"]
    assert versions["verdict_rules"] == f"{versions['verdict_model']}:rule"
    assert versions["consensus_author"].startswith("reception-consensus/")
    assert len(versions["scoring_code"]) == 24 and versions["database"].startswith("sqlite 3.")

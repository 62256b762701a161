"""Search as a visitor uses it: the best match first, typos forgiven, every section paged."""

import json

import pytest

from reception import pipeline
from reception.ingest import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(tmp_path):
    films = [("A Christmas Carol", 1938, 0, "Alastair Sim"), ("Carol", 2015, 12, "Todd Haynes"),
             ("Carolina Moon", 1940, 1, "Ann Lane"), ("Skyfall", 2012, 9, "Sam Mendes"),
             ("The Godfather", 1972, 8, "Francis Ford Coppola"),
             ("Three Billboards Outside Ebbing, Missouri", 2017, 6, "Martin McDonagh")]
    lines = []
    for title, year, reviews, director in films:
        lines.append({"type": "film", "title": title, "year": year,
                      "credits": [{"name": director, "role": "director"}]})
        lines += [{"type": "review", "film": title, "year": year, "critic": f"Critic {i}", "outlet": f"Paper {i}",
                   "date": f"{year}-06-0{1 + i % 9}", "verdict": "positive" if i % 4 else "negative"}
                  for i in range(reviews)]
    path = tmp_path / "catalogue.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    pipeline.refresh(ingest(path, rejects_path=tmp_path / "r.tsv").touched_films, read_text=False)


def test_search_ranks_the_best_match_then_the_most_reviewed(client, catalogue):
    found = client.get("/search.json?q=carol").json()
    assert [f["title"] for f in found["films"]] == ["Carol", "Carolina Moon", "A Christmas Carol"]
    assert found["counts"]["films"] == 3 and found["did_you_mean"] is None
    assert [f["title"] for f in client.get("/search.json?q=godfather").json()["films"]] == ["The Godfather"]


@pytest.mark.parametrize("typo, meant", [("skyfalll", "Skyfall"), ("godfahter", "The Godfather"),
                                         ("three bilboards", "Three Billboards Outside Ebbing, Missouri")])
def test_search_forgives_typos_with_did_you_mean(client, catalogue, typo, meant):
    found = client.get("/search.json", {"q": typo}).json()
    assert found["films"] == [] and found["did_you_mean"] == meant
    assert found["close_matches"][0]["title"] == meant
    page = client.get("/search", {"q": typo}).content.decode()
    assert "Did you mean <a href=" in page and "Close matches" in page


def test_search_pages_each_section_and_people_have_pages(client, catalogue, monkeypatch):
    from reception.web import search

    monkeypatch.setattr(search, "PER_PAGE", 2)
    first = client.get("/search.json?q=carol").json()
    assert (first["paging"]["films"]["pages"], len(first["films"])) == (2, 2)
    more = client.get("/search.json?q=carol&section=films&page=2").json()
    assert [f["title"] for f in more["films"]] == ["A Christmas Carol"] and more["people"] == []
    assert 'rel="next">More films</a>' in client.get("/search?q=carol").content.decode()
    (person,) = client.get("/search.json?q=mendes").json()["people"]
    page = client.get(person["url"] + ".json").json()
    assert [(c["title"], c["role"], c["reviews"]) for c in page["credits"]] == [("Skyfall", "director", 9)]
    assert client.get(f"/api/v1/people/{page['id']}").json()["credits"][0]["percent_positive"] is not None
    assert client.get(f"/people/{page['id']}").status_code == 301


def test_indexes_and_the_catalogue_export_for_research(client, catalogue):
    import csv
    import io

    critics = client.get("/critics.json").json()
    assert critics["count"] == 12 and critics["items"][0]["reviews"] >= critics["items"][-1]["reviews"]
    assert client.get("/api/v1/people?q=mendes").json()["items"][0]["name"] == "Sam Mendes"
    assert "Paper 0" in client.get("/outlets").content.decode()
    films = client.get("/api/v1/export/films?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(films.streaming_content).decode())))
    assert len(rows) == 6 and {r["title"] for r in rows} >= {"Carol", "Skyfall"}
    carol = next(r for r in rows if r["title"] == "Carol")
    assert (carol["reviews"], carol["positive"], carol["badge"]) == ("12", "9", "fresh")
    reviews = [json.loads(line) for line in b"".join(
        client.get("/api/v1/export/reviews?format=jsonl").streaming_content).decode().splitlines()]
    assert len(reviews) == 36 and {r["decided_by"] for r in reviews} == {"outlet-label"}
    assert set(reviews[0]) >= {"rating", "label", "verdict", "decided_by", "conflict", "published_inferred"}
    assert client.get("/api/v1/export/films?format=xlsx").status_code == 400


def test_addresses_redirect_to_the_canonical_page_and_errors_keep_the_layout(client, catalogue):
    from reception.catalog.models import Film

    carol = Film.objects.get(title="Carol")
    moved = client.get(f"/films/{carol.pk}-wrong-words.json?show=top")
    assert (moved.status_code, moved["Location"]) == (301, f"/films/{carol.slug}.json?show=top")
    assert client.get(f"/films/{carol.pk}")["Location"] == f"/films/{carol.slug}"
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Nothing here" in missing.content.decode() and 'name="q"' in \
        missing.content.decode()
    assert client.get("/favicon.ico")["Location"] == "/static/web/favicon.svg"
    words = client.get(f"/films/{carol.slug}").content.decode()
    assert "the critic&#x27;s own label" in words and "outlet-label" not in words.split('id="reviews"')[1]


def test_a_critic_page_shows_their_record_by_year_and_their_generosity(client, catalogue):
    from reception.catalog.models import Critic, Review
    from reception.scores.compute import score

    critic = Critic.objects.get(name="Critic 0")  # reviewed every film: negative each time (i % 4 == 0)
    Review.objects.filter(critic=critic).update(rating=40.0)
    Review.objects.exclude(critic=critic).update(rating=80.0)
    score(full=True)
    data = client.get(f"/critics/{critic.slug}.json").json()["history"]
    years = {y["year"]: y for y in data["by_year"]}
    assert set(years) == {1940, 1972, 2012, 2015, 2017}
    assert all(y["percent_positive"] == 0.0 for y in years.values())
    # Rotten on every fresh film: never with the critics; Carolina Moon (1 review) has no badge to compare.
    assert years[1940]["agreement"] is None and all(years[y]["agreement"] == 0.0 for y in (1972, 2012, 2015, 2017))
    assert data["ratings"]["average_rating"] == 40.0 and data["ratings"]["difference"] < -20
    page = client.get(f"/critics/{critic.slug}").content.decode()
    assert "points below their average" in page and "By year of review" in page


def test_openapi_types_every_route(client):
    """Each operation documents what it answers: a JSON schema (a typed model) or a file's type."""
    def unique(pairs):
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), keys  # a strict reader (Swagger UI) refuses a repeated key
        return dict(pairs)

    spec = json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=unique)
    untyped = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            status = "201" if "201" in operation["responses"] else "200"
            content = operation["responses"][status].get("content", {})
            json_schema = content.get("application/json", {}).get("schema", {})
            if not (json_schema.get("$ref") or set(content) - {"application/json"}):
                untyped.append(f"{method.upper()} {path}")
    assert untyped == []
    film = spec["components"]["schemas"]["FilmOut"]["properties"]
    assert {"score", "consensus", "reviews", "came_back"} <= set(film)

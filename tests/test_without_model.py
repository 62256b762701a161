"""An install without the `model` extra: imports, rules, scores, consensus and the site work;
quotes that only the text model can decide wait for it, and every command says so plainly.

The commands run in subprocesses whose path starts with a folder that shadows each of the
model's parts with a module failing to import as a missing one does, so that they see what an
install without them sees, while the rest of this environment stays as it is.
"""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from reception.verdicts.model import INSTALL, PARTS

from .conftest import cli_env, run_cli

# Each test runs `reception` in processes whose model parts are shadowed: the processes are the point.
pytestmark = pytest.mark.slow

QUOTE_ONLY = {"film": "Quiet Harbour", "year": 2001, "critic": "Ada Byrne", "outlet": "Weekly Bugle",
              "quote": "A wonderful, moving film, beautifully acted and shot."}
RATED = {"film": "Quiet Harbour", "year": 2001, "critic": "Tom Reyes", "outlet": "Daily Lamp",
         "quote": "Dull.", "rating": "1/4"}


@pytest.fixture
def bare_env(tmp_path):
    """A function giving the environment of a `reception` subprocess on `db` without the model."""
    shadow = tmp_path / "without-model"
    shadow.mkdir()
    for part in PARTS:
        (shadow / f"{part}.py").write_text(
            f"raise ModuleNotFoundError(\"No module named '{part}'\", name={part!r})\n")

    def env(db: str) -> dict:
        base = cli_env(db)
        base["PYTHONPATH"] = str(shadow) + (":" + base["PYTHONPATH"] if base.get("PYTHONPATH") else "")
        return base

    return env


def bare_cli(env, *args, db: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reception.cli", *map(str, args)], env=env(db),
                          capture_output=True, text=True)


def test_the_shadow_hides_the_model(bare_env, tmp_path):
    done = subprocess.run([sys.executable, "-c", "import torch"], env=bare_env("sqlite:///unused"),
                          capture_output=True, text=True)
    assert done.returncode == 1 and "No module named 'torch'" in done.stderr


def test_import_and_verdicts_without_the_model_then_with_it(bare_env, tmp_path):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    data = tmp_path / "reviews.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in (QUOTE_ONLY, RATED)))
    imported = bare_cli(bare_env, "ingest", data, db=db)
    # The import itself succeeds; the quote waits, and the summary says what to install.
    assert imported.returncode == 0, imported.stderr
    assert "imported 2 reviews" in imported.stdout and "1 from ratings" in imported.stdout
    assert "quotes waiting for the text model: 1" in imported.stdout and INSTALL in imported.stdout
    assert "Traceback" not in imported.stderr

    reviews = json.loads(bare_cli(bare_env, "reviews", "Quiet Harbour (2001)", "--json", db=db).stdout)
    verdicts = {r["critic"]: r["verdict"] for r in reviews["reviews"]}
    assert verdicts == {"Ada Byrne": None, "Tom Reyes": "negative"}
    score = json.loads(bare_cli(bare_env, "score", "Quiet Harbour (2001)", "--json", db=db).stdout)["score"]
    assert (score["reviews"], score["negative"]) == (1, 1)  # only the decided review counts

    asked = bare_cli(bare_env, "verdicts", "--json", db=db)
    assert asked.returncode == 1  # asked to read quotes, and could not
    report = json.loads(asked.stdout)
    assert report["waiting"] == 1 and INSTALL in report["model_missing"] and report["by_model"] == 0

    # Installed, the model reads the quote that waited, and the film's figures follow.
    done = json.loads(run_cli("verdicts", "--json", db=db).stdout)
    assert (done["by_model"], done["waiting"], done["model_missing"]) == (1, 0, "")
    reviews = json.loads(run_cli("reviews", "Quiet Harbour (2001)", "--json", db=db).stdout)
    ada = next(r for r in reviews["reviews"] if r["critic"] == "Ada Byrne")
    assert (ada["verdict"], ada["verdict_source"]) == ("positive", "model")
    score = json.loads(run_cli("score", "Quiet Harbour (2001)", "--json", db=db).stdout)["score"]
    assert (score["reviews"], score["positive"]) == (2, 1)


def test_demo_consensus_and_training_without_the_model(bare_env, tmp_path):
    db = f"sqlite:///{tmp_path / 'd.db'}"
    demo = bare_cli(bare_env, "demo", "--no-serve", db=db)
    assert demo.returncode == 0, demo.stderr
    assert "0 rejected" in demo.stdout and "consensus: " in demo.stdout
    # Drafted from the verdicts and the words that judge: the film page has its consensus.
    drafted = bare_cli(bare_env, "consensus", "One from the Heart (1982)", "--json", db=db)
    assert drafted.returncode == 0, drafted.stderr
    consensus = json.loads(drafted.stdout)["consensus"]
    assert consensus["text"] and all(clause["review_ids"] for clause in consensus["clauses"])
    # Nothing could check it, and the editor is told so.
    assert all("not checked against the reviews" in clause["why"] for clause in consensus["clauses"])

    trained = bare_cli(bare_env, "train", "--data", tmp_path, "--out", tmp_path / "m.safetensors", db=db)
    assert trained.returncode == 1
    assert trained.stderr.startswith("Error: [E004] the text model is not installed") and INSTALL in trained.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_api_review_waits_for_the_model(bare_env, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    data = tmp_path / "rated.jsonl"
    data.write_text(json.dumps(RATED) + "\n")
    assert bare_cli(bare_env, "ingest", data, db=db).returncode == 0
    film = json.loads(bare_cli(bare_env, "reviews", "Quiet Harbour (2001)", "--json", db=db).stdout)["id"]
    subprocess.run([sys.executable, "-m", "reception.cli", "editor", "ed", "--password-stdin"], input="pw-long-enough\n",
                   env=bare_env(db), check=True, capture_output=True, text=True)
    token = bare_cli(bare_env, "token", "ed", db=db).stdout.strip()
    port = _free_port()
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "reception.cli", "serve", "--port", str(port), "--workers", "1",
                               "--no-access-log"], env=bare_env(db), stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/films/{film}", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.2)
        post = urllib.request.Request(
            f"{base}/films/{film}/reviews", data=json.dumps({k: v for k, v in QUOTE_ONLY.items()
                                                             if k not in ("film", "year")}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(post, timeout=30) as answer:
            assert answer.status == 201
            body = json.loads(answer.read())
        assert (body["imported"], body["waiting_for_text_model"]) == (1, 1)
        with urllib.request.urlopen(f"{base}/films/{film}", timeout=5) as answer:
            page = json.loads(answer.read())
        assert page["score"]["reviews"] == 1  # the review that waits is not counted yet
    finally:
        server.terminate()
        server.wait(10)
        log.close()

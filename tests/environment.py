"""The tests' environment, set before anything reads it: loaded as a plugin (`-p
tests.environment` in pyproject.toml), ahead of pytest-django, which loads Django's settings
before any conftest.py runs. The tests' own processes inherit it."""

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="reception-tests-"))

# A real SQLite file (the in-process tests' database is its test twin), and a static root that exists.
os.environ["RECEPTION_DATABASE_URL"] = f"sqlite:///{TMP / 'reception.db'}"
os.environ["RECEPTION_TEST_SQLITE"] = str(TMP / "test-reception.db")
os.environ["RECEPTION_STATIC_ROOT"] = str(TMP / "static")
(TMP / "static").mkdir(exist_ok=True)
# The verdict model's int8 export, kept by the model's id in the checkout (ignored by git), not
# in ~/.cache: built by the first test run on a fresh checkout (CI's), reused by the next.
os.environ["RECEPTION_CACHE"] = str(ROOT / ".cache" / "tests")

# The two set-up commands: `make demo` and `make test`. Both create .venv as needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/reception demo --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench.ingest --repeat 3
	$(BIN)/python -m bench.films
	$(BIN)/python -m bench.verdicts
	$(BIN)/python -m bench.scores
	$(BIN)/python -m bench.badges
	$(BIN)/python -m bench.consensus
	$(BIN)/python -m bench.articles
	$(BIN)/python -m bench.labels
	$(BIN)/python -m bench.site
	$(BIN)/python -m bench.cluster

# The WAL and its index go with the database: a new reception.db must not meet an old WAL.
clean:
	rm -rf $(VENV) staticfiles reception.db reception.db-wal reception.db-shm *.rejects.tsv

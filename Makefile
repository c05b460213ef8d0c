# Two commands for a fresh machine with Python 3.11:
#   make demo   installs everything and runs the main job on the sample articles
#   make test   installs the development extras (and Ray, for the Ray engine's test) and runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test install install-dev browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,ray]"

demo: install
	$(BIN)/stance quotes seeds/articles -o $(OUT)/quotes.jsonl
	$(BIN)/stance speakers seeds/articles
	$(BIN)/stance score seeds/articles -o $(OUT)/scores.jsonl
	$(BIN)/stance report $(OUT)/scores.jsonl -o $(OUT)/report

# Debian's Chromium for the browser tests (the report page, the review page); skipped when it cannot be installed
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "note: Chromium could not be installed; the browser tests will be skipped"

test: install-dev browser
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info

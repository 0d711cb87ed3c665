# Two commands do all the set-up: `make run` (the bot on SQLite, jobs in-process,
# the local chat page at http://127.0.0.1:5000/dev/chat) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install browser lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/flask --app app init-db
	$(BIN)/flask --app app demo-data
	$(BIN)/flask --app app run --port 5000

browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; } || echo "chromium could not be installed: the browser test will be skipped"

test: $(STAMP) browser lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lint (ruff, configured in pyproject.toml; it never reformats) and type checks (mypy) on the core.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

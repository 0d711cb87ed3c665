# Two commands do all the set-up: `make run` (the bot on SQLite, jobs in-process,
# the local chat page at http://127.0.0.1:5000/dev/chat) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install browser lint bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# bot/nlp's hot modules compiled by mypyc (bot/compiled.py), again after any change under bot/nlp;
# where they cannot be built, or while the source differs from the build, the source runs.
COMPILED := bot/nlp/_compiled/.tried
$(COMPILED): $(STAMP) $(wildcard bot/nlp/*.py) bot/kinds.py bot/compiled.py
	$(BIN)/python -m bot.compiled build
	@mkdir -p $(dir $@) && touch $@

install: $(STAMP) $(COMPILED)

run: $(STAMP) $(COMPILED)
	$(BIN)/flask --app app init-db
	$(BIN)/flask --app app demo-data
	$(BIN)/flask --app app run --port 5000

# Debian packages the tests use: Chromium and Japanese fonts for the page tests, IPAex Gothic
# (embedded in the monthly report's PDF) and poppler-utils (to look at that PDF as an image).
SYSTEM_PACKAGES := chromium fonts-noto-cjk fonts-ipaexfont-gothic poppler-utils

browser:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; } || echo "$(SYSTEM_PACKAGES) could not all be installed: the tests that need them are skipped"

test: $(STAMP) $(COMPILED) browser lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lint and format check (ruff, configured in pyproject.toml; `ruff format .` fixes the format) and type checks (mypy) on the core.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Every bench under bench/ (minutes; not part of `make test`), results in bench/RESULTS.md.
bench: $(STAMP) $(COMPILED)
	$(BIN)/python -m bench

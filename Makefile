# Two commands matter: `make run` and `make test`. Both do all set-up themselves.
# The first Python 3.11 that can make a venv, the system's own first: Debian and Ubuntu build theirs with
# profile-guided and link-time optimisation, and on this machine it runs the suite a fifth faster than a
# plain source build of 3.11 (pyenv's default). PYTHON=... picks another; an existing .venv is kept as it is.
ifndef PYTHON
PYTHON := $(shell for p in /usr/bin/python3.11 python3.11 python3; do \
  command -v $$p >/dev/null && $$p -c 'import ensurepip, sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null \
  && { command -v $$p; exit; }; done; command -v python3.11 || command -v python3)
endif
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi.py
export BASE_URL ?= http://$(HOST):$(PORT)
# Compiled modules, and pytest's rewritten test modules, are kept in __pycache__ (ignored by git). Where
# PYTHONDONTWRITEBYTECODE is set (this machine sets it), every test process compiled them all again:
# 4 s of each pytest worker's start, four workers a run.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test install constraints assets translations db browsers lint bench extract-messages clean FORCE

# The project and its dev extra from pyproject.toml, within the pins of constraints.txt.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# New pins: the newest versions pyproject.toml's ranges admit, installed fresh and tested together.
constraints:
	rm -rf /tmp/feedback-constraints && $(PYTHON) -m venv /tmp/feedback-constraints
	/tmp/feedback-constraints/bin/pip install -q -e ".[dev]"
	{ sed -n '1,3p' constraints.txt; /tmp/feedback-constraints/bin/pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt

# Third-party front-end files are copied in at set-up; never committed. htmx comes from the npm
# registry.
VENDOR := static/vendor
$(VENDOR)/.installed: package.json
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)
	npm install --no-audit --no-fund --no-package-lock --silent
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	touch $@

# plotly.js is the bundle the plotly Python package carries, the one its figures are checked
# against. Compared on every run, so a new plotly in the venv (or an older copy) is replaced.
# After `make install`; a venv installed without make (see Production in README.md) is used as it is.
$(VENDOR)/plotly.min.js: $(if $(wildcard $(BIN)/python),$(wildcard $(VENV)/.installed),$(VENV)/.installed) FORCE
	@mkdir -p $(VENDOR)
	@src=$$($(BIN)/python -c "import os, plotly; print(os.path.join(os.path.dirname(plotly.__file__), 'package_data', 'plotly.min.js'))") \
	  && { cmp -s "$$src" $@ || { cp "$$src" $@ && echo "cp $$src $@"; }; }

FORCE:

assets: $(VENDOR)/.installed $(VENDOR)/plotly.min.js

translations: install
	$(BIN)/pybabel compile -f -d feedback/translations

db: install
	$(BIN)/flask db upgrade

run: install assets translations db
	$(BIN)/flask seed-demo
	@echo "Serving on $(BASE_URL) (Ctrl-C stops)"
	@# The outbox worker sends beside the server (the console provider writes to this log).
	@$(BIN)/flask outbox work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flask run --host $(HOST) --port $(PORT)

# Browser tests use Debian's Chromium (its headless shell), never a downloaded browser.
browsers:
	@command -v chromium-headless-shell >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium-headless-shell)

lint: install
	$(BIN)/ruff check .

# SQLite always (the browser tests too); PostgreSQL as well when TEST_DATABASE_URL is set (CI sets it).
# pytest-xdist spreads each run over every core; both runs go to the end and either failing fails the target.
TEST_WORKERS ?= auto
test: install assets translations browsers lint
	@$(BIN)/pytest -q -n $(TEST_WORKERS); sqlite=$$?; pg=0; \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== on PostgreSQL ($$TEST_DATABASE_URL)"; \
	  TEST_DB=postgres $(BIN)/pytest -q -n $(TEST_WORKERS) -m "not browser" -p no:cacheprovider; pg=$$?; \
	fi; \
	test $$sqlite -eq 0 -a $$pg -eq 0

bench: install assets translations browsers
	$(BIN)/python bench/page_weight
	$(BIN)/python bench/vote_load
	$(BIN)/python bench/live_poll
	$(BIN)/python bench/dashboard
	$(BIN)/python bench/meeting_load
	$(BIN)/python bench/outbox
	$(BIN)/python bench/request_cpu

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -o feedback/translations/messages.pot .
	$(BIN)/pybabel update -i feedback/translations/messages.pot -d feedback/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) node_modules static/vendor

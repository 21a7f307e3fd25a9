# Two commands for a fresh machine: `make run` (the app with demo data on http://127.0.0.1:5000)
# and `make test` (the whole test suite, installing what it needs, Chromium included).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app vaalikone

.PHONY: run test install install-test chromium translations demo bench lint clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	$(FLASK) translate compile

install-test: $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	$(FLASK) translate compile

# Debian's Chromium drives the browser tests (Playwright cannot download its own browser here);
# Debian's nginx fronts the two-node production test.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx for the two-node test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }

run: install
	$(FLASK) demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install-test chromium
	$(BIN)/python -m pytest

translations: $(BIN)/activate
	$(FLASK) translate update

bench: install
	$(BIN)/python -m vaalikone.bench

# Style and architecture: ruff's rules and formatting, and the import contracts of setup.cfg.
lint: install-test
	$(BIN)/ruff check vaalikone tests
	$(BIN)/ruff format --check vaalikone tests
	$(BIN)/lint-imports setup.cfg

clean:
	rm -rf $(VENV) build *.egg-info

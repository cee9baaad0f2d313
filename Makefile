# One entry point for people and CI. Every target starts from an idempotent `install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DATA_DIR ?= ./var
STAMP := $(VENV)/.installed
# Push needs a contact address for the push services; a real deployment sets its own.
export WEGOVNOW_VAPID_SUBJECT ?= mailto:webmaster@wegovnow.example.org

.PHONY: install run test bench clean pwa chromium migrations

install: $(STAMP) pwa

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

pwa:
	@if [ -f pwa/package.json ]; then \
	  cd pwa && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build; \
	fi

run: install
	$(BIN)/wegovnow serve --port $(PORT) --data-dir $(DATA_DIR)

# Debian's Chromium drives the browser tests; Playwright never downloads its own.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: install chromium
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Benchmarks print ratios against a baseline measured in the same run; run by hand.
bench: install
	$(BIN)/python bench/bench_sync.py
	$(BIN)/python bench/bench_proposals.py
	$(BIN)/python bench/bench_push.py

# After changing a model: write the migration that brings older databases along.
migrations: install
	$(BIN)/wegovnow db makemigrations $(if $(NAME),--name $(NAME))

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist

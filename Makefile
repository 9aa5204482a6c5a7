# Two commands: `make run` and `make test`. Everything else is for developers and CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install lint types browser chromium bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) $(BIN)/threadline serve

test: $(STAMP) chromium
	$(BIN)/pytest
	$(BIN)/pytest -m browser

browser: $(STAMP) chromium
	$(BIN)/pytest -m browser

# Browser tests drive Debian's Chromium; Playwright's own browser download cannot work here.
# The PDFs set text in DejaVu Sans and Chinese, Japanese and Korean in WenQuanYi Micro Hei.
chromium:
	@{ command -v chromium && test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc; } >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core fonts-wqy-microhei; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy threadline

bench: $(STAMP)
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# Kartoteka: `make demo` then `make test`. Everything installs into .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
DEMO_DIR := demo-output

.PHONY: install demo test typecheck lint bench clean chromium

install: $(STAMP) chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

chromium:
	@test -x $(CHROMIUM) -a -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
	  echo "Installing Debian's chromium (browser tests) and DejaVu fonts (PDF reports)"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

demo: install
	bash scripts/demo.sh

PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

test: install
	$(BIN)/ruff check kartoteka tests benchmarks
	$(BIN)/python -m mypy
	KARTOTEKA_TEST_PG=$${KARTOTEKA_TEST_PG-$(PG_TEST_URL)} $(BIN)/python -m pytest -n $${PYTEST_WORKERS:-auto} --dist loadfile

typecheck: install
	$(BIN)/python -m mypy

bench: install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/import_speed.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) kartoteka.db kartoteka.db-wal kartoteka.db-shm

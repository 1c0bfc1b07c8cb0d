# Streamer Studio: `make run` starts the app, `make test` runs the checks, `make bench` the benchmarks.
# Each target creates .venv and installs what is missing first (Python packages from
# pyproject.toml, Debian libraries through apt-get only when absent).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEPS_STAMP := $(VENV)/.deps-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
K ?=

DIST_VENV := build/dist-venv
BUNDLE := dist/studio/studio

.PHONY: run test lint typecheck bench screenshots clean dist dist-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(DEPS_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.deps-*
	touch $@

run: $(DEPS_STAMP)
	bash packaging/install-system-deps.sh gui
	$(BIN)/studio

lint: $(DEPS_STAMP)
	$(BIN)/ruff check studio_app tests
	$(BIN)/lint-imports

# mypy (pyproject [tool.mypy]) against the shrink-only allow-list typecheck-ratchet.txt.
typecheck: $(DEPS_STAMP)
	$(BIN)/python tools/typecheck.py

test: $(DEPS_STAMP)
	bash packaging/install-system-deps.sh test
	$(BIN)/ruff check studio_app tests
	$(BIN)/lint-imports
	$(BIN)/python tools/typecheck.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

# The wheel, the sdist and the PyInstaller one-folder bundle (dist/studio/), built from the
# installed wheel in a venv of its own (packaging/README.md).
dist: $(DEPS_STAMP)
	bash packaging/install-system-deps.sh dist
	rm -rf dist build/pyinstaller
	$(BIN)/python -m build -o dist .
	$(PYTHON) -m venv --clear $(DIST_VENV)
	$(DIST_VENV)/bin/python -m pip install -q "$$(ls dist/*.whl)[dist]"
	cd packaging && ../$(DIST_VENV)/bin/pyinstaller --noconfirm --log-level WARN \
		--distpath ../dist --workpath ../build/pyinstaller studio.spec
	@echo "built: $$(ls dist/*.whl dist/*.tar.gz) $(BUNDLE)"

$(BUNDLE):
	$(MAKE) dist

# The bundle's smoke test (slow: builds everything first); CI runs it after `make test`.
dist-test: dist
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -o addopts="-ra" tests/bundle

bench: $(DEPS_STAMP) $(BUNDLE)
	bash packaging/install-system-deps.sh bench
	rm -f bench-results.json
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/bench -o addopts="" -p no:cacheprovider -q -s $(if $(K),-k "$(K)")
	@echo "wrote bench-results.json"

screenshots: $(DEPS_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshots.py docs

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache bench-results.json

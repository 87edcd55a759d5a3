# Cluster Pathways — the two commands a newcomer needs (see README.md):
#   make book   set up everything, execute the chapters, build the HTML (warnings are errors)
#   make test   set up everything, run the whole test suite
# Also: make bench (speed and size figures), make clean.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BOOK_HTML := _build/html/index.html

.PHONY: book test bench assets venv clean clean-cache help

help:
	@echo "make book   build the course (creates .venv, installs pinned packages, executes chapters)"
	@echo "make test   run every test (package, data, notebooks, grader, book build, browser)"
	@echo "make bench  print build times, page weights, explorer latency, import time, student env size"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (the course needs Python 3.11)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

assets: $(STAMP)
	$(BIN)/python book/_ext/course_assets.py

book: $(STAMP) assets
	@$(BIN)/python -c "from clusterkit import bench; bench.forget_stale_outputs() and print('the package, data, configuration or bibliography changed: stale build files dropped')"
	CLUSTERKIT_BOOK=1 $(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "The book is at $(abspath $(BOOK_HTML))"

test: $(STAMP) assets
	$(BIN)/python -m pytest

bench: $(STAMP) assets
	$(BIN)/python -m clusterkit bench

clean:
	rm -rf _build artifacts

clean-cache: clean
	rm -rf .cache

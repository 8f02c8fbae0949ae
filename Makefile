# xxgk-kit: `make demo` and `make test` are all a fresh machine needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-quick lab typecheck docs clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,lab,ocr]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/xxgk demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

typecheck: $(STAMP)
	$(BIN)/python -m mypy

docs: $(STAMP)
	$(BIN)/python -c "from kit.cli import update_readme; update_readme()"

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

clean:
	rm -rf $(VENV) outputs/* data build *.egg-info

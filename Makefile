# Every target creates the local virtual environment .venv on first use and installs into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test unit nbtest notebooks bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

test: unit nbtest

unit: $(STAMP)
	$(BIN)/python -m pytest tests

# Execute every notebook top to bottom; any error or failed assert fails the run.
nbtest: $(STAMP)
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
	  $(BIN)/python -m pytest --nbval-lax -p no:cacheprovider notebooks/; \
	else echo "no notebooks yet"; fi

# Re-execute every notebook in place so its stored outputs come from one fresh run.
notebooks: $(STAMP)
	@for nb in notebooks/*.ipynb; do \
	  [ -e "$$nb" ] || continue; \
	  echo "executing $$nb"; \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=120 \
	    --ExecutePreprocessor.record_timing=False "$$nb" || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) .pytest_cache

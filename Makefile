# Every target creates the local virtual environment .venv on first use and installs into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# nbval in its comparing mode: every stored output must match a fresh run, after the sanitize
# file has masked what truly varies (timings, rounding-level residuals, object addresses).
NBVAL := $(BIN)/python -m pytest -p no:cacheprovider --nbval \
         --nbval-sanitize-with notebooks/nbval_sanitize.cfg

.PHONY: lab test unit nbtest notebooks bench clean

# uv installs the wheels in parallel: about 10 s on a fresh machine against about 75 s for pip.
# If uv cannot be had (no wheel for the platform, say), plain pip does the same install.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@if $(BIN)/python -m pip install --quiet --disable-pip-version-check uv \
	    && $(BIN)/uv pip install --quiet --python $(BIN)/python -e .; then \
	  echo "installed with uv"; \
	else \
	  echo "uv unavailable: installing with pip"; \
	  $(BIN)/python -m pip install --quiet --upgrade pip && $(BIN)/python -m pip install --quiet -e .; \
	fi
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

test: unit nbtest

unit: $(STAMP)
	$(BIN)/python -m pytest tests

# Execute every notebook and compare its outputs with the stored ones. Figures go to a temporary
# folder, and the run must leave every tracked file as it found it (git status before = after).
nbtest: $(STAMP)
	@before="$$(git status --porcelain 2>/dev/null)"; \
	figures="$$(mktemp -d)"; \
	NNLIB_FIGURES_DIR="$$figures" $(NBVAL) notebooks/; status=$$?; \
	rm -rf "$$figures"; \
	[ $$status -eq 0 ] || exit $$status; \
	after="$$(git status --porcelain 2>/dev/null)"; \
	if [ "$$before" != "$$after" ]; then \
	  echo "running the notebooks changed tracked files:"; git status --short; exit 1; \
	fi

# Re-execute every notebook in place, so its stored outputs come from one fresh run, and write
# the figures the README shows into figures/.
notebooks: $(STAMP)
	@for nb in notebooks/*.ipynb; do \
	  [ -e "$$nb" ] || continue; \
	  echo "executing $$nb"; \
	  start=$$($(BIN)/python -c 'import time; print(time.time())'); \
	  NNLIB_FIGURES_DIR="$(CURDIR)/figures" $(BIN)/jupyter nbconvert --to notebook --execute \
	    --inplace --ExecutePreprocessor.timeout=120 \
	    --ExecutePreprocessor.record_timing=False "$$nb" || exit 1; \
	  $(BIN)/python -c "import time; print(f'  ran in {time.time() - $$start:.1f} s')"; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) .pytest_cache

# Every target creates the local virtual environment .venv on first use and installs into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# nbval in its comparing mode: every stored output must match a fresh run, after the sanitize
# file has masked what truly varies (timings, rounding-level residuals, object addresses).
NBVAL := $(BIN)/python -m pytest -p no:cacheprovider --nbval \
         --nbval-sanitize-with notebooks/nbval_sanitize.cfg

.PHONY: lab test unit nbtest nbtest-worked nbtest-learner notebooks learner bench browser-test clean

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

# Execute every notebook, worked and learner edition, and compare its outputs with the stored
# ones: the two sets in two nbval processes, side by side unless NBTEST_JOBS=1. The run must
# leave every tracked file as it found it (git status before = after).
NBTEST_JOBS ?= 2
# Each half's report in one piece, where make can (GNU make 4; macOS ships 3.81).
SYNC := $(if $(filter output-sync,$(.FEATURES)),--output-sync=target)
nbtest: $(STAMP)
	@before="$$(git status --porcelain 2>/dev/null)"; \
	$(MAKE) --no-print-directory -j$(NBTEST_JOBS) $(SYNC) nbtest-worked nbtest-learner \
	  || exit $$?; \
	after="$$(git status --porcelain 2>/dev/null)"; \
	if [ "$$before" != "$$after" ]; then \
	  echo "running the notebooks changed tracked files:"; git status --short; exit 1; \
	fi

nbtest-worked: $(STAMP)
	@$(call nbval_in,notebooks/*.ipynb)

nbtest-learner: $(STAMP)
	@$(call nbval_in,notebooks/learner/)

# nbval over $(1), with the figures going to a temporary folder removed afterwards.
nbval_in = figures="$$(mktemp -d)"; NNLIB_FIGURES_DIR="$$figures" $(NBVAL) $(1); \
	status=$$?; rm -rf "$$figures"; exit $$status

# Write the learner editions (notebooks/learner/) of the worked notebooks that have changed.
learner: $(STAMP)
	$(BIN)/python notebooks/learner_edition.py

# Re-execute every notebook in place, so its stored outputs come from one fresh run: the worked
# ones write the figures the README shows into figures/; the learner editions, written first,
# send theirs to a temporary folder, so they never change figures/.
notebooks: learner
	@$(call execute,notebooks/*.ipynb,$(CURDIR)/figures)
	@figures="$$(mktemp -d)"; ( $(call execute,notebooks/learner/*.ipynb,$$figures) ); \
	status=$$?; rm -rf "$$figures"; exit $$status

# Execute the notebooks $(1) in place, one at a time, their figures going to the folder $(2).
execute = for nb in $(1); do \
	  [ -e "$$nb" ] || continue; \
	  echo "executing $$nb"; \
	  start=$$($(BIN)/python -c 'import time; print(time.time())'); \
	  NNLIB_FIGURES_DIR="$(2)" $(BIN)/jupyter nbconvert --to notebook --execute \
	    --inplace --ExecutePreprocessor.timeout=120 --ExecutePreprocessor.store_widget_state=False \
	    --ExecutePreprocessor.record_timing=False "$$nb" || exit 1; \
	  $(BIN)/python -c "import time; print(f'  ran in {time.time() - $$start:.1f} s')"; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/bench_playground.py

# The playground in a real browser: JupyterLab on 127.0.0.1 and headless Chromium (Debian's
# chromium package) driven by Playwright. Not part of make test; about 35 s on 2 cores.
browser-test: $(STAMP)
	@[ -x "$${NNLIB_CHROMIUM:-/usr/bin/chromium}" ] || { \
	  echo "make browser-test needs Chromium: apt-get install -y chromium"; exit 1; }
	@$(BIN)/python -c "import playwright" 2>/dev/null || \
	  $(BIN)/python -m pip install --quiet -e ".[browser]"
	NNLIB_BROWSER_TESTS=1 $(BIN)/python -m pytest -p no:cacheprovider -s tests/browser

clean:
	rm -rf $(VENV) .pytest_cache

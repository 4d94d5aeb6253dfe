"""The browser tests start JupyterLab and Chromium, so the default ``pytest tests`` run leaves
them out; ``make browser-test`` runs them by name."""
import os

# Collected only when asked for: NNLIB_BROWSER_TESTS=1 (set by make browser-test).
collect_ignore_glob = [] if os.environ.get("NNLIB_BROWSER_TESTS") == "1" else ["test_*.py"]

"""What every stored notebook output must not hold, in both editions."""
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").rglob("[0-9]*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_no_warning_or_error_text_is_stored(path):
    # A warning printed to stderr names a file of the machine that ran it, so its text differs
    # on every other machine; a notebook should not warn in the first place.
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for i, cell in enumerate(cells):
        for out in cell.get("outputs", []):
            assert out.get("name") != "stderr", f"cell {i} stored stderr: {''.join(out['text'])}"
            assert out.get("output_type") != "error", f"cell {i} stored an error"

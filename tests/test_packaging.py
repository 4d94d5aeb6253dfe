"""The two install routes (pip via pyproject.toml, conda via environment.yml) must not drift."""
import re
import sys
from pathlib import Path

import pytest

import nnlib

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = None


def _split(requirement):
    name, bound = re.match(r"\s*([A-Za-z0-9_.-]+)\s*(.*)", requirement).groups()
    return name.lower().replace("_", "-"), bound.replace(" ", "")


def _pyproject_deps():
    text = (ROOT / "pyproject.toml").read_text()
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    return dict(_split(r) for r in tomllib.loads(text)["project"]["dependencies"])


def _conda_deps():
    deps, section = {}, None
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^\w", line):
            section = line.split(":")[0]
        m = re.match(r"^  - ([A-Za-z][^:#]*)$", line.rstrip())
        if m and section == "dependencies":
            name, bound = _split(m.group(1))
            if name not in ("python", "pip"):
                deps[name] = bound
    return deps


def test_environment_yml_matches_pyproject():
    assert _conda_deps() == _pyproject_deps()


def test_version_matches_pyproject():
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^version = "([^"]+)"', text, re.M).group(1) == nnlib.__version__


def test_import_needs_only_numpy():
    """``import nnlib`` must not pull in matplotlib, scikit-learn or sympy."""
    import subprocess

    code = ("import sys, nnlib; heavy = [m for m in ('matplotlib', 'sklearn', 'sympy', 'scipy') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_subpackage_is_installed():
    # A plain (non-editable) install ships only what pyproject.toml's package finder lists.
    from setuptools import find_packages

    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    find = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    shipped = set(find_packages(ROOT, **find["find"]))
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "nnlib").rglob(
        "__init__.py")}
    assert on_disk <= shipped

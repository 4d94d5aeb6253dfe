"""The benchmark script runs end to end on a tiny size, so it cannot rot (timings not checked)."""
import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"
TINY = ["--quick", "--repeats", "1", "--threads", "1", "--samples", "256"]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_runs_on_a_tiny_size(bench, capsys):
    result = bench.main(TINY + ["--contenders", "gemm,nnlib,sklearn"])
    out = capsys.readouterr().out
    rows = result["rows"]
    names = {(r["problem"], r["dtype"], r["name"], r["opt"]) for r in rows}
    for problem in ("small", "large"):
        for dtype in ("float32", "float64"):
            assert (problem, dtype, "gemm", "-") in names
            for opt in ("sgd", "adam"):
                assert {(problem, dtype, who, opt) for who in ("nnlib", "sklearn")} <= names
    assert all(r["samples_per_s"] > 0 and r["of_gemm"] > 0 for r in rows)
    assert all(r["nnlib_x"] > 0 for r in rows if r["name"] == "sklearn")
    assert "of GEMM" in out and "Targets (1 thread)" in out
    assert "load_digits 64-128-10" in out and "growth from epoch 2" in out
    assert all(acc >= 0.9 for _, acc, _ in result["accuracy"])


def test_bench_without_torch_says_it_was_skipped(bench, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    result = bench.main(TINY + ["--problems", "small", "--dtypes", "float32",
                                "--contenders", "nnlib,torch", "--no-extras"])
    assert "PyTorch is not installed: skipped" in capsys.readouterr().out
    assert {r["name"] for r in result["rows"]} == {"nnlib"}


def test_bench_rejects_unknown_names(bench):
    with pytest.raises(SystemExit):
        bench.parse_args(["--problems", "huge"])

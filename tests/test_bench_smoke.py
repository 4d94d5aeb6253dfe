"""The benchmark runs end to end on a tiny size, so it cannot rot (timings are not checked);
and the fast paths it measures give the same numbers as the plain ones."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import nnlib
import nnlib.data

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"
TINY = ["--quick", "--repeats", "1", "--threads", "1", "--samples", "256"]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_runs_on_a_tiny_size(bench, capsys):
    result = bench.main(TINY + ["--contenders", "gemm,nnlib,numpy,sklearn"])
    out = capsys.readouterr().out
    rows = result["rows"]
    names = {(r["problem"], r["dtype"], r["name"], r["opt"]) for r in rows}
    for problem in ("small", "large"):
        for dtype in ("float32", "float64"):
            assert (problem, dtype, "gemm", "-") in names
            for opt in ("sgd", "adam"):
                assert {(problem, dtype, who, opt) for who in ("nnlib", "numpy", "sklearn")} \
                    <= names
    assert all(r["samples_per_s"] > 0 and r["of_gemm"] > 0 for r in rows)
    assert all(r["nnlib_x"] > 0 for r in rows if r["name"] in ("numpy", "sklearn"))
    assert "of GEMM" in out and "Targets (1 thread)" in out
    assert "load_digits 64-128-10" in out and "growth from epoch 2" in out
    assert all(acc >= 0.9 for _, acc, _ in result["accuracy"])


@pytest.mark.parametrize("gather_bytes", [nnlib.data.EPOCH_GATHER_BYTES, 0])
@pytest.mark.parametrize("opt", ["sgd", "adam"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_plain_numpy_loop_is_the_same_training_as_nnlib(bench, monkeypatch, opt, dtype,
                                                        gather_bytes):
    # The "numpy" contender is only a fair floor if it does exactly nnlib's arithmetic.
    monkeypatch.setattr(nnlib.data, "EPOCH_GATHER_BYTES", gather_bytes)  # both shuffle paths
    sizes = [64, 16, 12, 10]
    X, y = bench.make_data("small", dtype, 300)
    model, optimizer, loader = bench.nnlib_setup(sizes, 32, X, y, opt)
    flat = model.layers[0].params["W"].base
    start, plain = flat.copy(), flat.copy()
    history = nnlib.fit(model, "cross_entropy", optimizer, loader, 2)
    last_loss = bench.train_numpy(sizes, 32, X, y, 2, opt, plain)
    assert not np.array_equal(plain, start)  # it trained
    np.testing.assert_array_equal(plain, flat)
    assert last_loss == pytest.approx(history["loss"][-1], rel=1e-12)


def test_bench_without_torch_says_it_was_skipped(bench, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    result = bench.main(TINY + ["--problems", "small", "--dtypes", "float32",
                                "--contenders", "nnlib,torch", "--no-extras"])
    assert "PyTorch is not installed: skipped" in capsys.readouterr().out
    assert {r["name"] for r in result["rows"]} == {"nnlib"}


def test_bench_profile_names_nnlib_functions(bench, capsys):
    result = bench.main(TINY + ["--profile", "--problems", "small", "--dtypes", "float32"])
    out = capsys.readouterr().out
    assert "small float32 sgd" in out and "small float32 adam" in out
    assert "layers.py" in out and "optimizers.py" in out and "of which matrix products" in out
    assert len(result["profile"]) >= 2 * 3


def test_bench_rejects_unknown_names(bench):
    with pytest.raises(SystemExit):
        bench.parse_args(["--problems", "huge"])


# -- the fast paths the benchmark measures give the same numbers as the plain ones -------------
def _unpacked_copy(model):
    """(name, value, grad) triples holding separate copies: the optimizer's per-array path."""
    return [(n, v.copy(), g.copy()) for n, v, g in model.parameters()]


@pytest.mark.parametrize("make", [
    lambda ps: nnlib.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    lambda ps: nnlib.Adam(ps, lr=0.01, weight_decay=0.01),
])
def test_whole_model_update_equals_per_array_update(make):
    model = nnlib.mlp([5, 7, 3], "tanh", "softmax", rng=0, dtype=np.float32)
    assert len(model.parameters().groups) == 1  # mlp builds every layer in one store
    loose = _unpacked_copy(model)
    fast, slow = make(model.parameters()), make(loose)
    assert len(fast.groups) == 1 and len(slow.groups) == 4
    X = np.random.default_rng(0).standard_normal((8, 5)).astype(np.float32)
    loss = nnlib.get_loss("cross_entropy")
    Y = model.prepare_targets(np.arange(8) % 3, loss)
    for _ in range(3):
        model.loss_and_gradients(X, Y, loss)
        for (_, _, g), (_, _, g_loose) in zip(model.parameters(), loose):
            g_loose[...] = g
        fast.step()
        slow.step()
    for (name, v, _), (_, w, _) in zip(model.parameters(), loose):
        np.testing.assert_array_equal(v, w)
        assert v.dtype == np.float32
        assert sorted(fast.state[name]) == sorted(slow.state[name])
        for key, state in fast.state[name].items():
            assert state.shape == v.shape
            np.testing.assert_array_equal(state, slow.state[name][key])


def test_cross_entropy_value_from_probabilities_matches_logits():
    ce = nnlib.get_loss("cross_entropy")
    rng = np.random.default_rng(0)
    for scale in (1.0, 1000.0):  # the second underflows: the exact logits path is taken
        Z = scale * rng.standard_normal((16, 4))
        Y = ce.prepare(rng.integers(0, 4, 16), 4, np.float64)
        value = ce.value_from_logits(Z, Y, y_hat=nnlib.softmax(Z))
        np.testing.assert_allclose(value, ce.value_from_logits(Z, Y), rtol=1e-13)


def test_large_data_shuffled_batch_by_batch_gives_the_same_batches(monkeypatch):
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)

    def epochs():
        loader = nnlib.DataLoader(X, y, batch_size=6, shuffle=True, rng=3)
        return [(Xb.copy(), yb.copy()) for _ in range(2) for Xb, yb in loader]

    whole = epochs()
    monkeypatch.setattr(nnlib.data, "EPOCH_GATHER_BYTES", 0)
    for (a, b), (c, d) in zip(whole, epochs()):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_per_sample_plain_loop_is_the_same_training_as_nnlib(bench, dtype):
    # The batch-1 row's floor: notebook 09's recipe as a flat loop, bit for bit nnlib's.
    X, y = bench.make_data("circles", dtype, 60)
    model, optimizer, loader = bench.circles_setup(X, y)
    flat = model.layers[0].store.values
    start, plain = flat.copy(), flat.copy()
    history = nnlib.fit(model, "mse", optimizer, loader, 2)
    last_loss = bench.train_numpy_circles(bench.PROBLEMS["circles"]["sizes"], X, y, 2, plain)
    assert not np.array_equal(plain, start)
    np.testing.assert_array_equal(plain, flat)
    assert last_loss == pytest.approx(history["loss"][-1], rel=1e-12)

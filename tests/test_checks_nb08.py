"""The checks of notebook 08's exercises: a right answer passes, a stub is "not written yet",
and each classic mistake, written out as a learner would write it, gets its own diagnosis."""
import inspect

import numpy as np
import pytest

import nnlib
from nnlib import checks
from nnlib.checks import _nb08


def run(check, fn, capsys):
    """The one line a check prints, and the function it hands back."""
    returned = check(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.strip(), returned


# -- head_gradients ----------------------------------------------------------------------------

def head_right(A, delta, w):
    return w * A.T @ delta, w * delta.sum(axis=0)


def test_head_right_answer_passes(capsys):
    line, returned = run(checks.head_gradients, head_right, capsys)
    assert line.startswith("✓ head_gradients: matches nnlib on 3 random inputs")
    assert returned is head_right


def test_head_stub_is_not_written_yet(capsys):
    def head_gradients(A, delta, w):
        raise NotImplementedError  # your code here
    line, returned = run(checks.head_gradients, head_gradients, capsys)
    assert line.startswith("… head_gradients: not written yet")
    assert returned is _nb08._head_reference


def no_weight(A, delta, w):
    return A.T @ delta, delta.sum(axis=0)


def weight_twice(A, delta, w):
    delta = w * delta
    return w * (A.T @ delta), w * np.sum(delta, axis=0)


def weight_on_dW_only(A, delta, w):
    return w * (A.T @ delta), np.sum(delta, axis=0)


def dW_transposed(A, delta, w):
    return w * delta.T @ A, w * delta.sum(axis=0)


def averaged(A, delta, w):
    N = A.shape[0]
    return w * A.T @ delta / N, w * delta.sum(axis=0) / N


def db_wrong_axis(A, delta, w):
    return w * A.T @ delta, w * delta.sum(axis=1)


def db_not_summed(A, delta, w):
    return w * A.T @ delta, w * delta


@pytest.mark.parametrize("fn, message", [
    (no_weight, "dW, db: the loss weight is missing"),
    (weight_twice, "dW, db: the loss weight is applied twice"),
    (weight_on_dW_only, "db: the loss weight is on dW only"),
    (dW_transposed, "dW: dW is transposed"),
    (averaged, "dW, db: divided by N"),
    (db_wrong_axis, "db: db is summed over the wrong axis"),
    (db_not_summed, "db: db is not summed"),
])
def test_head_mistakes_are_named(fn, message, capsys):
    line, returned = run(checks.head_gradients, fn, capsys)
    assert line.startswith(f"✗ head_gradients: {message}")
    assert returned is _nb08._head_reference


def test_head_in_place_change_is_named(capsys):
    def head_gradients(A, delta, w):
        delta *= w
        return A.T @ delta, delta.sum(axis=0)
    line, _ = run(checks.head_gradients, head_gradients, capsys)
    assert line.startswith("✗ head_gradients: changed the caller's array `delta` in place")


def test_head_unknown_mistake_gets_the_generic_line(capsys):
    def head_gradients(A, delta, w):
        return w * A.T @ delta, w * delta.max(axis=0)
    line, _ = run(checks.head_gradients, head_gradients, capsys)
    assert line.startswith("✗ head_gradients: db differs from nnlib's")
    assert "none of the classic mistakes" in line


# -- trunk_gradient ----------------------------------------------------------------------------

def trunk_right(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
    return w_setosa * delta_setosa @ W_setosa.T + w_area * delta_area @ W_area.T


def test_trunk_right_answer_passes(capsys):
    line, returned = run(checks.trunk_gradient, trunk_right, capsys)
    assert line.startswith("✓ trunk_gradient: matches nnlib on 3 random inputs")
    assert returned is trunk_right


def test_trunk_reference_is_what_multitask_sends_the_trunk():
    # A MultiTask with unequal weights: its trunk gradients equal those of one trunk backward
    # pass with the reference's dA.
    rng = np.random.default_rng(3)
    X, y_cls, y_reg = rng.standard_normal((7, 2)), rng.integers(0, 2, 7), rng.standard_normal(7)
    net = nnlib.MultiTask([nnlib.Dense(2, 5, "tanh", rng=1)],
                          {"setosa": nnlib.Dense(5, 1, "sigmoid", rng=2),
                           "area": nnlib.Dense(5, 1, rng=3)}, {"setosa": 0.3, "area": 2.0})
    losses = net.resolve_loss({"setosa": "bce", "area": "mse"})
    Y = net.prepare_targets({"setosa": y_cls, "area": y_reg}, losses)
    net.loss_and_gradients(X, Y, losses)
    want = net.trunk.layers[0].grads["W"].copy()
    deltas = {h: net.heads[h].output_loss(Y[h], losses[h])[1] for h in net.heads}
    dA = _nb08._trunk_reference(deltas["setosa"], net.heads["setosa"].layers[0].params["W"],
                                deltas["area"], net.heads["area"].layers[0].params["W"], 0.3, 2.0)
    net.trunk.backward(dA, input_grad=False)
    np.testing.assert_allclose(net.trunk.layers[0].grads["W"], want, rtol=1e-12)


def test_trunk_stub_is_not_written_yet(capsys):
    def trunk_gradient(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
        raise NotImplementedError  # your code here
    line, returned = run(checks.trunk_gradient, trunk_gradient, capsys)
    assert line.startswith("… trunk_gradient: not written yet")
    assert returned is _nb08._trunk_reference


def unweighted(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
    return delta_setosa @ W_setosa.T + delta_area @ W_area.T


def weights_twice(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
    d1, d2 = w_setosa * delta_setosa, w_area * delta_area
    return w_setosa * d1 @ W_setosa.T + w_area * d2 @ W_area.T


def setosa_only(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
    return w_setosa * delta_setosa @ W_setosa.T


def area_only(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
    return w_area * (delta_area @ W_area.T)


def weights_swapped(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
    return w_area * delta_setosa @ W_setosa.T + w_setosa * delta_area @ W_area.T


def averaged_heads(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
    return (w_setosa * delta_setosa @ W_setosa.T + w_area * delta_area @ W_area.T) / 2


def transposed(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
    return w_setosa * W_setosa @ delta_setosa.T + w_area * W_area @ delta_area.T


@pytest.mark.parametrize("fn, message", [
    (unweighted, "the loss weights are missing"),
    (weights_twice, "the loss weights are applied twice"),
    (setosa_only, "only the setosa head's gradient"),
    (area_only, "only the area head's gradient"),
    (weights_swapped, "the weights are swapped"),
    (averaged_heads, "the heads' gradients are averaged, not summed"),
    (transposed, "the result is transposed"),
])
def test_trunk_mistakes_are_named(fn, message, capsys):
    line, returned = run(checks.trunk_gradient, fn, capsys)
    assert line.startswith(f"✗ trunk_gradient: {message}")
    assert returned is _nb08._trunk_reference


def test_trunk_in_place_change_is_named(capsys):
    def trunk_gradient(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
        delta_setosa *= w_setosa
        return delta_setosa @ W_setosa.T + w_area * delta_area @ W_area.T
    line, _ = run(checks.trunk_gradient, trunk_gradient, capsys)
    assert line.startswith("✗ trunk_gradient: changed the caller's array `delta_setosa` in place")


def test_trunk_wrong_shape_names_the_expected_one(capsys):
    def trunk_gradient(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
        return (w_setosa * delta_setosa @ W_setosa.T + w_area * delta_area @ W_area.T).sum(axis=0)
    line, _ = run(checks.trunk_gradient, trunk_gradient, capsys)
    assert line.startswith("✗ trunk_gradient: dA has shape (3,)") and "expected (5, 3)" in line


def test_trunk_unknown_mistake_gets_the_generic_line(capsys):
    def trunk_gradient(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
        return w_setosa * delta_setosa @ W_setosa.T - w_area * delta_area @ W_area.T
    line, _ = run(checks.trunk_gradient, trunk_gradient, capsys)
    assert line.startswith("✗ trunk_gradient: dA differs from nnlib's")
    assert "none of the classic mistakes" in line


# -- every diagnosis is unambiguous ------------------------------------------------------------

def _outputs(fn, cases, n_out):
    outs = [fn(*c.copy()[0]) for c in cases]
    return [[np.asarray(o, dtype=float) for o in (out if n_out > 1 else (out,))] for out in outs]


def _same(a, b):
    return all(x.shape == y.shape and np.allclose(x, y, rtol=1e-6, atol=0)
               for xs, ys in zip(a, b) for x, y in zip(xs, ys))


@pytest.mark.parametrize("mistakes, reference, cases, n_out", [
    (_nb08._HEAD_MISTAKES, _nb08._head_reference, _nb08._head_cases(), 2),
    (_nb08._TRUNK_MISTAKES, _nb08._trunk_reference, _nb08._trunk_cases(), 1),
])
def test_each_mistake_differs_from_the_answer_and_from_the_others(mistakes, reference, cases,
                                                                 n_out):
    results = [_outputs(m.fn, cases, n_out) for m in mistakes]
    right = _outputs(reference, cases, n_out)
    for i, result in enumerate(results):
        assert not _same(result, right), mistakes[i].message
        for j in range(i):
            assert not _same(result, results[j]), (mistakes[i].message, mistakes[j].message)


# -- the reference stands in for the learner's function ----------------------------------------

@pytest.mark.parametrize("reference, right", [
    (_nb08._head_reference, head_right),
    (_nb08._trunk_reference, trunk_right),
])
def test_reference_has_the_notebooks_signature(reference, right):
    # A failed check hands the notebook the reference, which the notebook then calls just as it
    # would call the learner's function: same parameter names, same defaults.
    assert inspect.signature(reference) == inspect.signature(right)

"""The checks of notebook 09's exercises: a right answer passes, a stub is "not written yet",
and each classic mistake, written out as a learner would write it, gets its own diagnosis."""
import inspect

import numpy as np
import pytest

import nnlib
from nnlib import checks
from nnlib.checks import _nb09


def run(check, fn, capsys):
    """The one line a check prints, and the function it hands back."""
    returned = check(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.strip(), returned


# -- row_backward ------------------------------------------------------------------------------

def backward_right(delta, W, A_prev):
    return A_prev.T @ delta, delta.sum(axis=0), (delta @ W.T) * A_prev * (1 - A_prev)


def test_row_backward_right_answer_passes(capsys):
    line, returned = run(checks.row_backward, backward_right, capsys)
    assert line.startswith("✓ row_backward: matches nnlib on 3 random inputs")
    assert returned is backward_right


def test_row_backward_reference_matches_a_sigmoid_network():
    # Inside a sigmoid network, the reference's delta_prev is the delta nnlib passes down.
    rng = np.random.default_rng(4)
    net = nnlib.mlp([3, 4, 2], "sigmoid", "sigmoid", rng=0)
    X, y = rng.standard_normal((6, 3)), rng.uniform(size=(6, 2))
    loss = nnlib.get_loss("mse")
    net.loss_and_gradients(X, net.prepare_targets(y, loss), loss)
    top = net.layers[1]
    _, delta = net.output_loss(net.prepare_targets(y, loss), loss)
    dW, db, delta_prev = _nb09._row_backward_reference(delta, top.params["W"], top.cache["X"])
    np.testing.assert_allclose(dW, top.grads["W"], rtol=1e-12)
    np.testing.assert_allclose(db, top.grads["b"], rtol=1e-12)
    np.testing.assert_allclose(net.layers[0].cache["X"].T @ delta_prev, net.layers[0].grads["W"],
                               rtol=1e-12)


def test_row_backward_stub_is_not_written_yet(capsys):
    def row_backward(delta, W, A_prev):
        raise NotImplementedError  # your code here
    line, returned = run(checks.row_backward, row_backward, capsys)
    assert line.startswith("… row_backward: not written yet")
    assert returned is _nb09._row_backward_reference


def column_form_dW(delta, W, A_prev):
    return delta.T @ A_prev, delta.sum(axis=0), (delta @ W.T) * A_prev * (1 - A_prev)


def dW_averaged(delta, W, A_prev):
    return A_prev.T @ delta / len(delta), delta.sum(axis=0), (delta @ W.T) * A_prev * (1 - A_prev)


def db_wrong_axis(delta, W, A_prev):
    return A_prev.T @ delta, delta.sum(axis=1), (delta @ W.T) * A_prev * (1 - A_prev)


def db_averaged(delta, W, A_prev):
    return A_prev.T @ delta, np.mean(delta, axis=0), (delta @ W.T) * A_prev * (1 - A_prev)


def db_is_delta(delta, W, A_prev):
    return A_prev.T @ delta, delta, (delta @ W.T) * A_prev * (1 - A_prev)


def no_derivative(delta, W, A_prev):
    return A_prev.T @ delta, delta.sum(axis=0), delta @ W.T


def sigmoid_again(delta, W, A_prev):
    s = nnlib.sigmoid(A_prev)
    return A_prev.T @ delta, delta.sum(axis=0), (delta @ W.T) * s * (1 - s)


def wrong_sign(delta, W, A_prev):
    return A_prev.T @ delta, delta.sum(axis=0), (delta @ W.T) * A_prev * (A_prev - 1)


def tanh_derivative(delta, W, A_prev):
    return A_prev.T @ delta, delta.sum(axis=0), (delta @ W.T) * (1 - A_prev**2)


@pytest.mark.parametrize("fn, message", [
    (column_form_dW, "dW: dW is in the column form"),
    (dW_averaged, "dW: dW is divided by N"),
    (db_wrong_axis, "db: db is summed over the wrong axis"),
    (db_averaged, "db: db is averaged"),
    (db_is_delta, "db: db is delta itself"),
    (no_derivative, "delta_prev: the sigmoid's derivative is missing"),
    (sigmoid_again, "delta_prev: the derivative treats A_prev as the sigmoid's input"),
    (wrong_sign, "delta_prev: the derivative has the wrong sign"),
    (tanh_derivative, "delta_prev: that is tanh's derivative"),
])
def test_row_backward_mistakes_are_named(fn, message, capsys):
    line, returned = run(checks.row_backward, fn, capsys)
    assert line.startswith(f"✗ row_backward: {message}")
    assert returned is _nb09._row_backward_reference


def test_row_backward_untransposed_weight_is_reported(capsys):
    def row_backward(delta, W, A_prev):
        return A_prev.T @ delta, delta.sum(axis=0), (delta @ W) * A_prev * (1 - A_prev)
    line, _ = run(checks.row_backward, row_backward, capsys)
    assert line.startswith("✗ row_backward: raised ValueError")
    assert "delta (5, 3), W (4, 3), A_prev (5, 4)" in line


def test_row_backward_in_place_change_is_named(capsys):
    def row_backward(delta, W, A_prev):
        back = delta @ W.T
        A_prev *= 1 - A_prev
        return back.T @ delta, delta.sum(axis=0), back * A_prev
    line, _ = run(checks.row_backward, row_backward, capsys)
    assert line.startswith("✗ row_backward: changed the caller's array `A_prev` in place")


def test_row_backward_unknown_mistake_gets_the_generic_line(capsys):
    def row_backward(delta, W, A_prev):
        return A_prev.T @ delta, delta.sum(axis=0), (delta @ W.T) * A_prev
    line, _ = run(checks.row_backward, row_backward, capsys)
    assert line.startswith("✗ row_backward: delta_prev differs from nnlib's")
    assert "none of the classic mistakes" in line


# -- accuracy_from_probabilities ---------------------------------------------------------------

def accuracy_right(y, p):
    return np.mean((p[:, 0] >= 0.5) == y)


def test_accuracy_right_answer_passes(capsys):
    line, returned = run(checks.accuracy_from_probabilities, accuracy_right, capsys)
    assert line.startswith("✓ accuracy_from_probabilities: matches nnlib on 3 random inputs")
    assert returned is accuracy_right


def test_accuracy_stub_is_not_written_yet(capsys):
    def accuracy_from_probabilities(y, p):
        raise NotImplementedError  # your code here
    line, returned = run(checks.accuracy_from_probabilities, accuracy_from_probabilities, capsys)
    assert line.startswith("… accuracy_from_probabilities: not written yet")
    assert returned is _nb09._accuracy_reference


def broadcast(y, p):
    labels = (p > 0.5).astype(int)
    return np.mean(labels == y)


def counted(y, p):
    return np.sum((p[:, 0] >= 0.5) == y)


def unthresholded(y, p):
    return np.mean(p.ravel() == y)


def inverted(y, p):
    return np.mean(np.where(p[:, 0] >= 0.5, 0, 1) == y)


def error_rate(y, p):
    return np.mean((p[:, 0] >= 0.5) != y)


def argmax_labels(y, p):
    return np.mean(p.argmax(axis=1) == y)


@pytest.mark.parametrize("fn, message", [
    (broadcast, "p has shape (N, 1) and y (N,): comparing them broadcasts"),
    (counted, "that is the number of correct answers, not the fraction"),
    (unthresholded, "the probabilities are compared with the labels as they are"),
    (inverted, "that is 1 - accuracy"),
    (error_rate, "that is 1 - accuracy"),
    (argmax_labels, "argmax over a single column is always 0"),
])
def test_accuracy_mistakes_are_named(fn, message, capsys):
    line, returned = run(checks.accuracy_from_probabilities, fn, capsys)
    assert line.startswith(f"✗ accuracy_from_probabilities: {message}")
    assert returned is _nb09._accuracy_reference


def test_accuracy_no_return_is_named(capsys):
    def accuracy_from_probabilities(y, p):
        np.mean((p[:, 0] >= 0.5) == y)
    line, _ = run(checks.accuracy_from_probabilities, accuracy_from_probabilities, capsys)
    assert line.startswith("✗ accuracy_from_probabilities: returned None")


def test_accuracy_unknown_mistake_gets_the_generic_line(capsys):
    def accuracy_from_probabilities(y, p):
        return np.mean((p[:, 0] >= 0.7) == y)
    line, _ = run(checks.accuracy_from_probabilities, accuracy_from_probabilities, capsys)
    assert line.startswith("✗ accuracy_from_probabilities: accuracy differs from nnlib's")
    assert "none of the classic mistakes" in line


# -- decision_grid -----------------------------------------------------------------------------

def grid_right(predict, xlim, ylim, resolution):
    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    XX, YY = np.meshgrid(xs, ys)
    p = predict(np.column_stack([XX.ravel(), YY.ravel()]))
    return xs, ys, (p[:, 0] >= 0.5).reshape(XX.shape)


def test_decision_grid_right_answer_passes(capsys):
    line, returned = run(checks.decision_grid, grid_right, capsys)
    assert line.startswith("✓ decision_grid: matches nnlib on 3 random inputs")
    assert returned is grid_right


def test_decision_grid_right_answer_written_with_a_loop_passes(capsys):
    def decision_grid(predict, xlim, ylim, resolution):
        step_x = (xlim[1] - xlim[0]) / (resolution - 1)
        step_y = (ylim[1] - ylim[0]) / (resolution - 1)
        xs = np.array([xlim[0] + j * step_x for j in range(resolution)])
        ys = np.array([ylim[0] + i * step_y for i in range(resolution)])
        labels = np.zeros((resolution, resolution), dtype=int)
        for i, y in enumerate(ys):
            labels[i] = predict(np.column_stack([xs, np.full(resolution, y)]))[:, 0] >= 0.5
        return xs, ys, labels
    line, _ = run(checks.decision_grid, decision_grid, capsys)
    assert line.startswith("✓ decision_grid")


def test_decision_cases_have_both_classes_and_no_point_on_the_boundary():
    for case in _nb09._decision_cases():
        predict, xlim, ylim, resolution = case.args
        xs, ys, labels = _nb09._decision_reference(*case.args)
        assert 0.2 < labels.mean() < 0.8
        XX, YY = np.meshgrid(xs, ys)
        # Rounding in how the grid is computed moves p by ~1e-16: no label may hang on that.
        assert np.abs(predict(np.column_stack([XX.ravel(), YY.ravel()])) - 0.5).min() > 1e-4


def test_decision_grid_stub_is_not_written_yet(capsys):
    def decision_grid(predict, xlim, ylim, resolution):
        raise NotImplementedError  # your code here
    line, returned = run(checks.decision_grid, decision_grid, capsys)
    assert line.startswith("… decision_grid: not written yet")
    assert returned is _nb09._decision_reference


def grid_written(ij=False, endpoint=True, extra=0, swap_points=False, same_range=False,
                 labels=lambda p: p[:, 0] >= 0.5):
    """The learner's grid, with a switch for each mistake, written in the plain way."""
    def decision_grid(predict, xlim, ylim, resolution):
        xs = np.linspace(*xlim, resolution + extra, endpoint=endpoint)
        ys = np.linspace(*(xlim if same_range else ylim), resolution + extra, endpoint=endpoint)
        XX, YY = np.meshgrid(xs, ys, indexing="ij" if ij else "xy")
        points = np.column_stack([YY.ravel(), XX.ravel()] if swap_points
                                 else [XX.ravel(), YY.ravel()])
        return xs, ys, labels(predict(points)).reshape(XX.shape)
    return decision_grid


def arange_grid(predict, xlim, ylim, resolution):
    xs = np.arange(xlim[0], xlim[1], (xlim[1] - xlim[0]) / resolution)
    ys = np.arange(ylim[0], ylim[1], (ylim[1] - ylim[0]) / resolution)
    XX, YY = np.meshgrid(xs, ys)
    p = predict(np.column_stack([XX.ravel(), YY.ravel()]))
    return xs, ys, (p[:, 0] >= 0.5).reshape(XX.shape)


@pytest.mark.parametrize("fn, message", [
    (grid_written(ij=True), "labels: rows and columns are swapped"),
    (grid_written(swap_points=True), "labels: the points go to predict as (y, x)"),
    (grid_written(endpoint=False), "xs, ys, labels: the grid misses its end points"),
    (arange_grid, "xs, ys, labels: the grid misses its end points"),
    (grid_written(extra=1), "xs, ys, labels: the grid has resolution + 1 points per side"),
    (grid_written(same_range=True), "ys, labels: ylim is not used"),
    (grid_written(labels=lambda p: p[:, 0] < 0.5), "labels: the threshold is the wrong way"),
    (grid_written(labels=lambda p: p), "labels: the labels are the probabilities themselves"),
    (grid_written(labels=lambda p: p.argmax(axis=1)), "labels: argmax over a single column"),
])
def test_decision_grid_mistakes_are_named(fn, message, capsys):
    line, returned = run(checks.decision_grid, fn, capsys)
    assert line.startswith(f"✗ decision_grid: {message}")
    assert returned is _nb09._decision_reference


def test_decision_grid_wrong_resolution_names_the_expected_shape(capsys):
    line, _ = run(checks.decision_grid, grid_written(extra=-1), capsys)
    assert line.startswith("✗ decision_grid: xs has shape (8,)") and "expected (9,)" in line


def test_decision_grid_unknown_mistake_gets_the_generic_line(capsys):
    line, _ = run(checks.decision_grid, grid_written(labels=lambda p: p[:, 0] >= 0.6), capsys)
    assert line.startswith("✗ decision_grid: labels differs from nnlib's")
    assert "none of the classic mistakes" in line


# -- every diagnosis is unambiguous ------------------------------------------------------------

def _outputs(fn, cases, n_out):
    with np.errstate(all="ignore"):
        outs = [fn(*c.copy()[0]) for c in cases]
    return [[np.asarray(o, dtype=float) for o in (out if n_out > 1 else (out,))] for out in outs]


def _same(a, b):
    return all(x.shape == y.shape and np.allclose(x, y, rtol=1e-6, atol=0)
               for xs, ys in zip(a, b) for x, y in zip(xs, ys))


@pytest.mark.parametrize("mistakes, reference, cases, n_out", [
    (_nb09._ROW_MISTAKES, _nb09._row_backward_reference, _nb09._row_backward_cases(), 3),
    (_nb09._ACCURACY_MISTAKES, _nb09._accuracy_reference, _nb09._accuracy_cases(), 1),
    (_nb09._DECISION_MISTAKES, _nb09._decision_reference, _nb09._decision_cases(), 3),
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
    (_nb09._row_backward_reference, backward_right),
    (_nb09._accuracy_reference, accuracy_right),
    (_nb09._decision_reference, grid_right),
])
def test_reference_has_the_notebooks_signature(reference, right):
    # A failed check hands the notebook the reference, which the notebook then calls just as it
    # would call the learner's function: same parameter names, same defaults.
    assert inspect.signature(reference) == inspect.signature(right)


def test_reference_row_backward_is_silent_on_a_raw_input_layer():
    # In the learner edition the reference runs on the first layer, whose A_prev is X in [0, 4].
    import warnings

    from nnlib.checks._nb09 import _row_backward_reference
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _row_backward_reference(rng.normal(size=(4, 3)), rng.normal(size=(2, 3)),
                                rng.uniform(0, 4, size=(4, 2)))

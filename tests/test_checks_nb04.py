"""Notebook 04's checks: each classic mistake, written as a learner would, gets its diagnosis."""
import numpy as np
import pytest

from nnlib import checks


def verdict(check, fn, capsys):
    """Run a check; return what it handed back and the one line it printed."""
    returned = check(fn)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    return returned, lines[0]


def assert_passes(check, fn, capsys):
    returned, line = verdict(check, fn, capsys)
    assert line.startswith("✓ ") and "worst relative error" in line, line
    assert returned is fn


def assert_diagnosis(check, fn, capsys, *phrases):
    returned, line = verdict(check, fn, capsys)
    assert line.startswith("✗ "), line
    for phrase in phrases:
        assert phrase in line, line
    assert returned is not fn
    return returned


def assert_not_written(check, fn, capsys):
    returned, line = verdict(check, fn, capsys)
    assert line.startswith("… ") and "not written yet" in line, line
    assert returned is not fn
    return returned


# -- dense_forward --------------------------------------------------------------------------

def forward(X, W, b):
    Z = X @ W + b
    return Z, np.tanh(Z)


def test_forward_correct(capsys):
    assert_passes(checks.dense_forward, forward, capsys)


def test_forward_stub_gets_nnlib_version(capsys, rng):
    def stub(X, W, b):
        raise NotImplementedError

    reference = assert_not_written(checks.dense_forward, stub, capsys)
    X, W, b = rng.standard_normal((5, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    for got, want in zip(reference(X, W, b), forward(X, W, b)):
        np.testing.assert_allclose(got, want, rtol=1e-14)


def forward_no_bias(X, W, b):
    Z = X @ W
    return Z, np.tanh(Z)


def forward_no_activation(X, W, b):
    Z = X @ W + b
    return Z, Z


def forward_bias_after(X, W, b):
    Z = X @ W + b
    return Z, np.tanh(X @ W) + b


def forward_bias_after_both(X, W, b):
    Z = X @ W
    return Z, np.tanh(Z) + b


def forward_swapped(X, W, b):
    Z = X @ W + b
    A = np.tanh(Z)
    return A, Z


@pytest.mark.parametrize("fn, phrases", [
    (forward_no_bias, ["Z, A:", "the bias is missing"]),
    (forward_no_activation, ["A:", "the activation is missing"]),
    (forward_bias_after, ["A:", "the bias is added after the activation"]),
    (forward_bias_after_both, ["Z, A:", "the bias is added after the activation"]),
    (forward_swapped, ["Z and A are swapped"]),
])
def test_forward_mistakes(fn, phrases, capsys):
    assert_diagnosis(checks.dense_forward, fn, capsys, *phrases)


def test_forward_transposed_weight_names_the_shapes(capsys):
    def transposed(X, W, b):
        Z = X @ W.T + b
        return Z, np.tanh(Z)

    assert_diagnosis(checks.dense_forward, transposed, capsys, "raised ValueError",
                     "W (3, 2)")


def test_forward_unknown_mistake_is_generic(capsys):
    def doubled(X, W, b):
        Z = 2 * (X @ W) + b
        return Z, np.tanh(Z)

    assert_diagnosis(checks.dense_forward, doubled, capsys, "none of the classic mistakes")


def test_forward_changing_the_input_is_named(capsys):
    def rescales_input(X, W, b):
        X /= np.abs(X).max()  # the caller's X is overwritten
        Z = X @ W + b
        return Z, np.tanh(Z)

    assert_diagnosis(checks.dense_forward, rescales_input, capsys,
                     "changed the caller's array `X`")


# -- dense_backward -------------------------------------------------------------------------

def backward(dA, X, Z, A, W):
    delta = dA * (1 - A**2)
    return X.T @ delta, delta.sum(axis=0), delta @ W.T


def test_backward_correct(capsys):
    assert_passes(checks.dense_backward, backward, capsys)


def test_backward_stub_gets_nnlib_version(capsys, rng):
    def stub(dA, X, Z, A, W):
        raise NotImplementedError

    reference = assert_not_written(checks.dense_backward, stub, capsys)
    X, W = rng.standard_normal((6, 4)), rng.standard_normal((4, 3))
    Z = X @ W + 0.3
    dA = rng.standard_normal((6, 3))
    for got, want in zip(reference(dA, X, Z, np.tanh(Z), W), backward(dA, X, Z, np.tanh(Z), W)):
        np.testing.assert_allclose(got, want, rtol=1e-13)


def backward_minus(dA, X, Z, A, W):
    delta = dA * (1 - A**2)
    return -X.T @ delta, -delta.sum(axis=0), -delta @ W.T


def backward_averaged(dA, X, Z, A, W):
    N = X.shape[0]
    delta = dA * (1 - A**2)
    return X.T @ delta / N, np.mean(delta, axis=0), delta @ W.T


def backward_db_mean(dA, X, Z, A, W):
    delta = dA * (1 - A**2)
    return X.T @ delta, delta.mean(axis=0), delta @ W.T


def backward_no_slope(dA, X, Z, A, W):
    return X.T @ dA, dA.sum(axis=0), dA @ W.T


def backward_slope_of_Z(dA, X, Z, A, W):
    delta = dA * (1 - Z * Z)
    return X.T @ delta, delta.sum(axis=0), delta @ W.T


def backward_slope_at_A(dA, X, Z, A, W):
    delta = dA * (1 - np.tanh(A) ** 2)
    return X.T @ delta, delta.sum(axis=0), delta @ W.T


def backward_dW_flipped(dA, X, Z, A, W):
    delta = dA * (1 - A**2)
    return (X.T @ delta).T, delta.sum(axis=0), delta @ W.T


def backward_dX_flipped(dA, X, Z, A, W):
    delta = dA * (1 - A**2)
    return X.T @ delta, delta.sum(axis=0), W @ delta.T


def backward_db_rows(dA, X, Z, A, W):
    delta = dA * (1 - A**2)
    return X.T @ delta, np.sum(delta, axis=1), delta @ W.T


def backward_dX_skips_slope(dA, X, Z, A, W):
    delta = dA * (1 - A**2)
    return X.T @ delta, delta.sum(axis=0), dA @ W.T


@pytest.mark.parametrize("fn, phrases", [
    (backward_minus, ["dW, db, dX:", "wrong sign"]),
    (backward_averaged, ["dW, db:", "divided by N"]),
    (backward_db_mean, ["db:", "divided by N"]),
    (backward_no_slope, ["dW, db, dX:", "derivative is missing"]),
    (backward_slope_of_Z, ["1 - Z**2"]),
    (backward_slope_at_A, ["evaluated at the output A"]),
    (backward_dW_flipped, ["dW:", "transpose of W's"]),
    (backward_dX_flipped, ["dX:", "transpose of X's"]),
    (backward_db_rows, ["db:", "over the units (axis=1)"]),
    (backward_dX_skips_slope, ["dX:", "skips the activation"]),
])
def test_backward_mistakes(fn, phrases, capsys):
    assert_diagnosis(checks.dense_backward, fn, capsys, *phrases)


def test_backward_in_place_is_named(capsys):
    def in_place(dA, X, Z, A, W):
        dA *= 1 - A**2
        return X.T @ dA, dA.sum(axis=0), dA @ W.T

    assert_diagnosis(checks.dense_backward, in_place, capsys, "changed the caller's array `dA`")


def test_backward_missing_piece_is_named(capsys):
    def two_pieces(dA, X, Z, A, W):
        delta = dA * (1 - A**2)
        return X.T @ delta, delta.sum(axis=0)

    assert_diagnosis(checks.dense_backward, two_pieces, capsys,
                     "should return a tuple (dW, db, dX)")


def test_backward_unknown_mistake_is_generic(capsys):
    def half_slope(dA, X, Z, A, W):
        delta = dA * (1 - A**2) / 2
        return X.T @ delta, delta.sum(axis=0), delta @ W.T

    assert_diagnosis(checks.dense_backward, half_slope, capsys, "none of the classic mistakes")


# -- shuffled_batches -----------------------------------------------------------------------

def batches(n_samples, batch_size, rng):
    order = rng.permutation(n_samples)
    return [order[start:start + batch_size] for start in range(0, n_samples, batch_size)]


def test_batches_correct(capsys):
    assert_passes(checks.shuffled_batches, batches, capsys)


def test_batches_match_the_loader_epoch_after_epoch(capsys):
    from nnlib import DataLoader

    mine = checks.shuffled_batches(batches)
    capsys.readouterr()
    rng = np.random.default_rng(7)
    loader = DataLoader(np.arange(11)[:, None], batch_size=4, shuffle=True, rng=7)
    for _ in range(3):
        for got, want in zip(mine(11, 4, rng), loader):
            np.testing.assert_array_equal(got, want[:, 0])


def test_batches_stub_gets_nnlib_version(capsys):
    def stub(n_samples, batch_size, rng):
        raise NotImplementedError

    reference = assert_not_written(checks.shuffled_batches, stub, capsys)
    got = reference(10, 3, np.random.default_rng(0))
    assert [len(b) for b in got] == [3, 3, 3, 1]
    np.testing.assert_array_equal(np.sort(np.concatenate(got)), np.arange(10))


def batches_with_replacement(n_samples, batch_size, rng):
    order = rng.integers(0, n_samples, size=n_samples)
    return [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]


def batches_in_order(n_samples, batch_size, rng):
    return [np.arange(i, min(i + batch_size, n_samples)) for i in range(0, n_samples, batch_size)]


def batches_own_seed(n_samples, batch_size, rng):
    order = np.random.default_rng(0).permutation(n_samples)
    return [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]


def batches_drop_last(n_samples, batch_size, rng):
    order = rng.permutation(n_samples)
    return [order[i * batch_size:(i + 1) * batch_size] for i in range(n_samples // batch_size)]


def batches_lose_one(n_samples, batch_size, rng):
    order = rng.permutation(n_samples)[:-1]
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def batches_split_evenly(n_samples, batch_size, rng):
    return np.array_split(rng.permutation(n_samples), max(1, n_samples // batch_size))


def batches_other_draw(n_samples, batch_size, rng):
    order = rng.choice(n_samples, size=n_samples, replace=False)
    return [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]


def batches_from_one(n_samples, batch_size, rng):
    order = rng.permutation(n_samples) + 1
    return [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]


@pytest.mark.parametrize("fn, phrase", [
    (batches_with_replacement, "repeats samples"),
    (batches_in_order, "not shuffled"),
    (batches_own_seed, "same order every epoch"),
    (batches_drop_last, "drops the last, shorter batch"),
    (batches_lose_one, "drops samples"),
    (batches_split_evenly, "batches of the wrong size"),
    (batches_other_draw, "valid shuffle, but not the order nnlib draws"),
    (batches_from_one, "indices outside 0 .. n_samples - 1"),
])
def test_batches_mistakes(fn, phrase, capsys):
    assert_diagnosis(checks.shuffled_batches, fn, capsys, phrase)


def test_batches_one_array_is_refused_clearly(capsys):
    def not_cut(n_samples, batch_size, rng):
        return rng.permutation(n_samples)

    assert_diagnosis(checks.shuffled_batches, not_cut, capsys, "got one 1-D array",
                     "cut the epoch's order into batches")


def test_batches_non_list_is_refused_clearly(capsys):
    def count(n_samples, batch_size, rng):
        return n_samples // batch_size

    assert_diagnosis(checks.shuffled_batches, count, capsys, "list of 1-D index arrays", "int")


def test_batches_served_backwards_put_the_short_batch_first(capsys):
    def backwards(n_samples, batch_size, rng):
        order = rng.permutation(n_samples)
        return [order[i:i + batch_size] for i in range(0, n_samples, batch_size)][::-1]

    assert_diagnosis(checks.shuffled_batches, backwards, capsys, "batches of the wrong size")


def test_batches_each_reversed_is_never_a_pass(capsys):
    # Every epoch is still a permutation in batches of the right sizes, just not the loader's
    # order: the check must say so rather than pass it.
    def each_reversed(n_samples, batch_size, rng):
        order = rng.permutation(n_samples)
        return [order[i:i + batch_size][::-1] for i in range(0, n_samples, batch_size)]

    assert_diagnosis(checks.shuffled_batches, each_reversed, capsys, "not the order nnlib draws")

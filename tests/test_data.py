"""DataLoader: batch counts, coverage, shuffling, aligned targets, untouched inputs."""
import math

import numpy as np
import pytest

import nnlib
from nnlib import DataLoader


def numbered(n, d=2):
    """X whose row i holds i in every column, so a batch tells which samples it holds."""
    return np.repeat(np.arange(n, dtype=float)[:, None], d, axis=1)


SIZES = [(10, 3), (10, 5), (10, 10), (7, 1), (10, 4), (5, 8)]
CASES = [(n, b, drop) for n, b in SIZES for drop in (False, True)
         if not (drop and b > n)]  # that case is refused: see test_drop_last_with_batch_larger_than_data


@pytest.mark.parametrize("n, b, drop_last", CASES)
@pytest.mark.parametrize("shuffle", [False, True])
def test_len_and_coverage(n, b, drop_last, shuffle):
    loader = DataLoader(numbered(n), np.arange(n), batch_size=b, shuffle=shuffle,
                        drop_last=drop_last, rng=0)
    assert len(loader) == (n // b if drop_last else math.ceil(n / b))
    batches = list(loader)
    assert len(batches) == len(loader)
    sizes = [len(Xb) for Xb, _ in batches]
    assert all(s == b for s in sizes[:-1])
    seen = np.concatenate([Xb[:, 0] for Xb, _ in batches]).astype(int)
    if drop_last:
        assert sizes[-1] == b and len(seen) == (n // b) * b
        assert len(np.unique(seen)) == len(seen)  # no sample twice
    else:
        assert sizes[-1] == n - (len(loader) - 1) * b  # the last batch may be short
        np.testing.assert_array_equal(np.sort(seen), np.arange(n))  # every sample exactly once
    for Xb, yb in batches:
        np.testing.assert_array_equal(Xb[:, 0], yb)


def test_no_shuffle_keeps_order_every_epoch():
    loader = DataLoader(numbered(10), np.arange(10), batch_size=4)
    for _ in range(3):
        order = np.concatenate([yb for _, yb in loader])
        np.testing.assert_array_equal(order, np.arange(10))


def test_shuffle_draws_a_new_permutation_each_epoch():
    loader = DataLoader(numbered(50), np.arange(50), batch_size=8, shuffle=True, rng=0)
    orders = [np.concatenate([yb for _, yb in loader]) for _ in range(3)]
    for order in orders:
        assert not np.array_equal(order, np.arange(50))
        np.testing.assert_array_equal(np.sort(order), np.arange(50))
    assert not np.array_equal(orders[0], orders[1])
    assert not np.array_equal(orders[1], orders[2])


def test_shuffle_is_reproducible_from_seed():
    def orders(seed):
        loader = DataLoader(numbered(20), np.arange(20), batch_size=6, shuffle=True, rng=seed)
        return [np.concatenate([yb for _, yb in loader]) for _ in range(2)]

    for a, b in zip(orders(3), orders(3)):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(orders(3)[0], orders(4)[0])


def test_tuple_targets_stay_aligned():
    n = 13
    X = numbered(n, 3)
    y = (np.arange(n) * 10, np.arange(n)[:, None] * np.array([1.0, -1.0]))
    loader = DataLoader(X, y, batch_size=4, shuffle=True, rng=1)
    count = 0
    for Xb, (y1, y2) in loader:
        np.testing.assert_array_equal(y1, Xb[:, 0] * 10)
        np.testing.assert_array_equal(y2, Xb[:, :2] * np.array([1.0, -1.0]))
        count += len(Xb)
    assert count == n


def test_dict_targets_stay_aligned():
    n = 11
    X = numbered(n)
    y = {"cls": np.arange(n) % 2, "reg": np.arange(n) * 0.5}
    loader = DataLoader(X, y, batch_size=3, shuffle=True, rng=2)
    seen = []
    for Xb, yb in loader:
        assert set(yb) == {"cls", "reg"}
        np.testing.assert_array_equal(yb["cls"], Xb[:, 0].astype(int) % 2)
        np.testing.assert_array_equal(yb["reg"], Xb[:, 0] * 0.5)
        seen.append(Xb[:, 0])
    np.testing.assert_array_equal(np.sort(np.concatenate(seen)), np.arange(n))


def test_without_targets_yields_X_batches():
    batches = list(DataLoader(numbered(5), batch_size=2))
    assert [b.shape for b in batches] == [(2, 2), (2, 2), (1, 2)]


def test_caller_arrays_unchanged():
    X, y = numbered(9), np.arange(9)
    y2 = {"a": np.arange(9) * 2.0}
    X0, y0, a0 = X.copy(), y.copy(), y2["a"].copy()
    for _ in range(2):
        for Xb, yb in DataLoader(X, y, batch_size=4, shuffle=True, rng=0):
            Xb *= 0  # even a caller who writes into a batch must not reach the original
        list(DataLoader(X, y2, batch_size=4, shuffle=True, rng=0))
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(y2["a"], a0)


def test_drop_last_with_batch_larger_than_data():
    with pytest.raises(ValueError, match=r"batch_size must be <= the number of samples \(5\) "
                                         r"with drop_last=True, got 8"):
        DataLoader(numbered(5), np.arange(5), batch_size=8, drop_last=True)


@pytest.mark.parametrize("args, kwargs, exc, match", [
    ((np.arange(5.0),), {}, ValueError, r"X must be 2-D, got a 1-D array of shape \(5,\)"),
    ((numbered(5), np.arange(4)), {}, ValueError, r"X and y must have the same number of rows, got 5 and 4"),
    ((numbered(5), np.zeros((5, 1, 1))), {}, ValueError, r"y must be 1-D or 2-D, got a 3-D"),
    ((numbered(5), (np.arange(5), np.arange(3))), {}, ValueError,
     r"X and y\[1\] must have the same number of rows, got 5 and 3"),
    ((numbered(5), {"a": np.arange(6)}), {}, ValueError,
     r"X and y\['a'\] must have the same number of rows, got 5 and 6"),
    ((np.array([[1.0, np.nan]]),), {}, ValueError, r"X must hold only finite values"),
    ((numbered(2), np.array([0.0, np.inf])), {}, ValueError, r"y must hold only finite values"),
    ((numbered(2), {"a": np.array([np.nan, 0.0])}), {}, ValueError,
     r"y\['a'\] must hold only finite values"),
    ((numbered(5),), dict(batch_size=0), ValueError, r"batch_size must be a positive integer, got 0"),
    ((numbered(5),), dict(batch_size=-3), ValueError, r"batch_size must be a positive integer, got -3"),
    ((numbered(5),), dict(batch_size=2.0), TypeError, r"batch_size must be a positive integer, got 2.0 \(float\)"),
    ((numbered(5),), dict(shuffle=1), TypeError, r"shuffle and drop_last must be True or False, got 1"),
    ((numbered(5),), dict(rng=0.5), TypeError, r"rng must be a numpy Generator, an int seed or None, got float"),
    (("abc",), {}, TypeError, r"X must be an array of numbers, got str"),
])
def test_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        DataLoader(*args, **kwargs)


def test_text_labels_get_a_message_that_says_what_to_do():
    X = np.zeros((3, 2))
    with pytest.raises(TypeError, match=r"y must hold class labels numbered 0, 1, \.\.\., "
                                        r"K-1, got text labels such as 'cat'.*np\.unique.*"
                                        r"NNClassifier"):
        nnlib.DataLoader(X, np.array(["cat", "dog", "cat"]))
    y = [1.0, 2.0, 3.0]
    nnlib.DataLoader(X, y)
    assert y == [1.0, 2.0, 3.0]

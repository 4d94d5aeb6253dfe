"""DataLoader: a shuffled pass covers every row once, whatever the data's size or targets."""
import numpy as np
import pytest

import nnlib.data
from nnlib import DataLoader


def _rows(batches):
    return np.concatenate([b[:, 0] for b in batches])


def test_shuffled_inputs_without_targets():
    X = np.arange(20.0).reshape(10, 2)
    batches = list(DataLoader(X, shuffle=True, batch_size=4, rng=0))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(_rows(batches)) == list(X[:, 0])
    assert list(_rows(batches)) != list(X[:, 0])


@pytest.mark.parametrize("y", [None, "array", "tuple"])
def test_large_data_is_batched_like_small_data(monkeypatch, y):
    """Above EPOCH_GATHER_BYTES batches are gathered one by one: the same rows, the same order."""
    X = np.arange(40.0).reshape(20, 2)
    targets = {None: None, "array": X[:, 0] * 10, "tuple": (X[:, 0] * 10, X[:, :1])}[y]

    def one_pass():
        return list(DataLoader(X, targets, batch_size=6, shuffle=True, rng=3))

    def arrays(batch):  # every array of one batch, in order
        if y is None:
            return [batch]
        Xb, yb = batch
        return [Xb, *yb] if isinstance(yb, tuple) else [Xb, yb]

    small = one_pass()
    monkeypatch.setattr(nnlib.data, "EPOCH_GATHER_BYTES", 0)
    large = one_pass()
    assert len(small) == len(large) == 4
    for a, b in zip(small, large):
        for part_a, part_b in zip(arrays(a), arrays(b), strict=True):
            np.testing.assert_array_equal(part_a, part_b)
    X_batches = [arrays(b)[0] for b in large]
    assert sorted(_rows(X_batches)) == list(X[:, 0])
    if y is not None:  # targets travel with their rows
        for b in large:
            np.testing.assert_array_equal(arrays(b)[1], arrays(b)[0][:, 0] * 10)
